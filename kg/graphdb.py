"""Exports for graph databases and tables, from a build's graph (``graph.json``):

- ``neo4j``: CSV files in the ``neo4j-admin database import`` format (one node file per label, one
  relationship file per type and pair of labels, typed headers), ``load.cypher`` for ``LOAD CSV``
  into a running server, and ``load.py`` (``kg/neo4j_load.py``), which sends the rows over Bolt;
- ``gexf``: GEXF for Gephi (GraphML is written by every build);
- ``csv`` / ``parquet``: flat tables (entities, articles, posts, tenures, mentions, relations) for pandas, polars
  and DuckDB.
"""

from __future__ import annotations

import csv
import re
import shutil
from collections import defaultdict
from pathlib import Path

import networkx as nx

from . import neo4j_load
from .career_tables import spell_rows
from .careers import post_title
from .export import flat, iri
from .neo4j_load import ARRAY_DELIMITER, COMMON_LABEL, INDEX_STATEMENTS

LABELS = {"person": "Person", "organization": "Organization", "place": "Place", "initiative": "Initiative",
          "meeting": "Meeting", "article": "Article", "source": "Source"}
# Every node also carries the label COMMON_LABEL, so that a load can find either end of a
# relationship by one index whatever its kind.
# node properties by kind, with their neo4j-admin type ("" is string)
NODE_PROPERTIES: dict[str, list[tuple[str, str]]] = {
    "*": [("label", ""), ("iri", ""), ("aliases", "string[]"), ("mentions", "int"), ("articles", "string[]")],
    "article": [("headline", ""), ("date", ""), ("kicker", ""), ("file", ""), ("index", "int"), ("text", "")],
    "place": [("level", ""), ("adcode", ""), ("lat", "float"), ("lon", "float")],
    "organization": [("organ", "")],
    "meeting": [("date", "")],
    "source": [("path", ""), ("encoding", "")],
}
EDGE_PROPERTIES = [("label", ""), ("title", ""), ("role", ""), ("article", ""), ("file", ""), ("sentence", ""),
                   ("start", "int"), ("end", "int"), ("rule", "")]


def rel_type(kind: str) -> str:
    return kind.upper()


def node_columns(kind: str) -> list[tuple[str, str]]:
    return NODE_PROPERTIES["*"] + NODE_PROPERTIES.get(kind, [])


def _value(value, typ: str) -> str:
    if value is None:
        return ""
    if typ == "string[]":
        items = value if isinstance(value, list | tuple | set) else [value]
        return ARRAY_DELIMITER.join(str(v).replace(ARRAY_DELIMITER, "；") for v in items)
    return str(value)


def _header(name: str, typ: str) -> str:
    return f"{name}:{typ}" if typ else name


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell that a spreadsheet would run as a formula (``=HYPERLINK(…)``, ``+1+cmd|…``),
    prefixed with ``'`` as OWASP advises, so that it is shown as text; other values unchanged."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


class _FormulaSafeWriter:
    def __init__(self, writer):
        self.writer = writer

    def writerow(self, row):
        self.writer.writerow([neutralise(v) for v in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(fh, safe: bool, **options):
    writer = csv.writer(fh, lineterminator="\n", **options)
    return _FormulaSafeWriter(writer) if safe else writer


def _writer(path: Path, safe: bool = False):
    fh = path.open("w", encoding="utf-8", newline="")
    # every field quoted: Chinese text with commas, quotes and line breaks stays one field
    return fh, csv_writer(fh, safe, quoting=csv.QUOTE_ALL)


def write_neo4j(graph: nx.MultiDiGraph, out: Path, safe_formulas: bool = False) -> list[Path]:
    """``nodes_<Label>.csv`` and ``rels_<TYPE>_<From>_<To>.csv`` for ``neo4j-admin database
    import full``, ``load.cypher`` for ``LOAD CSV`` into a running server, and ``load.py``, which
    loads the same CSVs over Bolt with the ``neo4j`` driver. ``safe_formulas`` prefixes text cells
    that a spreadsheet would run as formulas with ``'``."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    by_kind: dict[str, list[str]] = defaultdict(list)
    for n, d in graph.nodes(data=True):
        by_kind[d.get("kind", "unknown")].append(n)
    for kind, nodes in sorted(by_kind.items()):
        label = LABELS.get(kind, kind.title())
        columns = node_columns(kind)
        path = out / f"nodes_{label}.csv"
        fh, w = _writer(path, safe_formulas)
        with fh:
            w.writerow(["id:ID"] + [_header(c, t) for c, t in columns] + [":LABEL"])
            for n in sorted(nodes):
                d = {**graph.nodes[n], "iri": str(iri(n))}
                w.writerow([n] + [_value(d.get(c), t) for c, t in columns] + [f"{label};{COMMON_LABEL}"])
        written.append(path)
    groups: dict[tuple[str, str, str], list[tuple[str, str, dict]]] = defaultdict(list)
    for u, v, d in graph.edges(data=True):
        start = LABELS.get(graph.nodes[u].get("kind", ""), "Entity")
        end = LABELS.get(graph.nodes[v].get("kind", ""), "Entity")
        groups[(rel_type(d.get("kind", "related")), start, end)].append((u, v, d))
    for (typ, start, end), edges in sorted(groups.items()):
        path = out / f"rels_{typ}_{start}_{end}.csv"
        fh, w = _writer(path, safe_formulas)
        with fh:
            w.writerow([":START_ID", ":END_ID", ":TYPE"] + [_header(c, t) for c, t in EDGE_PROPERTIES])
            for u, v, d in sorted(edges, key=lambda e: (e[0], e[1], str(e[2].get("article")))):
                w.writerow([u, v, typ] + [_value(d.get(c), t) for c, t in EDGE_PROPERTIES])
        written.append(path)
    cypher = out / "load.cypher"
    cypher.write_text(load_cypher(written), encoding="utf-8")
    # the loader travels with the files so that it runs where they are, without kg installed
    loader = out / "load.py"
    shutil.copyfile(neo4j_load.__file__, loader)
    return written + [cypher, loader]


def _cypher_value(column: str, typ: str) -> str:
    # An empty cell is a missing value. Neo4j reads a quoted empty cell as '', FalkorDB as null;
    # CASE (not Neo4j 5's nullIf) gives null, or [] for an array, on every server.
    field = f"row.`{_header(column, typ)}`"
    if typ == "int":
        return f"toInteger({field})"
    if typ == "float":
        return f"toFloat({field})"
    if typ == "string[]":
        return f"CASE WHEN coalesce({field}, '') = '' THEN [] ELSE split({field}, '{ARRAY_DELIMITER}') END"
    return f"CASE WHEN {field} = '' THEN null ELSE {field} END"


def load_cypher(files: list[Path]) -> str:
    """``LOAD CSV`` statements that read the CSVs from the server's import folder, in the Cypher
    that Neo4j 4.4 and 5.x and FalkorDB all run: no ``CALL {…} IN TRANSACTIONS`` (Neo4j 5 only) or
    ``USING PERIODIC COMMIT`` (Neo4j 4 only), so each file is one transaction; the ends of a
    relationship are found by the index on ``Entity.id``. Labels and types are back-quoted so that
    any name is safe."""
    e = f"`{COMMON_LABEL}`"
    lines = ["// kg: load the CSVs of `kg export --to neo4j` into a running Neo4j (4.4 or 5.x) or FalkorDB,",
             "// the CSVs copied into the server's import folder, into a database with no kg nodes yet.",
             "// Neo4j: cypher-shell -f load.cypher; any server: python load.py --load-csv (see load.py);",
             "// Memgraph's LOAD CSV has another grammar: use python load.py, which sends the rows itself.",
             INDEX_STATEMENTS[0] + ";", ""]
    for path in files:
        m = re.fullmatch(r"nodes_(\w+)\.csv", path.name)
        if m:
            label = m.group(1)
            kind = next((k for k, v in LABELS.items() if v == label), label.lower())
            props = ", ".join(f"`{c}`: {_cypher_value(c, t)}" for c, t in node_columns(kind))
            lines += [f"LOAD CSV WITH HEADERS FROM 'file:///{path.name}' AS row",
                      f"CREATE (n:`{label}`:{e} {{id: row.`id:ID`, {props}}});", ""]
    for path in files:
        m = re.fullmatch(r"rels_([A-Z_]+)_(\w+)_(\w+)\.csv", path.name)
        if m:
            typ = m.group(1)
            props = ", ".join(f"`{c}`: {_cypher_value(c, t)}" for c, t in EDGE_PROPERTIES)
            lines += [f"LOAD CSV WITH HEADERS FROM 'file:///{path.name}' AS row",
                      f"MATCH (a:{e} {{id: row.`:START_ID`}}), (b:{e} {{id: row.`:END_ID`}})",
                      f"CREATE (a)-[:`{typ}` {{{props}}}]->(b);", ""]
    return "\n".join(lines)


def write_gexf(graph: nx.MultiDiGraph, path: Path) -> list[Path]:
    """GEXF for Gephi: lists become ``|``-joined strings, each node keeps its RDF IRI."""
    h = nx.MultiDiGraph()
    for n, d in graph.nodes(data=True):
        h.add_node(n, iri=str(iri(n)), **{k: flat(v) for k, v in d.items() if v is not None and k != "text"})
    for u, v, k, d in graph.edges(keys=True, data=True):
        h.add_edge(u, v, key=k, **{a: flat(x) for a, x in d.items() if x is not None})
    nx.write_gexf(h, path, encoding="utf-8")
    return [path]


# -- tables ------------------------------------------------------------------------------------

TABLE_COLUMNS = {
    "entities": ["key", "iri", "kind", "label", "aliases", "mentions", "level", "adcode", "lat", "lon", "organ",
                 "parent", "jurisdiction"],
    "articles": ["id", "file", "headline", "date", "date_source", "reporters"],
    # the dates are those of the post's tenure: the tenures row of the same person, body and title
    # (代理区长 is the tenure of 代区长)
    "posts": ["person", "person_key", "title", "organisation", "organisation_key", "jurisdiction", "article", "file",
              "sentence", "start", "end", "article_date", "first_seen", "last_seen", "appointed", "removed"],
    "tenures": ["person", "person_key", "order", "title", "organisation", "organisation_key", "post", "jurisdiction",
                "first_seen", "last_seen", "appointed", "removed", "observations", "article", "file", "sentence",
                "start", "end"],
    "mentions": ["article", "file", "entity_key", "kind", "label"],
    "relations": ["kind", "subject_key", "subject", "object_key", "object", "label", "article", "file", "sentence",
                  "start", "end", "rule"],
}


def tables(graph: nx.MultiDiGraph, date_sources: dict[str, str] | None = None) -> dict[str, list[list]]:
    """The graph as flat tables (rows of the columns in ``TABLE_COLUMNS``); the tenures are
    ``kg.career_tables.spell_rows``, the spells that ``--to careers`` writes. ``date_sources``
    maps an article id to how its date was found (the ``date_from`` of the build's report.json,
    which graph.json does not carry)."""
    date_sources = date_sources or {}
    nodes = graph.nodes
    out: dict[str, list[list]] = {name: [] for name in TABLE_COLUMNS}
    spells = spell_rows(graph)
    tenure = {(r["person_id"], r["organisation_id"] or "", r["title"]): r for r in spells}
    for r in spells:
        out["tenures"].append([r["name"], r["person_id"], r["order"], r["title"], r["organisation"],
                               r["organisation_id"], r["post"], r["county"] or r["city"] or r["province"],
                               r["first_seen"], r["last_seen"], r["appointed"], r["removed"], r["observations"],
                               r["article"], r["file"], r["sentence"], r["sentence_start"], r["sentence_end"]])
    reporters: dict[str, list[str]] = defaultdict(list)
    for u, v, d in graph.edges(data=True):
        if d.get("kind") == "authored" and v in nodes:
            reporters[u].append(nodes[v].get("label"))
    for n, d in sorted(graph.nodes(data=True)):
        if d.get("kind") == "article":
            aid = (d.get("articles") or [n.removeprefix("article/")])[0]
            out["articles"].append([aid, d.get("file"), d.get("headline"), d.get("date") or None,
                                    date_sources.get(aid) or None, "|".join(sorted(reporters[n]))])
    for n, d in sorted(graph.nodes(data=True)):
        if d.get("kind") in ("article", "source"):
            continue
        jurisdiction = nodes[d["jurisdiction"]]["label"] if d.get("jurisdiction") in nodes else None
        parent = nodes[d["parent"]]["label"] if d.get("parent") in nodes else None
        out["entities"].append([n, str(iri(n)), d.get("kind"), d.get("label"), "|".join(d.get("aliases") or []),
                                d.get("mentions"), d.get("level"), d.get("adcode"), d.get("lat"), d.get("lon"),
                                d.get("organ"), parent, jurisdiction])
    for u, v, d in sorted(graph.edges(data=True), key=lambda e: (e[2].get("kind", ""), e[0], e[1])):
        kind = d.get("kind")
        if kind == "mentions":
            out["mentions"].append([d.get("article"), d.get("file"), v, nodes[v].get("kind"), nodes[v].get("label")])
            continue
        if kind == "in_file":
            continue
        if kind == "holds":
            org = nodes[v] if v in nodes else {}
            juris = nodes[org["jurisdiction"]]["label"] if org.get("jurisdiction") in nodes else None
            spell = tenure.get((u, v, post_title(d.get("title") or ""))) or {}
            article = nodes.get(f"article/{d.get('article')}") or {}
            out["posts"].append([nodes[u].get("label"), u, d.get("title"), org.get("label"), v, juris, d.get("article"),
                                 d.get("file"), d.get("sentence"), d.get("start"), d.get("end"),
                                 article.get("date") or None, spell.get("first_seen"), spell.get("last_seen"),
                                 spell.get("appointed"), spell.get("removed")])
        out["relations"].append([kind, u, nodes[u].get("label"), v, nodes[v].get("label") if v in nodes else None,
                                 d.get("label"), d.get("article"), d.get("file"), d.get("sentence"), d.get("start"),
                                 d.get("end"), d.get("rule")])
    return out


def write_tables_csv(graph: nx.MultiDiGraph, out: Path, safe_formulas: bool = False,
                     date_sources: dict[str, str] | None = None) -> list[Path]:
    """One CSV a table; ``safe_formulas`` as for ``write_neo4j``, ``date_sources`` as for ``tables``."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in tables(graph, date_sources).items():
        path = out / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv_writer(fh, safe_formulas)
            w.writerow(TABLE_COLUMNS[name])
            w.writerows(["" if v is None else v for v in row] for row in rows)
        written.append(path)
    return written


PARQUET_TYPES = {"mentions": "BIGINT", "lat": "DOUBLE", "lon": "DOUBLE", "start": "BIGINT", "end": "BIGINT",
                 "order": "BIGINT", "observations": "BIGINT", "first_seen": "DATE", "last_seen": "DATE",
                 "appointed": "DATE", "removed": "DATE"}


def write_tables_parquet(graph: nx.MultiDiGraph, out: Path, date_sources: dict[str, str] | None = None) -> list[Path]:
    """The same tables as Parquet, typed (written by DuckDB, which reads them back as well)."""
    import duckdb

    out.mkdir(parents=True, exist_ok=True)
    written = []
    con = duckdb.connect()
    for name, rows in tables(graph, date_sources).items():
        columns = TABLE_COLUMNS[name]
        typed = ", ".join(f"{quote_identifier(c)} {PARQUET_TYPES.get(c, 'VARCHAR')}" for c in columns)
        con.execute(f"CREATE TABLE {name} ({typed})")
        if rows:
            con.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' for _ in columns)})", rows)
        path = out / f"{name}.parquet"
        con.table(name).write_parquet(str(path))  # the path is an argument, never pasted into SQL
        written.append(path)
    con.close()
    return written


PANDAS_TYPES = {"BIGINT": "Int64", "DOUBLE": "float64", "DATE": "datetime64[us]", "VARCHAR": "str"}


def require_pandas():
    """pandas, or an ImportError that says how to get it (it is the optional extra ``kg[pandas]``:
    the command line never needs it)."""
    try:
        import pandas
    except ImportError:
        raise ImportError("kg's tables as DataFrames need pandas: pip install 'kg[pandas]'") from None
    return pandas


def frames(graph: nx.MultiDiGraph, date_sources: dict[str, str] | None = None) -> dict:
    """The tables of ``tables`` as pandas DataFrames, typed as the Parquet export types them:
    BIGINT columns as nullable ``Int64`` (an unknown count stays an integer column), DOUBLE as
    ``float64``, DATE as ``datetime64[us]``, the rest as ``str``; an unknown cell is missing."""
    pd = require_pandas()
    out = {}
    for name, rows in tables(graph, date_sources).items():
        df = pd.DataFrame(rows, columns=TABLE_COLUMNS[name], dtype=object)
        for column in df.columns:
            typ = PANDAS_TYPES[PARQUET_TYPES.get(column, "VARCHAR")]
            if typ.startswith("datetime"):
                df[column] = pd.to_datetime(df[column], format="%Y-%m-%d").astype(typ)
            else:
                df[column] = df[column].astype(typ)
        out[name] = df
    return out


def date_sources(report: dict) -> dict[str, str]:
    """How each article's date was found (``date_from``), from a build's report.json: graph.json
    does not carry it."""
    return {a["id"]: a.get("date_from") or "" for a in report.get("articles", [])}


def quote_identifier(name: str) -> str:
    """A column name quoted for SQL (DuckDB)."""
    return '"' + name.replace('"', '""') + '"'


FORMATS = {"neo4j": write_neo4j, "csv": write_tables_csv, "parquet": write_tables_parquet}
