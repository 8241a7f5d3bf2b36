"""Segment stage: one page's text → the articles on it.

A page mixes headline blocks (kicker, headline, subtitle; sometimes Markdown ``#``), bylines
(``■记者 于晓 通讯员 陈子龙``), datelines with inline bylines (``本报讯(记者田秀忠 通讯员何洋)``),
photo captions closed by a credit (``本报记者 田秀忠 摄``), sub-heads inside long reports, and
body lines broken mid-sentence by the layout. This module turns that into ``Article`` records
whose ``body`` keeps a map back to source offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import bylines
from .records import Article, Credit, Source

HAN = r"\u3400-\u4dbf\u4e00-\u9fff"
HEADING_MD = re.compile(r"^\s*(#{1,6})\s*(.*?)\s*$")
DATE_IN_TEXT = re.compile(r"(?:(20\d\d|19\d\d)年)?(\d{1,2})月(\d{1,2})日")

LEADING_TIME = re.compile(
    r"^[“\"]?(?:(?:\d{4}年)?\d{1,2}月\d{1,2}日(?:至\d{1,2}日)?[上下中晚早]?[午上间]?"
    r"|近日|日前|近期|今年以来|连日来)[，,、]?"
)

TERMINAL = "。！？!?…；;"
CLOSE_QUOTES = "”’\"』」）)"
MAX_HEADLINE = 64


def is_terminated(text: str) -> bool:
    """Does a line end a sentence (so the next line starts a new paragraph)?"""
    t = text.rstrip()
    while t and t[-1] in CLOSE_QUOTES:
        if len(t) >= 2 and t[-2] in TERMINAL:
            return True
        t = t[:-1]
    return bool(t) and t[-1] in TERMINAL


def _shifted(credits: list[Credit], offset: int) -> list[Credit]:
    return [Credit(c.name, c.role, c.start + offset, c.end + offset) for c in credits]


@dataclass
class _Line:
    text: str  # stripped
    start: int  # source offset of text[0]
    heading_level: int = 0  # Markdown level, 0 if none

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass
class _Draft:
    headline: list[_Line] = field(default_factory=list)
    credits: list[Credit] = field(default_factory=list)
    outlet: str = ""  # the outlet its dateline names (本报, 文成新闻网)
    paragraphs: list[list[tuple[str, int]]] = field(default_factory=list)  # (text, source offset) runs
    closed: bool = False  # a photo credit ended it: what follows is another item

    @property
    def has_body(self) -> bool:
        return bool(self.paragraphs)

    def last_terminated(self) -> bool:
        return not self.paragraphs or is_terminated(self.paragraphs[-1][-1][0])

    def add_text(self, text: str, start: int, join: bool) -> None:
        if join and self.paragraphs:
            self.paragraphs[-1].append((text, start))
        else:
            self.paragraphs.append([(text, start)])


def _lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            out.append(_Line(stripped, pos + raw.index(stripped[0])))
        pos += len(raw) + 1
    return out


SUBHEAD_MAX = 24


def _continues(lines: list[_Line], i: int) -> bool:
    """Does the next line finish a word of this one ("业。该区……")?"""
    if i + 1 >= len(lines) or " " in lines[i].text or LEADING_TIME.match(lines[i + 1].text):
        return False
    m = re.search(r"[，。！？；：,.!?;:、]", lines[i + 1].text)
    # one character then punctuation ends a word split by the layout; a longer lead (同时，
    # 近年来，) opens a sentence of its own
    return m is not None and m.start() <= 1


def _headline_candidate(line: _Line) -> bool:
    t = line.text
    return (
        len(t) <= MAX_HEADLINE
        and not is_terminated(t)
        and t[-1] not in "，,、：:"
        and "。" not in t
        and not bylines.dateline(t)
        and bylines.credit_line(t) is None
    )


def segment(source: Source) -> list[Article]:
    lines = _lines(source.text)
    markdown = any(HEADING_MD.match(ln.text) and ln.text.startswith("#") for ln in lines)
    for ln in lines:
        m = HEADING_MD.match(ln.text)
        if markdown and ln.text.startswith("#") and m:
            ln.heading_level = len(m.group(1))
            ln.start += ln.text.index(m.group(2)) if m.group(2) else 0
            ln.text = m.group(2)

    credit_lines = [bylines.credit_line(ln.text) for ln in lines]  # each line read as a byline once
    drafts: list[_Draft] = [_Draft()]

    def current() -> _Draft:
        return drafts[-1]

    def start_new() -> _Draft:
        if current().has_body or current().headline or current().credits:
            drafts.append(_Draft())
        return current()

    def is_heading(i: int) -> bool:
        ln = lines[i]
        if markdown:
            return ln.heading_level > 0
        return _headline_candidate(ln)

    def block_leads_to_report(i: int) -> bool:
        """Does the run of heading lines starting at i end at a byline or a 本报讯 dateline?"""
        j = i
        while j < len(lines) and is_heading(j) and credit_lines[j] is None:
            j += 1
        return j < len(lines) and (credit_lines[j] is not None or bylines.dateline(lines[j].text) is not None)

    previous_was_photo_credit = False
    for i, ln in enumerate(lines):
        text = ln.text
        if not text:
            continue
        if credit_lines[i] is not None and not (markdown and ln.heading_level):
            credits = _shifted(credit_lines[i], ln.start)
            photo = bool(re.search(r"摄\s*$", text)) or any(c.role == "摄影" for c in credits)
            target = current()
            if previous_was_photo_credit and len(drafts) and target.closed:
                # a photo credit continued on the next line: the same photo's credit
                target.credits.extend(Credit(c.name, "摄影", c.start, c.end) for c in credits)
                continue
            if photo and target.has_body:
                target = _split_caption(drafts)
                target.credits.extend(credits)
                target.closed = True
                previous_was_photo_credit = True
                continue
            target.credits.extend(credits)
            continue
        previous_was_photo_credit = False

        if is_heading(i):
            cur = current()
            if markdown:
                if cur.has_body or cur.credits or cur.closed:
                    cur = start_new()
                cur.headline.append(ln)
                continue
            continues = _continues(lines, i)
            if cur.has_body and not cur.last_terminated() and i + 1 < len(lines) and not is_heading(i + 1) \
                    and credit_lines[i + 1] is None and not bylines.dateline(lines[i + 1].text) \
                    and not re.search(r"[，,、]", text) and re.search(r"[ \u3000]", text.strip()):
                continue  # a decoration printed across a broken sentence (新时代 新征程 新伟业): drop it
            # a long line with a list comma is body text, unless a byline or 本报讯 follows it
            leads = cur.last_terminated() and block_leads_to_report(i)
            if cur.has_body and not leads and (not cur.last_terminated() or continues or len(text) > SUBHEAD_MAX
                                               and re.search(r"[，,、]", text)):
                cur.add_text(text, ln.start, join=not cur.last_terminated())  # body text, not a heading
                continue
            if block_leads_to_report(i) or cur.closed:
                if cur.has_body or cur.credits or cur.closed:
                    cur = start_new()
                cur.headline.append(ln)
                continue
            if not cur.has_body:
                cur.headline.append(ln)
                continue
            if re.search(r"[，,]", text):  # a sub-head inside a long report
                cur.add_text(text, ln.start, join=False)
                cur.paragraphs[-1].append(("。", -1))
                continue
            cur = start_new()
            cur.headline.append(ln)
            continue

        cur = current()
        dl = bylines.dateline(text)
        if dl:
            if cur.has_body or cur.closed:
                cur = start_new()
            cur.outlet = cur.outlet or dl.outlet
            if dl.credit:
                cur.credits.extend(_shifted(bylines.parse_credit(text[dl.credit[0]:dl.credit[1]], bare=True) or [],
                                            ln.start + dl.credit[0]))
            joined = False
            if dl.place:  # 本报金华10月2日电: the place and date are the report's words; the outlet is not
                cur.add_text(text[dl.place[0]:dl.place[1]], ln.start + dl.place[0], join=False)
                joined = True
            text, start = text[dl.end:], ln.start + dl.end
            if text:
                cur.add_text(text, start, join=joined)
            continue
        if cur.closed:
            cur = start_new()
        trailing = bylines.trailing_credit(text)
        if trailing and any(c.role == "摄影" for c in trailing[1]):  # a photo's caption, closed by its credit
            cur.add_text(text[: trailing[0]].rstrip(), ln.start, join=not cur.last_terminated())
            cur = _split_caption(drafts)
            cur.credits.extend(_shifted(trailing[1], ln.start))
            cur.closed = True
            continue
        if trailing:  # ……其他事项。(本网记者:王浩江): the report's credit, where it ends
            if trailing[0]:
                cur.add_text(text[: trailing[0]].rstrip(), ln.start, join=not cur.last_terminated())
            cur.credits.extend(_shifted(trailing[1], ln.start))
            continue
        if markdown and not is_terminated(text) and " " in text and len(text) <= SUBHEAD_MAX \
                and cur.last_terminated() and not _continues(lines, i):
            cur.add_text(text, ln.start, join=False)  # an unmarked sub-head of a Markdown page
            cur.paragraphs[-1].append(("。", -1))
            continue
        cur.add_text(text, ln.start, join=not cur.last_terminated())

    articles: list[Article] = []
    headed: list[bool] = []
    for draft in drafts:
        if not draft.has_body:
            # A headline printed apart from its report (the layout put it at the foot of the page).
            orphan = next((i for i in range(len(articles) - 1, -1, -1) if not headed[i]), None)
            if draft.headline and orphan is not None:
                _give_headline(articles[orphan], draft.headline)
                headed[orphan] = True
            continue
        articles.append(_build(draft, source, len(articles)))
        headed.append(bool(draft.headline))
    return articles


def _split_caption(drafts: list[_Draft]) -> _Draft:
    """A photo credit closes the item it belongs to. When the current draft is a report that
    already has a byline and no headline of its own for the photo, the credit's caption is the
    last paragraph, printed under the report: move it into an item of its own."""
    cur = drafts[-1]
    if cur.credits and len(cur.paragraphs) > 1 and not any(c.role == "摄影" for c in cur.credits):
        caption = cur.paragraphs.pop()
        drafts.append(_Draft(paragraphs=[caption]))
    return drafts[-1]


def _main_headline(block: list[_Line]) -> tuple[_Line, list[_Line]]:
    levels = [ln.heading_level for ln in block]
    if 1 in levels:
        main = block[levels.index(1)]
    else:
        candidates = [ln for ln in block if not ln.text.startswith(("——", "—", "--"))]
        main = candidates[-1] if candidates else block[-1]
    return main, [ln for ln in block if ln is not main]


def _give_headline(article: Article, block: list[_Line]) -> None:
    main, rest = _main_headline(block)
    article.headline = main.text
    article.kicker = " ".join(ln.text for ln in rest)
    article.headline_start, article.headline_end = main.start, main.end


def _build(draft: _Draft, source: Source, index: int) -> Article:
    chars: list[str] = []
    offsets: list[int] = []

    def emit(text: str, start: int) -> None:
        chars.extend(text)
        offsets.extend(range(start, start + len(text)) if start >= 0 else [offsets[-1] if offsets else 0] * len(text))

    for ln in draft.headline:
        emit(ln.text, ln.start)
        emit("\n", ln.end)
    for paragraph in draft.paragraphs:
        for text, start in paragraph:
            emit(text, start)
        emit("\n", offsets[-1] + 1 if offsets else 0)
    body = "".join(chars)
    article = Article(source=source.name, index=index, headline="", body=body, offsets=offsets,
                      credits=list(draft.credits), outlet=draft.outlet)
    if draft.headline:
        _give_headline(article, draft.headline)
    else:
        # No headline printed (a photo caption, a report cut from its head): use its first clause,
        # past any dateline.
        text, start = draft.paragraphs[0][0]
        skip = LEADING_TIME.match(text)
        cut = skip.end() if skip and skip.end() < len(text) else 0
        lead = re.split(r"[。！？；，,]", text[cut:], maxsplit=1)[0][:MAX_HEADLINE]
        article.headline = lead
        article.headline_start, article.headline_end = start + cut, start + cut + len(lead)
    head_len = sum(len(ln.text) + 1 for ln in draft.headline)
    article.lead = head_len
    article.date = _date(body[head_len:head_len + 80])
    article.date_from = "dateline" if article.date else ""
    if source.date:  # the page's own date dates the report, or gives its dateline a year
        if article.date is None and len(source.date) >= 10:  # a year alone dates no report
            article.date, article.date_from = source.date[:10], "page"
        elif article.date.startswith("--"):
            article.date, article.date_from = _with_year(article.date, source.date), "dateline+page-year"
    return article


def _with_year(month_day: str, page_date: str) -> str:
    """--11-22 on a page of 2022-01-05 is 2021-11-22: a report does not date itself after its page."""
    year = int(page_date[:4])
    if len(page_date) >= 10 and month_day[2:7] > page_date[5:10]:
        year -= 1
    return f"{year}{month_day[1:]}"


def _date(lead: str) -> str | None:
    """The dateline's date: ISO if the year is written, else XSD gMonthDay (--MM-DD)."""
    m = DATE_IN_TEXT.search(lead)
    if not m or m.start() > 20:
        return None
    month, day = int(m.group(2)), int(m.group(3))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{m.group(1)}-{month:02d}-{day:02d}" if m.group(1) else f"--{month:02d}-{day:02d}"
