"""The kg command: kg.cli.main(argv) → exit status, with output on stdout/stderr."""

from __future__ import annotations

import csv
import io
import json
import shutil

import networkx as nx
from conftest import SEED_NAMES, SEEDS

from kg.cli import main

MARKDOWN_PAGE = SEEDS / "001_7b6c783239e697ff.txt"  # nine reports, # headlines
PLAIN_PAGE = SEEDS / "003_aab4cd8d046a0ae4.txt"  # eight reports, all by 记者张亚丹


def test_build_one_page(tmp_path, capsys):
    out = tmp_path / "out"

    status = main(["build", str(MARKDOWN_PAGE), "-o", str(out)])

    assert status == 0
    printed = capsys.readouterr().out
    assert "1 files, 9 articles" in printed
    assert "wrote:" in printed
    assert str(out) in printed
    for name in ("graph.ttl", "graph.trig", "graph.jsonld", "graph.graphml", "graph.html", "report.json"):
        assert (out / name).is_file(), name
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["warnings"] == []
    assert [f["name"] for f in report["files"]] == [MARKDOWN_PAGE.name]
    headlines = [a["headline"] for a in report["articles"]]
    assert "相山区十一届人大常委会 第四十次会议召开" in headlines
    assert "关爱农民工 服务进工地" in headlines
    assert nx.read_graphml(out / "graph.graphml").number_of_nodes() == report["counts"]["nodes"]


def test_build_quiet_without_html(tmp_path, capsys):
    out = tmp_path / "out"

    status = main(["build", str(MARKDOWN_PAGE), "-o", str(out), "--no-html", "-q"])

    assert status == 0
    assert capsys.readouterr().out == ""
    assert (out / "graph.trig").is_file()
    assert not (out / "graph.html").exists()


def test_build_folder_with_an_empty_page(tmp_path, capsys):
    pages = tmp_path / "pages"
    pages.mkdir()
    shutil.copy(PLAIN_PAGE, pages / PLAIN_PAGE.name)
    (pages / "blank.txt").write_bytes(b"")
    out = tmp_path / "out"

    status = main(["build", str(pages), "-o", str(out), "--no-html"])

    assert status == 3
    printed = capsys.readouterr().out
    assert "blank.txt" in printed  # the summary lists the warning
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert [w["path"] for w in report["warnings"]] == [str(pages / "blank.txt")]
    assert report["counts"]["files_read"] == 1
    assert report["counts"]["files_skipped"] == 1
    articles = report["articles"]
    assert len(articles) == 8
    assert all(a["id"].startswith(PLAIN_PAGE.name + "#") for a in articles)
    assert "湖滨路街道：检查全覆盖 整改见实效" in [a["headline"] for a in articles]
    for a in articles:
        assert "张亚丹" in [c["name"] for c in a["credits"]], a["headline"]


def test_build_with_no_readable_page(tmp_path, capsys):
    status = main(["build", str(tmp_path / "missing.txt"), "-o", str(tmp_path / "out"), "--no-html", "-q"])

    assert status == 3
    assert "no readable page" in capsys.readouterr().err


def test_query_csv(out_dir, capsys):
    query = """
    SELECT ?name ?headline WHERE {
      ?a a schema:NewsArticle ; schema:headline ?headline ; schema:isPartOf ?f .
      ?f schema:name ?name .
    } ORDER BY ?name ?headline"""

    status = main(["query", str(out_dir), query, "--format", "csv"])

    assert status == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["name"] for r in rows} == set(SEED_NAMES)
    assert {"name": "000_96c8e21aadbbbbe2.txt", "headline": "扎紧政府“钱袋子”"} in rows
    assert {"name": "001_7b6c783239e697ff.txt", "headline": "关爱农民工 服务进工地"} in rows


def test_query_from_a_file(out_dir, tmp_path, capsys):
    rq = tmp_path / "authors.rq"
    rq.write_text(
        'SELECT ?n WHERE { ?a schema:headline ?h ; kg:reporter ?p . ?p rdfs:label ?n '
        'FILTER(STRSTARTS(STR(?h), "临海童街道人大工委")) }\n',
        encoding="utf-8",
    )

    status = main(["query", str(out_dir), "--file", str(rq), "--format", "csv"])

    assert status == 0
    assert capsys.readouterr().out == "n\n王守明\n"


def test_query_ask(out_dir, capsys):
    status = main(["query", str(out_dir), 'ASK { ?f schema:name "004_c2eb18fa33710494.txt" }'])

    assert status == 0
    assert capsys.readouterr().out == "true\n"


def test_query_missing_folder(tmp_path, capsys):
    missing = tmp_path / "never-built"

    status = main(["query", str(missing), "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"])

    assert status == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert str(missing) in captured.err
    assert captured.err.startswith("kg query:")


def test_query_syntax_error(out_dir, capsys):
    status = main(["query", str(out_dir), "SELECT ?h WHERE { ?a schema:headline ?h"])

    assert status == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("kg query:")


def test_query_without_a_query(out_dir, capsys):
    status = main(["query", str(out_dir)])

    assert status == 2
    assert "SPARQL" in capsys.readouterr().err


# --- kg explain ----------------------------------------------------------------------------------

EXPLAIN_PAGE = (
    "杜集区召开组织工作会议\n■记者 王立新\n"
    "本报讯 5月8日，杜集区召开组织工作会议。区委书记孙振宇出席会议，区委组织部部长何志远主持会议。\n"
)


def _page(tmp_path, text: str = EXPLAIN_PAGE):
    page = tmp_path / "duji.txt"
    page.write_text(text, encoding="utf-8")
    return page


def test_explain_a_person(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", str(_page(tmp_path)), "-o", str(out), "--no-html", "--explain", "-q"]) == 0
    assert (out / "explain.jsonl").is_file()
    capsys.readouterr()

    status = main(["explain", str(out), "孙振宇"])

    assert status == 0
    printed = capsys.readouterr().out
    assert printed.splitlines()[0].startswith("孙振宇")
    assert "区委书记【孙振宇】出席会议" in printed  # the mention, in its sentence
    holds = [line for line in printed.splitlines() if "holds" in line]
    assert holds and "杜集区委" in holds[0] and "书记" in holds[0]


def test_explain_an_unknown_name(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", str(_page(tmp_path)), "-o", str(out), "--no-html", "--explain", "-q"]) == 0
    capsys.readouterr()

    status = main(["explain", str(out), "不存在的人"])

    assert status == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "不存在的人" in captured.err
    assert captured.err.startswith("kg explain:")


def test_explain_a_build_made_without_explain(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", str(_page(tmp_path)), "-o", str(out), "--no-html", "-q"]) == 0
    assert not (out / "explain.jsonl").exists()
    capsys.readouterr()

    status = main(["explain", str(out), "孙振宇"])

    assert status == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "--explain" in captured.err


# --- kg build --jurisdiction ----------------------------------------------------------------------

SILENT_PAGE = (
    "区财政局开展预算绩效评价\n■记者 王立新\n"
    "本报讯 近日，区财政局开展预算绩效评价工作。区委副书记、区长郑海涛到区财政局调研。\n"
)


def test_build_with_an_ambiguous_jurisdiction(tmp_path, capsys):
    out = tmp_path / "out"

    status = main(["build", str(_page(tmp_path, SILENT_PAGE)), "-o", str(out), "--no-html", "-q",
                   "--jurisdiction", "鼓楼区"])

    assert status == 2
    captured = capsys.readouterr()
    assert "--jurisdiction" in captured.err
    assert "鼓楼区" in captured.err
    assert not (out / "report.json").exists()


def test_build_with_a_jurisdiction(tmp_path, capsys):
    out = tmp_path / "out"

    status = main(["build", str(_page(tmp_path, SILENT_PAGE)), "-o", str(out), "--no-html", "-q",
                   "--jurisdiction", "淮北市杜集区"])

    assert status == 0
    assert capsys.readouterr().err == ""
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert {"org/杜集区财政局", "org/杜集区委"} <= set(report["resolution"])
    assert "org/区财政局" not in report["resolution"]


def test_negative_counts_are_usage_errors(tmp_path, capsys):
    import pytest

    for argv in (["build", str(PLAIN_PAGE), "-o", str(tmp_path), "-j", "-3"],
                 ["build", str(PLAIN_PAGE), "-o", str(tmp_path), "--max-bytes", "0"],
                 ["view", str(tmp_path), "--hops", "-1"],
                 ["serve", str(tmp_path), "--port", "70000"]):
        with pytest.raises(SystemExit) as stop:
            main(argv)
        assert stop.value.code == 2, argv
        assert "error: argument" in capsys.readouterr().err
    assert not (tmp_path / "graph.json").exists()


def test_file_names_with_terminal_escapes_are_printed_escaped(tmp_path, capsys):
    pages = tmp_path / "pages"
    pages.mkdir()
    shutil.copy(PLAIN_PAGE, pages / PLAIN_PAGE.name)
    (pages / "\x1b]0;owned\x07\x1b[2J.txt").write_bytes(b"")  # an empty page: reported by name

    assert main(["build", str(pages), "-o", str(tmp_path / "out"), "--no-html"]) == 3

    printed = capsys.readouterr()
    assert "\x1b" not in printed.out + printed.err and "\x07" not in printed.out + printed.err
    assert "%1B]0;owned%07%1B[2J.txt: empty file" in printed.out  # as the name is written in the records


def test_explain_a_file_of_json_lines_that_are_not_kgs_records(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", str(_page(tmp_path)), "-o", str(out), "--no-html", "--explain", "-q"]) == 0
    lines = (out / "explain.jsonl").read_text(encoding="utf-8").splitlines()
    capsys.readouterr()
    for stray in ("[1, 2]", '"text"', '{"type": "entity", "key": 3}', '{"type": "fact", "subject": null}'):
        bad = tmp_path / "bad.jsonl"
        bad.write_text("\n".join([*lines, stray]) + "\n", encoding="utf-8")

        status = main(["explain", str(bad), "孙振宇"])

        assert status == 6, stray
        err = capsys.readouterr().err
        assert err == f"kg explain: {bad}, line {len(lines) + 1}: not an entity or fact record of kg\n"


def test_date_option_takes_real_dates_only(tmp_path, capsys):
    for bad in ("2021-02-31", "2021-13-01", "21-01-01", "2021/01/01"):
        assert main(["build", str(PLAIN_PAGE), "-o", str(tmp_path / "out"), "--date", bad, "-q"]) == 2, bad
        assert capsys.readouterr().err.startswith(f"kg build: --date '{bad}': write a real date"), bad
    assert not (tmp_path / "out").exists()
    assert main(["build", str(PLAIN_PAGE), "-o", str(tmp_path / "out"), "--date", "2020-02-29", "-q", "--no-html"]) == 0


def _career_data(page) -> dict:
    import re

    text = page.read_text(encoding="utf-8")
    return json.loads(re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', text, re.S).group(1))


def test_view_career_of_a_person_followed_across_districts(dated_build, tmp_path, capsys):
    page = tmp_path / "li.html"

    assert main(["view", str(dated_build), "--career", "李建华", "-o", str(page)]) == 0

    assert "person/烈山区/李建华, 4 spells" in capsys.readouterr().out
    data = _career_data(page)
    assert data["career"] == "person/烈山区/李建华"
    spells = data["careers"]["person/烈山区/李建华"]["spells"]
    # deputy head of 相山区 first, acting head of 烈山区 after the transfer, and the posts beside it
    assert spells[0]["post"] == "相山区人民政府副区长" and spells[0]["start"] == "2020-05-10"
    assert {s["post"] for s in spells[1:]} == {"烈山区人民政府代区长", "烈山区人民政府副区长", "烈山区委副书记"}
    assert [s["start"] for s in spells] == sorted(s["start"] for s in spells)
    assert "原相山区副区长李建华" in spells[1]["evidence"]["sentence"]
    names = {n["name"] for n in data["nodes"]}
    assert {"李建华", "相山区人民政府", "烈山区人民政府"} <= names  # the person's neighbourhood is drawn too


def test_view_career_by_a_key_merged_into_another(dated_build, tmp_path, capsys):
    page = tmp_path / "li.html"

    assert main(["view", str(dated_build), "--career", "person/相山区/李建华", "-o", str(page)]) == 0

    assert _career_data(page)["career"] == "person/烈山区/李建华"


def test_view_career_of_an_unknown_name(dated_build, tmp_path, capsys):
    assert main(["view", str(dated_build), "--career", "钱多多", "-o", str(tmp_path / "x.html")]) == 2

    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no person named '钱多多'" in err
    assert not (tmp_path / "x.html").exists()


def test_view_career_of_a_name_two_people_share(dated_build, tmp_path, capsys):
    assert main(["view", str(dated_build), "--career", "王明", "-o", str(tmp_path / "x.html")]) == 2

    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "names 2 people" in err
    assert "person/相山区/王明 (相山区)" in err and "person/龙子湖区/王明 (龙子湖区)" in err
    assert not (tmp_path / "x.html").exists()

    assert main(["view", str(dated_build), "--career", "person/龙子湖区/王明", "-o", str(tmp_path / "x.html")]) == 0
    [spell] = _career_data(tmp_path / "x.html")["careers"]["person/龙子湖区/王明"]["spells"]
    assert spell["post"] == "龙子湖区人民政府区长"


def _title(html) -> str:
    import re

    return re.search(r"<title>(.*?)</title>", html.read_text(encoding="utf-8")).group(1)


def test_graph_html_names_the_corpus_folder_not_its_files(out_dir):
    assert _title(out_dir / "graph.html") == "kg: seeds"
    assert json.loads((out_dir / "report.json").read_text(encoding="utf-8"))["title"] == "seeds"


def test_pages_from_two_folders_take_their_common_folder_and_title_overrides_it(tmp_path):
    corpus = tmp_path / "县报"
    for part, name in (("a", SEED_NAMES[0]), ("b", SEED_NAMES[1])):
        (corpus / part).mkdir(parents=True)
        shutil.copy(SEEDS / name, corpus / part / name)
    out = tmp_path / "out"
    assert main(["build", str(corpus / "a" / SEED_NAMES[0]), str(corpus / "b"), "-o", str(out), "-q", "-j", "1"]) == 0
    assert _title(out / "graph.html") == "kg: 县报"
    # kg view takes the build's corpus name, and its own --title before it
    assert main(["view", str(out), "-o", str(tmp_path / "all.html")]) == 0
    assert _title(tmp_path / "all.html") == "kg: 县报"
    assert main(["view", str(out), "--focus", "烈山区委", "--hops", "1", "-o", str(tmp_path / "f.html")]) == 0
    assert _title(tmp_path / "f.html") == "kg: 县报 · 烈山区委（1 跳）"
    assert main(["view", str(out), "--title", "某日报", "-o", str(tmp_path / "t.html")]) == 0
    assert _title(tmp_path / "t.html") == "kg: 某日报"
    assert main(["build", str(corpus), "-o", str(out), "-q", "-j", "1", "--title", "某日报"]) == 0
    assert _title(out / "graph.html") == "kg: 某日报"
