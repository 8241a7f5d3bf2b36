"""Every figure of issue 16 in one run: kg's CLI as a user runs it, next to jieba and spaCy on the
same text, on a corpus that does not flatter.

    .venv/bin/python bench/speed.py [--sizes 1,10,100] [--unit 300000] [--quick] [--keep DIR] [--json FILE]
    # the issue's sizes (1× = the seeds' 30k characters), -j, incremental and queries at 100×:
    .venv/bin/python bench/speed.py --unit 30000 --sizes 10,100,1000 --huge --jobs-size 100 --query-size 100

1. corpus: the real pages of ../shared/dev/pages and eval/corpus/tune/pages, verbatim, plus
   synthetic pages made of sentences drawn at random from all real pages (seeds/ too), so that
   consecutive sentences come from different pages; persons and places are replaced, article by
   article, by names built from kg's surname list and by districts, cities and provinces of
   kg.gazetteer (bodies such as 烈山区委 follow their place); numbers and dates are redrawn. Size
   N is N × --unit characters; page i depends only on i, so the 10× corpus holds the 1× one.
2. reference rates on the 1× corpus's pages and on the real pages: ``jieba.cut``,
   ``jieba.posseg.cut``, ``spacy.blank("zh")`` with the jieba segmenter through ``nlp.pipe``;
   CPU seconds (``time.process_time``), best of 2, after the dictionaries are loaded.
3. ``kg build CORPUS -o OUT --no-cache -j 1`` (HTML on) in a subprocess per size: wall seconds
   from start to exit, CPU seconds and peak RSS from the child's ``os.wait4`` rusage, characters
   per CPU second, the ratio to ``jieba.cut``, each stage's seconds from ``report.json``, and each
   stage's growth per ×10 of characters (10 = linear, 100 = quadratic), and the peak memory after
   each stage from ``report.json`` → ``memory`` (which stage set the peak).
4. the real pages alone, built the same way.
5. ``-j 2`` against ``-j 1`` on the 10× corpus, best wall of ``--repeat`` runs each, with the load
   average before each run (the figure means nothing on a busy machine).
6. incremental, on the 10× corpus: a cold build with a cache, a rebuild with no page changed,
   a rebuild with one page changed.
7. every named query of ``kg query --list`` through ``kg query`` on the largest build, best of 3,
   with parameters picked from that build (the person with most posts, the district with most
   officials, the commonest title and its latest first-seen date): first the build's query index
   (``BUILD/.kg-store``) is removed and one call times making it, then every query's later calls,
   which open it; each with the load and query seconds ``kg query --timing`` reports.

Prints figures, asserts nothing. 1000× (300M characters) only with ``--huge``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REAL = {"dev": ROOT.parent / "shared" / "dev" / "pages", "tune": ROOT / "eval" / "corpus" / "tune" / "pages"}
POOL_ONLY = {"seeds": ROOT / "seeds"}  # sentences drawn from, not copied verbatim
STAGES = ("read", "segment", "extract", "resolve", "careers", "graph", "rdf", "graphml", "html")
# what the console script `kg` runs, started from the repository root so that this clone's kg is
# the one imported (the venv's `kg` script imports whichever kg is installed)
KG_MAIN = "import sys; from kg.cli import main; sys.argv[0] = 'kg'; sys.exit(main())"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏辉宇浩凯健俊帆旭宁欣怡晨阳琳颖婷雪慧斌亮飞鑫波峰瑶璐嘉"
PAGES_PER_DISTRICT = 20  # a district's paper: its pages share officials, so resolution merges across pages
OFFICIALS, REPORTERS, LOCALS = 40, 8, 12  # a district's officials, reporters, towns (villages …) of each kind
LOCAL = {"town": "镇", "township": "乡", "subdistrict": "街道", "community": "社区", "village": "村"}
SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]+[”’\"」』）)]*")
LEAD = re.compile(r"^(?:本报讯|本网讯|讯)\s*(?:[（(][^）)]*[）)])?\s*")
MONTH_DAY = re.compile(r"(\d{1,2})月(\d{1,2})日")
DIGITS = re.compile(r"\d+")


def log(*parts) -> None:
    print(*parts, flush=True)


# -- 1. corpus --------------------------------------------------------------------------------


def _pages(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in (".txt", ".html", ".htm"))


class Pool:
    """Sentences, headlines and the names in them, from the real pages."""

    def __init__(self, work: Path):
        from kg import gazetteer, lexicon
        from kg.build import build
        from kg.read import read
        from kg.segment import LEADING_TIME, segment

        folders = [*REAL.values(), *POOL_ONLY.values()]
        # kg's own reading of the real pages says which words are persons and places
        result = build([str(f) for f in folders], work / "pool-build", html=False)
        singles = {n for n in lexicon.words("surnames.txt") if len(n) == 1}
        self.surnames = sorted(singles)
        tokens: dict[str, tuple[str, str, str]] = {}  # word → (person | full | short, level, full name)
        for e in result.corpus.entities.values():
            if e.kind == "person" and 2 <= len(e.label) <= 3 and e.label[0] in singles \
                    and not e.key.startswith("person/中央/") and not e.label.endswith(("师傅", "阿姨")):
                tokens[e.label] = ("person", "", e.label)
            elif e.kind == "place" and e.attrs.get("level") in LOCAL and e.label.endswith(LOCAL[e.attrs["level"]]) \
                    and len(e.label) > len(LOCAL[e.attrs["level"]]) + 1:
                tokens[e.label] = ("local", e.attrs["level"], LOCAL[e.attrs["level"]])
            elif e.kind == "place" and e.attrs.get("level") in ("district", "city", "province"):
                tokens[e.label] = ("full", e.attrs["level"], e.label)
                short = gazetteer.short_form(e.label)
                if short and short in e.aliases and len(short) >= 2:
                    tokens.setdefault(short, ("short", e.attrs["level"], e.label))
        self.tokens = tokens
        rx = re.compile("|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True)))

        def parts(text: str) -> tuple:
            """The text cut at its names: (text, (word, kind, level), text, …), so that a use of it
            is a join, not a regex pass."""
            out, at = [], 0
            for m in rx.finditer(text):
                out.append(text[at:m.start()])
                out.append((m.group(), *tokens[m.group()]))
                at = m.end()
            out.append(text[at:])
            return tuple(out)

        self.sentences: list[tuple] = []  # parts, each with its page
        self.leads: list[tuple] = []  # first sentences with their dateline and leading time removed
        self.headlines: list[tuple] = []
        self.article_sizes: list[int] = []  # sentences per article
        self.page_sizes: list[int] = []  # articles per page
        self.real_chars = 0
        sources = [s for s in read([str(f) for f in folders]) if hasattr(s, "text")]
        for source in sources:
            articles = segment(source)
            self.page_sizes.append(max(1, len(articles)))
            for a in articles:
                if a.headline:
                    self.headlines.append(parts(a.headline))
                found = []
                for para in a.body[a.lead:].split("\n"):
                    found += [s.strip() for s in SENTENCE.findall(para) if len(s.strip()) >= 8]
                if not found:
                    continue
                self.article_sizes.append(len(found))
                lead = LEADING_TIME.sub("", LEAD.sub("", found[0]), count=1)
                if len(lead) >= 8:
                    self.leads.append(parts(lead))
                self.sentences += [parts(s) for s in found[1:]]
        self.real_chars = sum(len(p.read_text(encoding="utf-8")) for f in REAL.values() for p in _pages(f))
        self.districts = self._districts()
        # characters real place names are written with, for the towns and villages made up below
        self.place_chars = sorted({c for name in gazetteer.divisions() for c in name[:-1]})

    @staticmethod
    def _districts() -> list[tuple[str, str, str, str]]:
        """(district, city, province, jurisdiction) for real districts and counties whose name is
        unambiguous, in a fixed shuffled order."""
        from kg import gazetteer

        divisions = gazetteer.divisions()
        out = []
        for name, entries in sorted(divisions.items()):
            short = gazetteer.short_form(name)
            if len(entries) != 1 or entries[0]["level"] != "district" or not name.endswith(("区", "县")) \
                    or not 3 <= len(name) <= 4 or not short or short in divisions:
                continue
            up = gazetteer.parent(entries[0])
            if not up or up["level"] != "city":  # a municipality's district has no city between
                continue
            province = up if up["level"] == "province" else gazetteer.parent(up)
            if not province:
                continue
            out.append((name, up["name"], province["name"], up["name"] + name))
        random.Random("kg-speed-districts").shuffle(out)
        return out


def _person(rng: random.Random, surnames: list[str]) -> str:
    return rng.choice(surnames) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _digits(rng: random.Random, text: str) -> str:
    text = MONTH_DAY.sub(lambda m: f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日", text)
    return DIGITS.sub(lambda m: str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in m.group()[1:]), text)


def _short(name: str) -> str:
    from kg.gazetteer import short_form

    return short_form(name) or name


def synthetic_page(pool: Pool, i: int) -> tuple[str, str, str, list[str]]:
    """Page ``i``: (folder, file name, text, its sentences); depends only on ``i``."""
    k = (i // PAGES_PER_DISTRICT) % len(pool.districts)
    district, city, province, _ = pool.districts[k]
    drng = random.Random(f"kg-speed-district-{k}")
    officials = [_person(drng, pool.surnames) for _ in range(OFFICIALS)]
    reporters = [_person(drng, pool.surnames) for _ in range(REPORTERS)]
    locals_ = {suffix: ["".join(drng.choice(pool.place_chars) for _ in range(drng.choice((2, 2, 3)))) + suffix
                        for _ in range(LOCALS)] for suffix in LOCAL.values()}
    rng = random.Random(f"kg-speed-page-{i}")
    year, month, day = rng.choice((2024, 2025)), rng.randint(1, 12), rng.randint(1, 28)
    blocks, written = [], []
    for _ in range(rng.choice(pool.page_sizes)):
        persons: dict[str, str] = {}
        places: dict[str, str] = {}

        def fill(parts: tuple, persons: dict = persons, places: dict = places) -> str:
            out = []
            for p in parts:
                if isinstance(p, str):
                    out.append(p)
                    continue
                word, kind, level, name = p
                if kind == "person":
                    out.append(persons.setdefault(word, rng.choice(officials)))
                    continue
                if kind == "local":  # 刘街乡 → one of the district's made-up 乡
                    out.append(places.setdefault(word, rng.choice(locals_[name])))
                    continue
                if level == "district":  # most places of a report are its own district's
                    full = places.setdefault(name, district if rng.random() < 0.8 else rng.choice(pool.districts)[0])
                else:
                    full = city if level == "city" else province
                out.append(full if kind == "full" else _short(full))
            return _digits(rng, "".join(out))

        n = max(2, rng.choice(pool.article_sizes))
        sentences = [fill(rng.choice(pool.leads))] + [fill(rng.choice(pool.sentences)) for _ in range(n - 1)]
        written += sentences
        paragraphs, at = [], 0
        while at < len(sentences):
            step = rng.randint(1, 4)
            paragraphs.append("".join(sentences[at:at + step]))
            at += step
        paragraphs[0] = f"本报讯 {month}月{day}日，" + paragraphs[0]
        lines = [fill(rng.choice(pool.headlines)), ""]
        if rng.random() < 0.7:
            lines += [f"■记者 {rng.choice(reporters)}", ""]
        blocks.append("\n".join(lines + paragraphs))
    return f"{k:04d}_{district}", f"{i:06d}_{year}-{month:02d}-{day:02d}.txt", "\n\n".join(blocks) + "\n", written


def make_corpus(pool: Pool, folder: Path, chars: int) -> dict:
    """The real pages and enough synthetic ones for ``chars`` characters; figures about it."""
    if folder.exists():
        shutil.rmtree(folder)
    for name, src in REAL.items():
        (folder / "real" / name).mkdir(parents=True)
        for p in _pages(src):
            shutil.copyfile(p, folder / "real" / name / p.name)
    total, i, seen, sentences = pool.real_chars, 0, set(), 0
    made = set()
    while total < chars:
        sub, name, text, written = synthetic_page(pool, i)
        target = folder / "syn" / sub
        if sub not in made:
            target.mkdir(parents=True)
            jurisdiction = pool.districts[int(sub[:4])][3]
            (target / "kg.toml").write_text(f'jurisdiction = "{jurisdiction}"\n', encoding="utf-8")
            made.add(sub)
        (target / name).write_text(text, encoding="utf-8")
        total += len(text)
        sentences += len(written)
        seen.update(hash(s) for s in written)
        i += 1
    return {"characters": total, "synthetic_pages": i, "real_pages": sum(len(_pages(f)) for f in REAL.values()),
            "districts": len(made), "sentences": sentences,
            "distinct_sentences": round(len(seen) / max(1, sentences), 4)}


def corpus_texts(folder: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.txt"))]


# -- 2. reference rates -----------------------------------------------------------------------


def best_cpu(fn, runs: int = 2) -> float:
    best = math.inf
    for _ in range(runs):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return best


def reference_rates(texts: list[str]) -> dict:
    import logging

    import jieba
    import jieba.posseg
    import spacy

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    chars = sum(len(t) for t in texts)

    def cut():
        for t in texts:
            for _ in jieba.cut(t):
                pass

    def posseg():
        for t in texts:
            for _ in jieba.posseg.cut(t):
                pass

    def pipe():
        for _ in nlp.pipe(texts):
            pass

    return {"characters": chars, "jieba.cut": chars / best_cpu(cut), "jieba.posseg.cut": chars / best_cpu(posseg),
            "spacy blank zh + jieba nlp.pipe": chars / best_cpu(pipe)}


# -- 3 … 7. the CLI ---------------------------------------------------------------------------


def run_kg(args: list[str], out_file: Path | None = None, timeout: float | None = None) -> dict:
    """One ``kg`` command as a user runs it: wall seconds from start to exit, CPU seconds and peak
    RSS of the child (with the workers it waited for) from ``os.wait4``."""
    load = os.getloadavg()[0]
    sink = open(out_file, "w", encoding="utf-8") if out_file else subprocess.DEVNULL  # noqa: SIM115
    err = tempfile.TemporaryFile()
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", KG_MAIN, *args], cwd=ROOT, stdout=sink, stderr=err)
    timer = threading.Timer(timeout, proc.kill) if timeout else None
    if timer:
        timer.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    if timer:
        timer.cancel()
        if wall >= timeout:
            return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "timeout": True}
    proc.returncode = os.waitstatus_to_exitcode(status)
    if out_file:
        sink.close()
    err.seek(0)
    message = err.read().decode("utf-8", "replace")
    err.close()
    if proc.returncode not in (0, 3):  # 3: a page had a problem; the build stands
        raise RuntimeError(f"kg {' '.join(args)} exited {proc.returncode}: {message[-2000:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024,
            "load_before": round(load, 2), "exit": proc.returncode, "stderr": message}


def kg_build(corpus: Path, out: Path, jobs: int = 1, cache: Path | None = None) -> dict:
    args = ["build", str(corpus), "-o", str(out), "-j", str(jobs), "-q"]
    args += ["--cache", str(cache)] if cache else ["--no-cache"]
    r = run_kg(args)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    r["characters"] = report["counts"]["characters"]
    r["pages"] = report["counts"]["pages"]
    r["articles"] = report["counts"]["articles"]
    r["nodes"], r["edges"] = report["counts"]["nodes"], report["counts"]["edges"]
    r["stages"] = {k: report["seconds"].get(k, 0.0) for k in STAGES}
    r["rest"] = r["wall"] - sum(r["stages"].values())  # start-up, imports, dictionaries, exit
    r["memory"] = report.get("memory", {})
    r["rate_cpu"] = r["characters"] / r["cpu"]
    r["rate_wall"] = r["characters"] / r["wall"]
    return r


def memory_line(r: dict) -> str:
    m = r.get("memory") or {}
    return ("peak memory by stage (MB, build process after each): "
            + ", ".join(f"{k} {v:.0f}" for k, v in m.get("after_stage_mb", {}).items())
            + f"; set by {m.get('set_by')}; workers {m.get('workers_peak_mb', 0):.0f}")


def growth(a: dict, b: dict, key) -> float | None:
    """Time growth per ×10 of characters between two builds (10 = linear)."""
    ta, tb = key(a), key(b)
    if ta < 0.02 or tb <= 0:
        return None
    return 10 ** (math.log(tb / ta) / math.log(b["characters"] / a["characters"]))


def pick_params(out: Path) -> dict[str, str]:
    """Values for the named queries' parameters, taken from the build (not timed)."""
    from kg.query import load_store, run_query

    store = load_store(out)
    asks = {
        "name": "SELECT ?v (COUNT(?x) AS ?n) WHERE { ?p org:holds ?x ; a schema:Person ; rdfs:label ?v } "
                "GROUP BY ?v ORDER BY DESC(?n) ?v LIMIT 1",
        "district": "SELECT ?v (COUNT(?x) AS ?n) WHERE { ?o kg:jurisdiction ?d . ?d rdfs:label ?v . "
                    "?x org:postIn ?o . ?p org:holds ?x } GROUP BY ?v ORDER BY DESC(?n) ?v LIMIT 1",
        "title": "SELECT ?v (COUNT(?m) AS ?n) WHERE { ?m a org:Membership ; kg:post ?p . ?p kg:title ?v } "
                 "GROUP BY ?v ORDER BY DESC(?n) ?v LIMIT 1",
    }
    params = {}
    for name, text in asks.items():
        rows = run_query(store, text).rows
        if rows and rows[0][0] is not None:
            params[name] = rows[0][0].value
    if "title" in params:
        rows = run_query(store, "SELECT (MAX(?f) AS ?v) WHERE { ?m a org:Membership ; kg:post ?p ; kg:firstSeen ?f . "
                                f"?p kg:title ?t . FILTER(STR(?t) = {json.dumps(params['title'])}) }}").rows
        if rows and rows[0][0] is not None:
            params["date"] = rows[0][0].value[:10]
    return params


# what `kg query --timing` prints on stderr (older kgs: no source in brackets)
TIMING = re.compile(r"kg query: load (\d+\.\d+) s(?: \(([^)]*)\))?, query (\d+\.\d+) s")


def _timing(run: dict) -> dict:
    found = TIMING.search(run.get("stderr", ""))
    return {"load": float(found.group(1)), "source": found.group(2) or "", "query_s": float(found.group(3))} if found else {}


def named_query_times(out: Path, work: Path, runs: int = 3, timeout: float = 60.0) -> dict:
    """``{"first": …, "runs": [...]}``: the call that makes the query index, then each query's best."""
    listing = work / "query-list.txt"
    run_kg(["query", "--list"], listing)
    wanted = []
    for line in listing.read_text(encoding="utf-8").splitlines():
        if line.strip():
            wanted.append((line.split()[0], re.findall(r"(\w+)=…", line)))
    params = pick_params(out)
    log(f"  query parameters picked from the build: {params}")
    help_file = work / "query-help.txt"
    run_kg(["query", "--help"], help_file)
    timing = "--timing" in help_file.read_text(encoding="utf-8")

    def args_of(name: str, needs: list[str]) -> list[str]:
        args = ["query", str(out), "--named", name, "--format", "tsv"]
        args += [a for p in needs if p in params for a in ("--param", f"{p}={params[p]}")]
        return args + (["--timing"] if timing else [])

    index = out / ".kg-store"
    if index.exists():
        log(f"  removing {index}, so that the first call makes it")
        shutil.rmtree(index)
    name, needs = wanted[0]
    first = run_kg(args_of(name, needs), work / f"query-{name}.tsv", timeout)
    first = {"query": name, "wall": first["wall"], "cpu": first["cpu"], "peak_mb": first.get("peak_mb"),
             "timeout": bool(first.get("timeout")), **_timing(first)}
    log(f"  first call ({name}): {first['wall']:.2f} s wall, {first['cpu']:.2f} s CPU"
        + (f", load {first['load']:.2f} s ({first['source']}), query {first['query_s']:.2f} s" if "load" in first else "")
        + (f", peak {first['peak_mb']:.0f} MB" if first.get("peak_mb") else ""))
    rows = []
    for name, needs in wanted:
        best, answer = None, work / f"query-{name}.tsv"
        for _ in range(runs):
            r = run_kg(args_of(name, needs), answer, timeout)
            best = r if best is None or r["wall"] < best["wall"] else best
            if r.get("timeout"):  # once is enough to know it misses the target
                break
        text = answer.read_text(encoding="utf-8").splitlines()
        rows.append({"query": name, "params": {p: params[p] for p in needs if p in params},
                     "wall": best["wall"], "cpu": best["cpu"], "rows": max(0, len(text) - 1),
                     "timeout": bool(best.get("timeout")), **_timing(best)})
        if best.get("timeout"):
            log(f"  {name:24} stopped after {timeout:.0f} s (--query-timeout)")
        else:
            split = (f" (load {rows[-1]['load']:.2f} s, {rows[-1]['source'] or 'load'}; query {rows[-1]['query_s']:.2f} s)"
                     if "load" in rows[-1] else "")
            log(f"  {name:24} best of {runs}: {best['wall']:.2f} s wall, {best['cpu']:.2f} s CPU{split}, "
                f"{rows[-1]['rows']} rows")
    return {"first": first, "runs": rows}


# -- the run ----------------------------------------------------------------------------------


def fmt_k(rate: float) -> str:
    return f"{rate / 1000:.0f}k"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1,10,100", help="corpus sizes as multiples of --unit (default 1,10,100)")
    ap.add_argument("--unit", type=int, default=300_000, help="characters of the 1× corpus (default 300000)")
    ap.add_argument("--quick", action="store_true", help="small sizes: --unit 100000 --sizes 1,10")
    ap.add_argument("--huge", action="store_true", help="allow 1000× (hours, and many GB)")
    ap.add_argument("--repeat", type=int, default=2, help="runs of each build of the -j comparison (best wall)")
    ap.add_argument("--query-timeout", type=float, default=60.0, metavar="S",
                    help="stop a kg query run after S seconds and show it as a timeout (default 60)")
    ap.add_argument("--jobs-size", type=int, metavar="N",
                    help="the size (of --sizes) the -j and incremental runs use (default 10, else the largest)")
    ap.add_argument("--query-size", type=int, metavar="N",
                    help="the size (of --sizes) whose build the named queries run on (default the largest)")
    ap.add_argument("--only-queries", metavar="BUILD", help="time the named queries on this build only")
    ap.add_argument("--keep", metavar="DIR", help="write corpora and builds here and keep them")
    ap.add_argument("--json", metavar="FILE", help="write the figures as JSON")
    args = ap.parse_args()
    if args.quick:
        args.unit, args.sizes = 100_000, "1,10"
    sizes = sorted({int(s) for s in args.sizes.split(",")})
    if max(sizes) >= 1000 and not args.huge:
        ap.error("1000× and more only with --huge")
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="kg-speed-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.only_queries:
        times = named_query_times(Path(args.only_queries), work, timeout=args.query_timeout)
        if args.json:
            Path(args.json).write_text(json.dumps(times, ensure_ascii=False, indent=1), encoding="utf-8")
        return
    import kg

    figures: dict = {"unit": args.unit, "sizes": sizes, "cpus": os.cpu_count(), "kg": str(Path(kg.__file__).parent),
                     "started": time.strftime("%Y-%m-%d %H:%M:%S"), "load_at_start": os.getloadavg()}
    log(f"kg from {figures['kg']}; {os.cpu_count()} CPUs; load average {os.getloadavg()}; work in {work}")
    try:
        t = time.perf_counter()
        pool = Pool(work)
        log(f"pool: {len(pool.sentences) + len(pool.leads):,} sentences, {len(pool.headlines)} headlines, "
            f"{len(pool.tokens)} person and place words from the real pages ({time.perf_counter() - t:.0f} s)")
        corpora = {}
        for size in sizes:
            t = time.perf_counter()
            corpora[size] = make_corpus(pool, work / f"corpus-{size}", size * args.unit)
            c = corpora[size]
            log(f"corpus {size}×: {c['characters']:,} characters, {c['real_pages']} real + {c['synthetic_pages']:,} "
                f"synthetic pages in {c['districts']} districts; {c['distinct_sentences']:.1%} of "
                f"{c['sentences']:,} synthetic sentences distinct ({time.perf_counter() - t:.0f} s)")
        figures["corpora"] = corpora

        log("\n== reference rates (CPU, best of 2, dictionaries loaded) ==")
        refs = {"corpus": reference_rates(corpus_texts(work / f"corpus-{sizes[0]}")),
                "real": reference_rates(corpus_texts(work / f"corpus-{sizes[0]}" / "real"))}
        figures["reference"] = refs
        for which, r in refs.items():
            log(f"  {which} ({r['characters']:,} chars): " + ", ".join(f"{k} {fmt_k(v)}/s" for k, v in r.items()
                                                                          if k != "characters"))
        cut = refs["corpus"]["jieba.cut"]

        log("\n== kg build CORPUS -o OUT --no-cache -j 1 (HTML on) ==")
        builds = {}
        for size in sizes:
            r = kg_build(work / f"corpus-{size}", work / f"out-{size}")
            builds[size] = r
            log(f"  {size}×: {r['characters']:,} chars, {r['pages']:,} pages, {r['articles']:,} articles: "
                f"{r['wall']:.1f} s wall, {r['cpu']:.1f} s CPU (load before {r['load_before']}), "
                f"{fmt_k(r['rate_cpu'])} chars/CPU s = {r['rate_cpu'] / cut:.2f} × jieba.cut, peak {r['peak_mb']:.0f} MB")
            log("     stages (s): " + ", ".join(f"{k} {v:.2f}" for k, v in r["stages"].items()) + f", rest {r['rest']:.2f}")
            log("     " + memory_line(r))
        figures["builds"] = builds
        figures["growth"] = {}
        for a, b in zip(sizes, sizes[1:], strict=False):
            g = {k: growth(builds[a], builds[b], lambda r, k=k: r["stages"][k]) for k in STAGES}
            g["cpu"] = growth(builds[a], builds[b], lambda r: r["cpu"])
            g["wall"] = growth(builds[a], builds[b], lambda r: r["wall"])
            figures["growth"][f"{a}-{b}"] = g
            log(f"  growth per ×10 characters, {a}× → {b}× (10 = linear): "
                + ", ".join(f"{k} {v:.1f}" for k, v in g.items() if v is not None))

        log("\n== the real pages alone ==")
        real = kg_build(work / f"corpus-{sizes[0]}" / "real", work / "out-real")
        real["jieba.cut_ratio"] = real["rate_cpu"] / refs["real"]["jieba.cut"]
        real["extract_rate"] = real["characters"] / max(real["stages"]["extract"], 1e-9)
        figures["real"] = real
        log(f"  {real['characters']:,} chars: {real['wall']:.1f} s wall, {real['cpu']:.1f} s CPU, "
            f"{fmt_k(real['rate_cpu'])} chars/CPU s = {real['jieba.cut_ratio']:.2f} × jieba.cut on that text; "
            f"extract stage {fmt_k(real['extract_rate'])} chars/s (corpus {sizes[0]}×: "
            f"{fmt_k(builds[sizes[0]]['characters'] / max(builds[sizes[0]]['stages']['extract'], 1e-9))})")

        mid = args.jobs_size if args.jobs_size in sizes else 10 if 10 in sizes else sizes[-1]
        log(f"\n== -j 2 vs -j 1 on the {mid}× corpus, best wall of {args.repeat} ==")
        runs = {1: [builds[mid]], 2: []}
        for _ in range(args.repeat):
            for jobs in (2, 1):
                if jobs == 1 and len(runs[1]) >= args.repeat:
                    continue
                load = os.getloadavg()[0]
                if load > 0.5:
                    log(f"  WARNING: load average {load:.2f} > 0.5 before -j {jobs}: other work shares the cores")
                runs[jobs].append(kg_build(work / f"corpus-{mid}", work / f"out-{mid}-j{jobs}", jobs=jobs))
        best = {j: min(rs, key=lambda r: r["wall"]) for j, rs in runs.items()}
        figures["jobs"] = {"size": mid, "j1": best[1], "j2": best[2], "speedup": best[1]["wall"] / best[2]["wall"],
                           "loads": {j: [r["load_before"] for r in rs] for j, rs in runs.items()}}
        log(f"  -j 2 {memory_line(best[2])}")
        log(f"  -j 1 {best[1]['wall']:.1f} s, -j 2 {best[2]['wall']:.1f} s wall ({best[2]['cpu']:.1f} s CPU): "
            f"×{figures['jobs']['speedup']:.2f}; load averages before: {figures['jobs']['loads']}")

        log(f"\n== incremental, {mid}× corpus, -j 1 with a cache ==")
        corpus, cache, out = work / f"corpus-{mid}", work / f"cache-{mid}", work / f"out-{mid}-inc"
        shutil.rmtree(cache, ignore_errors=True)
        cold = kg_build(corpus, out, cache=cache)
        none = kg_build(corpus, out, cache=cache)
        synthetic = sorted((corpus / "syn").rglob("*.txt"))
        page = synthetic[len(synthetic) // 2]
        original = page.read_text(encoding="utf-8")
        try:
            page.write_text(original + "\n会议还研究了其他事项。\n", encoding="utf-8")
            one = kg_build(corpus, out, cache=cache)
        finally:
            page.write_text(original, encoding="utf-8")
        pages = cold["pages"]
        figures["incremental"] = {"size": mid, "pages": pages, "cold": cold, "none_changed": none, "one_changed": one}
        for label, r in (("cold, empty cache", cold), ("no page changed", none), (f"1 of {pages:,} pages changed", one)):
            log(f"  {label:22} {r['wall']:6.1f} s wall ({r['wall'] / cold['wall']:.0%} of cold), "
                f"{r['cpu']:6.1f} s CPU ({r['cpu'] / cold['cpu']:.0%})")

        top = args.query_size if args.query_size in sizes else sizes[-1]
        log(f"\n== named queries on the {top}× build (kg query, process start to exit) ==")
        figures["queries"] = {"size": top, **named_query_times(work / f"out-{top}", work, timeout=args.query_timeout)}
    finally:
        if args.json and figures.get("builds"):
            Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    table(figures)
    if args.json:
        log(f"\nfigures written to {args.json}")


def table(f: dict) -> None:
    refs, cut = f["reference"]["corpus"], f["reference"]["corpus"]["jieba.cut"]
    log("\n================ issue 16 figures ================")
    log(f"unit 1× = {f['unit']:,} characters; {f['cpus']} CPUs; rates are characters per CPU second")
    log("reference (same text as 1×): " + ", ".join(f"{k} {fmt_k(v)}" for k, v in refs.items() if k != "characters"))
    log(f"\n{'size':>5} {'chars':>11} {'wall s':>7} {'CPU s':>7} {'chars/s':>8} {'×cut':>5} {'×pos':>5} {'×spaCy':>6} "
        f"{'peak MB':>7}  " + " ".join(f"{s:>7}" for s in STAGES) + f" {'rest':>6}")
    for size, r in f["builds"].items():
        log(f"{size:>4}× {r['characters']:>11,} {r['wall']:>7.1f} {r['cpu']:>7.1f} {fmt_k(r['rate_cpu']):>8} "
            f"{r['rate_cpu'] / cut:>5.2f} {r['rate_cpu'] / refs['jieba.posseg.cut']:>5.2f} "
            f"{r['rate_cpu'] / refs['spacy blank zh + jieba nlp.pipe']:>6.2f} {r['peak_mb']:>7.0f}  "
            + " ".join(f"{r['stages'][s]:>7.2f}" for s in STAGES) + f" {r['rest']:>6.2f}")
    for size, r in f["builds"].items():
        log(f"{size:>4}× {memory_line(r)}")
    r = f["real"]
    log(f" real {r['characters']:>11,} {r['wall']:>7.1f} {r['cpu']:>7.1f} {fmt_k(r['rate_cpu']):>8} "
        f"{r['jieba.cut_ratio']:>5.2f}   (× jieba.cut on the real text)")
    for span, g in f.get("growth", {}).items():
        log(f"growth per ×10, {span}: " + ", ".join(f"{k} {v:.1f}" for k, v in g.items() if v is not None)
            + "  (10 = linear)")
    j = f["jobs"]
    log(f"-j 2 vs -j 1 ({j['size']}×): {j['j1']['wall']:.1f} s → {j['j2']['wall']:.1f} s, ×{j['speedup']:.2f}; "
        f"load before {j['loads']}")
    inc = f["incremental"]
    log(f"incremental ({inc['size']}×, {inc['pages']:,} pages): cold {inc['cold']['wall']:.1f} s; no change "
        f"{inc['none_changed']['wall']:.1f} s ({inc['none_changed']['wall'] / inc['cold']['wall']:.0%}); one page "
        f"{inc['one_changed']['wall']:.1f} s ({inc['one_changed']['wall'] / inc['cold']['wall']:.0%})")
    q = f["queries"]
    log(f"queries ({q['size']}× build, best of 3 wall, process start to exit): first call, making the index, "
        f"{q['first']['wall']:.2f}; then "
        + ", ".join(f"{x['query']} " + (f">{x['wall']:.0f}" if x["timeout"] else f"{x['wall']:.2f}") for x in q["runs"]))


if __name__ == "__main__":
    main()
