"""What the extraction components share: the ``Doc`` they work on (an article's text, its
sentences and the tokenizer's word boundaries, and the mentions and relations found so far),
the sentence splitter, the character classes that bound names, the lexicons compiled once, and
the helpers more than one component uses (jieba's tags, the start of a noun run before a suffix,
the shape of an organisation's name).

Each component has a module of its own: ``places``, ``organizations``, ``persons``
(``persons_and_posts``), ``meetings``, ``initiatives``, ``references`` and ``changes``; each is
one pure function of a ``Doc``. The grammar is that of Chinese local-government reporting;
word lists come from ``kg/lexicon``, and no name of a person, company or campaign is listed.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cache

from .. import lexicon
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


class _MentionIndex:
    """The mentions of a ``Doc`` by kind, start and end, so that the questions the components ask
    of every candidate (is this span covered? what ends here?) cost the mentions near it, not all
    of an article's: a dense article has thousands. It follows ``Doc.mentions`` as mentions are
    appended; ``Doc.replace`` starts it afresh."""

    def __init__(self) -> None:
        self.count = 0
        self.last = None  # the last mention indexed: a list replaced behind the index's back is noticed
        self.starts: dict[str, list[tuple[int, int]]] = {}  # kind → (start, index), sorted
        self.longest: dict[str, int] = {}  # kind → the longest mention's length (how far back to look)
        self.by_end: dict[tuple[str, int], list[int]] = {}  # (kind, end) → indices, ascending
        self.by_start: dict[tuple[str, int], list[int]] = {}
        self.versions: dict[str, int] = {}
        self.sorted: dict[tuple[str, ...], tuple[tuple[int, ...], list]] = {}  # of_kind's answers

    def update(self, mentions: list[Mention]) -> None:
        for i in range(self.count, len(mentions)):
            m = mentions[i]
            bisect.insort(self.starts.setdefault(m.kind, []), (m.start, i))
            self.longest[m.kind] = max(self.longest.get(m.kind, 0), m.end - m.start)
            self.by_end.setdefault((m.kind, m.end), []).append(i)
            self.by_start.setdefault((m.kind, m.start), []).append(i)
            self.versions[m.kind] = self.versions.get(m.kind, 0) + 1
        self.count = len(mentions)
        self.last = mentions[-1] if mentions else None

    def near(self, kind: str, lo: int, hi: int) -> list[tuple[int, int]]:
        """(start, index) of the mentions of ``kind`` starting in [lo, hi)."""
        entries = self.starts.get(kind, ())
        return entries[bisect.bisect_left(entries, (lo, -1)):bisect.bisect_left(entries, (hi, -1))]


@dataclass
class Doc:
    """The text of one article with its sentences and the word boundaries of the tokenizer.

    Components append to ``mentions`` and ``relations`` (directly or through ``add``) and never
    change a mention's kind or span; a component that drops mentions does it with ``replace``."""

    text: str
    sentences: list[Sentence]
    boundaries: frozenset[int]
    mentions: list[Mention] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    _index: _MentionIndex = field(default_factory=_MentionIndex, repr=False, compare=False)
    _sentence_starts: list[int] = field(default_factory=list, repr=False, compare=False)
    _by_subject: tuple[int, object, dict[int, list[Relation]]] = field(default_factory=lambda: (0, None, {}),
                                                                       repr=False, compare=False)

    def index(self) -> _MentionIndex:
        ix = self._index
        if len(self.mentions) < ix.count or ix.count and self.mentions[ix.count - 1] is not ix.last:
            ix = self._index = _MentionIndex()
        if ix.count < len(self.mentions):
            ix.update(self.mentions)
        return ix

    def replace(self, mentions: list[Mention], relations: list[Relation]) -> None:
        self.mentions[:] = mentions
        self.relations[:] = relations
        self._index = _MentionIndex()
        self._by_subject = (0, None, {})

    def relations_of(self, subject: int) -> list[Relation]:
        """The relations whose subject is mention ``subject``, in the order they were found."""
        count, last, by_subject = self._by_subject
        rels = self.relations
        if len(rels) < count or count and rels[count - 1] is not last:
            count, by_subject = 0, {}
        for r in rels[count:]:
            by_subject.setdefault(r.subject, []).append(r)
        self._by_subject = (len(rels), rels[-1] if rels else None, by_subject)
        return by_subject.get(subject, [])

    def sentence_at(self, pos: int) -> int:
        if len(self._sentence_starts) != len(self.sentences):
            self._sentence_starts = [s.start for s in self.sentences]
        # sentences are in order and do not overlap: the one that can hold pos starts last at or before it
        i = bisect.bisect_right(self._sentence_starts, pos) - 1
        return i if i >= 0 and pos < self.sentences[i].end else -1

    def add(self, kind: str, start: int, end: int, rule: str, **attrs) -> int:
        """Add a mention unless one of the same kind already covers the span (or, for a
        ``nested`` one, has the same span); return its index."""
        ix = self.index()
        covering = [i for s, i in ix.near(kind, start - ix.longest.get(kind, 0), start + 1)
                    if end <= self.mentions[i].end and (not attrs.get("nested") or (s, self.mentions[i].end) == (start, end))]
        if covering:
            return min(covering)
        self.mentions.append(Mention(kind, self.text[start:end], start, end, rule, self.sentence_at(start), attrs))
        return len(self.mentions) - 1

    def overlapping(self, start: int, end: int, kinds: tuple[str, ...] = ()) -> list[tuple[int, Mention]]:
        """The mentions (of ``kinds``, or any) that share a character with [start, end), in the
        order they were found."""
        ix = self.index()
        found = [i for kind in (kinds or tuple(ix.starts)) for s, i in ix.near(kind, start - ix.longest.get(kind, 0), end)
                 if start < self.mentions[i].end]
        return [(i, self.mentions[i]) for i in sorted(found)]

    def covered(self, start: int, end: int, kinds: tuple[str, ...] = ()) -> bool:
        return bool(self.overlapping(start, end, kinds))

    def ending_at(self, end: int, kinds: tuple[str, ...]) -> list[tuple[int, Mention]]:
        """The mentions of ``kinds`` that end at ``end``, in the order they were found."""
        ix = self.index()
        return [(i, self.mentions[i]) for i in sorted(i for k in kinds for i in ix.by_end.get((k, end), ()))]

    def starting_at(self, start: int, kinds: tuple[str, ...]) -> list[tuple[int, Mention]]:
        ix = self.index()
        return [(i, self.mentions[i]) for i in sorted(i for k in kinds for i in ix.by_start.get((k, start), ()))]

    def of_kind(self, *kinds: str) -> list[tuple[int, Mention]]:
        """The mentions of ``kinds`` by start (ties in the order found). The list is shared by
        the calls between two additions of those kinds: callers do not change it."""
        ix = self.index()
        versions = tuple(ix.versions.get(k, 0) for k in kinds)
        hit = ix.sorted.get(kinds)
        if hit is None or hit[0] != versions:
            entries = sorted(e for k in kinds for e in ix.starts.get(k, ()))  # (start, index): start, then order found
            hit = ix.sorted[kinds] = (versions, [(i, self.mentions[i]) for _, i in entries])
        return hit[1]


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
def surnames() -> tuple[frozenset[str], frozenset[str]]:
    names = lexicon.words("surnames.txt")
    return frozenset(n for n in names if len(n) == 1), frozenset(n for n in names if len(n) == 2)


@cache
def titles() -> dict[str, dict[str, str]]:
    return {row["title"]: row for row in lexicon.table("titles.tsv")}


@cache
def title_re() -> re.Pattern:
    return re.compile("|".join(re.escape(t) for t in sorted(titles(), key=len, reverse=True)))


@cache
def organs() -> dict[str, dict[str, str]]:
    return {row["word"]: row for row in lexicon.table("organs.tsv")}


@cache
def org_suffix_re() -> re.Pattern:
    return re.compile(f"(?:{lexicon.alternation('org_suffixes.txt')})")


# ---------------------------------------------------------------------------------------------
# helpers of more than one component


def rfind_any(text: str, chars: str, start: int, end: int) -> int:
    """``max(text.rfind(c, start, end) for c in chars)``, looking back from ``end`` a little at a
    time: a character that does not occur would otherwise send ``rfind`` over the whole text
    before ``end``, for every mention of a long article."""
    hi, step = end, 64
    while hi > start:
        lo = max(start, hi - step)
        found = max(text.rfind(c, lo, hi) for c in chars)
        if found >= 0:
            return found
        hi, step = lo, step * 2
    return -1


def is_boundary_left(doc: Doc, pos: int) -> bool:
    return pos == 0 or doc.text[pos - 1] in STOP_CHARS or not HAN_RE.match(doc.text[pos - 1])


NOUNISH = ("n", "j", "l", "b", "f", "s", "k", "eng")


@cache
def tags(window: str) -> tuple[tuple[str, str], ...]:
    import jieba.posseg

    from .postag import install

    install()  # jieba's tags, decoded faster (postag.py)
    return tuple((w.word, w.flag) for w in jieba.posseg.cut(window))


def noun_run_start(doc: Doc, end: int, max_len: int, allow_place_prefix: bool, min_len: int = 1,
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
    tokens = tags(text[wstart:min(len(text), end + 2)])
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
        place = next((m for _, m in doc.overlapping(a, end, ("place",)) if m.end <= end), None)
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


COMMON_WORD_FREQ = 1000  # jieba dictionary frequency above which a word is no given name


def dictionary_freq(word: str) -> int:
    import jieba

    return jieba.get_FREQ(word) or 0


def common_word(word: str) -> bool:
    import jieba
    import jieba.posseg

    if len(word) < 2:
        return False
    freq = jieba.get_FREQ(word) or 0
    tag = jieba.posseg.dt.word_tag_tab.get(word, "")
    return freq >= COMMON_WORD_FREQ and not tag.startswith(("nr", "ns", "nz"))


# Endings that make a phrase no organisation's name (干部, 西部, 常委, 大学生).
NOT_ORG_ENDINGS = lexicon.words("not_org_endings.txt")


def org_shaped(doc: Doc, start: int, end: int, anchored: bool = False, suffix_start: int | None = None) -> bool:
    """An organisation's body is nouns (区自然资源和规划分局, 市第十中学), ending on a word boundary.
    After a jurisdiction (``anchored``) verbs may sit inside it too (区住建局, 区城管执法局)."""
    name = doc.text[start:end]
    if not name or name.endswith(NOT_ORG_ENDINGS):
        return False
    if end < len(doc.text) and end not in doc.boundaries and doc.text[end] not in STOP_CHARS \
            and not title_re().match(doc.text, end):
        return False
    pos = start
    for i, (word, flag) in enumerate(tags(name)):
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
