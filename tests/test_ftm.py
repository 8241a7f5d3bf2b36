"""Career data in the standards users load: ``kg export --to ftm`` (FollowTheMoney entities,
checked by followthemoney's own model) and ``--to quickstatements`` (Wikidata P39 with dates and
a reference), on a build of made-up dated pages and one of the seed pages."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from followthemoney import model
from rdflib import Graph

from kg.build import build
from kg.careers_standards import WikidataMapError, qs_time, quickstatements, read_wikidata_map
from kg.cli import EXIT_DAMAGED, EXIT_OK, EXIT_OUTPUT, EXIT_USAGE, main
from kg.export import read_node_link
from kg.vocab import ORG, RDF

# A district's 区委书记 and 副区长 on one day; the 副区长 appointed 区长 on a later day and seen in
# that post again (invented names).
PAGES = {
    "2021-05-10.txt": "烈山区召开全区经济工作会议\n本报讯 5月10日，烈山区召开全区经济工作会议。"
                      "区委书记王明主持会议并讲话，副区长李建华通报上半年经济运行情况。\n",
    "2021-08-02.txt": "烈山区人大常委会召开第十二次会议\n本报讯 8月2日，烈山区人大常委会召开第十二次会议。"
                      "会议决定任命李建华为烈山区人民政府区长。\n",
    "2021-11-15.txt": "烈山区调研秋季农业生产\n本报讯 11月15日，区长李建华到宋疃镇调研秋季农业生产，"
                      "区委书记王明一同调研。\n",
}
LI, WANG = "person/烈山区/李建华", "person/烈山区/王明"
HEAD, SECRETARY, DEPUTY = "post/烈山区人民政府/区长", "post/烈山区委/书记", "post/烈山区人民政府/副区长"
MAP = f"key\tqid\n# made-up items\n{LI}\tQ1000001\n{HEAD}\tQ1000002\n{SECRETARY}\tQ1000003\n"


@pytest.fixture(scope="module")
def pages_build(tmp_path_factory) -> Path:
    pages = tmp_path_factory.mktemp("career-pages")
    for name, text in PAGES.items():
        (pages / name).write_text(text, encoding="utf-8")
    out = tmp_path_factory.mktemp("career-build")
    build([str(pages)], out, html=False)
    return out


@pytest.fixture(scope="module")
def wikidata_map(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("map") / "map.tsv"
    path.write_text(MAP, encoding="utf-8")
    return path


@pytest.fixture(params=["pages", "seeds"])
def any_build(request, pages_build, out_dir) -> Path:
    return pages_build if request.param == "pages" else out_dir


def _ftm(build_dir: Path, out: Path, *extra: str) -> list[dict]:
    assert main(["export", str(build_dir), "--to", "ftm", "-o", str(out), *extra]) == EXIT_OK
    return [json.loads(line) for line in (out / "entities.ftm.json").read_text(encoding="utf-8").splitlines()]


def _qs(build_dir: Path, out: Path, *extra: str) -> list[str]:
    assert main(["export", str(build_dir), "--to", "quickstatements", "-o", str(out), *extra]) == EXIT_OK
    return (out / "quickstatements.txt").read_text(encoding="utf-8").splitlines()


def _by(entities: list[dict], schema: str) -> list[dict]:
    return [e for e in entities if e["schema"] == schema]


def test_every_ftm_line_validates_with_followthemoney(any_build, tmp_path):
    entities = _ftm(any_build, tmp_path)
    assert entities
    ids = {e["id"] for e in entities}
    assert len(ids) == len(entities) and all(i.startswith("kg-") for i in ids)
    for e in entities:
        schema = model.get(e["schema"])
        assert schema is not None and not schema.abstract, e["schema"]
        assert set(e["properties"]) <= set(schema.properties), e
        # cleaned=False re-validates every value: a value the model drops or rewrites is a defect
        proxy = model.get_proxy(e, cleaned=False)
        assert proxy.to_dict()["properties"] == e["properties"], e
        for prop, value in proxy.itervalues():
            if prop.type.name == "entity":
                assert value in ids, (e["schema"], prop.name)
    assert {e["schema"] for e in entities} >= {"Person", "Position", "Occupancy", "PublicBody"}


def test_one_occupancy_per_rdf_membership(any_build, tmp_path):
    occupancies = _by(_ftm(any_build, tmp_path), "Occupancy")
    rdf = Graph().parse(any_build / "graph.ttl")
    memberships = set(rdf.subjects(RDF.type, ORG.Membership))
    assert memberships and len(occupancies) == len(memberships)


def test_ftm_careers_of_the_made_up_pages(pages_build, tmp_path):
    entities = _ftm(pages_build, tmp_path)
    by_id = {e["id"]: e for e in entities}
    [li] = [e for e in _by(entities, "Person") if e["properties"]["name"] == ["李建华"]]
    mine = [o for o in _by(entities, "Occupancy") if o["properties"]["holder"] == [li["id"]]]
    posts = {by_id[o["properties"]["post"][0]]["properties"]["name"][0]: o for o in mine}
    assert set(posts) == {"烈山区人民政府副区长", "烈山区人民政府区长"}
    head = posts["烈山区人民政府区长"]["properties"]
    assert head["startDate"] == ["2021-08-02"] and head["endDate"] == ["2021-11-15"]  # appointed; last seen
    assert head["status"] == ["unknown"]  # no report says the tenure ended
    assert "任命李建华为烈山区人民政府区长" in head["description"][0]
    assert head["recordId"] == ["2021-08-02.txt#0"]
    position = by_id[head["post"][0]]["properties"]
    assert position["country"] == ["cn"] and position["subnationalArea"] == ["安徽省淮北市烈山区"]
    body = by_id[position["organization"][0]]
    assert body["schema"] == "PublicBody" and body["properties"]["name"] == ["烈山区人民政府"]
    deputy = posts["烈山区人民政府副区长"]["properties"]
    assert deputy["startDate"] == deputy["endDate"] == ["2021-05-10"]


def test_ftm_carries_the_wikidata_ids_of_the_map(pages_build, wikidata_map, tmp_path):
    entities = _ftm(pages_build, tmp_path, "--wikidata", str(wikidata_map))
    ids = {e["properties"]["name"][0]: e["properties"].get("wikidataId") for e in entities if "name" in e["properties"]}
    assert ids["李建华"] == ["Q1000001"] and ids["烈山区人民政府区长"] == ["Q1000002"] and ids["王明"] is None


# QuickStatements v1: the commands and values of Help:QuickStatements
_ITEM = r"(?:Q[1-9]\d*|LAST)"
_VALUE = re.compile(r'Q[1-9]\d*|"[^"\t]*"|[a-z-]+:"[^"\t]*"|[+-]\d{4,}-\d\d-\d\dT00:00:00Z/(?:9|10|11)')


def _command(line: str) -> list[str] | None:
    """The columns of a command line, None for a comment line; fails on anything else."""
    if re.fullmatch(r"/\*.*\*/", line):
        return None
    cols = line.split("\t")
    if cols == ["CREATE"]:
        return cols
    assert len(cols) >= 3 and re.fullmatch(_ITEM, cols[0]), line
    if re.fullmatch(r"[LAD][a-z-]+", cols[1]):
        assert len(cols) == 3 and re.fullmatch(r'"[^"\t|]+"', cols[2]), line
        return cols
    assert re.fullmatch(r"P[1-9]\d*", cols[1]) and _VALUE.fullmatch(cols[2]), line
    assert len(cols) % 2 == 1, line  # qualifier and source pairs
    for prop, value in zip(cols[3::2], cols[4::2], strict=True):
        assert re.fullmatch(r"[PS][1-9]\d*", prop) and _VALUE.fullmatch(value), (prop, value)
    return cols


def test_quickstatements_lines_parse(any_build, wikidata_map, tmp_path):
    lines = _qs(any_build, tmp_path, "--wikidata", str(wikidata_map))
    commands = [c for c in map(_command, lines) if c]
    assert lines[0].startswith("/*")  # the header says what is emitted and what is not
    assert all("|" not in line for line in lines)  # QuickStatements reads | as a column break
    for n, cols in enumerate(commands):
        if cols[0] == "LAST":
            assert any(c == ["CREATE"] for c in commands[:n])


def test_a_mapped_person_gets_p39_with_start_time_and_its_precision(pages_build, wikidata_map, tmp_path):
    commands = [c for c in map(_command, _qs(pages_build, tmp_path, "--wikidata", str(wikidata_map))) if c]
    [li] = [c for c in commands if c[0] == "Q1000001"]
    assert li[1:3] == ["P39", "Q1000002"]
    pairs = dict(zip(li[3::2], li[4::2], strict=True))
    assert pairs["P580"] == "+2021-08-02T00:00:00Z/11"  # the appointment's day
    assert "P8555" not in pairs and pairs["P8554"] == "+2021-11-15T00:00:00Z/11"  # still seen in post then
    assert pairs["S1476"] == 'zh:"烈山区人大常委会召开第十二次会议"' and pairs["S577"] == "+2021-08-02T00:00:00Z/11"
    assert re.fullmatch(r"\+\d{4}-\d\d-\d\dT00:00:00Z/11", pairs["S813"])  # the day of the build
    assert "S854" not in pairs  # a .txt page has no URL


def test_an_unmapped_person_is_created_and_only_bounded_by_reports(pages_build, wikidata_map, tmp_path):
    commands = [c for c in map(_command, _qs(pages_build, tmp_path, "--wikidata", str(wikidata_map))) if c]
    at = commands.index(["CREATE"])
    assert commands[at + 1:at + 3] == [["LAST", "Lzh", '"王明"'], ["LAST", "P31", "Q5"]]
    [wang] = [c for c in commands[at:] if c[:2] == ["LAST", "P39"]]
    pairs = dict(zip(wang[3::2], wang[4::2], strict=True))
    assert wang[2] == "Q1000003" and "P580" not in pairs  # no report states when 王明 took the post
    assert pairs["P8555"] == "+2021-05-10T00:00:00Z/11" and pairs["P8554"] == "+2021-11-15T00:00:00Z/11"
    with (tmp_path / "persons-to-create.tsv").open(encoding="utf-8", newline="") as fh:
        assert [r["key"] for r in csv.DictReader(fh, delimiter="\t")] == [WANG]


def test_an_unmapped_position_goes_to_positions_to_match(pages_build, wikidata_map, tmp_path):
    lines = _qs(pages_build, tmp_path, "--wikidata", str(wikidata_map))
    with (tmp_path / "positions-to-match.tsv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert rows == [{"key": DEPUTY, "post": "烈山区人民政府副区长", "organisation": "烈山区人民政府",
                     "jurisdiction": "安徽省淮北市烈山区", "tenures": "1"}]
    p39 = [c for c in map(_command, lines) if c and c[1:2] == ["P39"]]
    assert len(p39) == 2  # 区长 and 区委书记; the 副区长 tenure is left out


def test_without_a_map_every_position_is_to_match(out_dir, tmp_path):
    lines = _qs(out_dir, tmp_path)
    assert not [c for c in map(_command, lines) if c]
    with (tmp_path / "positions-to-match.tsv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    spells = read_node_link(out_dir / "graph.json").graph["spells"]
    assert sum(int(r["tenures"]) for r in rows) == sum(1 for s in spells if s["org"])


@pytest.mark.parametrize(("day", "value"), [("2021-05-10", "+2021-05-10T00:00:00Z/11"),
                                            ("2021-05", "+2021-05-00T00:00:00Z/10"), ("2021", "+2021-00-00T00:00:00Z/9")])
def test_time_precision(day, value):
    assert qs_time(day) == value


def test_a_page_url_becomes_the_reference_url(pages_build):
    graph = read_node_link(pages_build / "graph.json")
    # a JSON Lines page's url, on its file node
    graph.nodes["source/2021-08-02.txt"]["url"] = "https://news.example.cn/a|b 1.html"
    lines, _, _ = quickstatements(graph, {HEAD: "Q1000002"})
    [line] = [c for c in map(_command, lines) if c and c[1:2] == ["P39"]]
    assert line[line.index("S854") + 1] == '"https://news.example.cn/a%7Cb%201.html"'


@pytest.mark.parametrize(("text", "where"), [
    ("person/烈山区/王明\tX12\n", "map.tsv:1"), ("key\tqid\nperson/烈山区/王明\n", "map.tsv:2"),
    (f"{LI}\tQ1\n{LI}\tQ2\n", "map.tsv:2"), (b"\xff\xfe".decode("latin-1"), "not UTF-8")])
def test_a_bad_map_is_one_line_naming_the_file(pages_build, tmp_path, capsys, text, where):
    path = tmp_path / "map.tsv"
    path.write_bytes(text.encode("latin-1") if where == "not UTF-8" else text.encode("utf-8"))
    with pytest.raises(WikidataMapError):
        read_wikidata_map(path)
    code = main(["export", str(pages_build), "--to", "quickstatements", "--wikidata", str(path),
                 "-o", str(tmp_path / "qs")])
    err = capsys.readouterr().err
    assert code == EXIT_USAGE and where in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("to", ["ftm", "quickstatements"])
def test_a_bad_output_folder_and_a_damaged_build(pages_build, tmp_path, capsys, to):
    taken = tmp_path / "file"
    taken.write_text("x", encoding="utf-8")
    assert main(["export", str(pages_build), "--to", to, "-o", str(taken)]) == EXIT_OUTPUT
    assert "exists and is not a folder" in capsys.readouterr().err
    damaged = tmp_path / "graph.json"
    damaged.write_text(json.dumps({"directed": True, "multigraph": True, "graph": {"spells": [{"person": 3}]},
                                   "nodes": [], "edges": []}), encoding="utf-8")
    assert main(["export", str(damaged), "--to", to, "-o", str(tmp_path / "o")]) == EXIT_DAMAGED
    err = capsys.readouterr().err
    assert "spell 0" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
