"""Dates and tenures: dated files about one district with a change of 区长 between them give the
spells of each holder, the appointment as a change event, and a flagged conflict when the old
holder is seen again after the new one's start."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph

from kg.build import build
from kg.query import load_store, named_queries, run_query

PAGES = {
    "2021-03-05.txt": "相山区召开安全生产工作会议\n■记者 韩明\n本报讯 3月5日，相山区召开全区安全生产工作会议。"
                      "区委副书记、区长周文斌主持会议并讲话。\n",
    "2021-06-10.txt": "相山区推进重点项目建设\n■记者 韩明\n本报讯 6月10日，相山区召开重点项目推进会。"
                      "区长周文斌主持会议。\n",
    "2021-09-20.txt": "相山区人大常委会召开第四十次会议\n■记者 韩明\n本报讯 9月20日，相山区人大常委会召开第四十次会议，"
                      "会议决定任命王海为相山区人民政府区长。\n",
    "20211008.txt": "相山区调研秋季农业生产\n■记者 韩明\n本报讯 10月8日，区长周文斌到渠沟镇调研秋季农业生产。\n",
    "2021年11月20日.txt": "相山区召开民生工程推进会\n■记者 韩明\n本报讯 11月20日，相山区召开民生工程推进会。"
                         "区委副书记、区长王海主持会议。\n",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("dated")
    for name, text in PAGES.items():
        (corpus / name).write_text(text, encoding="utf-8")
    out = tmp_path_factory.mktemp("dated-out")
    result = build([str(corpus)], out, html=False)
    return result, out


def _spell(result, name: str, title: str):
    people = {k for k, e in result.corpus.entities.items() if e.kind == "person" and e.label == name}
    [spell] = [s for s in result.corpus.spells if s.person in people and s.title == title]
    return spell


def test_dates_come_from_the_file_name_and_the_dateline(built):
    result, _ = built
    dates = {a.source: (a.date, a.date_from) for a in result.corpus.articles}
    assert dates["2021-03-05.txt"] == ("2021-03-05", "dateline+page-year")
    assert dates["20211008.txt"] == ("2021-10-08", "dateline+page-year")
    assert dates["2021年11月20日.txt"] == ("2021-11-20", "dateline+page-year")


def test_observations_merge_into_spells(built):
    result, _ = built
    zhu = _spell(result, "周文斌", "区长")
    assert (zhu.first, zhu.last, len(zhu.articles)) == ("2021-03-05", "2021-10-08", 3)
    assert result.corpus.entities[zhu.org].label == "相山区人民政府"
    wang = _spell(result, "王海", "区长")
    assert (wang.first, wang.last, wang.began) == ("2021-09-20", "2021-11-20", "2021-09-20")
    assert wang.org == zhu.org


def test_the_appointment_is_a_change_event_with_its_evidence(built):
    _, out = built
    g = Graph().parse(out / "graph.ttl")
    rows = list(g.query("""
        PREFIX kg: <https://w3id.org/kg-news/ns#> PREFIX org: <http://www.w3.org/ns/org#>
        PREFIX schema: <https://schema.org/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?kind ?who ?post ?date ?sentence WHERE {
          ?c a kg:PostChange ; kg:changeKind ?kind ; org:member/rdfs:label ?who ; kg:post/rdfs:label ?post ;
             schema:startDate ?date ; kg:evidence/kg:sentence ?sentence }"""))
    assert [(str(k), str(w), str(p), str(d)) for k, w, p, d, _ in rows] == [
        ("appointed", "王海", "相山区人民政府区长", "2021-09-20")]
    assert "任命王海为相山区人民政府区长" in str(rows[0][4])


def test_two_holders_of_a_sole_post_at_overlapping_dates_are_a_conflict(built):
    result, out = built
    conflicts = json.loads((out / "report.json").read_text(encoding="utf-8"))["conflicts"]
    [conflict] = conflicts
    labels = {result.corpus.entities[k].label for k in conflict["holders"]}
    assert labels == {"周文斌", "王海"} and conflict["title"] == "区长"


def test_spells_are_org_memberships_with_a_time_interval(built):
    _, out = built
    g = Graph().parse(out / "graph.ttl")
    [(begin, end)] = g.query("""
        PREFIX org: <http://www.w3.org/ns/org#> PREFIX time: <http://www.w3.org/2006/time#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?b ?e WHERE { ?m a org:Membership ; org:member/rdfs:label "周文斌"@zh ; org:role/rdfs:label "区长"@zh ;
            org:memberDuring [ time:hasBeginning/time:inXSDDate ?b ; time:hasEnd/time:inXSDDate ?e ] }""")
    assert (str(begin), str(end)) == ("2021-03-05", "2021-10-08")


@pytest.mark.parametrize(("date", "holder"), [("2021-07-01", "周文斌"), ("2021-11-20", "王海"), ("2021-03-04", None)])
def test_who_held_the_post_on_a_date(built, date, holder):
    _, out = built
    answer = run_query(load_store(out), named_queries()["post-holders-on"].text, {"date": date, "title": "区长"})
    people = [row[3] for row in answer]
    assert people == ([holder] if holder else [])


def test_a_career_lists_each_post_with_its_dates(built):
    _, out = built
    answer = run_query(load_store(out), named_queries()["career"].text, {"name": "周文斌"})
    rows = {(r[1], r[2], r[3], r[4]) for r in answer}
    assert ("相山区人民政府区长", "2021-03-05", "2021-10-08", "3") in rows
    assert ("相山区委副书记", "2021-03-05", "2021-03-05", "1") in rows


def test_a_persons_tooltip_shows_the_timeline_of_each_post(built, tmp_path):
    import re

    result, _ = built
    from kg.graph import build_graph
    from kg.render import render_html

    page = tmp_path / "g.html"
    render_html(build_graph(result.corpus), page)
    data = json.loads(re.search(r'<script type="application/json" id="kg-data">(.*?)</script>',
                                page.read_text(encoding="utf-8"), re.S).group(1))
    [zhu] = [n for n in data["nodes"] if n["name"] == "周文斌"]
    assert "区长（相山区人民政府） 2021-03-05—2021-10-08" in zhu["title"]
