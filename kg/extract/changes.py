"""Changes of post: 任命X为Y, X当选Y, X调任Y, 免去X的Y职务, X不再担任Y, 接受X辞去Y职务."""

from __future__ import annotations

import re

from ..records import Relation
from .common import HAN, Doc
from .persons import name_at, titles_before

CHANGE_PATTERNS = [  # (regex with the name at group "name" and the post at group "post", kind)
    (re.compile(rf"(?:任命|任|提名|推选|选举)(?P<name>[{HAN}]{{2,4}}?)为(?P<post>[{HAN}]{{2,24}}?)(?=[，。；、,;（(]|$)"),
     "appointed"),
    (re.compile(rf"(?P<name>[{HAN}]{{2,4}}?)(?:当选为?|调任|出任|任命为)(?P<post>[{HAN}]{{2,24}}?)(?=[，。；、,;（(]|$)"),
     "appointed"),
    (re.compile(rf"免去(?P<name>[{HAN}]{{2,4}}?)(?:同志)?的?(?P<post>[{HAN}]{{2,24}}?)职务"), "removed"),
    (re.compile(rf"(?P<name>[{HAN}]{{2,4}}?)(?:同志)?不再担任(?P<post>[{HAN}]{{2,24}}?)(?:职务)?(?=[，。；、,;]|$)"), "removed"),
    # 接受X同志辞去Y职务: a resignation ends the post as a removal does
    (re.compile(rf"(?:接受|同意|批准)(?P<name>[{HAN}]{{2,4}}?)(?:同志)?辞去(?P<post>[{HAN}]{{2,24}}?)(?:职务|的职务)"),
     "removed"),
]


def changes(doc: Doc) -> None:
    """Find appointments and removals (任命, 当选, 调任, 免去, 不再担任): a ``appointed`` or ``removed``
    relation from the person to the organisation of the post, with its title."""
    text = doc.text
    for pattern, kind in CHANGE_PATTERNS:
        for m in pattern.finditer(text):
            start = m.start("name")
            end = name_at(doc, start)
            if end is None or end != m.end("name") and text[end:m.start("post")] not in ("同志", "的"):
                continue
            parts = titles_before(doc, m.end("post"))
            if not parts or parts[0].start < m.start("post"):
                continue  # the words after 为 are no post kg knows
            pidx = next((i for i, p in doc.starting_at(start, ("person",)) if p.end == end), None)
            if pidx is None:
                pidx = doc.add("person", start, end, f"name+{kind}")
            for part in parts:
                doc.relations.append(Relation(kind, pidx, part.org, f"change-{kind}", doc.sentence_at(start),
                                              {"title": part.title, "org_text": part.org_text}))
