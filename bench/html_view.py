"""How graph.html copes with size: render time in Python (and the layout's share), page size, and
the time headless Chromium takes to the first drawn frame, for graphs of growing size (default
1,000 to 50,000 nodes with three edges a node). Prints figures; asserts nothing.

    python bench/html_view.py [--sizes 1000:3000,5000:15000,20000:60000,50000:150000]

Up to kg.bigview.BIG_VIEW_NODES drawable nodes the page is vis-network's, above it sigma.js's
(WebGL). The graphs are tests/synthetic.py's: generated, with the node and edge attributes of a
kg build (districts, people holding posts in organisations, meetings, articles, evidence
sentences). Chromium is Debian's (`make test` installs it), run with --disable-gpu as the browser
tests run it: WebGL is then drawn in software (SwiftShader), slower than on any real GPU.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
from synthetic import synthetic_graph  # noqa: E402

from kg import bigview  # noqa: E402
from kg.render import render_html  # noqa: E402

VIS_DRAWN = """() => new Promise(done => { window.network.once('afterDrawing', () => done(true));
                                          window.network.redraw(); })"""


def time_in_chromium(page_path: Path) -> tuple[float, int, dict]:
    """Seconds from navigation until a script on the page sees the first frame drawn (the page's
    main thread free again), the number of nodes in the page's graph, and the big view's own
    milliseconds since navigation at each step (unpacked data, graph built, sigma drawn)."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        raise SystemExit("Chromium is not installed (make test installs Debian's chromium)")
    flags = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage",
             "--disable-component-update", "--disable-sync", "--no-first-run"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=flags)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
        page.goto("about:blank")
        start = time.perf_counter()
        page.goto(page_path.as_uri(), wait_until="commit", timeout=600_000)
        page.wait_for_function("(window.network && window.network.body.data.nodes.length > 0)"
                               " || (window.kgView && window.kgView.painted)", timeout=600_000, polling=100)
        if page.evaluate("!!window.network"):
            page.evaluate(VIS_DRAWN)
            steps, count = {}, page.evaluate("window.network.body.data.nodes.length")
        else:
            steps, count = page.evaluate("window.kgView.timings"), page.evaluate("window.kgView.graph.order")
        seconds = time.perf_counter() - start
        browser.close()
    return seconds, count, steps


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000:3000,5000:15000,20000:60000,50000:150000", help="nodes:edges,… to measure")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes.split(","):
            n, m = (int(x) for x in size.split(":"))
            g = synthetic_graph(n, m)
            drawable = [v for v, d in g.nodes(data=True) if d["kind"] != "source"]
            page = Path(tmp) / f"graph-{n}.html"
            layout = 0.0
            if len(drawable) > bigview.BIG_VIEW_NODES:
                pairs = [(u, v) for u, v, d in g.edges(data=True) if d["kind"] not in ("mentions", "in_file")]
                t = time.perf_counter()
                bigview.group_layout(g, drawable, pairs)
                layout = time.perf_counter() - t
            t = time.perf_counter()
            render_html(g, page, title=f"bench {n}")
            render = time.perf_counter() - t
            draw, shown, steps = time_in_chromium(page)
            view = "sigma" if len(drawable) > bigview.BIG_VIEW_NODES else "vis"
            rows.append((n, m, view, render, layout, page.stat().st_size / 1e6, draw, shown))
            inside = ", ".join(f"{k} {v / 1000:.1f}" for k, v in steps.items())
            print(f"{n:>6} nodes {m:>6} edges ({view}): render {render:5.1f} s (layout {layout:4.1f}), "
                  f"page {rows[-1][5]:5.1f} MB, first frame after {draw:5.1f} s ({shown} nodes in the page)"
                  + (f"; in the page, s since navigation: {inside}" if inside else ""), flush=True)
    print("\nnodes   edges  view   render s  layout s  page MB  first frame s  nodes in page")
    for n, m, view, render, layout, mb, draw, shown in rows:
        print(f"{n:>5} {m:>7}  {view:<5} {render:>9.1f} {layout:>9.1f} {mb:>8.1f} {draw:>14.1f} {shown:>14}")


if __name__ == "__main__":
    main()
