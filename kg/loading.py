"""A build folder from Python (``kg.load(DIR)``): its graph, tables, stores and report, each read
when first asked for, through the same readers the commands use, so a notebook sees what
``kg view``, ``kg export`` and ``kg query`` see.
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path

from .publish import MANIFEST, BuildError, check

TABLES = ("entities", "articles", "posts", "tenures", "mentions", "relations")


class Build:
    """One build folder (``kg build … -o DIR``). Nothing is read until an attribute is used:

    - ``graph``: the networkx ``MultiDiGraph`` of ``graph.json``, as ``kg view`` and ``kg export`` read it;
    - ``tables`` (and ``entities``, ``articles``, ``posts``, ``tenures``, ``mentions``, ``relations``):
      pandas DataFrames of the rows and columns ``kg export --to csv|parquet`` writes (needs ``kg[pandas]``);
    - ``store``: a pyoxigraph ``Store`` for SPARQL, ``kg query``'s index of the build (made beside it
      on first use, ``DIR/.kg-store/``; read-only), or the RDF in memory where no index can be made;
    - ``rdflib``: an rdflib ``Dataset`` of ``graph.nq``, every article graph, queried as their union;
    - ``report``: ``report.json`` as a dict.

    Each read checks the folder against its manifest first, as the commands do, so a folder
    rebuilt or damaged meanwhile raises ``BuildError`` rather than mixing two builds."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise FileNotFoundError(f"{self.folder}: no such folder (run `kg build … -o {self.folder}` first)")
        if not (self.folder / MANIFEST).is_file() and not (self.folder / "graph.json").is_file():
            raise BuildError(f"{self.folder}: not a build folder (no {MANIFEST}, no graph.json); run `kg build` first")
        check(self.folder)

    def __repr__(self) -> str:
        return f"kg.Build({str(self.folder)!r})"

    def _file(self, name: str) -> Path:
        check(self.folder, name)
        path = self.folder / name
        if not path.is_file():
            raise BuildError(f"{self.folder}: no {name} (run `kg build` again)")
        return path

    @cached_property
    def graph(self):
        from .export import read_node_link

        return read_node_link(self._file("graph.json"))

    @cached_property
    def report(self) -> dict:
        path = self._file("report.json")
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as err:
            raise BuildError(f"{path}: not the JSON kg wrote ({err}); run `kg build` again") from None

    @cached_property
    def tables(self) -> dict:
        from .graphdb import date_sources, frames, require_pandas

        require_pandas()  # before graph.json is read: a missing extra is said at once
        return frames(self.graph, date_sources(self.report))

    @property
    def entities(self):
        return self.tables["entities"]

    @property
    def articles(self):
        return self.tables["articles"]

    @property
    def posts(self):
        return self.tables["posts"]

    @property
    def tenures(self):
        return self.tables["tenures"]

    @property
    def mentions(self):
        return self.tables["mentions"]

    @property
    def relations(self):
        return self.tables["relations"]

    @cached_property
    def store(self):
        from .query import open_build

        return open_build(self.folder).store

    @cached_property
    def rdflib(self):
        from rdflib import Dataset

        path = self._file("graph.nq")
        dataset = Dataset(default_union=True)
        try:
            dataset.parse(path, format="nquads")
        except Exception as err:  # rdflib's parsers raise many unrelated exception types
            raise BuildError(f"{path}: not readable as N-Quads: {' '.join(str(err).split())}") from None
        return dataset


def load(folder: str | Path) -> Build:
    """The build in ``folder``, read lazily: see ``Build``."""
    return Build(folder)


__all__ = ["TABLES", "Build", "load"]
