"""The spaCy components of the extraction pipeline, one per kind of thing found.

Each wraps the pure function of its own module (``places``, ``organizations``, ``persons``,
``meetings``, ``initiatives``, ``references``, ``changes``; shared helpers in ``common``). The
working state (mentions with character offsets, relations) travels in ``doc.user_data["kg"]`` because jieba's tokens do not always
align with the spans a name or title needs (区委书记 is one token, 区委 + 书记 two facts).
"""

from __future__ import annotations

from collections import deque

from spacy.language import Language
from spacy.tokens import Doc as SpacyDoc

from .changes import changes
from .common import Doc
from .initiatives import initiatives
from .meetings import meetings
from .notices import notices
from .organizations import organizations
from .persons import persons_and_posts
from .places import places
from .references import references


def _state(doc: SpacyDoc) -> Doc:
    return doc.user_data["kg"]


@Language.component("kg_places")
def kg_places(doc: SpacyDoc) -> SpacyDoc:
    deque(places(_state(doc)), maxlen=0)
    return doc


@Language.component("kg_organizations")
def kg_organizations(doc: SpacyDoc) -> SpacyDoc:
    deque(organizations(_state(doc)), maxlen=0)
    return doc


@Language.component("kg_persons")
def kg_persons(doc: SpacyDoc) -> SpacyDoc:
    persons_and_posts(_state(doc), doc.user_data.get("credits", []))
    return doc


@Language.component("kg_notices")
def kg_notices(doc: SpacyDoc) -> SpacyDoc:
    notices(_state(doc))
    return doc


@Language.component("kg_meetings")
def kg_meetings(doc: SpacyDoc) -> SpacyDoc:
    meetings(_state(doc))
    return doc


@Language.component("kg_initiatives")
def kg_initiatives(doc: SpacyDoc) -> SpacyDoc:
    initiatives(_state(doc))
    return doc


@Language.component("kg_references")
def kg_references(doc: SpacyDoc) -> SpacyDoc:
    references(_state(doc))
    return doc


@Language.component("kg_changes")
def kg_changes(doc: SpacyDoc) -> SpacyDoc:
    changes(_state(doc))
    return doc

