"""CPU seconds of the export stage (RDF files; GraphML and node-link JSON) at growing sizes.

    python bench/export_stage.py [--sizes 1,10,20] [--runs 3] [--corpus DIR ...]

For each size, a corpus of that many times the five seed pages (names and districts varied, as
``bench/rdf_store.py`` makes them) is built once with ``kg.build.build``; then the export
functions run ``--runs`` times on the same graph and the least CPU time (``time.process_time``)
of the runs is printed for each, with the quads written, and the growth against the first size.
CPU time and best-of-N, because other processes share the machine. ``--corpus`` adds folders of
real pages (``../shared/dev/pages``). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def best(runs: int, fn) -> float:
    times = []
    for _ in range(runs):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return min(times)


def stages(graph, out: Path, runs: int) -> dict[str, float]:
    from kg.export import rdf_quads, write_graphml, write_node_link, write_rdf

    return {"rdf": best(runs, lambda: write_rdf(rdf_quads(graph), out)),
            "graphml": best(runs, lambda: write_graphml(graph, out / "graph.graphml")),
            "json": best(runs, lambda: write_node_link(graph, out / "graph.json"))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1,10,20", help="multiples of the 5 seed pages")
    ap.add_argument("--runs", type=int, default=3, help="runs of each writer; the least CPU time is kept")
    ap.add_argument("--corpus", action="append", default=[], help="a folder of real pages, measured as well")
    args = ap.parse_args()
    from rdf_store import make_corpus, seed_persons

    from kg.build import build

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        persons = seed_persons(build([str(ROOT / "seeds")], tmp / "seed-out", html=False))
        corpora = []
        for size in (int(s) for s in args.sizes.split(",")):
            make_corpus(tmp / f"c{size}", 5 * size, persons)
            corpora.append((f"{size}x seeds", tmp / f"c{size}", size))
        corpora += [(Path(c).name if Path(c).name != "pages" else Path(c).parent.name, Path(c), None)
                    for c in args.corpus]
        print(f"{'corpus':<14}{'quads':>9}{'rdf s':>9}{'graphml s':>11}{'json s':>9}   growth vs first size (rdf, graphml, json)")
        first = None
        for name, folder, size in corpora:
            out = tmp / "out"
            graph = build([str(folder)], out, html=False).graph
            figures = stages(graph, out, args.runs)
            with (out / "graph.nq").open(encoding="utf-8") as fh:
                quads = sum(1 for _ in fh)
            growth = ""
            if size is not None:
                if first is None:
                    first = (size, figures)
                else:
                    k = size / first[0]
                    growth = ", ".join(f"×{figures[s] / first[1][s]:.1f}" for s in ("rdf", "graphml", "json"))
                    growth = f"×{k:g} data: {growth}"
            print(f"{name:<14}{quads:>9,}{figures['rdf']:>9.3f}{figures['graphml']:>11.3f}{figures['json']:>9.3f}   {growth}")


if __name__ == "__main__":
    main()
