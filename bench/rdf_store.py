"""rdflib vs pyoxigraph on a graph of 1M+ quads that kg itself builds from a large synthetic corpus.

    .venv/bin/python bench/rdf_store.py [--pages N] [--corpus DIR] [--out DIR] [--skip-rdflib] [--timeout S]

1. corpus: many variants of the pages in seeds/, each with its own person and district names
   (deterministic: variant i draws names from a generator seeded by i);
2. build: ``kg.build.build([corpus], out, html=False)``; pages, characters, seconds, quads;
3. load: rdflib ``Dataset(default_union=True).parse(graph.nq)`` vs ``kg.query.load_store(out)``
   (pyoxigraph), each in a subprocess of its own, for separate peak-RSS figures;
4. queries: three of kg's named queries, 3 runs each, median seconds and row counts.

Prints figures; asserts nothing about timings. ``--corpus DIR`` and ``--out DIR`` keep (and on a
later run reuse) the corpus and the build, which is the slow part.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
TARGET_QUADS = 1_250_000  # a margin over 1M: a page of a 2,400-page corpus yields ~12% fewer than the probe says
BUILD_INFO = "bench_build.json"  # written beside a build, so a reused --out still reports its figures
QUERIES = ("officials-by-district", "person-posts", "reporters")
RUNS = 3
# characters common in given names; surnames come from kg's own lexicon
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏辉宇浩凯健俊帆旭宁欣怡晨阳琳颖婷雪慧斌亮飞鑫波峰瑶璐嘉"
SEED_DISTRICTS = ("烈山区", "相山区", "卫东区")


def rss_mb(field: str = "VmHWM") -> float:
    """Peak (``VmHWM``) or current (``VmRSS``) resident set size of this process, in MB.

    On Linux it is read from /proc/self/status: ``getrusage``'s ``ru_maxrss`` survives exec, so a
    worker started by a parent that holds a 1M-triple build would report the parent's peak."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux, bytes on macOS


# -- 1. corpus --------------------------------------------------------------------------------


def surnames() -> list[str]:
    from kg import lexicon

    return sorted(n for n in lexicon.words("surnames.txt") if len(n) == 1)


def district_pool() -> list[str]:
    """Real districts and counties whose name is unambiguous and has a short form (烈山区 → 烈山)."""
    from kg import gazetteer

    divisions = gazetteer.divisions()
    pool = []
    for name, entries in divisions.items():
        short = gazetteer.short_form(name)
        if (len(entries) == 1 and entries[0]["level"] == "district" and name.endswith(("区", "县"))
                and 3 <= len(name) <= 4 and short and short not in divisions and name not in SEED_DISTRICTS):
            pool.append(name)
    return sorted(pool)


def seed_persons(seed_build) -> list[str]:
    """The personal names kg finds in the seed pages (the names after titles, bylines …), less the
    ones every variant should share (习近平) and forms of address (张师傅)."""
    single = set(surnames())
    names = {e.label for e in seed_build.corpus.entities.values() if e.kind == "person" and e.mentions}
    return sorted(n for n in names if 2 <= len(n) <= 3 and n[0] in single and n != "习近平"
                  and not n.endswith(("师傅", "阿姨")))


def variant_map(i: int, persons: list[str], pool: list[str], family: list[str]) -> dict[str, str]:
    """What variant ``i`` writes for each seed name: a person name of the same length, and another
    district for each of the seed districts (full and short form)."""
    from kg.gazetteer import short_form

    rng = random.Random(f"kg-bench-{i}")
    out = {}
    for name in persons:
        out[name] = rng.choice(family) + "".join(rng.choice(GIVEN) for _ in range(len(name) - 1))
    for old, new in zip(SEED_DISTRICTS, rng.sample(pool, len(SEED_DISTRICTS)), strict=True):
        out[old] = new
        out[short_form(old)] = short_form(new)
    return out


def make_corpus(folder: Path, pages: int, persons: list[str]) -> None:
    seeds = sorted(SEEDS.glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in seeds]
    pool, family = district_pool(), surnames()
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(math.ceil(pages / len(seeds))):
        mapping = variant_map(i, persons, pool, family)
        rx = re.compile("|".join(re.escape(k) for k in sorted(mapping, key=len, reverse=True)))
        for j, (seed, text) in enumerate(zip(seeds, texts, strict=True)):
            if i * len(seeds) + j >= pages:
                return
            (folder / f"v{i:05d}_{seed.name}").write_text(rx.sub(lambda m, mp=mapping: mp[m.group()], text), encoding="utf-8")


# -- 2. build ---------------------------------------------------------------------------------


def count_quads(out: Path) -> int:
    with open(out / "graph.nq", "rb") as fh:
        return sum(1 for line in fh if line.strip())


def run_build(corpus: Path, out: Path) -> dict:
    from kg.build import build

    t = time.perf_counter()
    result = build([str(corpus)], out, html=False)
    seconds = time.perf_counter() - t
    counts = result.report["counts"]
    info = {"corpus": str(corpus), "pages": counts["files_read"], "articles": counts["articles"],
            "characters": counts["characters"], "seconds": round(seconds, 1),
            "stages": {k: round(v, 1) for k, v in result.timings.items()},
            "nodes": counts["nodes"], "edges": counts["edges"], "quads": count_quads(out),
            "peak_rss_mb": round(rss_mb())}
    (out / BUILD_INFO).write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
    return info


# -- 3, 4. the workers: one subprocess per store ----------------------------------------------


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout


def worker(engine: str, out: Path, params: dict, timeout: float, log: Path) -> None:
    """Load the build into one store, then time the queries; each result is a JSON line in ``log``
    (written as it comes, so the parent has the figures that finished if it must kill us)."""
    from kg.query import PREFIXES, load_store, named_queries, run_query

    def emit(**record):
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")

    emit(event="start", rss_mb=round(rss_mb("VmRSS")))
    t = time.perf_counter()
    if engine == "rdflib":
        from rdflib import Dataset, Literal, Namespace, Variable

        ds = Dataset(default_union=True)
        ds.parse(str(out / "graph.nq"), format="nquads")
        size = len(ds)  # distinct triples of the union of the graphs

        def run(text, bound):
            bindings = {Variable(k): Literal(v, lang="zh") for k, v in bound.items()}
            return [tuple(row) for row in ds.query(text, initNs={k: Namespace(v) for k, v in PREFIXES.items()},
                                                   initBindings=bindings)]
    else:
        import pyoxigraph as ox

        store = load_store(out)
        size = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))  # the union, copied

        def run(text, bound):
            return run_query(store, text, bound).rows
    emit(event="load", seconds=time.perf_counter() - t, rss_mb=round(rss_mb()), size=size)

    queries = named_queries()
    if engine == "oxigraph" and not params:
        params.update(pick_params(run, queries))
        emit(event="params", params=params)
    signal.signal(signal.SIGALRM, _alarm)
    for name in QUERIES:
        q = queries[name]
        bound = {k: v for k, v in params.items() if k in q.params}
        times, rows = [], None
        for _ in range(RUNS):
            signal.setitimer(signal.ITIMER_REAL, timeout)
            t = time.perf_counter()
            try:
                rows = len(run(q.text, bound))
            except Timeout:
                times = None
                break
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            times.append(time.perf_counter() - t)
            if sum(times) >= timeout:
                break  # a slow query gets fewer runs rather than holding the run up for minutes
        emit(event="query", name=name, params=bound, times=times, rows=None if times is None else rows,
             rss_mb=round(rss_mb()))
    emit(event="done", rss_mb=round(rss_mb()))


def pick_params(run, queries) -> dict:
    """A real district of the corpus (the one with most officials' posts) and its person with the
    most posts: bound values that give the queries something to find."""
    from kg import gazetteer

    rows = run(queries["officials-by-district"].text, {})
    value = [(str(r[0].value), str(r[1].value)) for r in rows if r[0] is not None and r[1] is not None]
    districts = Counter(d for d, _ in value if any(e["level"] == "district" for e in gazetteer.divisions().get(d, [])))
    district = min(districts, key=lambda d: (-districts[d], d))
    people = Counter(p for d, p in value if d == district)
    return {"district": district, "name": min(people, key=lambda p: (-people[p], p))}


def run_worker(engine: str, out: Path, params: dict, timeout: float, limit: float) -> list[dict]:
    """The worker's JSON lines; a worker that outlives ``limit`` seconds is stopped (its figures so far kept)."""
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "log.jsonl"
        log.touch()
        cmd = [sys.executable, __file__, "--worker", engine, "--out", str(out), "--timeout", str(timeout),
               "--params", json.dumps(params, ensure_ascii=False), "--log", str(log)]
        proc = subprocess.Popen(cmd)
        try:
            code = proc.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            code = "killed"
        records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    if code != 0:
        records.append({"event": "failed", "code": code})
    return records


# -- report -----------------------------------------------------------------------------------


def fmt_s(seconds) -> str:
    return "-" if seconds is None else f"{seconds:.3f}" if seconds < 10 else f"{seconds:.1f}"


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]
    lines = [header, ["-" * w for w in widths], *rows]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, help="pages in the corpus (default: enough for ~1.1M quads)")
    ap.add_argument("--corpus", type=Path, help="corpus folder: reused if it has pages, else generated there")
    ap.add_argument("--out", type=Path, help="build folder: reused if it has graph.nq, else built there")
    ap.add_argument("--skip-rdflib", action="store_true", help="time pyoxigraph only")
    ap.add_argument("--timeout", type=float, default=120, help="seconds per rdflib query run (default 120)")
    ap.add_argument("--worker", choices=("rdflib", "oxigraph"), help=argparse.SUPPRESS)
    ap.add_argument("--params", default="{}", help=argparse.SUPPRESS)
    ap.add_argument("--log", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(args.worker, args.out, json.loads(args.params), args.timeout, args.log)
        return 0

    tmp = tempfile.TemporaryDirectory(prefix="kg-bench-")
    out = args.out or Path(tmp.name) / "out"
    corpus = args.corpus or Path(tmp.name) / "corpus"
    print(f"python {sys.version.split()[0]}, {_versions()}")

    if (out / "graph.nq").exists():
        info_path = out / BUILD_INFO
        info = json.loads(info_path.read_text(encoding="utf-8")) if info_path.exists() else {"quads": count_quads(out)}
        print(f"reusing the build in {out} (built earlier, not timed now; figures below are from {BUILD_INFO})")
    else:
        if not any(corpus.glob("*.txt")):
            pages = args.pages
            from kg.build import build

            persons = seed_persons(build([str(SEEDS)], Path(tmp.name) / "seeds-out", html=False))
            if pages is None:  # what a page of the synthetic corpus yields, from a build of its first 20
                probe, probe_out = Path(tmp.name) / "probe", Path(tmp.name) / "probe-out"
                make_corpus(probe, 20, persons)
                t = time.perf_counter()
                build([str(probe)], probe_out, html=False)
                per_page = count_quads(probe_out) / 20
                pages = math.ceil(TARGET_QUADS / per_page / 5) * 5
                print(f"probe: 20 synthetic pages built in {time.perf_counter() - t:.1f} s, {per_page:.0f} quads a page"
                      f" → {pages} pages for ~{TARGET_QUADS:,} quads")
            t = time.perf_counter()
            make_corpus(corpus, pages, persons)
            print(f"corpus: {pages} pages written to {corpus} in {time.perf_counter() - t:.1f} s"
                  f" ({len(persons)} person names and {len(SEED_DISTRICTS)} districts renamed per variant)")
        else:
            print(f"reusing the corpus in {corpus}")
        print("building … (kg.build.build, html=False)", flush=True)
        info = run_build(corpus, out)
    print(f"build: {info.get('pages', '?')} pages, {info.get('articles', '?')} articles, "
          f"{info.get('characters', 0):,} characters, {info.get('seconds', '?')} s "
          f"(stages: {info.get('stages', {})}), peak RSS {info.get('peak_rss_mb', '?')} MB")
    print(f"graph: {info.get('nodes', '?')} nodes, {info.get('edges', '?')} edges, {info['quads']:,} quads in graph.nq "
          f"({(out / 'graph.nq').stat().st_size / 1e6:.0f} MB)", flush=True)

    print("pyoxigraph: loading and querying …", flush=True)
    ox = run_worker("oxigraph", out, {}, args.timeout, limit=3600)
    params = next((r["params"] for r in ox if r["event"] == "params"), {})
    print(f"bound: district={params.get('district')!r}, name={params.get('name')!r}", flush=True)
    rl = []
    if not args.skip_rdflib:
        print(f"rdflib: loading and querying (each query run limited to {args.timeout:.0f} s) …", flush=True)
        rl = run_worker("rdflib", out, params, args.timeout, limit=3600 + len(QUERIES) * RUNS * args.timeout)
    report(ox, rl, args.skip_rdflib, args.timeout)
    tmp.cleanup()
    return 0


def _versions() -> str:
    import pyoxigraph
    import rdflib

    import kg

    return f"kg {kg.__version__}, rdflib {rdflib.__version__}, pyoxigraph {pyoxigraph.__version__}"


def report(ox: list[dict], rl: list[dict], skipped: bool, timeout: float) -> None:
    def event(records, kind):
        return next((r for r in records if r["event"] == kind), None)

    def queries(records):
        return {r["name"]: r for r in records if r["event"] == "query"}

    for name, records in (("pyoxigraph", ox), ("rdflib", rl)):
        failed = event(records, "failed")
        if failed:
            print(f"warning: the {name} worker ended with {failed['code']}")
    print()
    rows = []
    for name, records in (("rdflib", rl), ("pyoxigraph", ox)):
        if name == "rdflib" and skipped:
            continue
        start, load, done = event(records, "start"), event(records, "load"), event(records, "done")
        rows.append([name, fmt_s(load["seconds"]) if load else "failed", f"{load['size']:,}" if load else "-",
                     f"{start['rss_mb']:,}" if start else "-", f"{load['rss_mb']:,}" if load else "-",
                     f"{done['rss_mb']:,}" if done else "-"])
    print("load of graph.nq (rdflib: Dataset(default_union=True).parse; pyoxigraph: kg.query.load_store, "
          "which also copies the named graphs into the default graph)")
    print(table(["store", "seconds", "union triples", "RSS before MB", "peak RSS after load MB",
                 "peak RSS at end MB"], rows))
    print()
    oq, rq = queries(ox), queries(rl)
    rows = []
    for name in QUERIES:
        o, r = oq.get(name), rq.get(name)
        bound = ", ".join(f"{k}={v}" for k, v in ((o or r or {}).get("params") or {}).items())

        def cells(rec, engine):
            if engine == "rdflib" and skipped:
                return ["skipped", "-"]
            if rec is None:
                return ["not run", "-"]
            if rec["times"] is None:
                return [f"timeout (>{timeout:.0f} s)", "-"]
            runs = len(rec["times"])
            note = f" ({runs} run{'s' if runs > 1 else ''})" if runs < RUNS else ""
            return [fmt_s(statistics.median(rec["times"])) + note, str(rec["rows"])]

        rc, oc = cells(r, "rdflib"), cells(o, "oxigraph")
        ratio = "-"
        if r and o and r.get("times") and o.get("times"):
            ratio = f"{statistics.median(r['times']) / max(statistics.median(o['times']), 1e-9):,.0f}×"
        rows.append([name, bound or "-", *rc, *oc, ratio])
        if r and o and r.get("rows") is not None and o.get("rows") is not None and r["rows"] != o["rows"]:
            print(f"warning: {name}: rdflib gave {r['rows']} rows, pyoxigraph {o['rows']}")
    print(f"queries (kg/queries/*.rq): median seconds of {RUNS} runs (fewer when they add up to more than {timeout:.0f} s)")
    print(table(["query", "bound", "rdflib s", "rows", "pyoxigraph s", "rows", "rdflib/pyoxigraph"], rows))


if __name__ == "__main__":
    sys.exit(main())
