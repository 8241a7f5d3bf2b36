"""SPARQL over the seed build: kg.query.load_store / run_query / format_result, and the named queries."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import SEED_NAMES
from rdflib import Graph

from kg.query import QueryError, format_result, load_store, named_queries, run_query

FILES = "SELECT ?name WHERE { ?f a schema:DigitalDocument ; schema:name ?name } ORDER BY ?name"

AUTHORS_OF = """
SELECT ?author WHERE {
  ?article a schema:NewsArticle ; schema:headline ?headline ; schema:author ?person .
  ?person rdfs:label ?author .
  FILTER(CONTAINS(STR(?headline), "%s"))
} ORDER BY ?author
"""


def _select(store, query: str) -> list[dict[str, str]]:
    out = format_result(run_query(store, query), "csv")
    return list(csv.DictReader(io.StringIO(out)))


# --- SELECT in every format ---------------------------------------------------------------------


def test_select_table(store):
    out = format_result(run_query(store, FILES), "table")
    lines = out.splitlines()

    assert lines[0].strip() == "name"
    assert set(lines[1]) == {"-"}
    assert [ln.strip() for ln in lines[2:-1]] == SEED_NAMES
    assert lines[-1] == f"({len(SEED_NAMES)} rows)"


def test_select_table_aligns_chinese_columns(store):
    query = AUTHORS_OF.replace("SELECT ?author", "SELECT ?author ?headline") % "烈山经济开发区"
    lines = format_result(run_query(store, query), "table").splitlines()
    rows = lines[2:-1]

    assert len(rows) == 3
    # 王守明 is three wide characters: the second column starts at the same display column in every row
    assert all(r.startswith(("王守明 | ", "陈子龙 | ", "王权礼 | ")) for r in rows)
    assert lines[0].startswith("author | ")


def test_select_csv(store):
    out = format_result(run_query(store, FILES), "csv")
    rows = list(csv.reader(io.StringIO(out)))

    assert rows[0] == ["name"]
    assert [r[0] for r in rows[1:]] == SEED_NAMES


def test_select_csv_keeps_commas_and_line_breaks_of_a_body(store):
    query = """
    SELECT ?headline ?body WHERE {
      ?a schema:headline ?headline ; schema:articleBody ?body .
      FILTER(STRSTARTS(STR(?headline), "烈山经济开发区"))
    }"""
    [row] = _select(store, query)

    assert row["headline"] == "烈山经济开发区 推行“一卡”服务 优化营商环境"
    assert "为精准破解企业难题，拉近政企距离，烈山经济开发区创新推行“一卡”服务模式。" in row["body"]
    assert "\n一卡直通，诉求有门。" in row["body"]


def test_select_tsv_is_sparql_results_tsv(store):
    out = format_result(run_query(store, FILES), "tsv")
    lines = out.splitlines()
    # read back by Oxigraph's own SPARQL TSV parser: the terms, not just their text
    parsed = ox.parse_query_results(out.encode("utf-8"), ox.QueryResultsFormat.TSV)

    assert lines[0] == "?name"
    assert [sol["name"] for sol in parsed] == [ox.Literal(n) for n in SEED_NAMES]
    assert lines[1] == f'"{SEED_NAMES[0]}"'


def test_select_tsv_two_columns_keeps_language_tags_and_iris(store):
    query = AUTHORS_OF.replace("SELECT ?author", "SELECT ?a ?author ?headline").replace(
        "rdfs:label ?author", "rdfs:label ?author . BIND(?person AS ?a)") % "烈山经济开发区"
    out = format_result(run_query(store, query), "tsv")
    parsed = list(ox.parse_query_results(out.encode("utf-8"), ox.QueryResultsFormat.TSV))

    assert out.splitlines()[0] == "?a\t?author\t?headline"
    assert [sol["author"] for sol in parsed] == [ox.Literal(n, language="zh") for n in ("王守明", "王权礼", "陈子龙")]
    assert all(isinstance(sol["a"], ox.NamedNode) for sol in parsed)
    assert {sol["headline"].value for sol in parsed} == {"烈山经济开发区 推行“一卡”服务 优化营商环境"}


def test_select_tsv_escapes_the_line_breaks_of_an_article_body(store):
    out = format_result(run_query(store, "SELECT ?body WHERE { ?a schema:articleBody ?body }"), "tsv")
    lines = out.splitlines()
    bodies = [sol["body"].value for sol in ox.parse_query_results(out.encode("utf-8"), ox.QueryResultsFormat.TSV)]

    assert len(lines) == 1 + len(bodies)
    assert any("\n一卡直通，诉求有门。" in b for b in bodies)


def test_select_json_is_sparql_results_json(store):
    out = format_result(run_query(store, FILES), "json")
    data = json.loads(out)

    assert data["head"]["vars"] == ["name"]
    bindings = data["results"]["bindings"]
    assert [b["name"]["value"] for b in bindings] == SEED_NAMES
    assert all(b["name"]["type"] == "literal" for b in bindings)


def test_select_json_language_tag(store):
    query = 'SELECT ?h WHERE { ?a schema:headline ?h FILTER(STRSTARTS(STR(?h), "扎紧政府")) }'
    data = json.loads(format_result(run_query(store, query), "json"))

    [binding] = data["results"]["bindings"]
    assert binding["h"] == {"type": "literal", "value": "扎紧政府“钱袋子”", "xml:lang": "zh"}


def test_unbound_variable_is_an_empty_cell(store):
    query = """
    SELECT ?name ?missing WHERE {
      ?f a schema:DigitalDocument ; schema:name ?name .
      OPTIONAL { ?f schema:nothingHere ?missing }
    } ORDER BY ?name LIMIT 1"""
    rows = list(csv.reader(io.StringIO(format_result(run_query(store, query), "csv"))))

    assert rows == [["name", "missing"], [SEED_NAMES[0], ""]]


# --- ASK, CONSTRUCT, errors ---------------------------------------------------------------------


def test_ask_true_and_false(store):
    yes = run_query(store, 'ASK { ?f schema:name "000_96c8e21aadbbbbe2.txt" }')
    no = run_query(store, 'ASK { ?f schema:name "999_not_a_page.txt" }')

    assert format_result(yes) == "true\n"
    assert format_result(no) == "false\n"
    assert json.loads(format_result(yes, "json")) == {"head": {}, "boolean": True}
    assert json.loads(format_result(no, "json"))["boolean"] is False


def test_construct_gives_rdf(store):
    query = "CONSTRUCT { ?f schema:name ?name } WHERE { ?f a schema:DigitalDocument ; schema:name ?name }"
    turtle = format_result(run_query(store, query))
    g = Graph().parse(data=turtle, format="turtle")

    assert sorted(str(o) for o in g.objects()) == SEED_NAMES
    assert len(g) == len(SEED_NAMES)

    jsonld = format_result(run_query(store, query), "json")
    g2 = Graph().parse(data=jsonld, format="json-ld")
    assert set(g2) == set(g)


def test_syntax_error_raises_query_error(store):
    with pytest.raises(QueryError):
        run_query(store, "SELECT ?h WHERE { ?a schema:headline ?h ")


def test_unknown_prefix_raises_query_error(store):
    with pytest.raises(QueryError):
        run_query(store, "SELECT ?x WHERE { ?x nope:label ?y }")


def test_load_store_missing_target(tmp_path):
    with pytest.raises(QueryError):
        load_store(tmp_path / "no-build-here")


def test_load_store_folder_without_a_build(tmp_path):
    (tmp_path / "notes.txt").write_text("不是图谱。\n", encoding="utf-8")
    with pytest.raises(QueryError):
        load_store(tmp_path)


def test_load_store_from_the_turtle_file(out_dir):
    g = load_store(out_dir / "graph.ttl")
    rows = [str(r[0]) for r in run_query(g, FILES)]

    assert rows == SEED_NAMES


def test_load_store_file_that_is_not_rdf(tmp_path):
    bad = tmp_path / "graph.ttl"
    bad.write_text("区委书记刘明主持会议并讲话。\n", encoding="utf-8")
    with pytest.raises(QueryError):
        load_store(bad)


# --- facts the seed pages state -----------------------------------------------------------------


def test_the_lieshan_development_zone_report_is_by_wang_shouming(store):
    # seeds/000: "烈山经济开发区 推行“一卡”服务 优化营商环境 / ■记者 王守明 通讯员 陈子龙 王权礼"
    authors = [r["author"] for r in _select(store, AUTHORS_OF % "烈山经济开发区")]

    assert authors == ["王守明", "王权礼", "陈子龙"]


def test_reporter_and_correspondent_roles(store):
    query = """
    SELECT ?role ?name WHERE {
      ?a schema:headline ?h . FILTER(STRSTARTS(STR(?h), "烈山经济开发区"))
      { ?a kg:reporter ?p BIND("reporter" AS ?role) } UNION { ?a kg:correspondent ?p BIND("correspondent" AS ?role) }
      ?p rdfs:label ?name .
    } ORDER BY ?role ?name"""
    rows = [(r["role"], r["name"]) for r in _select(store, query)]

    assert rows == [("correspondent", "王权礼"), ("correspondent", "陈子龙"), ("reporter", "王守明")]


def test_photo_story_has_its_photographer(store):
    # seeds/000: "优质医疗资源下沉 群众家门口享便捷服务 ... ■摄影 记者 冯树凤"
    query = """
    SELECT ?name WHERE {
      ?a schema:headline ?h ; kg:photographer ?p . ?p rdfs:label ?name .
      FILTER(STRSTARTS(STR(?h), "优质医疗资源下沉"))
    }"""
    assert [r["name"] for r in _select(store, query)] == ["冯树凤"]


def test_liu_ming_holds_a_secretary_post(store):
    # seeds/000: "区委书记刘明主持会议并讲话。"
    query = """
    SELECT ?post WHERE {
      ?p rdfs:label ?n . FILTER(STR(?n) = "刘明")
      ?p org:holds ?x . ?x a org:Post ; rdfs:label ?post .
    }"""
    posts = [r["post"] for r in _select(store, query)]

    assert posts
    assert any(p.endswith("书记") for p in posts)


def test_post_holder_is_linked_both_ways(store):
    query = """
    ASK {
      ?p rdfs:label ?n . FILTER(STR(?n) = "刘明")
      ?p org:holds ?post . ?post org:heldBy ?p .
    }"""
    assert run_query(store, query).boolean is True


def test_dated_article(store):
    # seeds/001: "本报讯 11月18日，相山区十一届人大常委会第四十次会议召开。"
    query = """
    SELECT ?d WHERE {
      ?a schema:headline ?h ; kg:dateText ?d .
      FILTER(STRSTARTS(STR(?h), "相山区十一届人大常委会"))
    }"""
    data = json.loads(format_result(run_query(store, query), "json"))
    [binding] = data["results"]["bindings"]

    assert binding["d"]["value"] == "--11-18"
    assert binding["d"]["datatype"] == "http://www.w3.org/2001/XMLSchema#gMonthDay"


def test_every_tian_xiuzhong_report_is_on_the_weidong_page(store):
    # seeds/002: every report on the page is by 记者田秀忠; he appears on no other page
    query = """
    SELECT DISTINCT ?file WHERE {
      ?p rdfs:label ?n . FILTER(STR(?n) = "田秀忠")
      ?a schema:author ?p ; schema:isPartOf ?f . ?f schema:name ?file .
    }"""
    assert [r["file"] for r in _select(store, query)] == ["002_d8e10ae50a9c1096.txt"]


# --- named queries: each runs on the seed build and gives a known answer ------------------------


def _named(store, query: str, **params) -> list[dict[str, str]]:
    answer = run_query(store, named_queries()[query].text, params)
    return list(csv.DictReader(io.StringIO(format_result(answer, "csv"))))


def test_named_queries_are_listed_with_a_description():
    queries = named_queries()
    assert {"officials-by-district", "person-posts", "meetings", "organisations-tree", "initiatives",
            "reporters"} <= set(queries)
    assert all(q.description for q in queries.values())
    assert queries["person-posts"].params == ["name"]


def test_officials_by_district(store):
    rows = _named(store, "officials-by-district", district="烈山区")
    assert {(r["person"], r["post"]) for r in rows} == {
        ("刘明", "烈山区委书记"), ("孙露露", "烈山区委副书记"), ("孙露露", "烈山区人民政府区长"),
        ("曹梅", "烈山区人大常委会主任")}


def test_person_posts_with_date_file_and_sentence(store):
    [row] = _named(store, "person-posts", name="刘明")
    assert (row["post"], row["date"], row["file"]) == ("烈山区委书记", "--09-12", "000_96c8e21aadbbbbe2.txt")
    assert row["sentence"] == "区委书记刘明主持会议并讲话。"


def test_meetings_with_chair_and_attendees(store):
    rows = {r["meeting"]: r for r in _named(store, "meetings")}
    meeting = rows["烈山区委常委会扩大会议"]
    assert meeting["chair"] == "刘明"
    assert set(meeting["attendees"].split("、")) == {"孙露露", "曹梅"}


def test_organisations_of_a_district_as_a_tree(store):
    rows = {(r["organisation"], r["parent"]) for r in _named(store, "organisations-tree", district="相山区")}
    assert ("相山区委组织部", "相山区委") in rows
    assert ("相山区纪委", "相山区委") in rows
    assert ("相山区委", "") in rows


def test_initiatives_with_who_runs_them(store):
    rows = _named(store, "initiatives")
    by_name = {r["initiative"]: r for r in rows}
    assert "送法进校园" in by_name
    assert any(r["district"] for r in rows)


def test_reporters_and_what_they_covered(store):
    rows = {(r["person"], r["role"]): r for r in _named(store, "reporters")}
    han = rows[("韩惠", "记者")]
    assert han["reports"] == "3"
    assert "相山区政务服务中心开展专项整治行动" in han["headlines"]


# --- named queries as they are: their own prefixes, no SERVICE, the rows of their first text -----

ORIGINAL = {
    # the texts these queries had before they were rewritten for speed (issue 16): the reference
    # that the rewrite gives the same rows, as multisets, on real builds
    "initiatives": """
SELECT DISTINCT ?initiative ?runBy ?district WHERE {
  ?i a kg:Initiative ; rdfs:label ?initiative .
  OPTIONAL {
    ?i kg:runBy ?r . ?r rdfs:label ?runBy .
    OPTIONAL { { ?r kg:jurisdiction/rdfs:label ?district } UNION { ?r a schema:Place ; rdfs:label ?district } }
  }
}
ORDER BY ?district ?runBy ?initiative""",
    "post-holders-on": """
SELECT ?date ?title ?post ?person ?firstSeen ?lastSeen WHERE {
  ?m a org:Membership ; kg:post ?p ; org:member/rdfs:label ?person ; kg:firstSeen ?firstSeen ; kg:lastSeen ?lastSeen .
  ?p rdfs:label ?post ; kg:title ?title .
  FILTER(?firstSeen <= ?date)
  FILTER NOT EXISTS {
    ?later a org:Membership ; kg:post ?p ; kg:firstSeen ?f2 .
    FILTER(?later != ?m && ?f2 > ?firstSeen && ?f2 <= ?date)
  }
}
ORDER BY ?post""",
    "careers": """
SELECT ?person ?name ?post ?rank ?category ?firstSeen ?lastSeen ?reports ?predecessor ?successor WHERE {
  ?m a org:Membership ; org:member ?person ; kg:post/rdfs:label ?post ; kg:observations ?reports .
  ?person rdfs:label ?name .
  OPTIONAL { ?m kg:rank ?rank }
  OPTIONAL { ?m kg:postCategory ?category }
  OPTIONAL { ?m kg:firstSeen ?firstSeen ; kg:lastSeen ?lastSeen }
  OPTIONAL { ?m kg:replaces/rdfs:label ?predecessor }
  OPTIONAL { ?m kg:replacedBy/rdfs:label ?successor }
}""",
    "career": """
SELECT ?name ?post ?firstSeen ?lastSeen ?reports WHERE {
  ?m a org:Membership ; org:member ?p ; kg:post/rdfs:label ?post ; kg:observations ?reports .
  ?p rdfs:label ?name .
  OPTIONAL { ?m kg:firstSeen ?firstSeen ; kg:lastSeen ?lastSeen }
}""",
    "reporters": """
SELECT ?person ?role (COUNT(DISTINCT ?a) AS ?reports) (GROUP_CONCAT(DISTINCT ?headline; separator=" / ") AS ?headlines) WHERE {
  {
    SELECT ?a ?person ?role ?headline WHERE {
      { ?a kg:reporter ?p BIND("记者" AS ?role) } UNION { ?a kg:correspondent ?p BIND("通讯员" AS ?role) }
      UNION { ?a kg:photographer ?p BIND("摄影" AS ?role) }
      ?p rdfs:label ?person . ?a schema:headline ?headline .
    }
    ORDER BY ?headline
  }
}
GROUP BY ?person ?role""",
}


def _prepare_bare(text: str):
    """rdflib's SPARQL parser and algebra with no prefix known beforehand: rdflib binds 29 of its
    own (schema:, org:, prov: …) to every query, which would hide a missing declaration."""
    import rdflib.plugins.sparql.sparql as sparql
    from rdflib.namespace import NamespaceManager
    from rdflib.plugins.sparql import prepareQuery

    real = sparql.NamespaceManager
    sparql.NamespaceManager = lambda graph: real(graph, bind_namespaces="none")
    try:
        return prepareQuery(text)
    finally:
        sparql.NamespaceManager = NamespaceManager


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_named_query_parses_without_kgs_prefixes(name):
    # other SPARQL engines (Fuseki, an Oxigraph server) run the files as they are
    _prepare_bare(named_queries()[name].text)


@pytest.mark.parametrize("prefix", ["schema", "rdfs", "kg"])
def test_a_query_without_one_of_its_prefixes_does_not_parse(prefix):
    text = named_queries()["initiatives"].text
    with pytest.raises(Exception, match=prefix):
        _prepare_bare("\n".join(ln for ln in text.splitlines() if not ln.startswith(f"PREFIX {prefix}:")))


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_named_query_calls_no_service(name):
    # `kg query --named` skips the SERVICE check for these files
    from kg.query import uses_service

    assert not uses_service(named_queries()[name].text)


def _build_of(tmp_path_factory, pages, dated: bool):
    """A build of real pages; ``dated`` files each page under a folder named by a date five days
    after the previous page's, so that tenures get first and last dates."""
    import datetime
    import shutil

    from kg.build import build

    if not pages.is_dir():
        pytest.skip(f"{pages} is not here")
    src = tmp_path_factory.mktemp("pages")
    for i, page in enumerate(sorted(pages.iterdir())):
        folder = src / (str(datetime.date(2024, 1, 1) + datetime.timedelta(days=5 * i)) if dated else "")
        folder.mkdir(exist_ok=True)
        shutil.copy(page, folder / page.name)
    out = tmp_path_factory.mktemp("build")
    build([str(src)], out, html=False, jobs=1)
    return load_store(out)


DEV_PAGES = Path(__file__).resolve().parent.parent.parent / "shared" / "dev" / "pages"


@pytest.fixture(scope="module")
def dev_store(tmp_path_factory):
    return _build_of(tmp_path_factory, DEV_PAGES, dated=False)


@pytest.fixture(scope="module")
def dated_dev_store(tmp_path_factory):
    return _build_of(tmp_path_factory, DEV_PAGES, dated=True)


def _rows(store, text, params=None) -> Counter:
    return Counter(tuple(row) for row in run_query(store, text, params).rows)


@pytest.mark.parametrize("which", ["store", "dev_store", "dated_dev_store"])
def test_initiatives_gives_the_rows_of_its_first_text(which, request):
    store = request.getfixturevalue(which)
    new = _rows(store, named_queries()["initiatives"].text)

    assert new == _rows(store, ORIGINAL["initiatives"])
    assert any(district is not None for _, _, district in new)


@pytest.mark.parametrize("which", ["store", "dev_store", "dated_dev_store"])
def test_post_holders_on_gives_the_rows_of_its_first_text(which, request):
    store = request.getfixturevalue(which)
    dates = sorted({r[0].value for r in run_query(store, "SELECT DISTINCT ?d WHERE { ?m kg:firstSeen|kg:lastSeen ?d }").rows})
    titles = sorted({r[0].value for r in run_query(store, "SELECT DISTINCT ?t WHERE { ?p kg:title ?t }").rows})
    # every date a tenure starts or ends, the day before the first, and every title on the last
    params = [{"date": d} for d in ["2000-01-01", *dates]] + [{"date": dates[-1], "title": t} for t in titles if dates]
    answered = 0
    for p in params:
        new = _rows(store, named_queries()["post-holders-on"].text, p)
        assert new == _rows(store, ORIGINAL["post-holders-on"], p), p
        answered += sum(new.values())
    if which == "dated_dev_store":  # the seeds and dev pages alone carry no year, so no tenure dates
        assert answered > 0


@pytest.mark.parametrize("which", ["store", "dev_store", "dated_dev_store"])
@pytest.mark.parametrize("name", ["careers", "reporters", "career"])
def test_queries_rewritten_for_speed_give_the_rows_of_their_first_texts(name, which, request):
    store = request.getfixturevalue(which)
    if name == "career":  # every holder's name, and one no one has
        names = sorted({r[0].value for r in run_query(store, "SELECT DISTINCT ?n WHERE { ?m org:member/rdfs:label ?n }").rows})
        params = [{"name": n} for n in names] + [{"name": "无此人"}]
    else:
        params = [None]
    answered = 0
    for p in params:
        new = _rows(store, named_queries()[name].text, p)
        assert new == _rows(store, ORIGINAL[name], p), p
        answered += sum(new.values())
    assert answered > 0


def test_the_spell_table_keeps_each_persons_rows_together(dated_dev_store):
    rows = run_query(dated_dev_store, named_queries()["careers"].text).rows
    people = [row[0].value for row in rows]
    runs = [p for i, p in enumerate(people) if i == 0 or people[i - 1] != p]

    assert len(runs) == len(set(people)) > 10


def test_timing_goes_to_stderr_and_leaves_the_answer_clean(out_dir, capsys):
    import re

    from kg.cli import EXIT_OK, main

    assert main(["query", str(out_dir), "--named", "reporters", "--format", "csv", "--timing"]) == EXIT_OK
    captured = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(captured.out)))
    timing = re.fullmatch(r"kg query: load (\d+\.\d\d) s \((?:index opened|index made|in memory: [^)]*)\), "
                          r"query (\d+\.\d\d) s \(([\d,]+) rows\), output \d+\.\d\d s\n", captured.err)

    assert timing, captured.err
    assert int(timing.group(3).replace(",", "")) == len(rows)
    assert ("韩惠", "记者") in {(r["person"], r["role"]) for r in rows}


def test_no_timing_unless_asked(out_dir, capsys):
    from kg.cli import EXIT_OK, main

    assert main(["query", str(out_dir), "ASK { ?s a schema:NewsArticle }"]) == EXIT_OK
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("true\n", "")
