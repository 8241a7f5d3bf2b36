"""How graph.html copes with size: render time in Python, page size, and the time headless
Chromium takes to show a drawn network, for graphs of growing size (default up to 5,000 nodes and
20,000 edges). Prints figures; asserts nothing.

    python bench/html_view.py [--sizes 500:2000,2000:8000,5000:20000]

The graphs are synthetic but shaped like kg's: people, organisations, places, initiatives,
meetings and articles with Chinese labels, holds / part_of / located_in / chaired / authored edges
with evidence sentences. Chromium is Debian's (`make test` installs it).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from kg.render import render_html  # noqa: E402

SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
            "余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
GIVEN = "明华建国志勇军伟强平东文辉力永刚海波宁红霞丽娟艳芳玲燕敏静婷雪梅兰英秀云峰磊超涛斌鹏飞宇浩凯"
ORG_TAILS = ["委", "人民政府", "财政局", "教育局", "民政局", "人大常委会", "政协", "纪委", "住建局", "卫健委"]
TITLES = ["书记", "副书记", "区长", "副区长", "局长", "副局长", "主任", "副主任", "主席"]
KINDS = [("person", 0.40), ("organization", 0.25), ("place", 0.10), ("initiative", 0.08), ("meeting", 0.05),
         ("article", 0.12)]


def synthetic_graph(n_nodes: int, n_edges: int, seed: int = 7) -> nx.MultiDiGraph:
    rng = random.Random(seed)
    g = nx.MultiDiGraph()
    by_kind: dict[str, list[str]] = {k: [] for k, _ in KINDS}
    for i in range(n_nodes):
        kind = rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
        if kind == "person":
            label = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
        elif kind == "organization":
            label = f"第{i}区" + rng.choice(ORG_TAILS)
        elif kind == "place":
            label = f"第{i}" + rng.choice(["区", "街道", "镇", "社区", "村"])
        elif kind == "article":
            label = f"第{i}区召开全区重点工作推进会议"
        else:
            label = f"“第{i}号”专项行动" if kind == "initiative" else f"第{i}次常委会会议"
        key = f"{kind}/{i}"
        g.add_node(key, kind=kind, label=label, aliases=[], mentions=rng.randint(1, 30),
                   articles=[f"page{i % 97}.txt#{i % 7}"])
        by_kind[kind].append(key)
    relations = [("holds", "person", "organization"), ("part_of", "organization", "place"),
                 ("located_in", "place", "place"), ("chaired", "person", "meeting"), ("attended", "person", "meeting"),
                 ("authored", "article", "person"), ("runs", "organization", "initiative")]
    for j in range(n_edges):
        kind, a, b = rng.choice(relations)
        u, v = rng.choice(by_kind[a]), rng.choice(by_kind[b])
        label = rng.choice(TITLES) if kind == "holds" else kind
        g.add_edge(u, v, kind=kind, label=label, title=label, article=f"page{j % 97}.txt#{j % 7}",
                   file=f"page{j % 97}.txt", sentence=f"区委书记{g.nodes[u]['label']}主持会议并讲话，强调要抓好落实。",
                   rule="post-chain")
    return g


def time_in_chromium(page_path: Path) -> tuple[float, int]:
    """Seconds from navigation to the first frame drawn after the network is built, and the
    number of nodes in the page's dataset."""
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
        start = time.perf_counter()
        page.goto(page_path.as_uri(), timeout=600_000)
        page.wait_for_function("window.network && window.network.body.data.nodes.length > 0", timeout=600_000)
        page.evaluate("""() => new Promise(done => { window.network.once('afterDrawing', () => done(true));
                                                    window.network.redraw(); })""")
        seconds = time.perf_counter() - start
        count = page.evaluate("window.network.body.data.nodes.length")
        browser.close()
    return seconds, count


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="500:2000,2000:8000,5000:20000", help="nodes:edges,… to measure")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes.split(","):
            n, m = (int(x) for x in size.split(":"))
            g = synthetic_graph(n, m)
            page = Path(tmp) / f"graph-{n}.html"
            t = time.perf_counter()
            render_html(g, page, title=f"bench {n}")
            render = time.perf_counter() - t
            draw, shown = time_in_chromium(page)
            rows.append((n, m, render, page.stat().st_size / 1e6, draw, shown))
            print(f"{n:>6} nodes {m:>6} edges: render {render:6.1f} s, page {rows[-1][3]:5.1f} MB, "
                  f"drawn in Chromium after {draw:6.1f} s ({shown} nodes in the page)", flush=True)
    print("\nnodes   edges   render s   page MB   first frame s   nodes drawn")
    for n, m, render, mb, draw, shown in rows:
        print(f"{n:>5} {m:>7} {render:>10.1f} {mb:>9.1f} {draw:>15.1f} {shown:>13}")


if __name__ == "__main__":
    main()
