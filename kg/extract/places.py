"""Places: administrative divisions from the gazetteer (with their short forms where they
cannot be part of a longer word), functional zones (X经济开发区, a bare 示范区), and named
sub-district units written before a division suffix (X街道, X镇, X社区, X村)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache

from .. import gazetteer, lexicon
from .common import (
    HAN,
    HAN_RE,
    STOP_CHARS,
    Doc,
    common_word,
    dictionary_freq,
    is_boundary_left,
    noun_run_start,
    tags,
    title_re,
)

# Zone names written bare (示范区, 经开区): they refer to the article's own zone.
BARE_ZONE_NAMES = frozenset(lexicon.words("bare_zone_names.txt"))


def places(doc: Doc) -> Iterator[int]:
    """Find places: administrative divisions (from the gazetteer), functional zones, and named
    sub-district units (X街道, X镇, X社区, X村) written after a place or a word boundary."""
    text = doc.text
    matches = [(m, gazetteer.lookup(m.group(0))) for m in gazetteer.division_regex().finditer(text)]
    # a district's short form alone is read as a place only on a page that names no district in full
    doc_districts = {e["full"] for m, e in matches if e and not e.get("short") and e["level"] == "district"}
    written: dict[str, bool] = {}  # is that full name in the text: asked of every short form, searched once each

    def full_written(full: str) -> bool:
        if full not in written:
            written[full] = full in text
        return written[full]

    for m, entry in matches:
        name = m.group(0)
        if entry is None:
            continue
        if name[0] in FUNCTION_CHARS and not (m.start() in doc.boundaries and m.end() in doc.boundaries
                                              and (is_boundary_left(doc, m.start())
                                                   or text.endswith(MOTION_VERBS, 0, m.start()))):
            continue  # 和县 inside 各乡镇和县产业集聚区: the conjunction, then 县
        if entry.get("short") and entry["level"] == "district" and not full_written(entry["full"]) \
                and doc_districts - {entry["full"]}:
            continue
        if entry.get("short") and not _short_form_ok(doc, m.start(), m.end(), entry, full_written) \
                or ROAD.match(text, m.end()):
            continue  # 南京中路 is a road, not the city
        if name in GENERIC_DIVISIONS and not doc.ending_at(m.start(), ("place",)):
            continue  # 城区 is the urban area, unless its city is written before it (晋城市城区)
        if text.startswith("长", m.end()) and name[-1] in "省市区县":
            continue  # 代县长, 副市长: a title, not the county 代县
        yield doc.add("place", m.start(), m.end(), "gazetteer", level=entry["level"])
    zone = re.compile(f"(?:{lexicon.alternation('zone_suffixes.txt')})")
    for m in zone.finditer(text):
        start = noun_run_start(doc, m.start(), max_len=8, allow_place_prefix=True, min_len=2, extra=("a",))
        if start is None or not is_boundary_left(doc, start) and start not in doc.boundaries:
            # a bare 示范区 / 经开区 refers to the article's zone; resolution decides which
            if (is_boundary_left(doc, m.start()) or text[m.start() - 1] in "以由经在于")\
                    and m.group(0) in BARE_ZONE_NAMES:
                yield doc.add("place", m.start(), m.end(), "zone-short", level="zone", bare=True)
            continue
        yield doc.add("place", start, m.end(), "zone", level="zone")
    yield from _shared_suffix_lists(doc)
    for row in lexicon.table("division_suffixes.tsv"):
        suffix, level = row["suffix"], row["level"]
        for m in re.finditer(re.escape(suffix), text):
            if doc.covered(m.start(), m.end(), ("place",)) or text.startswith(NOT_SUFFIX_WORDS, m.start()) \
                    and len(suffix) == 1:
                continue  # 乡贤, 村容: the character starts another word
            # rare place names get odd tags from jieba (临涣 i, 孙疃 nr+g, 双堆集 m+q)
            start = noun_run_start(doc, m.start(), max_len=5, allow_place_prefix=False,
                                   min_len=1 if suffix == "街道" else 2, extra=("i", "g", "q", "m"))
            opener = next((w for w in POST_OPENERS if start is not None and text.startswith(w, start)), None)
            if opener and m.start() - start - len(opener) >= 2:
                start += len(opener)  # 现任孙疃镇党委副书记: the town is 孙疃镇
            after_place = _after_place(doc, m.start())
            if after_place is not None:
                start = after_place  # 霞寨镇建设村: whatever stands between the town and 村 names the village
            if start is None:
                start = _list_item_start(text, m.start(), suffix) or _after_motion_verb(text, m.start())
            if start is None or _bad_division_name(text, start, m.start(), suffix, after_place=start == after_place):
                continue
            yield doc.add("place", start, m.end(), "division-suffix", level=level)


FUNCTION_CHARS = set("和与及在对从向把被为将")
FEATURE_CHARS = set("岛湾湖港峡")
SHORT_FORM_MAX_FREQ = 500  # a short form more frequent than this in jieba's dictionary is a word (新建, 江陵 stays full)
ROAD = re.compile(r"[东西南北中]?(?:路|大道|大街|街|巷)(?!道)")
GENERIC_DIVISIONS = frozenset(lexicon.words("generic_division_names.txt"))
NOT_SUFFIX_WORDS = lexicon.words("not_suffix_words.txt")
MODIFIERS = lexicon.words("modifier_words.txt")
POST_OPENERS = lexicon.words("post_openers.txt")
KIND_ENDINGS = lexicon.words("generic_place_endings.txt")
SUB_UNITS = ("村", "社区", "居委会", "组")
MOTION_VERBS = ("来到", "走进", "深入", "前往", "到达", "赴", "到", "来", "在", "至")


def _clause_word(flag: str) -> bool:
    """A verb, adverb, preposition, conjunction, pronoun or particle by jieba's tag (a 合营 vn is
    not one: nouns made of verbs name places)."""
    return flag in ("v", "vd", "ad") or flag[0] in "dpcur"


def _after_place(doc: Doc, end: int) -> int | None:
    """Where a village's or community's name starts when a town or street is written right before
    it (霞寨镇建设村, 西合营镇南大坪村), or a township's after its county (瑞昌市黄金乡): at that
    place's end, 2–4 characters before the suffix."""
    if doc.text[end:end + 1] in "乡镇":
        for _, p in doc.ending_at(end - 2, ("place",)):
            if p.attrs.get("level") == "district" \
                    and all(HAN_RE.match(c) and c not in STOP_CHARS and c not in DIVISION_CHARS for c in doc.text[p.end:end]) \
                    and not doc.text[p.end:end].startswith(MODIFIERS) \
                    and not any(_clause_word(f) for _, f in tags(doc.text[p.end:end])):
                return p.end  # (but 牙克石市召开镇…: a verb, no township)
    ended = sorted(im for e in range(end - 4, end - 1) for im in doc.ending_at(e, ("place",)))  # in the order found
    for _, p in ended:
        if p.attrs.get("level") in ("town", "township", "subdistrict") \
                and all(HAN_RE.match(c) and c not in STOP_CHARS and c not in DIVISION_CHARS for c in doc.text[p.end:end]):
            first = tags(doc.text[p.end:end])[0]
            if first[1][0] in "vpdc" and len(first[0]) < end - p.end:  # 卫城镇借犀牛村: a verb, then the village
                return None
            return p.end if doc.text[end:end + 1] in "村社居组" else None
    return None


def _after_motion_verb(text: str, end: int) -> int | None:
    """来到漷县镇, 赴新杭镇: a name jieba cannot tag, between a verb of going and the suffix
    (never a verb phrase: 实地考察社区)."""
    for n in (2, 3, 4):
        start = end - n
        if start > 0 and text.endswith(MOTION_VERBS, 0, start) and all(HAN_RE.match(c) for c in text[start:end]):
            if any(_clause_word(f) for _, f in tags(text[start:end])):
                return None
            return start
    return None


def _shared_suffix_lists(doc: Doc) -> Iterator[int]:
    """新场、始阳等乡镇 | 南京中路、杭州北路、新村社区三个居委会: the items of a 、-list that one
    suffix (or 等 + a level word) closes are divisions of that level."""
    text = doc.text
    for m in SHARED_SUFFIX_LIST.finditer(text):
        items = m.group(1).split("、")
        lead, pos = 0, 0  # the first item's clause words (县长深入新场, 新建了南京中路): the name is after them
        for word, flag in tags(items[0]):
            pos += len(word)
            if flag[0] in "vpudcr" and len(items[0]) - pos >= 2:
                lead = pos
        items[0] = items[0][lead:]
        if len(items[0]) > 2 and items[0][0] in FUNCTION_CHARS | set("以由于经"):
            lead, items[0] = lead + 1, items[0][1:]  # 以西渑、叶营: the preposition jieba glued to the name
        if not 2 <= len(items[0]) <= 5:
            continue
        bare = m.group(3) is None and m.group(5) is None  # no suffix: the count's noun says the level
        level = "community" if bare else {"乡镇": "town", "镇": "town", "乡": "township", "街道": "subdistrict",
                                          "社区": "community", "村": "village"}[m.group(3) or m.group(5)]
        if any(common_word(i) or i.startswith(MODIFIERS) or i in NOT_PLACE_NAMES or i[0] in DIVISION_CHARS
               for i in items[:-1]):
            continue  # 教育、卫生等乡镇: kinds of work, not places; 县教育局、…: bodies
        pos = m.start(1) + lead
        for item in items if bare else items[:-1]:  # a last item with the suffix is found as any such name
            if not doc.covered(pos, pos + len(item), ("place", "person", "organization")):
                yield doc.add("place", pos, pos + len(item), "shared-suffix-list", level=level)
            pos += len(item) + 1


SHARED_SUFFIX_LIST = re.compile(
    rf"([{HAN}]{{2,9}}、(?:[{HAN}]{{2,5}}、)*[{HAN}]{{2,5}}?)"
    rf"(?:(等)(乡镇|街道|社区|镇|乡|村)|()(街道|社区|镇|乡|村)(?=[，。,；]|[\d一二三四五六七八九十两]+个)"
    rf"|()()(?=[\d一二三四五六七八九十两]+个(?:居委会|社区|村委会|行政村)))")  # 龙口西路、芝罘路两个居委会


# Words before a division suffix that name no place (农村, 城乡, 返乡 …).
NOT_PLACE_NAMES = frozenset(lexicon.words("not_place_names.txt"))


# Words a division suffix's first character forms with the character before it (农村, 城乡,
# 进村): the suffix is not one there.
GLUED_SUFFIX_WORDS = frozenset(lexicon.words("glued_suffix_words.txt"))
DIVISION_CHARS = set("省市县区乡镇村街道社")


def _bad_division_name(text: str, start: int, end: int, suffix: str, after_place: bool = False) -> bool:
    """Is ``text[start:end]``, written before ``suffix``, no name of a division? Right after a
    town (``after_place``) a common word may name a village (霞寨镇建设村)."""
    name = text[start:end]
    if not name or name in NOT_PLACE_NAMES or name.startswith(MODIFIERS) or len(name) > 2 and name.endswith(KIND_ENDINGS) \
            or re.search(r"\d|[一二三四五六七八九十两几多]+[个届批些]", name):
        return True
    if name[-1] in "个各全该本每等和与及" or set(name) <= DIVISION_CHARS:  # 区镇村: levels, not a name
        return True
    listed = _in_list_of_same(text, start, end + len(suffix), suffix)
    if name[-1] + suffix[0] in GLUED_SUFFIX_WORDS and not listed or name[-1] == suffix and len(suffix) == 1:  # 行政村村
        return True
    after = end + len(suffix)
    if suffix == "村" and text.startswith("村", after) and text[after + 1:after + 2] not in tuple("委民长干两党支部"):
        return True  # 村村覆盖: every village, not one (but 周庄村村民, 韩寨村村委会)
    if common_word(name) and not listed and not after_place:
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
    for word, _ in tags(text[lo:end + 2]):
        out.add(pos)
        pos += len(word)
    return out


def _short_form_ok(doc: Doc, start: int, end: int, entry: dict, full_written: Callable[[str], bool]) -> bool:
    """Short forms (淮北 for 淮北市) only where they cannot be part of a longer word, never as
    the name of a town or community (濉溪镇, 朝阳社区) and never right after a title, where a
    personal name stands (副区长桂林). A district's short form counts once its full name is
    written, or where it is a place name by itself (回到五通桥发展: a word jieba tags as a name)."""
    text = doc.text
    nxt = text[end:end + 1]
    # 副区长桂林 | 旗长白玲: a title ends where the short form starts, or on its first character
    if nxt and nxt in "区县路街镇村乡社" or _title_ends_at(text, start) or _title_ends_at(text, start + 1):
        return False
    if entry["level"] in ("province", "city"):
        return start == 0 or not HAN_RE.match(text[start - 1]) or start in _boundaries_of(text, start, end)
    if full_written(entry["full"]):
        return True
    if text[end:end + 1] in FEATURE_CHARS:
        return False  # 广阳岛: an island's name, not the district 广阳
    if re.match(rf"[{HAN}]{{0,3}}?(?:街道|镇|乡|村|社区)", text[end:end + 5]) and \
            not any(c in STOP_CHARS for c in text[end:end + 3]):
        return False  # 临海童街道: the start of a longer name
    word = tags(text[start:end])
    return len(word) == 1 and word[0][1] == "ns" and start in doc.boundaries and end in doc.boundaries \
        and dictionary_freq(text[start:end]) < SHORT_FORM_MAX_FREQ


@cache
def _title_end_re() -> re.Pattern:
    return re.compile(f"(?:{title_re().pattern})$")


def _title_ends_at(text: str, pos: int) -> bool:
    return bool(_title_end_re().search(text, max(0, pos - 8), pos))

