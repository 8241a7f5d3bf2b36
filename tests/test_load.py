"""``kg.load(DIR)``: a build folder from Python, on the seeds' build. Its graph, tables, stores and
report agree with the files the build and ``kg export`` write, README's example prints what README
shows, and nothing is read before it is asked for."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import re
import shutil
import sys
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

import kg
from kg.cli import main
from kg.graphdb import TABLE_COLUMNS
from kg.loading import TABLES, Build
from kg.publish import BuildError
from kg.query import INDEX_FOLDER

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture(scope="module")
def loaded(out_dir) -> Build:
    return kg.load(out_dir)


@pytest.fixture
def fresh(out_dir, tmp_path) -> Path:
    """A copy of the seeds' build with no query index, so that making one is seen."""
    copy = tmp_path / "build"
    shutil.copytree(out_dir, copy, ignore=shutil.ignore_patterns(INDEX_FOLDER, ".cache"))
    return copy


def test_graph_counts_are_those_of_graph_json_and_report(loaded, out_dir, report):
    raw = json.loads((out_dir / "graph.json").read_text(encoding="utf-8"))
    g = loaded.graph
    assert g.is_multigraph() and g.is_directed()
    assert (g.number_of_nodes(), g.number_of_edges()) == (len(raw["nodes"]), len(raw["edges"]))
    assert (g.number_of_nodes(), g.number_of_edges()) == (report["counts"]["nodes"], report["counts"]["edges"])
    assert loaded.report == report


def test_table_counts_are_those_of_the_report(loaded, report):
    counts = report["counts"]
    assert set(loaded.tables) == set(TABLES) == set(TABLE_COLUMNS)
    assert dict(Counter(loaded.entities["kind"])) == counts["entities"]
    assert len(loaded.articles) == counts["articles"]
    assert len(loaded.posts) == counts["relations"]["holds"]
    assert len(loaded.mentions) == counts["relations"]["mentions"]
    assert dict(Counter(loaded.relations["kind"])) == {k: v for k, v in counts["relations"].items()
                                                       if k not in ("mentions", "in_file")}
    assert len(loaded.tenures) == len(loaded.graph.graph["spells"])


def test_stores_count_what_the_report_counts(loaded, report):
    persons = "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a <https://schema.org/Person> }"
    assert int(next(iter(loaded.store.query(persons)))["n"].value) == report["counts"]["entities"]["person"]
    assert int(next(iter(loaded.rdflib.query(persons)))[0]) == report["counts"]["entities"]["person"]
    articles = "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a <https://schema.org/NewsArticle> }"
    assert int(next(iter(loaded.rdflib.query(articles)))[0]) == report["counts"]["articles"]


def _cell(value) -> str:
    """A DataFrame cell as the CSV export writes it."""
    if value is None or value is pd.NA or value is pd.NaT or isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)


def test_tables_equal_the_exported_csv(loaded, out_dir, tmp_path, capsys):
    assert main(["export", str(out_dir), "--to", "csv", "-o", str(tmp_path)]) == 0
    capsys.readouterr()
    for name in TABLES:
        with (tmp_path / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
            header, *rows = list(csv.reader(fh))
        df = loaded.tables[name]
        assert list(df.columns) == header, name
        assert [[_cell(v) for v in row] for row in df.itertuples(index=False)] == rows, name
        assert rows, name  # the seeds have rows in every table, so the comparison compares something


def test_tables_are_typed_as_the_parquet_export(loaded):
    posts, tenures, entities = loaded.posts, loaded.tenures, loaded.entities
    assert str(posts["start"].dtype) == "Int64" and str(tenures["observations"].dtype) == "Int64"
    assert str(entities["lat"].dtype) == "float64"
    assert str(tenures["first_seen"].dtype).startswith("datetime64")
    assert pd.api.types.is_string_dtype(posts["person"])
    # a place's coordinates and every post's offsets come through as numbers
    assert entities.loc[entities["kind"] == "place", "lat"].notna().any()
    assert (posts["end"] > posts["start"]).all()


def _readme_example() -> tuple[str, str]:
    """The Python block of README's "From Python" section and the plain block that follows it."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("\n## From Python\n"):]
    section = section[:section.index("\n## ", 1)]
    found = re.search(r"^```python\n(.*?)^```\n.*?^```\n(.*?)^```\n", section, re.MULTILINE | re.DOTALL)
    assert found, "README's From Python section has an example followed by its output"
    return found.group(1), found.group(2)


def test_readme_example_joins_posts_with_articles_by_date(out_dir):
    code, shown = _readme_example()
    assert 'kg.load("output")' in code
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code.replace('"output"', repr(str(out_dir))), "README.md", "exec"), {})
    # README keeps no trailing spaces (pandas pads its header line with them)
    assert [line.rstrip() for line in printed.getvalue().splitlines()] == shown.splitlines()


def test_nothing_is_read_before_it_is_asked_for(fresh):
    build = kg.load(fresh)
    assert not {"graph", "tables", "store", "rdflib", "report"} & set(vars(build))
    assert build.graph.number_of_nodes() > 0
    # the graph alone: no table made, no RDF loaded, no query index written beside the build
    assert not {"tables", "store", "rdflib", "report"} & set(vars(build))
    assert not (fresh / INDEX_FOLDER).exists()
    assert build.graph is build.graph  # read once
    persons = build.store.query("ASK { ?p a <https://schema.org/Person> }")
    assert bool(persons)
    assert (fresh / INDEX_FOLDER).is_dir()  # the store is kg query's index, made on first use
    assert "rdflib" not in vars(build) and "tables" not in vars(build)


def test_without_pandas_the_tables_say_what_to_install(fresh, monkeypatch):
    build = kg.load(fresh)
    monkeypatch.setitem(sys.modules, "pandas", None)  # what `import pandas` meets where it is not installed
    with pytest.raises(ImportError, match=re.escape("pip install 'kg[pandas]'")):
        _ = build.tables
    assert "graph" not in vars(build)  # said before graph.json is read
    assert build.graph.number_of_nodes() > 0  # the rest works without pandas


def test_a_folder_that_is_no_build_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="run `kg build"):
        kg.load(tmp_path / "missing")
    with pytest.raises(BuildError, match="not a build folder"):
        kg.load(tmp_path)


def test_a_file_damaged_after_loading_is_refused_when_read(fresh):
    build = kg.load(fresh)
    graph = fresh / "graph.json"
    graph.write_bytes(graph.read_bytes()[:1000])
    with pytest.raises(BuildError, match="graph.json"):
        _ = build.graph
