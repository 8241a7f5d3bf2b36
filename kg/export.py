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
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path

import networkx as nx
from rdflib import Dataset, Literal, URIRef

from . import __version__
from .publish import BuildError
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


# Characters that may stand unencoded in an IRI path segment (RFC 3987 ``ipchar``): ASCII letters,
# digits, ``-._~``, the sub-delimiters, ``:``, ``@``, and kg's ``/`` between a key's parts. The
# common CJK block is listed so that the per-character check below runs only for the rest.
_IRI_PLAIN = re.compile(r"[^A-Za-z0-9\-._~!$&'()*+,;=:@/\u4e00-\u9fff]")
_UCSCHAR = ((0xA0, 0xD7FF), (0xF900, 0xFDCF), (0xFDF0, 0xFFEF)) + tuple(
    (plane << 16, (plane << 16) + 0xFFFD) for plane in range(1, 15))  # RFC 3987 ucschar


def _iri_char(m: re.Match) -> str:
    ch = m.group(0)
    c = ord(ch)
    # ucschar may stand as it is, but spaces and invisible format characters (U+3000, U+200B,
    # U+202E) are encoded too, so that an IRI reads and copies as what it names
    if any(lo <= c <= hi for lo, hi in _UCSCHAR) and not ch.isspace() and unicodedata.category(ch) != "Cf":
        return ch
    # everything else (brackets, private-use characters from GB18030's user-defined area,
    # noncharacters, controls) as the percent-encoded UTF-8 bytes; a lone surrogate, which has no
    # UTF-8 form, as U+FFFD's
    data = ch.encode("utf-8") if not 0xD800 <= c <= 0xDFFF else "\ufffd".encode()
    return "".join(f"%{b:02X}" for b in data)


@lru_cache(maxsize=1 << 18)
def iri(key: str) -> URIRef:
    """A stable IRI from an entity's resolved key (never from run order), valid under RFC 3987
    whatever characters the key holds."""
    return KGR[_IRI_PLAIN.sub(_iri_char, key)]


def _lit(text: str) -> Literal:
    return Literal(text, lang=ZH)


def _org_type(label: str):
    for endings, t in ORG_TYPES:
        if label.endswith(endings):
            return t
    return SDO.Organization


PREFIXES = (("schema", SDO), ("org", ORG), ("prov", PROV), ("skos", SKOS), ("kg", KG), ("kgr", KGR), ("xsd", XSD),
            ("time", TIME), ("rdf", RDF), ("rdfs", RDFS))


Quad = tuple  # (subject, predicate, object, graph name or None for the default graph), rdflib terms


def rdf_quads(g: nx.MultiDiGraph) -> Iterator[Quad]:
    """The graph's RDF statements, one at a time (a statement may come more than once)."""
    now = Literal(datetime.now(UTC).replace(microsecond=0).isoformat(), datatype=XSD.dateTime)
    activity = KGR[f"activity/kg-{__version__}"]
    named: dict[str, URIRef] = {}

    def article_graph(article_id: str) -> Iterator[Quad]:
        """The article's named graph, described with PROV in the default graph when first used."""
        if article_id not in named:
            name = named[article_id] = URIRef(str(iri(f"graph/{article_id}")))
            yield name, RDF.type, PROV.Entity, None
            yield name, PROV.wasDerivedFrom, iri(f"article/{article_id}"), None
            yield name, PROV.wasDerivedFrom, iri(f"source/{article_id.split('#')[0]}"), None
            yield name, PROV.generatedAtTime, now, None
            yield name, PROV.wasGeneratedBy, activity, None

    yield activity, RDF.type, PROV.Activity, None
    yield activity, RDFS.label, Literal(f"kg {__version__}"), None

    for key, d in g.nodes(data=True):
        node = iri(key)
        kind = d["kind"]
        label = d.get("label", "")
        if kind == "source":
            yield node, RDF.type, SDO.DigitalDocument, None
            yield node, SDO.name, Literal(label), None
            continue
        if kind == "article":
            aid = key.split("/", 1)[1]
            yield from article_graph(aid)
            for p, o in _article(d):
                yield node, p, o, named[aid]
            continue
        for p, o in _entity(d):
            yield node, p, o, None
        for post_d in d.get("bodiless_posts", ()):  # a post whose body the text leaves unknown
            post = iri(f"post/-/{key.split('/', 1)[1]}/{post_d['title']}")
            ag = URIRef(str(iri(f"graph/{post_d['article']}")))
            yield from article_graph(post_d["article"])
            yield post, RDF.type, ORG.Post, None
            yield post, RDFS.label, _lit(post_d["title"]), None
            yield post, KG.title, _lit(post_d["title"]), None
            yield post, ORG.heldBy, node, ag
            yield node, ORG.holds, post, ag
            yield from _in(ag, _evidence(post, post_d, post_d["article"], holder=node))

    posts: set[tuple[str, str]] = set()
    for s, o, d in g.edges(data=True):
        kind = d["kind"]
        article = d.get("article") or ""
        if article:
            yield from article_graph(article)
        ag = named[article] if article else None
        subj, obj = iri(s), iri(o) if o else None
        if kind == "mentions":
            yield subj, SDO.mentions, obj, ag
        elif kind == "in_file":
            yield subj, SDO.isPartOf, obj, ag
        elif kind == "authored":
            yield subj, SDO.author, obj, ag
            role_prop = {"记者": KG.reporter, "通讯员": KG.correspondent, "摄影": KG.photographer}.get(d.get("role"))
            if role_prop:
                yield subj, role_prop, obj, ag
        elif kind == "located_in":
            yield subj, SDO.containedInPlace, obj, None
        elif kind == "part_of":
            yield subj, KG.jurisdiction, obj, None
            yield subj, SDO.areaServed, obj, None
        elif kind == "sub_organization_of":
            yield subj, ORG.subOrganizationOf, obj, None
            yield obj, ORG.hasSubOrganization, subj, None
        elif kind == "runs":
            yield obj, KG.runBy, subj, ag
        elif kind in ("chaired", "attended"):
            yield obj, KG.chair if kind == "chaired" else SDO.attendee, subj, ag
            if kind == "chaired":
                yield obj, SDO.attendee, subj, ag
            yield from _in(ag, _evidence(obj, d, article))
        elif kind in ("appointed", "removed"):
            change = KGR[f"change/{hashlib.sha1(f'{s}|{o}|{kind}|{article}'.encode()).hexdigest()[:16]}"]
            yield change, RDF.type, KG.PostChange, ag
            yield change, KG.changeKind, Literal(kind), ag
            yield change, ORG.member, subj, ag
            yield change, KG.post, post_iri(o, d.get("title", "")), ag
            yield change, KG.title, _lit(d.get("title", "")), ag
            date = (g.nodes.get(f"article/{article}") or {}).get("date") or ""
            if re.fullmatch(r"\d{4}-\d\d-\d\d", date):
                yield change, SDO.startDate, Literal(date, datatype=XSD.date), ag
            yield from _in(ag, _evidence(change, d, article, holder=subj))
        elif kind == "holds":
            title = d.get("title", "")
            post = post_iri(o, title)
            if (o or "", title) not in posts:
                posts.add((o or "", title))
                org_label = g.nodes[o]["label"] if o and o in g else ""
                yield post, RDF.type, ORG.Post, None
                yield post, RDFS.label, _lit(post_label(org_label, title)), None
                yield post, KG.title, _lit(title), None
                if o:
                    yield post, ORG.postIn, obj, None
                    yield obj, ORG.hasPost, post, None
            yield post, ORG.heldBy, subj, ag
            yield subj, ORG.holds, post, ag
            yield from _in(ag, _evidence(post, d, article, holder=subj))
    for spell in g.graph.get("spells", []):
        yield from _in(None, _membership(spell))


def _in(graph, triples) -> Iterator[Quad]:
    for s, p, o in triples:
        yield s, p, o, graph


def _article(d: dict) -> Iterator[tuple]:
    yield RDF.type, SDO.NewsArticle
    yield SDO.headline, _lit(d.get("label", ""))
    if d.get("kicker"):
        yield SDO.alternativeHeadline, _lit(d["kicker"])
    yield SDO.position, Literal(d["index"])
    yield SDO.articleBody, _lit(d.get("text", ""))
    date = d.get("date") or ""
    if re.fullmatch(r"\d{4}-\d\d-\d\d", date):
        yield SDO.datePublished, Literal(date, datatype=XSD.date)
    elif date:
        yield KG.dateText, Literal(date, datatype=XSD.gMonthDay)


def _entity(d: dict) -> Iterator[tuple]:
    kind, label = d["kind"], d.get("label", "")
    yield RDFS.label, _lit(label)
    for alias in d.get("aliases", []):
        yield SKOS.altLabel, _lit(alias)
    if kind == "person":
        yield RDF.type, SDO.Person
    elif kind == "place":
        yield RDF.type, SDO.Place
        level = d.get("level", "")
        yield RDF.type, LEVEL_TYPES.get(level, SDO.AdministrativeArea)
        if level:
            yield KG.level, Literal(level)
        if d.get("adcode"):
            yield KG.adcode, Literal(d["adcode"])
        if d.get("lat") is not None and d.get("lon") is not None:
            yield SDO.latitude, Literal(d["lat"], datatype=XSD.decimal)
            yield SDO.longitude, Literal(d["lon"], datatype=XSD.decimal)
    elif kind == "organization":
        yield RDF.type, ORG.Organization
        yield RDF.type, _org_type(label)
    elif kind == "initiative":
        yield RDF.type, KG.Initiative
    elif kind == "meeting":
        yield RDF.type, SDO.Event
        yield SDO.name, _lit(label)
        date = d.get("date") or ""
        if re.fullmatch(r"\d{4}-\d\d-\d\d", date):
            yield SDO.startDate, Literal(date, datatype=XSD.date)
        elif date:
            yield KG.dateText, Literal(date, datatype=XSD.gMonthDay)


def to_rdf(g: nx.MultiDiGraph) -> Dataset:
    """The graph as an rdflib ``Dataset`` (each article's statements in its named graph), for
    code that works with rdflib; ``write_rdf`` does not need it."""
    ds = Dataset()
    for prefix, ns in PREFIXES:
        ds.bind(prefix, ns)
    graphs: dict = {None: ds.default_graph if hasattr(ds, "default_graph") else ds.default_context}
    for s, p, o, name in rdf_quads(g):
        if name not in graphs:
            graphs[name] = ds.graph(name)
        graphs[name].add((s, p, o))
    return ds


def post_iri(org_key: str | None, title: str) -> URIRef:
    return iri(f"post/{org_key.split('/', 1)[1] if org_key else '-'}/{title}")


def _membership(spell: dict) -> Iterator[tuple]:
    """A tenure as W3C ORG: an org:Membership of the person in the body, in a role, during a
    time:Interval from the first to the last report that shows it (kg:firstSeen / kg:lastSeen
    say the same as plain dates, for simple queries)."""
    person, org, title = spell["person"], spell["org"], spell["title"]
    m = iri(f"membership/{person}/{org or '-'}/{title}")
    yield m, RDF.type, ORG.Membership
    yield m, ORG.member, iri(person)
    if org:
        yield m, ORG.organization, iri(org)
    role = iri(f"role/{title}")
    yield role, RDF.type, ORG.Role
    yield role, RDFS.label, _lit(title)
    yield m, ORG.role, role
    yield m, KG.post, post_iri(org, title)
    yield m, KG.observations, Literal(len(spell["articles"]))
    first, last = spell.get("began") or spell["first"], spell.get("ended") or spell["last"]
    if spell["first"]:
        yield m, KG.firstSeen, Literal(spell["first"], datatype=XSD.date)
        yield m, KG.lastSeen, Literal(spell["last"], datatype=XSD.date)
    if first or last:
        interval = iri(f"membership/{person}/{org or '-'}/{title}/interval")
        yield m, ORG.memberDuring, interval
        yield interval, RDF.type, TIME.Interval
        for prop, day, name in ((TIME.hasBeginning, first, "begin"), (TIME.hasEnd, last, "end")):
            if day:
                instant = iri(f"membership/{person}/{org or '-'}/{title}/{name}")
                yield interval, prop, instant
                yield instant, RDF.type, TIME.Instant
                yield instant, TIME.inXSDDate, Literal(day, datatype=XSD.date)


def post_label(org_label: str, title: str) -> str:
    """Organisation + title, without saying the organ twice (…党工委 + 党工委书记 → …党工委书记)."""
    for n in range(min(len(org_label), len(title)), 1, -1):
        if org_label.endswith(title[:n]):
            return org_label + title[n:]
    return org_label + title


def _evidence(node, d: dict, article: str, holder=None) -> Iterator[tuple]:
    if not d.get("sentence"):
        return
    digest = hashlib.sha1(f"{node}|{holder}|{article}|{d['start']}".encode()).hexdigest()[:16]
    ev = KGR[f"evidence/{digest}"]
    yield node, KG.evidence, ev
    yield ev, RDF.type, KG.Evidence
    yield ev, KG.sentence, _lit(d["sentence"])
    yield ev, KG.beginIndex, Literal(int(d["start"]))
    yield ev, KG.endIndex, Literal(int(d["end"]))
    yield ev, PROV.wasDerivedFrom, iri(f"article/{article}")
    yield ev, KG.rule, Literal(d.get("rule", ""))
    if holder is not None:
        yield ev, KG.about, holder


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


def group_quads(quads: Iterable[Quad]) -> dict[URIRef | None, list[tuple]]:
    """Statements by graph (the default graph first, then the article graphs as they came),
    without repeats, each graph's sorted by subject so the writers keep a subject's
    statements together."""
    groups: dict[URIRef | None, dict[tuple, None]] = {None: {}}
    for s, p, o, name in quads:
        groups.setdefault(name, {})[(s, p, o)] = None
    return {name: sorted(triples, key=lambda t: t[0]) for name, triples in groups.items()}


class _OxTerms:
    """rdflib terms → pyoxigraph terms, each IRI converted once (they repeat a great deal)."""

    def __init__(self):
        import pyoxigraph as ox

        self.ox = ox
        self.iris: dict[URIRef, object] = {}

    def __call__(self, term):
        ox = self.ox
        if isinstance(term, URIRef):
            node = self.iris.get(term)
            if node is None:
                node = self.iris[term] = ox.NamedNode(str(term))
            return node
        if isinstance(term, Literal):
            if term.language:
                return ox.Literal(str(term), language=term.language)
            return ox.Literal(str(term), datatype=self(term.datatype or XSD.string))
        return ox.BlankNode(str(term))


def write_rdf(quads: Iterable[Quad], out: Path) -> list[Path]:
    """The statements in every RDF format: Turtle, N-Triples and RDF/XML hold the union of the
    article graphs; TriG, N-Quads and JSON-LD (compacted with kg's context) keep each article's
    named graph. Oxigraph writes all but JSON-LD; rdflib's JSON-LD writer takes minutes on a
    graph of a few thousand named graphs, so kg writes that one itself (``write_jsonld``)."""
    import pyoxigraph as ox

    groups = group_quads(quads)
    term = _OxTerms()
    dataset, triples = [], {}
    for name, statements in groups.items():
        graph_name = ox.DefaultGraph() if name is None else term(name)
        for s, p, o in statements:
            s2, p2, o2 = term(s), term(p), term(o)
            dataset.append(ox.Quad(s2, p2, o2, graph_name))
            triples.setdefault((s2, p2, o2), None)
    union = [ox.Triple(*t) for t in triples]
    del triples
    prefixes = {prefix: str(ns) for prefix, ns in PREFIXES}
    written = []
    for name, (fmt, scope) in RDF_FORMATS.items():
        target = out / name
        rdf_format = getattr(ox.RdfFormat, fmt)
        data = union if scope == "union" else dataset
        kwargs = {"prefixes": prefixes} if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else {}
        write_atomic(target, lambda p, d=data, f=rdf_format, k=kwargs: ox.serialize(d, str(p), f, **k))
        written.append(target)
    context = jsonld_context()
    target = out / "graph.jsonld"
    write_atomic(target, lambda p: write_jsonld(groups, context, p))
    written.append(target)
    target = out / "context.jsonld"
    write_atomic(target, lambda p: p.write_text(json.dumps(context, ensure_ascii=False, indent=2) + "\n",
                                                encoding="utf-8"))
    written.append(target)
    return written


class JsonLdCompactor:
    """Node objects in the compact form of one JSON-LD ``@context``: a property becomes the
    context's term when its value fits the term's coercion (``label`` for a ``zh`` literal of
    rdfs:label, ``holds`` for an IRI of org:holds), and a compact IRI (``kg:title``) otherwise;
    IRIs are shortened with the context's prefixes. What it writes expands to the same triples
    (the tests parse it back with rdflib's JSON-LD parser)."""

    def __init__(self, context: dict):
        self.prefixes = sorted(((v, k) for k, v in context.items() if isinstance(v, str) and v[-1:] in "/#"),
                               key=lambda vk: -len(vk[0]))
        self.terms: dict[str, list[tuple[str, dict]]] = {}
        for name, value in context.items():
            definition = value if isinstance(value, dict) else {"@id": value}
            if isinstance(value, str) and value[-1:] in "/#":
                continue
            self.terms.setdefault(self.expand(definition["@id"]), []).append((name, definition))
        self._short: dict[str, str] = {}

    def expand(self, name: str) -> str:
        prefix, _, local = name.partition(":")
        for ns, p in self.prefixes:
            if p == prefix:
                return ns + local
        return name

    def iri(self, value: str) -> str:
        short = self._short.get(value)
        if short is None:
            short = value
            for ns, prefix in self.prefixes:
                if value.startswith(ns) and not value[len(ns):].startswith("//"):
                    short = f"{prefix}:{value[len(ns):]}"
                    break
            self._short[value] = short
        return short

    def _fits(self, definition: dict, value) -> bool:
        if definition.get("@type") == "@id":
            return isinstance(value, URIRef)
        if not isinstance(value, Literal):
            return False
        if "@language" in definition:
            return value.language == definition["@language"]
        return value.language is None and (value.datatype is None or value.datatype == XSD.string)

    def value(self, value) -> dict | str:
        if isinstance(value, URIRef):
            return {"@id": self.iri(str(value))}
        if not isinstance(value, Literal):
            return {"@id": f"_:{value}"}
        if value.language:
            return {"@value": str(value), "@language": value.language}
        if value.datatype is None or value.datatype == XSD.string:
            return str(value)
        return {"@value": str(value), "@type": self.iri(str(value.datatype))}

    def node(self, subject, pairs: list[tuple]) -> dict:
        obj: dict = {"@id": self.iri(str(subject)) if isinstance(subject, URIRef) else f"_:{subject}"}
        types = [self.iri(str(o)) for p, o in pairs if p == RDF.type]
        if types:
            obj["@type"] = types if len(types) > 1 else types[0]
        props: dict[str, list] = {}
        for p, o in pairs:
            if p == RDF.type:
                continue
            for name, definition in self.terms.get(str(p), ()):
                if self._fits(definition, o):
                    props.setdefault(name, []).append(str(o) if isinstance(o, Literal) else self.iri(str(o)))
                    break
            else:
                props.setdefault(self.iri(str(p)), []).append(self.value(o))
        for key in sorted(props):
            values = props[key]
            obj[key] = values[0] if len(values) == 1 else values
        return obj

    def nodes(self, triples: list[tuple]) -> Iterator[dict]:
        """Node objects of triples sorted by subject."""
        subject, pairs = None, []
        for s, p, o in triples:
            if s != subject and pairs:
                yield self.node(subject, pairs)
                pairs = []
            subject = s
            pairs.append((p, o))
        if pairs:
            yield self.node(subject, pairs)


def write_jsonld(groups: dict[URIRef | None, list[tuple]], context: dict, path: Path) -> None:
    """``graph.jsonld``: one document, the default graph's nodes and then one ``@graph`` object
    per article graph, written a node at a time."""
    compactor = JsonLdCompactor(context["@context"])
    with path.open("w", encoding="utf-8") as fh:
        fh.write('{"@context": ' + json.dumps(context["@context"], ensure_ascii=False) + ',\n "@graph": [')
        items = (item for name, triples in groups.items()
                 for item in (compactor.nodes(triples) if name is None else
                              [{"@id": compactor.iri(str(name)), "@graph": list(compactor.nodes(triples))}]))
        for n, item in enumerate(items):
            fh.write((",\n  " if n else "\n  ") + json.dumps(item, ensure_ascii=False))
        fh.write("\n]}\n")


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
    """A ``graph.json``; ``BuildError`` when it is not one (cut off, not JSON, not node-link data)."""
    try:
        with path.open(encoding="utf-8") as fh:
            data = json.load(fh)
        return nx.node_link_graph(data, edges="edges", multigraph=True, directed=True)
    except json.JSONDecodeError as err:
        raise BuildError(f"{path}: not JSON: {err.msg} (character {err.pos}): cut off or damaged; "
                         "run `kg build` again") from None
    except UnicodeDecodeError as err:
        raise BuildError(f"{path}: not UTF-8 text (byte {err.start}); run `kg build` again") from None
    except (KeyError, TypeError, AttributeError, nx.NetworkXError) as err:
        raise BuildError(f"{path}: JSON, but not a graph kg wrote ({type(err).__name__}: {err})") from None


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
