"""graph.html in real headless Chromium (Debian's, installed by `make test`), driven by Playwright,
with every request that is not the page's own file refused: the page must work offline."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

# Flags of a root, offline, screenless machine: no sandbox, no GPU, no calls home.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
# Where the README's screenshot comes from: `KG_SCREENSHOT=docs/seeds-graph.png pytest tests/test_browser.py`
SCREENSHOT_ENV = "KG_SCREENSHOT"


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "Chromium is not installed: `make test` installs Debian's chromium and fonts-noto-cjk"
    return path


@pytest.fixture(scope="module")
def page(out_dir, tmp_path_factory):
    refused: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900}, device_scale_factor=1)

        def unplugged(route):
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                refused.append(route.request.url)
                route.abort()

        context.route("**/*", unplugged)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.goto((out_dir / "graph.html").as_uri())
        page.wait_for_function("window.network && window.network.body.data.nodes.length > 0", timeout=60_000)
        # let the layout settle, then hold it still so that clicks land where the test aims
        page.wait_for_function("""() => new Promise(done => {
            const n = window.network; n.once('stabilized', () => done(true)); n.stabilize(200);
        })""", timeout=120_000)
        page.evaluate("window.network.setOptions({physics: false})")
        page.refused, page.errors = refused, errors
        page.shots = tmp_path_factory.mktemp("screenshots")
        yield page
        browser.close()


def test_the_page_asks_nothing_from_the_network(page):
    assert page.refused == []
    assert page.errors == []


def test_the_canvas_draws(page):
    # read the pixels right after a frame is drawn (a resize clears the canvas until the next one)
    inked = page.evaluate("""() => new Promise(done => {
        const n = window.network;
        n.once('afterDrawing', ctx => {
            const c = ctx.canvas, d = ctx.getImageData(0, 0, c.width, c.height).data;
            let k = 0;
            for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240)) k++;
            done(k);
        });
        n.redraw();
    })""")
    assert inked > 5000
    shot = page.shots / "graph.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000
    if os.environ.get(SCREENSHOT_ENV):
        Path(os.environ[SCREENSHOT_ENV]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, os.environ[SCREENSHOT_ENV])


def test_the_page_holds_every_node_of_the_graph(page, out_dir):
    graph = json.loads((out_dir / "graph.json").read_text(encoding="utf-8"))
    drawable = {n["id"] for n in graph["nodes"] if n.get("kind") != "source"}
    ids = set(page.evaluate("window.network.body.data.nodes.getIds()"))
    assert ids == drawable


def test_searching_a_name_focuses_its_node(page):
    page.fill("#search", "孙露露")
    page.press("#search", "Enter")
    page.wait_for_function("window.network.getSelectedNodes().length === 1")
    [selected] = page.evaluate("window.network.getSelectedNodes()")
    label = page.evaluate(f"window.network.body.data.nodes.get({json.dumps(selected)}).name")
    assert label == "孙露露"
    assert "孙露露" in page.inner_text("#details")
    assert "烈山区委" in page.inner_text("#details")


def test_clicking_an_edge_shows_its_evidence(page):
    # 刘明's neighbourhood only, so that no other edge crosses the one clicked
    page.fill("#search", "刘明")
    page.press("#search", "Enter")
    page.click("#neighbourhood")
    edge = page.evaluate("""() => {
        const data = window.network.body.data;
        const liu = data.nodes.get({filter: n => n.name === '刘明'})[0];
        return data.edges.get({filter: e => e.from === liu.id && e.kind === 'holds'})[0];
    }""")
    # bring the edge's middle to the centre of the view, then click it as a user would
    page.evaluate(f"""() => {{
        const n = window.network, p = n.getPositions([{json.dumps(edge['from'])}, {json.dumps(edge['to'])}]);
        const a = p[{json.dumps(edge['from'])}], b = p[{json.dumps(edge['to'])}];
        n.moveTo({{position: {{x: (a.x + b.x) / 2, y: (a.y + b.y) / 2}}, scale: 1.5}});
    }}""")
    page.wait_for_timeout(300)
    box = page.locator("#graph canvas").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("window.network.getSelectedEdges().length > 0")
    details = page.inner_text("#details")
    assert "区委书记刘明主持会议并讲话" in details
    assert "000_96c8e21aadbbbbe2.txt" in details
    page.screenshot(path=str(page.shots / "evidence.png"))
