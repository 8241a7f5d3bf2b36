"""kg export: the files load as they are into real consumers — Kùzu (an embedded Cypher
database, with its own COPY bulk loader) for the Neo4j-import CSVs, igraph for GraphML,
networkx for GEXF, DuckDB for Parquet — and hold the graph's nodes and edges."""

from __future__ import annotations

import csv
import re

import duckdb
import igraph
import kuzu
import networkx as nx
import pytest

from kg.cli import main
from kg.export import read_node_link

KUZU_TYPES = {"": "STRING", "int": "INT64", "float": "DOUBLE", "string[]": "STRING"}


@pytest.fixture(scope="module")
def graph(out_dir) -> nx.MultiDiGraph:
    return read_node_link(out_dir / "graph.json")


@pytest.fixture(scope="module")
def exported(out_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("export")
    for target in ("neo4j", "gexf", "csv", "parquet"):
        assert main(["export", str(out_dir), "--to", target, "-o", str(out / target)]) == 0
    return out


def _header(path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh))


def _rows(path) -> int:
    with path.open(encoding="utf-8", newline="") as fh:
        return sum(1 for _ in csv.reader(fh)) - 1


@pytest.fixture(scope="module")
def kuzu_db(exported, tmp_path_factory):
    """Load the Neo4j-import CSVs into Kùzu with its own COPY, tables declared from the headers."""
    folder = exported / "neo4j"
    db = kuzu.Database(str(tmp_path_factory.mktemp("kuzu") / "db"))
    con = kuzu.Connection(db)
    options = "(HEADER=true, ESCAPE='\"', PARALLEL=false)"  # quoted fields hold line breaks
    for path in sorted(folder.glob("nodes_*.csv")):
        label = path.stem.removeprefix("nodes_")
        columns = []
        for field in _header(path):
            name, _, typ = field.partition(":")
            if typ == "ID":
                columns.append("id STRING PRIMARY KEY")
            elif typ == "LABEL":
                columns.append("labels STRING")
            else:
                columns.append(f"`{name}` {KUZU_TYPES[typ]}")
        con.execute(f"CREATE NODE TABLE `{label}`({', '.join(columns)})")
        con.execute(f"COPY `{label}` FROM '{path}' {options}")
    pairs: dict[str, list[tuple[str, str, object]]] = {}
    for path in sorted(folder.glob("rels_*.csv")):
        typ, start, end = re.fullmatch(r"rels_([A-Z_]+)_([A-Za-z]+)_([A-Za-z]+)", path.stem).groups()
        pairs.setdefault(typ, []).append((start, end, path))
    for typ, group in pairs.items():
        props = []
        for field in _header(group[0][2])[2:]:
            name, _, t = field.partition(":")
            props.append("type STRING" if t == "TYPE" else f"`{name}` {KUZU_TYPES[t]}")
        ends = ", ".join(f"FROM `{a}` TO `{b}`" for a, b, _ in group)
        con.execute(f"CREATE REL TABLE `{typ}`({ends}, {', '.join(props)})")
        for start, end, path in group:
            extra = f", from='{start}', to='{end}'" if len(group) > 1 else ""
            con.execute(f"COPY `{typ}` FROM '{path}' {options[:-1]}{extra})")
    return con


def _query(con, cypher: str) -> list[list]:
    result = con.execute(cypher)
    rows = []
    while result.has_next():
        rows.append(result.get_next())
    return rows


def test_neo4j_files_hold_the_same_nodes_and_edges_as_graphml(exported, out_dir):
    folder = exported / "neo4j"
    graphml = igraph.Graph.Read_GraphML(str(out_dir / "graph.graphml"))
    assert sum(_rows(p) for p in folder.glob("nodes_*.csv")) == graphml.vcount()
    assert sum(_rows(p) for p in folder.glob("rels_*.csv")) == graphml.ecount()
    assert _header(folder / "nodes_Person.csv")[0] == "id:ID" and _header(folder / "nodes_Person.csv")[-1] == ":LABEL"
    assert _header(folder / "rels_HOLDS_Person_Organization.csv")[:3] == [":START_ID", ":END_ID", ":TYPE"]


def test_kuzu_counts_equal_the_graph(kuzu_db, graph):
    [[nodes]] = _query(kuzu_db, "MATCH (n) RETURN count(n)")
    [[edges]] = _query(kuzu_db, "MATCH ()-[r]->() RETURN count(r)")
    assert (nodes, edges) == (graph.number_of_nodes(), graph.number_of_edges())


@pytest.fixture(scope="module")
def kuzu_export(out_dir, tmp_path_factory):
    """The database `kg export --to kuzu` writes, opened read-only as a user would."""
    folder = tmp_path_factory.mktemp("kuzu-export") / "db"
    assert main(["export", str(out_dir), "--to", "kuzu", "-o", str(folder)]) == 0
    return kuzu.Connection(kuzu.Database(str(folder), read_only=True))


def test_the_kuzu_export_counts_each_kind_and_relationship_as_the_graph(kuzu_export, graph):
    nodes = {kind: n for kind, n in _query(kuzu_export, "MATCH (n) RETURN label(n), count(n)")}
    edges = {kind: n for kind, n in _query(kuzu_export, "MATCH ()-[r]->() RETURN label(r), count(r)")}
    kinds, rels = {}, {}
    for _, d in graph.nodes(data=True):
        kinds[d["kind"].title()] = kinds.get(d["kind"].title(), 0) + 1
    for *_, d in graph.edges(data=True):
        rels[d["kind"].upper()] = rels.get(d["kind"].upper(), 0) + 1
    assert {k.lower(): n for k, n in nodes.items()} == {k.lower(): n for k, n in kinds.items()}
    assert edges == rels
    # arrays are Kùzu lists, not joined strings
    [[articles]] = _query(kuzu_export, "MATCH (p:Person {label: '刘明'}) RETURN p.articles")
    assert isinstance(articles, list) and set(articles) == set(graph.nodes["person/烈山区/刘明"]["articles"])


def test_a_persons_posts_with_the_dates_of_their_reports_from_the_kuzu_export(kuzu_export, graph):
    rows = _query(kuzu_export, """
        MATCH (p:Person {label: '孙露露'})-[h:HOLDS]->(o:Organization), (a:Article {id: 'article/' + h.article})
        RETURN o.label, h.title, a.date, h.sentence ORDER BY o.label, h.title""")
    expected = sorted((graph.nodes[v]["label"], d["title"], graph.nodes[f"article/{d['article']}"]["date"],
                       d["sentence"])
                      for u, v, d in graph.edges(data=True)
                      if d["kind"] == "holds" and graph.nodes[u]["label"] == "孙露露")
    assert sorted(tuple(r) for r in rows) == expected
    assert {(r[0], r[1]) for r in rows} == {("烈山区委", "副书记"), ("烈山区人民政府", "区长")}
    assert all(r[2] for r in rows) and all("孙露露" in r[3] for r in rows)


def test_kuzu_export_refuses_a_folder_that_is_not_empty(out_dir, tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("x", encoding="utf-8")
    assert main(["export", str(out_dir), "--to", "kuzu", "-o", str(tmp_path)]) != 0
    assert "not empty" in capsys.readouterr().err and (tmp_path / "keep.txt").exists()


def test_kuzu_officials_of_a_district(kuzu_db):
    rows = _query(kuzu_db, """
        MATCH (p:Person)-[h:HOLDS]->(o:Organization)-[:PART_OF]->(d:Place {label: '烈山区'})
        RETURN p.label, h.title, o.label ORDER BY p.label, h.title""")
    assert {tuple(r) for r in rows} == {("刘明", "书记", "烈山区委"), ("孙露露", "副书记", "烈山区委"),
                                        ("孙露露", "区长", "烈山区人民政府"), ("曹梅", "主任", "烈山区人大常委会")}


def test_kuzu_who_chaired_what(kuzu_db):
    rows = {tuple(r) for r in _query(kuzu_db, "MATCH (p:Person)-[:CHAIRED]->(m:Meeting) RETURN p.label, m.label")}
    assert ("刘明", "烈山区委常委会扩大会议") in rows
    assert ("朱正春", "相山区十一届人大常委会第四十次会议") in rows


def test_kuzu_two_hop_answer_matches_networkx(kuzu_db, graph):
    """A correctness check of the engine itself: people two hops from a district (post → body → place)."""
    rows = _query(kuzu_db, """
        MATCH (p:Person)-[:HOLDS]->(:Organization)-[:PART_OF]->(d:Place) RETURN DISTINCT p.id, d.id""")
    expected = {(u, w) for u, v, d in graph.edges(data=True) if d["kind"] == "holds"
                for _, w, e in graph.out_edges(v, data=True) if e["kind"] == "part_of"}
    assert {tuple(r) for r in rows} == expected
    assert len(expected) > 20


def test_kuzu_keeps_chinese_text_with_commas_quotes_and_line_breaks(kuzu_db, graph):
    [[text]] = _query(kuzu_db, "MATCH (a:Article) WHERE a.headline = '扎紧政府“钱袋子”' RETURN a.text")
    node = next(d for _, d in graph.nodes(data=True) if d.get("kind") == "article" and d.get("headline") == "扎紧政府“钱袋子”")
    assert text == node["text"]
    assert "\n" in text and "，" in text


def test_load_cypher_loads_every_file_with_back_quoted_names(exported):
    folder = exported / "neo4j"
    script = (folder / "load.cypher").read_text(encoding="utf-8")
    for path in folder.glob("*.csv"):
        assert f"'file:///{path.name}'" in script
    assert "CREATE INDEX FOR (n:`Entity`) ON (n.id)" in script
    assert re.search(r"CREATE \(a\)-\[:`HOLDS` \{", script)
    assert (folder / "load.py").read_text(encoding="utf-8").startswith('"""Load the files of ``kg export --to neo4j``')
    assert script.count("LOAD CSV WITH HEADERS") == len(list(folder.glob("*.csv")))


def test_graphml_read_by_igraph(out_dir, graph):
    g = igraph.Graph.Read_GraphML(str(out_dir / "graph.graphml"))
    assert (g.vcount(), g.ecount()) == (graph.number_of_nodes(), graph.number_of_edges())
    liu = g.vs.find(label="刘明")
    assert liu["kind"] == "person"
    assert liu["iri"].endswith("/刘明")
    kinds = {e["kind"] for e in g.es}
    assert {"holds", "chaired", "part_of", "located_in"} <= kinds


def test_gexf_read_by_networkx(exported, graph):
    g = nx.read_gexf(exported / "gexf" / "graph.gexf")
    assert (g.number_of_nodes(), g.number_of_edges()) == (graph.number_of_nodes(), graph.number_of_edges())
    labels = {d.get("label") for _, d in g.nodes(data=True)}
    assert {"刘明", "烈山区委", "淮北市"} <= labels


def test_parquet_queried_with_duckdb(exported, graph):
    folder = exported / "parquet"
    rows = duckdb.sql(f"""
        SELECT person, title, organisation FROM '{folder / "posts.parquet"}'
        WHERE jurisdiction = '烈山区' ORDER BY person, title""").fetchall()
    assert set(rows) == {("刘明", "书记", "烈山区委"), ("孙露露", "副书记", "烈山区委"),
                         ("孙露露", "区长", "烈山区人民政府"), ("曹梅", "主任", "烈山区人大常委会")}
    [[n]] = duckdb.sql(f"SELECT count(*) FROM '{folder / 'entities.parquet'}'").fetchall()
    assert n == sum(1 for _, d in graph.nodes(data=True) if d["kind"] not in ("article", "source"))
    [[typed]] = duckdb.sql(f"SELECT typeof(lat) FROM '{folder / 'entities.parquet'}' LIMIT 1").fetchall()
    assert typed == "DOUBLE"



def test_the_articles_table_holds_every_article_with_its_reporters(exported, graph):
    rows = duckdb.sql(f"SELECT id, file, date, reporters, date_source FROM '{exported / 'parquet' / 'articles.parquet'}'"
                      ).fetchall()
    articles = {n.removeprefix("article/"): d for n, d in graph.nodes(data=True) if d["kind"] == "article"}
    assert {r[0] for r in rows} == set(articles) and len(rows) == len(articles)
    bylines = {}
    for u, v, d in graph.edges(data=True):
        if d["kind"] == "authored":
            bylines.setdefault(u.removeprefix("article/"), set()).add(graph.nodes[v]["label"])
    assert bylines and {r[0]: set(r[3].split("|")) for r in rows if r[3]} == bylines
    assert all((f, day) == (articles[a]["file"], articles[a]["date"] or None) for a, f, day, *_ in rows)
    # the seeds' dates are read from datelines (月日, no year), and an undated report has no source
    assert {(bool(day), how) for _, _, day, _, how in rows} == {(True, "dateline"), (False, None)}


def test_csv_tables_match_the_parquet(exported):
    for name in ("entities", "articles", "posts", "tenures", "mentions", "relations"):
        [[n]] = duckdb.sql(f"SELECT count(*) FROM '{exported / 'parquet' / (name + '.parquet')}'").fetchall()
        assert _rows(exported / "csv" / f"{name}.csv") == n


def test_export_of_a_folder_without_a_build_fails_clearly(tmp_path, capsys):
    assert main(["export", str(tmp_path), "--to", "neo4j", "-o", str(tmp_path / "x")]) == 2
    assert "run `kg build` first" in capsys.readouterr().err


FORMULAS = ["=HYPERLINK(\"http://example.invalid\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)"]


def _with_formula_labels(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The seed graph with four officials renamed to what a spreadsheet would run as formulas."""
    g = graph.copy()
    people = sorted(n for n, d in g.nodes(data=True) if d["kind"] == "person")[:len(FORMULAS)]
    for n, label in zip(people, FORMULAS, strict=True):
        g.nodes[n]["label"] = label
    return g


def _cells(folder) -> list[str]:
    return [cell for path in sorted(folder.glob("*.csv")) for row in csv.reader(path.open(encoding="utf-8"))
            for cell in row]


@pytest.mark.parametrize("write", ["csv", "neo4j"])
def test_formula_cells_are_verbatim_by_default_and_neutralised_on_request(graph, tmp_path, write):
    from kg import graphdb

    g = _with_formula_labels(graph)
    graphdb.FORMATS[write](g, tmp_path / "plain")
    graphdb.FORMATS[write](g, tmp_path / "safe", safe_formulas=True)

    plain, safe = _cells(tmp_path / "plain"), _cells(tmp_path / "safe")
    assert set(FORMULAS) <= set(plain)  # the data as it is, for tools that do not run formulas
    assert not any(c.startswith(("=", "+", "-", "@")) and not re.fullmatch(r"-?\d+(\.\d+)?", c) for c in safe)
    assert {"'" + f for f in FORMULAS} <= set(safe)
    assert len(plain) == len(safe)


def test_parquet_export_to_a_folder_whose_name_has_a_quote(out_dir, tmp_path):
    out = tmp_path / "it's" / "parquet'); DROP TABLE x; --"

    assert main(["export", str(out_dir), "--to", "parquet", "-o", str(out)]) == 0

    [[n]] = duckdb.execute("SELECT count(*) FROM read_parquet(?)", [str(out / "posts.parquet")]).fetchall()
    assert n > 0
