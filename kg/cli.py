"""The ``kg`` command: a thin layer over the stages.

    kg build [PATH ...] [-o DIR] [--explain]  pages or folders of pages → DIR (default output/)
    kg query DIR|FILE 'SPARQL' [--format table|csv|tsv|json]
    kg query DIR --file q.rq
    kg query DIR --named officials-by-district [--param district=烈山区]; kg query --list
    kg explain DIR NODE                    why NODE is in DIR's graph (build with --explain)
    kg serve DIR [--port N] [--token-file F] SPARQL 1.1 Protocol endpoint at http://127.0.0.1:N/sparql
    kg view DIR --focus NAME --hops 2 -o F one official's world as an HTML network
    kg view DIR --career NAME -o F         one person's posts on a time axis, with evidence
    kg validate DIR                        SHACL validation of DIR's RDF (pySHACL)
    kg export DIR --to neo4j|gexf|csv|parquet|kuzu|careers -o OUT   files for graph databases and tables
    kg export DIR --to ftm|quickstatements [--wikidata MAP.tsv] -o OUT   FollowTheMoney, Wikidata P39
    kg review DIR [-o review.tsv]      same-person links to decide on; then kg build --merges review.tsv
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import warnings
from pathlib import Path

from . import __version__

# Exit statuses, one table of them in README ("Exit statuses"): scripts tell "rebuild" (6) from
# "the disk is full" (5) from "some pages were skipped" (3).
EXIT_OK = 0
EXIT_INVALID = 1  # kg validate: the RDF breaks kg's SHACL shapes
EXIT_USAGE = 2  # bad arguments, a missing build or file, a query that fails
EXIT_SKIPPED = 3  # kg build: some input was skipped (or any warning, with --strict)
EXIT_EXECUTOR = 4  # kg build: the Dask cluster cannot be reached or runs another kg
EXIT_OUTPUT = 5  # the outputs cannot be written: a folder that cannot be made or written, a full disk
EXIT_DAMAGED = 6  # a build folder mixes two builds or a file of it is damaged (cut off, not JSON/RDF)


def _default_inputs() -> list[str]:
    return ["seeds"]


def cmd_build(args: argparse.Namespace) -> int:
    from .build import build, printable, summary
    from .executors import ExecutorError, make_executor
    from .extract import load_pipeline
    from .progress import wanted
    from .publish import OutputError

    out = Path(args.output)
    paths = args.paths or _default_inputs()
    if args.jurisdiction:
        from .resolve import hint_places

        if not hint_places(args.jurisdiction):
            print(f"kg build: --jurisdiction {args.jurisdiction!r} names no division kg can place "
                  "(unknown, or a name several divisions share: add its city, e.g. 福州市鼓楼区)", file=sys.stderr)
            return EXIT_USAGE
    if args.date and not _is_date(args.date):
        print(f"kg build: --date {args.date!r}: write a real date as YYYY-MM-DD, or a year YYYY", file=sys.stderr)
        return EXIT_USAGE
    if args.merges and not Path(args.merges).is_file():
        print(f"kg build: --merges {printable(args.merges)}: no such file", file=sys.stderr)
        return EXIT_USAGE
    cache_dir = None if args.no_cache else Path(args.cache) if args.cache else out / ".cache"
    if args.scheduler and args.executor != "dask":
        print("kg build: --scheduler is for --executor dask", file=sys.stderr)
        return EXIT_USAGE
    jobs = args.jobs or os.cpu_count() or 1
    try:
        result = build(paths, out, html=not args.no_html, explain=args.explain, jurisdiction=args.jurisdiction,
                       max_bytes=args.max_bytes, jobs=jobs, cache_dir=cache_dir,
                       progress=wanted(args.quiet), date=args.date,
                       executor=make_executor(args.executor, jobs, args.scheduler, warm=load_pipeline),
                       if_changed=not args.no_cache, merges=Path(args.merges) if args.merges else None,
                       title=args.title)
    except ExecutorError as err:
        print(f"kg build: {err}", file=sys.stderr)
        return EXIT_EXECUTOR
    except OutputError as err:
        print(f"kg build: {printable(str(err))}", file=sys.stderr)
        return EXIT_OUTPUT
    if not args.quiet:
        print(summary(result, out))
    if not result.corpus.sources:
        print("kg: no readable page in " + ", ".join(printable(str(p)) for p in paths), file=sys.stderr)
        return EXIT_SKIPPED
    problems = result.corpus.problems
    if any(p.skipped for p in problems) or args.strict and problems:
        return EXIT_SKIPPED
    return EXIT_OK


def _is_date(text: str) -> bool:
    from .read import real_date

    return bool(re.fullmatch(r"\d{4}", text)) or bool(re.fullmatch(r"\d{4}-\d\d-\d\d", text)) and real_date(text)


def cmd_query(args: argparse.Namespace) -> int:
    import time

    from .publish import BuildError
    from .query import QueryError, format_result, named_queries, open_build, parse_params, query_build, refuse_service

    if args.list:
        for q in named_queries().values():
            params = f"  [--param {' '.join(p + '=…' for p in q.params)}]" if q.params else ""
            print(f"{q.name:24} {q.description}{params}")
        return EXIT_OK
    if args.target is None:
        print("kg query: give a build folder or RDF file (or --list)", file=sys.stderr)
        return EXIT_USAGE
    if args.named:
        known = named_queries()
        if args.named not in known:
            print(f"kg query: no named query {args.named!r}; `kg query --list` shows them", file=sys.stderr)
            return EXIT_USAGE
        text = known[args.named].text
        unknown = [p.split("=", 1)[0] for p in args.param if p.split("=", 1)[0] not in known[args.named].params]
        if unknown:
            print(f"kg query: {args.named} takes no parameter {', '.join(unknown)} "
                  f"(it takes: {', '.join(known[args.named].params) or 'none'})", file=sys.stderr)
            return EXIT_USAGE
    elif args.file:
        try:
            text = Path(args.file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            why = "not UTF-8 text" if isinstance(err, UnicodeDecodeError) else err.strerror or str(err)
            print(f"kg query: --file {args.file}: {why}", file=sys.stderr)
            return EXIT_USAGE
    elif args.sparql:
        text = args.sparql
    else:
        print("kg query: give a SPARQL query, --file or --named", file=sys.stderr)
        return EXIT_USAGE
    try:
        # kg's own named queries call no SERVICE (tests/test_query.py checks each), so they skip
        # the check and the SPARQL grammar it loads (0.2 s of a query's start-up)
        trusted = args.allow_service or bool(args.named)
        if not trusted:
            refuse_service(text)  # before a load that takes seconds on a large build
        started = time.perf_counter()
        build = open_build(Path(args.target))
        loaded = time.perf_counter()
        answer = query_build(build, text, parse_params(args.param), allow_service=trusted)
        answered = time.perf_counter()
    except BuildError as err:
        print(f"kg query: {err}", file=sys.stderr)
        return EXIT_DAMAGED
    except QueryError as err:
        print(f"kg query: {err}", file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(format_result(answer, args.format))
    if args.timing:  # on stderr, so that the answer on stdout stays a clean table, CSV or JSON
        size = f"{len(answer.rows):,} rows" if answer.kind == "SELECT" else (
            f"{len(answer.triples):,} triples" if answer.kind == "CONSTRUCT" else "ASK")
        source = {"index": "index opened", "new index": "index made"}.get(build.how, f"in memory: {build.note}")
        print(f"kg query: load {loaded - started:.2f} s ({source}), query {answered - loaded:.2f} s "
              f"({size}), output {time.perf_counter() - answered:.2f} s", file=sys.stderr)
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    from .explain import ExplainError, describe, find, load
    from .publish import BuildError

    try:
        records = load(Path(args.target))
    except BuildError as err:
        print(f"kg explain: {err}", file=sys.stderr)
        return EXIT_DAMAGED
    except ExplainError as err:
        print(f"kg explain: {err}", file=sys.stderr)
        return EXIT_USAGE
    found = find(records, args.node)
    if not found:
        print(f"kg explain: no node with key, IRI or name {args.node!r} in {args.target}", file=sys.stderr)
        return EXIT_USAGE
    print("\n\n".join(describe(records, e) for e in found))
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from .linked import load_build
    from .publish import BuildError
    from .query import QueryError
    from .serve import is_loopback, make_server

    token = os.environ.get("KG_SERVE_TOKEN") or None
    if args.token_file:
        try:
            token = Path(args.token_file).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as err:
            print(f"kg serve: {args.token_file}: cannot read the token: {getattr(err, 'strerror', None) or err}",
                  file=sys.stderr)
            return EXIT_USAGE
        if not token:
            print(f"kg serve: {args.token_file}: the token file is empty", file=sys.stderr)
            return EXIT_USAGE
    try:
        # in memory, not from kg query's on-disk index: the server loads once and then answers
        # every query 2-5x faster from memory, and its forked workers close every inherited file
        store = load_build(Path(args.target))  # with its ontology.ttl, which /ns serves
        server = make_server(store, args.host, args.port, cors=args.cors, token=token, timeout=args.timeout,
                             max_queries=args.max_queries, allow_hosts=args.allow_host,
                             title=Path(args.target).resolve().name)
    except BuildError as err:
        print(f"kg serve: {err}", file=sys.stderr)
        return EXIT_DAMAGED
    except QueryError as err:
        print(f"kg serve: {err}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as err:
        print(f"kg serve: cannot listen on {args.host}:{args.port}: {err.strerror or err}", file=sys.stderr)
        return EXIT_USAGE
    if not is_loopback(args.host):
        print(f"kg serve: warning: listening on {args.host}, so other machines can reach it; "
              + ("the token travels unencrypted (no TLS): put a reverse proxy with HTTPS in front"
                 if token else "there is no authentication (give --token-file, or a reverse proxy)"),
              file=sys.stderr, flush=True)
    host, port = server.server_address[:2]
    host = f"[{host}]" if ":" in host else host
    print(f"SPARQL endpoint: http://{host}:{port}/sparql  ({len(store)} statements; Ctrl-C stops it)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return EXIT_OK


REVIEW_COLUMNS = ["decision", "a", "b", "note", "name", "status", "score", "reasons", "evidence_a", "evidence_b"]


def cmd_review(args: argparse.Namespace) -> int:
    """The same-person links of a build as a table to decide on: merge or keep apart."""
    import csv

    from .publish import OutputError, probe, reason

    out = Path(args.output)
    try:
        probe(out.parent if str(out.parent) else Path("."))
    except OutputError as err:
        print(f"kg review: {err}", file=sys.stderr)
        return EXIT_OUTPUT
    graph, status = _build_graph_json(args.target, "review")
    if graph is None:
        return status
    links = graph.graph.get("links", [])

    def shown(ev: dict | None) -> str:
        return f"{ev['file']}@{ev['start']}-{ev['end']}: {ev['sentence']}" if ev else ""

    prefilled = {"merged by decision": "merge", "kept apart by decision": "apart"}
    try:
        with out.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, delimiter="\t", lineterminator="\n")
            fh.write("# kg review: write merge or apart in the first column (a merged row: apart splits it), "
                     "then build with --merges THIS_FILE\n")
            w.writerow(REVIEW_COLUMNS)
            for link in links:
                ev = link.get("evidence") or []
                w.writerow([prefilled.get(link["status"], ""), link["a"], link["b"], link.get("note", ""), link["name"],
                            link["status"], f"{link['score']:.2f}", "; ".join(link["reasons"]),
                            shown(ev[0] if ev else None), shown(ev[1] if len(ev) > 1 else None)])
    except OSError as err:
        print(f"kg review: {out}: cannot write: {reason(err)}", file=sys.stderr)
        return EXIT_OUTPUT
    counts = {k: sum(1 for x in links if x["status"] == k) for k in dict.fromkeys(x["status"] for x in links)}
    print(f"wrote {out}: {len(links)} link{'s' if len(links) != 1 else ''}"
          + (" (" + ", ".join(f"{v} {k}" for k, v in counts.items()) + ")" if counts else ""))
    return EXIT_OK


def cmd_view(args: argparse.Namespace) -> int:
    from .render import focus, jurisdictions, people_named, render_html

    graph, status = _build_graph_json(args.target, "view")
    if graph is None:
        return status
    corpus, career = args.title or _corpus_title(args.target), None
    title = f"kg: {corpus}"
    if args.career:
        hits = people_named(graph, args.career)
        if not hits:
            print(f"kg view: no person named {args.career!r} in {args.target}", file=sys.stderr)
            return EXIT_USAGE
        if len(hits) > 1:
            listed = "; ".join(f"{k} ({'、'.join(jurisdictions(graph, k)) or 'no jurisdiction'})" for k in hits)
            print(f"kg view: {args.career!r} names {len(hits)} people in {args.target}: {listed}; "
                  "give one key to --career", file=sys.stderr)
            return EXIT_USAGE
        career = hits[0]
        spells = sum(1 for s in graph.graph.get("spells", []) if s["person"] == career)
        name = graph.nodes[career].get("label") or career
        graph = focus(graph, career, args.hops)
        title = f"kg: {corpus} · {name} 的履历（{spells} 项任职）"
    elif args.focus:
        try:
            graph = focus(graph, args.focus, args.hops)
        except KeyError:
            print(f"kg view: no node named {args.focus!r} in {args.target}", file=sys.stderr)
            return EXIT_USAGE
        title = f"kg: {corpus} · {args.focus}（{args.hops} 跳）"
    out = Path(args.output)
    try:
        render_html(graph, out, title=title, career=career)
    except OSError as err:
        print(f"kg view: {out}: cannot write: {err.strerror or err}", file=sys.stderr)
        return EXIT_OUTPUT
    about = f"{career}, {spells} spell{'s' if spells != 1 else ''}; " if career else ""
    print(f"wrote {out}: {about}{graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges")
    return EXIT_OK


def _corpus_title(target: str) -> str:
    """The corpus's name the build took (report.json), else the build folder's name."""
    try:
        return str(json.loads((Path(target) / "report.json").read_text(encoding="utf-8"))["title"])
    except (OSError, ValueError, KeyError, TypeError):  # a bare graph.json, or a build older than titles
        return Path(target).resolve().name


def _date_sources(target: str) -> dict[str, str]:
    """How each article's date was found, from the build's report.json (graph.json lacks it);
    empty when the target is a bare graph.json."""
    report = Path(target) / "report.json"
    if not report.is_file():
        return {}
    from .graphdb import date_sources

    return date_sources(json.loads(report.read_text(encoding="utf-8")))


def _build_graph_json(target: str, command: str):
    """The networkx graph a build wrote (its graph.json) and EXIT_OK, or None and the exit status
    after saying why not."""
    from .export import read_node_link
    from .publish import BuildError, check

    try:
        if Path(target).is_dir():
            check(Path(target), "graph.json")
        source = Path(target) / "graph.json" if Path(target).is_dir() else Path(target)
        if not source.is_file():
            print(f"kg {command}: {source}: no such file (run `kg build` first)", file=sys.stderr)
            return None, EXIT_USAGE
        return read_node_link(source), EXIT_OK
    except BuildError as err:
        print(f"kg {command}: {err}", file=sys.stderr)
        return None, EXIT_DAMAGED


def _export_careers_standard(args: argparse.Namespace, graph, out: Path, wikidata: dict[str, str]) -> list[Path]:
    from . import careers_standards as cs

    if args.to == "ftm":
        return cs.write_ftm(graph, out, wikidata)
    target = Path(args.target)
    written = cs.write_quickstatements(graph, out, wikidata, retrieved=cs.build_date(target) if target.is_dir() else None,
                                       source=target.name or str(target))
    stray = cs.unknown_keys(graph, wikidata)
    if stray:
        print(f"kg export: note: {len(stray)} key{'s' if len(stray) != 1 else ''} of --wikidata name nothing in "
              f"{args.target} (e.g. {stray[0]})", file=sys.stderr)
    return written


def cmd_export(args: argparse.Namespace) -> int:
    from . import graphdb
    from .publish import BuildError, OutputError, probe, reason

    out = Path(args.output)
    try:
        probe(out)  # before graph.json is read: a bad -o is found in a second, not after the load
    except OutputError as err:
        print(f"kg export: {err}", file=sys.stderr)
        return EXIT_OUTPUT
    wikidata: dict[str, str] = {}
    if args.wikidata:
        from .careers_standards import WikidataMapError, read_wikidata_map

        try:
            wikidata = read_wikidata_map(Path(args.wikidata))
        except WikidataMapError as err:
            print(f"kg export: --wikidata {err}", file=sys.stderr)
            return EXIT_USAGE
    graph, status = _build_graph_json(args.target, "export")
    if graph is None:
        return status
    try:
        if args.to == "gexf":
            written = graphdb.write_gexf(graph, out / "graph.gexf")
        elif args.to == "careers":
            from .career_tables import write_careers

            written = write_careers(graph, out, safe_formulas=args.safe_formulas)
        elif args.to == "csv":
            written = graphdb.write_tables_csv(graph, out, safe_formulas=args.safe_formulas,
                                               date_sources=_date_sources(args.target))
        elif args.to == "parquet":
            written = graphdb.write_tables_parquet(graph, out, date_sources=_date_sources(args.target))
        elif args.to == "neo4j":
            written = graphdb.write_neo4j(graph, out, safe_formulas=args.safe_formulas)
        elif args.to in ("ftm", "quickstatements"):
            written = _export_careers_standard(args, graph, out, wikidata)
        elif args.to == "kuzu":
            try:
                import kuzu  # noqa: F401  (an optional extra)

                from .kuzu_db import write_kuzu
            except ImportError:
                print("kg export: --to kuzu needs the kuzu package: pip install 'kg[kuzu]'", file=sys.stderr)
                return EXIT_USAGE
            written = write_kuzu(graph, out)
        else:
            written = graphdb.FORMATS[args.to](graph, out)
    except OSError as err:
        print(f"kg export: {out}: cannot write: {reason(err)}", file=sys.stderr)
        return EXIT_OUTPUT
    except BuildError as err:  # spells that are not what kg writes
        print(f"kg export: {args.target}: {err}", file=sys.stderr)
        return EXIT_DAMAGED
    print(f"wrote {len(written)} file{'s' if len(written) != 1 else ''} to {out}: " + ", ".join(p.name for p in written))
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from .progress import Stages, wanted
    from .publish import BuildError
    from .validate import STAGES, ValidationError, format_violations, validate

    try:
        with Stages("kg validate", list(STAGES), wanted()) as stages:
            result = validate(Path(args.target), stages.start)
    except BuildError as err:
        print(f"kg validate: {err}", file=sys.stderr)
        return EXIT_DAMAGED
    except ValidationError as err:
        print(f"kg validate: {err}", file=sys.stderr)
        return EXIT_USAGE
    if result.conforms:
        print(f"{args.target}: conforms to kg's SHACL shapes")
        return EXIT_OK
    print(format_violations(result))
    print(f"{args.target}: {len(result.violations)} violation{'s' if len(result.violations) != 1 else ''}",
          file=sys.stderr)
    return EXIT_INVALID


def _count(least: int):
    """An argparse type: a whole number no smaller than ``least`` (``-j -3`` is a usage error)."""
    def count(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < least:
            raise argparse.ArgumentTypeError(f"must be {least} or more, not {value}")
        return value
    return count


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value < 1e6:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number of seconds")
    return value


def _port(text: str) -> int:
    value = _count(0)(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port (0–65535)")
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kg", description="Knowledge graphs from Chinese local-government news pages.")
    p.add_argument("--version", action="version", version=f"kg {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build the graph and its exports from pages (.txt files or folders)")
    b.add_argument("paths", nargs="*", help="files or folders (default: seeds/)")
    b.add_argument("-o", "--output", default="output", help="output folder (default: output/)")
    b.add_argument("--no-html", action="store_true", help="skip graph.html")
    b.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    b.add_argument("--jurisdiction", metavar="PLACE",
                   help="where the pages are from when their reports do not say, e.g. 淮北市烈山区 "
                        "(a kg.toml with jurisdiction = \"...\" in a folder says it for that folder)")
    b.add_argument("-j", "--jobs", type=_count(0), default=0, metavar="N",
                   help="extract in N processes (default: all cores); the output is the same as with 1")
    b.add_argument("--executor", choices=("local", "dask"), default="local",
                   help="where pages are extracted: local processes (default) or a Dask cluster")
    b.add_argument("--scheduler", metavar="ADDRESS",
                   help="the Dask scheduler, e.g. tcp://10.0.0.5:8786 (default with --executor dask: "
                        "a local cluster of -j workers)")
    b.add_argument("--cache", metavar="DIR", help="where to keep per-page results for rebuilds (default DIR/.cache)")
    b.add_argument("--no-cache", action="store_true", help="redo every page, and build even when nothing changed")
    b.add_argument("--merges", metavar="FILE",
                   help="reviewed decisions (merges.tsv, from `kg review`): person nodes to merge or keep apart")
    b.add_argument("--title", metavar="NAME",
                   help="the corpus's name in graph.html's title (default: the folder that holds the inputs)")
    b.add_argument("--date", metavar="YYYY-MM-DD|YYYY",
                   help="the pages' date (or year) when neither their names nor their text give one")
    b.add_argument("--strict", action="store_true", help="exit 3 on any warning, not only on skipped input")
    b.add_argument("--max-bytes", type=_count(1), default=16 * 1024 * 1024, metavar="N",
                   help="skip files larger than N bytes (default 16 MiB; a page is tens of kB)")
    b.add_argument("--explain", action="store_true",
                   help="also write explain.jsonl: the component, rule and sentence behind every entity and fact")
    b.set_defaults(func=cmd_build)

    q = sub.add_parser("query", help="run SPARQL over a build folder or an RDF file")
    q.add_argument("target", nargs="?", help="a build folder (its graph.nq, graph.trig … is read) or an RDF file")
    q.add_argument("sparql", nargs="?", help="the query text (SELECT, ASK, CONSTRUCT, DESCRIBE)")
    q.add_argument("--file", help="read the query from this file")
    q.add_argument("--named", metavar="NAME", help="run one of kg's named queries (see --list)")
    q.add_argument("--param", action="append", default=[], metavar="VAR=VALUE",
                   help="bind a named query's variable, e.g. --param district=烈山区 (repeatable)")
    q.add_argument("--list", action="store_true", help="list the named queries")
    q.add_argument("--format", choices=["table", "csv", "tsv", "json"], default="table")
    q.add_argument("--allow-service", action="store_true",
                   help="run SERVICE clauses (federated queries fetch the IRIs they name; refused by default)")
    q.add_argument("--timing", action="store_true",
                   help="print to stderr the seconds spent loading the build, answering and printing")
    q.set_defaults(func=cmd_query)

    v = sub.add_parser("serve", help="a SPARQL 1.1 Protocol endpoint over a build, at /sparql")
    v.add_argument("target", help="a build folder or an RDF file")
    v.add_argument("--port", type=_port, default=7878, help="port (default 7878; 0 picks a free one)")
    v.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    v.add_argument("--cors", action="append", default=[], metavar="ORIGIN",
                   help="let web pages from this origin (e.g. https://yasgui.triply.cc) read answers (repeatable)")
    v.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                   help="also answer requests for this host name (a LAN name, a reverse proxy's; repeatable)")
    v.add_argument("--token-file", metavar="FILE",
                   help="require Authorization: Bearer <the file's text> (or set KG_SERVE_TOKEN)")
    v.add_argument("--timeout", type=_seconds, default=30.0, metavar="SECONDS",
                   help="stop a query after this long (default 30)")
    v.add_argument("--max-queries", type=_count(1), default=os.cpu_count() or 1, metavar="N",
                   help="queries run at once; more get 503 (default: the number of cores)")
    v.set_defaults(func=cmd_serve)

    x = sub.add_parser("export", help="files for graph databases, tables and data standards: neo4j, gexf, csv, "
                                      "parquet, kuzu, careers, ftm, quickstatements")
    x.add_argument("target", help="a build folder (its graph.json is read)")
    x.add_argument("--to", required=True,
                   choices=["neo4j", "gexf", "csv", "parquet", "kuzu", "careers", "ftm", "quickstatements"],
                   help="neo4j: neo4j-admin import CSVs + load.cypher (LOAD CSV) + load.py (over Bolt); "
                        "gexf: Gephi; csv/parquet: tables; "
                        "kuzu: a ready Kùzu database; "
                        "careers: person and spell tables (CSV + Parquet, docs/careers.md); "
                        "ftm: FollowTheMoney entities (Aleph); quickstatements: Wikidata P39 (position held)")
    x.add_argument("-o", "--output", required=True, help="the folder to write into")
    x.add_argument("--safe-formulas", action="store_true",
                   help="csv, neo4j, careers: prefix text cells that start with = + - @ with ' so spreadsheets show them as text")
    x.add_argument("--wikidata", metavar="MAP.tsv",
                   help="ftm, quickstatements: kg keys (persons, positions post/…) and their Wikidata ids, tab-separated")
    x.set_defaults(func=cmd_export)

    c = sub.add_parser("validate", help="check a build's RDF against kg's SHACL shapes (exit 1 on violations)")
    c.add_argument("target", help="a build folder (its graph.ttl) or an RDF file")
    c.set_defaults(func=cmd_validate)

    r = sub.add_parser("review", help="same-person links across jurisdictions as a table of merges to decide")
    r.add_argument("target", help="a build folder (its graph.json is read)")
    r.add_argument("-o", "--output", default="review.tsv",
                   help="the table to write (default review.tsv); edit it and pass it to `kg build --merges`")
    r.set_defaults(func=cmd_review)

    w = sub.add_parser("view", help="an HTML network of a build, of one node's neighbourhood, or of one person's career")
    w.add_argument("target", help="a build folder (its graph.json is read)")
    one = w.add_mutually_exclusive_group()
    one.add_argument("--focus", metavar="NAME", help="only what lies within --hops links of this node (name or key)")
    one.add_argument("--career", metavar="NAME",
                     help="one person's posts on a time axis with their evidence, and their neighbourhood "
                          "(a name, or a key person/… when several people have it)")
    w.add_argument("--hops", type=_count(0), default=2, help="how far from the focus or person (default 2)")
    w.add_argument("-o", "--output", default="view.html", help="the HTML file to write (default view.html)")
    w.add_argument("--title", metavar="NAME",
                   help="the corpus's name in the page's title (default: the one the build was given or took)")
    w.set_defaults(func=cmd_view)

    e = sub.add_parser("explain", help="why a node is in the graph: its mentions, rules and facts")
    e.add_argument("target", help="a build folder made with --explain (or its explain.jsonl)")
    e.add_argument("node", help="a node's name (王明), key (person/烈山区/王明) or IRI")
    e.set_defaults(func=cmd_explain)
    return p


def main(argv: list[str] | None = None) -> int:
    from .publish import UncheckedBuild

    args = parser().parse_args(argv)

    def note(message, category, *_, **__):
        # an older kg's build is read, with one line saying it was not checked; other warnings
        # (from libraries) keep Python's own format
        if issubclass(category, UncheckedBuild):
            print(f"kg {args.command}: note: {message}", file=sys.stderr)
        else:
            shown_before(message, category, *_, **__)

    shown_before = warnings.showwarning
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always", UncheckedBuild)
            warnings.showwarning = note
            return args.func(args)
    except BrokenPipeError:  # output piped into head, less …: stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
