"""References back: 该局, 该街道 (this bureau, this sub-district) and a bare surname with a
title (陈书记), which point to something the article named before."""

from __future__ import annotations

import re

from .. import lexicon
from .common import HAN_RE, NAME_BREAK, Doc, is_boundary_left, surnames

REFERENCE_KINDS = {row["word"]: row["kind"] for row in lexicon.table("reference_heads.tsv")}
SURNAME_TITLES = tuple(lexicon.words("surname_titles.txt"))


def references(doc: Doc) -> None:
    """Find words that point back to something the article named: 该局 / 该街道 (this bureau, this
    sub-district) and a surname with a title (陈书记). Resolution finds what they point to."""
    text = doc.text
    heads = "|".join(re.escape(w) for w in sorted(REFERENCE_KINDS, key=len, reverse=True))
    for m in re.finditer(rf"该({heads})", text):
        if doc.covered(m.start(), m.end()):
            continue
        doc.add(REFERENCE_KINDS[m.group(1)], m.start(), m.end(), "reference-back", refers_to=m.group(1))
    single, _ = surnames()
    titles = "|".join(re.escape(t) for t in sorted(SURNAME_TITLES, key=len, reverse=True))
    for m in re.finditer(rf"([{''.join(sorted(single))}])({titles})", text):
        start, end = m.start(), m.end()
        if doc.covered(start, end) or not is_boundary_left(doc, start) and start not in doc.boundaries:
            continue
        if end < len(text) and HAN_RE.match(text[end]) and text[end] not in NAME_BREAK:
            continue  # 王局长 must end there: 高书记处 is no one
        doc.add("person", start, end, "surname+title", surname=m.group(1), title=m.group(2))
