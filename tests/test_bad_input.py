"""A corpus of bad input, made here, through `kg build`: each bad file is named with its reason
in report.json, the exit status says files were skipped, and the good files' facts are exactly
those of a clean run on the good files alone."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from conftest import SEEDS
from rdflib import Graph

from kg.cli import EXIT_OK, EXIT_SKIPPED, main

GOOD = ["000_96c8e21aadbbbbe2.txt", "002_d8e10ae50a9c1096.txt"]
POSTS = """
PREFIX schema: <https://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?person ?post WHERE { ?p a schema:Person ; rdfs:label ?person ; org:holds/rdfs:label ?post }"""


def _facts(out) -> set:
    g = Graph().parse(out / "graph.ttl")
    return {(str(a), str(b)) for a, b in g.query(POSTS)}


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("clean")
    for name in GOOD:
        shutil.copy(SEEDS / name, corpus / name)
    out = tmp_path_factory.mktemp("clean-out")
    assert main(["build", str(corpus), "-o", str(out), "-q", "--no-html"]) == EXIT_OK
    return out


@pytest.fixture(scope="module")
def dirty(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("dirty")
    for name in GOOD:
        shutil.copy(SEEDS / name, corpus / name)
    sub = corpus / "淮北日报 2021"  # a folder with a Chinese name and a space
    sub.mkdir()
    (sub / "空白.txt").write_text("")
    (sub / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (sub / "copy-of-000.txt").write_bytes((SEEDS / GOOD[0]).read_bytes())
    (sub / "too-big.txt").write_text("区委书记王某某主持会议。" * 40_000, encoding="utf-8")  # 480,000 bytes
    (sub / "one-line.txt").write_text("本报讯 " + "全区上下齐心协力抓落实，" * 8_000 + "。", encoding="utf-8")
    (sub / "scraped.jsonl").write_text('{"id": 1, "text": ""}\n{broken\n', encoding="utf-8")
    (sub / "loop").symlink_to(sub, target_is_directory=True)
    out = tmp_path_factory.mktemp("dirty-out")
    status = main(["build", str(corpus), "-o", str(out), "-q", "--no-html", "--max-bytes", "300000"])
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return status, report, out, sub


def test_the_run_says_files_were_skipped(dirty):
    status, report, _, _ = dirty
    assert status == EXIT_SKIPPED
    assert report["counts"]["files_read"] == 3  # the two good pages and the one long line


def test_each_bad_file_is_named_with_its_reason(dirty):
    _, report, _, sub = dirty
    reasons = {os.path.relpath(w["path"], sub): w["message"] for w in report["warnings"]}
    assert reasons["空白.txt"] == "empty file"
    assert "binary" in reasons["binary.txt"]
    assert "same text as" in reasons["copy-of-000.txt"] and GOOD[0] in reasons["copy-of-000.txt"]
    assert "over the 300,000-byte limit" in reasons["too-big.txt"]
    assert "empty page" in reasons["scraped.jsonl:1"]
    assert "line skipped" in reasons["scraped.jsonl:2"]
    assert "symbolic link loop" in reasons["loop"]
    assert all(w["skipped"] for w in report["warnings"])


def test_the_good_files_facts_are_those_of_a_clean_run(dirty, clean):
    _, _, out, _ = dirty
    facts = _facts(out)
    assert facts == _facts(clean)
    assert ("刘明", "烈山区委书记") in facts


def test_warnings_alone_exit_0_and_strict_makes_them_fatal(tmp_path):
    corpus = tmp_path / "pages"
    corpus.mkdir()
    data = (SEEDS / GOOD[0]).read_bytes()
    (corpus / "cut.txt").write_bytes(data[:-2] if data.endswith(b"\n") else data[:-1])
    assert main(["build", str(corpus), "-o", str(tmp_path / "a"), "-q", "--no-html"]) == EXIT_OK
    report = json.loads((tmp_path / "a" / "report.json").read_text(encoding="utf-8"))
    [warning] = report["warnings"]
    assert warning["skipped"] is False and "U+FFFD" in warning["message"]
    assert main(["build", str(corpus), "-o", str(tmp_path / "b"), "-q", "--no-html", "--strict"]) == EXIT_SKIPPED


def test_control_characters_are_replaced_and_every_export_still_writes(tmp_path):
    """Scraped text carries control characters (a BEL inside a name, an ESC, form feeds between
    pages). They are invalid in IRIs and XML: Oxigraph refused the IRI and the build crashed.
    They are now replaced one for one (offsets hold), with a warning naming the file."""
    corpus = tmp_path / "pages"
    corpus.mkdir()
    (corpus / "ctl.txt").write_text("区委书记刘\x07明主持会议，区长王强\x1b出席。\x0c\n"
                                    "区财政局开展“惠\x01民”行动。\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(corpus), "-o", str(out), "-q"]) == EXIT_OK
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    [warning] = report["warnings"]
    assert warning["path"].endswith("ctl.txt") and warning["skipped"] is False
    assert "3 control characters (first at character 5) replaced by spaces" in warning["message"]
    import networkx as nx
    import pyoxigraph as ox

    g = nx.read_graphml(out / "graph.graphml")
    labels = {d.get("label") for _, d in g.nodes(data=True)}
    assert "王强" in labels and not any(c in "".join(filter(None, labels)) for c in "\x07\x1b\x01")
    assert len(list(ox.parse(path=str(out / "graph.nq"), format=ox.RdfFormat.N_QUADS))) > 0
    assert "王强" in (out / "graph.html").read_text(encoding="utf-8")
