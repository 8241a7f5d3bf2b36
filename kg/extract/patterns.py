"""One pure function per kind of extraction: a ``Doc`` (text + token boundaries) in, typed
``Mention``/``Relation`` records out.

The grammar here is that of Chinese local-government reporting:
``[jurisdiction][organ]title、title NAME``, ``NAME(title)``, ``区领导A、B、C参加``, bylines,
``X街道``/``X社区`` under a district, organisations named by a jurisdiction plus an organ
(``区财政局``), named initiatives in quotes or ending in 工程/行动/活动.
Word lists come from ``kg/lexicon``; no name of a person, company or campaign is listed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

from .. import gazetteer, lexicon
from ..records import Mention, Relation, Sentence

HAN = "\u3400-\u4dbf\u4e00-\u9fff"
HAN_RE = re.compile(f"[{HAN}]")

# Characters that never sit inside a name of a place or organisation (function words, list
# separators): they bound a name on the left.
STOP_CHARS = set("的在和与及暨对向从到赴把被将为由于、，。；：！？“”‘’《》（）()　 \n了是各该全本每其这那此共,;:!?")
# Characters that never sit inside an organisation's name after its jurisdiction (公共, 全民 may).
BODY_BREAK = STOP_CHARS - set("全本各每其该这那此共")
# Characters that start the word after a person's name (verbs, prepositions): they end a name.
STRONG_BREAK = set("及和与等、，。；：说是的了在也向对从把被将为”“\"")
NAME_BREAK = set("".join(lexicon.words("name_break_chars.txt")))
# Of those, the ones that are words by themselves (作报告, 说, 到): after a known two-character
# name they are the verb even when jieba glues them to it (吴静作). 强, 主, 出 start longer verbs
# (强调, 主持) and also end names (张志强).
VERB_CHARS = set("作说讲到在向对为将把被是也就都要从和与及等")


@dataclass
class Doc:
    """The text of one article with its sentences and the word boundaries of the tokenizer."""

    text: str
    sentences: list[Sentence]
    boundaries: frozenset[int]
    mentions: list[Mention] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)

    def sentence_at(self, pos: int) -> int:
        for i, s in enumerate(self.sentences):
            if s.start <= pos < s.end:
                return i
        return -1

    def add(self, kind: str, start: int, end: int, rule: str, **attrs) -> int:
        """Add a mention unless one of the same kind already covers the span (or, for a
        ``nested`` one, has the same span); return its index."""
        for i, m in enumerate(self.mentions):
            if m.kind == kind and m.start <= start and end <= m.end and (not attrs.get("nested") or
                                                                         (m.start, m.end) == (start, end)):
                return i
        self.mentions.append(Mention(kind, self.text[start:end], start, end, rule, self.sentence_at(start), attrs))
        return len(self.mentions) - 1

    def covered(self, start: int, end: int, kinds: tuple[str, ...] = ()) -> bool:
        return any(m.start < end and start < m.end and (not kinds or m.kind in kinds) for m in self.mentions)

    def of_kind(self, *kinds: str) -> list[tuple[int, Mention]]:
        return sorted(((i, m) for i, m in enumerate(self.mentions) if m.kind in kinds), key=lambda im: im[1].start)


# ---------------------------------------------------------------------------------------------
# sentences

SENTENCE_END = re.compile(r"[。！？!?；;]+[”’」』]?|\n")


def split_sentences(text: str) -> list[Sentence]:
    out, start = [], 0
    for m in SENTENCE_END.finditer(text):
        end = m.end()
        chunk = text[start:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            out.append(Sentence(chunk.strip(), start + lead, start + lead + len(chunk.strip())))
        start = end
    if text[start:].strip():
        chunk = text[start:]
        lead = len(chunk) - len(chunk.lstrip())
        out.append(Sentence(chunk.strip(), start + lead, start + lead + len(chunk.strip())))
    return out


# ---------------------------------------------------------------------------------------------
# lexicons compiled once


@cache
def _surnames() -> tuple[frozenset[str], frozenset[str]]:
    names = lexicon.words("surnames.txt")
    return frozenset(n for n in names if len(n) == 1), frozenset(n for n in names if len(n) == 2)


@cache
def _titles() -> dict[str, dict[str, str]]:
    return {row["title"]: row for row in lexicon.table("titles.tsv")}


@cache
def _title_re() -> re.Pattern:
    return re.compile("|".join(re.escape(t) for t in sorted(_titles(), key=len, reverse=True)))


@cache
def _organs() -> dict[str, dict[str, str]]:
    return {row["word"]: row for row in lexicon.table("organs.tsv")}


@cache
def _org_suffix_re() -> re.Pattern:
    return re.compile(f"(?:{lexicon.alternation('org_suffixes.txt')})")


JURIS_ABBREV = ("街道", "社区", "区", "市", "县", "省", "镇", "乡", "村")


def _is_boundary_left(doc: Doc, pos: int) -> bool:
    return pos == 0 or doc.text[pos - 1] in STOP_CHARS or not HAN_RE.match(doc.text[pos - 1])


# ---------------------------------------------------------------------------------------------
# places


def places(doc: Doc) -> Iterator[int]:
    """Administrative divisions (from the gazetteer), functional zones, and named
    sub-district units (X街道, X镇, X社区, X村) written after a place or a word boundary."""
    text = doc.text
    for m in gazetteer.division_regex().finditer(text):
        name = m.group(0)
        entry = gazetteer.lookup(name)
        if entry is None:
            continue
        if entry.get("short") and not _short_form_ok(text, m.start(), m.end(), entry):
            continue
        if text.startswith("长", m.end()) and name[-1] in "省市区县":
            continue  # 代县长, 副市长: a title, not the county 代县
        yield doc.add("place", m.start(), m.end(), "gazetteer", level=entry["level"])
    zone = re.compile(f"(?:{lexicon.alternation('zone_suffixes.txt')})")
    for m in zone.finditer(text):
        start = _noun_run_start(doc, m.start(), max_len=8, allow_place_prefix=True, min_len=2, extra=("a",))
        if start is None or not _is_boundary_left(doc, start) and start not in doc.boundaries:
            # a bare 示范区 / 经开区 refers to the article's zone; resolution decides which
            if (_is_boundary_left(doc, m.start()) or text[m.start() - 1] in "以由经在于")\
                    and m.group(0) in ("示范区", "经开区", "开发区", "高新区"):
                yield doc.add("place", m.start(), m.end(), "zone-short", level="zone", bare=True)
            continue
        yield doc.add("place", start, m.end(), "zone", level="zone")
    for row in lexicon.table("division_suffixes.tsv"):
        suffix, level = row["suffix"], row["level"]
        for m in re.finditer(re.escape(suffix), text):
            if doc.covered(m.start(), m.end(), ("place",)):
                continue
            # rare place names get odd tags from jieba (临涣 i, 孙疃 nr+g, 双堆集 m+q)
            start = _noun_run_start(doc, m.start(), max_len=5, allow_place_prefix=False,
                                    min_len=1 if suffix == "街道" else 2, extra=("i", "g", "q", "m"))
            if start is None:
                start = _list_item_start(text, m.start(), suffix)
            if start is None or _bad_division_name(text, start, m.start(), suffix):
                continue
            yield doc.add("place", start, m.end(), "division-suffix", level=level)


# Words before a division suffix that name no place (农村, 城乡, 返乡 …).
NOT_PLACE_NAMES = frozenset(lexicon.words("not_place_names.txt"))


# Words a division suffix's first character forms with the character before it (农村, 城乡,
# 进村): the suffix is not one there.
GLUED_SUFFIX_WORDS = frozenset(lexicon.words("glued_suffix_words.txt"))
DIVISION_CHARS = set("省市县区乡镇村街道社")


def _bad_division_name(text: str, start: int, end: int, suffix: str) -> bool:
    """Is ``text[start:end]``, written before ``suffix``, no name of a division?"""
    name = text[start:end]
    if not name or name in NOT_PLACE_NAMES or re.search(r"\d|[一二三四五六七八九十两几多]+[个届批些]", name):
        return True
    if name[-1] in "个各全该本每等和与及" or set(name) <= DIVISION_CHARS:  # 区镇村: levels, not a name
        return True
    listed = _in_list_of_same(text, start, end + len(suffix), suffix)
    if name[-1] + suffix[0] in GLUED_SUFFIX_WORDS and not listed or name[-1] == suffix[0]:  # 行政村村
        return True
    after = end + len(suffix)
    if suffix == "村" and text.startswith("村", after) and text[after + 1:after + 2] not in tuple("委民长干两党支"):
        return True  # 村村覆盖: every village, not one (but 周庄村村民, 韩寨村村委会)
    if _common_word(name) and not listed:
        return True  # 部分镇, 委托街道, 参观社区 (but 到前进村、大刘村检查 lists two villages)
    return bool(suffix in ("村", "乡") and len(name) < 2)


def _list_item_start(text: str, end: int, suffix: str) -> int | None:
    """Where an item of a 、-list of one kind of division starts (五沟镇、临涣镇 | 到前进村、大刘村),
    however jieba tags its rare name: after the separator or function word before it."""
    m = re.search(rf"(?:^|[、，,：\s{''.join(STOP_CHARS - set('、'))}])([{HAN}]{{2,4}})$", text[max(0, end - 5):end])
    if m is None:
        return None
    start = end - len(m.group(1))
    return start if _in_list_of_same(text, start, end + len(suffix), suffix) else None


def _in_list_of_same(text: str, start: int, end: int, suffix: str) -> bool:
    """Is the span an item of a 、-list whose neighbour ends in the same suffix (前进村、大刘村)?"""
    after = re.match(rf"、[{HAN}]{{1,6}}?{suffix}", text[end:end + 8])
    before = re.search(rf"{suffix}、$", text[max(0, start - 8):start])
    return bool(after or before)


def _boundaries_of(text: str, start: int, end: int) -> set[int]:
    """Word boundaries (by jieba) around a span, for checks that run before the Doc's are known."""
    lo = max(0, start - 4)
    out, pos = set(), lo
    for word, _ in _tags(text[lo:end + 2]):
        out.add(pos)
        pos += len(word)
    return out


def _short_form_ok(text: str, start: int, end: int, entry: dict) -> bool:
    """Short forms (淮北 for 淮北市) only where they cannot be part of a longer word, never as
    the name of a town or community (濉溪镇, 朝阳社区) and never right after a title, where a
    personal name stands (副区长桂林)."""
    nxt = text[end:end + 1]
    if nxt and nxt in "区县路街镇村乡社" or _title_ends_at(text, start):
        return False
    if entry["level"] in ("province", "city"):
        return start == 0 or not HAN_RE.match(text[start - 1]) or start in _boundaries_of(text, start, end)
    return entry["full"] in text  # a district's short form only once its full name is used


@cache
def _title_end_re() -> re.Pattern:
    return re.compile(f"(?:{_title_re().pattern})$")


def _title_ends_at(text: str, pos: int) -> bool:
    return bool(_title_end_re().search(text, max(0, pos - 8), pos))


NOUNISH = ("n", "j", "l", "b", "f", "s", "k", "eng")


@cache
def _tags(window: str) -> tuple[tuple[str, str], ...]:
    import jieba.posseg

    return tuple((w.word, w.flag) for w in jieba.posseg.cut(window))


def _noun_run_start(doc: Doc, end: int, max_len: int, allow_place_prefix: bool, min_len: int = 1,
                    extra: tuple[str, ...] = ()) -> int | None:
    """Where a proper name ending at ``end`` (just before a suffix such as 街道, 局, 工程) starts:
    the run of noun-like words (by jieba's part-of-speech tags) before it, stopped by a verb,
    a function word, a stop character, the name's maximum length, or a place already found
    (which, if ``allow_place_prefix``, becomes part of the name: 烈山 + 经济开发区)."""
    text = doc.text
    wstart = max(0, end - max_len - 4)
    cut = max((text.rfind(c, wstart, end) for c in "，。、；：“”‘’《》（）(),;:!?\n 　"), default=-1)
    wstart = max(wstart, cut + 1)
    # tag through the suffix so that a suffix fused into a word (返乡, 农村, 集镇) is seen as such
    tokens = _tags(text[wstart:min(len(text), end + 2)])
    spans, pos = [], wstart
    for word, flag in tokens:
        spans.append((pos, pos + len(word), flag))
        pos += len(word)
    start = end
    for a, b, flag in reversed(spans):
        if a >= end:
            continue
        if not (flag.startswith(NOUNISH) or flag in extra):
            if b > end:  # the suffix is glued to a non-noun word (返乡): no name here
                return None
            if b - a == 1 and a == wstart and a < start and (a == 0 or not HAN_RE.match(text[a - 1])) \
                    and text[a] not in STOP_CHARS:
                start = a  # a one-character word opening the clause is the name's first character (应滨街道)
            break
        a = max(a, end - max_len)
        place = next((m for m in doc.mentions if m.kind == "place" and m.start < end and m.end > a
                      and m.end <= end), None)
        if place is not None and place.end > a:
            start = place.start if allow_place_prefix else place.end
            break
        if any(c in STOP_CHARS for c in text[a:min(b, end)]):
            break
        start = a
        if end - a >= max_len:
            break
    if end - start < min_len:
        return None
    return start


# ---------------------------------------------------------------------------------------------
# organisations

ORG_MAX = 16


def organizations(doc: Doc) -> Iterator[int]:
    """Organisations: a jurisdiction (a place, or 区/市/县/镇/街道 standing for the article's own)
    followed by an organ or a named body ending in an organisation suffix; and standalone named
    bodies (companies, schools, universities) bounded by function words."""
    text = doc.text
    suffix_re = _org_suffix_re()
    organs = _organs()
    organ_re = re.compile("|".join(re.escape(w) for w in sorted(organs, key=len, reverse=True)))
    anchors: list[tuple[int, int, str | None]] = []  # (start, end of jurisdiction, place mention text)
    for _, m in doc.of_kind("place"):
        anchors.append((m.start, m.end, m.text))
    for m in re.finditer("|".join(JURIS_ABBREV), text):
        if doc.covered(m.start(), m.end(), ("place",)):
            continue
        if _is_boundary_left(doc, m.start()) or m.start() in doc.boundaries and text[m.start() - 1] not in "辖园校社":
            anchors.append((m.start(), m.end(), None))
    anchors.sort()
    title_re = _title_re()
    for start, jend, place in anchors:
        if place is None and re.search(r"(?:[\d一二三四五六七八九十两几多]+个|各)$", text[:start]):
            continue  # 5个街道纪委, 各镇政府: every such body, not the article's own
        tm = title_re.match(text, start)
        if tm and tm.end() > jend:  # 区长朱龙: a title, not an organisation
            continue
        best = None
        om = organ_re.match(text, jend)
        if om:
            best = (om.end(), organs[om.group(0)]["kind"], "organ")
        # a longer named body: 区财政局, 区委组织部, 市人民医院, 安徽大学科学技术处
        first_suffix = True
        for sm in suffix_re.finditer(text, jend, min(len(text), jend + ORG_MAX)):
            body = text[jend:sm.start()]
            if POST_IN_BODY.search(body):
                break  # 镇党委书记欧阳明辉带队: a post and a name, not a body
            # 和 joins two words of one name (自然资源和规划分局) but not two bodies (区教育局和区财政局)
            if any(c in BODY_BREAK and not (c == "和" and first_suffix) or not HAN_RE.match(c) for c in body) \
                    or _joins_bodies(body):
                break
            first_suffix = False
            if sm.end() - sm.start() == 1 and (_dictionary_verb(text[sm.start() - 1:sm.end()]) and (body or place)
                                               or _dictionary_freq(text[sm.start():sm.end() + 1]) >= COMMON_WORD_FREQ
                                               or len(body) == 1 and _dictionary_freq(body + sm.group(0))
                                               >= COMMON_WORD_FREQ):
                continue  # 举办, 部署, 队伍: the "suffix" is part of another word
            e = sm.end()
            while True:  # the longest suffix at this place (有限公司 over 公司)
                longer = suffix_re.match(text, sm.start(), min(len(text), sm.start() + 8))
                if longer and longer.end() > e:
                    e = longer.end()
                break
            if e < len(text) and text[e] in "长员":  # 局长, 委员: a title, not the body
                continue
            if not (om or jend in doc.boundaries or place is None and not _dictionary_freq(text[start:jend + 1])) \
                    or not _org_shaped(doc, om.end() if om else jend, e, anchored=True, suffix_start=sm.start()):
                continue
            if best is None or e > best[0]:
                if body or best is None and place is not None:  # 镇办, 区局: any town's office
                    best = (e, "body", "jurisdiction+suffix")
        if best is None:
            continue
        end, kind, rule = best
        if place is None and end - start <= 1:
            continue
        if text[start:end] in ("区委员", "市委员"):
            continue
        yield doc.add("organization", start, end, rule, organ=kind if kind != "body" else None,
                      abbrev=None if place else text[start:jend])
    yield from _named_bodies(doc)


POST_IN_BODY = re.compile(r"书记|[局处科部院所站队县区市镇乡社校行]长|主任|主席")
# Verbs that sit between two bodies (龙翔社区联合学府路小学, 区纪委听取纪工委汇报): never inside a name.
JOINING_VERBS = tuple(lexicon.words("joining_verbs.txt"))


def _joins_bodies(body: str) -> bool:
    return any(v in body for v in JOINING_VERBS)


def _dictionary_verb(word: str) -> bool:
    """举办, 部署 (but not 政局 of 财政局): a frequent verb of jieba's dictionary."""
    import jieba.posseg

    return _dictionary_freq(word) >= 100 and jieba.posseg.dt.word_tag_tab.get(word, "").startswith("v")


NOT_ORG_ENDINGS = ("干部", "全部", "内部", "外部", "局部", "西部", "东部", "南部", "北部", "中部", "常委", "委员",
                   "总部", "部分", "大学生", "学院派")


def _org_shaped(doc: Doc, start: int, end: int, anchored: bool = False, suffix_start: int | None = None) -> bool:
    """An organisation's body is nouns (区自然资源和规划分局, 市第十中学), ending on a word boundary.
    After a jurisdiction (``anchored``) verbs may sit inside it too (区住建局, 区城管执法局)."""
    name = doc.text[start:end]
    if not name or name.endswith(NOT_ORG_ENDINGS):
        return False
    if end < len(doc.text) and end not in doc.boundaries and doc.text[end] not in STOP_CHARS \
            and not _title_re().match(doc.text, end):
        return False
    pos = start
    for i, (word, flag) in enumerate(_tags(name)):
        pos += len(word)
        if suffix_start is not None and pos - len(word) >= suffix_start and end - suffix_start >= 2:
            break  # the suffix itself (实验园) is known to end a name, however jieba tags it
        if flag.startswith(NOUNISH) or flag in ("a", "vn") or word == "和" or flag == "m" and word.startswith("第"):
            continue
        # verbs abbreviated into a bureau's name (住建, 交易) but not a clause (区聚焦幼儿园建设)
        if anchored and flag.startswith("v") and len(name) <= 12 and not (i == 0 and len(word) > 1 and flag == "v"):
            continue
        return False
    return True


COMPANY_SUFFIX = re.compile(
    r"(?:（[\u4e00-\u9fff]{2,4}）)?"
    r"(?:有限责任公司|股份有限公司|有限公司|集团|公司|合作社|研究院|大学科技园|科技园|学院|大学|中学|小学|学校|幼儿园|医院"
    r"|督察组|巡视组|巡察组|督导组)(?!生)"  # 大学生, 小学生: students, not the school
)


# A list counted as bodies: 神力家具、嘉合塑胶和欣格瑞水务3家非公企业 | 华宇金属、海推重工等33家两新组织.
COUNTED_BODIES = re.compile(
    rf"((?:[{HAN}]{{2,10}}[、和及])+[{HAN}]{{2,10}}?)等?(?:\d+|[两三四五六七八九十]+)家"
    rf"(?:{lexicon.alternation('counted_body_nouns.txt')})")


def _counted_bodies(doc: Doc) -> Iterator[int]:
    """Each item of a list counted as N家企业 is a body, even without a suffix (海推重工)."""
    text = doc.text
    for m in COUNTED_BODIES.finditer(text):
        pos = m.start(1)
        for item in re.split(r"[、和及]", m.group(1)):
            start = pos
            pos += len(item) + 1
            if start == m.start(1):  # the first item starts after the clause's leading words
                if start > 0 and HAN_RE.match(text[start - 1]) and text[start - 1] not in STOP_CHARS:
                    continue  # the list's first name is longer than the pattern reaches
                end = start + len(item)
                start += max((i for i, c in enumerate(item) if c in STOP_CHARS), default=-1) + 1
                item = text[start:end]
                for word, flag in _tags(item):  # 该区组织力拓机械: the clause's words, then the name
                    if flag[0] in "rpdcu" or word in JURIS_ABBREV \
                            or flag.startswith("v") and _dictionary_freq(word) >= COMMON_WORD_FREQ:
                        start += len(word)
                    else:
                        break
                item = text[start:end]
            if not 2 <= len(item) <= 10 or _common_word(item) or doc.covered(start, start + len(item), ("person",)):
                continue
            yield doc.add("organization", start, start + len(item), "counted-list")


INSTITUTION = re.compile("学院|大学|医院|中学|小学")


def _named_bodies(doc: Doc) -> Iterator[int]:
    text = doc.text
    for m in COMPANY_SUFFIX.finditer(text):
        if doc.covered(m.start(), m.end(), ("organization",)):
            outer = next(o for o in doc.mentions if o.kind == "organization" and o.start < m.end() and m.start() < o.end)
            if INSTITUTION.fullmatch(m.group(0)) and outer.start < m.start() and m.end() < outer.end:
                # 河南城建学院大学科技园: the college is a body of its own inside the park's name
                doc.add("organization", outer.start, m.end(), "named-body-inside", nested=True)
            continue
        start = _noun_run_start(doc, m.start(), max_len=12, allow_place_prefix=True, min_len=2, extra=("a", "m", "vn"))
        if start is None:
            continue
        start = _strip_leading_verbs(text, start, m.start())
        if start is None:
            continue
        name = text[start:m.start()]
        if re.search(r"\d", name) and not re.search(r"第", name):  # 2017年小学生: a date, not a name
            continue
        if _common_word(name):  # 社区学校, 普惠幼儿园: a kind of school, not one
            continue
        if name in ("该", "各", "全", "本", "有关", "相关", "各类", "中小", "高等", "职业", "部分"):
            continue
        yield doc.add("organization", start, m.end(), "named-body")
    yield from _counted_bodies(doc)


LEADING_VERBS = ("自", "据", "经", "受", "联合", "前往", "走访", "组织", "开展", "走进", "来到", "深入", "赴", "到", "在",
                 "与", "和", "及", "对", "向", "了", "帮助", "支持", "推动", "依托", "邀请", "包括", "如", "是", "为", "由")


def _strip_leading_verbs(text: str, start: int, end: int) -> int | None:
    changed = True
    while changed and start < end:
        changed = False
        for v in LEADING_VERBS:
            if text.startswith(v, start) and end - start > len(v) + 1:
                start += len(v)
                changed = True
    return start if end - start >= 2 else None


# ---------------------------------------------------------------------------------------------
# persons and posts


def name_at(doc: Doc, pos: int) -> int | None:
    """End of a personal name starting at ``pos`` (surname + 1–2 characters), or None."""
    text = doc.text
    single, double = _surnames()
    if text[pos:pos + 2] in double:
        sur = 2
    elif text[pos:pos + 1] in single:
        sur = 1
    else:
        return None
    candidates = []
    for given in (1, 2):
        end = pos + sur + given
        if end > len(text) or not all(HAN_RE.match(c) for c in text[pos:end]):
            continue
        candidates.append(end)
    if not candidates:
        return None
    if len(candidates) == 1:
        return candidates[0] if _name_shaped(text, pos, candidates[0]) else None
    short, long_ = candidates
    if text[short] in STRONG_BREAK:
        return short if _name_shaped(text, pos, short) else None
    end = _choose_name_end(doc, pos, short, long_)
    if not _name_shaped(text, pos, end):
        other = long_ if end == short else short
        return other if _name_shaped(text, pos, other) else None
    return end


def _name_shaped(text: str, start: int, end: int) -> bool:
    """Not a common word (干部, 关于, 明确) and not inside quotes."""
    name = text[start:end]
    tags = _tags(name)
    if len(tags) == 1 and not tags[0][1].startswith("nr"):
        return False
    first_word, first_flag = tags[0]
    if len(first_word) > 1 and not first_flag.startswith(("nr", "ns")) and first_word not in _surnames()[1] \
            and _dictionary_freq(first_word) >= RARE_WORD_FREQ:
        return False  # 干部要, 明确自: a word, then a character (高志 of 高志明 is too rare to be one)
    surname = 2 if name[:2] in _surnames()[1] else 1
    if _common_word(name[surname:]):
        return False  # 任中央, 管部门: what follows the "surname" is a frequent word
    if end < len(text) and text[end] in "”’\"》":
        return False
    return not (start > 0 and text[start - 1] in "“‘\"《")


COMMON_WORD_FREQ = 1000  # jieba dictionary frequency above which a word is no given name
RARE_WORD_FREQ = 20  # below it, a dictionary "word" is as likely the start of a name (高志明)


def _dictionary_freq(word: str) -> int:
    import jieba

    return jieba.get_FREQ(word) or 0


def _common_word(word: str) -> bool:
    import jieba
    import jieba.posseg

    if len(word) < 2:
        return False
    freq = jieba.get_FREQ(word) or 0
    tag = jieba.posseg.dt.word_tag_tab.get(word, "")
    return freq >= COMMON_WORD_FREQ and not tag.startswith(("nr", "ns", "nz"))


def _tagged_name(name: str) -> bool:
    tags = _tags(name)
    return len(tags) == 1 and tags[0][1].startswith("nr")


def _choose_name_end(doc: Doc, pos: int, short: int, long_: int) -> int:
    text = doc.text
    third = text[short]
    if long_ < len(text) and text[long_] in STRONG_BREAK and third not in NAME_BREAK:
        return long_  # 李会明说: three characters, then a function word
    if third in NAME_BREAK and (not (long_ in doc.boundaries and short not in doc.boundaries)
                                or third in VERB_CHARS and _tagged_name(text[pos:short])
                                and not _tagged_name(text[pos:long_])):
        return short  # 吴静作重要讲话: jieba glues 作 to the name; a known name and a verb is likelier
    if long_ in doc.boundaries and short not in doc.boundaries:
        return long_
    if short in doc.boundaries and long_ not in doc.boundaries:
        return short
    return long_


@dataclass
class PostPart:
    start: int
    end: int
    title: str
    org: int | None  # mention index of the organisation the text names
    org_text: str


def _titles_before(doc: Doc, name_start: int) -> list[PostPart]:
    """The chain of posts written right before a name: 区委副书记、区长 | 区人大常委会党组书记、副主任."""
    text = doc.text
    parts: list[PostPart] = []
    end = name_start
    while end > 0:
        fits = [text[end - n:end] for n in range(min(8, end), 0, -1) if text[end - n:end] in _titles()]
        if not fits:
            break
        org_ends = {m.end for _, m in doc.of_kind("organization")}
        place_ends = {m.end for _, m in doc.of_kind("place")}
        # the title that starts where an organisation ends (东安路街道纪工委 + 书记), else a place
        best = next((t for t in fits if end - len(t) in org_ends), None) \
            or next((t for t in fits if end - len(t) in place_ends), fits[0])
        tstart = end - len(best)
        # the organisation written before the title (an org mention ending at tstart)
        org_idx, org_text, pstart = None, "", tstart
        for i, m in doc.of_kind("organization", "place"):
            if m.end == tstart:
                org_idx, org_text, pstart = i, m.text, m.start
        if org_idx is None:
            org_idx, pstart = _chain_org(doc, tstart)
            org_text = doc.mentions[org_idx].text if org_idx is not None else ""
        parts.insert(0, PostPart(pstart, end, best, org_idx, org_text))
        end = pstart
        if end > 0 and text[end - 1] in "、兼":  # 副区长兼区公安分局局长: one person, both posts
            end -= 1
            continue
        break
    return parts


def _chain_org(doc: Doc, tstart: int) -> tuple[int | None, int]:
    """An organisation written without its jurisdiction inside a post chain: 、环保局局长 |
    该局低保管理中心主任. It is the article's own (resolution adds the jurisdiction)."""
    text = doc.text
    sm = None
    for m in _org_suffix_re().finditer(text, max(0, tstart - 10), tstart):
        if m.end() == tstart:
            sm = m
    if sm is None:
        return None, tstart
    unit = _noun_run_start(doc, sm.start(), max_len=10, allow_place_prefix=True, min_len=2, extra=("v", "vn"))
    if re.search(r"该[局委院办所部]$", text[:sm.start()]):
        unit = sm.start()  # 该局办公室: the unit's name is the suffix word alone
    if unit is not None and re.search(r"该[局委院办所部]$", text[:unit]):
        start = unit  # 该局低保管理中心: a unit of the body just named, whose name may hold a verb (低保)
    else:
        start = _noun_run_start(doc, sm.start(), max_len=10, allow_place_prefix=True, min_len=2)
        if start is None or not _org_shaped(doc, start, tstart):
            return None, tstart
    placed = any(m.kind == "place" and m.start == start for m in doc.mentions)
    return doc.add("organization", start, tstart, "post-chain-org", implicit_jurisdiction=not placed), start


def persons_and_posts(doc: Doc, credits: list[tuple[str, str]]) -> None:
    """Find people anchored by a title, a role noun, a list after 区领导, or a byline, and the
    posts those titles give them."""
    text = doc.text
    roles = lexicon.words("person_roles.txt")
    role_re = re.compile("|".join(re.escape(r) for r in roles))
    title_re = _title_re()
    found: dict[int, int] = {}  # name start → mention index

    def add_person(start: int, end: int, rule: str) -> int:
        idx = doc.add("person", start, end, rule)
        found[start] = idx
        return idx

    # 1. titles directly before a name
    for m in title_re.finditer(text):
        end = name_at(doc, m.end())
        if end is None or _taken(doc, m.end(), end):
            continue
        if text[m.end()] in "任兼" and _dictionary_freq(text[m.end() + 1:m.end() + 3]) >= COMMON_WORD_FREQ:
            continue  # 主任任监督员: the director serves (任) as supervisor; nobody is called 任监
        pidx = add_person(m.end(), end, "title+name")
        for part in _titles_before(doc, m.end()):
            doc.relations.append(Relation("holds", pidx, part.org, "post-chain", doc.sentence_at(m.end()),
                                          {"title": part.title, "org_text": part.org_text}))
        _list_after(doc, end, pidx, add_person)
    # 2. role nouns (居民, 志愿者, 区领导) before a name or a list of names
    for m in role_re.finditer(text):
        end = name_at(doc, m.end())
        if end is None or m.end() in found or _taken(doc, m.end(), end):
            continue
        pidx = add_person(m.end(), end, "role+name")
        _list_after(doc, end, pidx, add_person)
    # 3. name followed by an honorific or title (陈永斌书记, 宋伟红博士)
    suffixes = lexicon.words("person_suffix_titles.txt")
    for m in re.finditer("|".join(re.escape(s) for s in suffixes), text):
        for length in (3, 2, 4):
            s = m.start() - length
            if s < 0 or s in found:
                continue
            if name_at(doc, s) == m.start() and _is_boundary_left(doc, s) and not doc.covered(s, m.start()):
                pidx = add_person(s, m.start(), "name+honorific")
                if _titles().get(m.group(0), {}).get("organ") == "central":  # a title only one body has
                    doc.relations.append(Relation("holds", pidx, None, "name+central-title", doc.sentence_at(s),
                                                  {"title": m.group(0), "org_text": ""}))
                break
    # 4. a post in brackets after a name: 常玉芬（榴园村党总支书记）说 | 由杜永刚（县农业农村局局长）主持
    for m in re.finditer(r"[（(]([^（）()]{2,24})[）)]", text):
        parts = _titles_before(doc, m.end(1))
        if not parts or parts[0].start != m.start(1):
            continue  # the brackets hold something else than a post chain
        for length in (3, 2, 4):
            s = m.start() - length
            if s < 0 or s in found or name_at(doc, s) != m.start() or doc.covered(s, m.start()):
                continue
            if not (_is_boundary_left(doc, s) or s in doc.boundaries):
                continue
            pidx = add_person(s, m.start(), "name+bracketed-post")
            for part in parts:
                doc.relations.append(Relation("holds", pidx, part.org, "bracketed-post", doc.sentence_at(s),
                                              {"title": part.title, "org_text": part.org_text}))
            break
    # 5. an age before a name: 今年78岁的张遂卿
    for m in re.finditer(r"\d{1,3}岁的", text):
        end = name_at(doc, m.end())
        if end is not None and m.end() not in found and not doc.covered(m.end(), end):
            add_person(m.end(), end, "age+name")
    # 6. bylines: the credited names wherever the text repeats them
    known = {doc.mentions[i].text for i in found.values()} | {name for name, _ in credits}
    _drop_inside_persons(doc)
    for name in sorted(known, key=len, reverse=True):
        for m in re.finditer(re.escape(name), text):
            if not doc.covered(m.start(), m.end(), ("person", "organization", "place")):
                add_person(m.start(), m.end(), "repeated-name")


def _taken(doc: Doc, start: int, end: int) -> bool:
    """Is the span already an organisation, or a place that starts where the name would?
    (A place starting inside it — 安顺 in 刘安顺 — is the false one.)"""
    return any(m.start < end and start < m.end and (m.kind == "organization" or m.kind == "place" and m.start <= start)
               for m in doc.mentions)


def _drop_inside_persons(doc: Doc) -> None:
    persons = [(m.start, m.end) for m in doc.mentions if m.kind == "person"]
    keep = [not (m.kind == "place" and any(a <= m.start and m.end <= b for a, b in persons)) for m in doc.mentions]
    if all(keep):
        return
    remap, kept = {}, []
    for i, (m, k) in enumerate(zip(doc.mentions, keep, strict=True)):
        if k:
            remap[i] = len(kept)
            kept.append(m)
    doc.mentions[:] = kept
    doc.relations[:] = [Relation(r.kind, remap[r.subject], remap.get(r.object) if r.object is not None else None,
                                 r.rule, r.sentence, r.attrs)
                        for r in doc.relations if r.subject in remap and (r.object is None or r.object in remap)]


def _list_after(doc: Doc, end: int, first: int, add_person) -> None:
    """More names in a 、-list after a titled name: 副主任刘斌、王俊 | 区领导刘安顺、唐兵、张长明."""
    text = doc.text
    pos = end
    while pos < len(text) and text[pos] == "、":
        nxt = name_at(doc, pos + 1)
        if nxt is None or _taken(doc, pos + 1, nxt):
            break
        idx = add_person(pos + 1, nxt, "name-list")
        for r in list(doc.relations):
            if r.subject == first and r.kind == "holds" and r.rule == "post-chain":
                doc.relations.append(Relation("holds", idx, r.object, "post-shared", doc.sentence_at(pos), dict(r.attrs)))
        pos = nxt


# ---------------------------------------------------------------------------------------------
# meetings



def meetings(doc: Doc) -> None:
    """A meeting named in a sentence (…会议召开 / 召开…会), with who chaired (主持) and who
    attended (出席/参加/列席) it in the same or the next sentences."""
    text = doc.text
    roles = {row["verb"]: row["role"] for row in lexicon.table("meeting_roles.tsv")}
    found: list[tuple[int, int, int]] = []  # (sentence, start, end) of each meeting named
    for si, sent in enumerate(doc.sentences):
        m = MEETING_RE.search(sent.text)
        if not m:
            continue
        g = next(i for i in (1, 2, 3) if m.group(i))
        mstart = sent.start + m.start(g)
        mend = sent.start + m.end(g)
        # trim a leading date or place-time clause: "11月22日下午，相山区召开" has no name there
        lead = re.match(r"^(?:\d{1,2}月\d{1,2}日[上下中晚早]?[午上间]?[，,]?)", text[mstart:mend])
        mstart += lead.end() if lead else 0
        if text[mstart:mend] in GENERIC_MEETINGS or mend - mstart < 3 or text[mstart:mend].endswith(NOT_MEETINGS):
            continue
        found.append((si, mstart, mend))
    for n, (si, mstart, mend) in enumerate(found):
        midx = doc.add("meeting", mstart, mend, "meeting-sentence")
        # who chaired / attended: this and the next sentences, up to another meeting's
        name = text[mstart:mend]
        later = [s for s, a, b in found[n + 1:] if not (name.endswith(text[a:b]) or text[a:b].endswith(name))]
        last = min([si + 5, len(doc.sentences) - 1] + [s - 1 for s in later])
        window_end = doc.sentences[max(last, si)].end
        sent = doc.sentences[si]
        for verb, role in roles.items():
            for vm in re.finditer(verb, text[sent.start:window_end]):
                vpos = sent.start + vm.start()
                subject = _subject_before(doc, vpos)
                for pidx in subject:
                    kind = "chaired" if role == "chaired" else "attended"
                    if not any(r.kind == kind and r.subject == pidx and r.object == midx for r in doc.relations):
                        doc.relations.append(Relation(kind, pidx, midx, f"meeting-{verb}", doc.sentence_at(vpos)))


# (常委会 names a meeting after 召开 — 召开区委常委会 — but the body before it: 区人大常委会召开第十八次会议)
MEETING_NOUNS = ("会议|推进会|座谈会|交流会|动员会|部署会|调度会|培训会|工作会|现场会|观摩会|例会|大会|年会|论坛|仪式|典礼"
                 "|常委会|全会|听证会|联席会")
MEETING_RE = re.compile(
    rf"(?:召开|举行|举办)([“\"]?[^，。；“”,;]{{0,30}}[”\"]?[^，。；,;]{{0,30}}?(?:{MEETING_NOUNS}|会))(?![演展议])"
    rf"|([{HAN}\d“”\"（）]{{2,50}}?(?:{MEETING_NOUNS.replace('|常委会', '')}))(?:暨[^，。,;]{{2,30}}?会议)?"
    rf"(?:在[^，。,;]{{1,20}})?"
    rf"(?:召开|举行|开幕|隆重开幕)"
    rf"|(?:出席|参加)([{HAN}]{{2,8}}?(?:仪式|典礼))")
# Words ending in 会 that name a body or a thing, not a meeting.
NOT_MEETINGS = ("协会", "学会", "工会", "商会", "社会", "机会", "财会", "委员会", "委会", "理事会", "联合会", "基金会", "都会")
# Names that say only what kind of meeting it was: no node for them.
GENERIC_MEETINGS = frozenset({"会议", "专题会议", "联席会议", "工作会议", "专题会", "例会", "大会", "仪式", "会"})


def _subject_before(doc: Doc, vpos: int) -> list[int]:
    """The person (or the 、/，-list of persons) that a verb at ``vpos`` belongs to: the persons
    in the same clause before the verb. A group named after the list (区领导A、B及其他四大班子领导参加,
    ……，区委常委，其他在职区级领导出席) does not cut the names off from the verb."""
    text = doc.text
    clause_start = max(text.rfind(c, 0, vpos) for c in "。；\n") + 1
    persons = [(i, m) for i, m in doc.of_kind("person") if clause_start <= m.start and m.end <= vpos]
    if not persons:
        return []
    between = re.sub(r"[（(][^（）()]{0,24}[）)]", "", text[persons[-1][1].end:vpos])  # 由X（局长）主持
    if len(between) > 30 or _acts(between) or len(between) > 6 and not re.match(r"[，,、及和等]", between):
        return []
    # the verb governs the whole list only when it closes it (区领导A、B参加)
    last = persons[-1]
    group = [last[0]]
    for i, m in reversed(persons[:-1]):
        gap = text[m.end:doc.mentions[group[-1]].start]
        if re.fullmatch(r"[、，,及和][^。；]{0,20}", gap) and not _acts(gap):
            group.append(i)
        else:
            break
    return group


@cache
def _action_re() -> re.Pattern:
    return re.compile("|".join(re.escape(v) for v in lexicon.words("speech_verbs.txt")) + "|会议|并")


def _acts(span: str) -> bool:
    """Does the span hold a verb of its own (主持会议并讲话, 指出)? Then it is no list of names."""
    return bool(_action_re().search(span))


# ---------------------------------------------------------------------------------------------
# initiatives

QUOTED = re.compile(r"[“\"‘「]([^“”\"‘’「」]{2,24})[”\"’」]")
# Heads whose word only says what kind of thing an initiative is: 创文行动 is also called 创文.
KIND_HEADS = ("行动", "活动", "工作")
# Words before an initiative's head that make the phrase a manner, not a name (以实际行动, 用实际行动).
NOT_INITIATIVE_LEADS = ("以", "用", "把", "将", "对", "在", "为", "从")


def initiatives(doc: Doc) -> None:
    """Named initiatives: a quoted name followed by an initiative head (活动/行动/工程/服务/模式),
    perhaps after a short modifier (“打非治违”专项行动, “党旗飘飘 助企登高”园区党建品牌), or
    preceded by a carrying-out verb (开展/推进/实施); and unquoted names ending in a head.
    The mention is the name as written; ``names`` holds the other names it goes by."""
    text = doc.text
    heads = sorted(lexicon.words("initiative_heads.txt"), key=len, reverse=True)
    verbs = lexicon.words("initiative_verbs.txt")
    head_after = re.compile(rf"[{HAN}]{{0,6}}(?:{'|'.join(map(re.escape, heads))})")
    for m in QUOTED.finditer(text):
        inner = m.group(1)
        ha = head_after.match(text, m.end())
        head = ha.group(0) if ha and _modifier_ok(ha.group(0), heads) else None
        before = text[max(0, m.start() - 6):m.start()]
        verb = next((v for v in verbs if before.endswith(v)), None)
        named_by_head = inner.endswith(tuple(heads)) and len(inner) > 3
        if _slogan(inner) or inner.endswith("式"):  # 拉网式, 保姆式: a manner of working
            continue
        if _numbered_formula(inner) and (not head or head.endswith(GENERIC_HEADS)):
            continue  # “四风”, “三农”工作: a formula; “一卡”服务模式 is a named mechanism
        if head and text.startswith(("来抓", "抓"), ha.end()):  # 作为“一把手”工程来抓: a figure of speech
            continue
        if not (head or verb or named_by_head):
            continue
        if verb and not head and HAN_RE.match(text[m.end():m.end() + 1] or " ") and text[m.end()] not in "等的和与及":
            continue  # 开展“点对点”送政策: the quote qualifies the next word
        names = [inner + head] if head else []
        names += [part for part in re.split(r"——|—|－", inner) if len(part) >= 2 and part != inner]
        rule = "quoted+head" if head else "verb+quoted" if verb else "quoted-name"
        doc.add("initiative", m.start(1), m.end(1), rule, head=head or "", names=names)
    for m in re.finditer(r"《([^《》]{2,20})》", text):
        head = next((h for h in heads if text.startswith(h, m.end())), None)
        if head:
            names = []
            if m.group(1).startswith("中华人民共和国"):  # the short title of a law names it too
                names.append(f"《{m.group(1)[7:]}》{head}")
            doc.add("initiative", m.start(), m.end() + len(head), "law+head", head=head, names=names)
    head_re = re.compile(rf"([{HAN}]{{2,10}}?)(工程|行动|攻坚战|收官战)")
    for m in head_re.finditer(text):
        start = _noun_run_start(doc, m.end(1), max_len=10, allow_place_prefix=False, min_len=2)
        if start is None or doc.covered(start, m.end(), ("initiative",)):
            continue
        if start not in doc.boundaries and start > 0 and HAN_RE.match(text[start - 1]):
            continue  # the name would begin inside a word (环境卫[生精细化整治专项行动])
        name = text[start:m.end()]
        core = name[:-len(m.group(2))]
        if name[:2] in ("开展", "推进", "实施", "这项", "各项", "重点", "专项", "一项", "此次", "年度", "实际", "领域",
                         "会议", "会上") \
                or name.startswith(NOT_INITIATIVE_LEADS) or core in GENERIC_INITIATIVE_NAMES \
                or _tags(core)[0][1] in ("l", "v", "d", "p"):
            continue
        names = [core] if m.group(2) in KIND_HEADS and len(core) >= 2 else []
        doc.add("initiative", start, m.end(), "name+head", head=m.group(2), names=names)


def _modifier_ok(phrase: str, heads: list[str]) -> bool:
    """The words between a quote and its head (“打非治违”专项行动) are nouns, never a clause
    (“钉钉子”精神加快推进项目)."""
    head = next(h for h in heads if phrase.endswith(h))
    modifier = phrase[:-len(head)]
    if any(c in "的之为是" for c in modifier):
        return False
    return len(modifier) <= 4 or all(f.startswith(NOUNISH) or f in ("vn", "m", "q", "t") for _, f in _tags(modifier))


GENERIC_INITIATIVE_NAMES = frozenset(lexicon.words("generic_initiative_names.txt"))


def _slogan(inner: str) -> bool:
    """Requirements and lists (“五个进一步到位”, “早谋划、准投放、严监管”) are not initiatives."""
    return bool(re.match(r"^[一二三四五六七八九十百千两\d]+[个项大条]", inner) or re.search(r"[，、,]", inner)) \
        or len(inner) < 2


# Heads that only say "the work on": “三农”工作 is the formula 三农, not a programme.
GENERIC_HEADS = ("工作",)


def _numbered_formula(inner: str) -> bool:
    """A number and one character (“四风”, “三农”, “两新”): a formula unless a head names it."""
    return bool(re.match(r"^[一二三四五六七八九十两\d]+.$", inner))


# ---------------------------------------------------------------------------------------------
# references back: 该局, 该街道, 陈书记

REFERENCE_KINDS = {row["word"]: row["kind"] for row in lexicon.table("reference_heads.tsv")}
SURNAME_TITLES = tuple(lexicon.words("surname_titles.txt"))


def references(doc: Doc) -> None:
    """Words that point back to something the article named: 该局 / 该街道 (this bureau, this
    sub-district) and a surname with a title (陈书记). Resolution finds what they point to."""
    text = doc.text
    heads = "|".join(re.escape(w) for w in sorted(REFERENCE_KINDS, key=len, reverse=True))
    for m in re.finditer(rf"该({heads})", text):
        if doc.covered(m.start(), m.end()):
            continue
        doc.add(REFERENCE_KINDS[m.group(1)], m.start(), m.end(), "reference-back", refers_to=m.group(1))
    single, _ = _surnames()
    titles = "|".join(re.escape(t) for t in sorted(SURNAME_TITLES, key=len, reverse=True))
    for m in re.finditer(rf"([{''.join(sorted(single))}])({titles})", text):
        start, end = m.start(), m.end()
        if doc.covered(start, end) or not _is_boundary_left(doc, start) and start not in doc.boundaries:
            continue
        if end < len(text) and HAN_RE.match(text[end]) and text[end] not in NAME_BREAK:
            continue  # 王局长 must end there: 高书记处 is no one
        doc.add("person", start, end, "surname+title", surname=m.group(1), title=m.group(2))



# ---------------------------------------------------------------------------------------------
# changes of post: 任命X为Y, X当选Y, 免去X的Y职务, X不再担任Y

CHANGE_PATTERNS = [  # (regex with the name at group "name" and the post at group "post", kind)
    (re.compile(rf"(?:任命|任|提名|推选|选举)(?P<name>[{HAN}]{{2,4}}?)为(?P<post>[{HAN}]{{2,24}}?)(?=[，。；、,;（(]|$)"),
     "appointed"),
    (re.compile(rf"(?P<name>[{HAN}]{{2,4}}?)(?:当选为?|调任|出任|任命为)(?P<post>[{HAN}]{{2,24}}?)(?=[，。；、,;（(]|$)"),
     "appointed"),
    (re.compile(rf"免去(?P<name>[{HAN}]{{2,4}}?)(?:同志)?的?(?P<post>[{HAN}]{{2,24}}?)职务"), "removed"),
    (re.compile(rf"(?P<name>[{HAN}]{{2,4}}?)(?:同志)?不再担任(?P<post>[{HAN}]{{2,24}}?)(?:职务)?(?=[，。；、,;]|$)"), "removed"),
]


def changes(doc: Doc) -> None:
    """Appointments and removals (任命, 当选, 调任, 免去, 不再担任): a ``appointed`` or ``removed``
    relation from the person to the organisation of the post, with its title."""
    text = doc.text
    for pattern, kind in CHANGE_PATTERNS:
        for m in pattern.finditer(text):
            start = m.start("name")
            end = name_at(doc, start)
            if end is None or end != m.end("name") and text[end:m.start("post")] not in ("同志", "的"):
                continue
            parts = _titles_before(doc, m.end("post"))
            if not parts or parts[0].start < m.start("post"):
                continue  # the words after 为 are no post kg knows
            pidx = next((i for i, p in doc.of_kind("person") if p.start == start and p.end == end), None)
            if pidx is None:
                pidx = doc.add("person", start, end, f"name+{kind}")
            for part in parts:
                doc.relations.append(Relation(kind, pidx, part.org, f"change-{kind}", doc.sentence_at(start),
                                              {"title": part.title, "org_text": part.org_text}))
