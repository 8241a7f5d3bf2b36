"""Places: administrative divisions from the gazetteer (with their short forms where they
cannot be part of a longer word), functional zones (X经济开发区, a bare 示范区), and named
sub-district units written before a division suffix (X街道, X镇, X社区, X村)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from .. import gazetteer, lexicon
from .common import HAN, HAN_RE, STOP_CHARS, Doc, common_word, is_boundary_left, noun_run_start, tags, title_re

# Zone names written bare (示范区, 经开区): they refer to the article's own zone.
BARE_ZONE_NAMES = frozenset(lexicon.words("bare_zone_names.txt"))


def places(doc: Doc) -> Iterator[int]:
    """Find places: administrative divisions (from the gazetteer), functional zones, and named
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
        start = noun_run_start(doc, m.start(), max_len=8, allow_place_prefix=True, min_len=2, extra=("a",))
        if start is None or not is_boundary_left(doc, start) and start not in doc.boundaries:
            # a bare 示范区 / 经开区 refers to the article's zone; resolution decides which
            if (is_boundary_left(doc, m.start()) or text[m.start() - 1] in "以由经在于")\
                    and m.group(0) in BARE_ZONE_NAMES:
                yield doc.add("place", m.start(), m.end(), "zone-short", level="zone", bare=True)
            continue
        yield doc.add("place", start, m.end(), "zone", level="zone")
    for row in lexicon.table("division_suffixes.tsv"):
        suffix, level = row["suffix"], row["level"]
        for m in re.finditer(re.escape(suffix), text):
            if doc.covered(m.start(), m.end(), ("place",)):
                continue
            # rare place names get odd tags from jieba (临涣 i, 孙疃 nr+g, 双堆集 m+q)
            start = noun_run_start(doc, m.start(), max_len=5, allow_place_prefix=False,
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
    if common_word(name) and not listed:
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
    return re.compile(f"(?:{title_re().pattern})$")


def _title_ends_at(text: str, pos: int) -> bool:
    return bool(_title_end_re().search(text, max(0, pos - 8), pos))

