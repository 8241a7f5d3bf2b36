"""A build is all or nothing: real `kg build` processes killed (SIGKILL) at each point of
publishing leave the output folder holding one whole build, which `kg query` answers from; a
full disk, a read-only folder and damaged or mixed build folders give one line and their exit
status, never a traceback."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import warnings

import pytest
from conftest import ROOT, SEEDS

from kg.build import build
from kg.cli import EXIT_DAMAGED, EXIT_OUTPUT, EXIT_USAGE, main
from kg.publish import MANIFEST, OUTPUT_NAMES, STAGING_PREFIX, Staging, recover

OLD_PAGE = SEEDS / "003_aab4cd8d046a0ae4.txt"  # the build before: eight reports
NEW_PAGE = SEEDS / "001_7b6c783239e697ff.txt"  # the build being published: nine others
OLD_HEADLINE = "湖滨路街道：检查全覆盖 整改见实效"
NEW_HEADLINE = "关爱农民工 服务进工地"
HEADLINES = "SELECT ?h WHERE { ?a schema:headline ?h }"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

# A child process that runs `kg` after a patch that kills it, for real, at one point.
CHILD = """
import os, signal, sys
def die():
    os.kill(os.getpid(), signal.SIGKILL)
{patch}
from kg.cli import main
sys.exit(main(sys.argv[1:]))
"""
MOVES = """
real = os.replace
moves = []
def replace(src, dst, **kw):
    into_out = os.path.basename(os.path.dirname(os.fspath(src))).startswith(".kg-staging-") \\
        and not os.path.basename(os.path.dirname(os.fspath(dst))).startswith(".kg-staging-")
    if into_out:
        moves.append(dst)
        if {when}:
            die()
    return real(src, dst, **kw)
os.replace = replace
"""
KILLS = {  # where the build dies → whether its set was committed (manifest.json written) by then
    "writing graph.json": ("""
import kg.build
def half(graph, path):
    path.write_text('{"directed": tr', encoding="utf-8")
    die()
kg.build.write_node_link = half
""", False),
    "writing manifest.json": ("""
import json
real = json.dump
def dump(obj, fh, **kw):
    if isinstance(obj, dict) and "build_id" in obj:
        fh.write('{"build_id": "')
        fh.flush()
        die()
    return real(obj, fh, **kw)
json.dump = dump
""", False),
    "before the first move": (MOVES.format(when="len(moves) == 1"), True),
    "after three moves": (MOVES.format(when="len(moves) == 4"), True),
    "before the manifest's move": (MOVES.format(when='os.path.basename(os.fspath(src)) == "manifest.json"'), True),
    "after the manifest's move": ("""
import shutil
real = shutil.rmtree
def rmtree(path, *a, **k):
    if os.path.basename(os.fspath(path)).startswith(".kg-staging-"):
        die()
    return real(path, *a, **k)
shutil.rmtree = rmtree
""", True),
}


def kg(*args, patch: str = "", preexec=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CHILD.format(patch=patch), *map(str, args)], env=ENV, cwd=ROOT,
                          capture_output=True, text=True, timeout=300, preexec_fn=preexec)


def whole(out) -> str:
    """The id of the one build ``out`` holds; fails unless every file its manifest lists is there
    with that size and sha256 and no other build's output lies beside them."""
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    for name, entry in manifest["files"].items():
        data = (out / name).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (entry["size"], entry["sha256"]), name
    assert {p.name for p in out.iterdir() if p.name in OUTPUT_NAMES} == set(manifest["files"])
    return manifest["build_id"]


def headlines(out) -> set[str]:
    done = kg("query", out, HEADLINES, "--format", "csv")
    assert done.returncode == 0, done.stderr
    return set(done.stdout.splitlines()[1:])


def stagings(out) -> list:
    return sorted(p for p in out.iterdir() if p.name.startswith(STAGING_PREFIX))


@pytest.fixture(scope="module")
def old_build(tmp_path_factory):
    """The build before: the old page, with --explain (the new build has no explain.jsonl)."""
    out = tmp_path_factory.mktemp("old") / "out"
    build([str(OLD_PAGE)], out, html=False, explain=True, cache_dir=out / ".cache")
    return out


def _copy(old_build, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(old_build, out)
    return out, whole(out)


@pytest.mark.parametrize("point", list(KILLS))
def test_a_build_killed_while_publishing_leaves_one_whole_build(point, old_build, tmp_path):
    out, old_id = _copy(old_build, tmp_path)
    cache = {p.relative_to(out) for p in (out / ".cache").rglob("*")}
    patch, committed = KILLS[point]

    done = kg("build", NEW_PAGE, "-o", out, "--no-html", "-q", patch=patch)

    assert done.returncode == -signal.SIGKILL, done.stderr  # killed there, not finished
    [staging] = stagings(out)
    moving = committed and (staging / MANIFEST).is_file()  # else: not committed, or all moved
    assert moving == (point not in ("writing graph.json", "writing manifest.json", "after the manifest's move"))
    # a reader finishes a committed move, or reads the build before: never a mix of the two
    seen = headlines(out)
    assert (NEW_HEADLINE in seen, OLD_HEADLINE in seen) == (committed, not committed)
    assert (whole(out) != old_id) == committed
    assert (out / "explain.jsonl").exists() == (not committed)  # the old build's extra file went with it
    assert stagings(out) == ([] if moving else [staging])
    assert cache <= {p.relative_to(out) for p in (out / ".cache").rglob("*")}  # .cache untouched by the swap
    build_id = whole(out)

    # the next build removes what the killed one left, and publishes whole; a committed build,
    # once moved, is a whole build of the same pages: up to date, kept
    assert main(["build", str(NEW_PAGE), "-o", str(out), "--no-html", "-q"]) == 0
    assert stagings(out) == []
    assert whole(out) == build_id if committed else whole(out) not in (old_id, build_id)
    assert NEW_HEADLINE in headlines(out)


def test_the_next_build_rolls_a_committed_move_forward(old_build, tmp_path):
    out, old_id = _copy(old_build, tmp_path)
    done = kg("build", NEW_PAGE, "-o", out, "--no-html", "-q", patch=KILLS["after three moves"][0])
    assert done.returncode == -signal.SIGKILL
    [staging] = stagings(out)
    committed = json.loads((staging / MANIFEST).read_text(encoding="utf-8"))["build_id"]

    recover(out)  # what `kg build` does before reading a page

    assert whole(out) == committed != old_id
    assert stagings(out) == []


def test_a_live_builds_staging_folder_is_left_alone(old_build, tmp_path):
    out, old_id = _copy(old_build, tmp_path)
    with Staging(out) as live:
        (live.path / "graph.nq").write_text("<a> <b> <c> .\n", encoding="utf-8")
        recover(out)
        assert (live.path / "graph.nq").is_file()
    assert not live.path.exists()
    assert whole(out) == old_id


def test_a_read_only_output_folder_is_refused_before_any_page_is_read(old_build, tmp_path):
    out = tmp_path / "ro"
    with _small_filesystem(out, "4m") as mounted:
        shutil.copytree(old_build, out, dirs_exist_ok=True)
        old_id = whole(out)
        with _read_only(out, mounted):
            patch = ("import kg.build\n"
                     "def read(*a, **k):\n    raise SystemExit('pages read before the output folder was checked')\n"
                     "kg.build.read = read\n")
            done = kg("build", NEW_PAGE, "-o", out, "--no-html", "-q", patch=patch)

            assert done.returncode == EXIT_OUTPUT, done.stderr
            [line] = done.stderr.splitlines()
            assert line.startswith(f"kg build: {out}: cannot be written: ")
            assert whole(out) == old_id
            assert OLD_HEADLINE in headlines(out)  # a read-only build is still read

            cache = kg("build", NEW_PAGE, "-o", tmp_path / "elsewhere", "--cache", out / ".cache", "-q", patch=patch)
            assert cache.returncode == EXIT_OUTPUT
            assert cache.stderr.startswith(f"kg build: {out / '.cache'}: cannot be written: ")


@pytest.mark.parametrize("how", ["tmpfs", "RLIMIT_FSIZE"])
def test_a_full_disk_leaves_the_build_before_whole(how, old_build, tmp_path):
    out = tmp_path / "disk" / "out"
    with _small_filesystem(out.parent, "3m") if how == "tmpfs" else contextlib.nullcontext(False) as mounted:
        if how == "tmpfs" and not mounted:
            warnings.warn("tmpfs cannot be mounted here: the full disk is simulated with RLIMIT_FSIZE", stacklevel=1)
        shutil.copytree(old_build, out)
        old_id = whole(out)
        if mounted:  # leave room for the probe but not for the new build's RDF
            free = os.statvfs(out).f_bavail * os.statvfs(out).f_frsize
            (out.parent / "filler").write_bytes(b"\0" * (free - 64 * 1024))
            done = kg("build", NEW_PAGE, "-o", out, "--no-html")
        else:  # no file may grow past 20 kB: the RDF files do, and get EFBIG as a full disk gives ENOSPC
            done = kg("build", NEW_PAGE, "-o", out, "--no-html", "--no-cache",
                      patch="import resource\nsignal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
                            "resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))")

        assert done.returncode == EXIT_OUTPUT, done.stderr
        [line] = done.stderr.splitlines()
        assert line.startswith(f"kg build: {out}: cannot write ")
        assert ("No space left on device" if mounted else "too large") in line
        assert line.endswith("the build before is left as it was")
        assert stagings(out) == []
        assert whole(out) == old_id
        assert OLD_HEADLINE in headlines(out)


# --- readers: a mixed or damaged build folder ----------------------------------------------------


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("two")
    build([str(OLD_PAGE)], root / "a", html=False, explain=True)
    build([str(NEW_PAGE)], root / "b", html=False)
    return root / "a", root / "b"


def _one_line(capsys, command: str) -> str:
    captured = capsys.readouterr()
    [line] = captured.err.splitlines()
    assert line.startswith(f"kg {command}: ") and captured.out == ""
    return line


def test_a_folder_that_mixes_two_builds_is_refused_by_every_reader(two_builds, tmp_path, capsys):
    a, b = two_builds
    mixed = tmp_path / "mixed"
    shutil.copytree(a, mixed)
    shutil.copy(b / "graph.nq", mixed / "graph.nq")  # as a build cut off mid-swap without manifests left it

    for command, argv in (("query", ["query", str(mixed), HEADLINES]),
                          ("view", ["view", str(mixed), "-o", str(tmp_path / "v.html")]),
                          ("export", ["export", str(mixed), "--to", "csv", "-o", str(tmp_path / "csv")]),
                          ("validate", ["validate", str(mixed)]),
                          ("explain", ["explain", str(mixed), "王明"])):
        assert main(argv) == EXIT_DAMAGED, command
        line = _one_line(capsys, command)
        assert "graph.nq" in line and "mixes two builds" in line, line
    assert not (tmp_path / "v.html").exists()

    serve = kg("serve", mixed, "--port", "0")
    assert serve.returncode == EXIT_DAMAGED and serve.stderr.startswith("kg serve: ")


def test_a_truncated_graph_json_is_one_line(two_builds, tmp_path, capsys):
    a, _ = two_builds
    cut = tmp_path / "cut"
    shutil.copytree(a, cut)
    data = (cut / "graph.json").read_bytes()
    (cut / "graph.json").write_bytes(data[: len(data) // 2])

    assert main(["view", str(cut), "-o", str(tmp_path / "v.html")]) == EXIT_DAMAGED
    assert "graph.json is" in _one_line(capsys, "view")
    alone = tmp_path / "graph.json"
    shutil.copy(cut / "graph.json", alone)  # no manifest beside it: the parse finds it
    assert main(["export", str(alone), "--to", "gexf", "-o", str(tmp_path / "g")]) == EXIT_DAMAGED
    assert f"{alone}: not JSON" in _one_line(capsys, "export")


def test_missing_and_unparseable_rdf_files_are_one_line(two_builds, tmp_path, capsys):
    a, _ = two_builds
    gone = tmp_path / "gone"
    shutil.copytree(a, gone)
    (gone / "graph.nq").unlink()
    assert main(["query", str(gone), HEADLINES]) == EXIT_DAMAGED
    line = _one_line(capsys, "query")
    assert "graph.nq" in line and "is missing" in line
    bad = tmp_path / "graph.ttl"
    bad.write_text("区委书记王明主持会议。\n", encoding="utf-8")
    assert main(["query", str(bad), HEADLINES]) == EXIT_DAMAGED
    assert f"{bad}: cannot be read as Turtle" in _one_line(capsys, "query")
    assert main(["validate", str(bad)]) == EXIT_DAMAGED
    assert f"{bad}: not readable" in _one_line(capsys, "validate")


def test_an_older_builds_folder_is_read_with_a_note(two_builds, tmp_path, capsys):
    a, _ = two_builds
    older = tmp_path / "older"
    shutil.copytree(a, older)
    (older / MANIFEST).unlink()

    assert main(["query", str(older), HEADLINES, "--format", "csv"]) == 0
    captured = capsys.readouterr()
    assert OLD_HEADLINE in captured.out.splitlines()
    [note] = captured.err.splitlines()
    assert note.startswith(f"kg query: note: {older}: no manifest.json")


def test_export_onto_a_file_and_a_missing_query_file(two_builds, tmp_path, capsys):
    a, _ = two_builds
    target = tmp_path / "tables"
    target.write_text("not a folder\n", encoding="utf-8")
    assert main(["export", str(a), "--to", "csv", "-o", str(target)]) == EXIT_OUTPUT
    assert _one_line(capsys, "export") == f"kg export: {target}: exists and is not a folder"
    assert target.read_text(encoding="utf-8") == "not a folder\n"

    assert main(["query", str(a), "--file", str(tmp_path / "nope.rq")]) == EXIT_USAGE
    assert _one_line(capsys, "query") == f"kg query: --file {tmp_path / 'nope.rq'}: No such file or directory"


# --- real small and read-only filesystems -------------------------------------------------------


@contextlib.contextmanager
def _small_filesystem(path, size: str):
    """A tmpfs of ``size`` at ``path`` (True), or a plain folder where mounting is not allowed
    (False: not root, or a container without the capability)."""
    path.mkdir(parents=True, exist_ok=True)
    mounted = os.geteuid() == 0 and subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                                                   capture_output=True).returncode == 0
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(path)], check=True)


@contextlib.contextmanager
def _read_only(path, mounted: bool):
    """``path`` read-only for this test's processes: a read-only remount of its tmpfs (root
    ignores permissions), else permissions (which bind anyone but root)."""
    if mounted:
        subprocess.run(["mount", "-o", "remount,ro", str(path)], check=True)
    elif os.geteuid() == 0:
        pytest.fail("running as root where tmpfs cannot be mounted: no way to make a folder read-only for root")
    else:
        modes = {p: p.stat().st_mode for p in [path, *path.rglob("*")] if p.is_dir()}
        for p in modes:
            p.chmod(0o555)
    try:
        yield
    finally:
        if mounted:
            subprocess.run(["mount", "-o", "remount,rw", str(path)], check=True)
        else:
            for p, mode in modes.items():
                p.chmod(mode)
