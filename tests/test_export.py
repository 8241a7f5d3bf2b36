"""The files a build of the seed pages writes: RDF (Turtle, TriG, JSON-LD), GraphML, HTML, report."""

from __future__ import annotations

import contextlib
import json
import os

import networkx as nx
import pytest
from conftest import ROOT, SEED_NAMES, SEEDS, seed_text
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg.build import build
from kg.vocab import KG, ORG, PROV, RDF, SDO

OUTPUTS = ["graph.ttl", "graph.trig", "graph.nq", "graph.nt", "graph.rdf", "graph.jsonld", "context.jsonld",
           "ontology.ttl", "shapes.ttl", "graph.graphml", "graph.html", "report.json"]


def _trig(out_dir) -> Dataset:
    ds = Dataset(default_union=True)
    ds.parse(out_dir / "graph.trig", format="trig")
    return ds


def _named_graphs(ds: Dataset) -> list[Graph]:
    return [g for g in ds.graphs() if g.identifier != DATASET_DEFAULT_GRAPH_ID]


def _triples(ds: Dataset) -> set:
    return {(s, p, o) for s, p, o, _ in ds.quads((None, None, None, None))}


@pytest.mark.parametrize("name", OUTPUTS)
def test_build_writes_every_output(out_dir, name):
    path = out_dir / name
    assert path.is_file()
    assert path.stat().st_size > 0


@pytest.mark.parametrize("name", OUTPUTS)
def test_outputs_are_readable_as_the_umask_allows(out_dir, name):
    umask = os.umask(0o022)
    os.umask(umask)
    mode = (out_dir / name).stat().st_mode & 0o777
    allowed_reads = 0o444 & ~umask
    # a file written by an ordinary open() would carry every read bit the umask lets through
    assert mode & allowed_reads == allowed_reads, f"{name} has mode {mode:o}"


def test_report_describes_the_seed_build(report, seed_build):
    _, result = seed_build
    counts = report["counts"]

    assert [f["name"] for f in report["files"]] == SEED_NAMES
    assert counts["files_read"] == len(SEED_NAMES)
    assert counts["files_skipped"] == 0
    assert report["warnings"] == []
    assert counts["articles"] == len(report["articles"]) == len(result.corpus.articles)
    assert sum(f["articles"] for f in report["files"]) == counts["articles"]
    assert counts["characters"] == sum(f["characters"] for f in report["files"])
    assert counts["nodes"] == result.graph.number_of_nodes()
    assert counts["edges"] == result.graph.number_of_edges()


def test_report_lists_the_seed_credits(report):
    articles = {a["headline"]: a for a in report["articles"]}

    assert articles["烈山经济开发区 推行“一卡”服务 优化营商环境"]["credits"] == [
        {"name": "王守明", "role": "记者"},
        {"name": "陈子龙", "role": "通讯员"},
        {"name": "王权礼", "role": "通讯员"},
    ]
    assert articles["区委常委会扩大会议暨区委党的建设工作领导小组会议强调 巩固拓展学习教育成果 推进作风建设常态化长效化"][
        "date"
    ] == "--09-12"


def test_turtle_parses(out_dir):
    g = Graph()
    g.parse(out_dir / "graph.ttl", format="turtle")
    assert len(g) > 0
    assert len(set(g.subjects(RDF.type, SDO.NewsArticle))) > 0


def test_jsonld_parses(out_dir):
    ds = Dataset(default_union=True)
    ds.parse(out_dir / "graph.jsonld", format="json-ld")
    assert len(set(ds.subjects(RDF.type, SDO.NewsArticle))) > 0


def test_the_three_rdf_files_hold_the_same_statements(out_dir):
    trig = _trig(out_dir)
    jsonld = Dataset(default_union=True)
    jsonld.parse(out_dir / "graph.jsonld", format="json-ld")
    turtle = Graph()
    turtle.parse(out_dir / "graph.ttl", format="turtle")

    statements = _triples(trig)
    assert statements
    assert _triples(jsonld) == statements
    assert set(turtle) == statements


def test_trig_has_one_named_graph_per_article(out_dir, report):
    ds = _trig(out_dir)
    named = _named_graphs(ds)

    assert len(named) == report["counts"]["articles"]
    articles = set()
    for g in named:
        [article] = set(g.subjects(RDF.type, SDO.NewsArticle))  # exactly one article in each
        articles.add(article)
        # the graph is described in the default graph, with PROV
        default = ds.default_graph
        assert (g.identifier, RDF.type, PROV.Entity) in default
        assert (g.identifier, PROV.wasDerivedFrom, article) in default
    assert len(articles) == len(named)


def test_every_article_is_part_of_a_seed_file_and_has_a_headline(out_dir, report):
    ds = _trig(out_dir)
    articles = set(ds.subjects(RDF.type, SDO.NewsArticle))

    assert len(articles) == report["counts"]["articles"]
    seen_files = set()
    for article in articles:
        [page] = set(ds.objects(article, SDO.isPartOf))
        [name] = set(ds.objects(page, SDO.name))
        assert str(name) in SEED_NAMES
        seen_files.add(str(name))
        [headline] = set(ds.objects(article, SDO.headline))
        assert str(headline).strip()
        assert headline.language == "zh"
    assert seen_files == set(SEED_NAMES)


def test_article_rdf_keeps_headline_and_body_of_the_page(out_dir):
    ds = _trig(out_dir)
    headline = Literal("烈山经济开发区 推行“一卡”服务 优化营商环境", lang="zh")
    [article] = set(ds.subjects(SDO.headline, headline))
    [body] = set(ds.objects(article, SDO.articleBody))

    assert "烈山经济开发区创新推行“一卡”服务模式" in str(body)
    [page] = set(ds.objects(article, SDO.isPartOf))
    assert (page, SDO.name, Literal("000_96c8e21aadbbbbe2.txt")) in ds


def test_graphml_loads_with_the_reported_node_count(out_dir, report):
    g = nx.read_graphml(out_dir / "graph.graphml")

    assert g.number_of_nodes() == report["counts"]["nodes"]
    assert g.number_of_edges() == report["counts"]["edges"]


def test_graphml_nodes_carry_their_rdf_iri(out_dir):
    g = nx.read_graphml(out_dir / "graph.graphml")
    trig = _trig(out_dir)
    articles = {n: d for n, d in g.nodes(data=True) if d.get("kind") == "article"}

    assert articles
    for data in articles.values():
        assert (URIRef(data["iri"]), RDF.type, SDO.NewsArticle) in trig
    files = {d["label"] for d in g.nodes.values() if d.get("kind") == "source"}
    assert files == set(SEED_NAMES)


def test_html_page_is_written_and_self_contained(out_dir):
    page = (out_dir / "graph.html").read_text(encoding="utf-8")

    assert page.lstrip().lower().startswith("<!doctype html")
    assert "刘明" in page
    assert 'src="http' not in page


# --- explain.jsonl (kg build --explain) -----------------------------------------------------------


@pytest.fixture(scope="module")
def explained(tmp_path_factory) -> list[dict]:
    out = tmp_path_factory.mktemp("explain")
    with contextlib.chdir(ROOT):
        build(["seeds/000_96c8e21aadbbbbe2.txt"], out, html=False, explain=True)
    return [json.loads(line) for line in (out / "explain.jsonl").read_text(encoding="utf-8").splitlines()]


def test_explain_names_the_component_and_rule_of_each_mention(explained):
    text = seed_text("000_96c8e21aadbbbbe2.txt")
    [liu] = [r for r in explained if r["type"] == "entity" and r["label"] == "刘明"]
    found = [m for m in liu["mentions"] if m["start"] is not None]
    assert {(m["component"], m["rule"]) for m in found} >= {("kg_persons", "title+name")}
    # the offsets are the source file's: they point at the name as printed
    assert all(text[m["start"]:m["end"]] == "刘明" for m in found)


def test_explain_traces_a_post_to_its_rule_and_sentence(explained):
    holds = [r for r in explained if r["type"] == "fact" and r["kind"] == "holds" and r["subject"].endswith("/刘明")]
    assert holds, "刘明's post is explained"
    [post] = holds
    assert (post["component"], post["rule"], post["attrs"]["title"]) == ("kg_persons", "post-chain", "书记")
    assert "区委书记刘明" in post["evidence"]["sentence"]
    text = seed_text("000_96c8e21aadbbbbe2.txt")
    assert text[post["evidence"]["start"]:post["evidence"]["end"]].replace("\n", "") == post["evidence"]["sentence"]


def test_explain_lists_every_entity_and_fact(explained):
    kinds = {r["type"] for r in explained}
    assert kinds == {"entity", "fact"}
    assert any(r["type"] == "entity" and r["kind"] == "initiative" and r["mentions"][0]["component"] == "kg_initiatives"
               for r in explained)


# --- every RDF format holds the same statements ---------------------------------------------------


@pytest.mark.parametrize(("name", "fmt"), [("graph.nt", "nt"), ("graph.rdf", "xml"), ("graph.ttl", "turtle")])
def test_triple_formats_hold_the_same_statements(out_dir, dataset, name, fmt):
    g = Graph().parse(out_dir / name, format=fmt)
    assert len(g) > 1000
    assert set(g) == _triples(dataset)


def test_quad_formats_keep_the_article_graphs(out_dir):
    trig = _trig(out_dir)
    nq = Dataset(default_union=True)
    nq.parse(out_dir / "graph.nq", format="nquads")
    assert len(_named_graphs(nq)) == len(_named_graphs(trig)) > 10
    assert _triples(nq) == _triples(trig)


def test_jsonld_uses_the_published_context(out_dir):
    doc = json.loads((out_dir / "graph.jsonld").read_text(encoding="utf-8"))
    context = json.loads((out_dir / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert doc["@context"] == context
    assert context["label"] == {"@id": "rdfs:label", "@language": "zh"}
    # compact terms are used, and the document still reads back to the same graph
    assert '"label": "刘明"' in (out_dir / "graph.jsonld").read_text(encoding="utf-8")
    g = Dataset(default_union=True)
    g.parse(out_dir / "graph.jsonld", format="json-ld")
    assert _triples(g) == _triples(_trig(out_dir))



# --- the kg: vocabulary -----------------------------------------------------------------------------


def test_every_kg_term_the_build_uses_is_declared(dataset):
    from importlib import resources

    from rdflib import OWL, RDFS

    from kg.vocab import KG

    onto = Graph().parse(data=resources.files("kg").joinpath("ontology.ttl").read_text(encoding="utf-8"), format="turtle")
    used = {p for _, p, _ in dataset.triples((None, None, None)) if str(p).startswith(str(KG))}
    used |= {o for o in dataset.objects(None, RDF.type) if str(o).startswith(str(KG))}
    assert len(used) > 10
    for term in used:
        assert {lit.language for lit in onto.objects(term, RDFS.label)} >= {"zh", "en"}, term
        assert list(onto.objects(term, RDFS.comment)), term
        if (term, RDF.type, OWL.Class) in onto:
            assert list(onto.objects(term, RDFS.subClassOf)), f"{term} maps to no standard class"
        else:
            assert list(onto.objects(term, RDFS.domain)) or list(onto.objects(term, RDFS.range)), term


def test_iris_do_not_change_when_other_files_are_added(out_dir, tmp_path):
    """An entity's IRI comes from its resolved identity, not from run order: building one page
    alone names its people, places and bodies with the IRIs of the whole build."""
    with contextlib.chdir(ROOT):
        build(["seeds/002_d8e10ae50a9c1096.txt"], tmp_path, html=False)
    typed = "SELECT DISTINCT ?e WHERE { ?e a ?t FILTER(?t IN (schema:Person, schema:Place, org:Organization, kg:Initiative)) }"
    alone = {str(r[0]) for r in Graph().parse(tmp_path / "graph.ttl").query(typed, initNs={"schema": SDO, "org": ORG, "kg": KG})}
    whole = {str(r[0]) for r in Graph().parse(out_dir / "graph.ttl").query(typed, initNs={"schema": SDO, "org": ORG, "kg": KG})}
    assert len(alone) > 50
    assert alone <= whole, sorted(alone - whole)[:10]


def test_a_post_whose_body_the_text_leaves_unknown_reaches_the_rdf(tmp_path):
    """主任X with no body written or implied is still an org:Post with its title, held by X, with
    its evidence; it is in no organisation (no org:postIn)."""
    import rdflib
    from rdflib.namespace import ORG, RDF, RDFS

    from kg.build import build

    page = tmp_path / "pages" / "p.txt"
    page.parent.mkdir()
    page.write_text("调研组到我镇调研\n\n本报讯 3月2日，调研组到我镇调研，主任钱立新陪同。\n", encoding="utf-8")
    build([str(page.parent)], tmp_path / "out", html=False)
    ds = rdflib.Dataset(default_union=True)
    ds.parse(tmp_path / "out" / "graph.nq", format="nquads")

    posts = [p for p in ds.subjects(RDF.type, ORG.Post) if str(ds.value(p, RDFS.label)) == "主任"]
    assert len(posts) == 1
    holder = ds.value(posts[0], ORG.heldBy)
    assert str(ds.value(holder, RDFS.label)) == "钱立新"
    assert (holder, ORG.holds, posts[0]) in ds
    assert ds.value(posts[0], ORG.postIn) is None
    assert ds.value(posts[0], rdflib.URIRef("https://w3id.org/kg-news/ns#evidence")) is not None


# --- IRIs: RFC 3987, whatever characters a file name or a name holds ------------------------

IRI_HOSTILE_NAMES = {
    "淮北日报[2021-11-23].txt": "brackets, which IRIs reserve for IPv6 hosts",
    "淮北日报\ue000.txt": "a private-use character (GB18030's user-defined area)",
    "淮北日报\ufdd0.txt": "a noncharacter",
    "淮北日报\u3000第2版.txt": "an ideographic space",
}


def test_iris_percent_encode_the_utf8_of_what_rfc3987_does_not_allow():
    from kg.export import iri

    assert str(iri("source/淮北日报[2021-11-23].txt")).endswith("/source/淮北日报%5B2021-11-23%5D.txt")
    assert str(iri("a\u3000b")).endswith("/a%E3%80%80b")  # the UTF-8 bytes, not %3000
    assert str(iri("x\ue000")).endswith("/x%EE%80%80")
    assert str(iri("x\ufffe")).endswith("/x%EF%BF%BE")
    assert str(iri("person/烈山区/刘明（右）")).endswith("/person/烈山区/刘明（右）")  # ucschar stays readable
    assert str(iri("a%b#c?d")).endswith("/a%25b%23c%3Fd")


def test_a_page_with_any_name_builds_and_every_rdf_output_parses(tmp_path):
    import pyoxigraph as ox

    page = (SEEDS / "003_aab4cd8d046a0ae4.txt").read_text(encoding="utf-8")
    pages = tmp_path / "pages"
    pages.mkdir()
    for name in IRI_HOSTILE_NAMES:
        # the same reports under each name would be skipped as duplicates: one line makes each page its own
        # U+FFFE and U+FFFF in the text: XML (RDF/XML, GraphML) cannot hold them at all
        (pages / name).write_text(page + f"\n（{name}）区长李\ufffe强、副区长赵\uffff刚出席。\n", encoding="utf-8")
    out = tmp_path / "out"

    result = build([str(pages)], out, html=False)

    assert sorted(s.name for s in result.corpus.sources) == sorted(IRI_HOSTILE_NAMES)
    for fmt, name in ((ox.RdfFormat.N_QUADS, "graph.nq"), (ox.RdfFormat.TRIG, "graph.trig"),
                      (ox.RdfFormat.TURTLE, "graph.ttl"), (ox.RdfFormat.RDF_XML, "graph.rdf")):
        quads = list(ox.parse(path=out / name, format=fmt))
        assert quads, name
    assert nx.read_graphml(out / "graph.graphml").number_of_nodes() == result.graph.number_of_nodes()
    articles = {str(q.subject) for q in ox.parse(path=out / "graph.nq", format=ox.RdfFormat.N_QUADS)
                if "/article/" in str(q.subject)}
    assert len(articles) == len(result.corpus.articles)
    assert any("%5B2021-11-23%5D" in a for a in articles)
    assert any("%EE%80%80" in a for a in articles)


# --- kg's GraphML writer writes what networkx's does -----------------------------------------------


def _networkx_graphml(g: nx.MultiDiGraph, path) -> bytes:
    """The GraphML networkx writes of the graph as kg exports it (lists joined, IRI added, no article text)."""
    from kg.export import flat, iri

    h = nx.MultiDiGraph()
    for n, d in g.nodes(data=True):
        h.add_node(n, iri=str(iri(n)), **{k: flat(v) for k, v in d.items() if v is not None and k != "text"})
    for s, o, k, d in g.edges(keys=True, data=True):
        h.add_edge(s, o, key=k, **{a: v for a, v in d.items() if v is not None})
    nx.write_graphml(h, path, encoding="utf-8")
    return path.read_bytes()


def test_graphml_of_the_seed_build_is_byte_for_byte_networkx_s(seed_build, tmp_path):
    out, result = seed_build
    assert (out / "graph.graphml").read_bytes() == _networkx_graphml(result.graph, tmp_path / "nx.graphml")


def test_graphml_of_awkward_names_and_values_is_byte_for_byte_networkx_s(tmp_path):
    from kg.export import write_graphml

    g = nx.MultiDiGraph()
    g.add_node('person/区长"李&强"<副>\t\n', kind="person", label="李&强 <b> \"c\" 'd'\t\n ]]>", aliases=["李强", "李 强"],
               mentions=3, lat=30.5, confirmed=True, parent=None)
    g.add_node("place/淮北市", kind="place", label=7, text="not exported")  # label an int here, a string above
    g.add_node("place/𠀀\u3000\u200b")
    g.add_edge('person/区长"李&强"<副>\t\n', "place/淮北市", key=0, kind="mentions", start=3, sentence="甲 & 乙")
    g.add_edge("place/淮北市", "place/𠀀\u3000\u200b", key="k&1", kind="located_in")
    g.add_edge("place/淮北市", "place/𠀀\u3000\u200b", key=5)
    write_graphml(g, tmp_path / "kg.graphml")
    assert (tmp_path / "kg.graphml").read_bytes() == _networkx_graphml(g, tmp_path / "nx.graphml")


@pytest.mark.parametrize("text", ["区长\ufffe李强", "区长\r\n李强", "区长\x01李强"])
def test_graphml_of_what_xml_cannot_hold_plainly_is_left_to_networkx(tmp_path, text):
    from kg.export import write_graphml

    g = nx.MultiDiGraph()
    g.add_node("person/李强", kind="person", label=text)
    try:
        expected = _networkx_graphml(g, tmp_path / "nx.graphml")
    except ValueError as err:  # lxml refuses a control character: so must kg
        with pytest.raises(type(err)):
            write_graphml(g, tmp_path / "kg.graphml")
        return
    write_graphml(g, tmp_path / "kg.graphml")
    assert (tmp_path / "kg.graphml").read_bytes() == expected


def test_the_rdflib_dataset_holds_the_statements_of_graph_nq(seed_build):
    from kg.export import to_rdf

    out, result = seed_build
    nq = Dataset()
    nq.parse(out / "graph.nq", format="nquads")
    ds = to_rdf(result.graph)

    def quads(d: Dataset) -> set:  # the time of the build aside, the one statement two runs may differ in
        return {(s, p, o, getattr(g, "identifier", g)) for s, p, o, g in d.quads((None, None, None, None))
                if p != PROV.generatedAtTime}

    assert len(quads(ds)) > 1000
    assert quads(ds) == quads(nq)


def test_the_builds_ontology_defines_every_kg_term_its_graph_uses(out_dir):
    from rdflib import OWL, RDFS

    ontology = Graph().parse(out_dir / "ontology.ttl", format="turtle")
    graph = Graph().parse(out_dir / "graph.ttl", format="turtle")
    used = {t for s, p, o in graph for t in (p, o) if isinstance(t, URIRef) and str(t).startswith(str(KG))
            and not str(t).startswith(str(KG) + "id/")}
    defined = {s for s in ontology.subjects(RDF.type, None)
               if (s, RDF.type, OWL.Class) in ontology or (s, RDFS.label, None) in ontology}

    assert len(used) > 10
    assert used - defined == set()
    shapes = Graph().parse(out_dir / "shapes.ttl", format="turtle")
    assert len(shapes) > 50


def test_the_jsonld_as_readme_loads_it_keeps_every_statement_and_a_plain_graph_does_not(out_dir):
    # README's "The RDF" tells users to load graph.jsonld as a Dataset: this is why
    ds = Dataset(default_union=True)
    ds.parse(out_dir / "graph.jsonld", format="json-ld")
    flat = Graph().parse(out_dir / "graph.ttl", format="turtle")
    plain = Graph().parse(out_dir / "graph.jsonld", format="json-ld")

    assert _triples(ds) == set(flat)
    assert len(plain) < len(flat) * 0.7  # the article graphs (mentions, posts, evidence) are lost
