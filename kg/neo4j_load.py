"""Load the files of ``kg export --to neo4j`` into a running graph database over Bolt.

``kg export --to neo4j`` copies this file into its output folder as ``load.py``: it needs Python 3
and the ``neo4j`` driver (``pip install neo4j``), not kg, so it can run wherever the CSVs are.

    python load.py --uri bolt://localhost:7687 --user neo4j      # password from $NEO4J_PASSWORD

By default the CSVs are read here and sent as parameters, in batches of ``UNWIND $rows AS row
CREATE …``: the server needs no access to the files, and the statements are ones that Neo4j 4.4
and 5.x, Memgraph and FalkorDB all run. ``--load-csv`` instead runs ``load.cypher`` statement by
statement, for a server that reads the CSVs from its own import folder. Use that for FalkorDB
(4.16): its Bolt server crashes on parameters of more than a few kB, and one article's text can
be more (``--max-bytes`` caps a batch, not a row).

The database must hold no kg nodes yet (nodes are created, not merged); the load stops before
writing anything when it does. Node ids are those of the CSVs' ``id:ID`` column, and every node
also carries the label ``Entity``, which is indexed on ``id`` so that relationships find their ends.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
from collections import defaultdict
from pathlib import Path

COMMON_LABEL = "Entity"
ARRAY_DELIMITER = ";"  # neo4j-admin's default
# Neo4j 4.4 and 5.x and FalkorDB take the first form; Memgraph only the second, which Neo4j 5 dropped.
INDEX_STATEMENTS = (f"CREATE INDEX FOR (n:`{COMMON_LABEL}`) ON (n.id)", f"CREATE INDEX ON :`{COMMON_LABEL}`(id)")

csv.field_size_limit(sys.maxsize)  # an article's text is one field


def quote(name: str) -> str:
    """A label, type or property name back-quoted, so that any name is safe in Cypher."""
    return "`" + name.replace("`", "``") + "`"


def _typed(value: str, typ: str):
    # Empty cells are missing values: a property set to null is not stored.
    if typ == "string[]":
        return value.split(ARRAY_DELIMITER) if value else []
    if value == "":
        return None
    if typ == "int":
        return int(value)
    if typ == "float":
        return float(value)
    return value


def _read(path: Path):
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = [field.partition(":") for field in next(reader)]
        for cells in reader:
            yield {(name, typ): cell for (name, _, typ), cell in zip(header, cells, strict=True)}


def node_rows(path: Path) -> dict[tuple[str, ...], list[dict]]:
    """A ``nodes_*.csv`` file's rows as property maps, grouped by their labels."""
    groups: dict[tuple[str, ...], list[dict]] = defaultdict(list)
    for row in _read(path):
        props = {}
        for (name, typ), cell in row.items():
            if typ == "LABEL":
                continue
            value = cell if typ == "ID" else _typed(cell, typ)
            if value is not None:
                props["id" if typ == "ID" else name] = value
        groups[tuple(row[("", "LABEL")].split(ARRAY_DELIMITER))].append(props)
    return groups


def relationship_rows(path: Path) -> dict[str, list[dict]]:
    """A ``rels_*.csv`` file's rows as ``{start, end, props}``, grouped by type."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in _read(path):
        props = {name: v for (name, typ), cell in row.items() if name
                 for v in [_typed(cell, typ)] if v is not None}
        groups[row[("", "TYPE")]].append({"start": row[("", "START_ID")], "end": row[("", "END_ID")], "props": props})
    return groups


def node_statement(labels: tuple[str, ...]) -> str:
    return f"UNWIND $rows AS row CREATE (n:{':'.join(quote(x) for x in labels)}) SET n = row"


def relationship_statement(typ: str) -> str:
    e = quote(COMMON_LABEL)
    return (f"UNWIND $rows AS row MATCH (a:{e} {{id: row.start}}), (b:{e} {{id: row.end}}) "
            f"CREATE (a)-[r:{quote(typ)}]->(b) SET r = row.props")


def cypher_statements(text: str) -> list[str]:
    """The statements of ``load.cypher``: each ends with ``;`` at the end of a line (a ``;`` inside
    a statement, as in ``split(x, ';')``, never does); ``//`` lines are comments."""
    statements, current = [], []
    for line in text.splitlines():
        if line.lstrip().startswith("//") or not line.strip():
            continue
        current.append(line)
        if line.rstrip().endswith(";"):
            statements.append("\n".join(current).rstrip()[:-1])
            current = []
    if current:
        statements.append("\n".join(current))
    return statements


class Loader:
    def __init__(self, driver, database: str | None = None, batch: int = 1000, max_bytes: int | None = None,
                 say=print):
        self.driver, self.batch, self.max_bytes, self.say = driver, batch, max_bytes, say
        self.options = {"database_": database} if database else {}

    def run(self, statement: str, **params):
        return self.driver.execute_query(statement, params, **self.options)

    def kg_nodes(self) -> int:
        records, _, _ = self.run(f"MATCH (n:{quote(COMMON_LABEL)}) RETURN count(n) AS n")
        return records[0]["n"]

    def index(self) -> None:
        from neo4j.exceptions import Neo4jError

        for statement in INDEX_STATEMENTS:
            try:
                self.run(statement)
                return
            except Neo4jError:
                continue
        self.say(f"note: no index on {COMMON_LABEL}.id could be made (one may exist already); loading without")

    def split(self, rows: list[dict]):
        """``rows`` in batches of at most ``batch`` rows and, when ``max_bytes`` is set, at most that
        many bytes of rows (as UTF-8 JSON; a longer row goes alone)."""
        current, size = [], 0
        for row in rows:
            length = len(json.dumps(row, ensure_ascii=False).encode()) if self.max_bytes else 0
            if current and (len(current) == self.batch or (self.max_bytes and size + length > self.max_bytes)):
                yield current
                current, size = [], 0
            current.append(row)
            size += length
        if current:
            yield current

    def batches(self, statement: str, rows: list[dict]) -> tuple[int, int]:
        nodes = relationships = 0
        for batch in self.split(rows):
            counters = self.run(statement, rows=batch).summary.counters
            nodes += counters.nodes_created
            relationships += counters.relationships_created
        return nodes, relationships

    def load_rows(self, folder: Path) -> tuple[int, int]:
        """Every CSV of ``folder`` sent in batches; (nodes, relationships) created."""
        self.index()
        nodes = relationships = 0
        for path in sorted(folder.glob("nodes_*.csv")):
            for labels, rows in node_rows(path).items():
                nodes += self.batches(node_statement(labels), rows)[0]
        for path in sorted(folder.glob("rels_*.csv")):
            for typ, rows in relationship_rows(path).items():
                made = self.batches(relationship_statement(typ), rows)[1]
                if made != len(rows):
                    raise SystemExit(f"{path.name}: {made} of {len(rows)} relationships made; "
                                     "an end node is missing (were all nodes_*.csv loaded?)")
                relationships += made
        return nodes, relationships

    def load_csv(self, script: Path) -> tuple[int, int]:
        """``load.cypher`` run statement by statement (the server reads the CSVs)."""
        nodes = relationships = 0
        for statement in cypher_statements(script.read_text(encoding="utf-8")):
            counters = self.run(statement).summary.counters
            nodes += counters.nodes_created
            relationships += counters.relationships_created
        return nodes, relationships


def expected(folder: Path) -> tuple[int, int]:
    def count(path: Path) -> int:
        return sum(1 for _ in _read(path))

    return (sum(count(p) for p in folder.glob("nodes_*.csv")), sum(count(p) for p in folder.glob("rels_*.csv")))


def main(argv: list[str] | None = None) -> int:
    here = Path(__file__).resolve().parent
    p = argparse.ArgumentParser(prog="load.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--uri", default="bolt://localhost:7687")
    p.add_argument("--user", default="neo4j")
    p.add_argument("--password", default=os.environ.get("NEO4J_PASSWORD", ""),
                   help="default: $NEO4J_PASSWORD (so that it is not on the command line)")
    p.add_argument("--database", help="the database to load into (default: the server's default)")
    p.add_argument("--folder", type=Path, default=here, help="the export's folder (default: this file's)")
    p.add_argument("--batch", type=int, default=1000, help="rows a transaction (default 1000)")
    p.add_argument("--max-bytes", type=int, help="also at most this many bytes of rows a transaction")
    p.add_argument("--load-csv", action="store_true",
                   help="run load.cypher instead: the server reads the CSVs from its import folder")
    args = p.parse_args(argv)
    if not re.match(r"^[a-z+]+://", args.uri):
        p.error(f"--uri {args.uri!r}: expected bolt://HOST:PORT or neo4j://HOST:PORT")
    from neo4j import GraphDatabase

    with GraphDatabase.driver(args.uri, auth=(args.user, args.password)) as driver:
        loader = Loader(driver, args.database, args.batch, args.max_bytes)
        if (present := loader.kg_nodes()):
            print(f"load.py: the database already holds {present} {COMMON_LABEL} nodes; load into an empty one, "
                  f"or delete them first: MATCH (n:{COMMON_LABEL}) DETACH DELETE n", file=sys.stderr)
            return 1
        made = loader.load_csv(args.folder / "load.cypher") if args.load_csv else loader.load_rows(args.folder)
    want = expected(args.folder)
    print(f"created {made[0]} nodes and {made[1]} relationships (the CSVs hold {want[0]} and {want[1]})")
    return 0 if made == want else 1


if __name__ == "__main__":
    sys.exit(main())
