"""The query index beside a build (``BUILD/.kg-store/<build id>/``): made by the first `kg query`,
opened by the next, never used for another build, rebuilt when damaged, and skipped (the build
loaded in memory) where it cannot be made."""

from __future__ import annotations

import contextlib
import csv
import fcntl
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT, SEED_NAMES, SEEDS

from kg.build import build
from kg.cli import EXIT_DAMAGED, EXIT_OK, main
from kg.publish import check
from kg.query import BUILD_FILES, INDEX_FOLDER, open_build, query_build

FILES = "SELECT ?name WHERE { ?f a schema:DigitalDocument ; schema:name ?name } ORDER BY ?name"
TIMING = re.compile(r"kg query: load \d+\.\d\d s \((index opened|index made|in memory: [^)]*)\), query ")


@pytest.fixture(scope="module")
def seeds_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("seeds-build")
    build([str(SEEDS)], out, html=False, jobs=1)
    return out


@pytest.fixture
def fresh(seeds_build, tmp_path) -> Path:
    """A copy of the seed build with no index yet (the build id stays the manifest's)."""
    out = tmp_path / "build"
    shutil.copytree(seeds_build, out, ignore=shutil.ignore_patterns(INDEX_FOLDER))
    return out


def _build_id(out: Path) -> str:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))["build_id"]


def _query(out: Path, capsys, text: str = FILES) -> tuple[list[str], str]:
    """`kg query OUT TEXT --timing`: the first column of the answer, and where the store came from."""
    assert main(["query", str(out), text, "--format", "csv", "--timing"]) == EXIT_OK
    captured = capsys.readouterr()
    return _first_column(captured.out), _source(captured.err)


def _first_column(out: str) -> list[str]:
    return [row[0] for row in list(csv.reader(io.StringIO(out)))[1:]]


def _source(err: str) -> str:
    found = TIMING.search(err)
    assert found, err
    return found.group(1)


def _run(out: Path, *prefix: str, env: dict | None = None) -> subprocess.Popen:
    """`kg query OUT FILES` as its own process (after ``prefix``, e.g. setpriv)."""
    return subprocess.Popen([*prefix, sys.executable, "-m", "kg.cli", "query", str(out), FILES, "--format", "csv",
                             "--timing"], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _answer(proc: subprocess.Popen) -> tuple[list[str], str]:
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == EXIT_OK and "Traceback" not in err, err
    return _first_column(out), _source(err)


def test_the_first_query_makes_the_index_and_the_next_opens_it(fresh, capsys):
    assert _query(fresh, capsys) == (SEED_NAMES, "index made")
    assert [p.name for p in (fresh / INDEX_FOLDER).iterdir()] == [_build_id(fresh)]
    assert _query(fresh, capsys) == (SEED_NAMES, "index opened")
    assert open_build(fresh).how == "index"
    check(fresh, *BUILD_FILES)  # the index folder is no part of the build, and no reader minds it


def test_the_named_queries_answer_the_same_from_the_index_as_from_memory(fresh, capsys):
    from kg.query import load_store, named_queries, run_query

    memory = load_store(fresh)
    open_build(fresh)
    index = open_build(fresh)
    assert index.how == "index"
    for q in named_queries().values():
        assert sorted(map(tuple, run_query(index.store, q.text, allow_service=True))) == \
            sorted(map(tuple, run_query(memory, q.text, allow_service=True))), q.name
    # the seeds' real byline, through the index: 韩惠 reported
    reporters = run_query(index.store, named_queries()["reporters"].text)
    assert ("韩惠", "记者") in {(r[reporters.variables.index("person")], r[reporters.variables.index("role")])
                               for r in reporters}


def test_a_new_build_is_never_answered_from_the_old_builds_index(tmp_path, capsys):
    pages = tmp_path / "pages"
    pages.mkdir()
    for name in SEED_NAMES[:3]:
        shutil.copy(SEEDS / name, pages / name)
    out = tmp_path / "out"
    build([str(pages)], out, html=False, jobs=1)
    old = _build_id(out)
    assert _query(out, capsys) == (SEED_NAMES[:3], "index made")

    for name in SEED_NAMES[3:]:
        shutil.copy(SEEDS / name, pages / name)
    build([str(pages)], out, html=False, jobs=1)
    assert (out / INDEX_FOLDER / old).is_dir()  # the build leaves the index folder alone …
    check(out, *BUILD_FILES)

    assert _query(out, capsys) == (SEED_NAMES, "index made")
    # … and the next query, making the new build's index, removes the old one
    assert [p.name for p in (out / INDEX_FOLDER).iterdir()] == [_build_id(out)]


@pytest.mark.parametrize("damage", ["largest table", "RocksDB manifest", "listing"])
def test_a_damaged_index_is_made_again(fresh, capsys, damage):
    _query(fresh, capsys)
    index = fresh / INDEX_FOLDER / _build_id(fresh)
    if damage == "largest table":
        victim = max(index.glob("*.sst"), key=lambda p: p.stat().st_size)
    elif damage == "RocksDB manifest":  # cut off, RocksDB itself opens the store as an empty one
        [victim] = index.glob("MANIFEST-*")
    else:
        victim = index / "kg-index.json"
    os.truncate(victim, victim.stat().st_size // 2)

    assert _query(fresh, capsys) == (SEED_NAMES, "index made")
    assert _query(fresh, capsys) == (SEED_NAMES, "index opened")


def test_a_killed_load_and_a_folder_without_a_listing_are_not_used(fresh, capsys):
    home = fresh / INDEX_FOLDER
    killed = home / ".partial-99999-0000abcd"  # what a load killed before its rename leaves
    killed.mkdir(parents=True)
    (killed / "000001.sst").write_bytes(b"\0" * 100)
    unlisted = home / _build_id(fresh)  # a folder of the right name but no listing: not one kg made
    unlisted.mkdir()
    (unlisted / "CURRENT").write_text("MANIFEST-000001\n", encoding="utf-8")

    assert _query(fresh, capsys) == (SEED_NAMES, "index made")
    assert [p.name for p in home.iterdir()] == [_build_id(fresh)]


def test_a_query_whose_store_fails_under_it_is_answered_from_a_new_index(fresh, capsys):
    loaded = open_build(fresh)
    assert loaded.how == "new index"

    class Failing:  # an index damaged past what its listing shows: RocksDB reports it mid-query
        def query(self, *args, **kwargs):
            raise OSError("IO error: While pread offset 1024 len 4096: Input/output error")

    loaded.store = Failing()
    answer = query_build(loaded, FILES)
    assert [row[0] for row in answer] == SEED_NAMES
    assert loaded.how == "new index"


def test_a_query_whose_own_error_is_an_oserror_keeps_the_index(fresh):
    from kg.query import QueryError

    loaded = open_build(fresh)

    class Refusing:
        def query(self, *args, **kwargs):
            raise OSError("SERVICE <http://example.invalid/> could not be reached")

    loaded.store = Refusing()
    with pytest.raises(QueryError, match="could not be reached"):
        query_build(loaded, FILES)
    assert open_build(fresh).how == "index"


def test_while_another_process_makes_the_index_a_query_answers_from_memory(fresh):
    home = fresh / INDEX_FOLDER
    home.mkdir()
    fd = os.open(home, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as a kg query making the index holds it
        assert _answer(_run(fresh)) == (SEED_NAMES, "in memory: another process is making the index")
    finally:
        os.close(fd)
    assert list(home.iterdir()) == []


def test_two_queries_at_once_on_a_fresh_build_both_answer(fresh):
    first, second = _run(fresh), _run(fresh)
    answers = [_answer(first), _answer(second)]
    assert [a for a, _ in answers] == [SEED_NAMES, SEED_NAMES]
    assert {s for _, s in answers} <= {"index made", "index opened", "in memory: another process is making the index"}
    assert [p.name for p in (fresh / INDEX_FOLDER).iterdir()] == [_build_id(fresh)]
    assert _answer(_run(fresh)) == (SEED_NAMES, "index opened")


@contextlib.contextmanager
def _read_only_copy(seeds_build: Path, with_index: bool):
    """A copy of the seed build that the user running the query cannot write: chmod a-w, and
    when the tests run as root (who writes anywhere), the query runs as nobody."""
    top = Path(tempfile.mkdtemp(prefix="kg-read-only-"))
    out = top / "build"
    try:
        top.chmod(0o755)
        shutil.copytree(seeds_build, out, ignore=shutil.ignore_patterns(INDEX_FOLDER))
        if with_index:
            assert open_build(out).how == "new index"
        for path in [out, *out.rglob("*")]:
            path.chmod(0o555 if path.is_dir() else 0o444)
        yield out
    finally:
        for path in [out, *out.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        shutil.rmtree(top)


def _as_nobody() -> list[str]:
    # setpriv, not a preexec setuid: it keeps root's right to reach the interpreter until exec
    if os.geteuid() != 0:
        return []
    assert shutil.which("setpriv"), "running as root, the test needs setpriv (util-linux)"
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def test_a_build_folder_that_cannot_be_written_is_queried_in_memory(seeds_build):
    with _read_only_copy(seeds_build, with_index=False) as out:
        answer, source = _answer(_run(out, *_as_nobody()))
        assert answer == SEED_NAMES
        assert source.startswith("in memory: no index: ") and "ermission denied" in source
        assert not (out / INDEX_FOLDER).exists()


def test_an_index_another_user_made_is_opened_read_only(seeds_build):
    with _read_only_copy(seeds_build, with_index=True) as out:
        before = {p.name: p.stat().st_size for p in (out / INDEX_FOLDER).rglob("*")}
        assert _answer(_run(out, *_as_nobody())) == (SEED_NAMES, "index opened")
        assert {p.name: p.stat().st_size for p in (out / INDEX_FOLDER).rglob("*")} == before


def test_an_rdf_file_is_loaded_in_memory_and_leaves_no_index(fresh, capsys):
    answer, source = _query(fresh / "graph.nq", capsys)
    assert answer == SEED_NAMES and source.startswith("in memory: ")
    assert not (fresh / INDEX_FOLDER).exists() and not (fresh / "graph.nq").with_name(INDEX_FOLDER).exists()


def test_a_damaged_graph_file_is_refused_and_leaves_no_index(fresh, capsys):
    nq = fresh / "graph.nq"
    data = bytearray(nq.read_bytes())
    middle = data.index(b"\n", len(data) // 2) + 1
    data[middle:middle + 12] = b"<not an iri "  # same size: the manifest check passes, the parse does not
    nq.write_bytes(bytes(data))

    assert main(["query", str(fresh), FILES]) == EXIT_DAMAGED
    assert "cannot be read as N-Quads" in capsys.readouterr().err
    assert list((fresh / INDEX_FOLDER).iterdir()) == []
