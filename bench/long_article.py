"""Seconds per stage of `kg build` on ONE article of doubling length, and the ratio per doubling.

    .venv/bin/python bench/long_article.py [--sizes 12500,25000,50000,100000] [--keep DIR] [--profile]
                                           [--clock cpu|wall] [--gc on|off] [--sources DIR ...]

The article is made of real sentences of the genre: the body sentences of the pages in `seeds/`
(and of `../shared/dev/pages` when it is there), drawn in a seeded random order, each with the
personal names kg finds in it replaced by fresh ones (a surname from kg's list and common
given-name characters), and between them sentences dense with posts and meetings
(区委书记王明主持会议 …) naming fresh people, so no window of text repeats and every name is a
new entity. It is one headline, a 本报讯 dateline and paragraphs of whole sentences: the segmenter
keeps it one article. Each size is built in a fresh process (`kg.build.build`, one job, no cache,
no HTML), so caches warmed by a smaller size do not flatter a larger one. Stages are timed in the
CPU seconds of that process (``--clock wall`` for wall seconds), so other work on the machine
does not move the ratios. Past ~100k characters Python's cyclic garbage collector, whose passes
cover the whole heap (the word lists and models too), adds time that grows faster than the
article; ``--gc off`` shows the stages' own growth without it.

A stage that is linear in the article's mentions takes about 2× per doubling (the brackets give
the growth from the size before, per doubling of the size); the target is ≤ 2.4× for every stage.
Prints figures; asserts nothing. ``--profile`` writes a cProfile of the largest size beside the
build (``--keep``), for ``python -m pstats``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SOURCES = [ROOT / "seeds", ROOT.parent / "shared" / "dev" / "pages"]
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏辉宇浩凯健俊帆旭宁欣怡晨阳琳颖婷雪慧斌亮飞鑫波峰瑶璐嘉"
STAGES = ("segment", "extract", "resolve", "graph", "rdf", "graphml")
# sentences dense with posts, chairs and attendance, in the genre's wording
TEMPLATES = (
    "区委书记{a}主持会议并讲话，区委副书记、区长{b}出席。",
    "区委常委、常务副区长{a}，区人大常委会主任{b}，区政协主席{c}参加会议。",
    "区委常委、组织部部长{a}宣读了任职文件，副区长{b}就有关工作作了部署。",
    "{a}指出，要坚持以人民为中心的发展思想，扎实推进各项工作落地见效。",
    "区委常委、宣传部部长{a}，区委常委、统战部部长{b}陪同调研。",
    "区政府党组成员{a}、区人大常委会副主任{b}出席活动。",
    "街道党工委书记{a}主持召开专题会议，街道办事处主任{b}通报了工作进展。",
    "区发展改革委主任{a}、区财政局局长{b}、区教育局局长{c}分别汇报了工作情况。",
    "副区长{a}强调，要压实责任，确保各项任务按时完成。",
    "区纪委书记、区监委主任{a}列席会议。",
)
BUILD = """
import gc, json, sys, time, types
from pathlib import Path
import kg.build
from kg.build import build
if sys.argv[3] == "cpu":
    # the stages timed in this process's CPU seconds: on a machine busy with other work, wall
    # seconds measure the neighbours as much as kg
    kg.build.time = types.SimpleNamespace(perf_counter=time.process_time)
if sys.argv[4] == "off":
    gc.disable()  # the stages' own growth, without the collector's passes over an ever larger heap
r = build([sys.argv[1]], Path(sys.argv[2]), html=False, jobs=1)
a = r.corpus.articles
print(json.dumps({"seconds": r.report["seconds"], "articles": len(a), "chars": len(a[0].body) if a else 0,
                  "mentions": sum(len(e.mentions) for e in r.corpus.entities.values()),
                  "warnings": [w["message"] for w in r.report["warnings"]]}))
"""


def family_names() -> list[str]:
    from kg import lexicon

    return sorted(n for n in lexicon.words("surnames.txt") if len(n) == 1)


def source_sentences(folders: list[Path]) -> list[tuple[str, list[str]]]:
    """Body sentences of the pages in ``folders``, each with the personal names kg finds in it."""
    from kg.extract import extract
    from kg.read import read
    from kg.records import Problem
    from kg.segment import segment

    paths = [str(p) for p in folders if p.is_dir()]
    out = []
    for source in read(paths):
        if isinstance(source, Problem):
            continue
        for article in segment(source):
            ex = extract(article)
            persons = {m.text for m in ex.mentions if m.kind == "person" and len(m.text) >= 2}
            for s in ex.sentences:
                if s.start >= article.lead and s.text.endswith("。") and 12 <= len(s.text) <= 200 and "\n" not in s.text:
                    out.append((s.text, sorted((p for p in persons if p in s.text), key=lambda p: (-len(p), p))))
    return out


def make_article(chars: int, sentences: list[tuple[str, list[str]]], seed: int = 0) -> str:
    """One article of about ``chars`` characters (see the module's docstring)."""
    rng = random.Random(f"kg-long-{seed}")
    family = family_names()
    used: set[str] = set()

    def fresh(length: int = 3) -> str:
        while True:
            name = rng.choice(family) + "".join(rng.choice(GIVEN) for _ in range(length - 1))
            if name not in used:
                used.add(name)
                return name

    parts = ["区委常委会召开会议 研究部署重点工作\n", "本报讯 9月12日上午，区委常委会召开会议。"]
    size, paragraph = sum(map(len, parts)), 0
    while size < chars:
        if rng.random() < 0.5:
            text = rng.choice(TEMPLATES).format(a=fresh(), b=fresh(rng.choice((2, 3))), c=fresh())
        else:
            text, names = rng.choice(sentences)
            if names:
                mapping = {n: fresh(len(n)) for n in names}
                text = re.sub("|".join(map(re.escape, names)), lambda m, mp=mapping: mp[m.group()], text)
        paragraph += 1
        if paragraph % 6 == 0:
            text += "\n"  # a paragraph break, never a blank line: the segmenter keeps one article
        parts.append(text)
        size += len(text)
    return "".join(parts).rstrip("\n") + "\n"


def run(sizes: list[int], keep: Path | None, profile: bool, sources: list[Path], clock: str = "cpu",
        collector: str = "on") -> list[dict]:
    sentences = source_sentences(sources)
    work = keep or Path(tempfile.mkdtemp(prefix="kg-long-"))
    rows = []
    for chars in sizes:
        folder = work / f"c{chars}"
        folder.mkdir(parents=True, exist_ok=True)
        page = folder / "pages" / f"long_{chars}.txt"
        page.parent.mkdir(exist_ok=True)
        page.write_text(make_article(chars, sentences), encoding="utf-8")
        script = folder / "build.py"  # a file, not -c: cProfile runs scripts only
        script.write_text(BUILD, encoding="utf-8")
        cmd = [sys.executable]
        if profile and chars == max(sizes):
            cmd += ["-m", "cProfile", "-o", str(folder / "build.prof")]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
        result = subprocess.run([*cmd, str(script), str(page), str(folder / "out"), clock, collector], capture_output=True,
                                text=True, cwd=ROOT, env=env, check=False)
        if result.returncode:
            sys.exit(f"build of {chars:,} characters failed:\n{result.stderr[-2000:]}")
        rows.append({"size": chars, **json.loads(result.stdout.strip().splitlines()[-1])})
        print_row(rows)
    return rows


def print_row(rows: list[dict]) -> None:
    row = rows[-1]
    if len(rows) == 1:
        print(f"{'characters':>10} {'mentions':>8} " + " ".join(f"{s:>15}" for s in STAGES) + f" {'total':>15}")
    prev = rows[-2] if len(rows) > 1 else None

    def cell(key: str) -> str:
        sec = row["seconds"].get(key, 0.0) if key != "total" else sum(row["seconds"].get(s, 0.0) for s in STAGES)
        if prev is None:
            return f"{sec:>8.2f}       "
        was = prev["seconds"].get(key, 0.0) if key != "total" else sum(prev["seconds"].get(s, 0.0) for s in STAGES)
        # the growth per doubling of the size, whatever the step between the sizes
        per_doubling = (sec / was) ** (1 / math.log2(row["size"] / prev["size"])) if was > 0.005 and sec > 0 else None
        return f"{sec:>8.2f} ({per_doubling:4.1f}×)" if per_doubling else f"{sec:>8.2f}  (  - )"

    print(f"{row['size']:>10,} {row['mentions']:>8} " + " ".join(cell(s) for s in (*STAGES, "total")), flush=True)
    if row["articles"] != 1 or row["warnings"]:
        print(f"{'':>10} articles: {row['articles']}; warnings: {row['warnings']}", flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="12500,25000,50000,100000", help="characters of the article, comma-separated")
    ap.add_argument("--keep", type=Path, help="write the articles and builds here (default: a temporary folder)")
    ap.add_argument("--profile", action="store_true", help="cProfile the largest build (with --keep)")
    ap.add_argument("--sources", type=Path, nargs="+", default=SOURCES,
                    help="folders of pages whose sentences make the article (default: seeds/ and ../shared/dev/pages)")
    ap.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                    help="time the stages in CPU seconds of the build's process (default) or wall seconds")
    ap.add_argument("--gc", choices=("on", "off"), default="on",
                    help="off: Python's cyclic garbage collector disabled in the build (what is left is kg's own growth)")
    args = ap.parse_args(argv)
    print(f"seconds per stage ({args.clock} time, garbage collector {args.gc}), and in brackets the growth"
          " per doubling from the size before")
    run([int(s) for s in args.sizes.split(",")], args.keep, args.profile, args.sources, args.clock, args.gc)
    print("ratio per doubling: linear is ~2×, the target ≤ 2.4× a stage")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
