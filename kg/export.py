"""Export stage: the networkx graph → RDF (Turtle, TriG, JSON-LD) and GraphML.

RDF follows ``shared/eval/RDF-CONTRACT.md``: schema.org for articles, people, places and events,
W3C ORG for organisations and posts, SKOS for other names, PROV for provenance, and kg's own
terms (``kg/ontology.ttl``) for what those lack. In ``graph.trig`` each article's statements
sit in a named graph of their own, described with PROV; entity descriptions (types, labels,
place hierarchy) are in the default graph.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import networkx as nx
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from . import __version__
from .records import Corpus
from .vocab import KG, KGR, ORG, PROV, RDF, RDFS, SDO, SKOS, TIME, XSD

ORG_TYPES = [  # (how the label ends, schema.org type)
    (("委", "党委", "党工委", "政府", "人民政府", "办事处", "人大常委会", "人大工委", "政协", "局", "分局", "办", "厅",
      "纪委", "纪工委", "监察委员会", "部", "中心"), SDO.GovernmentOrganization),
    (("法院", "检察院"), SDO.GovernmentOrganization),
    (("大学", "学院", "中学", "小学", "学校", "幼儿园", "实验园", "研究院"), SDO.EducationalOrganization),
    (("医院", "卫生院"), SDO.Hospital),
    (("公司", "集团", "合作社"), SDO.Corporation),
]
LEVEL_TYPES = {"province": SDO.State, "city": SDO.City, "district": SDO.AdministrativeArea}
ZH = "zh"


def iri(key: str) -> URIRef:
    """A stable IRI from an entity's resolved key (never from run order)."""
    safe = re.sub(r"[\s<>\"{}|\\^`#?%]", lambda m: f"%{ord(m.group(0)):02X}", key)
    return KGR[safe]


def _lit(text: str) -> Literal:
    return Literal(text, lang=ZH)


def _org_type(label: str):
    for endings, t in ORG_TYPES:
        if label.endswith(endings):
            return t
    return SDO.Organization


PREFIXES = (("schema", SDO), ("org", ORG), ("prov", PROV), ("skos", SKOS), ("kg", KG), ("kgr", KGR), ("xsd", XSD),
            ("time", TIME), ("rdf", RDF), ("rdfs", RDFS))


def to_rdf(g: nx.MultiDiGraph) -> Dataset:
    ds = Dataset()
    for prefix, ns in PREFIXES:
        ds.bind(prefix, ns)
    default = ds.default_graph if hasattr(ds, "default_graph") else ds.default_context
    now = Literal(datetime.now(UTC).replace(microsecond=0).isoformat(), datatype=XSD.dateTime)
    graphs: dict[str, Graph] = {}

    def article_graph(article_id: str) -> Graph:
        if article_id not in graphs:
            name = URIRef(str(iri(f"graph/{article_id}")))
            graphs[article_id] = ds.graph(name)
            default.add((name, RDF.type, PROV.Entity))
            default.add((name, PROV.wasDerivedFrom, iri(f"article/{article_id}")))
            default.add((name, PROV.wasDerivedFrom, iri(f"source/{article_id.split('#')[0]}")))
            default.add((name, PROV.generatedAtTime, now))
            default.add((name, PROV.wasGeneratedBy, KGR[f"activity/kg-{__version__}"]))
        return graphs[article_id]

    activity = KGR[f"activity/kg-{__version__}"]
    default.add((activity, RDF.type, PROV.Activity))
    default.add((activity, RDFS.label, Literal(f"kg {__version__}")))

    for key, d in g.nodes(data=True):
        node = iri(key)
        kind = d["kind"]
        label = d.get("label", "")
        if kind == "source":
            default.add((node, RDF.type, SDO.DigitalDocument))
            default.add((node, SDO.name, Literal(label)))
            continue
        if kind == "article":
            ag = article_graph(key.split("/", 1)[1])
            ag.add((node, RDF.type, SDO.NewsArticle))
            ag.add((node, SDO.headline, _lit(label)))
            if d.get("kicker"):
                ag.add((node, SDO.alternativeHeadline, _lit(d["kicker"])))
            ag.add((node, SDO.position, Literal(d["index"])))
            ag.add((node, SDO.articleBody, _lit(d.get("text", ""))))
            date = d.get("date") or ""
            if re.fullmatch(r"\d{4}-\d\d-\d\d", date):
                ag.add((node, SDO.datePublished, Literal(date, datatype=XSD.date)))
            elif date:
                ag.add((node, KG.dateText, Literal(date, datatype=XSD.gMonthDay)))
            continue
        default.add((node, RDFS.label, _lit(label)))
        for alias in d.get("aliases", []):
            default.add((node, SKOS.altLabel, _lit(alias)))
        if kind == "person":
            default.add((node, RDF.type, SDO.Person))
        elif kind == "place":
            default.add((node, RDF.type, SDO.Place))
            level = d.get("level", "")
            default.add((node, RDF.type, LEVEL_TYPES.get(level, SDO.AdministrativeArea)))
            if level:
                default.add((node, KG.level, Literal(level)))
            if d.get("adcode"):
                default.add((node, KG.adcode, Literal(d["adcode"])))
            if d.get("lat") is not None and d.get("lon") is not None:
                default.add((node, SDO.latitude, Literal(d["lat"], datatype=XSD.decimal)))
                default.add((node, SDO.longitude, Literal(d["lon"], datatype=XSD.decimal)))
        elif kind == "organization":
            default.add((node, RDF.type, ORG.Organization))
            default.add((node, RDF.type, _org_type(label)))
        elif kind == "initiative":
            default.add((node, RDF.type, KG.Initiative))
        elif kind == "meeting":
            default.add((node, RDF.type, SDO.Event))
            default.add((node, SDO.name, _lit(label)))
            date = d.get("date") or ""
            if re.fullmatch(r"\d{4}-\d\d-\d\d", date):
                default.add((node, SDO.startDate, Literal(date, datatype=XSD.date)))
            elif date:
                default.add((node, KG.dateText, Literal(date, datatype=XSD.gMonthDay)))

    posts: dict[tuple[str, str], URIRef] = {}
    for s, o, d in g.edges(data=True):
        kind = d["kind"]
        article = d.get("article") or ""
        ag = article_graph(article) if article else default
        subj, obj = iri(s), iri(o) if o else None
        if kind == "mentions":
            ag.add((subj, SDO.mentions, obj))
        elif kind == "in_file":
            ag.add((subj, SDO.isPartOf, obj))
        elif kind == "authored":
            ag.add((subj, SDO.author, obj))
            role_prop = {"记者": KG.reporter, "通讯员": KG.correspondent, "摄影": KG.photographer}.get(d.get("role"))
            if role_prop:
                ag.add((subj, role_prop, obj))
        elif kind == "located_in":
            default.add((subj, SDO.containedInPlace, obj))
        elif kind == "part_of":
            default.add((subj, KG.jurisdiction, obj))
            default.add((subj, SDO.areaServed, obj))
        elif kind == "sub_organization_of":
            default.add((subj, ORG.subOrganizationOf, obj))
            default.add((obj, ORG.hasSubOrganization, subj))
        elif kind == "runs":
            ag.add((obj, KG.runBy, subj))
        elif kind in ("chaired", "attended"):
            ag.add((obj, KG.chair if kind == "chaired" else SDO.attendee, subj))
            if kind == "chaired":
                ag.add((obj, SDO.attendee, subj))
            _evidence(ag, obj, d, article)
        elif kind in ("appointed", "removed"):
            change = KGR[f"change/{hashlib.sha1(f'{s}|{o}|{kind}|{article}'.encode()).hexdigest()[:16]}"]
            ag.add((change, RDF.type, KG.PostChange))
            ag.add((change, KG.changeKind, Literal(kind)))
            ag.add((change, ORG.member, subj))
            ag.add((change, KG.post, post_iri(o, d.get("title", ""))))
            ag.add((change, KG.title, _lit(d.get("title", ""))))
            _date_of(ag, change, g, article, SDO.startDate)
            _evidence(ag, change, d, article, holder=subj)
        elif kind == "holds":
            title = d.get("title", "")
            org_label = g.nodes[o]["label"] if o and o in g else ""
            pkey = (o or "", title)
            if pkey not in posts:
                posts[pkey] = post_iri(o, title)
                post = posts[pkey]
                default.add((post, RDF.type, ORG.Post))
                default.add((post, RDFS.label, _lit(post_label(org_label, title))))
                default.add((post, KG.title, _lit(title)))
                if o:
                    default.add((post, ORG.postIn, obj))
                    default.add((obj, ORG.hasPost, post))
            post = posts[pkey]
            ag.add((post, ORG.heldBy, subj))
            ag.add((subj, ORG.holds, post))
            _evidence(ag, post, d, article, holder=subj)
    for spell in g.graph.get("spells", []):
        _membership(default, spell)
    return ds


def post_iri(org_key: str | None, title: str) -> URIRef:
    return iri(f"post/{org_key.split('/', 1)[1] if org_key else '-'}/{title}")


def _date_of(graph: Graph, node, g: nx.MultiDiGraph, article: str, prop) -> None:
    date = (g.nodes.get(f"article/{article}") or {}).get("date") or ""
    if re.fullmatch(r"\d{4}-\d\d-\d\d", date):
        graph.add((node, prop, Literal(date, datatype=XSD.date)))


def _membership(graph: Graph, spell: dict) -> None:
    """A tenure as W3C ORG: an org:Membership of the person in the body, in a role, during a
    time:Interval from the first to the last report that shows it (kg:firstSeen / kg:lastSeen
    say the same as plain dates, for simple queries)."""
    person, org, title = spell["person"], spell["org"], spell["title"]
    m = iri(f"membership/{person}/{org or '-'}/{title}")
    graph.add((m, RDF.type, ORG.Membership))
    graph.add((m, ORG.member, iri(person)))
    if org:
        graph.add((m, ORG.organization, iri(org)))
    role = iri(f"role/{title}")
    graph.add((role, RDF.type, ORG.Role))
    graph.add((role, RDFS.label, _lit(title)))
    graph.add((m, ORG.role, role))
    graph.add((m, KG.post, post_iri(org, title)))
    graph.add((m, KG.observations, Literal(len(spell["articles"]))))
    first, last = spell.get("began") or spell["first"], spell.get("ended") or spell["last"]
    if spell["first"]:
        graph.add((m, KG.firstSeen, Literal(spell["first"], datatype=XSD.date)))
        graph.add((m, KG.lastSeen, Literal(spell["last"], datatype=XSD.date)))
    if first or last:
        interval = iri(f"membership/{person}/{org or '-'}/{title}/interval")
        graph.add((m, ORG.memberDuring, interval))
        graph.add((interval, RDF.type, TIME.Interval))
        for prop, day, name in ((TIME.hasBeginning, first, "begin"), (TIME.hasEnd, last, "end")):
            if day:
                instant = iri(f"membership/{person}/{org or '-'}/{title}/{name}")
                graph.add((interval, prop, instant))
                graph.add((instant, RDF.type, TIME.Instant))
                graph.add((instant, TIME.inXSDDate, Literal(day, datatype=XSD.date)))


def post_label(org_label: str, title: str) -> str:
    """Organisation + title, without saying the organ twice (…党工委 + 党工委书记 → …党工委书记)."""
    for n in range(min(len(org_label), len(title)), 1, -1):
        if org_label.endswith(title[:n]):
            return org_label + title[n:]
    return org_label + title


def _evidence(graph: Graph, node, d: dict, article: str, holder=None) -> None:
    if not d.get("sentence"):
        return
    digest = hashlib.sha1(f"{node}|{holder}|{article}|{d['start']}".encode()).hexdigest()[:16]
    ev = KGR[f"evidence/{digest}"]
    graph.add((node, KG.evidence, ev))
    graph.add((ev, RDF.type, KG.Evidence))
    graph.add((ev, KG.sentence, _lit(d["sentence"])))
    graph.add((ev, KG.beginIndex, Literal(int(d["start"]))))
    graph.add((ev, KG.endIndex, Literal(int(d["end"]))))
    graph.add((ev, PROV.wasDerivedFrom, iri(f"article/{article}")))
    graph.add((ev, KG.rule, Literal(d.get("rule", ""))))
    if holder is not None:
        graph.add((ev, KG.about, holder))


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Write through a temporary file in the same folder, so an interrupted run leaves the
    previous output intact."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes the file private; the output is not
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# file → (Oxigraph format, whole dataset or the union of its graphs). rdflib builds the graph;
# Oxigraph writes it, several times faster than rdflib's serialisers on large graphs.
RDF_FORMATS = {"graph.ttl": ("TURTLE", "union"), "graph.trig": ("TRIG", "dataset"),
               "graph.nq": ("N_QUADS", "dataset"), "graph.nt": ("N_TRIPLES", "union"),
               "graph.rdf": ("RDF_XML", "union")}


def jsonld_context() -> dict:
    """The JSON-LD ``@context`` kg publishes (``kg/context.jsonld``, copied into each build)."""
    with resources.files(__package__).joinpath("context.jsonld").open(encoding="utf-8") as fh:
        return json.load(fh)


def _ox(term):
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))
    return ox.BlankNode(str(term))


def write_rdf(ds: Dataset, out: Path) -> list[Path]:
    """The graph in every RDF format: Turtle, N-Triples and RDF/XML hold the union of the article
    graphs; TriG, N-Quads and JSON-LD (compacted with kg's context) keep each article's named graph."""
    import pyoxigraph as ox

    quads, triples, seen = [], [], set()
    for s_, p_, o_, g_ in ds.quads((None, None, None, None)):
        s2, p2, o2 = _ox(s_), _ox(p_), _ox(o_)
        name = g_.identifier if hasattr(g_, "identifier") else g_
        graph_name = ox.DefaultGraph() if name is None or str(name) == str(DATASET_DEFAULT_GRAPH_ID) else _ox(name)
        quads.append(ox.Quad(s2, p2, o2, graph_name))
        if (s2, p2, o2) not in seen:
            seen.add((s2, p2, o2))
            triples.append(ox.Triple(s2, p2, o2))
    prefixes = {prefix: str(ns) for prefix, ns in PREFIXES}
    written = []
    for name, (fmt, scope) in RDF_FORMATS.items():
        target = out / name
        rdf_format = getattr(ox.RdfFormat, fmt)
        data = triples if scope == "union" else quads
        kwargs = {"prefixes": prefixes} if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else {}
        write_atomic(target, lambda p, d=data, f=rdf_format, k=kwargs: ox.serialize(d, str(p), f, **k))
        written.append(target)
    context = jsonld_context()
    target = out / "graph.jsonld"
    write_atomic(target, lambda p: ds.serialize(p, format="json-ld", encoding="utf-8", context=context["@context"],
                                                auto_compact=True))
    written.append(target)
    target = out / "context.jsonld"
    write_atomic(target, lambda p: p.write_text(json.dumps(context, ensure_ascii=False, indent=2) + "\n",
                                                encoding="utf-8"))
    written.append(target)
    return written


def explain_records(corpus: Corpus) -> Iterator[dict]:
    """One record per entity and per fact: the component and rule that produced it, the
    resolution rules that shaped it, and where it was read (article, sentence, offsets)."""
    articles = {a.id: a for a in corpus.articles}

    def where(aid: str, m) -> dict:
        a = articles.get(aid)
        start, end = a.source_span(m.start, m.end) if a is not None and m.start >= 0 else (None, None)
        return {"article": aid, "source": a.source if a else None, "headline": a.headline if a else None,
                "text": m.text, "start": start, "end": end,
                "sentence": _sentence_around(a.body, m.start, m.end) if a is not None and m.start >= 0 else None,
                "component": m.component or ("byline" if m.start < 0 else ""), "rule": m.rule}

    for e in corpus.entities.values():
        yield {"type": "entity", "key": e.key, "kind": e.kind, "label": e.label, "aliases": sorted(e.aliases),
               "resolution": sorted(e.rules), "mentions": [where(aid, m) for aid, m in e.mentions]}
    for f in corpus.facts:
        ev = f.evidence
        yield {"type": "fact", "kind": f.kind, "subject": f.subject, "object": f.object, "article": f.article,
               "component": f.component, "rule": f.rule, "attrs": f.attrs,
               "evidence": None if ev is None else {"source": ev.source, "sentence": ev.sentence,
                                                    "start": ev.start, "end": ev.end}}


def _sentence_around(text: str, start: int, end: int) -> str:
    """The sentence of ``text`` that holds the span, the span marked 【】."""
    left = max(text.rfind(c, 0, start) for c in "。！？；\n") + 1
    right = min((i for i in (text.find(c, end) for c in "。！？；\n") if i >= 0), default=len(text))
    return (text[left:start] + "【" + text[start:end] + "】" + text[end:right + 1]).strip().lstrip("”’」』")


def write_explain(corpus: Corpus, path: Path) -> None:
    """``explain.jsonl``: why each entity and fact is in the graph (``kg build --explain``)."""
    def write(p: Path) -> None:
        with p.open("w", encoding="utf-8") as fh:
            for record in explain_records(corpus):
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")

    write_atomic(path, write)


def write_node_link(g: nx.MultiDiGraph, path: Path) -> None:
    """``graph.json``: the graph as networkx node-link JSON, every attribute kept (``kg view``
    reads it; so can networkx, igraph or d3 users)."""
    data = nx.node_link_data(g, edges="edges")
    write_atomic(path, lambda p: p.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8"))


def read_node_link(path: Path) -> nx.MultiDiGraph:
    with path.open(encoding="utf-8") as fh:
        return nx.node_link_graph(json.load(fh), edges="edges", multigraph=True, directed=True)


def flat(value):
    """GraphML and GEXF hold no lists: ``|``-joined strings."""
    return "|".join(map(str, value)) if isinstance(value, list | tuple | set) else value


def write_graphml(g: nx.MultiDiGraph, path: Path) -> None:
    """GraphML for Gephi, Cytoscape and igraph: lists become ``|``-joined strings, the node's
    RDF IRI is kept so the two worlds can be joined."""
    h = nx.MultiDiGraph()
    for n, d in g.nodes(data=True):
        attrs = {k: flat(v) for k, v in d.items() if v is not None and k != "text"}
        h.add_node(n, iri=str(iri(n)), **attrs)
    for s, o, k, d in g.edges(keys=True, data=True):
        h.add_edge(s, o, key=k, **{a: v for a, v in d.items() if v is not None})
    write_atomic(path, lambda p: nx.write_graphml(h, p, encoding="utf-8"))
