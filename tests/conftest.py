"""Shared fixtures: the seed pages, and one build of them per test session."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

import pytest
from hypothesis import settings
from rdflib import Dataset

from kg.build import build
from kg.query import load_store

# `make test` (and CI) draws the same examples on every run, so a red build is reproducible and
# never depends on luck; KG_FUZZ=N draws N fresh random examples a property test instead, to
# search for new failures (then add each one as a regression test).
FUZZ = int(os.environ.get("KG_FUZZ", "0"))
settings.register_profile("kg", derandomize=not FUZZ, database=None, **({"max_examples": FUZZ} if FUZZ else {}))
settings.load_profile("kg")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_NAMES = sorted(p.name for p in SEEDS.glob("*.txt"))


def seed_text(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    """``kg.build.build(["seeds"], out)`` run from the repository root, once per session."""
    out = tmp_path_factory.mktemp("out")
    with contextlib.chdir(ROOT):
        result = build(["seeds"], out)
    return out, result


@pytest.fixture(scope="session")
def out_dir(seed_build) -> Path:
    return seed_build[0]


@pytest.fixture(scope="session")
def report(out_dir) -> dict:
    return json.loads((out_dir / "report.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def store(out_dir):
    """The build loaded as ``kg query`` loads it (an Oxigraph store of graph.nq)."""
    return load_store(out_dir)


@pytest.fixture(scope="session")
def dataset(out_dir):
    """The build's graph.trig in rdflib, union of all named graphs."""
    ds = Dataset(default_union=True)
    ds.parse(out_dir / "graph.trig", format="trig")
    return ds


@pytest.fixture(scope="session")
def one_process(tmp_path_factory) -> Path:
    """The seeds built in this process, the reference other executors and the cache must match."""
    out = tmp_path_factory.mktemp("one-process")
    build([str(SEEDS)], out, html=False, jobs=1)
    return out


# An undated report: its spell has no date, so the career panel lists it below the time axis.
UNDATED_PAGE = {"notice.txt": "烈山区召开项目调度会\n本报讯 烈山区召开项目调度会，区委副书记孙伟东主持会议。\n"}


@pytest.fixture(scope="session")
def dated_build(tmp_path_factory) -> Path:
    """A build of the careers tests' made-up dated pages (a transfer across districts, a chain of
    three district heads, namesakes in two cities) and one undated report: the build folder."""
    from test_careers import NAMESAKES, SUCCESSION, TRANSFER

    root = tmp_path_factory.mktemp("dated")
    pages = root / "pages"
    pages.mkdir()
    for name, text in {**TRANSFER, **SUCCESSION, **NAMESAKES, **UNDATED_PAGE}.items():
        (pages / name).write_text(text, encoding="utf-8")
    build([str(pages)], root / "out")
    return root / "out"


def assert_same_build(a: Path, b: Path) -> None:
    """Two builds hold the same statements (but for the time each was made) and the same graph."""
    def quads(out: Path) -> list[str]:
        return sorted(line for line in (out / "graph.nq").read_text(encoding="utf-8").splitlines()
                      if "generatedAtTime" not in line)

    assert quads(a) == quads(b)
    assert (a / "graph.json").read_bytes() == (b / "graph.json").read_bytes()


def resolve_pages(*pages: tuple[str, str]):
    """(file name, page text) pairs → the resolved Corpus, through segment, extract and resolve."""
    from kg.extract import extract
    from kg.records import Corpus, Source
    from kg.resolve import resolve
    from kg.segment import segment

    corpus = Corpus()
    extractions = []
    for name, text in pages:
        source = Source(path=name, name=name, text=text)
        corpus.sources.append(source)
        articles = segment(source)
        corpus.articles.extend(articles)
        extractions.extend(extract(a) for a in articles)
    return resolve(extractions, corpus)



# The held-apart meetings of the extraction tests (extract_helpers.py), extracted once per module.


@pytest.fixture(scope="module")
def duji():
    from extract_helpers import DUJI_MEETING, one_report

    return one_report(DUJI_MEETING, headline="杜集区召开安全生产工作会议", byline="■记者 李红梅 通讯员 赵文博")


@pytest.fixture(scope="module")
def suixi():
    from extract_helpers import SUIXI_MEETING, one_report

    return one_report(SUIXI_MEETING, headline="濉溪县召开乡村振兴工作推进会", byline="■通讯员 许文静")
