"""A whole run: read → segment → extract → resolve → graph → export/render, with a report.

Each stage is called through its public function only; a failure in one file or article is
recorded as a ``Problem`` and the run goes on.
"""

from __future__ import annotations

import gc
import hashlib
import json
import re
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import __version__
from . import extract as extract_stage
from .cache import PageCache, fingerprint
from .careers import careers, read_decisions
from .executors import Executor, LocalExecutor
from .export import rdf_quads, write_atomic, write_explain, write_graphml, write_node_link, write_rdf
from .extract import extract, load_pipeline
from .graph import build_graph
from .progress import Stages
from .publish import BuildError, OutputError, Staging, probe, read_manifest, reason, recover
from .read import MAX_BYTES, read
from .records import Corpus, Page, Problem, Source
from .resolve import resolve
from .segment import segment


def peak_mb(children: bool = False) -> float:
    """The peak resident memory so far of this process (or of the largest of its waited-for
    children), in MB; 0 where the platform does not say. The peak only grows, so reading it after
    each stage shows which stage set it."""
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF).ru_maxrss
    return usage / (1024 * 1024 if sys.platform == "darwin" else 1024)  # macOS counts bytes, Linux KiB


@dataclass
class BuildResult:
    corpus: Corpus
    graph: object
    outputs: list[Path] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    report: dict = field(default_factory=dict)
    up_to_date: bool = False  # the outputs of the build before were kept: nothing it read had changed
    wall: dict[str, float] = field(default_factory=dict)  # wall seconds by phase, and "total"


def process_page(source: Source) -> Page:
    """Segment one page and extract each of its articles; a failure is a problem of that page."""
    nlp = load_pipeline()
    seconds: Counter = Counter()
    t = time.perf_counter()
    try:
        articles = segment(source)
    except Exception as err:  # one bad page must not stop the run
        return Page([], [], [Problem(source.path, f"segmentation failed: {err!r}", "segment")], {})
    seconds["segment"] += time.perf_counter() - t
    problems = [] if articles else [Problem(source.path, "no article found on the page", "segment")]
    extractions = []
    t = time.perf_counter()
    for article in articles:
        if len(article.body) > extract_stage.CHUNK:  # likely several reports the segmenter could not tell apart
            problems.append(Problem(source.path, f"article {article.index}: {len(article.body):,} characters, over the "
                                    f"{extract_stage.CHUNK:,} tokenized at once: read in "
                                    f"{len(extract_stage.chunks(article.body)):,} parts cut at sentence ends",
                                    "extract", skipped=False))
        try:
            extractions.append(extract(article, nlp))
        except Exception as err:
            problems.append(Problem(source.path, f"article {article.index}: extraction failed: {err!r}", "extract"))
    seconds["extract"] += time.perf_counter() - t
    return Page(articles, extractions, problems, dict(seconds))


class _Keep:
    """``process_page``, then the page stored in the page cache by the process that made it, so
    the build's own process neither encodes nor writes entries (local processes share the cache
    folder; a Dask worker may not see it, and hands its pages back to be stored). Gives the page,
    whether it was stored, and why not when the cache could not be written."""

    def __init__(self, folder: Path):
        self.folder = folder

    def __call__(self, source: Source) -> tuple[Page, bool, str | None]:
        page = process_page(source)
        # a page whose extraction failed is tried again next time; one with warnings only is kept,
        # its warnings with it
        if any(p.skipped for p in page.problems):
            return page, False, None
        cache = PageCache(self.folder)
        cache.put(source, page)
        return page, cache.problem is None, cache.problem


def _pages(sources: list[Source], executor: Executor, progress: bool, fn=process_page) -> list:
    """``fn`` (``process_page``) over the sources, in order, on ``executor``."""
    from tqdm import tqdm

    out = []
    with tqdm(total=len(sources), unit="page", disable=not progress or not sources, leave=False,
              desc="kg build: segment+extract") as bar:
        for page in executor.map(fn, sources, [len(s.text) for s in sources]):
            out.append(page)
            bar.update()
    return out


def build(paths: list[str], out: Path, html: bool = True, explain: bool = False,
          jurisdiction: str | None = None, max_bytes: int = MAX_BYTES, jobs: int = 1,
          cache_dir: Path | None = None, progress: bool = False, date: str | None = None,
          executor: Executor | None = None, if_changed: bool = False, merges: Path | None = None,
          title: str | None = None) -> BuildResult:
    """Run every stage over ``paths`` and write the outputs to ``out``. ``jurisdiction`` (淮北市烈山区)
    is where pages are from when their reports do not say and no ``kg.toml`` of their folder does.
    Pages are segmented and extracted on ``executor`` (default: ``jobs`` local processes).
    The outputs replace those of the build before as one set (``kg.publish``); ``OutputError``
    when they cannot be written, raised before any page is read if the folders cannot be.
    With ``if_changed``, a build whose pages (as read), options and kg equal those the outputs in
    ``out`` were built from keeps them as they are (like make) and says so in ``up_to_date``.
    ``merges`` is a reviewed decisions file (``kg review``): which person nodes to merge or keep
    apart, applied by the careers stage. ``title`` names the corpus in graph.html and report.json
    (default: ``corpus_title(paths)``)."""
    title = title or corpus_title(paths)
    for folder in (out, cache_dir) if cache_dir else (out,):
        probe(folder)
    recover(out)
    timings: Counter = Counter()  # CPU-bound seconds by stage; segment and extract summed over the workers
    wall: dict[str, float] = {}  # wall seconds by phase: what the user waits for
    memory: dict[str, float] = {}  # stage → this process's peak MB when it ended
    corpus = Corpus()
    started = t = time.perf_counter()
    from tqdm import tqdm

    # no total: counting the files first would walk the folders twice
    for item in tqdm(read(paths, max_bytes), unit="file", disable=not progress, leave=False, desc="kg build: read"):
        if isinstance(item, Problem):
            corpus.problems.append(item)
            continue
        item.jurisdiction = item.jurisdiction or jurisdiction
        item.date = item.date or date  # --date / --year: the pages' date when neither they nor their names say
        corpus.sources.append(item)
    decisions, problems = read_decisions(merges) if merges else ([], [])
    corpus.problems.extend(problems)
    timings["read"] += time.perf_counter() - t
    wall["read"] = time.perf_counter() - t
    memory["read"] = peak_mb()
    inputs = inputs_digest(corpus, html=html, explain=explain, jurisdiction=jurisdiction, date=date,
                           max_bytes=max_bytes, title=title, merges=[(d.action, d.a, d.b, d.note) for d in decisions])
    if if_changed:
        kept = _kept(out, inputs, corpus)
        if kept is not None:
            return kept

    frozen_before = gc.get_freeze_count()
    try:
        return _build(corpus, decisions, out, inputs, started, timings, wall, memory, html=html, explain=explain,
                      jobs=jobs, cache_dir=cache_dir, progress=progress, executor=executor, title=title)
    finally:
        if not frozen_before:  # a caller's own frozen objects are left as they were
            gc.unfreeze()  # and a library caller's later garbage is collected as before


def _settled() -> None:
    """What was made so far (the word lists and models, then each stage's records) stays to the
    end of the build: moved out of the cyclic collector's sight, so that its passes, each over
    every object it tracks, do not grow with the corpus as stage after stage adds to the heap
    (they were 40% of resolving and graph building at 3M characters). Refcounting still frees
    what a stage drops; ``build`` unfreezes at its end. Before a fork it also spares the workers
    copying the pages the collector would have written to."""
    gc.freeze()


def _build(corpus: Corpus, decisions, out: Path, inputs: str, started: float, timings: Counter, wall: dict,
           memory: dict, *, html: bool, explain: bool, jobs: int, cache_dir: Path | None, progress: bool,
           executor: Executor | None, title: str) -> BuildResult:
    extractions = []
    t_pages = time.perf_counter()
    page_cache = PageCache(cache_dir) if cache_dir else None
    cached = [page_cache.get(source) if page_cache else None for source in corpus.sources]
    missed = [s for s, c in zip(corpus.sources, cached, strict=True) if c is None]
    if missed and executor is None:
        load_pipeline()  # here rather than at the first page, so that it is settled with the rest
    _settled()
    executor = executor or LocalExecutor(jobs, warm=load_pipeline)
    if page_cache and isinstance(executor, LocalExecutor):
        fresh = iter(_pages(missed, executor, progress, _Keep(cache_dir)))
    else:
        fresh = iter((page, False, None) for page in _pages(missed, executor, progress))
    for source, hit in zip(corpus.sources, cached, strict=True):
        page, stored, problem = (hit, True, None) if hit else next(fresh)
        if page_cache and problem:
            page_cache.problem = page_cache.problem or problem
        elif page_cache and not stored and not any(p.skipped for p in page.problems):
            page_cache.put(source, page)
        corpus.problems.extend(page.problems)
        corpus.articles.extend(page.articles)
        extractions.extend(page.extractions)
        for stage, seconds in page.seconds.items():
            timings[stage] += seconds if hit is None else 0
    if page_cache and page_cache.problem:  # the build stands without the cache; the next one redoes the pages
        corpus.problems.append(Problem(str(cache_dir), f"page cache: {page_cache.problem}", "cache", skipped=False))
    memory["extract"] = peak_mb()  # segment and extract, with every page's records held
    wall["pages"] = time.perf_counter() - t_pages
    _settled()

    parts = ["rdf", "graphml", "json", *(["explain"] if explain else []), *(["html"] if html else [])]
    stages = Stages("kg build", ["resolve", "careers", "graph", *parts, "publish"], progress)
    stages.start("resolve")
    t = time.perf_counter()
    resolve(extractions, corpus, page_done=lambda done, total: stages.count(done, total, "pages"))
    timings["resolve"] += time.perf_counter() - t
    wall["resolve"] = time.perf_counter() - t
    memory["resolve"] = peak_mb()
    _settled()
    stages.start("careers")
    t = time.perf_counter()
    careers(corpus, decisions)
    timings["careers"] += time.perf_counter() - t
    wall["careers"] = time.perf_counter() - t
    memory["careers"] = peak_mb()
    _settled()
    stages.start("graph")
    t = time.perf_counter()
    graph = build_graph(corpus)
    timings["graph"] += time.perf_counter() - t
    wall["graph"] = time.perf_counter() - t
    memory["graph"] = peak_mb()
    _settled()

    cache_stats = {"hits": page_cache.hits, "misses": page_cache.misses} if page_cache else None
    step = "its outputs"
    stage = Staging(out)
    try:
        with stage, stages:
            step = "the exports"
            names = []
            t = time.perf_counter()
            for part, (written, seconds, peak) in _export(parts, graph, corpus, stage.path, jobs, stages.start,
                                                                title=title):
                step = EXPORT_STEPS[part]
                if isinstance(written, OSError):
                    raise written
                names += written
                if part != "explain":
                    timings[EXPORT_TIMING.get(part, part)] += seconds
                memory[part] = peak
            wall["exports"] = time.perf_counter() - t
            wall["total"] = time.perf_counter() - started  # to here: the report cannot hold its own writing
            report = {"title": title, **make_report(corpus, graph, timings, cache_stats, memory, wall)}
            step = "report.json"
            stages.start("publish")
            write_atomic(stage.path / "report.json",
                         lambda p: p.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8"))
            names.append("report.json")
            step = "manifest.json and moving the outputs into place"
            outputs = stage.publish(names, inputs=inputs)
    except OSError as err:
        after = ("the new build is committed: the next kg command on the folder finishes the move" if stage.committed
                 else "the build before is left as it was")
        raise OutputError(f"{out}: cannot write {step}: {reason(err)}; {after}") from None
    wall["total"] = time.perf_counter() - started
    return BuildResult(corpus, graph, outputs, dict(timings), report, wall=wall)


# What each export is called in an error message, and which of the report's timings it counts in.
EXPORT_STEPS = {"rdf": "the RDF files", "graphml": "graph.graphml", "json": "graph.json",
                "explain": "explain.jsonl", "html": "graph.html"}
EXPORT_TIMING = {"json": "graphml"}
_EXPORTING: list = []  # (graph, corpus, folder, title) of the exports under way, for a forked process to find


def _export_part(part: str):
    """Write one export into the staging folder: the names written (or the OSError that stopped
    it, returned so that a forked process can hand it back), the seconds it took and the peak MB
    of the process that wrote it."""
    graph, corpus, folder, title = _EXPORTING
    t = time.perf_counter()
    try:
        if part == "rdf":
            written = [p.name for p in write_rdf(rdf_quads(graph), folder)]
        elif part == "graphml":
            write_graphml(graph, folder / "graph.graphml")
            written = ["graph.graphml"]
        elif part == "json":
            write_node_link(graph, folder / "graph.json")
            written = ["graph.json"]
        elif part == "explain":
            write_explain(corpus, folder / "explain.jsonl")
            written = ["explain.jsonl"]
        else:
            from .render import render_html

            render_html(graph, folder / "graph.html", title="kg: " + title)
            written = ["graph.html"]
    except OSError as err:
        return err, 0.0, peak_mb()
    return written, time.perf_counter() - t, peak_mb()


def _export_child(send) -> None:
    send.send(_export_part("rdf"))
    send.close()


def _export(parts: list[str], graph, corpus: Corpus, folder: Path, jobs: int, started=lambda part: None,
            title: str = "kg"):
    """(part, what ``_export_part`` gave) for each part, in the order of ``parts``. With ``jobs``
    > 1 the RDF files (the largest export) are written by a forked copy of this process while
    this one writes the rest: no graph is copied or sent, the fork shares its memory.
    ``started(part)`` is called as this process begins a part (or, for the forked RDF, begins to
    wait for it), for progress."""
    import multiprocessing

    _EXPORTING[:] = (graph, corpus, folder, title)
    try:
        if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods() or parts[0] != "rdf":
            for part in parts:
                started(part)
                yield part, _export_part(part)
            return
        context = multiprocessing.get_context("fork")
        receive, send = context.Pipe(duplex=False)
        # one task and out: a process that outlives a killed build finishes its file and exits
        child = context.Process(target=_export_child, args=(send,), daemon=True)
        child.start()
        send.close()
        try:
            rest = []
            for part in parts[1:]:
                started(part)
                rest.append((part, _export_part(part)))
            started("rdf")
            try:
                rdf = receive.recv()
            except EOFError:
                raise RuntimeError(f"the process writing the RDF files died (exit {child.join() or child.exitcode})") \
                    from None
            yield "rdf", rdf
            yield from rest
        finally:
            receive.close()
            if child.is_alive():
                child.terminate()
            child.join()
    finally:
        _EXPORTING.clear()


def corpus_title(paths: list[str]) -> str:
    """A corpus's name: the folder given, or the folder that holds every input. Its first files'
    names said nothing of a corpus of thousands of pages."""
    import os

    folders = [p if p.is_dir() else p.parent for p in (Path(x).resolve() for x in paths)]
    if not folders:
        return "kg"
    common = Path(os.path.commonpath(folders))
    return common.name or str(common)


def inputs_digest(corpus: Corpus, **options) -> str:
    """What a build's outputs follow from: every page as read (text, name, path, date and the
    jurisdiction of its kg.toml or --jurisdiction), the warnings of reading, the options that
    change the outputs, and kg's code and word lists (``cache.fingerprint``). Hashing what was read
    rather than file times sees a kg.toml edited, a file touched but unchanged is no change."""
    h = hashlib.sha256()
    for part in (fingerprint(), options, [asdict(s) for s in corpus.sources], [asdict(p) for p in corpus.problems]):
        h.update(json.dumps(part, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def _kept(out: Path, inputs: str, corpus: Corpus) -> BuildResult | None:
    """The build in ``out`` if it was made from ``inputs`` and every file of it is as its manifest
    says (size and sha256); else None and the build runs. A build in which a page failed is never
    kept: such a page is tried again, as the page cache does."""
    try:
        manifest = read_manifest(out)
    except BuildError:
        return None
    if not manifest or manifest.get("inputs") != inputs:
        return None
    contents = {}
    for name, entry in manifest["files"].items():
        try:
            contents[name] = data = (out / name).read_bytes()
        except OSError:
            return None
        if len(data) != entry["size"] or hashlib.sha256(data).hexdigest() != entry.get("sha256"):
            return None
    try:
        report = json.loads(contents["report.json"])
        warnings = [Problem(**w) for w in report["warnings"]]
    except (ValueError, TypeError, KeyError):
        return None
    if any(w.skipped and w.stage in ("segment", "extract") for w in warnings):
        return None
    kept = Corpus(sources=corpus.sources, problems=warnings)
    return BuildResult(kept, None, [out / n for n in [*manifest["files"], "manifest.json"]], {}, report,
                       up_to_date=True)


def make_report(corpus: Corpus, graph, timings: Counter, cache_stats: dict | None = None,
                memory: dict[str, float] | None = None, wall: dict[str, float] | None = None) -> dict:
    # counted from the graph, as graph.json, the RDF and the HTML legend count them: a node no
    # sentence names (a body a title implies, a parent place) is a node, and ``implied`` says how many
    kinds = [(d.get("kind"), bool(d.get("mentions"))) for _, d in graph.nodes(data=True)
             if d.get("kind") not in ("article", "source")]
    entities = Counter(kind for kind, _ in kinds)
    implied = Counter(kind for kind, mentioned in kinds if not mentioned)
    relations = Counter(d["kind"] for _, _, d in graph.edges(data=True))
    chars = sum(len(s.text) for s in corpus.sources)
    per_source = Counter(a.source for a in corpus.articles)  # one pass: a scan per page was quadratic
    return {
        "kg_version": __version__,
        "files": [{"path": s.path, "name": s.name, "encoding": s.encoding, "characters": len(s.text),
                   "articles": per_source[s.name]} for s in corpus.sources],
        "articles": [{"id": a.id, "headline": a.headline, "date": a.date, "date_from": a.date_from,
                      "credits": [{"name": c.name, "role": c.role} for c in a.credits]} for a in corpus.articles],
        "counts": {"files_read": len({s.path.rsplit(":", 1)[0] if s.format == "jsonl" else s.path
                                      for s in corpus.sources}),
                   "pages": len(corpus.sources),
                   "files_skipped": len({p.path for p in corpus.problems if p.stage == "read" and p.skipped}),
                   "articles": len(corpus.articles), "characters": chars,
                   "entities": dict(sorted(entities.items())), "implied": dict(sorted(implied.items())),
                   "relations": dict(sorted(relations.items())),
                   "nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()},
        "warnings": [asdict(p) for p in corpus.problems],
        "resolution": {e.key: sorted(e.rules) for e in corpus.entities.values()},
        "conflicts": corpus.conflicts,
        "links": {"merged": sum(1 for x in corpus.links if x["status"].startswith("merged")),
                  "candidates": sum(1 for x in corpus.links if x["status"] == "candidate"),
                  "kept_apart": sum(1 for x in corpus.links if x["status"].startswith("kept apart"))},
        "jurisdictions": corpus.jurisdictions,
        # CPU-bound seconds by stage (segment and extract summed over the worker processes) …
        "seconds": {k: round(v, 3) for k, v in timings.items()},
        # … and the wall seconds of each phase, up to the report: what a user waits for
        "wall_seconds": {k: round(v, 3) for k, v in (wall or {}).items()},
        "memory": _memory(memory or {}),
        "cache": cache_stats,
    }


def _memory(peaks: dict[str, float]) -> dict:
    """Peak memory by stage: the build process's peak after each stage (it only grows, so the
    first stage that reaches the final figure is the one that set it), and the largest worker's
    (pages extracted with -j, the RDF files written by a fork)."""
    peak = max(peaks.values(), default=0.0)
    return {"peak_mb": round(peak, 1), "set_by": next((s for s, v in peaks.items() if v >= peak), None),
            "after_stage_mb": {s: round(v, 1) for s, v in peaks.items()}, "workers_peak_mb": round(peak_mb(True), 1)}


# What must not reach a terminal raw from a file name or a page: control characters (an ESC
# starts a sequence that can rewrite the screen or the title), bidirectional overrides (they
# reorder what is shown) and lone surrogates (which a UTF-8 terminal cannot even be sent).
_UNSHOWABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` as it may be printed: every unshowable character as a visible escape (``\\x1b``)."""
    return _UNSHOWABLE.sub(lambda m: m.group(0).encode("unicode_escape", "backslashreplace").decode("ascii")
                           if ord(m.group(0)) < 0xD800 else f"\\u{ord(m.group(0)):04x}", text)


# the phases of a build in the summary's time line, and what each is called there
PHASES = {"read": "read", "pages": "segment+extract", "resolve": "resolve", "careers": "careers",
          "graph": "graph", "exports": "exports"}


def _time_line(result: BuildResult) -> str:
    """Wall time, then each phase's: the workers' summed seconds would overstate a ``-j`` build."""
    wall = result.wall
    phases = ", ".join(f"{label} {wall[k]:.1f}" for k, label in PHASES.items() if k in wall)
    workers = result.timings.get("segment", 0.0) + result.timings.get("extract", 0.0)
    return (f"time: {wall.get('total', 0.0):.1f} s wall ({phases} s)"
            + (f"; segment+extract took {workers:.1f} s of worker CPU" if workers > wall.get("pages", 0.0) * 1.2 else ""))


def summary(result: BuildResult, out: Path) -> str:
    c = result.report["counts"]
    if result.up_to_date:
        return (f"kg {__version__}: up to date: {c['files_read']} files, {c['articles']} articles, "
                f"{c['characters']:,} characters as when {printable(str(out))} was built; nothing written")
    lines = [f"kg {__version__}: {c['files_read']} files, {c['articles']} articles, {c['characters']:,} characters",
             "entities: " + ", ".join(f"{k} {v}" + (f" ({c['implied'][k]} implied)" if c.get("implied", {}).get(k) else "")
                                      for k, v in c["entities"].items()),
             "relations: " + ", ".join(f"{k} {v}" for k, v in c["relations"].items()),
             f"graph: {c['nodes']} nodes, {c['edges']} edges",
             _time_line(result)]
    if result.report["warnings"]:
        lines.append(f"warnings ({len(result.report['warnings'])}):")
        lines += [f"  {'skipped' if w['skipped'] else 'warning'}: {printable(w['path'])}: {printable(w['message'])}"
                  for w in result.report["warnings"][:10]]
        if len(result.report["warnings"]) > 10:
            lines.append(f"  … {len(result.report['warnings']) - 10} more in report.json")
    lines.append("wrote: " + ", ".join(str(p.relative_to(out)) if p.is_relative_to(out) else str(p)
                                      for p in result.outputs) + f" in {printable(str(out))}")
    return "\n".join(lines)


__all__ = ["build", "summary", "printable", "BuildResult"]
