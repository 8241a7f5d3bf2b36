"""Export: a ready Kùzu database of a build's graph (``kg export DIR --to kuzu -o OUT``).

One node table a node kind and one relationship table a relationship type (a table of several
``FROM … TO …`` pairs where a type joins several kinds), with the properties of the Neo4j
export (``kg.graphdb``) and arrays as real ``STRING[]`` lists. The rows travel through Parquet
written by DuckDB rather than through the Neo4j CSVs: Parquet carries lists and line breaks in
text as they are, so none of the CSV loader's options (``PARALLEL=false``, array delimiters, a
``:TYPE`` column) are needed.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import defaultdict
from pathlib import Path

import networkx as nx

from .export import iri
from .graphdb import EDGE_PROPERTIES, LABELS, node_columns, quote_identifier, rel_type

KUZU_TYPES = {"": "STRING", "int": "INT64", "float": "DOUBLE", "string[]": "STRING[]"}
DUCKDB_TYPES = {"": "VARCHAR", "int": "BIGINT", "float": "DOUBLE", "string[]": "VARCHAR[]"}


def _cell(value, typ: str):
    if value is None or value == "":
        return None if typ else value
    if typ == "string[]":
        return [str(v) for v in (value if isinstance(value, list | tuple | set) else [value])]
    if typ == "int":
        return int(value)
    if typ == "float":
        return float(value)
    return str(value)


def _parquet(con, path: Path, columns: list[tuple[str, str]], rows: list[list]) -> None:
    con.execute("DROP TABLE IF EXISTS t")
    con.execute(f"CREATE TABLE t ({', '.join(f'{quote_identifier(c)} {DUCKDB_TYPES[t]}' for c, t in columns)})")
    if rows:
        con.executemany(f"INSERT INTO t VALUES ({', '.join('?' for _ in columns)})", rows)
    con.table("t").write_parquet(str(path))


def _label(graph: nx.MultiDiGraph, node: str) -> str:
    kind = graph.nodes[node].get("kind", "unknown")
    return LABELS.get(kind, kind.title())


def write_kuzu(graph: nx.MultiDiGraph, out: Path) -> list[Path]:
    """The database at ``out`` (Kùzu keeps it in one file; ``out`` must not exist yet, or be an
    empty folder), loaded with Kùzu's ``COPY``."""
    import duckdb
    import kuzu

    if out.is_file() or (out.is_dir() and any(out.iterdir())):
        raise FileExistsError(f"{out} exists and is not empty; Kùzu writes a new database")
    if out.exists():
        out.rmdir()  # Kùzu creates the database file itself
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="kg-kuzu-"))
    try:
        duck = duckdb.connect()
        db = kuzu.Database(str(out))
        con = kuzu.Connection(db)
        by_label: dict[str, list[str]] = defaultdict(list)
        for n in graph.nodes:
            by_label[_label(graph, n)].append(n)
        for label, nodes in sorted(by_label.items()):
            columns = [("id", "")] + node_columns(graph.nodes[nodes[0]].get("kind", ""))
            rows = [[n] + [_cell({**graph.nodes[n], "iri": str(iri(n))}.get(c), t) for c, t in columns[1:]]
                    for n in sorted(nodes)]
            path = staging / f"{label}.parquet"
            _parquet(duck, path, columns, rows)
            props = ", ".join(f"`{c}` {KUZU_TYPES[t]}" for c, t in columns[1:])
            con.execute(f"CREATE NODE TABLE `{label}`(id STRING PRIMARY KEY, {props})")
            con.execute(f"COPY `{label}` FROM '{path}'")
        groups: dict[str, dict[tuple[str, str], list[list]]] = defaultdict(lambda: defaultdict(list))
        for u, v, d in graph.edges(data=True):
            groups[rel_type(d.get("kind", "related"))][(_label(graph, u), _label(graph, v))].append(
                [u, v] + [_cell(d.get(c), t) for c, t in EDGE_PROPERTIES])
        columns = [("from", ""), ("to", "")] + EDGE_PROPERTIES
        for typ, pairs in sorted(groups.items()):
            ends = ", ".join(f"FROM `{a}` TO `{b}`" for a, b in sorted(pairs))
            props = ", ".join(f"`{c}` {KUZU_TYPES[t]}" for c, t in EDGE_PROPERTIES)
            con.execute(f"CREATE REL TABLE `{typ}`({ends}, {props})")
            for (a, b), rows in sorted(pairs.items()):
                path = staging / f"{typ}_{a}_{b}.parquet"
                _parquet(duck, path, columns, sorted(rows, key=lambda r: (r[0], r[1], str(r[5]))))
                # a table of several pairs is told which pair each file fills
                which = f" (from='{a}', to='{b}')" if len(pairs) > 1 else ""
                con.execute(f"COPY `{typ}` FROM '{path}'{which}")
        con.close()
        db.close()
        duck.close()
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [out]
