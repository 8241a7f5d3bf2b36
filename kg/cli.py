"""The ``kg`` command: a thin layer over the stages.

    kg build [PATH ...] [-o DIR] [--explain]  pages or folders of pages → DIR (default output/)
    kg query DIR|FILE 'SPARQL' [--format table|csv|tsv|json]
    kg query DIR --file q.rq
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__

EXIT_OK, EXIT_SKIPPED, EXIT_USAGE = 0, 3, 2


def _default_inputs() -> list[str]:
    return ["seeds"]


def cmd_build(args: argparse.Namespace) -> int:
    from .build import build, summary

    out = Path(args.output)
    paths = args.paths or _default_inputs()
    result = build(paths, out, html=not args.no_html, explain=args.explain)
    if not args.quiet:
        print(summary(result, out))
    if not result.corpus.sources:
        print("kg: no readable page in " + ", ".join(paths), file=sys.stderr)
        return EXIT_SKIPPED
    return EXIT_SKIPPED if result.corpus.problems else EXIT_OK


def cmd_query(args: argparse.Namespace) -> int:
    from .query import QueryError, format_result, load_graph, run_query

    if args.file:
        text = Path(args.file).read_text(encoding="utf-8")
    elif args.sparql:
        text = args.sparql
    else:
        print("kg query: give a SPARQL query or --file", file=sys.stderr)
        return EXIT_USAGE
    try:
        graph = load_graph(Path(args.target))
        result = run_query(graph, text)
    except QueryError as err:
        print(f"kg query: {err}", file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(format_result(result, args.format))
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kg", description="Knowledge graphs from Chinese local-government news pages.")
    p.add_argument("--version", action="version", version=f"kg {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build the graph and its exports from pages (.txt files or folders)")
    b.add_argument("paths", nargs="*", help="files or folders (default: seeds/)")
    b.add_argument("-o", "--output", default="output", help="output folder (default: output/)")
    b.add_argument("--no-html", action="store_true", help="skip graph.html")
    b.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    b.add_argument("--explain", action="store_true",
                   help="also write explain.jsonl: the component, rule and sentence behind every entity and fact")
    b.set_defaults(func=cmd_build)

    q = sub.add_parser("query", help="run SPARQL over a build folder or an RDF file")
    q.add_argument("target", help="a build folder (its graph.trig or graph.ttl is read) or an RDF file")
    q.add_argument("sparql", nargs="?", help="the query text (SELECT, ASK, CONSTRUCT, DESCRIBE)")
    q.add_argument("--file", help="read the query from this file")
    q.add_argument("--format", choices=["table", "csv", "tsv", "json"], default="table")
    q.set_defaults(func=cmd_query)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
