"""Meetings: a meeting named in a sentence (…会议召开, 召开…会, 主持…座谈会, 出席…仪式), and who
chaired (主持) and attended (出席/参加/列席) it."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache

from .. import lexicon
from ..records import Relation
from .common import HAN, Doc, rfind_any, surnames, titles


@dataclass
class _Found:
    """A meeting named in sentence ``si`` at ``start:end``. Meetings named in one clause
    (主持召开A和B) share ``group``; ``verb`` is where the verb naming it as its object starts
    (主持了A, 出席B仪式), or None."""
    si: int
    start: int
    end: int
    group: int
    verb: int | None = None
    aside: bool = False  # a verb's object after the article's meeting (…并主持了宪法宣誓仪式)


def meetings(doc: Doc) -> None:
    """Find meetings: a meeting named in a sentence (…会议召开 / 召开…会 / 主持了…会), with who
    chaired (主持) and who attended (出席/参加/列席) it in the same or the next sentences.

    ``X主持召开A和B`` is two meetings with one chair; a meeting named as a verb's object after the
    article's own meeting (…，并主持了宪法宣誓仪式) takes only that verb's subject, and does not
    cut the article's meeting off from the sentences after it (……出席会议)."""
    text = doc.text
    roles = {row["verb"]: row["role"] for row in lexicon.table("meeting_roles.tsv")}
    found: list[_Found] = []
    for si, sent in enumerate(doc.sentences):
        for m in _named_in(sent.text):
            _found_at(doc, si, m, found)
    asides = {f.verb for f in found if f.aside}
    for n, f in enumerate(found):
        midx = doc.add("meeting", f.start, f.end, "meeting-sentence")
        if f.aside:
            verb = next(v for v in roles if text.startswith(v, f.verb))
            _relate(doc, roles[verb], verb, f.verb, midx)
            continue
        # who chaired / attended: this and the next sentences, up to another meeting's
        name = text[f.start:f.end]
        # (meetings are found in reading order: the first of the others is the next)
        later = next((o.si for o in found[n + 1:] if o.group != f.group and not o.aside
                      and not (name.endswith(text[o.start:o.end]) or text[o.start:o.end].endswith(name))), None)
        # …and, up to the next meeting, a verb whose object is 会议 (……列席会议) at any distance
        far = min(len(doc.sentences) - 1, later - 1) if later is not None else len(doc.sentences) - 1
        near_end = doc.sentences[max(min(f.si + 5, far), f.si)].end
        window_end = doc.sentences[max(far, f.si)].end
        sent = doc.sentences[f.si]
        for verb, role in roles.items():
            for vm in re.finditer(re.escape(verb) + NOT_VERB_AFTER.get(verb, ""), text[sent.start:window_end]):
                vpos = sent.start + vm.start()
                if vpos in asides or vpos >= near_end and not text.startswith(("会议", "了会议"), vpos + len(verb)):
                    continue
                _relate(doc, role, verb, vpos, midx)


def _named_in(sentence: str) -> list[re.Match]:
    """The meeting a sentence names first, and after it those it says were chaired too
    (……，并主持召开县委全面深化改革委员会第三次会议)."""
    matches = list(MEETING_RE.finditer(sentence))
    return matches[:1] + [m for m in matches[1:] if _chaired_by_verb(sentence, m) is not None]


def _chaired_by_verb(text: str, m: re.Match, offset: int = 0) -> int | None:
    """Where 主持 starts when the match is its object (主持了X会, 主持召开X会), else None."""
    if m.group(4):
        return offset + m.start()
    if m.group(1):
        before = re.search(r"主持$", text[max(0, m.start() - 2):m.start()])
        return offset + m.start() - 2 if before else None
    return None


def _found_at(doc: Doc, si: int, m: re.Match, found: list[_Found]) -> None:
    text = doc.text
    sent = doc.sentences[si]
    g = next(i for i in (1, 2, 3, 4) if m.group(i))
    mstart = sent.start + m.start(g)
    mend = sent.start + m.end(g)
    # trim a leading date or place-time clause: "11月22日下午，相山区召开" has no name there
    lead = re.match(r"^(?:\d{1,2}月\d{1,2}日[上下中晚早]?[午上间]?[，,]?)", text[mstart:mend])
    mstart += lead.end() if lead else 0
    first = not any(f.si == si for f in found)
    # the verb that names it as its object: 出席X仪式, 主持了X会; 主持召开X会 after the sentence's first
    verb = (sent.start + m.start() if g in (3, 4) else None) if first else _chaired_by_verb(sent.text, m, sent.start)
    # a long first name cuts the match short of 和 and the second (…集体学习会和第89次常务会议)
    more = AND_MEETING_RE.match(text, mend) if g in (1, 4) else None
    mend = more.end() if more else mend
    group = si if first else -1 - len(found)  # the meetings of one clause share their window
    for a, b in _split(text, mstart, mend):
        name = text[a:b]
        if name in GENERIC_MEETINGS or b - a < 3 or name.endswith(NOT_MEETINGS):
            continue
        aside = verb is not None and any(not f.aside for f in found)
        found.append(_Found(si, a, b, group, verb, aside))


_OBJECT = re.compile(r"[^，。；,;并]*")


def _relate(doc: Doc, role: str, verb: str, vpos: int, midx: int) -> None:
    kind = "chaired" if role == "chaired" else "attended"
    # a verb whose object is something else is not about this meeting (A出席…峰会和…时的讲话精神)
    obj = _OBJECT.match(doc.text, vpos + len(verb)).group()
    if obj and not obj.startswith(("会", "召开", "举行", "了会", "了召开")) and not re.search(_END_OBJECT, obj):
        return
    for pidx in _subject_before(doc, vpos):
        if not any(r.kind == kind and r.object == midx for r in doc.relations_of(pidx)):
            doc.relations.append(Relation(kind, pidx, midx, f"meeting-{verb}", doc.sentence_at(vpos)))


def _split(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """One name, or two where 和/及/、 joins two meetings (党组会议和第21次常务会议): the part before
    ends in a meeting's noun and the part after is a meeting's name of its own. (A暨B is one
    joint meeting.)"""
    name = text[start:end]
    for j in re.finditer(r"[和及、]", name):
        before, after = name[:j.start()], name[j.end():]
        if re.search(_END_NOUN, before) and len(after) >= 3 and re.search(_END_NOUN, after):
            return [(start, start + j.start()), (start + j.end(), end)]
    return [(start, end)]


# Nouns that end a meeting's name. No item is the start of another, so their order in the
# alternations below does not matter.
MEETING_NOUNS = lexicon.words("meeting_nouns.txt")
# (常委会 names a meeting after 召开 — 召开区委常委会 — but the body before it: 区人大常委会召开第十八次会议)
_NOUNS_AFTER = "|".join(map(re.escape, MEETING_NOUNS))
_NOUNS_BEFORE = "|".join(re.escape(w) for w in MEETING_NOUNS if w != "常委会")
_END_NOUN = rf"(?:{_NOUNS_AFTER}|会)$"
_END_OBJECT = rf"(?:{_NOUNS_AFTER}|会|式|座谈|调研|活动)$"  # 参加了座谈, 参加了调研
MEETING_RE = re.compile(
    # 1: 召开(了)X会 — 2: X会议(在…)召开, not 会议召开时间 — 3: 出席(了)X仪式 — 4: 主持(了)X座谈会
    rf"(?:召开|举行|举办)了?([“\"]?[^，。；“”,;]{{0,30}}[”\"]?[^，。；,;]{{0,30}}?(?:{_NOUNS_AFTER}|会))(?![演展议]|[开闭]幕会)"
    rf"|([{HAN}\d“”\"（）]{{2,50}}?(?:{_NOUNS_BEFORE}))(?:暨[^，。,;]{{2,30}}?会议)?"
    rf"(?:在[^，。,;]{{1,20}})?"
    rf"(?:召开|举行|开幕|隆重开幕)(?!时间|日期|会|式)"
    rf"|(?:出席|参加)了?([{HAN}]{{2,8}}?(?:仪式|典礼))"
    rf"|主持(?!召开|举行|人|词)了?(?!会议)([{HAN}\d“”]{{2,30}}?(?:{_NOUNS_AFTER}|会))(?![演展议]|[开闭]幕会)")
AND_MEETING_RE = re.compile(rf"[和及、][^，。；,;和及、]{{2,30}}?(?:{_NOUNS_AFTER})(?![演展议])")
# Words ending in 会 that name a body or a thing, not a meeting.
NOT_MEETINGS = lexicon.words("not_meetings.txt")
# Names that say only what kind of meeting it was: no node for them.
GENERIC_MEETINGS = frozenset(lexicon.words("generic_meetings.txt"))
# What a role verb is not when followed by these (主持人, 主持词).
NOT_VERB_AFTER = {"主持": "(?!人|词)"}


def _subject_before(doc: Doc, vpos: int) -> list[int]:
    """The person (or the 、/，-list of persons) that a verb at ``vpos`` belongs to: the persons
    in the same clause before the verb. A group named after the list (区领导A、B及其他四大班子领导参加,
    ……，区委常委，其他在职区级领导出席) does not cut the names off from the verb; nor does a place
    or time (区长A在会议中心主持召开); after 并 with an object between (A向B颁发了任命书，并主持了…)
    the verb is the clause's first person's. A surname with a title (彭副县长) is no one."""
    text = doc.text
    clause_start = rfind_any(text, "。；\n", 0, vpos) + 1
    by_start = doc.of_kind("person")
    lo = bisect.bisect_left(by_start, clause_start, key=lambda im: im[1].start)
    hi = bisect.bisect_left(by_start, vpos, key=lambda im: im[1].start)
    persons = [(i, m) for i, m in by_start[lo:hi] if m.end <= vpos and not _title_fragment(doc, m)]
    if not persons:
        return []
    between = re.sub(r"[（(][^（）()]{0,24}[）)]", "", text[persons[-1][1].end:vpos])  # 由X（局长）主持
    between = re.sub(r"^[在于][^，。；,;]{1,25}$", "", between)  # 在区会议中心3号会议室主持
    if len(between) > 30 or _acts(between) or len(between) > 6 and not re.match(r"[，,、及和等]", between):
        first = persons[0]
        lead = re.sub(r"^\d{1,2}月\d{1,2}日[上下中晚早]?[午上间]?[，,]?", "", text[clause_start:first[1].start])
        if text[vpos - 1] == "并" and not re.search(r"[，,]", lead):
            return [first[0]]
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


def _title_fragment(doc: Doc, m) -> bool:
    """Is the person's name a surname and the start of a title (彭副|县长, 彭副县长)?"""
    one, two = surnames()
    for k, names in ((1, one), (2, two)):
        if len(m.text) > k and m.text[:k] in names:
            t = _title_re().match(doc.text, m.start + k)
            if t and t.end() >= m.end:
                return True
    return False


@cache
def _title_re() -> re.Pattern:
    return re.compile("|".join(re.escape(t) for t in sorted(titles(), key=len, reverse=True)))


@cache
def _action_re() -> re.Pattern:
    return re.compile("|".join(re.escape(v) for v in lexicon.words("speech_verbs.txt")) + "|会议|并")


def _acts(span: str) -> bool:
    """Does the span hold a verb of its own (主持会议并讲话, 指出)? Then it is no list of names."""
    return bool(_action_re().search(span))
