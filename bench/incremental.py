"""Rebuild times and -j scaling of `kg build` as a user runs it (process start to exit, HTML on,
page cache on): a cold build, a rebuild with nothing changed, and one with one page changed, at
each -j, on 1,000 pages made from the seeds with names and districts varied (bench/rdf_store.py).

    python bench/incremental.py [--pages 1000] [--jobs 1,2] [--corpus DIR] [--rounds 1]

Each time is the best of --rounds; CPU is the build's own and its child processes' (user + system,
from getrusage), which other load on the machine does not inflate; wall time is what a user waits
and is only meaningful on an idle machine (the load average is printed beside it).
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def run(corpus: Path, out: Path, jobs: int) -> tuple[float, float, str]:
    """Wall and CPU seconds of one `kg build`, and its last line of output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "kg.cli", "build", str(corpus), "-o", str(out), "-j", str(jobs)],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, done.stdout.strip().splitlines()[0]


def change_one(corpus: Path) -> None:
    """Append a sentence to the first page, as a correction would."""
    page = sorted(corpus.glob("*.txt"))[0]
    page.write_text(page.read_text(encoding="utf-8") + "\n本报讯 区政府召开会议，部署下一阶段工作。\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--jobs", default="1,2")
    ap.add_argument("--corpus", type=Path, help="a folder of pages (default: --pages made from the seeds)")
    ap.add_argument("--rounds", type=int, default=1, help="best of this many runs of each kind")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = args.corpus
        if base is None:
            from rdf_store import make_corpus, seed_persons

            from kg.build import build

            persons = seed_persons(build([str(ROOT / "seeds")], Path(tmp) / "seed-out", html=False))
            base = Path(tmp) / "pages"
            make_corpus(base, args.pages, persons)
        chars = sum(len(p.read_text(encoding="utf-8")) for p in base.glob("*.txt"))
        print(f"{len(list(base.glob('*.txt')))} pages, {chars:,} characters; load average {os.getloadavg()[0]:.1f}")
        print(" -j  build              wall s   CPU s   share of cold (CPU)")
        cold_at = {}
        for jobs in (int(j) for j in args.jobs.split(",")):
            best: dict[str, tuple[float, float]] = {}
            for _ in range(args.rounds):
                corpus, out = Path(tmp) / f"c{jobs}", Path(tmp) / f"o{jobs}"
                shutil.rmtree(corpus, ignore_errors=True)
                shutil.rmtree(out, ignore_errors=True)
                shutil.copytree(base, corpus)
                for kind in ("cold", "nothing changed", "one page changed"):
                    if kind == "one page changed":
                        change_one(corpus)
                    wall, cpu, line = run(corpus, out, jobs)
                    if kind == "nothing changed" and "up to date" not in line:
                        print(f"    (not up to date: {line})")
                    w, c = best.get(kind, (wall, cpu))
                    best[kind] = (min(w, wall), min(c, cpu))
            cold_at[jobs] = best["cold"]
            for kind, (wall, cpu) in best.items():
                print(f"{jobs:>3}  {kind:<17} {wall:>7.1f} {cpu:>7.1f}   {cpu / best['cold'][1]:.2f}")
        if 1 in cold_at and len(cold_at) > 1:
            for jobs, (wall, _) in cold_at.items():
                if jobs != 1:
                    print(f"cold build -j {jobs}: {cold_at[1][0] / wall:.2f}× faster than -j 1 (wall; "
                          f"load average now {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
