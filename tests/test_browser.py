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
