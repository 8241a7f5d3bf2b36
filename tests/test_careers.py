"""The careers stage on made-up dated pages: one official followed across two districts, namesakes
kept apart, reviewed decisions replayed on clean rebuilds, ranks of district and township posts,
a chain of successors, and the spell table as CSV and Parquet."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from rdflib import Dataset, Graph, Namespace
from rdflib.namespace import ORG, RDF, RDFS, SDO

from kg.build import build
from kg.careers import Decision, post_title, read_decisions
from kg.export import iri

KG = Namespace("https://w3id.org/kg-news/ns#")

TRANSFER = {  # 李建华: deputy head of 相山区, then acting head of 烈山区 (two districts of one city)
    "2020-05-10.txt": "相山区召开农村工作会议\n■记者 韩明\n本报讯 5月10日，相山区召开全区农村工作会议。"
                      "区委书记张国庆主持会议，副区长李建华出席会议并讲话。\n",
    "2020-09-12.txt": "相山区推进防汛工作\n■记者 韩明\n本报讯 9月12日，副区长李建华到任圩街道检查防汛工作。\n",
    "2021-03-15.txt": "烈山区人大常委会召开会议\n■记者 周红\n本报讯 3月15日，烈山区人大常委会召开第三十次会议。"
                      "会议决定任命原相山区副区长李建华为烈山区人民政府副区长、代理区长。\n",
    "2021-06-20.txt": "烈山区召开安全生产会议\n■记者 周红\n本报讯 6月20日，烈山区召开安全生产工作会议。"
                      "区委副书记、代区长李建华主持会议。\n",
}
NAMESAKES = {  # 王明 in 相山区 (淮北市) and in 龙子湖区 (蚌埠市): two people; 赵志刚 in two districts of one city, in turn
    "2020-04-02.txt": "相山区召开教育工作会议\n■记者 韩明\n本报讯 4月2日，相山区召开教育工作会议，副区长王明出席。"
                      "副区长赵志刚主持会议。\n",
    "2020-04-03.txt": "龙子湖区召开教育工作会议\n■记者 吴静\n本报讯 4月3日，龙子湖区召开教育工作会议，区长王明出席会议并讲话。\n",
    "2021-08-09.txt": "杜集区召开秋粮收购工作会议\n■记者 韩明\n本报讯 8月9日，杜集区召开秋粮收购工作会议，"
                      "副区长赵志刚主持会议。\n",
}
SUCCESSION = {  # three heads of 烈山区 in turn
    "2019-03-01.txt": "烈山区召开春耕生产会议\n本报讯 3月1日，烈山区召开春耕生产会议，区长陈立军主持会议。\n",
    "2019-11-20.txt": "烈山区召开冬季安全会议\n本报讯 11月20日，烈山区召开冬季安全会议，区长陈立军主持会议。\n",
    "2020-05-06.txt": "烈山区人大常委会召开会议\n本报讯 5月6日，烈山区人大常委会召开会议，决定任命孙伟东为烈山区人民政府区长。\n",
    "2020-10-10.txt": "烈山区召开项目推进会\n本报讯 10月10日，烈山区召开项目推进会，区长孙伟东主持会议。\n",
    "2021-07-01.txt": "烈山区召开防汛会议\n本报讯 7月1日，烈山区召开防汛工作会议，区长周海波主持会议。\n",
}
RANKS = {
    "2021-04-01.txt": "烈山区召开乡村振兴推进会\n本报讯 4月1日，烈山区召开乡村振兴推进会。区长孙伟东、副区长赵红梅出席，"
                      "区财政局局长钱立群、副局长吴国平汇报工作。古饶镇镇长郑春来、副镇长冯丽作交流发言。\n",
    "2021-04-02.txt": "东城区召开城市更新推进会\n本报讯 4月2日，北京市东城区召开城市更新推进会，东城区区长刘志远主持会议。\n",
}


def _write(folder: Path, pages: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _kg(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def _people(result, name: str) -> list[str]:
    return sorted(k for k, e in result.corpus.entities.items() if e.kind == "person" and e.label == name)


def _spells(result, name: str) -> list:
    keys = set(_people(result, name))
    return sorted((s for s in result.corpus.spells if s.person in keys), key=lambda s: (s.first or "", s.title))


@pytest.fixture(scope="module")
def transfer(tmp_path_factory):
    root = tmp_path_factory.mktemp("transfer")
    out = root / "out"
    return build([str(_write(root / "pages", TRANSFER))], out, html=False), out


@pytest.fixture(scope="module")
def namesakes(tmp_path_factory):
    root = tmp_path_factory.mktemp("namesakes")
    out = root / "out"
    return build([str(_write(root / "pages", NAMESAKES))], out, html=False), out


def test_a_transfer_across_districts_is_one_person(transfer):
    result, out = transfer
    [person] = _people(result, "李建华")  # person/相山区/李建华 was merged into it
    assert result.corpus.entities[person].attrs["merged_keys"] == ["person/相山区/李建华"]
    posts = {(result.corpus.entities[s.org].label, s.title) for s in _spells(result, "李建华")}
    assert {("相山区人民政府", "副区长"), ("烈山区人民政府", "代区长")} <= posts
    [link] = result.corpus.links
    assert link["status"] == "merged" and link["score"] >= 0.8
    assert any(r.startswith("shared-post: both hold 相山区人民政府 副区长") for r in link["reasons"])
    assert any("任命原相山区副区长李建华" in ev["sentence"] for ev in link["evidence"])
    # 原相山区副区长 on 2021-03-15 says he held it before that day, not on it
    [deputy] = [s for s in _spells(result, "李建华") if result.corpus.entities[s.org].label == "相山区人民政府"]
    assert (deputy.first, deputy.last, len(deputy.articles)) == ("2020-05-10", "2020-09-12", 3)
    # 代理区长 and 代区长 are one post; the appointment opens the spell
    [acting] = [s for s in _spells(result, "李建华") if s.title == "代区长"]
    assert (acting.began, acting.first, acting.last, acting.acting) == ("2021-03-15", "2021-03-15", "2021-06-20", True)


def test_the_link_and_the_merge_are_in_the_rdf(transfer):
    _, out = transfer
    ds = Dataset()
    ds.parse(out / "graph.trig", format="trig")
    [link] = list(ds.subjects(RDF.type, KG.IdentityLink))
    assert str(ds.value(link, KG.linkStatus)) == "merged"
    assert {str(k) for k in ds.objects(link, KG.resolvedKey)} == {"person/烈山区/李建华", "person/相山区/李建华"}
    assert len(set(ds.objects(link, KG.linked))) == 1  # both keys are now one node
    assert any("任命原相山区副区长" in str(ds.value(ev, KG.sentence)) for ev in ds.objects(link, KG.evidence))
    assert _kg("validate", str(out)).returncode == 0


def test_namesakes_in_two_cities_stay_apart(namesakes):
    result, _ = namesakes
    assert _people(result, "王明") == ["person/相山区/王明", "person/龙子湖区/王明"]
    assert not [x for x in result.corpus.links if x["name"] == "王明"]


def test_the_same_name_in_turn_in_one_city_is_a_candidate_not_a_merge(namesakes):
    result, out = namesakes
    assert _people(result, "赵志刚") == ["person/杜集区/赵志刚", "person/相山区/赵志刚"]
    [link] = [x for x in result.corpus.links if x["name"] == "赵志刚"]
    assert link["status"] == "candidate" and link["score"] < 0.8
    assert link["reasons"][0].startswith("same-city-in-turn: 相山区 until 2020-04-02, 杜集区 from 2021-08-09")
    g = Graph()
    g.parse(out / "graph.ttl")
    assert len(list(g.subject_objects(KG.sameAsCandidate))) == 1


def test_review_decisions_replay_on_clean_rebuilds(namesakes, tmp_path):
    _, out = namesakes
    review = tmp_path / "review.tsv"
    done = _kg("review", str(out), "-o", str(review))
    assert done.returncode == 0, done.stderr
    lines = review.read_text(encoding="utf-8").splitlines()
    rows = list(csv.reader(lines[1:], delimiter="\t"))
    assert rows[0][:4] == ["decision", "a", "b", "note"]
    [row] = [r for r in rows[1:] if r[4] == "赵志刚"]
    row[0], row[3] = "merge", "same deputy head, moved in 2021"
    extra = ["merge", "person/相山区/王明", "person/某区/王明", "a node no build has"]
    review.write_text("\n".join([lines[0], "\t".join(rows[0]), "\t".join(row), "\t".join(extra)]) + "\n",
                      encoding="utf-8")
    pages = _write(tmp_path / "pages", NAMESAKES)
    for run in ("first", "second"):  # a clean build each time: the decision lives in the file, not in a cache
        result = build([str(pages)], tmp_path / run, html=False, merges=review)
        assert _people(result, "赵志刚") == ["person/杜集区/赵志刚"]
        [link] = [x for x in result.corpus.links if x["name"] == "赵志刚"]
        assert (link["status"], link["note"]) == ("merged by decision", "same deputy head, moved in 2021")
        [missing] = [p for p in result.corpus.problems if p.stage == "careers"]
        assert "line 4" in missing.message and "person/某区/王明" in missing.message and not missing.skipped
        assert "person/某区/王明" in json.dumps(result.report["warnings"], ensure_ascii=False)


def test_apart_splits_a_merge_the_rules_made(tmp_path):
    decisions = tmp_path / "merges.tsv"
    decisions.write_text("apart\tperson/烈山区/李建华\tperson/相山区/李建华\tnamesakes after all\n", encoding="utf-8")
    result = build([str(_write(tmp_path / "pages", TRANSFER))], tmp_path / "out", html=False, merges=decisions)
    assert _people(result, "李建华") == ["person/烈山区/李建华", "person/相山区/李建华"]
    assert [x["status"] for x in result.corpus.links] == ["kept apart by decision"]


def test_a_bad_decisions_file_is_reported_line_by_line(tmp_path):
    path = tmp_path / "merges.tsv"
    path.write_text("# reviewed\nmerge\tperson/a/王明\tperson/b/王明\tok\nsplit\tperson/a/王明\tperson/b/王明\n"
                    "merge\tperson/a/王明\n", encoding="utf-8")
    decisions, problems = read_decisions(path)
    assert decisions == [Decision("merge", "person/a/王明", "person/b/王明", "ok", str(path), 2)]
    assert [p.message.split(":")[0] for p in problems] == ["line 3", "line 4"]
    assert "neither 'merge' nor 'apart'" in problems[0].message
    done = _kg("build", str(tmp_path), "-o", str(tmp_path / "out"), "--merges", str(tmp_path / "none.tsv"))
    assert done.returncode == 2 and "none.tsv: no such file" in done.stderr


def test_rank_of_district_and_township_posts(tmp_path):
    result = build([str(_write(tmp_path / "pages", RANKS))], tmp_path / "out", html=False)
    ranks = {(result.corpus.entities[s.org].label, s.title): (s.rank, s.category) for s in result.corpus.spells}
    assert ranks[("烈山区人民政府", "区长")] == ("正处级", "government")
    assert ranks[("烈山区人民政府", "副区长")] == ("副处级", "government")
    assert ranks[("烈山区财政局", "局长")] == ("正科级", "department")
    assert ranks[("烈山区财政局", "副局长")] == ("副科级", "department")
    town = {k: v for k, v in ranks.items() if k[0].startswith("古饶镇")}
    assert sorted(town.values()) == [("副科级", "township"), ("正科级", "township")]
    # a district of a 直辖市 ranks as a prefecture-level city
    assert ranks[("东城区人民政府", "区长")] == ("正厅级", "government")


def test_a_succession_chain_of_three_holders(tmp_path):
    result = build([str(_write(tmp_path / "pages", SUCCESSION))], tmp_path / "out", html=False)
    heads = [s for s in result.corpus.spells if s.title == "区长"]
    by_name = {result.corpus.entities[s.person].label: s for s in heads}
    chen, sun, zhou = by_name["陈立军"], by_name["孙伟东"], by_name["周海波"]
    assert (chen.predecessor, chen.successor) == ("", sun.person)
    assert (sun.predecessor, sun.successor) == (chen.person, zhou.person)
    assert (zhou.predecessor, zhou.successor) == (sun.person, "")
    assert result.corpus.conflicts == []
    g = Graph()
    g.parse(tmp_path / "out" / "graph.ttl")
    replaced = {(str(g.value(m, ORG.member)), str(g.value(m, KG.replaces))) for m in g.subjects(KG.replaces, None)}
    assert {p.rsplit("/", 1)[1] for pair in replaced for p in pair} == {"陈立军", "孙伟东", "周海波"}


def test_the_spell_table_loads_in_duckdb_with_the_rdf_counts(transfer, tmp_path):
    _, out = transfer
    done = _kg("export", str(out), "--to", "careers", "-o", str(tmp_path / "careers"))
    assert done.returncode == 0, done.stderr
    g = Graph()
    g.parse(out / "graph.ttl")
    memberships = len(list(g.subjects(RDF.type, ORG.Membership)))
    spells = str(tmp_path / "careers" / "spells.parquet")
    con = duckdb.connect()
    assert con.execute(f"SELECT count(*) FROM '{spells}'").fetchall() == [(memberships,)]
    rows = con.execute(f"SELECT name, \"order\", start, start_source, county, county_code, rank, sentence FROM '{spells}' "
                      "WHERE name = '李建华' ORDER BY \"order\"").fetchall()
    assert rows[0][:2] == ("李建华", 1) and str(rows[0][2]) == "2020-05-10" and rows[0][3] == "first seen"
    assert rows[0][4:7] == ("相山区", "340603", "副处级")
    assert "副区长李建华" in rows[0][7]
    with (tmp_path / "careers" / "persons.csv").open(encoding="utf-8") as fh:
        persons = {r["name"]: r for r in csv.DictReader(fh)}
    assert persons["李建华"]["merged_from"] == "person/相山区/李建华"
    assert persons["李建华"]["jurisdictions"] == "烈山区|相山区"


def test_the_tenures_and_posts_tables_hold_the_rdf_spells(transfer, tmp_path):
    _, out = transfer
    done = _kg("export", str(out), "--to", "parquet", "-o", str(tmp_path / "tables"))
    assert done.returncode == 0, done.stderr
    g = Graph()
    g.parse(out / "graph.ttl")
    label = {m: str(g.value(g.value(m, ORG.role), RDFS.label)) for m in g.subjects(RDF.type, ORG.Membership)}
    rdf = {(str(g.value(m, ORG.member)), role, str(g.value(m, KG.firstSeen)), str(g.value(m, KG.lastSeen)),
            int(g.value(m, KG.observations))) for m, role in label.items()}
    tenures = str(tmp_path / "tables" / "tenures.parquet")
    rows = duckdb.connect().execute(f"SELECT person_key, title, first_seen, last_seen, observations FROM '{tenures}'")
    table = [(str(iri(k)), t, str(f), str(last), n) for k, t, f, last, n in rows.fetchall()]
    assert len(table) == len(label) and set(table) == rdf
    posts = str(tmp_path / "tables" / "posts.parquet")
    con = duckdb.connect()
    spans = {(k, o, t): (f, last) for k, o, t, f, last in
             con.execute(f"SELECT person_key, organisation_key, title, first_seen, last_seen FROM '{tenures}'").fetchall()}
    # each report of a post carries its tenure's dates; a later report may name it as a former post
    # (原相山区副区长), so a report is dated on or after its tenure's start, not always before its end
    reports = con.execute(f"SELECT person_key, organisation_key, title, article_date, first_seen, last_seen "
                          f"FROM '{posts}'").fetchall()
    assert sum(1 for *_, day, _, _ in reports if day) > 0
    for k, o, t, day, first, last in reports:
        assert spans[k, o, post_title(t)] == (first, last)
        assert not day or str(first) <= day
    articles = str(tmp_path / "tables" / "articles.parquet")
    [[n]] = duckdb.connect().execute(f"SELECT count(*) FROM '{articles}' WHERE date IS NOT NULL").fetchall()
    assert n == sum(1 for _ in g.subjects(RDF.type, SDO.NewsArticle))


def test_a_notice_s_biography_reaches_the_person_table(tmp_path):
    page = ("干部任前公示\n根据干部选拔任用工作有关规定，现将拟任职干部予以公示。\n"
            "王建平，男，汉族，1975年3月生，安徽濉溪人，大学学历，1996年8月参加工作，1998年6月加入中国共产党，"
            "现任烈山区财政局局长，拟任烈山区人民政府副区长。\n公示时间：2021年5月10日至5月14日。\n")
    build([str(_write(tmp_path / "pages", {"2021-05-10.txt": page}))], tmp_path / "out", html=False)
    assert _kg("export", str(tmp_path / "out"), "--to", "careers", "-o", str(tmp_path / "c")).returncode == 0
    with (tmp_path / "c" / "persons.csv").open(encoding="utf-8") as fh:
        [row] = list(csv.DictReader(fh))
    assert (row["name"], row["gender"], row["ethnicity"], row["birth"]) == ("王建平", "男", "汉族", "1975-03")
    assert (row["education"], row["party_joined"], row["work_started"]) == ("大学学历", "1998-06", "1996-08")
    with (tmp_path / "c" / "spells.csv").open(encoding="utf-8") as fh:
        spells = list(csv.DictReader(fh))
    # the current post is a spell; the proposed one (拟任副区长) is a nomination, not a tenure
    assert [(s["post"], s["rank"]) for s in spells] == [("烈山区财政局局长", "正科级")]


def test_a_city_official_named_by_two_districts_papers_is_one_person(tmp_path):
    pages = {
        "2020-03-23.txt": "相山区召开春季植树动员会\n本报讯 3月23日，相山区召开春季植树动员会，淮北市副市长孙建国出席会议。\n",
        "2021-04-02.txt": "烈山区开展平安建设督导\n本报讯 4月2日，市委常委、政法委书记孙建国到烈山区督导平安建设。\n",
    }
    result = build([str(_write(tmp_path / "pages", pages))], tmp_path / "out", html=False)
    [person] = _people(result, "孙建国")
    [link] = result.corpus.links
    assert link["status"] == "merged" and link["reasons"][0] == "shared-city: both hold posts in bodies of 淮北市"
    bodies = {result.corpus.entities[s.org].label for s in _spells(result, "孙建国")}
    assert bodies == {"淮北市人民政府", "淮北市委", "淮北市委政法委"}
