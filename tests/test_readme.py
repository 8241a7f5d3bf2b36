"""README's examples, run: every fenced ``sh`` and ``python`` block runs, in README's order, in a
scratch folder where ``output`` is the seeds' build that ``make run`` makes (so a block may use
what an earlier one wrote, as a reader following README would), and must exit 0. A block followed
by a plain block must print that block; so must a plain block written as ``$ command`` and its
output. Where the prose between says the output shows rows "among" the answer, those rows must be
in it, and the row count the prose gives must be the count printed; where it says the output
"begins", it must begin so. The few blocks that cannot run here are listed, each with the reason,
in ``NOT_RUN``, and a test fails when one of them is no longer in README."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
# a fence may be indented, inside a list item
FENCE = re.compile(r"^( *)```(\w*)\n(.*?)^\1```\n", re.MULTILINE | re.DOTALL)
BIN = Path(sys.executable).parent
RUNNABLE = {"sh", "python"}
README_PORT = "7878"

# first line of a block → why it does not run here
NOT_RUN = {
    "make run     # 1. creates .venv, installs kg, builds output/ from seeds/":
        "the set-up commands themselves: `make test` is what runs this test",
    "kg build PATH... -o DIR          # .txt/.html/.jsonl pages or folders of them (default: seeds/ → output/)":
        "a synopsis of the options, with placeholders",
    "kg export output --to neo4j -o output/neo4j-import":
        "neo4j-admin and cypher-shell are Neo4j's own tools; no Neo4j installs here",
    "kg export output --to quickstatements -o output/qs      # first run: output/qs/positions-to-match.tsv":
        "its second command needs a map of Wikidata ids that the user writes",
    "split -l 2000000 -d --additional-suffix=.nq out/graph.nq parts/part-":
        "Jena, Oxigraph server and Virtuoso loading a 1000× build",
    "pip install -e '.[dask]'                      # here and on each worker host (the same kg version)":
        "a Dask scheduler and workers on several hosts; tests/test_executors.py runs a local cluster",
    "make eval    # installs kg, builds every evaluation set with --no-cache and scores it: F1 per kind and set":
        "scores the evaluation sets, ../shared's among them, which a clone does not have",
    ".venv/bin/python eval/careers.py                    # both sets; --json OUT; --verbose careers":
        "the career evaluation, a minute of builds; tests/test_career_accuracy.py runs it",
}


@dataclass
class Example:
    line: int  # README line of the fence
    lang: str  # sh, python, or "" for a `$ command` block with its output
    code: str
    shown: str | None  # the output README shows, if any
    prose: str  # README's text between the code and its output

    @property
    def first_line(self) -> str:
        return self.code.split("\n", 1)[0]


def examples() -> list[Example]:
    text = README.read_text(encoding="utf-8")
    blocks = list(FENCE.finditer(text))
    found = []
    for i, block in enumerate(blocks):
        lang, code = block.group(2), textwrap.dedent(block.group(3))
        line = text.count("\n", 0, block.start()) + 1
        if lang in RUNNABLE:
            after = blocks[i + 1] if i + 1 < len(blocks) else None
            gap = text[block.end():after.start()] if after else ""
            # an output block follows its command, with at most a paragraph between
            follows = after is not None and after.group(2) == "" and not re.search(r"^#", gap, re.MULTILINE)
            shown = textwrap.dedent(after.group(3)) if follows else None
            found.append(Example(line, lang, code, shown, gap if shown is not None else ""))
        elif lang == "" and code.startswith("$ "):
            command, _, shown = code.partition("\n")
            found.append(Example(line, "", command[2:], shown, ""))
    return found


EXAMPLES = examples()
RUN = [e for e in EXAMPLES if e.first_line not in NOT_RUN]


def _normal(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").splitlines()).strip("\n")


def _cells(line: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in line.split("|"))


def check_printed(printed: str, shown: str, prose: str) -> None:
    printed, shown = _normal(printed), _normal(shown)
    if "among them" in prose:
        rows = {_cells(line) for line in printed.splitlines()}
        assert [line for line in shown.splitlines() if _cells(line) not in rows] == []
        said = re.search(r"gives (\d+) rows", prose)
        assert said and f"({said.group(1)} rows)" in printed
    elif re.search(r"\bbegins\b", prose):
        head = shown.removesuffix("...").rstrip()
        assert printed.startswith(head)
    else:
        assert printed == shown


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def workdir(out_dir, tmp_path_factory) -> Path:
    """A reader's checkout after `make run`: the repository's seeds and eval corpora, and output/."""
    work = tmp_path_factory.mktemp("readme")
    for name in ("seeds", "eval"):
        (work / name).symlink_to(ROOT / name)
    shutil.copytree(out_dir, work / "output")
    return work


@pytest.fixture(scope="module")
def environment() -> dict:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "PYTHONUNBUFFERED": "1"}


@pytest.fixture(scope="module")
def server(workdir, environment):
    """`kg serve output` as README starts it, on a free port instead of README's."""
    port = _free_port()
    proc = subprocess.Popen([BIN / "kg", "serve", "output", "--port", str(port)], cwd=workdir, env=environment,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D"
    for _ in range(300):
        try:
            urllib.request.urlopen(url, timeout=1).read()
            break
        except OSError:
            assert proc.poll() is None, proc.stderr.read().decode()
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("kg serve did not answer within 30 s")
    yield port
    proc.terminate()
    proc.wait(timeout=10)


def test_readme_has_runnable_examples_with_their_output():
    assert sum(e.shown is not None for e in RUN) >= 10


def test_every_block_readme_does_not_run_is_still_in_readme():
    firsts = {e.first_line for e in EXAMPLES}
    assert [line for line in NOT_RUN if line not in firsts] == []


@pytest.mark.parametrize("example", RUN, ids=[f"L{e.line}:{e.first_line[:50]}" for e in RUN])
def test_readme_example_runs_and_prints_what_readme_shows(example, workdir, environment, request):
    code = example.code
    if "127.0.0.1:" + README_PORT in code:
        code = code.replace("127.0.0.1:" + README_PORT, f"127.0.0.1:{request.getfixturevalue('server')}")
    argv = [BIN / "python", "-c", code] if example.lang == "python" else ["bash", "-e", "-o", "pipefail", "-c", code]
    done = subprocess.run(argv, cwd=workdir, env=environment, capture_output=True, text=True, timeout=600)

    assert done.returncode == 0, f"README line {example.line} failed:\n{done.stderr[-3000:]}"
    if example.shown is not None:
        check_printed(done.stdout, example.shown, example.prose)
