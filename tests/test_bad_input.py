"""A corpus of bad input, made here, through `kg build`: each bad file is named with its reason
in report.json, the exit status says files were skipped, and the good files' facts are exactly
those of a clean run on the good files alone."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS
from rdflib import Graph

from kg.cli import EXIT_OK, EXIT_SKIPPED, main

GOOD = ["000_96c8e21aadbbbbe2.txt", "002_d8e10ae50a9c1096.txt"]
POSTS = """
PREFIX schema: <https://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?person ?post WHERE { ?p a schema:Person ; rdfs:label ?person ; org:holds/rdfs:label ?post }"""


def _facts(out) -> set:
    g = Graph().parse(out / "graph.ttl")
    return {(str(a), str(b)) for a, b in g.query(POSTS)}


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("clean")
    for name in GOOD:
        shutil.copy(SEEDS / name, corpus / name)
    out = tmp_path_factory.mktemp("clean-out")
    assert main(["build", str(corpus), "-o", str(out), "-q", "--no-html"]) == EXIT_OK
    return out


@pytest.fixture(scope="module")
def dirty(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("dirty")
    for name in GOOD:
        shutil.copy(SEEDS / name, corpus / name)
    sub = corpus / "淮北日报 2021"  # a folder with a Chinese name and a space
    sub.mkdir()
    (sub / "空白.txt").write_text("")
    (sub / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (sub / "copy-of-000.txt").write_bytes((SEEDS / GOOD[0]).read_bytes())
    (sub / "too-big.txt").write_text("区委书记王某某主持会议。" * 40_000, encoding="utf-8")  # 480,000 bytes
    (sub / "one-line.txt").write_text("本报讯 " + "全区上下齐心协力抓落实，" * 8_000 + "。", encoding="utf-8")
    (sub / "scraped.jsonl").write_text('{"id": 1, "text": ""}\n{broken\n', encoding="utf-8")
    (sub / "loop").symlink_to(sub, target_is_directory=True)
    out = tmp_path_factory.mktemp("dirty-out")
    status = main(["build", str(corpus), "-o", str(out), "-q", "--no-html", "--max-bytes", "300000"])
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return status, report, out, sub


def test_the_run_says_files_were_skipped(dirty):
    status, report, _, _ = dirty
    assert status == EXIT_SKIPPED
    assert report["counts"]["files_read"] == 3  # the two good pages and the one long line


def test_each_bad_file_is_named_with_its_reason(dirty):
    _, report, _, sub = dirty
    reasons = {os.path.relpath(w["path"], sub): w["message"] for w in report["warnings"]}
    assert reasons["空白.txt"] == "empty file"
    assert "binary" in reasons["binary.txt"]
    assert "same text as" in reasons["copy-of-000.txt"] and GOOD[0] in reasons["copy-of-000.txt"]
    assert "over the 300,000-byte limit" in reasons["too-big.txt"]
    assert "empty page" in reasons["scraped.jsonl:1"]
    assert "line skipped" in reasons["scraped.jsonl:2"]
    assert "symbolic link loop" in reasons["loop"]
    assert all(w["skipped"] for w in report["warnings"])


def test_the_good_files_facts_are_those_of_a_clean_run(dirty, clean):
    _, _, out, _ = dirty
    facts = _facts(out)
    assert facts == _facts(clean)
    assert ("刘明", "烈山区委书记") in facts


def test_warnings_alone_exit_0_and_strict_makes_them_fatal(tmp_path):
    corpus = tmp_path / "pages"
    corpus.mkdir()
    data = (SEEDS / GOOD[0]).read_bytes()
    (corpus / "cut.txt").write_bytes(data[:-2] if data.endswith(b"\n") else data[:-1])
    assert main(["build", str(corpus), "-o", str(tmp_path / "a"), "-q", "--no-html"]) == EXIT_OK
    report = json.loads((tmp_path / "a" / "report.json").read_text(encoding="utf-8"))
    [warning] = report["warnings"]
    assert warning["skipped"] is False and "U+FFFD" in warning["message"]
    assert main(["build", str(corpus), "-o", str(tmp_path / "b"), "-q", "--no-html", "--strict"]) == EXIT_SKIPPED


def test_control_characters_are_replaced_and_every_export_still_writes(tmp_path):
    """Scraped text carries control characters (a BEL inside a name, an ESC, form feeds between
    pages). They are invalid in IRIs and XML: Oxigraph refused the IRI and the build crashed.
    They are now replaced one for one (offsets hold), with a warning naming the file."""
    corpus = tmp_path / "pages"
    corpus.mkdir()
    (corpus / "ctl.txt").write_text("区委书记刘\x07明主持会议，区长王强\x1b出席。\x0c\n"
                                    "区财政局开展“惠\x01民”行动。\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(corpus), "-o", str(out), "-q"]) == EXIT_OK
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    [warning] = report["warnings"]
    assert warning["path"].endswith("ctl.txt") and warning["skipped"] is False
    assert "3 control characters (first at character 5) replaced by spaces" in warning["message"]
    import networkx as nx
    import pyoxigraph as ox

    g = nx.read_graphml(out / "graph.graphml")
    labels = {d.get("label") for _, d in g.nodes(data=True)}
    assert "王强" in labels and not any(c in "".join(filter(None, labels)) for c in "\x07\x1b\x01")
    assert len(list(ox.parse(path=str(out / "graph.nq"), format=ox.RdfFormat.N_QUADS))) > 0
    assert "王强" in (out / "graph.html").read_text(encoding="utf-8")


# --- issue 15: a build survives any one hostile input next to the seeds -----------------------------
# Each test builds copies of all the seeds plus one hostile file and compares the N-Quads with those
# of the seeds alone (a file that must be skipped) or with the same page given in a harmless form (a
# file that must be read): equal sets mean the other files' facts are unchanged.

# A made-up page, so that the hostile file has facts of its own that no seed has.
HOSTILE_PAGE = ("区委召开安全生产工作会议\n\n"
                "本报讯 3月8日，区委书记王明主持召开区委常委会会议，研究部署安全生产工作。区长李强出席会议。\n")


def _quads(out) -> set[str]:
    return {line for line in (out / "graph.nq").read_text(encoding="utf-8").splitlines()
            if "generatedAtTime" not in line}


def _seeds(folder):
    folder.mkdir(parents=True, exist_ok=True)
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, folder / seed.name)
    return folder


def _build(corpus, out, *, subprocess_kw: dict | None = None, prefix: list[str] = ()) -> tuple[int, dict]:
    """``kg build`` of ``corpus``: in this process, or (``subprocess_kw``) as the real command, run
    after ``prefix``, which must not print a traceback."""
    argv = ["build", str(corpus), "-o", str(out), "-q", "--no-html", "-j", "1", "--no-cache"]
    if subprocess_kw is None:
        status = main(argv)
    else:
        env = {**os.environ, "PYTHONPATH": str(ROOT), **subprocess_kw.pop("env", {})}
        proc = subprocess.run([*prefix, sys.executable, "-m", "kg.cli", *argv], capture_output=True, text=True,
                              cwd=ROOT, env=env, timeout=300, **subprocess_kw)
        assert "Traceback" not in proc.stderr, proc.stderr
        status = proc.returncode
    return status, json.loads((out / "report.json").read_text(encoding="utf-8"))


def _warnings(report) -> dict[str, dict]:
    return {os.path.basename(w["path"]): w for w in report["warnings"]}


@pytest.fixture(scope="module")
def seeds_alone(tmp_path_factory) -> set[str]:
    out = tmp_path_factory.mktemp("seeds-out")
    assert _build(_seeds(tmp_path_factory.mktemp("seeds")), out)[0] == EXIT_OK
    return _quads(out)


def _as_harmless(tmp_path, name: str, data: bytes) -> set[str]:
    """The quads of the seeds plus ``data`` under ``name``: what a hostile form of that page must give."""
    corpus = _seeds(tmp_path / "harmless")
    (corpus / name).write_bytes(data)
    assert _build(corpus, tmp_path / "harmless-out")[0] == EXIT_OK
    return _quads(tmp_path / "harmless-out")


def test_a_file_name_that_is_not_utf8_is_read_and_shown_decoded(tmp_path, seeds_alone):
    corpus = _seeds(tmp_path / "pages")
    gbk_name = b"\xc4\xe3\xba\xc3.txt"  # 你好.txt in GBK, as a Windows zip unpacked on Linux leaves it
    with open(os.path.join(os.fsencode(corpus), gbk_name), "wb") as fh:
        fh.write(HOSTILE_PAGE.encode("utf-8"))
    out = tmp_path / "out"
    status, report = _build(corpus, out)
    assert status == EXIT_OK
    assert "not valid UTF-8" in _warnings(report)["你好.txt"]["message"]
    assert "你好.txt" in [f["name"] for f in report["files"]]
    for written in out.iterdir():
        if written.is_file():
            written.read_bytes().decode("utf-8")  # no lone surrogate reached any output
    quads = _quads(out)
    assert quads == _as_harmless(tmp_path, "你好.txt", HOSTILE_PAGE.encode("utf-8"))
    assert seeds_alone < quads


def test_a_file_name_in_no_encoding_shows_its_bad_bytes_as_in_a_url(tmp_path, seeds_alone):
    corpus = _seeds(tmp_path / "pages")
    with open(os.path.join(os.fsencode(corpus), b"\xff\xfe\x80page.txt"), "wb") as fh:  # not GB18030 either
        fh.write(HOSTILE_PAGE.encode("utf-8"))
    out = tmp_path / "out"
    status, report = _build(corpus, out)
    assert status == EXIT_OK
    assert "%FF%FE%80page.txt" in [f["name"] for f in report["files"]]
    assert "not valid UTF-8" in _warnings(report)["%FF%FE%80page.txt"]["message"]
    assert _quads(out) == _as_harmless(tmp_path, "%FF%FE%80page.txt", HOSTILE_PAGE.encode("utf-8"))


def test_json_lines_lone_surrogates_are_replaced_and_a_deep_line_is_skipped(tmp_path, seeds_alone):
    corpus = _seeds(tmp_path / "pages")
    page = HOSTILE_PAGE.replace("安全生产工作。", "安全生产工作{}。")
    # the escape itself, as a scraper writes it (json.dumps writes "\\u533a" for every character here)
    lines = [json.dumps({"id": "b1", "text": page.format("@")}).replace("@", "\\ud800"),
             "[" * 100_000 + "]" * 100_000,
             json.dumps({"id": "b2", "text": HOSTILE_PAGE.replace("王明", "王亮")})]
    (corpus / "scraped.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    status, report = _build(corpus, out)
    assert status == EXIT_SKIPPED  # the deep line was skipped
    reasons = _warnings(report)
    assert reasons["scraped.jsonl:1"]["message"] == "lone surrogate escape in text replaced by U+FFFD"
    assert not reasons["scraped.jsonl:1"]["skipped"]
    assert "nested too deeply" in reasons["scraped.jsonl:2"]["message"] and reasons["scraped.jsonl:2"]["skipped"]
    assert {f["name"] for f in report["files"]} >= {"scraped.jsonl#b1", "scraped.jsonl#b2"}
    harmless = [json.dumps({"id": "b1", "text": page.format("\ufffd")}), lines[2]]
    assert _quads(out) == _as_harmless(tmp_path, "scraped.jsonl", "\n".join(harmless).encode())
    assert seeds_alone < _quads(out)


def _no_more_than_3_gb():
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))


def test_a_fifo_and_a_link_to_dev_zero_are_skipped_naming_what_they_are(tmp_path, seeds_alone):
    corpus = _seeds(tmp_path / "pages")
    os.mkfifo(corpus / "pipe.txt")  # a page suffix: read, it would wait for a writer forever
    (corpus / "zero.txt").symlink_to("/dev/zero")  # read, it never ends
    out = tmp_path / "out"
    # the real command, under a time and memory limit, so that a regression fails instead of hanging
    status, report = _build(corpus, out, subprocess_kw={"preexec_fn": _no_more_than_3_gb})
    assert status == EXIT_SKIPPED
    reasons = _warnings(report)
    assert reasons["pipe.txt"]["message"] == "a FIFO (named pipe), not a page; skipped"
    assert reasons["zero.txt"]["message"] == "a character device (symbolic link to /dev/zero), not a page; skipped"
    assert report["counts"]["files_skipped"] == 2
    assert _quads(out) == seeds_alone


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-be", "utf-16-le", "utf-16-be"])
def test_utf32_with_bom_and_utf16_without_are_read_as_the_page_they_are(tmp_path, seeds_alone, encoding):
    data = (b"\x00\x00\xfe\xff" if encoding == "utf-32-be" else b"") + HOSTILE_PAGE.encode(encoding)
    corpus = _seeds(tmp_path / "pages")
    (corpus / "page.txt").write_bytes(data)
    out = tmp_path / "out"
    status, report = _build(corpus, out)
    assert status == EXIT_OK and report["warnings"] == []
    [page] = [f for f in report["files"] if f["name"] == "page.txt"]
    assert page["encoding"] == ("utf-32" if encoding.startswith("utf-32") else encoding)
    assert _quads(out) == _as_harmless(tmp_path, "page.txt", HOSTILE_PAGE.encode("utf-8"))


def test_an_unreadable_folder_is_reported_and_the_build_says_files_were_skipped(seeds_alone):
    # root reads a chmod-000 folder, so the build runs as nobody when the tests run as root
    top = Path(tempfile.mkdtemp(prefix="kg-unreadable-"))
    try:
        top.chmod(0o755)
        corpus = _seeds(top / "pages")
        locked = corpus / "locked"
        locked.mkdir()
        (locked / "page.txt").write_text(HOSTILE_PAGE, encoding="utf-8")
        out = top / "out"
        out.mkdir()
        (top / "tmp").mkdir()
        for writable in (out, top / "tmp"):
            writable.chmod(0o777)
        locked.chmod(0)

        # setpriv, not a preexec setuid: it keeps root's right to reach the interpreter until exec
        as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
        assert not as_nobody or shutil.which("setpriv"), "running as root, the test needs setpriv (util-linux)"
        status, report = _build(corpus, out, subprocess_kw={"env": {"TMPDIR": str(top / "tmp")}}, prefix=as_nobody)
        assert status == EXIT_SKIPPED
        [warning] = report["warnings"]
        assert warning["path"] == str(locked) and warning["skipped"]
        assert "folder not readable (Permission denied)" in warning["message"]
        assert _quads(out) == seeds_alone
    finally:
        locked.chmod(0o755)
        shutil.rmtree(top)


def test_impossible_dates_are_dropped_with_a_warning_and_the_rdf_validates(tmp_path, seeds_alone):
    corpus = _seeds(tmp_path / "pages")
    (corpus / "2021-02-31.txt").write_text(HOSTILE_PAGE, encoding="utf-8")
    page = json.dumps({"id": "x", "date": "2021-13-45", "text": HOSTILE_PAGE.replace("王明", "王亮")}, ensure_ascii=False)
    (corpus / "scraped.jsonl").write_text(page + "\n", encoding="utf-8")
    out = tmp_path / "out"
    status, report = _build(corpus, out)
    assert status == EXIT_OK
    reasons = _warnings(report)
    assert reasons["2021-02-31.txt"]["message"] == "impossible date '2021-02-31' in its name; not used"
    assert reasons["scraped.jsonl:1"]["message"] == "impossible date '2021-13-45' dropped"
    quads = _quads(out)
    assert seeds_alone < quads and not any("2021-02-31\"" in q or "2021-13-45" in q for q in quads)
    assert main(["validate", str(out)]) == EXIT_OK


HTML_LONG_HEAD = ("<!-- saved from url=(0040)http://www.example.gov.cn/news/1.html -->\n<html><head>"
                  + "<meta name=\"keywords\" content=\"安全生产\">\n" * 60
                  + "<script>var ad = '区委书记假名';</script></head>\n<body><h1>区委召开安全生产工作会议</h1>\n"
                  + "<p>本报讯 3月8日，区委书记王明主持召开区委常委会会议，研究部署安全生产工作。区长李强出席会议。</p>"
                  + "</body></html>\n")


def test_html_in_a_txt_with_a_long_head_is_read_as_html(tmp_path):
    assert HTML_LONG_HEAD.index("<body>") > 2000  # past the window kg looked in before
    corpus = _seeds(tmp_path / "pages")
    (corpus / "saved.txt").write_text(HTML_LONG_HEAD, encoding="utf-8")
    out = tmp_path / "out"
    status, report = _build(corpus, out)
    assert status == EXIT_OK
    quads = _quads(out)
    assert not any("<meta" in q or "假名" in q for q in quads)
    assert quads == _as_harmless(tmp_path, "saved.txt", HOSTILE_PAGE.encode("utf-8"))
