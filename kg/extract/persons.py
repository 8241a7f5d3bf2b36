"""Persons and posts: a personal name (``name_at``) anchored by a title before it
(``[jurisdiction][organ]title、title NAME``, read back by ``titles_before``), a role noun or a
list after 区领导, an honorific after it, a post in brackets after it, an age, or a byline; and
the posts (``holds``) those titles give them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .. import lexicon
from ..records import Relation
from .common import (
    COMMON_WORD_FREQ,
    HAN_RE,
    NAME_BREAK,
    STRONG_BREAK,
    VERB_CHARS,
    Doc,
    common_word,
    dictionary_freq,
    is_boundary_left,
    noun_run_start,
    org_shaped,
    org_suffix_re,
    organs,
    surnames,
    tags,
    title_re,
    titles,
)


def name_at(doc: Doc, pos: int, anchored: bool = False) -> int | None:
    """End of a personal name starting at ``pos`` (surname + 1–2 characters), or None.
    ``anchored``: a title or a list of officials comes before, so a separator after three
    characters ends the name even when they make words (王海军、)."""
    text = doc.text
    single, double = surnames()
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
    if anchored and _closed_by_separator(text, pos, short, long_):
        return long_
    end = _choose_name_end(doc, pos, short, long_)
    if not _name_shaped(text, pos, end):
        other = long_ if end == short else short
        return other if _name_shaped(text, pos, other) else None
    return end


def _name_shaped(text: str, start: int, end: int) -> bool:
    """Not a common word (干部, 关于, 明确) and not inside quotes."""
    name = text[start:end]
    name_tags = tags(name)
    if len(name_tags) == 1 and not name_tags[0][1].startswith("nr"):
        return False
    first_word, first_flag = name_tags[0]
    if len(first_word) > 1 and not first_flag.startswith(("nr", "ns")) and first_word not in surnames()[1] \
            and dictionary_freq(first_word) >= RARE_WORD_FREQ:
        return False  # 干部要, 明确自: a word, then a character (高志 of 高志明 is too rare to be one)
    surname = 2 if name[:2] in surnames()[1] else 1
    if common_word(name[surname:]):
        return False  # 任中央, 管部门: what follows the "surname" is a frequent word
    if end < len(text) and text[end] in "”’\"》":
        return False
    return not (start > 0 and text[start - 1] in "“‘\"《")


RARE_WORD_FREQ = 20  # below it, a dictionary "word" is as likely the start of a name (高志明)
# What ends a name for certain: a list separator, a stop, a conjunction closing a list.
NAME_END = set("、，,。；;：:及和等（(")


def _closed_by_separator(text: str, pos: int, short: int, long_: int) -> bool:
    """王海军、| 唐小时, | 王岩石及: the separator is the strongest evidence of where a name ends,
    even when its last two characters make a word (海军, 小时)."""
    return long_ < len(text) and text[long_] in NAME_END and text[short] not in NAME_BREAK \
        and HAN_RE.match(text[short]) is not None and not common_word(text[pos:long_]) \
        and not (pos > 0 and text[pos - 1] in "“‘\"《")


def _tagged_name(name: str) -> bool:
    name_tags = tags(name)
    return len(name_tags) == 1 and name_tags[0][1].startswith("nr")


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


def titles_before(doc: Doc, name_start: int) -> list[PostPart]:
    """The chain of posts written right before a name: 区委副书记、区长 | 区人大常委会党组书记、副主任."""
    text = doc.text
    parts: list[PostPart] = []
    end = name_start
    while end > 0:
        fits = [text[end - n:end] for n in range(min(8, end), 0, -1) if text[end - n:end] in titles()]
        if not fits:
            break
        # the title that starts where an organisation ends (东安路街道纪工委 + 书记), else a place
        best = next((t for t in fits if doc.ending_at(end - len(t), ("organization",))), None) \
            or next((t for t in fits if doc.ending_at(end - len(t), ("place",))), fits[0])
        tstart = end - len(best)
        # the organisation written before the title (an org mention ending at tstart; the one
        # starting last, of those)
        org_idx, org_text, pstart = None, "", tstart
        before = doc.ending_at(tstart, ("organization", "place"))
        if before:
            org_idx, m = max(before, key=lambda im: (im[1].start, im[0]))
            org_text, pstart = m.text, m.start
        if org_idx is None:
            org_idx, pstart = _chain_org(doc, tstart)
            org_text = doc.mentions[org_idx].text if org_idx is not None else ""
        if org_idx is None:
            org_idx, pstart = _chain_organ(doc, tstart)
            org_text = doc.mentions[org_idx].text if org_idx is not None else ""
        if org_idx is None:
            org_idx = _organ_in_title(doc, tstart, best)
            org_text = doc.mentions[org_idx].text if org_idx is not None else ""
        parts.insert(0, PostPart(pstart, end, best, org_idx, org_text))
        end = pstart
        if end > 0 and text[end - 1] in "、兼":  # 副区长兼区公安分局局长: one person, both posts
            end -= 1
            continue
        break
    _share_jurisdiction(doc, parts)
    return parts


def _organ_in_title(doc: Doc, tstart: int, title: str) -> int | None:
    """纪委书记, 办事处主任, 党工委副书记 written without a body before them: the title names the
    organ (the jurisdiction's, as the chain or the article says)."""
    organ = next((w for w in _organ_words() if title.startswith(w) and len(title) > len(w)), None)
    if organ is None:
        return None
    return doc.add("organization", tstart, tstart + len(organ), "organ-in-title", organ=organs()[organ]["kind"],
                   implicit_jurisdiction=True)


def _share_jurisdiction(doc: Doc, parts: list[PostPart]) -> None:
    """县委副书记、纪委书记X | 街道党工委书记、人大工委主任X: a bare organ later in a chain is of the
    jurisdiction the chain's first body names."""
    head = next((doc.mentions[p.org] for p in parts if p.org is not None), None)
    if head is None or head.attrs.get("implicit_jurisdiction"):
        return
    for p in parts:
        m = doc.mentions[p.org] if p.org is not None else None
        if m is not None and m is not head and m.attrs.get("implicit_jurisdiction"):
            m.attrs.setdefault("jurisdiction_from", (head.start, head.end))


@cache
def _organ_words() -> tuple[str, ...]:
    """The organs of more than one character, longest first."""
    return tuple(w for w in sorted(organs(), key=len, reverse=True) if len(w) > 1)


@cache
def _organ_end_re() -> re.Pattern:
    return re.compile("(?:" + "|".join(map(re.escape, _organ_words())) + ")$")


def _chain_organ(doc: Doc, tstart: int) -> tuple[int | None, int]:
    """An organ written bare inside a post chain (、人大工委主任, 、管委会主任, 、党工委书记): the
    jurisdiction's own, as the chain's first post says."""
    text = doc.text
    m = _organ_end_re().search(text, max(0, tstart - 6), tstart)
    if m is None or m.start() > 0 and text[m.start() - 1] not in "、，,兼（(":
        return None, tstart
    return doc.add("organization", m.start(), tstart, "post-chain-organ", organ=organs()[m.group(0)]["kind"],
                   implicit_jurisdiction=True), m.start()


# 该局 written right before a position (searched in the few characters before it, not the text up to it)
_THAT_UNIT = re.compile(r"该[局委院办所部]$")


def _chain_org(doc: Doc, tstart: int) -> tuple[int | None, int]:
    """An organisation written without its jurisdiction inside a post chain: 、环保局局长 |
    该局低保管理中心主任. It is the article's own (resolution adds the jurisdiction)."""
    text = doc.text
    sm = None
    for m in org_suffix_re().finditer(text, max(0, tstart - 10), tstart):
        if m.end() == tstart:
            sm = m
    if sm is None:
        return None, tstart
    unit = noun_run_start(doc, sm.start(), max_len=10, allow_place_prefix=True, min_len=2, extra=("v", "vn"))
    if _THAT_UNIT.search(text, max(0, sm.start() - 3), sm.start()):
        unit = sm.start()  # 该局办公室: the unit's name is the suffix word alone
    if unit is not None and _THAT_UNIT.search(text, max(0, unit - 3), unit):
        start = unit  # 该局低保管理中心: a unit of the body just named, whose name may hold a verb (低保)
    else:
        start = noun_run_start(doc, sm.start(), max_len=10, allow_place_prefix=True, min_len=2)
        if start is None or not org_shaped(doc, start, tstart):
            return None, tstart
    placed = bool(doc.starting_at(start, ("place",)))
    return doc.add("organization", start, tstart, "post-chain-org", implicit_jurisdiction=not placed), start


def persons_and_posts(doc: Doc, credits: list[tuple[str, str]]) -> None:
    """Find people anchored by a title, a role noun, a list after 区领导, or a byline, and the
    posts those titles give them."""
    text = doc.text
    roles = lexicon.words("person_roles.txt")
    role_re = re.compile("|".join(re.escape(r) for r in roles))
    title_pattern = title_re()
    found: dict[int, int] = {}  # name start → mention index

    def add_person(start: int, end: int, rule: str) -> int:
        idx = doc.add("person", start, end, rule)
        found[start] = idx
        return idx

    # 1. titles directly before a name
    for m in title_pattern.finditer(text):
        if any(p.start < m.start() for _, p in doc.overlapping(m.start(), m.start() + 1, ("place",))):
            continue  # 荆州长江大桥: the 州长 of a place's name is no title
        aside = re.match(r"[（(][^（）()]{1,4}[）)]", text[m.end():m.end() + 6])  # 党工委副书记(党群)张平
        nstart = m.end() + (aside.end() if aside else 0)
        end = name_at(doc, nstart, anchored=True) if nstart < len(text) else None
        if end is None or _taken(doc, nstart, end):
            continue
        if text[nstart] in "任兼" and dictionary_freq(text[nstart + 1:nstart + 3]) >= COMMON_WORD_FREQ:
            continue  # 主任任监督员: the director serves (任) as supervisor; nobody is called 任监
        pidx = add_person(nstart, end, "title+name")
        chain = titles_before(doc, m.end())
        # 原区委书记王明 (a discipline report, an appointment): the post was held, but is no longer
        former = {"former": True} if chain and text[max(0, chain[0].start - 1):chain[0].start] == "原" else {}
        for part in chain:
            doc.relations.append(Relation("holds", pidx, part.org, "post-chain", doc.sentence_at(m.end()),
                                          {"title": part.title, "org_text": part.org_text, **former}))
        _list_after(doc, end, pidx, add_person)
    # 2. role nouns (居民, 志愿者, 区领导) before a name or a list of names
    for m in role_re.finditer(text):
        end = name_at(doc, m.end(), anchored=m.group(0).endswith(("领导", "委员", "代表")))
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
            if name_at(doc, s) == m.start() and (is_boundary_left(doc, s) or s in doc.boundaries) \
                    and not doc.covered(s, m.start()) and text[m.start() - 1] not in "副常代":  # 舒副书记: 舒 + title
                pidx = add_person(s, m.start(), "name+honorific")
                if titles().get(m.group(0), {}).get("organ") == "central":  # a title only one body has
                    doc.relations.append(Relation("holds", pidx, None, "name+central-title", doc.sentence_at(s),
                                                  {"title": m.group(0), "org_text": ""}))
                break
    # 3b. a title written after the name, the body before it: 市委宣传部王某某部长 | 县委王某某副书记
    title_at = title_pattern
    for org_idx, org in doc.of_kind("organization"):
        s = org.end
        b = re.match(r"[（(][^（）()]{1,8}[）)]", text[s:s + 10])  # 烟草专卖局（分公司）
        s += b.end() if b else 0
        # the name ends where a title starts (舒进副书记: the 副 opens the title, 杨程经理)
        end = next((e for e in (s + 2, s + 3) if e < len(text) and title_at.match(text, e)
                    and _surname_led(text[s:e]) and not common_word(text[s:e]) and text[e - 1] not in "副常代总"),
                   None)  # 县人民政府彭副县长 is 彭 and a title: references reads it
        if title_at.match(text, s) or end and dictionary_freq(text[s:end]) >= RARE_WORD_FREQ \
                and not _tagged_name(text[s:end]):
            continue  # 区人大常委会党组书记: a title after the body, no name (党组 is a word)
        if end is None:
            continue
        tm = title_at.match(text, end)
        if tm is None:
            continue
        if s in found:  # 县委X副书记 already read as a name and an honorific: it gets the post too
            pidx = found[s]
            if doc.mentions[pidx].end != end:
                continue
        elif doc.covered(s, end):
            continue
        else:
            pidx = add_person(s, end, "body+name+title")
        doc.relations.append(Relation("holds", pidx, org_idx, "postposed-title", doc.sentence_at(s),
                                      {"title": tm.group(0), "org_text": org.text}))
    # 4. a post in brackets after a name: 常玉芬（榴园村党总支书记）说 | 由杜永刚（县农业农村局局长）主持
    for m in re.finditer(r"[（(]([^（）()]{2,24})[）)]", text):
        parts = titles_before(doc, m.end(1))
        if not parts or parts[0].start != m.start(1):
            continue  # the brackets hold something else than a post chain
        for length in (3, 2, 4):
            s = m.start() - length
            if s < 0 or s in found or name_at(doc, s) != m.start() or doc.covered(s, m.start()):
                continue
            if not (is_boundary_left(doc, s) or s in doc.boundaries):
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
    # 5b. a list of bare names before a word of presence: 王明、李华、张强出席 | 王明、李华等在主席台就座
    present = re.compile(rf"(?:等(?:[县区市旗]?领导)?(?:同志)?)?(?:{lexicon.alternation('presence_verbs.txt')})")
    for m in present.finditer(text):
        names = _names_listed_before(doc, m.start())
        if len(names) < 2 and not (names and text.startswith("等", m.start())):
            continue
        first = names[-1][0]
        if not (first == 0 or text[first - 1] in CLAUSE_OPENERS or first in doc.boundaries):
            continue  # the list must open a clause: 会议由王明主持，李华、张强出席 yes; 项目建设参加 no
        for s, e in names:
            if s not in found and not _taken(doc, s, e) and not doc.covered(s, e):
                add_person(s, e, "name-list+present")
    # 6. bylines: the credited names wherever the text repeats them
    known = {doc.mentions[i].text for i in found.values()} | {name for name, _ in credits}
    _drop_inside_persons(doc)
    where = _occurrences(text, known)
    for name in sorted(known, key=len, reverse=True):
        for start in where.get(name, ()):
            if not doc.covered(start, start + len(name), ("person", "organization", "place")):
                add_person(start, start + len(name), "repeated-name")


def _occurrences(text: str, names: set[str]) -> dict[str, list[int]]:
    """Where each name is written, as ``re.finditer`` of that name alone would find it (left to
    right, not overlapping itself), in one pass over the text for all of them: a search of the
    whole text for each of an article's names costs its length times its names."""
    hits: dict[str, list[int]] = {}
    for length in sorted({len(n) for n in names if n}):
        for pos in range(len(text) - length + 1):
            word = text[pos:pos + length]
            if word in names and (not hits.get(word) or hits[word][-1] + length <= pos):
                hits.setdefault(word, []).append(pos)
    return hits


def _taken(doc: Doc, start: int, end: int) -> bool:
    """Is the span already an organisation, or a place that starts where the name would?
    (A place starting inside it — 安顺 in 刘安顺 — is the false one.)"""
    return any(m.kind == "organization" or m.start <= start
               for _, m in doc.overlapping(start, end, ("organization", "place")))


def _surname_led(name: str) -> bool:
    single, double = surnames()
    return all(HAN_RE.match(c) for c in name) and (name[0] in single or name[:2] in double)


def _listed_name(doc: Doc, start: int) -> int | None:
    """The end of a list item of 2–3 characters (4 with a compound surname) closed by 、."""
    text = doc.text
    single, double = surnames()
    for n in (2, 3, 4):
        end = start + n
        if end >= len(text) or text[end] != "、":
            continue
        item = text[start:end]
        if not all(HAN_RE.match(c) for c in item) or any(c in NAME_BREAK for c in item[1:]):
            return None
        sur = 2 if item[:2] in double else 1 if item[0] in single else 0
        if common_word(item) or common_word(item[:2]) and n == 2 or sur and n - sur not in (1, 2):
            return None
        # closed by 、 on both sides in a list of officials, a name needs no Han surname (额尔敦夫)
        if not sur and not (start > 0 and text[start - 1] == "、" and not tags(item)[0][1].startswith(("v", "d", "p"))):
            return None
        return end
    return None


CLAUSE_OPENERS = "，。；：！？\n,;:!?　 "


def _names_listed_before(doc: Doc, end: int) -> list[tuple[int, int]]:
    """The names of a 、-list that ends at ``end`` (王明、李华、张强|出席), last first; a name is one
    that ``name_at`` reads from its first character to exactly where the list's next item begins."""
    text, names = doc.text, []
    while True:
        start = next((end - n for n in (3, 2, 4) if end - n >= 0 and name_at(doc, end - n, anchored=True) == end),
                     None)
        if start is None:
            return names
        names.append((start, end))
        if start == 0 or text[start - 1] != "、":
            return names
        end = start - 1


def _drop_inside_persons(doc: Doc) -> None:
    keep = [not (m.kind == "place" and any(p.start <= m.start and m.end <= p.end
                                           for _, p in doc.overlapping(m.start, m.end, ("person",))))
            for m in doc.mentions]
    if all(keep):
        return
    remap, kept = {}, []
    for i, (m, k) in enumerate(zip(doc.mentions, keep, strict=True)):
        if k:
            remap[i] = len(kept)
            kept.append(m)
    doc.replace(kept, [Relation(r.kind, remap[r.subject], remap.get(r.object) if r.object is not None else None,
                                r.rule, r.sentence, r.attrs)
                       for r in doc.relations if r.subject in remap and (r.object is None or r.object in remap)])


def _list_after(doc: Doc, end: int, first: int, add_person) -> None:
    """More names in a 、-list after a titled name: 副主任刘斌、王俊 | 区领导刘安顺、唐兵、张长明.
    An item closed by the next 、 is a name whatever its characters make as words (张海军、);
    only the last item's end is left to ``name_at``."""
    text = doc.text
    pos = end
    while pos < len(text) and text[pos] == "、":
        nxt = _listed_name(doc, pos + 1) or name_at(doc, pos + 1, anchored=True)
        if nxt is None or _taken(doc, pos + 1, nxt):
            break
        idx = add_person(pos + 1, nxt, "name-list")
        for r in list(doc.relations_of(first)):
            if r.subject == first and r.kind == "holds" and r.rule == "post-chain":
                doc.relations.append(Relation("holds", idx, r.object, "post-shared", doc.sentence_at(pos), dict(r.attrs)))
        pos = nxt


