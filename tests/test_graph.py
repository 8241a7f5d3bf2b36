"""kg.graph.build_graph: the resolved corpus → one networkx MultiDiGraph.

Every fact becomes an edge that carries its evidence (the sentence and its offsets in the source
file); every article is linked to its file; nodes carry their kind. Pages are a held-apart report
written for these tests (one sentence-run per line, so evidence can be cut straight out of the
source text) and the seed pages.
"""

from __future__ import annotations

import networkx as nx
import pytest
from conftest import SEED_NAMES, resolve_pages, seed_text

from kg.graph import build_graph
from kg.records import Corpus

PAGE = (
    "杜集区召开安全生产工作会议\n\n"
    "■记者 李红梅 通讯员 赵文博\n\n"
    "本报讯 6月5日上午，杜集区召开安全生产工作会议。区委书记王建军主持会议并讲话。"
    "区委副书记、区长周卫东，区人大常委会党组书记、主任陈立新出席会议，副区长张志强、刘海燕列席会议。\n"
    "会议要求，区财政局要保障安全生产资金投入。高岳街道党工委书记吴静表示，将全力做好防汛准备。\n\n"
    "杜集区财政局开展“清风护苗”专项行动\n\n"
    "■记者 李红梅\n\n"
    "本报讯 近日，区财政局开展“清风护苗”专项行动。区委书记王建军到高岳街道调研时强调，要做好青少年保护工作。"
    "区财政局局长马国庆陪同调研。\n"
)

PERSON_EDGES = ("holds", "chaired", "attended")


def build(*pages: tuple[str, str]) -> tuple[Corpus, nx.MultiDiGraph]:
    corpus = resolve_pages(*pages)
    return corpus, build_graph(corpus)


@pytest.fixture(scope="module")
def page_graph() -> tuple[Corpus, nx.MultiDiGraph]:
    return build(("duji.txt", PAGE))


@pytest.fixture(scope="module")
def seed_graph() -> tuple[Corpus, nx.MultiDiGraph]:
    return build(*((name, seed_text(name)) for name in SEED_NAMES))


def node_labelled(g: nx.MultiDiGraph, kind: str, label: str) -> str:
    found = [n for n, d in g.nodes(data=True) if d["kind"] == kind and d["label"] == label]
    assert len(found) == 1, f"expected one {kind} node labelled {label}, found {found}"
    return found[0]


def edges_of(g: nx.MultiDiGraph, kind: str) -> list[tuple[str, str, dict]]:
    return [(u, v, d) for u, v, d in g.edges(data=True) if d["kind"] == kind]


# --- evidence on the edges ----------------------------------------------------------------------


def test_every_fact_with_evidence_is_an_edge_carrying_it(page_graph):
    corpus, g = page_graph
    facts = [f for f in corpus.facts if f.evidence is not None and f.subject in g and f.object in g]
    assert len(facts) >= 10
    for f in facts:
        ev = f.evidence
        edges = [d for d in g.get_edge_data(f.subject, f.object, default={}).values() if d["kind"] == f.kind]
        assert any(d["sentence"] == ev.sentence and d["start"] == ev.start and d["end"] == ev.end
                   and d["article"] == f.article and d["file"] == "duji.txt" for d in edges), f


def test_person_edges_quote_a_sentence_that_names_the_person(page_graph):
    _, g = page_graph
    edges = [(u, v, d) for kind in PERSON_EDGES for u, v, d in edges_of(g, kind)]
    assert {g.nodes[u]["label"] for u, _, _ in edges} >= {"王建军", "周卫东", "陈立新", "张志强", "刘海燕", "吴静", "马国庆"}
    for u, _, d in edges:
        assert g.nodes[u]["label"] in d["sentence"], d


def test_edge_offsets_cut_the_sentence_out_of_the_source(page_graph):
    _, g = page_graph
    edges = [d for kind in PERSON_EDGES for _, _, d in edges_of(g, kind)]
    assert edges
    for d in edges:
        assert 0 <= d["start"] < d["end"] <= len(PAGE)
        assert PAGE[d["start"]:d["end"]] == d["sentence"], d


def test_a_post_edge_is_labelled_with_its_title(page_graph):
    _, g = page_graph
    zhou = node_labelled(g, "person", "周卫东")
    government = node_labelled(g, "organization", "杜集区人民政府")
    posts = [d for d in g.get_edge_data(zhou, government).values() if d["kind"] == "holds"]
    assert {d["title"] for d in posts} == {"区长"}
    assert {d["label"] for d in posts} == {"区长"}
    assert all("区长周卫东" in d["sentence"] for d in posts)


def test_chaired_edge_points_at_the_meeting(page_graph):
    _, g = page_graph
    wang = node_labelled(g, "person", "王建军")
    chaired = [(v, d) for _, v, d in g.out_edges(wang, data=True) if d["kind"] == "chaired"]
    assert chaired
    assert all(g.nodes[v]["kind"] == "meeting" for v, _ in chaired)
    assert any("主持会议" in d["sentence"] for _, d in chaired)


def test_seed_person_edges_name_the_person_and_point_into_the_source(seed_graph):
    corpus, g = seed_graph
    texts = {s.name: s.text for s in corpus.sources}
    edges = [d | {"who": g.nodes[u]["label"]} for kind in PERSON_EDGES for u, _, d in edges_of(g, kind)]
    assert len(edges) >= 20
    single_line = 0
    for d in edges:
        assert d["who"] in d["sentence"], d
        cut = texts[d["file"]][d["start"]:d["end"]]
        if "\n" not in cut:  # a sentence printed on one line is cut out exactly
            single_line += 1
            assert cut == d["sentence"], d
        else:  # one broken by the layout: the same characters with the line breaks in between
            assert "".join(cut.split()) == "".join(d["sentence"].split()), d
    assert single_line >= 10


# --- articles, files and bylines ----------------------------------------------------------------


def test_every_article_is_in_its_file(page_graph, seed_graph):
    for corpus, g in (page_graph, seed_graph):
        for a in corpus.articles:
            key = f"article/{a.id}"
            assert g.nodes[key]["kind"] == "article"
            assert g.nodes[key]["label"] == a.headline
            in_file = [v for _, v, d in g.out_edges(key, data=True) if d["kind"] == "in_file"]
            assert in_file == [f"source/{a.source}"]
        assert len(edges_of(g, "in_file")) == len(corpus.articles)
        assert {n for n, d in g.nodes(data=True) if d["kind"] == "source"} == {f"source/{s.name}" for s in corpus.sources}


def test_the_page_has_two_articles_in_one_file(page_graph):
    _, g = page_graph
    articles = {u for u, v, _ in edges_of(g, "in_file") if v == "source/duji.txt"}
    assert articles == {"article/duji.txt#0", "article/duji.txt#1"}
    assert g.nodes["article/duji.txt#1"]["headline"] == "杜集区财政局开展“清风护苗”专项行动"


def test_reporters_author_the_articles(page_graph):
    _, g = page_graph
    reporter = node_labelled(g, "person", "李红梅")
    correspondent = node_labelled(g, "person", "赵文博")
    authored = {(u, d["role"]) for u, _, d in g.in_edges(reporter, data=True) if d["kind"] == "authored"}
    assert authored == {("article/duji.txt#0", "记者"), ("article/duji.txt#1", "记者")}
    assert [(u, d["role"]) for u, _, d in g.in_edges(correspondent, data=True) if d["kind"] == "authored"] == [
        ("article/duji.txt#0", "通讯员")]


def test_articles_mention_the_people_they_name(page_graph):
    _, g = page_graph
    wang = node_labelled(g, "person", "王建军")
    mentioned_by = {u for u, _, d in g.in_edges(wang, data=True) if d["kind"] == "mentions"}
    assert mentioned_by == {"article/duji.txt#0", "article/duji.txt#1"}
    assert g.nodes[wang]["articles"] == ["duji.txt#0", "duji.txt#1"]


# --- node kinds ---------------------------------------------------------------------------------


def test_node_kinds(page_graph):
    _, g = page_graph
    kinds = {d["kind"] for _, d in g.nodes(data=True)}
    assert kinds <= {"person", "place", "organization", "initiative", "meeting", "article", "source"}
    for label in ("王建军", "周卫东", "陈立新", "张志强", "刘海燕", "吴静", "马国庆", "李红梅", "赵文博"):
        node_labelled(g, "person", label)
    for label in ("杜集区", "淮北市", "安徽省", "高岳街道"):
        node_labelled(g, "place", label)
    for label in ("杜集区委", "杜集区人民政府", "杜集区人大常委会", "杜集区财政局", "高岳街道党工委"):
        node_labelled(g, "organization", label)
    assert any(d["kind"] == "initiative" and "清风护苗" in d["label"] for _, d in g.nodes(data=True))
    assert any(d["kind"] == "meeting" and "安全生产工作会议" in d["label"] for _, d in g.nodes(data=True))
    assert g.nodes[node_labelled(g, "place", "杜集区")]["adcode"] == "340602"


def test_structural_edges_nest_places_and_organisations(page_graph):
    _, g = page_graph
    duji = node_labelled(g, "place", "杜集区")
    huaibei = node_labelled(g, "place", "淮北市")
    assert any(d["kind"] == "located_in" for d in g.get_edge_data(duji, huaibei, default={}).values())
    assert any(d["kind"] == "located_in"
               for d in g.get_edge_data(node_labelled(g, "place", "高岳街道"), duji, default={}).values())
    bureau = node_labelled(g, "organization", "杜集区财政局")
    assert any(d["kind"] == "part_of" for d in g.get_edge_data(bureau, duji, default={}).values())


def test_the_graph_s_tenures_are_the_spells_as_dataclasses_give_them(tmp_path):
    # build_graph copies each spell by hand (asdict's deep copy was a third of its time): on the
    # repository's real dated pages, the copies equal asdict's and share no list or dict with them
    from dataclasses import asdict
    from pathlib import Path

    from kg.build import build as kg_build

    pages = Path(__file__).resolve().parent.parent / "eval" / "corpus" / "careers" / "pages"
    result = kg_build([str(pages)], tmp_path / "out", html=False)
    spells = result.graph.graph["spells"]
    assert len(spells) > 20
    assert spells == [asdict(s) for s in result.corpus.spells]
    for copied, spell in zip(spells, result.corpus.spells, strict=True):
        assert copied["articles"] is not spell.articles and copied["evidence"] is not spell.evidence
