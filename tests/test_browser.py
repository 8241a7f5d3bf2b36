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
# and the big view's (big-graph.png, map-layout.png): `KG_SCREENSHOTS=docs pytest tests/test_browser.py -k big_view`
SCREENSHOTS_ENV = "KG_SCREENSHOTS"


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


INKED = """() => new Promise(done => {
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
})"""


def _shoot(page, name: str, publish: bool = False) -> Path:
    """A screenshot, and with ``publish`` also into $KG_SCREENSHOTS (README shows those from docs/)."""
    # the camera's moves (400 ms) end first
    page.wait_for_timeout(700)
    shot = page.shots / name
    page.screenshot(path=str(shot))
    if publish and os.environ.get(SCREENSHOTS_ENV):
        Path(os.environ[SCREENSHOTS_ENV]).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(os.environ[SCREENSHOTS_ENV]) / name)
    return shot


def _shown(page) -> list[str]:
    return page.evaluate("window.kgView.view().nodes()")


def _group(page, key: str) -> int:
    """The most precise group of the page's overview that ``key`` is in."""
    return page.evaluate(f"window.kgView.groups.member[window.kgView.data.nodes.id.indexOf({json.dumps(key)})]")


def _district(graph, name: str) -> str:
    return next(n for n, d in graph.nodes(data=True) if d["kind"] == "place" and d["label"] == name)


def test_big_view_asks_nothing_from_the_network(big_page):
    assert big_page.refused == []
    assert big_page.errors == []


def test_big_view_opens_on_the_overview_of_labelled_groups(big_page, big_graph):
    shown = _shown(big_page)
    groups = [k for k in shown if k.startswith("group:")]
    # readable: tens to a few hundred nodes, nearly all of them groups, each named with its count
    assert 10 <= len(shown) <= 300
    assert len(groups) >= 0.9 * len(shown)
    districts = {d["label"] for _n, d in big_graph.nodes(data=True) if d["kind"] == "place" and d["level"] == "district"}
    labels = big_page.evaluate("window.kgView.view().nodes().filter(k => k.startsWith('group:'))"
                               ".map(k => window.kgView.view().getNodeAttribute(k, 'label'))")
    assert {re.sub(r"（\d+）$", "", label) for label in labels} == districts
    # the counts add up to every node the districts hold
    assert sum(int(re.search(r"（(\d+)）$", label).group(1)) for label in labels) >= 50_000 - len(shown)
    # and every name is drawn, not only set
    drawn = set(big_page.evaluate("Array.from(window.kgView.renderer.displayedNodeLabels)"))
    assert set(groups) <= drawn
    inked = big_page.evaluate(INKED)
    assert inked > 5_000
    assert big_page.locator("#status").inner_text() == ""
    assert _shoot(big_page, "big-graph.png", publish=True).stat().st_size > 50_000


def test_big_view_clicking_a_group_opens_it_and_the_overview_comes_back(big_page, big_graph):
    first = sorted(_shown(big_page))
    district = _district(big_graph, "样区00007区")
    g = _group(big_page, district)
    # a click on the group where it is drawn
    at = big_page.evaluate(f"""() => {{
        const r = window.kgView.renderer, a = window.kgView.view().getNodeAttributes('group:{g}');
        const p = r.graphToViewport({{x: a.x, y: a.y}}), box = r.getContainer().getBoundingClientRect();
        return {{x: box.left + p.x, y: box.top + p.y}};
    }}""")
    big_page.mouse.click(at["x"], at["y"])
    big_page.wait_for_function(f"!window.kgView.view().hasNode('group:{g}')")
    shown = set(_shown(big_page))
    members = {n for n, d in big_graph.nodes(data=True) if d["kind"] != "source"
               and (n.startswith("person/样区00007区/") or d.get("jurisdiction") == district)}
    assert len(members) > 200 and members <= shown and district in shown
    assert "样区00007区" in big_page.inner_text("#details") and "人物" in big_page.inner_text("#details")
    # laid out where the group stood: its members' middle is near the group's place
    spread = big_page.evaluate(f"""() => {{
        const v = window.kgView.view(), xs = [], ys = [];
        {json.dumps(sorted(members))}.forEach(k => {{
            xs.push(v.getNodeAttribute(k, 'x')); ys.push(v.getNodeAttribute(k, 'y'));
        }});
        const g = window.kgView.groups, mean = a => a.reduce((s, x) => s + x, 0) / a.length;
        return Math.hypot(mean(xs) - g.x[{g}], mean(ys) - g.y[{g}]);
    }}""")
    assert spread < 10_000  # a tenth of the drawing's half-width
    _shoot(big_page, "big-group.png")
    big_page.locator(f'#opened button[data-group="{g}"]').click()
    assert sorted(_shown(big_page)) == first
    big_page.evaluate(f"window.kgView.expand({g})")
    big_page.click("#overview")
    assert sorted(_shown(big_page)) == first


def test_big_view_holds_every_node_and_edge(big_page, big_graph):
    drawable = {n for n, d in big_graph.nodes(data=True) if d["kind"] != "source"}
    drawn_edges = sum(1 for *_, d in big_graph.edges(data=True) if d["kind"] not in ("mentions", "in_file"))
    assert len(drawable) >= 50_000 and drawn_edges >= 150_000
    assert set(big_page.evaluate("window.kgView.graph.nodes()")) == drawable
    assert big_page.evaluate("window.kgView.graph.size") == drawn_edges
    assert "50001 个节点 · 150000 条关系" in big_page.inner_text("#stats")
    # every group opened, every node and edge is drawn
    big_page.click("#expand-all")
    assert set(_shown(big_page)) == drawable
    assert big_page.evaluate("window.kgView.view().size") == drawn_edges
    assert big_page.evaluate(INKED) > 50_000
    _shoot(big_page, "big-all.png")
    big_page.click("#overview")


def test_big_view_search_finds_a_node_not_shown_at_first_and_shows_its_evidence(big_page, big_graph):
    key = _quiet_person(big_graph)
    name = big_graph.nodes[key]["label"]
    big_page.click("#overview")
    # not drawn in the first view: its district stands for it
    assert not big_page.evaluate(f"window.kgView.view().hasNode({json.dumps(key)})")
    big_page.fill("#search", name)
    big_page.dispatch_event("#search", "input")
    assert name in big_page.eval_on_selector_all("#search-names option", "os => os.map(o => o.value)")
    big_page.press("#search", "Enter")
    big_page.wait_for_function(f"document.querySelector('#details .label')?.textContent === {json.dumps(name)}")
    # its district opened, so that it is drawn as itself
    assert big_page.evaluate(f"window.kgView.view().hasNode({json.dumps(key)})")
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
    district = key.split("/")[1]
    # a post in the person's own district, drawn once the district is open
    org = next(v for _u, v, d in big_graph.out_edges(key, data=True)
               if d["kind"] == "holds" and big_graph.nodes[v]["label"].startswith(district))
    big_page.evaluate(f"window.kgSelect({json.dumps(key)})")
    big_page.wait_for_timeout(800)  # the camera's move to the node (500 ms) ends
    # where the post's organisation is drawn, in page pixels
    at = big_page.evaluate(f"""() => {{
        const r = window.kgView.renderer, a = window.kgView.view().getNodeAttributes({json.dumps(org)});
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
    big_page.select_option("#hops", "1")


def test_big_view_map_layout_puts_places_at_their_coordinates(big_page, big_graph):
    big_page.click("#overview")
    big_page.check("#map-layout")
    # the camera glides to the new layout: read the screen once it is still, or the rows below
    # would be taken at different moments of the glide
    big_page.wait_for_function("() => !window.kgView.renderer.getCamera().isAnimated()", timeout=10_000)
    # each district's group, where the page draws it, beside its coordinates
    rows = []
    for n, d in big_graph.nodes(data=True):
        if d["kind"] == "place" and d["level"] == "district":
            g = _group(big_page, n)
            p = big_page.evaluate(f"""() => {{
                const r = window.kgView.renderer, a = window.kgView.view().getNodeAttributes('group:{g}');
                return r.graphToViewport({{x: a.x, y: a.y}});
            }}""")
            rows.append((d["lon"], d["lat"], p["x"], p["y"]))
    assert len(rows) == 100
    # a greater longitude is further right, a greater latitude higher up (screen y grows downwards)
    for lon, lat, x, y in rows:
        for lon2, lat2, x2, y2 in rows:
            if lon2 > lon:
                assert x2 > x
            if lat2 > lat:
                assert y2 < y
    # what a district holds hangs around it: a person nearer their own district than any other
    key = _quiet_person(big_graph)
    district = _district(big_graph, key.split("/")[1])
    big_page.evaluate(f"window.kgSelect({json.dumps(key)})")
    near = big_page.evaluate(f"""() => {{
        const v = window.kgView.view(), g = window.kgView.groups, p = v.getNodeAttributes({json.dumps(key)});
        const own = v.getNodeAttributes({json.dumps(district)});
        let best = Infinity;
        v.forEachNode((k, a) => {{ if (a.group !== undefined) best = Math.min(best, Math.hypot(a.x - p.x, a.y - p.y)); }});
        return [Math.hypot(own.x - p.x, own.y - p.y), best];
    }}""")
    assert near[0] < near[1]
    big_page.click("#overview")
    _shoot(big_page, "map-layout.png", publish=True)
    big_page.uncheck("#map-layout")
    assert big_page.errors == []
