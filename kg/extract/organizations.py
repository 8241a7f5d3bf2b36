"""Organisations: a jurisdiction plus an organ or a named body (区财政局, 镇党委, 市人民医院),
standalone named bodies ending in a company or institution suffix (XX有限公司, XX小学), and the
items of a list counted as N家企业 (神力家具、嘉合塑胶3家非公企业)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .. import lexicon
from .common import (
    BODY_BREAK,
    COMMON_WORD_FREQ,
    HAN,
    HAN_RE,
    STOP_CHARS,
    Doc,
    common_word,
    dictionary_freq,
    is_boundary_left,
    noun_run_start,
    org_shaped,
    org_suffix_re,
    organs,
    tags,
    title_re,
)

# Words that stand for the article's own jurisdiction before an organ (区财政局, 镇政府).
JURIS_ABBREV = lexicon.words("jurisdiction_words.txt")
ORG_MAX = 16
# What opens the full name of a party committee or a CPPCC committee before its jurisdiction.
FULL_NAME_HEADS = ("中国人民政治协商会议", "中国共产党")


# What the text right before a position ends with, searched in the few characters before it (a
# search of all the text up to it costs the article's length, for every candidate).
_ORGAN_BEFORE = re.compile(r"[委府]$")
_EVERY_BEFORE = re.compile(r"(?:[\d一二三四五六七八九十两几多]个|各)$")


def organizations(doc: Doc) -> Iterator[int]:
    """Find organisations: a jurisdiction (a place, or 区/市/县/镇/街道 standing for the article's own)
    followed by an organ or a named body ending in an organisation suffix; and standalone named
    bodies (companies, schools, universities) bounded by function words."""
    text = doc.text
    suffix_re = org_suffix_re()
    organ_rows = organs()
    organ_re = re.compile("|".join(re.escape(w) for w in sorted(organ_rows, key=len, reverse=True)))
    anchors: list[tuple[int, int, str | None]] = []  # (start, end of jurisdiction, place mention text)
    for _, m in doc.of_kind("place"):
        anchors.append((m.start, m.end, m.text))
    for m in re.finditer("|".join(JURIS_ABBREV), text):
        if doc.covered(m.start(), m.end(), ("place",)):
            continue
        if is_boundary_left(doc, m.start()) or m.start() in doc.boundaries and text[m.start() - 1] not in "辖园校社" \
                or _ORGAN_BEFORE.search(text, max(0, m.start() - 2), m.start()) and organ_re.match(text, m.end()):
            anchors.append((m.start(), m.end(), None))  # (…县委)县政府: two organs written together
    anchors.sort()
    title_pattern = title_re()
    for start, jend, place in anchors:
        if place is None and _EVERY_BEFORE.search(text, max(0, start - 3), start):
            continue  # 5个街道纪委, 各镇政府: every such body, not the article's own
        tm = title_pattern.match(text, start)
        if tm and tm.end() > jend:  # 区长张伟: a title, not an organisation
            continue
        best = None
        om = organ_re.match(text, jend)
        if om:
            best = (om.end(), organ_rows[om.group(0)]["kind"], "organ")
            if om.group(0) == "委" and text.startswith("员会", om.end()) and text.endswith(FULL_NAME_HEADS, 0, start):
                best = (om.end() + 2, "body", "full-name")  # 中国人民政治协商会议X委员会: the whole name
        # a longer named body: 区财政局, 区委组织部, 市人民医院, 安徽大学科学技术处
        first_suffix = True
        for sm in suffix_re.finditer(text, jend, min(len(text), jend + ORG_MAX)):
            body = text[jend:sm.start()]
            if POST_IN_BODY.search(body) or re.search(r"委[区县市镇乡旗]", body):
                break  # 镇党委书记欧阳明辉带队: a post and a name; 县委县政府: two organs, not one body
            # 和 joins two words of one name (自然资源和规划分局) but not two bodies (区教育局和区财政局)
            if any(c in BODY_BREAK and not (c == "和" and first_suffix) or not HAN_RE.match(c) for c in body) \
                    or _joins_bodies(body):
                break
            first_suffix = False
            if sm.end() - sm.start() == 1 and (_dictionary_verb(text[sm.start() - 1:sm.end()]) and (body or place)
                                               or dictionary_freq(text[sm.start():sm.end() + 1]) >= COMMON_WORD_FREQ
                                               or len(body) == 1 and dictionary_freq(body + sm.group(0))
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
            if not (om or jend in doc.boundaries or place is None and not dictionary_freq(text[start:jend + 1])) \
                    or not org_shaped(doc, om.end() if om else jend, e, anchored=True, suffix_start=sm.start()):
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
        head = next((h for h in FULL_NAME_HEADS if place and text.endswith(h, 0, start)), "")
        if head and text.startswith("委员会", end - 3):  # 中国人民政治协商会议X区委员会: the head is the name's
            start -= len(head)
        yield doc.add("organization", start, end, rule, organ=kind if kind != "body" else None,
                      abbrev=None if place else text[start:jend])
    yield from _list_bodies(doc)
    yield from _named_bodies(doc)


def _list_bodies(doc: Doc) -> Iterator[int]:
    """县农业局、林业局、发改局和水利局: the later items of a list of bodies share the first one's
    jurisdiction, though the text writes it once."""
    text = doc.text
    suffix_re = org_suffix_re()
    for _, first in doc.of_kind("organization"):
        if first.rule not in ("organ", "jurisdiction+suffix"):
            continue
        pos = first.end
        while pos < len(text) and text[pos] in "、和及与":
            m = LIST_ITEM.match(text, pos + 1)
            if m is None:
                break
            sm = None
            for s in suffix_re.finditer(text, pos + 1, m.end()):
                if s.end() == m.end():
                    sm = s
            start, end = pos + 1, m.end()
            # an abbreviated bureau may open with a verb (发改局, 住建局); a list item is no clause
            if sm is None or sm.start() == start or doc.covered(start, end, ("organization", "place", "person")) \
                    or text[start:end].startswith(JURIS_ABBREV) or _joins_bodies(text[start:end]) \
                    or common_word(text[start:end]) or text[end:end + 1] in "长员":
                break
            yield doc.add("organization", start, end, "list-after-body", implicit_jurisdiction=True)
            pos = end


LIST_ITEM = re.compile(rf"[{HAN}]{{1,8}}?(?=[、和及与，,。；;等]|负责|主要|相关|有关)")


POST_IN_BODY = re.compile(r"书记|[局处科部院所站队县区市镇乡社校行]长|主任|主席")
# Verbs that sit between two bodies (龙翔社区联合学府路小学, 区纪委听取纪工委汇报): never inside a name.
JOINING_VERBS = tuple(lexicon.words("joining_verbs.txt"))


def _joins_bodies(body: str) -> bool:
    return any(v in body for v in JOINING_VERBS)


def _dictionary_verb(word: str) -> bool:
    """举办, 部署 (but not 政局 of 财政局): a frequent verb of jieba's dictionary."""
    import jieba.posseg

    return dictionary_freq(word) >= 100 and jieba.posseg.dt.word_tag_tab.get(word, "").startswith("v")


COMPANY_SUFFIX = re.compile(
    r"(?:（[\u4e00-\u9fff]{2,4}）)?"
    r"(?:有限责任公司|股份有限公司|有限公司|集团|公司|合作社|研究院|大学科技园|科技园|学院|大学|中学|小学|学校|幼儿园|医院"
    r"|督察组|巡视组|巡察组|督导组)(?!生)"  # 大学生, 小学生: students, not the school
)


# A list counted as bodies: 神力家具、嘉合塑胶和欣格瑞水务3家非公企业 | 华宇金属、海推重工等33家两新组织.
COUNTED_BODIES = re.compile(
    rf"((?:[{HAN}]{{2,10}}[、和及])+[{HAN}]{{2,10}}?)"
    rf"(?:等?(?:\d+|[两三四五六七八九十]+)[家个](?:{lexicon.alternation('counted_body_nouns.txt')})"
    rf"|等[{HAN}]{{0,4}}?(?:{lexicon.alternation('counted_body_nouns.txt')})(?:\d+|[两三四五六七八九十]+)家)")


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
                # 该区组织力拓机械 | 园区入驻九华粮品: clause words open the item (within its first four
                # characters), then the name
                lead = opening = start
                for word, flag in tags(item):
                    if lead - opening >= 4:
                        break
                    lead += len(word)
                    if flag[0] in "rpdcu" or word in JURIS_ABBREV \
                            or flag.startswith("v") and (dictionary_freq(word) >= COMMON_WORD_FREQ or end - lead >= 4):
                        start = lead
                item = text[start:end]
            if not 2 <= len(item) <= 10 or common_word(item) or re.search(r"[\d两三四五六七八九十]个", item) \
                    or doc.covered(start, start + len(item), ("person", "place")):
                continue  # 龙口西路、芝罘路两个居委会和…四个企业: the first items are places, not bodies
            yield doc.add("organization", start, start + len(item), "counted-list")


INSTITUTION = re.compile("学院|大学|医院|中学|小学")
# Words before a suffix that say which or what kind of body, not its name (该医院, 各类学校).
NOT_BODY_NAMES = frozenset(lexicon.words("not_body_names.txt"))


def _named_bodies(doc: Doc) -> Iterator[int]:
    text = doc.text
    for m in COMPANY_SUFFIX.finditer(text):
        if doc.covered(m.start(), m.end(), ("organization",)):
            outer = doc.overlapping(m.start(), m.end(), ("organization",))[0][1]
            if INSTITUTION.fullmatch(m.group(0)) and outer.start < m.start() and m.end() < outer.end:
                # 河南城建学院大学科技园: the college is a body of its own inside the park's name
                doc.add("organization", outer.start, m.end(), "named-body-inside", nested=True)
            continue
        start = noun_run_start(doc, m.start(), max_len=12, allow_place_prefix=True, min_len=2, extra=("a", "m", "vn"))
        if start is None:
            continue
        start = _strip_leading_verbs(text, start, m.start())
        if start is None:
            continue
        name = text[start:m.start()]
        if re.search(r"\d", name) and not re.search(r"第", name):  # 2017年小学生: a date, not a name
            continue
        if common_word(name):  # 社区学校, 普惠幼儿园: a kind of school, not one
            continue
        if name in NOT_BODY_NAMES:
            continue
        yield doc.add("organization", start, m.end(), "named-body")
    yield from _counted_bodies(doc)


# Words written before a body's name that are not part of it (走访X公司, 联合X医院). No item is
# the start of another, so the order they are tried in does not matter.
LEADING_VERBS = lexicon.words("leading_verbs.txt")


def _strip_leading_verbs(text: str, start: int, end: int) -> int | None:
    changed = True
    while changed and start < end:
        changed = False
        for v in LEADING_VERBS:
            if text.startswith(v, start) and end - start > len(v) + 1:
                start += len(v)
                changed = True
    return start if end - start >= 2 else None
