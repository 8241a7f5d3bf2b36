"""Language data: general word lists and tables, kept as files beside the code.

Nothing here names a person, company or campaign from any page: the lists are titles,
suffixes, surnames, verbs and administrative divisions (from public data).
"""

from __future__ import annotations

import csv
import json
from functools import cache
from importlib import resources


def _open(name: str):
    return resources.files(__package__).joinpath(name).open(encoding="utf-8")


@cache
def words(name: str) -> tuple[str, ...]:
    """A one-item-a-line list (``#`` starts a comment), longest first so regexes prefer it."""
    with _open(name) as fh:
        items = {line.split("#", 1)[0].strip() for line in fh}
    return tuple(sorted((i for i in items if i), key=lambda s: (-len(s), s)))


@cache
def table(name: str) -> tuple[dict[str, str], ...]:
    """A tab-separated table with a header line."""
    with _open(name) as fh:
        rows = csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t")
        return tuple(dict(r) for r in rows)


@cache
def data(name: str):
    with _open(name) as fh:
        return json.load(fh)


def alternation(name: str) -> str:
    """The list as a regex alternation, longest first."""
    import re

    return "|".join(re.escape(w) for w in words(name))
