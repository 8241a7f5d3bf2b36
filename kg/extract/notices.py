"""Pre-appointment notices (干部任前公示): the candidates an organisation department lists before
appointing them, one paragraph (or a table row flattened to a line) each, name first:

    王明，男，汉族，1975年3月生，安徽濉溪人，大学学历，1996年8月参加工作，1998年6月加入中国共产党，
    现任濉溪县财政局局长，拟任濉溪县人民政府副县长。

For each candidate: a person mention whose attrs hold the biography the text states (gender,
ethnicity, birth, native place, education, degree, party, party_joined, work_started), the current
posts (``现任``) as ``holds`` relations made exactly as the persons component makes them, and the
proposed posts (``拟任``, ``拟提名为…候选人``, ``拟推荐为…人选``) as ``nominated`` relations, kept apart
from ``holds``.

A paragraph is a candidate only in the notice's shape: a name opening it (after a line start, a
full stop or a list number), then, within its first fields, a gender or a birth date and at least
one more biography field. Under a heading that announces a notice (``notice_headings.txt``) a
name-first paragraph with a current or proposed post is enough. A news report that names a post
in passing (王明，现任…，他说) has neither.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from .. import lexicon
from ..records import Relation
from .common import HAN, Doc, surnames
from .persons import PostPart, name_at, titles_before

# Where a candidate's paragraph may open: a line start, a full stop, a colon (公示如下：), with a list
# number (1. | 1、 | （一） | 一、) or not.
ITEM_START = re.compile(rf"(?:^|(?<=[\n。；;：:]))[ \t\u3000]*(?:(?:\d{{1,3}}|[一二三四五六七八九十]{{1,3}})[.、．]"
                        rf"[ \t\u3000]*|[（(](?:\d{{1,3}}|[一二三四五六七八九十]{{1,3}})[）)][ \t\u3000]*)?(?=[{HAN}])",
                        re.M)
NAME_FIELD = re.compile(rf"([{HAN}]{{2,4}}?)(?:同志)?(?=[，,（(\t]|  )")
SEPARATORS = "，,；;\t"
ITEM_MAX = 600  # characters of one candidate's paragraph at most: a page on one line is not read to its end per start
BRACKETS = {"（": "）", "(": ")"}

YM = r"(?P<y>(?:19|20)\d\d)(?:(?:年|\.|．|-|/)(?:(?P<m>\d{1,2})月?)?)?"
BIRTH = re.compile(rf"{YM}(?:出生|生人|生)")
BARE_DATE = re.compile(rf"{YM}")  # inside the brackets after a name: (1973.11，女，侗族)
JOINED = re.compile(rf"{YM}(?:加入中国共产党|入党)")
WORK = re.compile(rf"{YM}参加工作")
AGE = re.compile(r"\d{2}岁")
NATIVE = re.compile(rf"(?:籍贯(?P<a>[{HAN}]{{2,10}})|(?P<b>[{HAN}]{{2,10}}?)人)")
PERIOD = re.compile(r"公示(?:时间|期|期限|日期)?(?:为|是)?[：:]?\s*(?P<y1>\d{4})年(?P<m1>\d{1,2})月(?P<d1>\d{1,2})日"
                    r"(?:[（(][^）)\n]{0,6}[）)])?\s*(?:至|—|－|-|～|~|到)\s*(?:(?P<y2>\d{4})年)?(?P<m2>\d{1,2})月"
                    r"(?P<d2>\d{1,2})日")
TRAILING_ASIDE = re.compile(r"[（(][^（）()]*[）)]$")  # 拟任X（试用期一年） | 现任X（正县级）


@cache
def _words(name: str) -> tuple[str, ...]:
    return lexicon.words(name)


@cache
def _ethnic_re() -> re.Pattern:
    return re.compile(f"(?:{lexicon.alternation('ethnic_groups.txt')})族")


@cache
def _education_re() -> re.Pattern:
    return re.compile(rf"[{HAN}]{{0,8}}?(?:{lexicon.alternation('notice_education.txt')})(?:学历)?")


@cache
def _degree_re() -> re.Pattern:
    return re.compile(rf"[{HAN}]{{0,6}}(?:{lexicon.alternation('notice_degrees.txt')})(?:学位)?")


@cache
def _proposals() -> list[tuple[str, tuple[str, ...]]]:
    rows = [(r["opener"], tuple(c for c in (r["closers"] or "").split("|") if c))
            for r in lexicon.table("notice_proposals.tsv")]
    return sorted(rows, key=lambda r: -len(r[0]))


@dataclass
class Item:
    """One candidate's paragraph, split into its fields (offsets into the text)."""

    name: tuple[int, int]
    fields: list[tuple[int, int]]
    bio: dict = field(default_factory=dict)
    strong: bool = False  # a gender or a birth date among the first fields
    current: list[tuple[int, int]] = field(default_factory=list)  # the post text of each 现任 field
    proposed: list[tuple[int, int, str]] = field(default_factory=list)  # post text, and the opener


def notices(doc: Doc) -> None:
    """Find the candidates of a pre-appointment notice: each one's person mention with the
    biography stated, ``holds`` for the current posts and ``nominated`` for the proposed ones."""
    text = doc.text
    if "现任" not in text and "拟" not in text and "男" not in text and "女" not in text:
        return
    headed = _headed(text)
    _drop_names_in_headings(doc)
    period = _period(text)
    for m in ITEM_START.finditer(text):
        item = _item(doc, m.end(), headed)
        if item is None:
            continue
        _add(doc, item, period)


def _headed(text: str) -> bool:
    """A short line (a heading, not a sentence) that announces a notice."""
    for line in text.split("\n"):
        line = line.strip()
        if line and len(line) <= 40 and "。" not in line and any(w in line for w in _words("notice_headings.txt")):
            return True
    return False


def _drop_names_in_headings(doc: Doc) -> None:
    """干部任前公示, 发布干部任前公示: the words that name a notice are no name (任前 would read as
    one after the role noun 干部), in a heading or in a report about a notice."""
    spans = [(m.start(), m.end()) for w in _words("notice_headings.txt") for m in re.finditer(re.escape(w), doc.text)]
    bad = {i for i, m in enumerate(doc.mentions) if m.kind == "person" and any(a < m.end and m.start < b for a, b in spans)}
    if not bad:
        return
    remap = {}
    for i in range(len(doc.mentions)):
        if i not in bad:
            remap[i] = len(remap)
    doc.replace([m for i, m in enumerate(doc.mentions) if i not in bad],
                [Relation(r.kind, remap[r.subject], remap.get(r.object) if r.object is not None else None, r.rule,
                          r.sentence, r.attrs)
                 for r in doc.relations if r.subject in remap and (r.object is None or r.object in remap)])


def _period(text: str) -> dict:
    m = PERIOD.search(text)
    if m is None:
        return {}
    y1 = int(m.group("y1"))
    y2 = int(m.group("y2") or y1)
    start = f"{y1:04d}-{int(m.group('m1')):02d}-{int(m.group('d1')):02d}"
    end = f"{y2:04d}-{int(m.group('m2')):02d}-{int(m.group('d2')):02d}"
    return {"notice_from": start, "notice_to": end}


def _item(doc: Doc, start: int, headed: bool) -> Item | None:
    text = doc.text
    nm = NAME_FIELD.match(text, start)
    if nm is None:
        return None
    name_end = nm.end(1)
    line_end = text.find("\n", start)
    line_end = min(len(text) if line_end < 0 else line_end, start + ITEM_MAX)
    fields = _fields(text, nm.end(), line_end)
    item = Item((start, name_end), fields)
    for i, (fs, fe) in enumerate(fields):
        kind = _read_field(item, text, fs, fe, bracketed=fs < line_end and _in_name_brackets(text, nm.end(), fs))
        if kind in ("gender", "birth") and i < 3:
            item.strong = True
    if not _is_candidate(item, headed):
        return None
    end = name_at(doc, start, anchored=True)
    if end != name_end and not _unsurnamed_name(text, start, name_end, item):
        return None
    return item


def _is_candidate(item: Item, headed: bool) -> bool:
    if item.strong and len(item.bio) >= 2:
        return True
    return headed and bool(item.current or item.proposed) and bool(item.bio)


def _unsurnamed_name(text: str, start: int, end: int, item: Item) -> bool:
    """A name kg's surname list does not open (额尔敦, a minority name) still opens a notice item
    when its gender follows at once: the shape says it is a name."""
    single, double = surnames()
    if text[start] in single or text[start:start + 2] in double:
        return False  # a Han surname that ``name_at`` refused is a word (关于，干部): not a name
    return "gender" in item.bio and item.strong


def _in_name_brackets(text: str, after_name: int, pos: int) -> bool:
    return text[after_name:after_name + 1] in BRACKETS and pos < text.find(BRACKETS[text[after_name]], after_name)


def _fields(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The fields after the name, split at commas, semicolons and tabs outside brackets; the
    brackets right after the name (王明（1975年3月出生）) are fields too. A sentence after a full stop
    belongs to the item only when it opens with a post (现任, 拟任, 曾任)."""
    out: list[tuple[int, int]] = []
    pos = start
    if text[pos:pos + 1] in BRACKETS:
        close = text.find(BRACKETS[text[pos]], pos)
        if close > 0:
            out.extend(_split(text, pos + 1, close))
            pos = close + 1
    depth, fs = 0, pos
    i = pos
    while i < end:
        c = text[i]
        if c in "（(":
            depth += 1
        elif c in "）)":
            depth = max(0, depth - 1)
        elif depth == 0 and (c in SEPARATORS or c == "。" or text.startswith("  ", i)):
            if i > fs:
                out.append((fs, i))
            if c == "。" and not _continues(text, i + 1):
                return out
            fs = i + 1
        i += 1
    if end > fs:
        out.append((fs, end))
    return [(a, b) for a, b in ((_strip(text, a, b)) for a, b in out) if b > a]


def _continues(text: str, pos: int) -> bool:
    rest = text[pos:pos + 6].lstrip()
    return rest.startswith(("现任", "现为", "拟", "提名", "曾任", "历任"))


def _split(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out, fs = [], start
    for i in range(start, end):
        if text[i] in SEPARATORS:
            out.append((fs, i))
            fs = i + 1
    out.append((fs, end))
    return [_strip(text, a, b) for a, b in out]


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a] in " \u3000\t":
        a += 1
    while b > a and text[b - 1] in " \u3000\t":
        b -= 1
    return a, b


def _ym(m: re.Match) -> str:
    return f"{m.group('y')}-{int(m.group('m')):02d}" if m.group("m") else m.group("y")


def _read_field(item: Item, text: str, fs: int, fe: int, bracketed: bool) -> str | None:
    """Put what one field states into the item; return its kind."""
    f = text[fs:fe]
    bio = item.bio
    if f in ("男", "女"):
        bio.setdefault("gender", f)
        return "gender"
    if _ethnic_re().fullmatch(f):
        bio.setdefault("ethnicity", f)
        return "ethnicity"
    for pattern, key in ((BIRTH, "birth"), (JOINED, "party_joined"), (WORK, "work_started")):
        m = pattern.fullmatch(f)
        if m:
            bio.setdefault(key, _ym(m))
            return key
    if bracketed and (m := BARE_DATE.fullmatch(f)):
        bio.setdefault("birth", _ym(m))
        return "birth"
    if AGE.fullmatch(f):
        bio.setdefault("age", f)
        return "age"
    if f in _words("notice_parties.txt"):
        bio.setdefault("party", f)
        return "party"
    for opener in _words("notice_current.txt"):
        if f.startswith(opener) and len(f) > len(opener):
            item.current.append(_post_span(text, fs + len(opener), fe, ()))
            return "current"
    for opener, closers in _proposals():
        if f.startswith(opener):
            if len(f) > len(opener):
                a, b = _post_span(text, fs + len(opener), fe, closers)
                if b > a:
                    item.proposed.append((a, b, opener))
            else:
                bio.setdefault("proposal", f)  # 拟进一步使用: proposed for use, no post named
            return "proposed"
    if _education_re().fullmatch(f):
        bio.setdefault("education", f)
        return "education"
    if _degree_re().fullmatch(f):
        bio.setdefault("degree", f)
        return "degree"
    m = NATIVE.fullmatch(f)
    if m and not f.endswith("人士"):
        place = m.group("a") or m.group("b")
        bio.setdefault("native_place", place)
        bio.setdefault("_native_span", (fe - 1 - len(place), fe - 1) if m.group("b") else (fe - len(place), fe))
        return "native_place"
    return None


def _post_span(text: str, a: int, b: int, closers: tuple[str, ...]) -> tuple[int, int]:
    """The post inside a field: without an aside in brackets after it (（试用期一年）, （正县级）)
    and without the word that closes a nomination (候选人, 人选)."""
    while True:
        m = TRAILING_ASIDE.search(text, a, b)
        if m is None or m.end() != b:
            break
        b = m.start()
    for closer in sorted(closers, key=len, reverse=True):
        if text.endswith(closer, a, b):
            b -= len(closer)
            break
    return a, b


def _add(doc: Doc, item: Item, period: dict) -> None:
    start, end = item.name
    bio = {k: v for k, v in item.bio.items() if not k.startswith("_")}
    native = item.bio.get("_native_span")
    if native:
        inside = [m for _, m in doc.overlapping(*native, ("place",)) if native[0] <= m.start and m.end <= native[1]]
        place = max(inside, key=lambda m: m.start, default=None)  # 安徽濉溪: the county, not the province
        if place is not None:
            bio["native_place_mention"] = (place.start, place.end)
            # where a candidate comes from says nothing of where the notice is (resolution's context)
            place.attrs["native_place"] = True
    idx = next((i for i, p in doc.starting_at(start, ("person",)) if p.end == end), None)
    if idx is None:
        idx = doc.add("person", start, end, "notice-candidate")
    person = doc.mentions[idx]
    if person.start != start or person.end != end:
        return  # the name sits inside something longer kg found first: not this notice's candidate
    person.attrs.update({"notice": True, **{k: v for k, v in bio.items() if k not in person.attrs}})
    sentence = doc.sentence_at(start)
    for a, b in item.current:
        for part in _posts(doc, a, b):
            doc.relations.append(Relation("holds", idx, part.org, "notice-current", doc.sentence_at(a),
                                          {"title": part.title, "org_text": part.org_text}))
    for a, b, opener in item.proposed:
        for part in _posts(doc, a, b):
            doc.relations.append(Relation("nominated", idx, part.org, "notice-proposed",
                                          doc.sentence_at(a) if doc.sentence_at(a) >= 0 else sentence,
                                          {"title": part.title, "org_text": part.org_text, "stated": opener,
                                           **period}))


def _posts(doc: Doc, a: int, b: int):
    """The chain of posts written in text[a:b] (现任X县委副书记、县长), as ``titles_before`` reads a
    chain before a name; nothing when the words are no post kg knows."""
    parts = titles_before(doc, b)
    if not parts or parts[0].start < a:
        return []
    first = parts[0]
    if first.org is None and first.start > a and doc.text[first.start - 1] in "）)":
        # 衡阳市工商业联合会（市总商会）主席: the body is the one named before the aside
        opening = max(doc.text.rfind("（", a, first.start), doc.text.rfind("(", a, first.start))
        named = doc.ending_at(opening, ("organization",)) if opening > a else []
        if named:
            org_idx, org = max(named, key=lambda im: (im[1].start, im[0]))
            if org.start >= a:
                parts[0] = PostPart(org.start, first.end, first.title, org_idx, org.text)
    return parts
