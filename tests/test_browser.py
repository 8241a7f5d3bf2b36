"""graph.html in real headless Chromium (Debian's, installed by `make test`), driven by Playwright,
with every request that is not the page's own file refused: the page must work offline."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

# Flags of a root, offline, screenless machine: no sandbox, no GPU, no calls home.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
# Where the README's screenshot comes from: `KG_SCREENSHOT=docs/seeds-graph.png pytest tests/test_browser.py`
SCREENSHOT_ENV = "KG_SCREENSHOT"
# and the big view's: `KG_BIG_SCREENSHOT=docs/big-graph.png pytest tests/test_browser.py -k big_view_paints`
BIG_SCREENSHOT_ENV = "KG_BIG_SCREENSHOT"


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "Chromium is not installed: `make test` installs Debian's chromium and fonts-noto-cjk"
    return path


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def open_offline(browser, html: Path):
    """``html`` in a fresh context that refuses every request but for the page's own file, laid out
    and then held still so that clicks land where a test aims; the refused URLs and page errors
    are kept on the page."""
    refused: list[str] = []
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
    page.goto(html.as_uri())
    page.wait_for_function("window.network && window.network.body.data.nodes.length > 0", timeout=60_000)
    page.wait_for_function("""() => new Promise(done => {
        const n = window.network; n.once('stabilized', () => done(true)); n.stabilize(200);
    })""", timeout=120_000)
    page.evaluate("window.network.setOptions({physics: false})")
    page.refused, page.errors = refused, errors
    return page


@pytest.fixture(scope="module")
def page(browser, out_dir, tmp_path_factory):
    page = open_offline(browser, out_dir / "graph.html")
    page.shots = tmp_path_factory.mktemp("screenshots")
    yield page
    page.context.close()


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


# --- the career panel, on a build of made-up dated pages (tests/conftest.py's dated_build) ---------


@pytest.fixture(scope="module")
def careers_page(browser, dated_build):
    page = open_offline(browser, dated_build / "graph.html")
    yield page
    page.context.close()


def _select(page, name: str) -> None:
    page.fill("#search", name)
    page.press("#search", "Enter")
    page.wait_for_function(f"document.querySelector('#details .career-post') && "
                           f"document.querySelector('#details .tt-label').textContent === {json.dumps(name)}")


def _posts(page) -> list[str]:
    return page.eval_on_selector_all("#career .career-spell .career-post", "els => els.map(e => e.textContent)")


def test_a_selected_person_shows_their_posts_on_a_time_axis(careers_page):
    _select(careers_page, "李建华")
    starts = careers_page.eval_on_selector_all("#career .career-bar", "els => els.map(e => e.dataset.start)")
    assert len(starts) == 4
    assert starts == sorted(starts)
    posts = _posts(careers_page)
    assert posts[0] == "相山区人民政府副区长"  # before the transfer
    assert posts[-1] == "烈山区委副书记"  # last seen, months after it
    # the bars run left to right in time: the first starts left of the last
    lefts = careers_page.eval_on_selector_all("#career .career-bar", "els => els.map(e => e.getBoundingClientRect().left)")
    assert lefts[0] < lefts[-1]
    assert careers_page.errors == [] and careers_page.refused == []


def test_clicking_a_bar_shows_its_evidence(careers_page, dated_build):
    _select(careers_page, "李建华")
    careers_page.locator("#career .career-bar").first.click()
    evidence = careers_page.locator("#career .career-evidence")
    quote = evidence.locator("blockquote")
    sentence = "区委书记张国庆主持会议，副区长李建华出席会议并讲话。"
    assert quote.inner_text() == sentence
    assert quote.locator("mark").all_inner_texts() == ["李建华"]
    shown = evidence.inner_text()
    assert "2020-05-10.txt" in shown and "相山区召开农村工作会议" in shown
    # the offsets shown are where the sentence stands in the file
    start, end = map(int, re.search(r"(\d+)–(\d+)", evidence.locator("dt:text-is('字符位置') + dd").inner_text()).groups())
    assert (dated_build.parent / "pages" / "2020-05-10.txt").read_text(encoding="utf-8")[start:end] == sentence


def test_undated_posts_are_listed_below_the_axis_and_a_predecessor_can_be_followed(careers_page):
    _select(careers_page, "周海波")
    careers_page.locator("#career .career-links button", has_text="孙伟东").first.click()
    careers_page.wait_for_function("document.querySelector('#details .tt-label').textContent === '孙伟东'")
    assert careers_page.evaluate("window.network.getSelectedNodes()") == ["person/烈山区/孙伟东"]
    assert _posts(careers_page) == ["烈山区人民政府区长"]
    assert careers_page.locator("#career .career-undated .career-post").all_inner_texts() == ["烈山区委副书记"]
    careers_page.locator("#career .career-undated button").first.click()
    assert "区委副书记孙伟东主持会议" in careers_page.locator("#career .career-evidence blockquote").inner_text()


# --- the big view (kg/bigview.py): sigma.js over a generated graph of 50,000 nodes ----------------


@pytest.fixture(scope="module")
def big_graph():
    from synthetic import synthetic_graph

    return synthetic_graph(50_000, 150_000)


@pytest.fixture(scope="module")
def big_page(browser, big_graph, tmp_path_factory):
    from kg.render import render_html

    html = tmp_path_factory.mktemp("big") / "graph.html"
    render_html(big_graph, html, title="generated 50k")
    refused: list[str] = []
    context = browser.new_context(viewport={"width": 1400, "height": 900}, device_scale_factor=1)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://")
                  else (refused.append(r.request.url), r.abort()))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(html.as_uri(), timeout=300_000)
    page.wait_for_function("window.kgView && window.kgView.painted", timeout=300_000)
    page.refused, page.errors = refused, errors
    page.shots = tmp_path_factory.mktemp("big-screenshots")
    yield page
    context.close()


def _quiet_person(graph) -> str:
    """A person mentioned once, with a post: small, so not labelled in the first view."""
    for n, d in graph.nodes(data=True):
        if d["kind"] == "person" and d["mentions"] == 1 and any(e["kind"] == "holds" for *_, e in graph.out_edges(n, data=True)):
            return n
    raise AssertionError("the generated graph has no person mentioned once with a post")


def test_big_view_asks_nothing_from_the_network(big_page):
    assert big_page.refused == []
    assert big_page.errors == []


def test_big_view_paints_its_canvas(big_page):
    # a WebGL canvas is read while its frame is still there: right after sigma draws it
    inked = big_page.evaluate("""() => new Promise(done => {
        const r = window.kgView.renderer;
        r.once('afterRender', () => {
            const gl = document.querySelector('#graph canvas.sigma-nodes');
            const c = document.createElement('canvas');
            c.width = gl.width; c.height = gl.height;
            const ctx = c.getContext('2d');
            ctx.drawImage(gl, 0, 0);
            const d = ctx.getImageData(0, 0, c.width, c.height).data;
            let k = 0;
            for (let i = 3; i < d.length; i += 4) if (d[i] > 0) k++;
            done(k);
        });
        r.refresh();
    })""")
    assert inked > 50_000
    assert big_page.locator("#status").inner_text() == ""
    shot = big_page.shots / "big-graph.png"
    big_page.screenshot(path=str(shot))
    assert shot.stat().st_size > 50_000
    if os.environ.get(BIG_SCREENSHOT_ENV):
        Path(os.environ[BIG_SCREENSHOT_ENV]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, os.environ[BIG_SCREENSHOT_ENV])


def test_big_view_holds_every_node_and_edge(big_page, big_graph):
    drawable = {n for n, d in big_graph.nodes(data=True) if d["kind"] != "source"}
    drawn_edges = sum(1 for *_, d in big_graph.edges(data=True) if d["kind"] not in ("mentions", "in_file"))
    assert len(drawable) >= 50_000 and drawn_edges >= 150_000
    assert set(big_page.evaluate("window.kgView.graph.nodes()")) == drawable
    assert big_page.evaluate("window.kgView.graph.size") == drawn_edges
    assert "50001 个节点 · 150000 条关系" in big_page.inner_text("#stats")


def test_big_view_search_finds_a_node_not_labelled_at_first_and_shows_its_evidence(big_page, big_graph):
    key = _quiet_person(big_graph)
    name = big_graph.nodes[key]["label"]
    # not among the labels of the first view
    assert big_page.evaluate(f"window.kgView.renderer.getNodeDisplayData({json.dumps(key)}).size") < 7
    big_page.fill("#search", name)
    big_page.dispatch_event("#search", "input")
    assert name in big_page.eval_on_selector_all("#search-names option", "os => os.map(o => o.value)")
    big_page.press("#search", "Enter")
    big_page.wait_for_function(f"document.querySelector('#details .label')?.textContent === {json.dumps(name)}")
    details = big_page.inner_text("#details")
    _u, org, holds = next((u, v, d) for u, v, d in big_graph.out_edges(key, data=True) if d["kind"] == "holds")
    assert holds["sentence"] in details.replace("\n", "")
    article = big_graph.nodes[f"article/{holds['article']}"]
    assert f"报道日期 {article['date']}" in details
    assert f"字符 {holds['start']}–{holds['end']}" in details
    assert big_page.locator("#details mark", has_text=name).count() >= 1
    assert key in big_page.evaluate("window.kgView.highlighted()")


def test_big_view_clicking_a_node_on_the_canvas_shows_it(big_page, big_graph):
    key = _quiet_person(big_graph)
    org = next(v for _u, v, d in big_graph.out_edges(key, data=True) if d["kind"] == "holds")
    big_page.evaluate(f"window.kgSelect({json.dumps(key)})")
    big_page.wait_for_timeout(800)  # the camera's move to the node (500 ms) ends
    # where the post's organisation is drawn, in page pixels
    at = big_page.evaluate(f"""() => {{
        const r = window.kgView.renderer, a = window.kgView.graph.getNodeAttributes({json.dumps(org)});
        const p = r.graphToViewport({{x: a.x, y: a.y}}), box = r.getContainer().getBoundingClientRect();
        return {{x: box.left + p.x, y: box.top + p.y, inside: p.x > 0 && p.y > 0 && p.x < box.width && p.y < box.height}};
    }}""")
    assert at["inside"]
    big_page.mouse.click(at["x"], at["y"])
    label = big_graph.nodes[org]["label"]
    big_page.wait_for_function(f"document.querySelector('#details .label')?.textContent === {json.dumps(label)}")
    assert "任职" in big_page.inner_text("#details")


def test_big_view_filters_by_kind_and_widens_the_neighbourhood(big_page, big_graph):
    key = _quiet_person(big_graph)
    big_page.evaluate(f"window.kgSelect({json.dumps(key)})")
    one = len(big_page.evaluate("window.kgView.highlighted()"))
    big_page.select_option("#hops", "2")
    two = len(big_page.evaluate("window.kgView.highlighted()"))
    assert 1 < one < two
    big_page.uncheck('#kind-filter input[data-kind="person"]')
    hidden = big_page.evaluate(f"window.kgView.renderer.getNodeDisplayData({json.dumps(key)}).hidden")
    assert hidden is True
    big_page.check('#kind-filter input[data-kind="person"]')
    assert big_page.evaluate(f"window.kgView.renderer.getNodeDisplayData({json.dumps(key)}).hidden") is not True
