"""End-to-end fuzzing of ``kg build`` through its command line (issue 15).

test_robust.py feeds pages to the stages under one fixed, tame file name, so it cannot find what
breaks in reading files and naming them. Here every example is a folder on disk: the seed pages
next to random files (random bytes; genre text in every encoding kg claims to read; HTML; JSON
Lines of random objects, hostile strings, lone surrogates and deep nesting; nested folders;
kg.toml files good and bad) under random names (brackets, ``#``, ``%``, private-use characters,
noncharacters, combining and RTL marks, terminal escapes, line breaks, very long names,
impossible dates, names that are not UTF-8). ``kg build`` runs on it as a user runs it, and must

- not raise, nor print a traceback, and exit 0 or 3 (kg.cli's codes for a build);
- leave every seed's facts as a build of the seeds alone has them;
- write outputs that their real readers parse, which ``kg query`` and ``kg export`` then read.

The fixed hostile corpus at the end is the list of issue 15, one file a case, in one build.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import ctypes
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from conftest import FUZZ, ROOT, SEED_NAMES, SEEDS
from extract_helpers import DUJI_MEETING, SUIXI_MEETING
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rdflib import Dataset

from kg.cli import EXIT_OK, EXIT_SKIPPED, main
from kg.export import read_node_link

BUILD_FLAGS = ["-j", "1", "--no-cache"]
TRACEBACK = "Traceback (most recent call last)"
PROV = "http://www.w3.org/ns/prov#"
# Oxigraph reads every RDF syntax a build writes but JSON-LD, which goes to rdflib: kg's JSON-LD
# is written by kg's own streaming writer and is checked against an independent reader.
OX_FORMATS = {"graph.nq": ox.RdfFormat.N_QUADS, "graph.trig": ox.RdfFormat.TRIG, "graph.ttl": ox.RdfFormat.TURTLE,
              "graph.nt": ox.RdfFormat.N_TRIPLES, "graph.rdf": ox.RdfFormat.RDF_XML}

# --- running kg ---------------------------------------------------------------------------------


def run_kg(argv: list[str]) -> tuple[int, str, str]:
    """``kg ARGV`` in this process: (exit code, stdout, stderr). An exception is let through, so
    Hypothesis tells apart the distinct crashes it finds by their type and place."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's way of refusing arguments
            code = exc.code
    return code, out.getvalue(), err.getvalue()


_libc = ctypes.CDLL(None, use_errno=True)
PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 24, 1, 2
MEMORY_LIMIT = 3 << 30


def _confined() -> None:
    """In the child before exec: a ceiling on memory, so a page that never ends (/dev/zero) ends
    in MemoryError rather than in the machine's swap; and, for root, without the capabilities
    that let root read a chmod-000 folder, so an unreadable folder is unreadable to the build too
    (root's files stay readable to it as their owner: the venv, kg, the seeds)."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    if os.geteuid() == 0:
        for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
            if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def run_kg_process(argv: list[str], timeout: float = 60) -> tuple[int, str, str]:
    """The real ``kg`` (``python -m kg.cli``) in a confined child; a hang fails the test."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    try:
        done = subprocess.run([sys.executable, "-m", "kg.cli", *argv], capture_output=True, env=env, cwd=ROOT,
                              preexec_fn=_confined, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        tail = (exc.stderr or b"").decode("utf-8", "replace")[-2000:]
        pytest.fail(f"kg {' '.join(argv[:1])} did not finish in {timeout:.0f} s (a FIFO read forever?)\n{tail}")
    return done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace")


# --- what a build must satisfy --------------------------------------------------------------------


def seed_facts(out: Path) -> dict[str, set[str]]:
    """Each seed file's statements in graph.nq: those in the named graphs derived from that file,
    and those about the file and about those graphs, but the time the build was made."""
    quads = list(ox.parse(path=str(out / "graph.nq"), format=ox.RdfFormat.N_QUADS))
    sources = {f"https://w3id.org/kg-news/id/source/{name}": name for name in SEED_NAMES}
    owner: dict[str, str] = {iri: name for iri, name in sources.items()}
    for q in quads:
        if q.predicate.value == PROV + "wasDerivedFrom" and q.object.value in sources:
            owner[q.subject.value] = sources[q.object.value]
    facts: dict[str, set[str]] = {name: set() for name in SEED_NAMES}
    for q in quads:
        if q.predicate.value == PROV + "generatedAtTime":
            continue
        name = owner.get(getattr(q.graph_name, "value", None)) or owner.get(q.subject.value)
        if name:
            facts[name].add(str(q))
    return facts


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._in = False

    def handle_starttag(self, tag, attrs):
        self._in = tag == "script" and dict(attrs).get("id") == "kg-data"
        if self._in:
            self.blocks.append("")

    def handle_endtag(self, tag):
        self._in = False

    def handle_data(self, data):
        if self._in:
            self.blocks[-1] += data


def check_outputs(out: Path, scratch: Path) -> None:
    """Every file the build wrote parses with its own reader, and kg query and kg export read it."""
    written = {p.name for p in out.iterdir()}
    assert {"graph.nq", "graph.json", "graph.graphml", "report.json"} <= written, sorted(written)
    quads = {}
    for name, fmt in OX_FORMATS.items():
        if name in written:
            quads[name] = list(ox.parse(path=str(out / name), format=fmt))
    assert {str(q) for q in quads["graph.nq"]} == {str(q) for q in quads.get("graph.trig", quads["graph.nq"])}
    if "graph.jsonld" in written:
        ds = Dataset()
        ds.parse(out / "graph.jsonld", format="json-ld")
        assert len(ds) > 0
    json.loads((out / "report.json").read_text(encoding="utf-8"))
    json.loads((out / "graph.json").read_text(encoding="utf-8"))
    graph = read_node_link(out / "graph.json")
    graphml = nx.read_graphml(out / "graph.graphml")
    assert graphml.number_of_nodes() == graph.number_of_nodes()
    if "graph.html" in written:
        page = _Page()
        page.feed((out / "graph.html").read_text(encoding="utf-8"))
        page.close()
        assert len(page.blocks) == 1, "graph.html: one kg-data block"
        data = json.loads(page.blocks[0])
        assert len(data["nodes"]) <= graph.number_of_nodes()

    code, stdout, stderr = run_kg(["query", str(out), "--named", "reporters", "--format", "csv"])
    assert code == EXIT_OK, stderr
    list(csv.reader(io.StringIO(stdout)))
    tables = scratch / "csv"
    code, _, stderr = run_kg(["export", str(out), "--to", "csv", "-o", str(tables)])
    assert code == EXIT_OK, stderr
    files = sorted(tables.glob("*.csv"))
    assert files, "kg export --to csv wrote no CSV"
    for table in files:
        with table.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        assert rows and all(len(r) == len(rows[0]) for r in rows), table.name


def check_build(code: int, stdout: str, stderr: str, out: Path, scratch: Path, reference: dict[str, set[str]]) -> None:
    assert TRACEBACK not in stdout + stderr, stderr[-3000:]
    assert code in (EXIT_OK, EXIT_SKIPPED), f"exit {code}: {stderr[-2000:]}"
    check_outputs(out, scratch)
    facts = seed_facts(out)
    for name in SEED_NAMES:
        lost, gained = reference[name] - facts[name], facts[name] - reference[name]
        assert not lost and not gained, (f"{name}: {len(lost)} statements lost, {len(gained)} gained, e.g. "
                                         f"{sorted(lost)[:2]} {sorted(gained)[:2]}")


class Facts(dict):
    """Statements by seed file; shown by its size, as Hypothesis prints a failing example's arguments."""

    def __repr__(self) -> str:
        return f"<the facts of {len(self)} seeds, {sum(map(len, self.values()))} statements>"


@pytest.fixture(scope="session")
def seeds_alone(tmp_path_factory) -> dict[str, set[str]]:
    """The seeds' facts as a build of the seeds alone has them, by the same command."""
    root = tmp_path_factory.mktemp("seeds-alone")
    shutil.copytree(SEEDS, root / "in")
    code, _, stderr = run_kg(["build", str(root / "in"), "-o", str(root / "out"), *BUILD_FLAGS])
    assert code == EXIT_OK, stderr
    facts = Facts(seed_facts(root / "out"))
    assert all(facts[name] for name in SEED_NAMES), "every seed has statements of its own"
    return facts


# --- random folders ---------------------------------------------------------------------------------

# genre text with made-up people of other districts than the seeds', so that nothing in it is
# another truth about a seed's people or posts: a seed's facts have no reason to change
HEADLINES = ["杜集区召开安全生产工作会议", "濉溪县召开乡村振兴工作推进会", "杜集区民政局开展“温暖冬季”活动"]
BYLINES = ["■记者 李红梅 通讯员 赵文博", "本报讯（记者 王五）", "■通讯员 许文静", ""]
HOSTILE = ["</script><script>alert(1)</script>", '"', '"""', "\\", "\\u0000", "]]>", "<![CDATA[x]]>", "@prefix x: <y> .",
           "=cmd|' /C calc'!A0", "+1+1", "<b>&amp;", "'", "\x1b[31m", "\u202e", "\ue000", "\ufdd0", "#", "%20", "{{x}}"]
HOSTILE_USES = ["杜集区民政局深入开展“{}”行动。", "杜集区推进“{}”工程，", "区委书记王{}明主持会议。", "{}",
                "副区长张{}出席会议。"]


@st.composite
def genre_pages(draw) -> str:
    lines = [draw(st.sampled_from(HEADLINES)), draw(st.sampled_from(BYLINES))]
    body = draw(st.lists(st.sampled_from([DUJI_MEETING, SUIXI_MEETING]), min_size=1, max_size=2))
    hostile = [draw(st.sampled_from(HOSTILE_USES)).format(h) for h in draw(st.lists(st.sampled_from(HOSTILE), max_size=4))]
    lines.append("本报讯 " + "".join(body) + "".join(hostile))
    return "\n\n".join(lines) + "\n"


def _bom(encoding: str, bom: bytes):
    return lambda text: bom + text.encode(encoding)


ENCODERS = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8 with BOM": lambda t: t.encode("utf-8-sig"),
    "gb18030": lambda t: t.encode("gb18030"),
    "big5": lambda t: t.encode("big5", errors="replace"),  # the simplified characters Big5 lacks become "?"
    "utf-16 le": lambda t: t.encode("utf-16-le"),
    "utf-16 be": lambda t: t.encode("utf-16-be"),
    "utf-16 le with BOM": _bom("utf-16-le", codecs.BOM_UTF16_LE),
    "utf-16 be with BOM": _bom("utf-16-be", codecs.BOM_UTF16_BE),
    "utf-32 le with BOM": _bom("utf-32-le", codecs.BOM_UTF32_LE),
    "utf-32 be with BOM": _bom("utf-32-be", codecs.BOM_UTF32_BE),
    "utf-32 le": lambda t: t.encode("utf-32-le"),
}


def html_page(text: str, head: str) -> str:
    title, *rest = text.split("\n\n")
    paragraphs = "".join(f"<p>{p}</p>" for p in rest)
    return (f"<!DOCTYPE html><html><head><title>{title}</title>{head}<script>var s = '</p>';</script></head>"
            f"<body><nav>首页 | 要闻</nav><div class=\"content\"><h1>{title}</h1>{paragraphs}</div></body></html>")


HTML_HEADS = ["", "<style>p { color: red }</style>", "<!-- " + "注释" * 1500 + " -->", "<meta charset=\"utf-8\">" * 200]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | st.sampled_from(HOSTILE),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8)
DATES = ["2021-11-23", "2021-02-31", "2021-13-45", "0000-00-00", "2021-11-23T10:00:00+08:00", "", "明天", "9999-99-99"]


@st.composite
def jsonl_lines(draw) -> str:
    kind = draw(st.sampled_from(["page", "page", "value", "surrogate", "deep", "garbage"]))
    if kind == "page":
        page = {"id": draw(st.one_of(st.text(max_size=8), json_values)),
                "text": draw(st.one_of(genre_pages(), genre_pages().map(lambda t: html_page(t, "")), json_values)),
                "date": draw(st.one_of(st.sampled_from(DATES), json_values)),
                "source": draw(st.one_of(st.sampled_from(["杜集区融媒体中心", "</script>"]), json_values)),
                "url": draw(st.one_of(st.sampled_from(["http://[x", "https://例子.中国/a?b#c", "javascript:x"]), json_values))}
        page = {k: v for k, v in page.items() if k == "text" or draw(st.booleans())}
        return json.dumps(page, ensure_ascii=draw(st.booleans()))
    if kind == "value":
        return json.dumps(draw(json_values))
    if kind == "surrogate":  # json.loads takes a lone surrogate escape; no encoder takes the string
        where = draw(st.sampled_from(["text", "id", "source", "date"]))
        fields = {"text": json.dumps(draw(genre_pages())), "id": '"p1"'}
        fields[where] = '"区委书记王明\\ud800主持会议\\udfff"'
        return "{" + ", ".join(f'"{k}": {v}' for k, v in fields.items()) + "}"
    if kind == "deep":
        depth = draw(st.sampled_from([100, 5_000, 100_000]))
        return draw(st.sampled_from(["[" * depth + "]" * depth, '{"text": "x", "id": ' + "[" * depth + "]" * depth + "}"]))
    return draw(st.text(max_size=30)).replace("\n", " ")


@st.composite
def contents(draw) -> tuple[str, bytes]:
    """(suffix, bytes) of one random file."""
    kind = draw(st.sampled_from(["bytes", "text", "text", "html", "jsonl", "jsonl"]))
    if kind == "bytes":
        return draw(st.sampled_from([".txt", ".html", ".jsonl"])), draw(st.binary(max_size=3000))
    if kind == "jsonl":
        lines = draw(st.lists(jsonl_lines(), min_size=1, max_size=5))
        return ".jsonl", "\n".join(lines).encode("utf-8")
    text = draw(genre_pages())
    suffix = draw(st.sampled_from([".txt", ".TXT", ".htm", ".html"]))
    if kind == "html" or suffix in (".htm", ".html"):
        text = html_page(text, draw(st.sampled_from(HTML_HEADS)))
    return suffix, ENCODERS[draw(st.sampled_from(sorted(ENCODERS)))](text)


NAME_PIECES = list("[]#%  &'\"\\<>|:;!~`$^{}()=+@,.-_") + [
    "\u200f", "\u202e", "\u061c", "\u0301", "\u0308", "\ufdd0", "\ufffe", "\uffff", "\n", "\t", "\r", "\x1b[31m",
    "\x1b]0;x\x07", "淮北日报", "2021-11-23", "2021-02-31", "20211123", "2021年13月45日", "\u3000", "..", "~"]
name_text = st.lists(st.one_of(st.sampled_from(NAME_PIECES), st.characters(min_codepoint=0xE000, max_codepoint=0xF8FF),
                               st.characters(codec="utf-8", exclude_characters="/\x00")),
                     min_size=1, max_size=10).map("".join)
stems = st.one_of(
    name_text.map(os.fsencode),
    name_text.map(lambda s: os.fsencode(s * 80)),  # very long: cut to what a file name may hold
    st.binary(min_size=1, max_size=16),  # not UTF-8 (a Windows zip unpacked here)
    st.sampled_from(["你好", "区委会议", "淮北日报2021年11月23日"]).map(lambda s: s.encode("gb18030")),
)
NAME_MAX = 255


def file_name(stem: bytes, suffix: bytes = b"") -> bytes:
    stem = stem.replace(b"/", b"_").replace(b"\x00", b"_")[:NAME_MAX - len(suffix)]
    return stem + suffix if stem not in (b".", b"..") or suffix else b"_"


TOMLS = [b'jurisdiction = "\xe6\xb7\xae\xe5\x8c\x97\xe5\xb8\x82\xe6\x9d\x9c\xe9\x9b\x86\xe5\x8c\xba"\n',  # 淮北市杜集区
         b"jurisdiction = 5\n", b'jurisdiction = "\n', b"\xff\xfe\x00", 'jurisdiction = "不存在的地方"\n'.encode(),
         b"[x]\ny = 1\n", b'"""\n', b'jurisdiction = "</script>"\n']


@st.composite
def folders(draw) -> list[tuple[tuple[bytes, ...], bytes]]:
    """The random files of one example: (path parts under the folder, bytes). The seeds are
    added by the test at the top of the folder; kg.toml goes only into subfolders, as one at the
    top would rightly change the seeds' facts."""
    subfolders = [()] + draw(st.lists(st.lists(stems.map(file_name), min_size=1, max_size=2).map(tuple), max_size=2))
    files = []
    for _ in range(draw(st.integers(1, 6))):
        where = draw(st.sampled_from(subfolders))
        suffix, data = draw(contents())
        files.append(((*where, file_name(draw(stems), suffix.encode())), data))
    for sub in subfolders[1:]:
        if draw(st.booleans()):
            files.append(((*sub, b"kg.toml"), draw(st.sampled_from(TOMLS))))
    return files


def make_folder(root: Path, files: list[tuple[tuple[bytes, ...], bytes]]) -> None:
    shutil.copytree(SEEDS, root)
    taken = {os.fsencode(n) for n in SEED_NAMES}
    for parts, data in files:
        if not parts[:-1] and parts[-1] in taken:
            continue
        path = os.path.join(os.fsencode(root), *parts)
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "xb") as fh:
                fh.write(data)
        except (FileExistsError, NotADirectoryError, IsADirectoryError):
            continue  # two random paths met (a file where another wants a folder): keep the first


# make test does not shrink: a failing example is reported as drawn, in seconds rather than minutes;
# a search (KG_FUZZ=N) shrinks what it finds to the smallest folder that still fails
@settings(max_examples=FUZZ or 12, deadline=None, phases=tuple(Phase) if FUZZ else (Phase.explicit, Phase.generate),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example,
                                 HealthCheck.function_scoped_fixture])
@given(files=folders())
def test_fuzzed_folders(files, seeds_alone):
    with tempfile.TemporaryDirectory() as tmp:
        root, out = Path(tmp) / "in", Path(tmp) / "out"
        make_folder(root, files)
        code, stdout, stderr = run_kg(["build", str(root), "-o", str(out), *BUILD_FLAGS])
        check_build(code, stdout, stderr, out, Path(tmp), seeds_alone)


# a few folders of the kinds above, built by the real command in its own process
FIXED = {
    "names and encodings": [
        ((b"\x1b[31mred\x1b[0m.txt",), ENCODERS["gb18030"](f"{HEADLINES[0]}\n\n{BYLINES[0]}\n\n本报讯 {DUJI_MEETING}\n")),
        (("会议[2021-11-23] #1 %41.txt".encode(),), ENCODERS["utf-16 be"](f"{HEADLINES[1]}\n\n本报讯 {SUIXI_MEETING}\n")),
        ((b"\xc4\xe3\xba\xc3", "第\u0301\u202e页\n.html".encode()),
         html_page(f"{HEADLINES[2]}\n\n本报讯 杜集区民政局深入开展“</script>]]>\\\"\"\"”行动。", HTML_HEADS[2]).encode()),
        ((b"\xc4\xe3\xba\xc3", b"kg.toml"), b'jurisdiction = "\n'),
    ],
    "json lines": [
        ((b"pages.jsonl",), "\n".join([
            json.dumps({"id": "</script>", "text": f"{HEADLINES[0]}\n\n本报讯 区委书记王@prefix明主持会议。{DUJI_MEETING}",
                        "date": "2021-02-31", "source": "=cmd|' /C calc'!A0"}, ensure_ascii=False),
            json.dumps({"id": 7, "text": 7}), json.dumps({"text": {"a": [1, None]}}), "[" * 100_000 + "]" * 100_000,
            '{"id": "\\ud800", "text": "区委书记王明\\udfff主持会议"}',
            json.dumps({"id": ["x"], "text": f"{HEADLINES[1]}\n\n本报讯 {SUIXI_MEETING}", "date": 20211123,
                        "url": "http://[x"}),
        ]).encode()),
        ((("长" * 80 + ".jsonl").encode(),), b"\xff\xfe\x00garbage\n"),
    ],
}


@pytest.mark.parametrize("case", sorted(FIXED))
def test_fixed_folders_with_the_real_command(case, seeds_alone, tmp_path):
    root, out = tmp_path / "in", tmp_path / "out"
    make_folder(root, FIXED[case])
    code, stdout, stderr = run_kg_process(["build", str(root), "-o", str(out), *BUILD_FLAGS])
    check_build(code, stdout, stderr, out, tmp_path, seeds_alone)


# --- the hostile corpus of issue 15 -----------------------------------------------------------------

NONE_UTF8 = b"\xc4\xe3\xba\xc3.txt"  # GB18030 for 你好.txt, as a Windows zip unpacks on Linux


def _page(headline: str, body: str = DUJI_MEETING) -> str:
    return f"{headline}\n\n■记者 李红梅\n\n本报讯 {body}\n"


PUA_PAGE = ("杜集区召开造字测试会议\n\n■记者 李红梅\n\n本报讯 区委书记王".encode("gb18030") + b"\xaa\xa1"
            + ("主持会议并讲话。" + DUJI_MEETING + "\n").encode("gb18030"))

# case → (path parts under the folder, bytes, or a special kind). Headlines are unique, so each
# readable case can be found among the build's articles.
HOSTILE_CASES: dict[str, tuple[tuple[bytes, ...], object]] = {
    "brackets": (("淮北日报[2021-11-23].txt".encode(),), _page("杜集区召开方括号测试会议").encode()),
    "private-use name": (("会议\ue000纪要.txt".encode(),), _page("杜集区召开私用字符测试会议").encode()),
    "noncharacter name": (("会议\ufdd0纪要.txt".encode(),), _page("杜集区召开非字符测试会议").encode()),
    "non-UTF-8 name": ((NONE_UTF8,), _page("杜集区召开文件名编码测试会议").encode()),
    "lone surrogates": ((b"surrogate.jsonl",), "\n".join([
        '{"id": "s1", "text": "杜集区召开代理项测试会议\\n\\n本报讯 区委书记王\\ud800明主持会议。"}',
        '{"id": "\\udfff", "text": ' + json.dumps(_page("杜集区召开代理项编号测试会议"), ensure_ascii=False) + "}",
        json.dumps({"id": "s3", "text": _page("杜集区召开代理项之后测试会议")}, ensure_ascii=False)]).encode()),
    "deep nesting": ((b"deep.jsonl",), ("[" * 100_000 + "]" * 100_000 + "\n" + json.dumps(
        {"id": "d2", "text": _page("杜集区召开深嵌套之后测试会议")}, ensure_ascii=False)).encode()),
    "fifo": ((b"pipe.txt",), "fifo"),
    "/dev/zero": ((b"zero.txt",), "zero"),
    "utf-32 with BOM": ((b"utf32.txt",), ENCODERS["utf-32 le with BOM"](_page("杜集区召开三十二位编码测试会议"))),
    "utf-16 le without BOM": ((b"utf16.txt",), ENCODERS["utf-16 le"](_page("杜集区召开十六位编码测试会议"))),
    "unreadable folder": ((b"locked", b"inside.txt"), "locked"),
    "impossible date in name": ((b"2021-02-31.txt",), _page("杜集区召开日期测试会议").encode()),
    "impossible date in JSON Lines": ((b"baddate.jsonl",), json.dumps(
        {"id": "b1", "text": _page("杜集区召开行内日期测试会议"), "date": "2021-13-45"}, ensure_ascii=False).encode()),
    # GB18030's user-defined area (AAA1…) decodes to the private-use U+E000…: a rare character of a name
    "private-use character in a name": ((b"pua.txt",), PUA_PAGE),
}
assert len(HOSTILE_CASES) == 14  # with the seeds' own good pages, the 15 of issue 15's list

# the cases that are bad input: each must be named by a warning in report.json. The others are
# good pages under awkward names or in awkward encodings: each must be read like any page.
WARNED = {"non-UTF-8 name": "", "lone surrogates": "surrogate.jsonl", "deep nesting": "deep.jsonl:1",
          "fifo": "pipe.txt", "/dev/zero": "zero.txt", "unreadable folder": "locked",
          "impossible date in name": "2021-02-31.txt", "impossible date in JSON Lines": "baddate.jsonl"}
READ = {"brackets": ("淮北日报[2021-11-23].txt", "杜集区召开方括号测试会议"),
        "private-use name": ("会议\ue000纪要.txt", "杜集区召开私用字符测试会议"),
        "noncharacter name": ("会议\ufdd0纪要.txt", "杜集区召开非字符测试会议"),
        "non-UTF-8 name": (None, "杜集区召开文件名编码测试会议"),
        "lone surrogates": (None, "杜集区召开代理项之后测试会议"),
        "deep nesting": (None, "杜集区召开深嵌套之后测试会议"),
        "utf-32 with BOM": ("utf32.txt", "杜集区召开三十二位编码测试会议"),
        "utf-16 le without BOM": ("utf16.txt", "杜集区召开十六位编码测试会议"),
        "impossible date in name": ("2021-02-31.txt", "杜集区召开日期测试会议"),
        "impossible date in JSON Lines": (None, "杜集区召开行内日期测试会议"),
        "private-use character in a name": ("pua.txt", "杜集区召开造字测试会议")}


# the exit code each case alone must give: 3 when input is skipped, 0 when all of it is read
EXIT = {"deep nesting": EXIT_SKIPPED, "fifo": EXIT_SKIPPED, "/dev/zero": EXIT_SKIPPED, "unreadable folder": EXIT_SKIPPED,
        "non-UTF-8 name": EXIT_OK, "impossible date in name": EXIT_OK, "impossible date in JSON Lines": EXIT_OK,
        **{case: EXIT_OK for case in READ if case not in WARNED}}  # lone surrogates: the line read or skipped


def build_hostile(root: Path, cases: list[str]) -> tuple[int, str, str, Path]:
    """The seeds and ``cases`` in one folder, built by the real command; a hang fails the test."""
    folder, out = root / "in", root / "out"
    shutil.copytree(SEEDS, folder)
    base = os.fsencode(folder)
    for case in cases:
        parts, data = HOSTILE_CASES[case]
        path = os.path.join(base, *parts)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if data == "fifo":
            os.mkfifo(path)
        elif data == "zero":
            os.symlink("/dev/zero", path)
        else:
            with open(path, "wb") as fh:
                fh.write(_page("杜集区召开锁定目录测试会议").encode() if data == "locked" else data)
    locked = folder / "locked"
    if locked.exists():
        locked.chmod(0)
    try:
        code, stdout, stderr = run_kg_process(["build", str(folder), "-o", str(out), *BUILD_FLAGS])
    finally:
        if locked.exists():
            locked.chmod(0o755)  # so that pytest can clean up
    return code, stdout, stderr, out


def _printable(text: str) -> bool:
    return not any(0xD800 <= ord(c) <= 0xDFFF or c in "\x1b\n" for c in text)


def case_problems(report: dict, case: str) -> list[str]:
    """What is wrong with what the build made of ``case``: [] when it is right."""
    wrong = []
    if case in WARNED:
        warnings = report["warnings"]
        if case == "non-UTF-8 name":  # named in a printable form of kg's choice: GB18030 read, U+FFFD, escapes
            named = [w for w in warnings if any(k in w["path"] for k in ("你好", "\ufffd", "\\xc4", "%C4"))]
        else:
            named = [w for w in warnings if WARNED[case] in w["path"]]
        if not named:
            wrong.append(f"no warning names it (warnings: {[(w['path'], w['message']) for w in warnings]})")
        elif not all(_printable(w["path"]) and _printable(w["message"]) for w in named):
            wrong.append(f"its warning is not printable: {named}")
        elif case.startswith("impossible date"):
            date = "2021-02-31" if case.endswith("name") else "2021-13-45"
            if not any(date in w["message"] for w in named):
                wrong.append(f"its warning does not give the date {date}: {named}")
    if case in READ:
        name, headline = READ[case]
        articles = [a for a in report["articles"] if a["headline"] == headline]
        if len(articles) != 1:
            wrong.append(f"{headline} is not one article of the build, but {len(articles)}")
        else:
            [article] = articles
            if name is not None and not article["id"].startswith(name + "#"):
                wrong.append(f"article id {article['id']!r}, not under {name!r}")
            if not _printable(article["id"]):
                wrong.append(f"article id {article['id']!r} is not printable")
            # the report's dateline (6月5日) in the year its file name gives (2021-11-23)
            if case == "brackets" and (article["date"], article["date_from"]) != ("2021-06-05", "dateline+page-year"):
                wrong.append(f"dated {article['date']} by {article['date_from']}, not 2021-06-05 by its dateline "
                             "and its name's year")
            if case.startswith("impossible date") and article["date"] in ("2021-02-31", "2021-13-45"):
                wrong.append(f"dated {article['date']}")
    if case == "private-use character in a name" and not any(
            f["name"] == "pua.txt" and f["encoding"] == "gb18030" for f in report["files"]):
        wrong.append(f"not read as GB18030: {[f for f in report['files'] if f['name'] == 'pua.txt']}")
    return wrong


def check_hostile(code, stdout, stderr, out, scratch, reference, cases, expected_code):
    assert TRACEBACK not in stdout + stderr, stderr[-3000:]
    assert code == expected_code, f"exit {code}, not {expected_code}: {stderr[-2000:]}"
    check_build(code, stdout, stderr, out, scratch, reference)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    wrong = {case: p for case in cases if (p := case_problems(report, case))}
    assert not wrong, "\n".join(f"{case}: {'; '.join(p)}" for case, p in wrong.items())
    # an impossible date must not become an xsd:date literal (kg validate rejects the graph)
    quads = (out / "graph.nq").read_text(encoding="utf-8")
    assert '"2021-02-31"' not in quads and '"2021-13-45"' not in quads


def test_hostile_corpus(seeds_alone, tmp_path):
    """Issue 15's list in one build next to the seeds: it ends (no FIFO read forever, no
    /dev/zero read to the end of memory), exits 3 (input was skipped), warns about each bad
    input by name, reads each good page, and leaves the seeds' facts as they were."""
    cases = sorted(HOSTILE_CASES)
    code, stdout, stderr, out = build_hostile(tmp_path, cases)
    check_hostile(code, stdout, stderr, out, tmp_path, seeds_alone, cases, EXIT_SKIPPED)


@pytest.mark.parametrize("case", sorted(HOSTILE_CASES))
def test_hostile_case_alone(case, seeds_alone, tmp_path):
    """Each case of the list alone next to the seeds, so that one crash does not hide the others."""
    code, stdout, stderr, out = build_hostile(tmp_path, [case])
    check_hostile(code, stdout, stderr, out, tmp_path, seeds_alone, [case], EXIT.get(case, code))
