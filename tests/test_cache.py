"""The page cache holds data, never code: real pages come back as the records they were, a build
from it writes what a build without it writes, and an entry that is damaged, cut short, copied
under another page's key, of another format or a pickle is a miss (the page redone, the entry
rewritten), never an exception, never a wrong graph; a cache that cannot be written is a warning."""

from __future__ import annotations

import dataclasses
import enum
import json
import pickle
import random
import re
import shutil

import pytest
from conftest import ROOT, SEED_NAMES, SEEDS
from hypothesis import given
from hypothesis import strategies as st

from kg.build import build, process_page
from kg.cache import MAGIC, RECORDS, CacheFormatError, PageCache, dumps, loads
from kg.cli import main
from kg.read import read
from kg.records import Page, Problem, Source

DEV = ROOT.parent / "shared" / "dev" / "pages"  # the team material beside the clone, as eval/run.py finds it


def shape(value):
    """``value`` with the exact type of every part spelled out: == alone takes (1, 2) for [1, 2]
    never, but a set for a frozenset and True for 1, and cannot tell two equal records from one."""
    if dataclasses.is_dataclass(value):
        return (type(value).__name__, tuple(shape(getattr(value, f.name)) for f in dataclasses.fields(value)))
    if isinstance(value, dict):
        return ("dict", tuple((shape(k), shape(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return (type(value).__name__, tuple(shape(v) for v in value))
    if isinstance(value, set | frozenset):
        return (type(value).__name__, tuple(sorted(map(repr, value))))
    return (type(value).__name__, value)


@pytest.fixture(scope="module")
def seed_pages() -> list[tuple[Source, Page]]:
    return [(s, process_page(s)) for s in read([str(SEEDS)], 1 << 24) if isinstance(s, Source)]


def entry_of(cache: PageCache, source: Source):
    key = cache.key(source)
    return cache.folder / key[:2] / key


# Real pages, and made-up values of every kind an entry may hold


def test_seed_pages_come_back_as_the_records_they_were(seed_pages, tmp_path):
    cache = PageCache(tmp_path)
    for source, page in seed_pages:
        cache.put(source, page)
    assert len(seed_pages) == len(SEED_NAMES)
    for source, page in seed_pages:
        got = cache.get(source)
        assert got == page
        assert shape(got) == shape(page)
        # resolution reads an article through its extraction and writes the page's list: one object
        assert all(e.article is a for a, e in zip(got.articles, got.extractions, strict=True))
    assert (cache.hits, cache.misses) == (len(seed_pages), 0)
    # the seeds hold tuples among mention attributes, None and bools: what the shape test is for
    kinds = {type(v) for _, p in seed_pages for e in p.extractions for m in e.mentions for v in m.attrs.values()}
    assert {tuple, type(None), bool, list, str} <= kinds


class Level(enum.Enum):
    DISTRICT = "district"
    TOWN = 2


@dataclasses.dataclass(frozen=True)
class Span:
    where: tuple
    tags: frozenset
    level: Level | None = None


@dataclasses.dataclass
class Box:
    spans: list
    seen: set
    by_name: dict
    note: str | None = None


TYPES = (Box, Span, Level)


def test_frozen_records_enums_tuples_sets_and_none_round_trip_exactly():
    shared = Span((1, (2, "三")), frozenset({"甲", 4}), Level.TOWN)
    value = Box([shared, shared, Span((), frozenset(), None)], {("区委", 1), 2.5, True},
                {"a": (None,), "b": [Level.DISTRICT, b"\x00\xff", -(2**63)], "": {"x": set()}})
    got = loads(dumps(value, TYPES), TYPES)
    assert got == value and shape(got) == shape(value)
    assert got.spans[0] is got.spans[1]
    assert got.spans[0].level is Level.TOWN


def test_a_type_outside_the_registry_is_neither_written_nor_read():
    with pytest.raises(TypeError, match="Box"):
        dumps(Box([], set(), {}), RECORDS)
    data = dumps(Box([], set(), {}), TYPES)
    with pytest.raises(CacheFormatError, match="unknown record type"):
        loads(data, RECORDS)
    with pytest.raises(CacheFormatError, match="unknown record type"):
        loads(dumps(Level.TOWN, TYPES), (Box, Span))


@given(st.binary(max_size=200) | st.builds(lambda cut, at, b: (cut, at, b), st.integers(0, 400), st.integers(0, 400),
                                           st.integers(0, 255)))
def test_bytes_that_are_not_an_entry_value_raise_only_a_format_error(case):
    if isinstance(case, tuple):  # a real value, cut and with one byte changed
        cut, at, byte = case
        data = bytearray(dumps(Box([Span((1, "x"), frozenset({"y"}), Level.TOWN)] * 2, {3}, {"k": [None]}), TYPES))
        data[at % len(data)] = byte
        case = bytes(data[:len(data) - cut % len(data)])
    try:
        loads(case, TYPES)
    except CacheFormatError:
        pass


# Entries that do not load are misses


def test_a_flipped_bit_anywhere_in_an_entry_is_a_miss(seed_pages, tmp_path):
    source, page = seed_pages[0]
    cache = PageCache(tmp_path)
    cache.put(source, page)
    path = entry_of(cache, source)
    good = path.read_bytes()
    header = len(MAGIC) + 2 + 32 + 32
    # magic, version, key, checksum, and the start, middle and end of the payload
    for at in (0, len(MAGIC), len(MAGIC) + 2, len(MAGIC) + 40, header, (header + len(good)) // 2, len(good) - 1):
        for bit in (0, 7):
            damaged = bytearray(good)
            damaged[at] ^= 1 << bit
            path.write_bytes(bytes(damaged))
            assert cache.get(source) is None, (at, bit)
    assert cache.hits == 0 and cache.misses == 14
    path.write_bytes(good)
    assert cache.get(source) == page


def test_truncated_empty_and_garbage_entries_are_misses(seed_pages, tmp_path):
    source, page = seed_pages[0]
    cache = PageCache(tmp_path)
    cache.put(source, page)
    path = entry_of(cache, source)
    good = path.read_bytes()
    for bad in (b"", good[:10], good[:len(MAGIC) + 66], good[:len(MAGIC) + 67], good[:-1], good + b"\0",
                random.Random(0).randbytes(len(good)), b"\x80\x04N."):  # the last: pickle's None
        path.write_bytes(bad)
        assert cache.get(source) is None
    assert cache.misses == 8


def test_an_entry_of_another_format_version_is_a_miss(seed_pages, tmp_path):
    source, page = seed_pages[0]
    cache = PageCache(tmp_path)
    cache.put(source, page)
    path = entry_of(cache, source)
    data = bytearray(path.read_bytes())
    version = int.from_bytes(data[len(MAGIC):len(MAGIC) + 2], "big")
    data[len(MAGIC):len(MAGIC) + 2] = (version + 1).to_bytes(2, "big")  # the checksum covers the payload only
    path.write_bytes(bytes(data))
    assert cache.get(source) is None


@dataclasses.dataclass(frozen=True)
class Foreign:
    what: str


def test_a_checksummed_entry_holding_an_unknown_record_type_is_a_miss(seed_pages, tmp_path):
    source, page = seed_pages[0]
    odd = dataclasses.replace(page, problems=[Problem(source.path, "x"), Foreign("x")])
    PageCache(tmp_path, RECORDS + (Foreign,)).put(source, odd)
    cache = PageCache(tmp_path)
    assert cache.get(source) is None and cache.misses == 1


def test_a_value_the_cache_cannot_hold_is_not_stored_and_said_once(seed_pages, tmp_path):
    source, page = seed_pages[0]
    cache = PageCache(tmp_path)
    cache.put(source, dataclasses.replace(page, problems=[Foreign("x")]))
    cache.put(source, dataclasses.replace(page, problems=[Foreign("y")]))
    assert not entry_of(cache, source).exists()
    assert cache.problem.startswith(f"page {source.name} not stored") and "Foreign" in cache.problem


# Whole builds


def strip_variable(out) -> dict[str, bytes]:
    """Every output of a build, but for the time it was made, its seconds, memory and cache counts
    (and its manifest, which names the build and the sizes of those)."""
    files = {}
    for path in sorted(out.iterdir()):
        if path.name == "manifest.json":
            continue
        if path.name == "report.json":
            report = json.loads(path.read_text(encoding="utf-8"))
            assert report.pop("seconds") and "cache" in report
            report.pop("cache"), report.pop("memory"), report.pop("wall_seconds")
            files[path.name] = json.dumps(report, ensure_ascii=False).encode()
        elif path.is_file():
            files[path.name] = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)?", b"T", path.read_bytes())
    return files


@pytest.mark.parametrize("corpus", ["seeds", "dev"])
def test_a_build_from_the_cache_writes_what_a_build_without_it_writes(corpus, tmp_path):
    pages = SEEDS if corpus == "seeds" else DEV
    if not pages.is_dir():  # a missing corpus fails, as in test_accuracy: never a silent pass
        pytest.fail(f"{pages} is missing: the dev pages are the team material beside the clone")
    count = len(list(pages.glob("*.txt")))
    cold = build([str(pages)], tmp_path / "cold", html=False, cache_dir=tmp_path / "cache")
    warm = build([str(pages)], tmp_path / "warm", html=False, cache_dir=tmp_path / "cache")
    build([str(pages)], tmp_path / "none", html=False)
    assert cold.report["cache"] == {"hits": 0, "misses": count}
    assert warm.report["cache"] == {"hits": count, "misses": 0}
    expected = strip_variable(tmp_path / "none")
    assert {"graph.nq", "graph.json", "report.json"} <= expected.keys()
    assert strip_variable(tmp_path / "warm") == expected
    assert strip_variable(tmp_path / "cold") == expected


def two_pages(tmp_path):
    corpus = tmp_path / "pages"
    corpus.mkdir()
    for name in SEED_NAMES[:2]:
        shutil.copy(SEEDS / name, corpus / name)
    sources = [s for s in read([str(corpus)], 1 << 24) if isinstance(s, Source)]
    build([str(corpus)], tmp_path / "clean", html=False)
    build([str(corpus)], tmp_path / "first", html=False, cache_dir=tmp_path / "cache")
    return corpus, sources, PageCache(tmp_path / "cache")


def rebuild_and_check(corpus, tmp_path, misses: int):
    """A build over the tampered cache: the tampered pages redone, the graph a clean build's; and
    the entries rewritten, so the next build takes every page from the cache."""
    result = build([str(corpus)], tmp_path / "again", html=False, cache_dir=tmp_path / "cache")
    assert result.report["cache"] == {"hits": 2 - misses, "misses": misses}
    assert strip_variable(tmp_path / "again") == strip_variable(tmp_path / "clean")
    result = build([str(corpus)], tmp_path / "third", html=False, cache_dir=tmp_path / "cache")
    assert result.report["cache"] == {"hits": 2, "misses": 0}


def test_a_flipped_bit_is_redone_and_rewritten(tmp_path):
    corpus, sources, cache = two_pages(tmp_path)
    path = entry_of(cache, sources[0])
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x10
    path.write_bytes(bytes(data))
    rebuild_and_check(corpus, tmp_path, misses=1)


def test_an_entry_copied_under_another_pages_key_is_not_used(tmp_path):
    corpus, (a, b), cache = two_pages(tmp_path)
    shutil.copy(entry_of(cache, a), entry_of(cache, b))
    assert cache.get(b) is None  # the payload and its checksum are whole: the key inside says whose it is
    rebuild_and_check(corpus, tmp_path, misses=1)


def test_a_truncated_entry_is_redone_and_rewritten(tmp_path):
    corpus, (a, b), cache = two_pages(tmp_path)
    for source in (a, b):
        path = entry_of(cache, source)
        path.write_bytes(path.read_bytes()[:200])
    rebuild_and_check(corpus, tmp_path, misses=2)


class _Opens:
    """A pickle that, loaded, creates the file it names: what a hostile shared cache could hold."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_a_pickle_in_the_cache_is_not_run_and_is_a_miss(seed_pages, tmp_path):
    corpus, (a, b), cache = two_pages(tmp_path)
    control, marker = tmp_path / "control", tmp_path / "marker"
    pickle.loads(pickle.dumps(_Opens(control))).close()
    assert control.exists()  # the payload does what it says when unpickled
    entry_of(cache, a).write_bytes(pickle.dumps(_Opens(marker)))
    # the old format: a real page pickled, as kg wrote entries before
    entry_of(cache, b).write_bytes(pickle.dumps(process_page(b), protocol=pickle.HIGHEST_PROTOCOL))
    rebuild_and_check(corpus, tmp_path, misses=2)
    assert not marker.exists()


# A cache that cannot be written


def test_a_cache_folder_that_cannot_be_made_is_refused_before_any_page_is_read(tmp_path, capsys):
    blocker = tmp_path / "blocker"
    blocker.write_bytes(b"")

    status = main(["build", str(SEEDS / SEED_NAMES[0]), "-o", str(tmp_path / "out"), "--no-html",
                   "--cache", str(blocker / "cache")])

    assert status == 5  # cannot write outputs: found before the pages were read, not after
    captured = capsys.readouterr()
    assert captured.err.strip() == f"kg build: {blocker / 'cache'}: cannot be made: a part of its path is a file"
    assert not (tmp_path / "out" / "graph.nq").exists()


def test_a_cache_that_fails_during_the_run_costs_time_not_the_build(seed_pages, tmp_path):
    cache = PageCache(tmp_path / "cache")
    (tmp_path / "cache").write_bytes(b"")  # the folder became a file after the build checked it
    source, page = seed_pages[0]

    cache.put(source, page)

    assert cache.problem.startswith("not written: ") and cache.get(source) is None
