"""Throughput of `kg build` end to end and per stage, peak memory and output sizes, on corpora of
1×, 10× and 100× the seed pages (names and districts permuted so that resolution does real
work), next to jieba's plain segmentation and part-of-speech tagging of the same text.

    python bench/pipeline.py [--sizes 1,10,100] [--jobs 1] [--executor local|dask]

With ``--executor dask`` the build starts a local Dask cluster of ``--jobs`` worker processes;
the peak memory is then the build process's only (resolution and exports), not the workers'.

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

BUILD = """
import json, resource, sys, time
from pathlib import Path
from kg.build import build
from kg.executors import make_executor
from kg.extract import load_pipeline
t = time.perf_counter()
jobs = int(sys.argv[3])
r = build([sys.argv[1]], Path(sys.argv[2]), html=False, jobs=jobs,
          executor=make_executor(sys.argv[4], jobs, warm=load_pipeline))
wall = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"wall": wall, "peak_mb": peak, "seconds": r.report["seconds"], "chars": r.report["counts"]["characters"],
                  "pages": len(r.corpus.sources), "articles": len(r.corpus.articles)}))
"""


def jieba_rates(text: str) -> tuple[float, float]:
    import jieba
    import jieba.posseg

    jieba.initialize()
    t = time.perf_counter()
    for _ in jieba.cut(text):
        pass
    cut = len(text) / (time.perf_counter() - t)
    t = time.perf_counter()
    for _ in jieba.posseg.cut(text):
        pass
    return cut, len(text) / (time.perf_counter() - t)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1,10,100", help="corpus sizes as multiples of the 5 seed pages")
    ap.add_argument("--jobs", type=int, default=1, help="kg build -j (default 1: one core)")
    ap.add_argument("--executor", choices=("local", "dask"), default="local",
                    help="where pages are extracted (dask: a local cluster of --jobs workers)")
    args = ap.parse_args()
    from rdf_store import make_corpus, seed_persons

    from kg.build import build

    with tempfile.TemporaryDirectory() as tmp:
        persons = seed_persons(build([str(ROOT / "seeds")], Path(tmp) / "seed-out", html=False))
        rows = []
        for size in (int(s) for s in args.sizes.split(",")):
            corpus, out = Path(tmp) / f"c{size}", Path(tmp) / f"o{size}"
            make_corpus(corpus, 5 * size, persons)
            done = subprocess.run([sys.executable, "-c", BUILD, str(corpus), str(out), str(args.jobs), args.executor],
                                  capture_output=True, text=True, check=True, cwd=ROOT)
            r = json.loads(done.stdout.strip().splitlines()[-1])
            sizes = {p.name: p.stat().st_size / 1e6 for p in out.iterdir() if p.is_file()}
            text = "".join(p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt")))
            cut, pos = jieba_rates(text) if size == min(int(s) for s in args.sizes.split(",")) or size <= 10 else (0, 0)
            rows.append((size, r, sizes, cut, pos))
            stages = ", ".join(f"{k} {r['chars'] / v / 1000:.0f}k/s" for k, v in r["seconds"].items() if v > 0.01)
            print(f"{size:>4}× seeds: {r['pages']} pages, {r['articles']} articles, {r['chars']:,} characters: "
                  f"{r['wall']:.1f} s = {r['chars'] / r['wall'] / 1000:.1f}k chars/s end to end, peak {r['peak_mb']:.0f} MB",
                  flush=True)
            print(f"       per stage: {stages}")
            print("       outputs MB: " + ", ".join(f"{k} {v:.1f}" for k, v in sorted(sizes.items())))
            if cut:
                print(f"       jieba.cut {cut / 1000:.0f}k chars/s, jieba.posseg.cut {pos / 1000:.0f}k chars/s on the same text")
        base = rows[0]
        print("\nsize  chars        seconds  k chars/s  peak MB  time / (size × time at 1×)")
        for size, r, _, _, _ in rows:
            ratio = r["wall"] / (base[1]["wall"] * size / base[0])
            print(f"{size:>4}× {r['chars']:>11,} {r['wall']:>9.1f} {r['chars'] / r['wall'] / 1000:>10.1f} {r['peak_mb']:>8.0f}"
                  f"  {ratio:.2f}")


if __name__ == "__main__":
    main()
