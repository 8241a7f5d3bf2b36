"""Linked data for ``kg serve``: kg's IRIs dereferenced (``/ns``, ``/id/<kind>/<key>``) as Turtle,
JSON-LD, N-Triples or an HTML page, and the endpoint's SPARQL 1.1 Service Description.

The data's IRIs have one fixed base (``https://w3id.org/kg-news/``) whatever host serves them, so a
request path is mapped onto that base, never the other way round: the graph is not rewritten, and
what a server on any host and port answers names the same things.
"""

from __future__ import annotations

import json
import urllib.parse
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pyoxigraph as ox

from .explain import describe_rule
from .export import JsonLdCompactor, iri_path, jsonld_context
from .query import PREFIXES, UnreadableRDF, load_store
from .vocab import KG, KGR

BASE = str(KGR)[: -len("id/")]  # https://w3id.org/kg-news/
ONTOLOGY = str(KG).rstrip("#")  # the owl:Ontology's IRI, also the name of the graph it is loaded into
RDF_TYPES = {  # what a description is given as, first is the default
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
}
PAGE_TYPES = {**RDF_TYPES, "text/html": None}
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
SERIALIZE_PREFIXES = {**PREFIXES, "sd": SD, "owl": "http://www.w3.org/2002/07/owl#"}


def load_build(target: Path) -> ox.Store:
    """The build as ``kg query`` loads it, plus its ``ontology.ttl`` in a named graph of its own
    (the ontology's IRI): queries over the default graph answer as before, ``GRAPH`` reaches it."""
    store = load_store(target)
    ontology = target / "ontology.ttl" if target.is_dir() else None
    if ontology is not None and ontology.is_file():
        try:
            store.load(path=str(ontology), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ONTOLOGY))
        except (SyntaxError, ValueError, OSError) as err:  # a damaged build: kg build makes it again
            raise UnreadableRDF(f"{ontology}: cannot be read as TURTLE: {' '.join(str(err).split())}") from err
    return store


def negotiate(accept: str, offered) -> str | None:
    """The offered media type the ``Accept`` header prefers (RFC 9110: q-values, the most specific
    range decides each type), the first offered for no header, None when it accepts none of them."""
    offered = list(offered)
    if not accept.strip():
        return offered[0]
    ranges = []
    for part in accept.split(","):
        media, *params = (x.strip() for x in part.split(";"))
        if not media:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((media.lower(), q))

    def quality(media: str) -> float:
        kind = media.split("/")[0] + "/*"
        for pattern in (media, kind, "*/*"):  # the most specific range that matches wins
            qs = [q for m, q in ranges if m == pattern]
            if qs:
                return max(qs)
        return 0.0

    best = max(offered, key=lambda m: (quality(m), -offered.index(m)))
    return best if quality(best) > 0 else None


def data_iri(path: str) -> str | None:
    """The data IRI a request path names (``/id/person/…`` or ``/ns``), as export.py spells it:
    the path percent-decoded, then encoded again as kg encodes keys (CJK as it is, ``#`` as %23)."""
    if path == "/ns":
        return ONTOLOGY
    if not path.startswith("/id/") or len(path) <= len("/id/"):
        return None
    try:
        # http.server reads the request line as Latin-1: a client that sent the IRI's UTF-8 as it
        # is (no percent-encoding) gets its characters back this way (but for the ones with a byte
        # that str.split() takes for a space, 0x85 or 0xA0: http.server refuses their request line)
        raw = path[1:].encode("latin-1").decode("utf-8")
        decoded = urllib.parse.unquote(raw, errors="strict")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    return BASE + iri_path(decoded)


def local_path(iri: str) -> str | None:
    """The path this server answers ``iri`` at, ASCII (non-ASCII percent-encoded), or None: not kg's."""
    if not iri.startswith(BASE):
        return None
    return "/" + urllib.parse.quote(iri[len(BASE):], safe="/%!$&'()*+,;=:@-._~#")


_DESCRIBE = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX kg: <https://w3id.org/kg-news/ns#>
CONSTRUCT {
  NODE ?p ?o . ?o rdfs:label ?ol . ?o a ?ot .
  ?s ?q NODE . ?s rdfs:label ?sl . ?s schema:headline ?sh . ?s a ?st .
  ?m ?mp ?mo . ?mo rdfs:label ?mol .
  ?x kg:evidence ?e . ?x rdfs:label ?xl . ?e ?ep ?eo .
  ?a schema:headline ?h ; schema:datePublished ?d ; kg:dateText ?dt ; schema:isPartOf ?f . ?f schema:name ?fn .
} WHERE {
  { NODE ?p ?o OPTIONAL { ?o rdfs:label ?ol } OPTIONAL { ?o a ?ot } }
  UNION { ?s ?q NODE OPTIONAL { ?s rdfs:label ?sl } OPTIONAL { ?s schema:headline ?sh } OPTIONAL { ?s a ?st } }
  UNION { ?m org:member NODE ; ?mp ?mo OPTIONAL { ?mo rdfs:label ?mol } }
  UNION {
    { NODE kg:evidence ?e BIND(NODE AS ?x) } UNION { NODE ?p2 ?x . ?x kg:evidence ?e }
    UNION { ?x ?p3 NODE . ?x kg:evidence ?e }
    # a post's evidence names the holder it is about: another holder's sentence is not this node's
    FILTER NOT EXISTS { ?e kg:about ?other FILTER(?other != NODE) }
    ?e ?ep ?eo .
    OPTIONAL { ?x rdfs:label ?xl }
    OPTIONAL {
      ?e prov:wasDerivedFrom ?a . ?a a schema:NewsArticle
      OPTIONAL { ?a schema:headline ?h } OPTIONAL { ?a schema:datePublished ?d } OPTIONAL { ?a kg:dateText ?dt }
      OPTIONAL { ?a schema:isPartOf ?f OPTIONAL { ?f schema:name ?fn } }
    }
  }
}
"""


def describe(store: ox.Store, iri: str) -> list[ox.Triple] | None:
    """A node's description, CBD-like: its own statements, the labels of what it links to and of
    what links to it, its memberships, and the evidence (sentence, offsets, rule, article) of the
    relations it takes part in. None when the store says nothing of it as a subject."""
    node = ox.NamedNode(iri)
    if iri == ONTOLOGY:
        triples = [q.triple for q in store.quads_for_pattern(None, None, None, node)]
        return triples or None
    if not store.query(f"ASK {{ {node} ?p ?o }}"):
        return None
    return sorted(set(store.query(_DESCRIBE.replace("NODE", str(node)))), key=str)


def serialize(triples: list[ox.Triple], media: str) -> bytes:
    """Turtle and N-Triples by Oxigraph; JSON-LD compacted with kg's published context, as
    ``graph.jsonld`` is (``label``, ``holds`` …), which Oxigraph's writer cannot do."""
    fmt = RDF_TYPES[media]
    if fmt == ox.RdfFormat.JSON_LD:
        context = jsonld_context()["@context"]
        ordered = sorted(((t.subject, t.predicate, t.object) for t in triples), key=lambda t: (str(t[0]), str(t[1])))
        doc = {"@context": context, "@graph": list(JsonLdCompactor(context).nodes(ordered))}
        return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")
    return ox.serialize(triples, format=fmt, prefixes=SERIALIZE_PREFIXES if fmt != ox.RdfFormat.N_TRIPLES else None)


# -- the HTML page ----------------------------------------------------------------------------

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_SDO, _ORG, _PROV, _SKOS = (PREFIXES[p] for p in ("schema", "org", "prov", "skos"))


def short(iri: str) -> str:
    """``schema:Person`` for an IRI under a known prefix, the IRI otherwise."""
    for prefix, ns in SERIALIZE_PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


@lru_cache(maxsize=1)
def _template():
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return env.from_string((resources.files("kg") / "templates" / "node.html").read_text(encoding="utf-8"))


def render_page(triples: list[ox.Triple], iri: str) -> bytes:
    """A readable page of a description: label, kind, facts, relations (linked to their own pages)
    and the evidence sentences with their report, date and offsets; every value escaped."""
    subjects: dict[str, dict[str, list]] = {}
    for t in triples:
        key = t.subject.value
        subjects.setdefault(key, {}).setdefault(t.predicate.value, []).append(t.object)

    def values(subject: str, predicate: str) -> list[str]:
        return [o.value for o in subjects.get(subject, {}).get(predicate, [])]

    def first(subject: str, predicate: str) -> str:
        found = values(subject, predicate)
        return min(found) if found else ""

    def name(term_iri: str) -> str:
        return (first(term_iri, RDFS_LABEL) or first(term_iri, _SDO + "headline")
                or first(term_iri, _SDO + "name") or short(term_iri))

    def link(term_iri: str) -> dict:
        return {"label": name(term_iri), "href": local_path(term_iri), "iri": term_iri}

    own = subjects.get(iri, {})
    facts, out = [], []
    for predicate, objects in sorted(own.items()):
        if predicate in (RDFS_LABEL, RDF_TYPE):
            continue
        for o in sorted(objects, key=lambda o: o.value):
            if isinstance(o, ox.Literal):
                facts.append({"property": short(predicate), "value": o.value})
            elif isinstance(o, ox.NamedNode):
                out.append({"property": short(predicate), **link(o.value)})
    incoming = sorted(({"property": short(t.predicate.value), **link(t.subject.value)}
                       for t in triples if t.object == ox.NamedNode(iri)
                       # memberships and evidence have sections of their own
                       and t.predicate.value not in (_ORG + "member", str(KG) + "about")),
                      key=lambda r: (r["property"], r["label"]))
    memberships = []
    for m, props in subjects.items():
        if ox.NamedNode(iri) in props.get(_ORG + "member", []):
            post = first(m, str(KG) + "post")
            memberships.append({"post": link(post) if post else None, "facts": [
                {"property": short(p), "value": o.value} for p, objs in sorted(props.items())
                for o in objs if isinstance(o, ox.Literal)]})
    evidence = []
    for x, props in subjects.items():
        for e in props.get(str(KG) + "evidence", []):
            article = first(e.value, _PROV + "wasDerivedFrom")
            source = first(article, _SDO + "isPartOf")
            evidence.append({
                "about": link(x), "sentence": first(e.value, str(KG) + "sentence"),
                "begin": first(e.value, str(KG) + "beginIndex"), "end": first(e.value, str(KG) + "endIndex"),
                "rule": first(e.value, str(KG) + "rule"), "headline": first(article, _SDO + "headline"),
                "date": first(article, _SDO + "datePublished") or first(article, str(KG) + "dateText"),
                "file": first(source, _SDO + "name"), "article": link(article) if article else None})
    label = name(iri)
    for ev in evidence:
        # the node's own name marked where the sentence has it; the rule said in words
        before, found, after = (ev["sentence"] or "").partition(label)
        ev["parts"] = (before, label, after) if found else (before, "", "")
        ev["rule_words"] = describe_rule(ev["rule"]) if ev["rule"] else ""
    evidence.sort(key=lambda ev: (ev["file"], int(ev["begin"] or 0), ev["about"]["label"]))
    page = _template().render(
        iri=iri, label=label, kinds=[short(t) for t in sorted(values(iri, RDF_TYPE))],
        alt=sorted(values(iri, _SKOS + "altLabel")), facts=facts, out=out, incoming=incoming,
        memberships=memberships, evidence=evidence)
    return page.encode("utf-8")


# -- the service description ------------------------------------------------------------------


def service_description(store: ox.Store, endpoint: str, result_types, graph_types) -> list[ox.Triple]:
    """A SPARQL 1.1 Service Description (W3C, 2013) of this endpoint: its address, the query
    language, the result formats it answers in, and its default dataset: the default graph (the
    merge of the article graphs) and every named graph, the ontology's among them."""
    def sd(term: str) -> ox.NamedNode:
        return ox.NamedNode(SD + term)

    a = ox.NamedNode(RDF_TYPE)
    service, dataset, default = ox.BlankNode("service"), ox.BlankNode("dataset"), ox.BlankNode("default")
    triples = [
        ox.Triple(service, a, sd("Service")),
        ox.Triple(service, sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, a, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default),
        ox.Triple(default, a, sd("Graph")),
    ]
    formats = {"application/sparql-results+json": "SPARQL_Results_JSON",
               "application/sparql-results+xml": "SPARQL_Results_XML",
               "text/csv": "SPARQL_Results_CSV", "text/tab-separated-values": "SPARQL_Results_TSV",
               "text/turtle": "Turtle", "application/n-triples": "N-Triples",
               "application/ld+json": "JSON-LD", "application/rdf+xml": "RDF_XML"}
    for media in dict.fromkeys([*result_types, *graph_types]):
        if media in formats:
            triples.append(ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS + formats[media])))
    for i, graph in enumerate(sorted(store.named_graphs(), key=str)):
        named = ox.BlankNode(f"g{i}")
        triples += [ox.Triple(dataset, sd("namedGraph"), named), ox.Triple(named, a, sd("NamedGraph")),
                    ox.Triple(named, sd("name"), graph)]
    return triples
