"""Meetings: a meeting named in a sentence (…会议召开, 召开…会, 出席…仪式), and who chaired
(主持) and attended (出席/参加/列席) it."""

from __future__ import annotations

import re
from functools import cache

from .. import lexicon
from ..records import Relation
from .common import HAN, Doc


def meetings(doc: Doc) -> None:
    """Find meetings: a meeting named in a sentence (…会议召开 / 召开…会), with who chaired (主持) and who
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


# Nouns that end a meeting's name. No item is the start of another, so their order in the
# alternations below does not matter.
MEETING_NOUNS = lexicon.words("meeting_nouns.txt")
# (常委会 names a meeting after 召开 — 召开区委常委会 — but the body before it: 区人大常委会召开第十八次会议)
_NOUNS_AFTER = "|".join(map(re.escape, MEETING_NOUNS))
_NOUNS_BEFORE = "|".join(re.escape(w) for w in MEETING_NOUNS if w != "常委会")
MEETING_RE = re.compile(
    rf"(?:召开|举行|举办)([“\"]?[^，。；“”,;]{{0,30}}[”\"]?[^，。；,;]{{0,30}}?(?:{_NOUNS_AFTER}|会))(?![演展议])"
    rf"|([{HAN}\d“”\"（）]{{2,50}}?(?:{_NOUNS_BEFORE}))(?:暨[^，。,;]{{2,30}}?会议)?"
    rf"(?:在[^，。,;]{{1,20}})?"
    rf"(?:召开|举行|开幕|隆重开幕)"
    rf"|(?:出席|参加)([{HAN}]{{2,8}}?(?:仪式|典礼))")
# Words ending in 会 that name a body or a thing, not a meeting.
NOT_MEETINGS = lexicon.words("not_meetings.txt")
# Names that say only what kind of meeting it was: no node for them.
GENERIC_MEETINGS = frozenset(lexicon.words("generic_meetings.txt"))


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

