"""Rebuilds: after a page is changed, added or deleted, a rebuild from the page cache gives the
outputs of a clean build of the same pages; with nothing changed, the outputs are kept as they
are ("up to date"), and a changed option or kg.toml is a change."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import SEEDS

from kg.build import build
from kg.cli import main

PAGES = sorted(SEEDS.glob("*.txt"))
COMPARED = ("graph.nq", "graph.json", "graph.graphml", "graph.ttl", "report.json")


def outputs(out: Path, names=COMPARED) -> dict[str, str]:
    """The outputs but for what differs between two builds of the same input: the time each was
    made, and the report's timings, memory and cache counts."""
    found = {}
    for name in names:
        text = (out / name).read_text(encoding="utf-8")
        if name == "report.json":
            report = json.loads(text)
            del report["seconds"], report["wall_seconds"], report["cache"], report["memory"]
            text = json.dumps(report, ensure_ascii=False, sort_keys=True)
        found[name] = re.sub(r'"[^"]*"\^\^<http://www.w3.org/2001/XMLSchema#dateTime>|"[0-9T:+.-]{19,}"\^\^xsd:dateTime',
                             "TIME", text)
    return found


def assert_as_clean(corpus: Path, rebuilt: Path, tmp_path: Path, **options) -> None:
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    build([str(corpus)], clean, **{"html": False, **options})
    names = [n for n in json.loads((clean / "manifest.json").read_text(encoding="utf-8"))["files"]
             if n in COMPARED or n in ("explain.jsonl", "graph.html")]
    assert sorted(json.loads((rebuilt / "manifest.json").read_text(encoding="utf-8"))["files"]) == \
        sorted(json.loads((clean / "manifest.json").read_text(encoding="utf-8"))["files"])
    assert outputs(rebuilt, names) == outputs(clean, names)


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    for page in PAGES[:-1]:
        shutil.copy(page, folder / page.name)
    return folder


def rebuild(corpus: Path, out: Path, **options):
    return build([str(corpus)], out, html=False, cache_dir=out / ".cache", if_changed=True, **options)


def test_a_rebuild_after_changing_one_page_equals_a_clean_build(corpus, tmp_path):
    out = tmp_path / "out"
    rebuild(corpus, out)
    page = corpus / PAGES[0].name
    page.write_text(page.read_text(encoding="utf-8").replace("刘明", "刘铭"), encoding="utf-8")
    result = rebuild(corpus, out)
    assert not result.up_to_date and result.report["cache"] == {"hits": len(PAGES) - 2, "misses": 1}
    labels = {n["label"] for n in json.loads((out / "graph.json").read_text(encoding="utf-8"))["nodes"]}
    assert "刘铭" in labels and "刘明" not in labels
    assert_as_clean(corpus, out, tmp_path)


def test_a_rebuild_after_adding_a_page_equals_a_clean_build(corpus, tmp_path):
    out = tmp_path / "out"
    rebuild(corpus, out)
    shutil.copy(PAGES[-1], corpus / PAGES[-1].name)
    result = rebuild(corpus, out)
    assert not result.up_to_date and result.report["cache"] == {"hits": len(PAGES) - 1, "misses": 1}
    assert_as_clean(corpus, out, tmp_path)


def test_a_rebuild_after_deleting_a_page_equals_a_clean_build(corpus, tmp_path):
    out = tmp_path / "out"
    rebuild(corpus, out)
    before = json.loads((out / "report.json").read_text(encoding="utf-8"))["counts"]["articles"]
    (corpus / PAGES[1].name).unlink()
    result = rebuild(corpus, out)
    assert not result.up_to_date and result.report["cache"] == {"hits": len(PAGES) - 2, "misses": 0}
    assert result.report["counts"]["articles"] < before
    assert_as_clean(corpus, out, tmp_path)


def test_with_nothing_changed_the_outputs_are_kept_and_equal_a_clean_build(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", str(corpus), "-o", str(out), "-q"]) == 0
    stamps = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.iterdir() if p.is_file()}
    (corpus / PAGES[0].name).touch()  # a newer time, the same text: no change
    assert main(["build", str(corpus), "-o", str(out)]) == 0
    assert "up to date" in capsys.readouterr().out
    assert {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.iterdir() if p.is_file()} == stamps
    clean = tmp_path / "clean"
    assert main(["build", str(corpus), "-o", str(clean), "-q", "--no-cache"]) == 0
    assert outputs(out, (*COMPARED, "graph.html")) == outputs(clean, (*COMPARED, "graph.html"))


def test_no_cache_builds_even_when_nothing_changed(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", str(corpus), "-o", str(out), "-q", "--no-html"]) == 0
    first = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["build_id"]
    assert main(["build", str(corpus), "-o", str(out), "--no-html", "--no-cache"]) == 0
    assert "up to date" not in capsys.readouterr().out
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["build_id"] != first


def test_an_up_to_date_build_keeps_the_exit_status_of_its_warnings(corpus, tmp_path):
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(corpus), "-o", str(out), "-q", "--no-html"]) == 3
    assert main(["build", str(corpus), "-o", str(out), "-q", "--no-html"]) == 3
    assert main(["build", str(corpus), "-o", str(out), "-q", "--no-html", "--strict"]) == 3


@pytest.mark.parametrize("option", [{"jurisdiction": "淮北市杜集区"}, {"explain": True}, {"html": True}])
def test_a_changed_option_rebuilds(corpus, tmp_path, option):
    out = tmp_path / "out"
    rebuild(corpus, out)
    result = build([str(corpus)], out, **{"html": False, **option}, cache_dir=out / ".cache", if_changed=True)
    assert not result.up_to_date
    assert_as_clean(corpus, out, tmp_path, **option)
    if option.get("html"):
        assert (out / "graph.html").is_file()
    if option.get("explain"):
        assert (out / "explain.jsonl").stat().st_size > 0
    # and back: the outputs follow the options of the last build, not of the first
    result = rebuild(corpus, out)
    assert not result.up_to_date and not (out / "graph.html").exists() and not (out / "explain.jsonl").exists()


def test_an_edited_kg_toml_rebuilds(corpus, tmp_path):
    out = tmp_path / "out"
    (corpus / "kg.toml").write_text('jurisdiction = "淮北市烈山区"\n', encoding="utf-8")
    rebuild(corpus, out)
    assert rebuild(corpus, out).up_to_date
    (corpus / "kg.toml").write_text('jurisdiction = "淮北市杜集区"\n', encoding="utf-8")
    result = rebuild(corpus, out)
    assert not result.up_to_date
    assert "杜集区" in {j["district"] for j in result.report["jurisdictions"] if j["signal"].startswith("kg.toml")}
    assert_as_clean(corpus, out, tmp_path)


def test_a_damaged_output_is_built_again(corpus, tmp_path):
    out = tmp_path / "out"
    rebuild(corpus, out)
    nq = (out / "graph.nq").read_bytes()
    (out / "graph.nq").write_bytes(nq.replace(b"<", b"[", 1))  # the same size, other bytes
    result = rebuild(corpus, out)
    assert not result.up_to_date and (out / "graph.nq").read_bytes() != nq.replace(b"<", b"[", 1)
