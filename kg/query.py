"""SPARQL over a build: load its RDF into an embedded store (Oxigraph), kept on disk beside the
build as its query index, run a query, format the answer; and the library of named queries that
ships in ``kg/queries/``.

rdflib builds and serialises the graph; queries run on pyoxigraph, a store made for SPARQL
(rdflib loads a 1.3M-triple build 7× slower and answers the named queries 3–14× slower: see bench/).
"""

from __future__ import annotations

import csv
import fcntl
import functools
import io
import json
import os
import re
import secrets
import shutil
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pyoxigraph as ox

from .publish import BuildError, check, reason
from .vocab import KG, ORG, PROV, RDFS, SDO, SKOS, XSD

PREFIXES = {"schema": str(SDO), "org": str(ORG), "prov": str(PROV), "skos": str(SKOS), "kg": str(KG),
            "rdfs": str(RDFS), "xsd": str(XSD), "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}
# What a build folder is read from, fastest first.
BUILD_FILES = ("graph.nq", "graph.trig", "graph.ttl", "graph.nt", "graph.jsonld")


class QueryError(Exception):
    pass


class UnreadableRDF(QueryError, BuildError):
    """An RDF file that does not parse as what its name says (a cut-off or damaged build file)."""


class ServiceRefused(QueryError):
    """The query calls SERVICE: Oxigraph would fetch the IRI it names (any host, internal ones too)."""


# Oxigraph lexes keywords by the grammar, so a regular expression over the text cannot tell a
# keyword from the same letters in a string or IRI (``FILTER(?x<'>"') SERVICE …`` fools any
# skip-the-literals scan); the word anywhere is the honest test when the grammar is unavailable.
_SERVICE_WORD = re.compile(r"\bservice\b", re.IGNORECASE)


def uses_service(text: str) -> bool:
    """Whether a query calls SERVICE anywhere (OPTIONAL, UNION, subqueries, FILTER EXISTS …),
    by rdflib's SPARQL grammar. A query rdflib cannot parse (Oxigraph's LATERAL, RDF 1.2 triple
    terms) counts as calling SERVICE if the word occurs at all, so failing rdflib is no way past."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    def walk(node) -> bool:
        if isinstance(node, CompValue):
            return node.name == "ServiceGraphPattern" or any(walk(v) for v in node.values())
        if isinstance(node, list | tuple | ParseResults):
            return any(walk(v) for v in node)
        return False

    try:
        return walk(parseQuery(text))
    except Exception:  # whatever stops rdflib (a syntax it lacks, too deep a nesting): fail closed
        return bool(_SERVICE_WORD.search(text))


def refuse_service(text: str) -> None:
    if uses_service(text):
        raise ServiceRefused("SERVICE is refused: it makes kg fetch whatever IRI the query names, "
                             "internal hosts and file: too (`kg query --allow-service` permits it)")


def _rdf_file(target: Path) -> tuple[Path, ox.RdfFormat, dict | None]:
    """The RDF file to read for ``target`` (a build folder's ``graph.nq`` … or the file itself), its
    format, and the folder's manifest (None for a file, or a folder an older kg built)."""
    manifest = None
    if target.is_dir():
        manifest = check(target, *BUILD_FILES)
        found = next((target / n for n in BUILD_FILES if (target / n).exists()), None)
        if found is None:
            raise QueryError(f"{target}: no {', '.join(BUILD_FILES)} (run `kg build` first)")
        target = found
    if not target.exists():
        raise QueryError(f"{target}: no such file or folder")
    fmt = ox.RdfFormat.from_extension(target.suffix.lstrip(".")) or (
        ox.RdfFormat.JSON_LD if target.suffix == ".json" else None)
    if fmt is None:
        raise QueryError(f"{target}: unknown RDF format (use .nq, .trig, .ttl, .nt, .jsonld, .rdf)")
    return target, fmt, manifest


# Formats with named graphs: the default graph is the merge of the article graphs, as in the
# build's Turtle: a statement two reports make is one answer, and GRAPH ?g still finds each report's
_QUAD_FORMATS = (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG, ox.RdfFormat.JSON_LD)


def _unreadable(path: Path, fmt: ox.RdfFormat, err: Exception) -> UnreadableRDF:
    return UnreadableRDF(f"{path}: cannot be read as {fmt.name}: {' '.join(str(err).split())}")


def _memory_store(path: Path, fmt: ox.RdfFormat) -> ox.Store:
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=fmt)
    except (SyntaxError, ValueError, OSError) as err:
        raise _unreadable(path, fmt, err) from err
    if fmt in _QUAD_FORMATS:
        store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    return store


def load_store(target: Path) -> ox.Store:
    """A build folder (its ``graph.nq``, ``graph.trig`` …) or any RDF file, in an in-memory store.
    A folder is checked against its manifest first (``BuildError`` for a mixed or damaged one)."""
    return _memory_store(*_rdf_file(target)[:2])


# -- the query index of a build ---------------------------------------------------------------
#
# Loading a 3M-character build's graph.nq takes 5-6 s, its queries a tenth of that, so `kg query`
# keeps the loaded store on disk beside the build: BUILD/.kg-store/<build id>/, an Oxigraph
# (RocksDB) store opened read-only in milliseconds. Queries run 2-5x slower on it than in memory,
# still far less than the load (`kg serve`, which loads once, keeps memory). It is made under a
# temporary name and renamed into place once closed and listed, so a killed load leaves no index
# that is used; its listing (every file's size) finds a truncated one, which RocksDB itself may
# open as an empty store. `kg build` leaves the folder alone (making the index costs 3x the
# in-memory load: a build would pay it for queries that may never come); the next query on a new
# build makes that build's index and removes the others.

INDEX_FOLDER = ".kg-store"
_LISTING = "kg-index.json"
_PARTIAL = ".partial-"


@dataclass
class Loaded:
    """A store to query and where it came from: ``how`` is ``index`` (the build's index, opened),
    ``new index`` (made by this call) or ``memory`` (loaded for this call alone, ``note`` says why)."""

    store: ox.Store
    how: str
    note: str = ""
    index: Path | None = None
    target: Path | None = None


def open_build(target: Path) -> Loaded:
    """``target`` ready to query: a build folder from its index (made on the first call, or again
    when it is damaged or of another build), anything else, or a folder where no index can be
    made (not writable, or another process is making it), loaded in memory."""
    path, fmt, manifest = _rdf_file(target)
    build_id = str((manifest or {}).get("build_id", ""))
    if not re.fullmatch(r"[0-9a-f]{8,64}", build_id):  # a file, an older kg's folder: nothing to key on
        return Loaded(_memory_store(path, fmt), "memory", "not a build folder with a manifest", target=target)
    home = target / INDEX_FOLDER
    if home.is_symlink():  # whatever it points to is not kg's to fill or to clear
        return Loaded(_memory_store(path, fmt), "memory", f"{INDEX_FOLDER} is a symbolic link", target=target)
    ready = home / build_id
    store = _open_index(ready, build_id)
    if store is not None:
        return Loaded(store, "index", index=ready, target=target)
    try:
        home.mkdir(exist_ok=True)
        lock = os.open(home, os.O_RDONLY)
    except OSError as err:  # a read-only mount, another user's build
        return Loaded(_memory_store(path, fmt), "memory", f"no index: {reason(err)}", target=target)
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            # another kg query is making it: answering from memory now beats waiting an unknown time
            return Loaded(_memory_store(path, fmt), "memory", "another process is making the index",
                          target=target)
        store = _open_index(ready, build_id)  # made by the process that held the lock before us
        if store is not None:
            return Loaded(store, "index", index=ready, target=target)
        try:
            _make_index(home, build_id, path, fmt)
        except (OSError, RuntimeError) as err:  # cannot write there after all, the disk is full …
            why = reason(err) if isinstance(err, OSError) else str(err)
            return Loaded(_memory_store(path, fmt), "memory", f"no index: {why}", target=target)
    finally:
        os.close(lock)  # drops the lock
    store = _open_index(ready, build_id)
    if store is None:
        return Loaded(_memory_store(path, fmt), "memory", "the index made cannot be opened", target=target)
    return Loaded(store, "new index", index=ready, target=target)


def _open_index(folder: Path, build_id: str) -> ox.Store | None:
    """The index in ``folder``, read-only; None when it is missing, of another build or another
    Oxigraph, or damaged (a file not at its listed size, or RocksDB refuses it)."""
    try:
        listing = json.loads((folder / _LISTING).read_text(encoding="utf-8"))
        if (listing.get("build_id"), listing.get("pyoxigraph")) != (build_id, ox.__version__):
            return None
        if any((folder / name).stat().st_size != size for name, size in listing["files"].items()):
            return None
        return ox.Store.read_only(str(folder))
    except (OSError, RuntimeError, ValueError, TypeError, KeyError, AttributeError):
        return None


def _make_index(home: Path, build_id: str, path: Path, fmt: ox.RdfFormat) -> None:
    """Load ``path`` into a new on-disk store and rename it to ``home/build_id``; the caller holds
    ``home``'s lock, so every other entry there is another build's index or a killed load's."""
    for entry in home.iterdir():
        if entry.is_dir() and not entry.is_symlink() and (
                entry.name.startswith(_PARTIAL) or re.fullmatch(r"[0-9a-f]{8,64}", entry.name)):
            shutil.rmtree(entry, ignore_errors=True)
    partial = home / f"{_PARTIAL}{os.getpid()}-{secrets.token_hex(4)}"
    try:
        _fill(partial, path, fmt)
        files = {p.name: p.stat().st_size for p in partial.iterdir()
                 if p.is_file() and not p.name.startswith("LOG")}  # RocksDB's LOG is a diary, not data
        with (partial / _LISTING).open("w", encoding="utf-8") as fh:
            json.dump({"build_id": build_id, "source": path.name, "pyoxigraph": ox.__version__, "files": files},
                      fh, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.rename(partial, home / build_id)
        fd = os.open(home, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise


def _fill(folder: Path, path: Path, fmt: ox.RdfFormat) -> None:
    """``path`` loaded into a store in ``folder`` (with the default-graph merge), closed on return."""
    store = ox.Store(str(folder))
    try:
        if fmt in _QUAD_FORMATS:
            # one pass that writes each statement and its default-graph copy: an INSERT on disk
            # is a transaction and costs more than the load itself
            store.bulk_extend(_merged(path, fmt))
        else:
            store.bulk_load(path=str(path), format=fmt)
        store.optimize()
    except (SyntaxError, ValueError) as err:
        del store  # closed before the folder is removed
        raise _unreadable(path, fmt, err) from err
    except BaseException:
        del store
        raise


def _merged(path: Path, fmt: ox.RdfFormat):
    default = ox.DefaultGraph()
    for quad in ox.parse(path=str(path), format=fmt):
        yield quad
        if quad.graph_name != default:
            yield ox.Quad(quad.subject, quad.predicate, quad.object, default)


def _storage_failed(err: Exception) -> bool:
    """Whether a query failed in the store rather than in its own terms (RocksDB's messages)."""
    cause = err.__cause__ if isinstance(err, QueryError) else err
    return isinstance(cause, OSError | RuntimeError) and str(cause).startswith(("Corruption", "IO error"))


def query_build(loaded: Loaded, text: str, params: dict[str, str] | None = None,
                allow_service: bool = False) -> Answer:
    """``run_query`` on a store from ``open_build``; an index that fails under the query (damaged
    past what its listing shows) is removed and the query answered from a new one. ``loaded``
    then holds the store that answered."""
    try:
        return run_query(loaded.store, text, params, allow_service)
    except QueryError as err:
        if loaded.index is None or not _storage_failed(err):
            raise
    index, target = loaded.index, loaded.target
    loaded.store = None  # closed before its files go
    shutil.rmtree(index, ignore_errors=True)
    fresh = open_build(target)
    loaded.store, loaded.how, loaded.note, loaded.index = fresh.store, fresh.how, fresh.note, fresh.index
    return run_query(loaded.store, text, params, allow_service)


@dataclass
class Answer:
    """A query's answer, materialised: ``rows`` of a SELECT (terms or None), ``boolean`` of an
    ASK, ``triples`` of a CONSTRUCT or DESCRIBE."""

    kind: str  # SELECT | ASK | CONSTRUCT
    variables: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    boolean: bool | None = None
    triples: list = field(default_factory=list)

    def __iter__(self):
        return iter([[_text(t) for t in row] for row in self.rows])


def run_query(store: ox.Store, text: str, params: dict[str, str] | None = None,
              allow_service: bool = False) -> Answer:
    """Run SPARQL over the store's default graph (a build's merged graph; ``GRAPH ?g`` reaches each
    article's). ``params`` bind variables
    to literals (``{"name": "王明"}`` fixes ``?name``), which is how named queries take arguments.
    A query that calls SERVICE is refused unless ``allow_service``."""
    if not allow_service:
        refuse_service(text)
    subs = {ox.Variable(k): _param(v) for k, v in (params or {}).items()}
    try:
        result = store.query(text, prefixes=PREFIXES, substitutions=subs)
        if isinstance(result, ox.QueryBoolean):
            return Answer("ASK", boolean=bool(result))
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            # a solution iterates its values in the order of the variables, None where unbound:
            # a fifth faster than looking each variable up by name
            return Answer("SELECT", variables, [list(sol) for sol in result])
        return Answer("CONSTRUCT", triples=list(result))
    except (SyntaxError, ValueError, OSError, RuntimeError) as err:
        raise QueryError(f"the query failed: {err}") from err


def binding(value: str) -> ox.NamedNode | ox.Literal:
    """A variable's value as a request gives it: an N-Triples term (``<iri>``, ``"text"@zh``,
    ``"2021-11-20"^^<…#date>``), as RDF4J's ``$name=`` protocol arguments are, or else plain text
    read as ``--param`` reads it."""
    if value.startswith(("<", '"')):
        try:
            triple = next(iter(ox.parse(f"<urn:s> <urn:p> {value} .", format=ox.RdfFormat.N_TRIPLES)))
        except (SyntaxError, StopIteration) as err:
            raise QueryError(f"{value!r} is not an N-Triples IRI or literal") from err
        return triple.object
    return _param(value)


def _param(value: str) -> ox.Literal:
    """A parameter as the graph writes such a value: dates as xsd:date, names as Chinese text."""
    if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return ox.Literal(value, datatype=ox.NamedNode(str(XSD.date)))
    return ox.Literal(value, language="zh")


def _text(term) -> str:
    return "" if term is None else term.value


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != str(XSD.string):
        out["datatype"] = term.datatype.value
    return out


def format_result(answer: Answer, fmt: str = "table") -> str:
    """``table`` (aligned for CJK), ``csv`` (values only, as SPARQL 1.1 Query Results CSV gives
    them), ``tsv`` (SPARQL 1.1 Query Results TSV: RDF terms in Turtle syntax) or ``json`` (SPARQL
    1.1 Query Results JSON; JSON-LD for graphs). Graphs print as Turtle otherwise."""
    if answer.kind == "ASK":
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": answer.boolean}) + "\n"
        return ("true" if answer.boolean else "false") + "\n"
    if answer.kind == "CONSTRUCT":
        rdf_format = ox.RdfFormat.JSON_LD if fmt == "json" else ox.RdfFormat.TURTLE
        data = ox.serialize(answer.triples, format=rdf_format,
                            prefixes=PREFIXES if rdf_format == ox.RdfFormat.TURTLE else None)
        return data.decode("utf-8")
    if fmt == "json":
        bindings = [{v: _json_term(t) for v, t in zip(answer.variables, row, strict=True) if t is not None}
                    for row in answer.rows]
        return json.dumps({"head": {"vars": answer.variables}, "results": {"bindings": bindings}},
                          ensure_ascii=False) + "\n"
    if fmt == "tsv":
        return tsv_results(answer)
    rows = list(answer)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(answer.variables)
        w.writerows(rows)
        return buf.getvalue()
    return _table(answer.variables, rows)


def tsv_results(answer: Answer) -> str:
    """SPARQL 1.1 Query Results TSV: a header of ``?variables``, then each term as N-Triples
    writes it (a subset of Turtle: ``<iri>``, ``"text"@zh``, ``"5"^^<…#integer>``, ``_:b0``), an
    empty field where a variable is unbound. N-Triples escapes tabs and line breaks inside
    literals, so every row is one line."""
    lines = ["\t".join(f"?{v}" for v in answer.variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in answer.rows]
    return "\n".join(lines) + "\n"


@functools.lru_cache(maxsize=1 << 16)  # a table repeats its values (ranks, dates, names) row after row
def _width(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _table(names: list[str], rows: list[list[str]]) -> str:
    cells = [names, *rows]
    sizes = [[_width(c) for c in row] for row in cells]
    widths = [max(column) for column in zip(*sizes, strict=True)]

    def line(row, size):
        return " | ".join(c + " " * (w - s) for c, s, w in zip(row, size, widths, strict=True)).rstrip()

    out = [line(names, sizes[0]), "-+-".join("-" * w for w in widths)]
    out += [line(r, s) for r, s in zip(rows, sizes[1:], strict=True)]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


# -- named queries ----------------------------------------------------------------------------


@dataclass
class NamedQuery:
    name: str
    description: str
    text: str
    params: list[str]  # variables the caller may or must bind (``# param: name`` lines)


def named_queries() -> dict[str, NamedQuery]:
    """The ``.rq`` files of ``kg/queries``: the first comment line describes the query,
    ``# param: x`` lines name the variables ``--param x=…`` binds."""
    out = {}
    for entry in sorted(resources.files(__package__).joinpath("queries").iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".rq"):
            continue
        text = entry.read_text(encoding="utf-8")
        comments = [ln[1:].strip() for ln in text.splitlines() if ln.startswith("#")]
        params = [c.split(":", 1)[1].strip() for c in comments if c.startswith("param:")]
        description = next((c for c in comments if not c.startswith("param:")), "")
        name = entry.name.removesuffix(".rq")
        out[name] = NamedQuery(name, description, text, params)
    return out


def parse_params(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        m = re.fullmatch(r"([A-Za-z_]\w*)=(.*)", item)
        if not m:
            raise QueryError(f"--param {item!r}: write it as name=value")
        out[m.group(1)] = m.group(2)
    return out
