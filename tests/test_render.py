import json
import re

import networkx as nx
import pytest

from kg.render import render_html

ATTACK = "<script>alert(1)</script>"
SENTENCE = "区委书记刘明主持会议并讲话。"


def _edge(g, u, v, kind, label, key=None, sentence="", article="", file=""):
    g.add_edge(
        u,
        v,
        key=key or kind,
        kind=kind,
        label=label,
        article=article,
        file=file,
        sentence=sentence,
        start=-1,
        end=-1,
        rule="test",
    )


def small_graph() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    aid = "page1.txt#0"
    g.add_node("source/page1.txt", kind="source", label="page1.txt", aliases=[], mentions=0, articles=[])
    g.add_node(
        f"article/{aid}",
        kind="article",
        label="烈山区委常委会召开扩大会议",
        aliases=[],
        mentions=0,
        articles=[aid],
        file="page1.txt",
        date="2025-09-12",
        headline="烈山区委常委会召开扩大会议",
    )
    g.add_node("person/刘明", kind="person", label="刘明", aliases=["刘书记"], mentions=4, articles=[aid])
    g.add_node("person/于晓", kind="person", label="于晓", aliases=[], mentions=1, articles=[aid])
    g.add_node(
        "organization/烈山区委", kind="organization", label="烈山区委", aliases=["区委"], mentions=3, articles=[aid]
    )
    g.add_node("place/烈山区", kind="place", label="烈山区", aliases=[], mentions=2, articles=[aid])
    g.add_node("initiative/x", kind="initiative", label=ATTACK, aliases=[ATTACK], mentions=1, articles=[aid])
    _edge(
        g, "person/刘明", "organization/烈山区委", "holds", "区委书记", sentence=SENTENCE, article=aid, file="page1.txt"
    )
    g.edges["person/刘明", "organization/烈山区委", "holds"]["title"] = "区委书记"
    _edge(g, "organization/烈山区委", "place/烈山区", "located_in", "位于")
    _edge(g, "organization/烈山区委", "initiative/x", "runs", ATTACK, sentence=ATTACK, article=aid, file="page1.txt")
    _edge(g, f"article/{aid}", "person/于晓", "authored", "记者", article=aid, file="page1.txt")
    _edge(g, f"article/{aid}", "source/page1.txt", "in_file", "刊于", article=aid, file="page1.txt")
    for n in ("person/刘明", "person/于晓", "organization/烈山区委", "place/烈山区", "initiative/x"):
        _edge(g, f"article/{aid}", n, "mentions", "提及", article=aid, file="page1.txt")
    return g


def page_data(text: str) -> dict:
    m = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', text, re.S)
    assert m, "embedded graph data not found"
    return json.loads(m.group(1))


@pytest.fixture()
def rendered(tmp_path):
    out = tmp_path / "graph.html"
    render_html(small_graph(), out, title="测试图谱")
    return out, out.read_text(encoding="utf-8")


def test_file_written(rendered):
    out, text = rendered
    assert out.is_file()
    assert text.lstrip().lower().startswith("<!doctype html>")
    assert [p.name for p in out.parent.iterdir()] == ["graph.html"]  # no temp file left behind


def test_no_remote_resources(rendered):
    _, text = rendered
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", text, re.I)
    assert not re.search(r"<link\b", text, re.I)
    assert not re.search(r"@import|@font-face", text, re.I)


def test_vis_network_inlined(rendered):
    _, text = rendered
    assert "<script src" not in text.replace(" ", "")
    assert "vis-network" in text
    assert "DataSet" in text and len(text) > 300_000  # the minified library itself
    assert "window.network = network" in text
    assert "window.nodes = nodes" in text and "window.edges = edges" in text


def test_chinese_labels_and_font(rendered):
    _, text = rendered
    for s in ("刘明", "区委书记", "烈山区委", "烈山区", "于晓", "记者", "测试图谱"):
        assert s in text
    assert "Noto Sans CJK SC" in text


def test_attacker_label_escaped(rendered):
    _, text = rendered
    assert ATTACK not in text
    assert "<script>alert" not in text
    data = page_data(text)
    labels = {n["name"] for n in data["nodes"]}
    assert ATTACK in labels  # the text survives, only escaped
    title = next(n["title"] for n in data["nodes"] if n["id"] == "initiative/x")
    assert "&lt;script&gt;" in title and "<script" not in title


def test_hidden_kinds_not_drawn(rendered):
    _, text = rendered
    data = page_data(text)
    ids = {n["id"] for n in data["nodes"]}
    assert "source/page1.txt" not in ids
    assert {n["kind"] for n in data["nodes"]} == {"article", "person", "organization", "place", "initiative"}
    kinds = [e["kind"] for e in data["edges"]]
    assert "mentions" not in kinds and "in_file" not in kinds
    assert sorted(kinds) == ["authored", "holds", "located_in", "runs"]


def test_tooltip_and_evidence(rendered):
    _, text = rendered
    data = page_data(text)
    liu = next(n for n in data["nodes"] if n["id"] == "person/刘明")
    assert "区委书记（烈山区委）" in liu["title"]
    assert "刘书记" in liu["title"]
    assert "烈山区委常委会召开扩大会议" in liu["title"]
    holds = next(e for e in data["edges"] if e["kind"] == "holds")
    assert holds["label"] == "区委书记"
    assert holds["evidence"]["sentence"] == SENTENCE
    assert holds["evidence"]["headline"] == "烈山区委常委会召开扩大会议"
    assert holds["evidence"]["file"] == "page1.txt"


def test_small_graph_uses_physics(rendered):
    _, text = rendered
    data = page_data(text)
    assert data["options"]["physics"]["enabled"] is True
    assert data["options"]["physics"]["stabilization"]["iterations"] > 0
    assert "showing" not in text


def test_pruning_note(tmp_path):
    out = tmp_path / "pruned.html"
    render_html(small_graph(), out, max_nodes=3)
    text = out.read_text(encoding="utf-8")
    assert "showing 3 of 6 nodes" in text
    data = page_data(text)
    ids = {n["id"] for n in data["nodes"]}
    assert len(ids) == 3
    assert "organization/烈山区委" in ids  # highest degree survives
    assert all(e["from"] in ids and e["to"] in ids for e in data["edges"])


def test_big_graph_laid_out_in_python(tmp_path):
    g = nx.MultiDiGraph()
    for i in range(600):
        g.add_node(f"person/{i}", kind="person", label=f"人物{i}", aliases=[], mentions=1, articles=[])
    for i in range(1, 600):
        _edge(g, f"person/{i}", f"person/{i // 3}", "part_of", "隶属")
    out = tmp_path / "big.html"
    render_html(g, out, max_nodes=500)
    data = page_data(out.read_text(encoding="utf-8"))
    assert len(data["nodes"]) == 500
    assert data["options"]["physics"]["enabled"] is False
    assert data["options"]["layout"]["improvedLayout"] is False
    assert data["options"]["edges"]["smooth"] is False
    assert all(isinstance(n.get("x"), float) and isinstance(n.get("y"), float) for n in data["nodes"])
    assert len({(n["x"], n["y"]) for n in data["nodes"]}) > 450


# --- kg view: one node's neighbourhood, from the build's graph.json ---------------------------------


def test_focus_keeps_what_lies_within_the_hops(out_dir):
    from kg.export import read_node_link
    from kg.render import focus

    graph = read_node_link(out_dir / "graph.json")
    world = focus(graph, "刘明", hops=1)
    labels = {d["label"] for _, d in world.nodes(data=True)}
    assert {"刘明", "烈山区委"} <= labels
    assert "卫东区委" not in labels  # another district's committee lies farther away
    assert not any(d["kind"] == "source" for _, d in world.nodes(data=True))
    wider = focus(graph, "刘明", hops=2)
    assert wider.number_of_nodes() > world.number_of_nodes()
    # headlines stay available to the tooltips even though article nodes are not drawn
    assert any("巩固拓展学习教育成果" in h for h in wider.graph["headlines"].values())


def test_focus_on_an_unknown_name_raises(out_dir):
    from kg.export import read_node_link
    from kg.render import focus

    with pytest.raises(KeyError):
        focus(read_node_link(out_dir / "graph.json"), "不存在的人")


def test_kg_view_writes_a_focused_page(out_dir, tmp_path):
    from kg.cli import main

    target = tmp_path / "liu.html"
    assert main(["view", str(out_dir), "--focus", "刘明", "--hops", "1", "-o", str(target)]) == 0
    page = target.read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S).group(1))
    names = {n["name"] for n in data["nodes"]}
    assert "刘明" in names and "卫东区委" not in names
    assert main(["view", str(out_dir), "--focus", "不存在的人", "-o", str(tmp_path / "x.html")]) == 2


# --- the career panel: each drawn person's spells, embedded once, in order, with evidence -----------

OLD_POST = "区长刘明到古饶镇调研。"  # a sentence that only a spell cites, so it must be in the page once


def _spell(person, org, title, first, last, began=None, sentence="", article="", file="", start=-1, end=-1, **more):
    return {"person": person, "org": org, "title": title, "first": first, "last": last, "began": began,
            "ended": None, "articles": [article] if article else [], "jurisdiction": "place/烈山区",
            "category": more.pop("category", "government"), "rank": more.pop("rank", ""), "acting": False,
            "deputy": False, "executive": False, "predecessor": more.pop("predecessor", ""),
            "successor": more.pop("successor", ""),
            "evidence": {"article": article, "file": file, "sentence": sentence, "start": start, "end": end}}


def career_graph() -> nx.MultiDiGraph:
    """刘明: secretary of the district committee after being district head, and once in an undated
    report a member of the people's congress; the spells are listed out of order."""
    g = small_graph()
    g.add_node("article/page0.txt#0", kind="article", label="刘明到古饶镇调研", aliases=[], mentions=0,
               articles=["page0.txt#0"], file="page0.txt", date="2020-04-01", headline="刘明到古饶镇调研")
    g.add_node("org/烈山区人民政府", kind="organization", label="烈山区人民政府", aliases=[], mentions=1, articles=[])
    g.add_node("org/烈山区人大常委会", kind="organization", label="烈山区人大常委会", aliases=[], mentions=1, articles=[])
    g.graph["spells"] = [
        _spell("person/刘明", "organization/烈山区委", "书记", "2023-01-05", "2025-09-12", category="party",
               rank="正处级", sentence=SENTENCE, article="page1.txt#0", file="page1.txt", start=10, end=24),
        _spell("person/刘明", "org/烈山区人大常委会", "委员", None, None, category="congress",
               sentence="刘明等当选委员。", file="page9.txt"),
        _spell("person/刘明", "org/烈山区人民政府", "区长", "2020-04-01", "2022-12-01", began="2020-03-01",
               rank="正处级", sentence=OLD_POST, article="page0.txt#0", file="page0.txt", start=3, end=14,
               predecessor="person/烈山区/王建国", successor="person/于晓"),
    ]
    return g


@pytest.fixture()
def career_page(tmp_path):
    out = tmp_path / "career.html"
    render_html(career_graph(), out)
    return out.read_text(encoding="utf-8")


def test_career_panel_data_holds_a_persons_spells_in_order(career_page):
    careers = page_data(career_page)["careers"]
    assert set(careers) == {"person/刘明"}  # 于晓 holds no post
    spells = careers["person/刘明"]["spells"]
    assert [s["post"] for s in spells] == ["烈山区人民政府区长", "烈山区委书记", "烈山区人大常委会委员"]
    assert [s.get("start") for s in spells] == ["2020-03-01", "2023-01-05", None]  # an appointment opens a spell
    assert [s.get("end") for s in spells] == ["2022-12-01", "2025-09-12", None]
    assert spells[0]["startSource"] == "appointed" and spells[1]["startSource"] == "first seen"
    assert [s["category"] for s in spells] == ["government", "party", "congress"]
    assert spells[1]["rank"] == "正处级" and "rank" not in spells[2]  # unknown: left out, not an empty string


def test_career_panel_spells_carry_their_evidence(career_page):
    head = page_data(career_page)["careers"]["person/刘明"]["spells"][0]
    assert head["evidence"] == {"sentence": OLD_POST, "file": "page0.txt", "article": "page0.txt#0",
                                "headline": "刘明到古饶镇调研", "date": "2020-04-01", "start": 3, "end": 14}
    # a predecessor outside the graph keeps its name; a successor in it keeps its key to be selected
    assert head["predecessor"] == {"id": "person/烈山区/王建国", "name": "王建国"}
    assert head["successor"] == {"id": "person/于晓", "name": "于晓"}
    assert career_page.count(OLD_POST) == 1  # the spells are embedded once, not per node


def test_career_panel_keeps_only_drawn_people(tmp_path):
    out = tmp_path / "pruned.html"
    render_html(career_graph(), out, max_nodes=1)
    data = page_data(out.read_text(encoding="utf-8"))
    drawn = {n["id"] for n in data["nodes"]}
    assert "person/刘明" not in drawn
    assert data["careers"] == {}


def test_a_career_page_opens_on_its_person(tmp_path, rendered):
    out = tmp_path / "liu.html"
    render_html(career_graph(), out, career="person/刘明")
    text = out.read_text(encoding="utf-8")
    assert page_data(text)["career"] == "person/刘明"
    assert '<body class="career-page">' in text
    assert page_data(rendered[1])["career"] is None


def test_people_named_by_name_alias_or_key():
    from kg.render import people_named

    g = career_graph()
    g.add_node("person/相山区/刘明", kind="person", label="刘明", aliases=[], mentions=1, articles=[])
    g.add_node("person/烈山区/李建华", kind="person", label="李建华", aliases=[], mentions=1, articles=[],
               merged_keys=["person/相山区/李建华"])
    assert people_named(g, "刘明") == ["person/刘明", "person/相山区/刘明"]
    assert people_named(g, "刘书记") == ["person/刘明"]
    assert people_named(g, "person/相山区/刘明") == ["person/相山区/刘明"]
    assert people_named(g, "person/相山区/李建华") == ["person/烈山区/李建华"]  # merged into the other node
    assert people_named(g, "烈山区委") == []  # not a person


def test_tooltip_dates_a_post_written_as_acting_in_full(tmp_path):
    g = career_graph()
    _edge(g, "person/刘明", "org/烈山区人民政府", "holds", "代理区长", key="acting")
    g.edges["person/刘明", "org/烈山区人民政府", "acting"]["title"] = "代理区长"
    # the careers stage keeps one spell per post however 代理 is written
    g.graph["spells"].append(_spell("person/刘明", "org/烈山区人民政府", "代区长", "2019-06-01", "2019-12-01"))
    render_html(g, tmp_path / "g.html")
    liu = next(n for n in page_data((tmp_path / "g.html").read_text(encoding="utf-8"))["nodes"] if n["id"] == "person/刘明")
    assert "代理区长（烈山区人民政府） 2019-06-01—2019-12-01" in liu["title"]


# --- the big view: above BIG_VIEW_NODES drawable nodes graph.html is the sigma.js page ---------------


def big_page_data(text: str) -> dict:
    import base64
    import gzip

    m = re.search(r'<script type="application/octet-stream" id="kg-data" data-encoding="gzip\+base64">(.*?)</script>',
                  text, re.S)
    assert m, "packed graph data not found"
    return json.loads(gzip.decompress(base64.b64decode(m.group(1))))


def test_the_switch_to_the_big_view(tmp_path):
    from synthetic import synthetic_graph

    from kg.bigview import BIG_VIEW_NODES
    from kg.explain import describe_rule

    g = synthetic_graph(BIG_VIEW_NODES + 300, 3 * BIG_VIEW_NODES)
    drawable = [n for n, d in g.nodes(data=True) if d["kind"] != "source"]
    assert len(drawable) > BIG_VIEW_NODES
    render_html(g, tmp_path / "big.html")
    text = (tmp_path / "big.html").read_text(encoding="utf-8")
    assert "vis.Network" not in text and "Sigma" in text
    data = big_page_data(text)
    assert data["nodes"]["id"] == [str(n) for n in drawable]  # every node, none pruned
    assert len(data["edges"]["s"]) == sum(1 for *_, d in g.edges(data=True) if d["kind"] not in ("mentions", "in_file"))
    # every node placed, and not on top of each other
    assert len(set(zip(data["nodes"]["x"], data["nodes"]["y"], strict=True))) > 0.99 * len(drawable)
    # a person's post with its evidence, through the string tables
    i = next(j for j, k in enumerate(data["edges"]["k"]) if data["relations"][k] == "holds")
    u = data["nodes"]["id"][data["edges"]["s"][i]]
    v = data["nodes"]["id"][data["edges"]["t"][i]]
    d = next(e for e in g.get_edge_data(u, v).values() if e["kind"] == "holds")
    assert data["sentences"][data["edges"]["q"][i]] == d["sentence"]
    assert data["strings"][data["edges"]["l"][i]] == d["label"]
    assert data["articles"][data["edges"]["a"][i]][0] == d["article"]
    assert (data["edges"]["b"][i], data["edges"]["e"][i]) == (d["start"], d["end"])
    # the rule in words, as kg/lexicon/rules.tsv says it, not its id
    assert data["strings"][data["edges"]["r"][i]] == describe_rule("post-chain", "zh") != "post-chain"
    # two renders of one graph are one file: the layout and the packing are deterministic
    render_html(g, tmp_path / "again.html")
    assert (tmp_path / "again.html").read_bytes() == (tmp_path / "big.html").read_bytes()
    # at the switch itself vis-network still draws
    small = g.subgraph(drawable[:BIG_VIEW_NODES]).copy()
    render_html(small, tmp_path / "small.html")
    assert len(page_data((tmp_path / "small.html").read_text(encoding="utf-8"))["nodes"]) == BIG_VIEW_NODES


def test_the_big_view_escapes_page_text(tmp_path):
    from synthetic import synthetic_graph

    g = synthetic_graph(2500, 6000)
    person = next(n for n, d in g.nodes(data=True) if d["kind"] == "person")
    g.nodes[person]["label"] = ATTACK + "</script>"
    render_html(g, tmp_path / "big.html")
    text = (tmp_path / "big.html").read_text(encoding="utf-8")
    assert ATTACK not in text  # packed, the page text never reaches the HTML parser
    assert ATTACK + "</script>" in big_page_data(text)["nodes"]["label"]


def test_group_layout_places_each_jurisdiction_apart():
    from synthetic import synthetic_graph

    from kg.bigview import group_layout, group_of

    g = synthetic_graph(3000, 9000, districts=6)
    nodes = [n for n, d in g.nodes(data=True) if d["kind"] != "source"]
    pairs = [(u, v) for u, v, d in g.edges(data=True) if d["kind"] not in ("mentions", "in_file")]
    pos = group_layout(g, nodes, pairs)
    groups = group_of(g, nodes)
    assert len(set(groups.values())) == 7  # six districts and the province
    assert all(groups[n] == "样区00001区" for n in nodes if n.startswith("person/样区00001区/"))
    centre = {}
    for name in set(groups.values()):
        xs = [pos[n] for n in nodes if groups[n] == name]
        centre[name] = (sum(x for x, _ in xs) / len(xs), sum(y for _, y in xs) / len(xs))
    # a node is nearer its own district's centre than any other district's
    for n in nodes[::25]:
        own = groups[n]
        dist = {k: (pos[n][0] - c[0]) ** 2 + (pos[n][1] - c[1]) ** 2 for k, c in centre.items()}
        assert min(dist, key=dist.get) == own


def _seed_overview(out_dir):
    from kg.bigview import group_layout, overview
    from kg.export import read_node_link
    from kg.render import HIDDEN_EDGE_KINDS, HIDDEN_NODE_KINDS

    g = read_node_link(out_dir / "graph.json")
    nodes = [n for n, d in g.nodes(data=True) if d.get("kind") not in HIDDEN_NODE_KINDS]
    pairs = [(u, v) for u, v, d in g.edges(data=True) if d.get("kind") not in HIDDEN_EDGE_KINDS]
    return g, nodes, overview(g, nodes, group_layout(g, nodes, pairs))


def test_the_overview_groups_the_seeds_by_jurisdiction(out_dir):
    g, nodes, ov = _seed_overview(out_dir)
    group = {k: i for i, k in enumerate(ov["keys"])}

    def chain(i: int) -> list[str]:
        out = []
        while i >= 0:
            out.append(ov["label"][i])
            i = ov["parent"][i]
        return out

    # province → city → district → street, as the places' parents say
    assert chain(group["place/340604"]) == ["烈山区", "淮北市", "安徽省"]
    assert chain(group["place/烈山区/临海童街道"]) == ["临海童街道", "烈山区", "淮北市", "安徽省"]
    row = {n: i for i, n in enumerate(nodes)}
    # a person in the district their key scopes them to, an organisation in its jurisdiction
    assert chain(ov["member"][row["person/烈山区/刘明"]])[0] == "烈山区"
    org = next(n for n, d in g.nodes(data=True) if d.get("kind") == "organization" and d.get("label") == "烈山区委")
    assert chain(ov["member"][row[org]])[0] == "烈山区"
    # parents come before their children, so that the page can walk them in one pass
    assert all(p < i for i, p in enumerate(ov["parent"]))
    # the first view: fewer items than nodes, every group with members
    assert ov["open"] and all(ov["parent"][i] == -1 or ov["parent"][i] in ov["open"] for i in ov["open"])


def test_the_map_puts_the_seeds_places_at_their_coordinates(out_dir):
    g, nodes, ov = _seed_overview(out_dir)
    at = ov["node_map"]
    east, west = "place/330105", "place/340604"  # 拱墅区 (120.1° E), 烈山区 (116.8° E)
    assert g.nodes[east]["lon"] > g.nodes[west]["lon"]
    assert at[east][0] > at[west][0]
    north, south = "place/370800", "place/330100"  # 济宁市 (35.4° N), 杭州市 (30.2° N)
    assert at[north][1] > at[south][1]
    # what a district holds hangs around it: nearer its own district than the next one's
    liu = at["person/烈山区/刘明"]

    def d2(p):
        return (liu[0] - at[p][0]) ** 2 + (liu[1] - at[p][1]) ** 2

    assert d2(west) < d2("place/410403")  # 卫东区, in another province
    # a group sits where its place does
    group = {k: i for i, k in enumerate(ov["keys"])}
    assert ov["group_map"][group[west]] == at[west]
