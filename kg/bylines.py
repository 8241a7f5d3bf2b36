"""The grammar of bylines and credits, for the segment stage.

Papers, county media centres and government sites credit reporting in many shapes:

- a dateline that opens the report, naming the outlet, perhaps a place and a date, then the
  credit in brackets: ``本报讯(记者田秀忠 通讯员何洋)``, ``文成新闻网讯(记者 赵礼锋 张玲)``,
  ``本报金华10月2日电 (记者 X Y 区委报道组 Z)``, ``烟草在线巍山消息``, ``云上江陵报道:``;
- a credit line of its own: ``■记者 于晓 通讯员 陈子龙``, ``记者:X、Y``, ``本报记者 X 摄``;
- a credit closing the report: ``……其他事项。(本网记者:王浩江)``, ``(陈甜甜 徐 峰)``,
  ``(浙江之声记者沈亭亭、上虞台)``, ``(袁瑞泽 文/图)``.

A credit is read by a small tokenizer, never by a regular expression with nested repetition
(such a pattern took 38 s on one 75-character line): role words, outlet names and personal
names, each checked against the surname list. Text that is not wholly made of those is no
credit, so ``记者从县人社局获悉，…`` stays body text and a headline opening with 文明 is no
``文`` credit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from . import gazetteer, lexicon
from .records import Credit

HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_DATA = lexicon.data("credit_roles.json")
ROLES: dict[str, str] = _DATA["roles"]
# roles of one character are credits only standing alone (袁瑞泽 文/图), never glued to Han text
_SHORT_ROLES = frozenset(r for r in ROLES if len(r) == 1)
_LONG_ROLES = sorted((r for r in ROLES if len(r) > 1), key=len, reverse=True)
# a role word may be printed with spaces inside to fill the column (记 者, 通 讯 员)
_LONG_ROLE_RE = re.compile("|".join(r"\s*".join(map(re.escape, role)) for role in _LONG_ROLES))
# 区委报道组, 县融媒体中心报道组: a reporting team, credited like a correspondent
_TEAM_RE = re.compile(rf"[{HAN}]{{0,10}}(?:{'|'.join(map(re.escape, _DATA['teams']))})")
_OUTLET_RE = re.compile(rf"[{HAN}·]{{1,14}}?(?:{'|'.join(map(re.escape, _DATA['outlet_suffixes']))})")
SEPARATORS = set(" \u3000\t、，,；;:：/■□●◆▲★")
_MODIFIER = re.compile(r"[(（](?:实习生?|见习|特约)[)）]")  # 张体颜(实习)

MAX_CREDIT = 60  # characters: a credit is short; longer text is a sentence


@dataclass(frozen=True)
class Dateline:
    end: int  # where the report's own text starts, in the line
    outlet: str  # 本报, 文成新闻网, 云上江陵 …
    credit: tuple[int, int] | None  # span of the bracketed credit, in the line
    place: tuple[int, int] | None = None  # 金华10月2日电: where the place and date are written, in the line


@cache
def _surnames() -> tuple[dict[str, int], frozenset[str]]:
    names = lexicon.words_in_order("surnames.txt")
    single = {n: rank for rank, n in enumerate(n for n in names if len(n) == 1)}
    return single, frozenset(n for n in names if len(n) == 2)


def _name_ok(name: str) -> bool:
    single, double = _surnames()
    if not 2 <= len(name) <= 4 or not (name[0] in single or name[:2] in double):
        return False
    if len(name) == 4 and name[:2] not in double:
        return False
    return not _OUTLET_RE.fullmatch(name) and not _common_word(name)


def _common_word(word: str) -> bool:
    import jieba
    import jieba.posseg

    freq = jieba.get_FREQ(word) or 0
    return freq >= 1000 and not jieba.posseg.dt.word_tag_tab.get(word, "").startswith("nr")


def _split_names(run: str) -> list[str] | None:
    """A run of Han characters as one name or several glued ones (记者田秀忠, 王某张某某): the split
    into names of 2–3 characters (4 with a compound surname) with the fewest names, ties going to
    the commoner surnames."""
    if _name_ok(run):
        return [run]
    single, _ = _surnames()
    best: tuple[tuple[int, int], list[str]] | None = None

    def walk(pos: int, parts: list[str]) -> None:
        nonlocal best
        if pos == len(run):
            key = (len(parts), sum(single.get(p[0], 500) for p in parts))
            if best is None or key < best[0]:
                best = (key, list(parts))
            return
        for n in (3, 2, 4):
            piece = run[pos:pos + n]
            if len(piece) == n and _name_ok(piece):
                walk(pos + n, [*parts, piece])

    if len(run) <= 12:
        walk(0, [])
    return best[1] if best else None


def parse_credit(text: str, offset: int = 0, bare: bool = False) -> list[Credit] | None:
    """The credited names in ``text`` (a byline, or what a credit's brackets hold), with their
    roles and source offsets (``offset`` is where ``text`` starts); None when the text is not
    wholly a credit. ``bare``: names without any role word count (a closing ``(陈健 谢勇)``)."""
    if not text.strip() or len(text) > MAX_CREDIT:
        return None
    photo = bool(re.search(r"摄\s*$", text))
    body = re.sub(r"摄\s*$", "", text)
    runs = _runs(body)
    tokens: list[tuple[str, str, int, int]] = []  # (kind, text, start, end): role | outlet | name
    for start, end in runs or ():
        if end - start == 1 and body[start] in _SHORT_ROLES:
            tokens.append(("role", ROLES[body[start]], start, end))
        elif not _read_run(body, start, end, tokens):
            return None
    kinds = {t[0] for t in tokens}
    if runs is None or "name" not in kinds or not (bare or photo or "role" in kinds):
        return None
    credits: list[Credit] = []
    role: str | None = None
    for i, (kind, value, start, end) in enumerate(tokens):
        if kind == "role":
            # 摄影 记者 冯树凤: of roles written together, the first says what the person did here
            role = role if i and tokens[i - 1][0] == "role" else value
        elif kind == "name":
            # 袁瑞泽 文/图: a role written after the names is theirs
            this = role or next((t[1] for t in tokens[i + 1:] if t[0] == "role"), "记者")
            credits.append(Credit(value, "摄影" if photo else this, offset + start, offset + end))
    return credits


def _runs(body: str) -> list[tuple[int, int]] | None:
    """The runs of Han characters between separators; two one-character runs apart only by
    spaces are one name printed to three characters' width (徐 峰). None if anything else
    (a digit, a bracket that is not 实习) stands between them."""
    runs: list[tuple[int, int]] = []
    for m in re.finditer(rf"[{HAN}·]+|[(（][^()（）]*[)）]|\S", body):
        if m.group(0)[0] in "(（":
            if not _MODIFIER.fullmatch(m.group(0)):  # 张体颜(实习) is a reporter; other brackets are not credits
                return None
            continue
        if m.group(0) in SEPARATORS:
            continue
        if not re.match(rf"[{HAN}·]", m.group(0)):
            return None
        if runs and m.end() - m.start() == 1 and body[runs[-1][1]:m.start()].isspace():
            prev = body[runs[-1][0]:runs[-1][1]]
            joined = re.sub(r"\s", "", prev) + m.group(0)
            spaced_role = re.fullmatch(rf"(?:[{HAN}]\s+)*[{HAN}]", prev) and any(r.startswith(joined) for r in _LONG_ROLES)
            if spaced_role or len(prev) == 1 and prev not in _SHORT_ROLES and m.group(0) not in _SHORT_ROLES:
                runs[-1] = (runs[-1][0], m.end())  # 记 者 | 徐 峰
                continue
        runs.append((m.start(), m.end()))
    return runs


def _read_run(body: str, start: int, end: int, tokens: list) -> bool:
    """Tokens of one run of Han characters, left to right: roles, reporting teams, outlets and
    names; False if some part of it is none of those."""
    pos = start
    while pos < end:
        team = _TEAM_RE.match(body, pos, end)  # 区委报道组 before the role word 报道 inside it
        if team:
            tokens.append(("role", "通讯员", pos, team.end()))
            pos = team.end()
            continue
        m = _LONG_ROLE_RE.match(body, pos, end)
        if m:
            tokens.append(("role", ROLES[re.sub(r"\s", "", m.group(0))], pos, m.end()))
            pos = m.end()
            continue
        # the next role word inside the run bounds what is glued to it (浙江之声记者沈亭亭)
        nxt = _LONG_ROLE_RE.search(body, pos + 1, end)
        stop = nxt.start() if nxt else end
        chunk = body[pos:stop]
        if _TEAM_RE.fullmatch(chunk):
            tokens.append(("role", "通讯员", pos, stop))
        elif _OUTLET_RE.fullmatch(chunk) and not _name_ok(chunk):
            tokens.append(("outlet", chunk, pos, stop))
        elif gazetteer.lookup(chunk) is not None and not _name_ok(chunk):
            tokens.append(("place", chunk, pos, stop))  # 人民网记者X 北京报道: where it was filed
        else:
            spaced = re.sub(r"\s", "", chunk)
            parts = _split_names(spaced.strip("·"))
            if parts is None and tokens and tokens[-1][0] == "role" and 2 <= len(spaced) <= 4 \
                    and spaced == chunk and not _common_word(spaced):
                parts = [spaced]  # 记者 其木格: a name right after its role needs no Han surname
            if parts is None or spaced != chunk and len(parts) != 1:
                return False
            if spaced != chunk:  # 徐 峰: one name across the space
                tokens.append(("name", parts[0], pos, stop))
            p = pos
            for part in parts if spaced == chunk else ():
                tokens.append(("name", part, p, p + len(part)))
                p += len(part)
        pos = stop
    return True


# --- where credits stand ------------------------------------------------------------------------

_DATE = r"(?:\d{1,2}月\d{1,2}日)"
DATELINE = re.compile(
    rf"^\s*(?P<outlet>本[报网台刊港站]|[{HAN}·]{{1,16}}?(?:{'|'.join(map(re.escape, _DATA['outlet_suffixes']))})"
    rf"(?:[·・][{HAN}]{{1,12}}?(?:{'|'.join(map(re.escape, _DATA['outlet_suffixes']))}))?)"
    rf"(?P<place>[{HAN}]{{0,6}}?)"
    rf"(?:{_DATE}?(?:讯|消息)(?=[\s(（:：\d{HAN}]|$)|{_DATE}电(?=[\s(（:：\d{HAN}]|$)|报道[:：])"
    rf"|^\s*(?P<outlet2>[{HAN}]{{2,12}}?)报道[:：]"  # 云上江陵报道: a media centre's app or column
)
_BRACKET = re.compile(r"\s*[(（]([^()（）]{1,60})[)）]\s*")
_TRAILING = re.compile(r"[(（]([^()（）]{1,60})[)）]\s*$")


def dateline(line: str) -> Dateline | None:
    """The dateline opening a report's first line, with the bracketed credit after it."""
    m = DATELINE.match(line)
    if not m:
        return None
    end, credit = m.end(), None
    b = _BRACKET.match(line, end)
    if b and parse_credit(b.group(1), bare=True) is not None:
        credit, end = (b.start(1), b.end(1)), b.end()
    while end < len(line) and line[end] in " \u3000:：":
        end += 1
    # 雅安8月25日讯 reads as the report's words (a place and a date); 济宁讯 glued to the
    # sentence would not (济宁按照…)
    dated = m.group("place") and re.search(r"\d日(?:讯|电|消息)$", m.group(0))
    place = (m.start("place"), m.end() - (2 if m.group(0).endswith("消息") else 1)) if dated else None
    return Dateline(end, m.group("outlet") or m.group("outlet2"), credit, place)


def credit_line(line: str) -> list[Credit] | None:
    """The credits of a line that is wholly a byline or credit (■记者 于晓 | 记者:X、Y | X 摄)."""
    if len(line) > MAX_CREDIT or any(c in line for c in "。！？!?"):
        return None
    inner = line.strip()
    b = re.fullmatch(r"[(（]([^()（）]+)[)）]", inner)
    if b:  # a closing credit alone on its line: (陈健 谢勇)
        return parse_credit(b.group(1), line.index(b.group(1)), bare=True)
    return parse_credit(line)


def trailing_credit(line: str) -> tuple[int, list[Credit]] | None:
    """A credit closing a paragraph: ``……其他事项。(本网记者:王浩江)`` | ``……。黄杰 摄``; the
    position where it starts in the line, and the credits (offsets into the line)."""
    m = _TRAILING.search(line)
    if m and (m.start() == 0 or line[m.start() - 1] in "。！？!?”’\" \u3000"):
        credits = parse_credit(m.group(1), m.start(1), bare=True)
        if credits:
            return m.start(), credits
    if line.rstrip().endswith("摄"):
        cut = max(line.rfind(c) for c in "。！？!?”")
        if cut >= 0:
            credits = parse_credit(line[cut + 1:], cut + 1)
            if credits:
                return cut + 1, credits
    return None
