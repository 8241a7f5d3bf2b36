"""Changes of post: 任命X为Y, X当选Y, X调任Y, 免去X的Y职务, X不再担任Y, 接受X辞去Y职务; Y may be a
chain of posts (副区长、代理区长), and X may carry the post held before (任命原相山区副区长X为Y)."""

from __future__ import annotations

import re

from ..records import Relation
from .common import HAN, Doc
from .persons import name_at, titles_before

POST = rf"[{HAN}、]{{2,40}}?"  # one post, or a chain joined by 、 (the chain must then cover it all)
CHANGE_PATTERNS = [  # (regex with the name at group "name" and the post at group "post", kind)
    (re.compile(rf"(?:任命|任|提名|推选|选举)(?P<name>[{HAN}]{{2,4}}?)为(?P<post>{POST})(?=[，。；,;（(]|$)"),
     "appointed"),
    (re.compile(rf"(?P<name>[{HAN}]{{2,4}}?)(?:当选为?|调任|出任|任命为)(?P<post>{POST})(?=[，。；,;（(]|$)"),
     "appointed"),
    (re.compile(rf"免去(?P<name>[{HAN}]{{2,4}}?)(?:同志)?的?(?P<post>[{HAN}]{{2,24}}?)职务"), "removed"),
    (re.compile(rf"(?P<name>[{HAN}]{{2,4}}?)(?:同志)?不再担任(?P<post>[{HAN}]{{2,24}}?)(?:职务)?(?=[，。；、,;]|$)"), "removed"),
    # 接受X同志辞去Y职务: a resignation ends the post as a removal does
    (re.compile(rf"(?:接受|同意|批准)(?P<name>[{HAN}]{{2,4}}?)(?:同志)?辞去(?P<post>[{HAN}]{{2,24}}?)(?:职务|的职务)"),
     "removed"),
]


# 任命原X区副区长王明为…: the name is the person found after the former post, right before 为
FORMER = re.compile(rf"(?:任命|提名|推选|选举)原[{HAN}、]{{2,30}}?为(?P<post>{POST})(?=[，。；,;（(]|$)")


def _posts(doc: Doc, start: int, end: int):
    """The posts written in text[start:end]: the whole chain (副区长、代理区长) when it covers the
    span, else the post before the first 、 (任命王明为区长、李华为副区长 names two people)."""
    parts = titles_before(doc, end)
    if parts and parts[0].start >= start and (parts[0].start == start or "、" not in doc.text[start:end]):
        return parts
    first = doc.text.find("、", start, end)
    if first > start:
        parts = titles_before(doc, first)
        if parts and parts[0].start >= start:
            return parts
    return []


def _relate(doc: Doc, kind: str, start: int, end: int, parts) -> None:
    pidx = next((i for i, p in doc.starting_at(start, ("person",)) if p.end == end), None)
    if pidx is None:
        pidx = doc.add("person", start, end, f"name+{kind}")
    for part in parts:
        doc.relations.append(Relation(kind, pidx, part.org, f"change-{kind}", doc.sentence_at(start),
                                      {"title": part.title, "org_text": part.org_text}))


def changes(doc: Doc) -> None:
    """Find appointments and removals (任命, 当选, 调任, 免去, 不再担任): a ``appointed`` or ``removed``
    relation from the person to the organisation of the post, with its title."""
    text = doc.text
    for pattern, kind in CHANGE_PATTERNS:
        for m in pattern.finditer(text):
            start = m.start("name")
            end = name_at(doc, start)
            post_start = m.start("post")
            if end is None:
                continue
            if end > m.end("name") and kind == "removed":
                # 免去孙海涛的…: the lazy name stopped at two characters and the post took the third
                post_start = end + next((len(w) for w in ("同志的", "同志", "的") if text.startswith(w, end)), 0)
                if post_start >= m.end("post"):
                    continue
            elif end != m.end("name") and text[end:m.start("post")] not in ("同志", "的"):
                continue
            parts = _posts(doc, post_start, m.end("post"))
            if parts:  # else the words after 为 are no post kg knows
                _relate(doc, kind, start, end, parts)
    for m in FORMER.finditer(text):
        before = m.start("post") - 1  # the 为
        person = next((p for _, p in doc.ending_at(before, ("person",)) if p.start > m.start() + 3), None)
        parts = _posts(doc, m.start("post"), m.end("post")) if person else []
        if parts:
            _relate(doc, "appointed", person.start, person.end, parts)
