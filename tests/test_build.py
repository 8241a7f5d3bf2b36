"""The whole run: several processes give the output of one; the page cache redoes only new or
changed pages and gives the output of a clean build."""

from __future__ import annotations

import json
import shutil

from conftest import SEEDS, assert_same_build

from kg.build import build

PAGES = sorted(p.name for p in SEEDS.glob("*.txt"))


def test_two_processes_give_the_output_of_one(one_process, tmp_path):
    build([str(SEEDS)], tmp_path, html=False, jobs=2)
    assert_same_build(one_process, tmp_path)


def test_a_rebuild_takes_every_page_from_the_cache(one_process, tmp_path):
    cache = tmp_path / "cache"
    build([str(SEEDS)], tmp_path / "a", html=False, cache_dir=cache)
    result = build([str(SEEDS)], tmp_path / "b", html=False, cache_dir=cache)
    assert result.report["cache"] == {"hits": len(PAGES), "misses": 0}
    assert_same_build(one_process, tmp_path / "b")


def test_one_new_page_is_the_only_one_redone(tmp_path):
    corpus, cache = tmp_path / "pages", tmp_path / "cache"
    corpus.mkdir()
    for name in PAGES[:-1]:
        shutil.copy(SEEDS / name, corpus / name)
    build([str(corpus)], tmp_path / "before", html=False, cache_dir=cache)
    shutil.copy(SEEDS / PAGES[-1], corpus / PAGES[-1])
    result = build([str(corpus)], tmp_path / "after", html=False, cache_dir=cache)
    assert result.report["cache"] == {"hits": len(PAGES) - 1, "misses": 1}
    build([str(corpus)], tmp_path / "clean", html=False)
    assert_same_build(tmp_path / "clean", tmp_path / "after")


def test_a_changed_page_is_redone_and_a_damaged_entry_is_made_again(tmp_path):
    corpus, cache = tmp_path / "pages", tmp_path / "cache"
    corpus.mkdir()
    shutil.copy(SEEDS / PAGES[0], corpus / PAGES[0])
    build([str(corpus)], tmp_path / "a", html=False, cache_dir=cache)
    [entry] = [p for p in cache.rglob("*") if p.is_file()]
    entry.write_bytes(entry.read_bytes()[:100])  # as a killed run might have left it, were writes not atomic
    result = build([str(corpus)], tmp_path / "b", html=False, cache_dir=cache)
    assert result.report["cache"] == {"hits": 0, "misses": 1}
    text = (corpus / PAGES[0]).read_text(encoding="utf-8")
    (corpus / PAGES[0]).write_text(text.replace("刘明", "刘铭"), encoding="utf-8")
    result = build([str(corpus)], tmp_path / "c", html=False, cache_dir=cache)
    assert result.report["cache"]["misses"] == 1
    names = {n["label"] for n in json.loads((tmp_path / "c" / "graph.json").read_text(encoding="utf-8"))["nodes"]}
    assert "刘铭" in names and "刘明" not in names


def test_the_report_says_which_stage_set_the_peak_memory(tmp_path):
    report = json.loads((build([str(SEEDS)], tmp_path, html=True, jobs=2).outputs[0].parent / "report.json")
                        .read_text(encoding="utf-8"))
    memory = report["memory"]
    after = memory["after_stage_mb"]
    assert list(after) == ["read", "extract", "resolve", "careers", "graph", "rdf", "graphml", "json", "html"]
    # the parent's peak only grows from stage to stage; the RDF files were written by a fork
    parent = [after[s] for s in ("read", "extract", "resolve", "careers", "graph", "graphml", "json", "html")]
    assert parent == sorted(parent) and parent[0] > 20
    assert memory["peak_mb"] == max(after.values())
    assert after[memory["set_by"]] == memory["peak_mb"]
    assert memory["workers_peak_mb"] > 20  # the -j 2 workers that extracted the pages


def test_the_summary_gives_wall_time_not_the_workers_sum(tmp_path):
    import re
    import time

    from kg.build import summary

    started = time.perf_counter()
    result = build([str(SEEDS)], tmp_path, html=False, jobs=2)
    waited = time.perf_counter() - started
    line = next(ln for ln in summary(result, tmp_path).splitlines() if ln.startswith("time:"))
    total = float(re.match(r"time: (\d+\.\d) s wall \(", line).group(1))
    phases = dict(re.findall(r"([a-z+]+) (\d+\.\d)", line.split("(", 1)[1].split(")", 1)[0]))
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))

    assert list(phases) == ["read", "segment+extract", "resolve", "careers", "graph", "exports"]
    # the figure is the build's own wall time, and the phases add up to it (within rounding)
    assert total <= waited + 0.05
    assert abs(sum(float(v) for v in phases.values()) - total) <= 0.1 * len(phases) + 0.1
    assert set(report["wall_seconds"]) == {"read", "pages", "resolve", "careers", "graph", "exports", "total"}
    assert report["wall_seconds"]["total"] <= result.wall["total"]


def test_report_graph_rdf_and_legend_count_the_same_nodes(out_dir, report):
    import re
    from collections import Counter

    import pyoxigraph as ox

    nodes = json.loads((out_dir / "graph.json").read_text(encoding="utf-8"))["nodes"]
    in_graph = Counter(n["kind"] for n in nodes if n["kind"] not in ("article", "source"))
    store = ox.Store()
    store.bulk_load(path=str(out_dir / "graph.nt"), format=ox.RdfFormat.N_TRIPLES)
    classes = {"person": "schema:Person", "organization": "org:Organization", "place": "schema:Place",
               "initiative": "kg:Initiative", "meeting": "schema:Event"}
    in_rdf = {kind: int(next(iter(store.query(
        f"PREFIX schema: <https://schema.org/> PREFIX org: <http://www.w3.org/ns/org#> "
        f"PREFIX kg: <https://w3id.org/kg-news/ns#> SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a {c} }}")))[0].value)
        for kind, c in classes.items()}
    html = (out_dir / "graph.html").read_text(encoding="utf-8")
    legend = {kind: int(n) for kind, n in re.findall(
        r'data-kind="(\w+)" checked>.*?<span class="count">(\d+)</span>', html)}

    assert report["counts"]["entities"] == dict(in_graph) == in_rdf
    assert {k: legend[k] for k in classes} == in_rdf
    # the implied nodes are counted, and said to be implied: nodes no sentence names
    implied = Counter(n["kind"] for n in nodes if n["kind"] not in ("article", "source") and not n.get("mentions"))
    assert report["counts"]["implied"] == dict(implied) and sum(implied.values()) > 0


def test_a_build_leaves_the_cyclic_collector_as_it_found_it(tmp_path):
    import gc

    # the build freezes each stage's records for speed; a program that builds twice must not keep
    # the first build's garbage cycles for ever
    assert gc.get_freeze_count() == 0
    build([str(SEEDS)], tmp_path / "a", html=False)
    assert gc.get_freeze_count() == 0
    # a caller that froze objects itself finds them frozen still
    gc.freeze()
    kept = gc.get_freeze_count()
    try:
        build([str(SEEDS)], tmp_path / "b", html=False)
        assert gc.get_freeze_count() >= kept > 0
    finally:
        gc.unfreeze()
