"""Validate stage: check an RDF export against kg's SHACL shapes (``kg/shapes.ttl``).

The shapes encode ``shared/eval/RDF-CONTRACT.md`` and the exporter's own invariants, so a build
that conforms can be queried the way the contract promises.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pyshacl
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.paths import AlternativePath, InvPath, OneOrMore, SequencePath, ZeroOrMore, ZeroOrOne
from rdflib.paths import Path as RDFPath
from rdflib.term import Node
from rdflib.util import guess_format

from .publish import BuildError, check
from .vocab import KG, KGR, ORG, PROV, RDF, RDFS, SDO, SKOS, XSD

__all__ = ["UnreadableRDF", "ValidationError", "ValidationResult", "Violation", "format_violations", "load_shapes", "validate"]

GRAPH_FILE = "graph.ttl"
QUAD_FORMATS = {"trig", "nquads", "trix", "json-ld"}  # json-ld: graph.jsonld keeps per-article graphs
PREFIXES = [  # for display only; the data's own prefixes lack kgsh: and sometimes kgr:
    ("kgsh", "https://w3id.org/kg-news/shapes#"), ("kgr", str(KGR)), ("kg", str(KG)), ("schema", str(SDO)),
    ("org", str(ORG)), ("prov", str(PROV)), ("skos", str(SKOS)), ("rdfs", str(RDFS)), ("rdf", str(RDF)),
    ("xsd", str(XSD)), ("sh", str(SH)),
]
LABEL_CHARS = 30  # headlines and evidence sentences run long; this much identifies a node and keeps one line readable


class ValidationError(Exception):
    """The target cannot be validated: it does not exist, or is not readable RDF."""


class UnreadableRDF(ValidationError, BuildError):
    """The RDF does not parse (a cut-off or damaged build file)."""


@dataclass(frozen=True)
class Violation:
    focus_node: Node
    path: Node | RDFPath | None
    value: Node | None
    message: str
    severity: str  # "Violation", "Warning" or "Info"
    source_shape: Node
    component: Node | None = None  # the constraint component, e.g. sh:MinCountConstraintComponent
    focus_label: str | None = None  # how the data names the focus node (a Chinese label where it has one)

    def sort_key(self) -> tuple[str, ...]:
        return (self.focus_node.n3(), _path_text(self.path), self.value.n3() if self.value is not None else "",
                str(self.source_shape), str(self.component or ""), self.message)


@dataclass
class ValidationResult:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)


def load_shapes() -> Graph:
    shapes = Graph()
    shapes.parse(data=resources.files("kg").joinpath("shapes.ttl").read_text(encoding="utf-8"), format="turtle")
    return shapes


def load_data(target: Path) -> Graph:
    """The RDF at ``target``: a build folder's graph.ttl, or any RDF file rdflib can guess the format of."""
    target = Path(target)
    if target.is_dir():
        check(target, GRAPH_FILE)
        target = target / GRAPH_FILE
        if not target.is_file():
            raise ValidationError(f"{target.parent}: not a build folder (no {GRAPH_FILE})")
    elif not target.is_file():
        raise ValidationError(f"{target}: no such file or folder")
    fmt = guess_format(str(target))
    if fmt is None:
        raise ValidationError(f"{target}: cannot tell the RDF format from the file name")
    try:
        if fmt in QUAD_FORMATS:
            # pyshacl checks each named graph of a dataset on its own; entity descriptions live in the
            # default graph and statements in per-article graphs, so validate their union.
            ds = Dataset()
            ds.parse(target, format=fmt)
            data = Graph()
            for s, p, o, _ in ds.quads():
                data.add((s, p, o))
            for prefix, ns in ds.namespaces():
                data.bind(prefix, ns, override=False)
            return data
        data = Graph()
        data.parse(target, format=fmt)
        return data
    except Exception as exc:  # rdflib's parsers raise many unrelated exception types
        reason = " ".join(str(exc).split())  # parser messages span lines; a CLI error should be one
        raise UnreadableRDF(f"{target}: not readable as {fmt}: {reason}") from exc


# what ``validate`` tells its ``started`` callback, in order
STAGES = ("read", "shapes", "check", "report")


def validate(target: Path, started=lambda stage: None) -> ValidationResult:
    """Check the build folder or RDF file ``target`` against kg's shapes. ``started(stage)`` is
    called as each of ``STAGES`` begins (reading the RDF, the shapes, pySHACL's check, reading
    its report), for progress."""
    started("read")
    data = load_data(target)
    started("shapes")
    shapes = load_shapes()
    started("check")
    # advanced: the cross-property rules use SHACL-AF SPARQL targets (see kgsh:PostLabelShape for why)
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                           allow_warnings=True)
    started("report")
    violations = sorted((_violation(report, r, data) for r in report.subjects(RDF.type, SH.ValidationResult)),
                        key=Violation.sort_key)
    return ValidationResult(conforms=bool(conforms), violations=violations)


def format_violations(result: ValidationResult) -> str:
    """One line per violation: severity, focus node (with its label), path, value, message, shape."""
    lines = []
    for v in result.violations:
        label = v.focus_label or ""
        if len(label) > LABEL_CHARS:
            label = label[:LABEL_CHARS] + "…"
        focus = _short(v.focus_node) + (f" «{label}»" if label else "")
        parts = [f"{v.severity}: {focus}"]
        if v.path is not None:
            parts.append(_path_text(v.path))
        if v.value is not None:
            parts.append(f"value {_value_text(v.value)}")
        shape = _short(v.source_shape) if isinstance(v.source_shape, URIRef) else "shape"
        component = _short(v.component).removeprefix("sh:").removesuffix("ConstraintComponent") if v.component else ""
        lines.append(" ".join(parts) + f" — {v.message} [{shape}{' ' + component if component else ''}]")
    return "\n".join(lines)


def _violation(report: Graph, r: Node, data: Graph) -> Violation:
    focus = report.value(r, SH.focusNode)
    path = report.value(r, SH.resultPath)
    return Violation(
        focus_node=focus,
        path=_path(report, path) if path is not None else None,
        value=report.value(r, SH.value),
        message=_message(report, r),
        severity=_short(report.value(r, SH.resultSeverity) or SH.Violation).removeprefix("sh:"),
        source_shape=report.value(r, SH.sourceShape),
        component=report.value(r, SH.sourceConstraintComponent),
        focus_label=_label(data, focus),
    )


def _message(report: Graph, r: Node) -> str:
    messages = list(report.objects(r, SH.resultMessage))
    for m in messages:  # shapes give English and Chinese; the English one reads in any terminal log
        if isinstance(m, Literal) and m.language == "en":
            return str(m)
    return str(messages[0]) if messages else ""


def _path(g: Graph, node: Node) -> Node | RDFPath:
    """A SHACL path node as an rdflib path, so callers compare it with ``~ORG.holds`` and the like."""
    if isinstance(node, URIRef):
        return node
    if (node, RDF.first, None) in g:
        return SequencePath(*(_path(g, n) for n in Collection(g, node)))
    for pred, wrap in ((SH.inversePath, InvPath), (SH.zeroOrMorePath, lambda p: p * ZeroOrMore),
                       (SH.oneOrMorePath, lambda p: p * OneOrMore), (SH.zeroOrOnePath, lambda p: p * ZeroOrOne)):
        inner = g.value(node, pred)
        if inner is not None:
            return wrap(_path(g, inner))
    alternatives = g.value(node, SH.alternativePath)
    if alternatives is not None:
        return AlternativePath(*(_path(g, n) for n in Collection(g, alternatives)))
    return node


def _label(data: Graph, node: Node) -> str | None:
    if not isinstance(node, URIRef | BNode):
        return None
    labels = list(data.objects(node, RDFS.label)) or list(data.objects(node, SDO.name)) \
        or list(data.objects(node, SDO.headline))
    if labels:
        zh = sorted(str(x) for x in labels if isinstance(x, Literal) and (x.language or "").startswith("zh"))
        return (zh or sorted(str(x) for x in labels))[0]
    sentence = data.value(node, KG.sentence)  # evidence has no label; its sentence is what a reader recognises
    return str(sentence) if sentence is not None else None


def _short(node: Node) -> str:
    if isinstance(node, URIRef):
        text = str(node)
        for prefix, ns in PREFIXES:
            if text.startswith(ns) and len(text) > len(ns):
                return f"{prefix}:{text[len(ns):]}"
        return f"<{text}>"
    return node.n3() if node is not None else ""


def _path_text(path: Node | RDFPath | None) -> str:
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return _short(path)
    if isinstance(path, InvPath):
        return "^" + _path_text(path.arg)
    if isinstance(path, SequencePath):
        return "/".join(_path_text(p) for p in path.args)
    if isinstance(path, AlternativePath):
        return "(" + "|".join(_path_text(p) for p in path.args) + ")"
    return path.n3() if hasattr(path, "n3") else str(path)


def _value_text(value: Node) -> str:
    if isinstance(value, Literal):
        if value.language:
            return f'"{value}"@{value.language}'
        if value.datatype and value.datatype != XSD.string:
            return f'"{value}"^^{_short(value.datatype)}'
        return f'"{value}"'
    return _short(value)
