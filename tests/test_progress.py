"""Progress on stderr for every stage of `kg build` and `kg validate`: forced on (KG_PROGRESS=1,
as a terminal would have it) stderr names each stage, and the outputs are those of a run without
it; off (no terminal, or -q) nothing is written to stderr."""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path

import pytest

from kg.cli import main
from kg.progress import Stages
from kg.validate import STAGES

ROOT = Path(__file__).resolve().parent.parent
BUILD_STAGES = ["resolve", "careers", "graph", "rdf", "graphml", "json", "html", "publish"]
# what two builds of the same pages may differ in: when and how fast each ran
TIMED = ("seconds", "wall_seconds", "memory", "cache")


def _run(argv: list[str], capsys) -> tuple[int, str, str]:
    with contextlib.chdir(ROOT):
        status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _same_outputs(a: Path, b: Path) -> None:
    """Every file of build ``a`` is byte for byte the one of build ``b``, but for the generation
    time in the RDF and the timings in report.json."""
    files = json.loads((a / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert list(files) == list(json.loads((b / "manifest.json").read_text(encoding="utf-8"))["files"])
    for name in files:
        if name == "report.json":
            reports = [json.loads((x / name).read_text(encoding="utf-8")) for x in (a, b)]
            assert [{k: v for k, v in r.items() if k not in TIMED} for r in reports][0] == \
                   {k: v for k, v in reports[1].items() if k not in TIMED}
            continue
        texts = [[line for line in (x / name).read_bytes().split(b"\n") if b"generatedAtTime" not in line]
                 for x in (a, b)]
        assert texts[0] == texts[1], name


def test_build_progress_names_every_stage_and_changes_no_output(out_dir, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KG_PROGRESS", "1")
    # -j 2: the pages on two processes and the RDF written by a fork, so both export paths show progress
    status, out, err = _run(["build", "seeds", "-o", str(tmp_path / "out"), "-j", "2", "--no-cache"], capsys)
    assert status == 0
    assert "kg build: read" in err
    assert re.search(r"kg build: segment\+extract: .*\| \d/5 \[", err)
    for stage in BUILD_STAGES:
        assert f"kg build: {stage}: " in err, stage
    assert "kg build: resolve 5/5 pages: 0/8 stages" in err  # the pages resolved, drawn at least at the end
    shown = re.findall(r"kg build: (\w+): \d+/8 stages", err)
    assert sorted(set(shown)) == sorted(BUILD_STAGES)
    assert "kg build:" not in out  # the summary on stdout has no bar in it
    _same_outputs(tmp_path / "out", out_dir)  # the seeds' build, made without progress


def test_build_shows_no_progress_off_a_terminal_or_with_quiet(out_dir, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("KG_PROGRESS", raising=False)  # stderr is pytest's capture, no terminal
    status, out, err = _run(["build", "seeds", "-o", str(tmp_path / "plain"), "-j", "1", "--no-cache"], capsys)
    assert (status, err) == (0, "")
    assert out.startswith("kg ")
    monkeypatch.setenv("KG_PROGRESS", "1")
    status, out, err = _run(["build", "seeds", "-o", str(tmp_path / "quiet"), "-j", "1", "--no-cache", "-q"], capsys)
    assert (status, out, err) == (0, "", "")
    _same_outputs(tmp_path / "quiet", tmp_path / "plain")


def test_validate_progress_names_every_stage_and_prints_the_same(out_dir, capsys, monkeypatch):
    monkeypatch.delenv("KG_PROGRESS", raising=False)
    plain = _run(["validate", str(out_dir)], capsys)
    assert plain[2] == ""
    monkeypatch.setenv("KG_PROGRESS", "1")
    status, out, err = _run(["validate", str(out_dir)], capsys)
    assert (status, out) == plain[:2] == (0, f"{out_dir}: conforms to kg's SHACL shapes\n")
    for stage in STAGES:
        assert f"kg validate: {stage}: " in err, stage


def test_stages_count_each_one_and_grow_past_their_list(capsys):
    with Stages("kg test", ["one"], enabled=True) as stages:
        stages.start("one")
        stages.start("two")
        assert (stages.bar.n, stages.bar.total) == (1, 2)
    err = capsys.readouterr().err
    assert "kg test: one: 0/1 stages" in err and "kg test: two: 1/2 stages" in err
    with Stages("kg test", ["one"], enabled=False) as stages:
        stages.start("one")
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("value, terminal, quiet, shown", [
    ("", False, False, False), ("", True, False, True), ("1", False, False, True), ("0", True, False, False),
    ("1", True, True, False)])
def test_progress_is_wanted_on_a_terminal_unless_quiet_or_said_otherwise(value, terminal, quiet, shown, monkeypatch):
    from kg import progress

    monkeypatch.setenv("KG_PROGRESS", value)
    monkeypatch.setattr(progress.sys.stderr, "isatty", lambda: terminal, raising=False)
    assert progress.wanted(quiet) is shown
