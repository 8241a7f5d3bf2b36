"""SPARQL over a build: load its RDF, run a query, format the answer."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.query import Result

from .vocab import KG, ORG, PROV, SDO, SKOS

PREFIXES = {"schema": SDO, "org": ORG, "prov": PROV, "skos": SKOS, "kg": KG}


class QueryError(Exception):
    pass


def load_graph(target: Path) -> Dataset:
    """A build folder (its ``graph.trig``, else ``graph.ttl``) or any RDF file rdflib reads."""
    if target.is_dir():
        for name in ("graph.trig", "graph.ttl", "graph.jsonld"):
            if (target / name).exists():
                target = target / name
                break
        else:
            raise QueryError(f"{target}: no graph.trig, graph.ttl or graph.jsonld (run `kg build` first)")
    if not target.exists():
        raise QueryError(f"{target}: no such file or folder")
    ds = Dataset(default_union=True)
    try:
        ds.parse(target)
    except Exception as err:
        raise QueryError(f"{target}: cannot be read as RDF: {err}") from err
    return ds


def run_query(graph: Graph, text: str) -> Result:
    try:
        return graph.query(text, initNs=PREFIXES)
    except Exception as err:
        raise QueryError(f"the query failed: {err}") from err


def _cell(value) -> str:
    return "" if value is None else str(value)


def format_result(result: Result, fmt: str = "table") -> str:
    if result.type == "ASK":
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": bool(result.askAnswer)}) + "\n"
        return ("true" if result.askAnswer else "false") + "\n"
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        g = result.graph
        return g.serialize(format="json-ld" if fmt == "json" else "turtle")
    if fmt == "json":
        return result.serialize(format="json").decode("utf-8") + "\n"
    names = [str(v) for v in result.vars]
    rows = [[_cell(row[i]) for i in range(len(names))] for row in result]
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        w = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        w.writerow(names)
        w.writerows(rows)
        return buf.getvalue()
    return _table(names, rows)


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _table(names: list[str], rows: list[list[str]]) -> str:
    widths = [max([_width(n)] + [_width(r[i]) for r in rows]) for i, n in enumerate(names)]

    def line(cells):
        return " | ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [line(names), "-+-".join("-" * w for w in widths)] + [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"
