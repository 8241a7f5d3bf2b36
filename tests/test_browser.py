"""graph.html in real headless Chromium (Debian's, installed by `make test`), driven by Playwright,
with every request that is not the page's own file refused: the page must work offline."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from conftest import seed_text
from playwright.sync_api import sync_playwright

from kg.explain import describe_rule

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


def test_clicking_an_edge_shows_its_evidence(page, out_dir):
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
    # reviewable: the name marked, the report's date, the offsets into the file, the rule in words
    quote = page.locator("#details .observation blockquote").first
    assert "刘明" in quote.locator("mark").all_inner_texts()
    shown = {dt: dd for dt, dd in zip(page.locator("#details .observation dt").all_inner_texts(),
                                      page.locator("#details .observation dd").all_inner_texts(), strict=True)}
    start, end = map(int, re.fullmatch(r"(\d+)–(\d+)", shown["字符位置"]).groups())
    # the page's layout broke this sentence over lines, which the segmenter joins again
    assert re.sub(r"\s", "", seed_text("000_96c8e21aadbbbbe2.txt")[start:end]) == quote.inner_text()
    graph = json.loads((out_dir / "graph.json").read_text(encoding="utf-8"))
    date = next(n["date"] for n in graph["nodes"] if n["id"] == "article/" + edge["evidence"]["article"])
    month, day = re.fullmatch(r"--(\d\d)-(\d\d)", date).groups()  # the seeds give no year
    assert shown["报道日期"].startswith(f"{int(month)}月{int(day)}日")
    assert shown["抽取依据"] == describe_rule(edge["evidence"]["rule"], "zh") != edge["evidence"]["rule"]
    assert edge["evidence"]["rule"] not in page.inner_text("#details")


def test_a_laying_out_indicator_shows_while_vis_stabilises(browser, out_dir):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://") else route.abort())
    # every change of the indicator, from before the page's script runs
    context.add_init_script("""
        window.layoutStates = [];
        new MutationObserver(() => {
            const box = document.getElementById('layout');
            if (box) window.layoutStates.push({shown: getComputedStyle(box).display !== 'none', text: box.textContent});
        }).observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
    """)
    page = context.new_page()
    try:
        page.goto((out_dir / "graph.html").as_uri())
        page.wait_for_function("document.getElementById('layout').hidden", timeout=120_000)
        states = page.evaluate("window.layoutStates")
        progress = [int(m.group(1)) for s in states if s["shown"] and (m := re.search(r"(\d+)%", s["text"]))]
        assert progress and progress == sorted(progress) and progress[0] < 100
        assert all("正在布局" in s["text"] for s in states if s["shown"])
        assert states[-1]["shown"] is False
        assert page.evaluate("window.network.physics.ready && !window.network.physics.options.enabled")
    finally:
        context.close()


def _dom_position(page, node_id: str) -> dict:
    return page.evaluate(f"""() => {{
        const n = window.network, id = {json.dumps(node_id)};
        return n.canvasToDOM(n.getPositions([id])[id]);
    }}""")


def test_the_hover_card_does_not_cover_the_node_or_its_neighbours(page):
    page.click("#show-all")
    page.fill("#search", "刘明")
    page.press("#search", "Enter")
    liu = page.evaluate("window.network.getSelectedNodes()[0]")
    page.evaluate(f"""() => {{
        const n = window.network, id = {json.dumps(liu)};
        n.moveTo({{position: n.getPositions([id])[id], scale: 1.2}});
    }}""")
    box = page.locator("#graph canvas").bounding_box()
    at = _dom_position(page, liu)
    page.mouse.move(box["x"] + at["x"] - 4, box["y"] + at["y"] - 4)
    page.mouse.move(box["x"] + at["x"], box["y"] + at["y"], steps=3)
    card = page.locator("#card")
    card.wait_for(state="visible")
    assert card.locator(".tt-label").inner_text() == "刘明"
    rect = card.bounding_box()
    neighbours = page.evaluate(f"""() => {{
        const id = {json.dumps(liu)}, data = window.network.body.data;
        return data.edges.get({{filter: e => e.from === id || e.to === id}}).map(e => e.from === id ? e.to : e.from);
    }}""")
    assert neighbours
    for node in [liu, *neighbours]:
        p = _dom_position(page, node)
        x, y = box["x"] + p["x"], box["y"] + p["y"]
        assert not (rect["x"] - 20 <= x <= rect["x"] + rect["width"] + 20
                    and rect["y"] - 20 <= y <= rect["y"] + rect["height"] + 20), node
    page.screenshot(path=str(page.shots / "hover.png"))
    # off to a spot with nothing drawn on it, the card goes
    empty = page.evaluate("""() => {
        const n = window.network, c = n.canvas.frame.canvas;
        for (let y = 10; y < c.clientHeight; y += 15) for (let x = 10; x < c.clientWidth; x += 15)
            if (n.getNodeAt({x, y}) === undefined && n.getEdgeAt({x, y}) === undefined) return {x, y};
    }""")
    page.mouse.move(box["x"] + empty["x"], box["y"] + empty["y"], steps=3)
    card.wait_for(state="hidden")


def test_a_relation_seen_in_several_reports_is_listed_once_with_its_count(page, out_dir):
    graph = json.loads((out_dir / "graph.json").read_text(encoding="utf-8"))
    kinds = {n["id"]: n["kind"] for n in graph["nodes"]}
    seen = Counter((e["source"], e["target"], e["kind"], e.get("label")) for e in graph["edges"]
                   if e["kind"] not in ("mentions", "in_file") and kinds[e["source"]] == "person")
    (person, _, _, post), count = seen.most_common(1)[0]
    assert count > 1
    page.evaluate(f"window.kgSelect({json.dumps(person)})")
    relations = Counter((e["source"], e["target"], e["kind"], e.get("label")) for e in graph["edges"]
                        if person in (e["source"], e["target"]) and e["kind"] not in ("mentions", "in_file")
                        and kinds[e["source"]] != "source" and kinds[e["target"]] != "source")
    lines = page.locator("#details .rels li").all_inner_texts()
    assert len(lines) == len(relations)
    assert len(set(lines)) == len(lines)
    assert [line for line in lines if line.startswith(f"→ {post} ")][0].endswith(f"×{count}")
    # the card lists the post once, with how often it was reported
    posts = page.locator("#details .tt li").all_inner_texts()
    assert len([p for p in posts if p.startswith(post + "（")]) == 1
    assert any(p.startswith(post + "（") and p.endswith(f"×{count}") for p in posts)
    # its evidence shows every report of it
    page.locator("#details .rels button", has_text=f"→ {post} ").first.click()
    assert page.locator("#details .observation").count() == count


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
