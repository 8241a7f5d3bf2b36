"""Pre-appointment notices (干部任前公示): candidates, their stated biography, current posts
(``holds``) and proposed posts (``nominated``), through resolution, the graph and the RDF.

Made-up notices use invented names (王明, 李建华, 张丽 …) in real places; the real pages are the
fixtures in eval/corpus/notices/pages (see its SOURCES.md), whose expected values the tests read
from the page text itself."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import ROOT
from extract_helpers import extract_page
from rdflib import Dataset, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg.build import build
from kg.extract import extract
from kg.records import Corpus, Source
from kg.resolve import resolve
from kg.segment import segment
from kg.validate import validate
from kg.vocab import KG, PROV, RDF, RDFS, SDO, XSD

PAGES = ROOT / "eval" / "corpus" / "notices" / "pages"

NOTICE = "\n\n".join([
    "中共濉溪县委组织部干部任前公示",
    "根据《党政领导干部选拔任用工作条例》，经县委研究，现将拟任职干部公示如下：",
    "1. 王明，男，汉族，1975年3月生，安徽濉溪人，大学学历，1996年8月参加工作，1998年6月加入中国共产党，"
    "现任濉溪县财政局局长，拟任濉溪县人民政府副县长。",
    "2. 李建华，女，1980.05出生，研究生学历，管理学硕士，中共党员，现任濉溪县委办公室副主任、濉溪县档案馆馆长，"
    "拟提名为孙疃镇镇长候选人。",
    "3. 张丽（1983年10月出生），女，回族，大学学历，现任孙疃镇党委副书记，拟任孙疃镇党委书记（试用期一年）。",
    "公示时间：2021年5月10日至5月14日。",
]) + "\n"


def _extraction(text: str):
    found = extract_page(text, "notice.txt")
    assert len(found) == 1, "the test page should be one article"
    return found[0]


def _candidates(ex) -> dict[str, dict]:
    return {m.text: m.attrs for m in ex.mentions if m.kind == "person" and m.attrs.get("notice")}


def _posts(ex, kind: str) -> set[tuple[str, str, str]]:
    """(person, organisation as written, title) of the relations of ``kind``."""
    return {(ex.mentions[r.subject].text, r.attrs.get("org_text", ""), r.attrs["title"])
            for r in ex.relations if r.kind == kind}


def _one_candidate(paragraph: str, heading: str = "") -> tuple[dict, object]:
    ex = _extraction((heading + "\n\n" if heading else "") + paragraph + "\n")
    found = _candidates(ex)
    assert len(found) == 1, found
    return next(iter(found.values())), ex


# --- the notice grammar ---------------------------------------------------------------------


def test_a_notice_lists_each_candidate_with_the_biography_it_states():
    found = _candidates(_extraction(NOTICE))
    assert set(found) == {"王明", "李建华", "张丽"}
    wang = found["王明"]
    assert (wang["gender"], wang["ethnicity"], wang["birth"], wang["native_place"], wang["education"]) == \
        ("男", "汉族", "1975-03", "安徽濉溪", "大学学历")
    assert (wang["work_started"], wang["party_joined"]) == ("1996-08", "1998-06")
    assert (found["李建华"]["gender"], found["李建华"]["birth"], found["李建华"]["party"]) == ("女", "1980-05", "中共党员")
    assert (found["张丽"]["birth"], found["张丽"]["ethnicity"]) == ("1983-10", "回族")


def test_current_posts_are_holds_and_proposed_posts_nominations():
    ex = _extraction(NOTICE)
    assert _posts(ex, "holds") >= {("王明", "濉溪县财政局", "局长"), ("李建华", "濉溪县委办公室", "副主任"),
                                   ("李建华", "濉溪县档案馆", "馆长"), ("张丽", "孙疃镇党委", "副书记")}
    assert _posts(ex, "nominated") == {("王明", "濉溪县人民政府", "副县长"), ("李建华", "孙疃镇", "镇长"),
                                       ("张丽", "孙疃镇党委", "书记")}
    # a proposed post is no post held
    assert not {(p, t) for p, _, t in _posts(ex, "holds")} & {("王明", "副县长"), ("张丽", "书记")}


def test_the_notice_period_goes_with_each_nomination():
    ex = _extraction(NOTICE)
    periods = {(r.attrs.get("notice_from"), r.attrs.get("notice_to")) for r in ex.relations if r.kind == "nominated"}
    assert periods == {("2021-05-10", "2021-05-14")}


def test_the_period_line_and_the_preamble_are_no_candidates():
    found = _candidates(_extraction(NOTICE))
    assert not {name for name in found if name.startswith(("公示", "根据"))}
    assert not any(m.kind == "person" and "任前" in m.text for m in _extraction(NOTICE).mentions)


def test_birth_written_with_a_dot():
    attrs, _ = _one_candidate("王明，男，1975.03出生，大学学历，现任濉溪县财政局局长。")
    assert attrs["birth"] == "1975-03"


def test_birth_in_brackets_after_the_name():
    attrs, _ = _one_candidate("王明（1975年3月出生），男，汉族，现任濉溪县财政局局长。")
    assert (attrs["birth"], attrs["gender"]) == ("1975-03", "男")


def test_brackets_after_the_name_may_hold_several_fields():
    attrs, _ = _one_candidate("李建华（1973.11，女，侗族），大学学历，现任濉溪县档案馆馆长。")
    assert (attrs["birth"], attrs["gender"], attrs["ethnicity"]) == ("1973-11", "女", "侗族")


def test_a_birth_year_alone_stays_a_year():
    attrs, _ = _one_candidate("王明，男，1975年生，大学学历，现任濉溪县财政局局长。")
    assert attrs["birth"] == "1975"


def test_party_membership_and_degree():
    attrs, _ = _one_candidate("李建华，女，1980年5月生，研究生学历，管理学硕士，中共党员，现任濉溪县档案馆馆长。")
    assert (attrs["education"], attrs["degree"], attrs["party"]) == ("研究生学历", "管理学硕士", "中共党员")


def test_native_place_written_with_jiguan():
    attrs, _ = _one_candidate("李建华，女，汉族，籍贯濉溪，大学学历，现任濉溪县档案馆馆长。")
    assert attrs["native_place"] == "濉溪"


def test_two_current_posts_joined_by_a_list_mark():
    _, ex = _one_candidate("王明，男，1975年3月生，现任濉溪县委副书记、濉溪县人民政府副县长，拟任濉溪县委书记。")
    assert _posts(ex, "holds") >= {("王明", "濉溪县委", "副书记"), ("王明", "濉溪县人民政府", "副县长")}
    assert _posts(ex, "nominated") == {("王明", "濉溪县委", "书记")}


def test_a_nomination_for_election_leaves_candidate_out_of_the_title():
    _, ex = _one_candidate("王明，男，1975年3月生，现任孙疃镇党委副书记，拟提名为孙疃镇镇长候选人。")
    assert _posts(ex, "nominated") == {("王明", "孙疃镇", "镇长")}
    assert {r.attrs["stated"] for r in ex.relations if r.kind == "nominated"} == {"拟提名为"}


def test_a_recommendation_leaves_the_word_for_nominee_out_of_the_title():
    _, ex = _one_candidate("李建华，女，1980年5月生，现任濉溪县财政局副局长，拟推荐为濉溪县财政局局长人选。")
    assert _posts(ex, "nominated") == {("李建华", "濉溪县财政局", "局长")}


def test_a_probation_aside_is_no_part_of_the_post():
    _, ex = _one_candidate("张丽，女，1983年10月生，现任孙疃镇党委副书记，拟任孙疃镇党委书记（试用期一年）。")
    assert _posts(ex, "nominated") == {("张丽", "孙疃镇党委", "书记")}


def test_proposed_for_use_names_no_post():
    attrs, ex = _one_candidate("王明，男，1975年3月生，大学学历，现任濉溪县财政局局长，拟进一步使用。")
    assert attrs["proposal"] == "拟进一步使用"
    assert _posts(ex, "nominated") == set()
    assert _posts(ex, "holds") >= {("王明", "濉溪县财政局", "局长")}


@pytest.mark.parametrize("number", ["1. ", "1、", "（一）", "一、"])
def test_numbered_candidates(number):
    attrs, _ = _one_candidate(f"{number}王明，男，汉族，1975年3月生，现任濉溪县财政局局长。")
    assert attrs["gender"] == "男"


def test_under_a_notice_heading_a_post_and_one_field_are_enough():
    heading = "濉溪县拟任职干部公示"
    attrs, ex = _one_candidate("王明，大学学历，现任濉溪县财政局副局长，拟任濉溪县财政局局长。", heading)
    assert attrs["education"] == "大学学历"
    assert _posts(ex, "nominated") == {("王明", "濉溪县财政局", "局长")}
    # without the heading the same paragraph is no notice: no gender, no birth
    plain = _extraction("濉溪县财政工作会议召开\n\n王明，大学学历，现任濉溪县财政局副局长，拟任濉溪县财政局局长。\n")
    assert _candidates(plain) == {}


def test_a_news_report_naming_a_post_in_passing_is_no_notice():
    report = ("濉溪县召开秋粮收购工作会议\n\n本报讯 9月12日，濉溪县召开秋粮收购工作会议。"
              "王明，现任濉溪县财政局局长，他在会上介绍了资金保障情况。"
              "李建华，男，今年52岁，是孙疃镇的种粮大户，他说今年收成不错。"
              "县委常委、副县长张丽出席会议并讲话。\n")
    ex = _extraction(report)
    assert _candidates(ex) == {}
    assert not [r for r in ex.relations if r.kind == "nominated"]
    assert not any({"gender", "birth"} & set(m.attrs) for m in ex.mentions if m.kind == "person")


# --- real pages (eval/corpus/notices) -------------------------------------------------------


def _page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def _stated_entries(page: str) -> dict[str, tuple[str, str]]:
    """Name → (gender, birth as YYYY-MM) of each paragraph that opens name, gender, ethnicity,
    birth (the notice's own lines), read from the page's text."""
    out = {}
    for line in page.splitlines():
        m = re.match(r"([\u4e00-\u9fff]{2,4})[,，]([男女])[,，][\u4e00-\u9fff]+族[,，](\d{4})年(\d{1,2})月出生", line)
        if m:
            out[m.group(1)] = (m.group(2), f"{m.group(3)}-{int(m.group(4)):02d}")
    return out


def test_a_real_notice_gives_every_listed_candidate_and_current_post():
    page = _page("001.txt")
    entries = _stated_entries(page)
    assert len(entries) == 2, "the page lists two candidates"
    found = {}
    holds = set()
    for ex in extract_page(page, "001.txt"):
        found.update(_candidates(ex))
        holds |= {(p, t) for p, _, t in _posts(ex, "holds")}
    assert {name: (a["gender"], a["birth"]) for name, a in found.items()} == entries
    assert all(found[name]["ethnicity"] == "汉族" for name in entries)
    assert all(any(p == name for p, _ in holds) for name in entries), "each candidate's current post is read"
    assert any(t == "副局长" for _, t in holds)


def test_a_real_report_about_a_notice_reads_only_the_quoted_entry():
    page = _page("003.txt")
    assert "任前公示" in page
    for ex in extract_page(page, "003.txt"):
        assert _candidates(ex) == {}, "paraphrase and title-first lines are no notice entries"
        assert not any(m.kind == "person" and "任前" in m.text for m in ex.mentions)


def _resolved(text: str, name: str) -> Corpus:
    source = Source(path=name, name=name, text=text)
    articles = segment(source)
    return resolve([extract(a) for a in articles], Corpus(sources=[source], articles=articles))


def test_a_native_place_links_the_place_but_does_not_place_the_person():
    corpus = _resolved(_page("002.txt"), "002.txt")
    people = [e for e in corpus.entities.values() if e.kind == "person" and e.attrs.get("biography")]
    assert len(people) == 1
    person = people[0]
    place = corpus.entities[person.attrs["birth_place"]]
    assert place.kind == "place" and place.label.startswith(person.attrs["native_place"])
    assert person.attrs["native_place"] not in person.key, "where a candidate was born is not where the notice is"


# --- resolution, graph and RDF of a built notice --------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    pages = tmp_path_factory.mktemp("notice_pages")
    (pages / "notice.txt").write_text(NOTICE, encoding="utf-8")
    out = tmp_path_factory.mktemp("notice_out")
    build([str(pages)], out, html=False)
    return out


def _graph(out: Path) -> dict:
    return json.loads((out / "graph.json").read_text(encoding="utf-8"))


def test_the_person_node_carries_the_biography_with_its_evidence(built):
    nodes = {n["label"]: n for n in _graph(built)["nodes"] if n["kind"] == "person"}
    wang = nodes["王明"]
    assert (wang["gender"], wang["birth"], wang["ethnicity"], wang["education"]) == ("男", "1975-03", "汉族", "大学学历")
    assert wang["birth_place"].startswith("place/") and wang["native_place"] == "安徽濉溪"
    [record] = wang["biography"]
    assert "王明，男，汉族，1975年3月生" in record["sentence"] and record["article"] == "notice.txt#0"


def test_a_nomination_is_an_edge_of_its_own_and_no_spell(built):
    g = _graph(built)
    labels = {n["id"]: n["label"] for n in g["nodes"]}
    nominated = {(labels[e["source"]], labels[e["target"]], e["label"]) for e in g["edges"] if e["kind"] == "nominated"}
    assert ("王明", "濉溪县人民政府", "拟任副县长") in nominated
    assert ("李建华", "孙疃镇人民政府", "拟任镇长") in nominated
    spells = {(labels[s["person"]], s["title"]) for s in g["graph"]["spells"]}
    assert ("王明", "局长") in spells
    assert ("王明", "副县长") not in spells and ("张丽", "书记") not in spells


def _dataset(out: Path) -> Dataset:
    ds = Dataset(default_union=True)
    ds.parse(out / "graph.trig", format="trig")
    return ds


def _person(ds: Dataset, name: str) -> URIRef:
    [person] = {s for s in ds.subjects(RDFS.label, Literal(name, lang="zh")) if (s, RDF.type, SDO.Person) in ds}
    return person


def test_the_rdf_states_gender_and_birth_date_in_the_article_graph_with_evidence(built):
    ds = _dataset(built)
    wang = _person(ds, "王明")
    [(_, _, gender, graph)] = list(ds.quads((wang, SDO.gender, None, None)))
    assert gender == SDO.Male
    graph_name = graph.identifier if hasattr(graph, "identifier") else graph
    assert graph_name != DATASET_DEFAULT_GRAPH_ID, "stated in the article's own graph"
    assert any(str(o).endswith("article/notice.txt%230") for o in ds.objects(graph_name, PROV.wasDerivedFrom))
    [birth] = list(ds.objects(wang, SDO.birthDate))
    assert (str(birth), birth.datatype) == ("1975-03", XSD.gYearMonth)
    assert list(ds.objects(wang, KG.ethnicity)) == [Literal("汉族", lang="zh")]
    place = next(ds.objects(wang, SDO.birthPlace))
    assert (place, RDF.type, SDO.Place) in ds
    sentences = [str(s) for e in ds.objects(wang, KG.evidence) for s in ds.objects(e, KG.sentence)]
    assert any("王明，男，汉族，1975年3月生" in s for s in sentences)


def test_the_rdf_holds_the_nomination_with_its_evidence(built):
    ds = _dataset(built)
    wang = _person(ds, "王明")
    [nomination] = list(ds.objects(wang, KG.nominatedFor))
    assert (nomination, RDF.type, KG.Nomination) in ds
    assert list(ds.objects(nomination, KG.nominee)) == [wang]
    assert list(ds.objects(nomination, KG.title)) == [Literal("副县长", lang="zh")]
    [org] = list(ds.objects(nomination, KG.nominatedTo))
    assert Literal("濉溪县人民政府", lang="zh") in set(ds.objects(org, RDFS.label))
    assert [str(d) for d in ds.objects(nomination, KG.noticeStart)] == ["2021-05-10"]
    [evidence] = list(ds.objects(nomination, KG.evidence))
    assert any("拟任濉溪县人民政府副县长" in str(s) for s in ds.objects(evidence, KG.sentence))


def test_a_built_notice_conforms_to_the_shapes(built):
    result = validate(built)
    assert result.conforms, result.violations
