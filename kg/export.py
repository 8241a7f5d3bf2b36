"""Export stage: the networkx graph → RDF (Turtle, TriG, JSON-LD) and GraphML.

RDF follows ``shared/eval/RDF-CONTRACT.md``: schema.org for articles, people, places and events,
W3C ORG for organisations and posts, SKOS for other names, PROV for provenance, and kg's own
terms (``kg/ontology.ttl``) for what those lack. In ``graph.trig`` each article's statements
sit in a named graph of their own, described with PROV; entity descriptions (types, labels,
place hierarchy) are in the default graph.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
from rdflib import BNode, Dataset, Literal, URIRef

from . import __version__
from .graph import EDGE_LABELS
from .publish import BuildError
from .records import Corpus
from .vocab import KG, KGR, ORG, PROV, RDF, RDFS, SDO, SKOS, TIME, XSD


class _Terms:
    """A vocabulary's terms as Oxigraph nodes, each made on first use and kept: the statements
    are built from Oxigraph terms directly, not from rdflib terms converted one by one."""

    def __init__(self, namespace):
        self._namespace = str(namespace)

    def __getattr__(self, name: str) -> ox.NamedNode:
        if name.startswith("__"):
            raise AttributeError(name)
        node = ox.NamedNode(self._namespace + name)
        setattr(self, name, node)
        return node


OSDO, OORG, OPROV, OSKOS, OKG, ORDF, ORDFS, OTIME, OXSD = map(_Terms, (SDO, ORG, PROV, SKOS, KG, RDF, RDFS, TIME, XSD))

ORG_TYPES = [  # (how the label ends, schema.org type)
    (("委", "党委", "党工委", "政府", "人民政府", "办事处", "人大常委会", "人大工委", "政协", "局", "分局", "办", "厅",
      "纪委", "纪工委", "监察委员会", "部", "中心"), OSDO.GovernmentOrganization),
    (("法院", "检察院"), OSDO.GovernmentOrganization),
    (("大学", "学院", "中学", "小学", "学校", "幼儿园", "实验园", "研究院"), OSDO.EducationalOrganization),
    (("医院", "卫生院"), OSDO.Hospital),
    (("公司", "集团", "合作社"), OSDO.Corporation),
]
LEVEL_TYPES = {"province": OSDO.State, "city": OSDO.City, "district": OSDO.AdministrativeArea}
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
def iri_path(key: str) -> str:
    return _IRI_PLAIN.sub(_iri_char, key)


def _absolute_iri(text: str) -> bool:
    """An http(s) address Oxigraph takes as an IRI as it is (a scraped one may hold spaces …)."""
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return re.match(r"https?://", text) is not None


def iri(key: str) -> URIRef:
    """A stable IRI from an entity's resolved key (never from run order), valid under RFC 3987
    whatever characters the key holds."""
    return KGR[iri_path(key)]


_KGR = str(KGR)


@lru_cache(maxsize=1 << 18)
def _node(key: str) -> ox.NamedNode:
    """``iri(key)`` as an Oxigraph node; the graph names a few thousand entities many times over."""
    return ox.NamedNode(_KGR + iri_path(key))


def _kgr(path: str) -> ox.NamedNode:
    return ox.NamedNode(_KGR + path)


@lru_cache(maxsize=1 << 16)
def _lit(text: str) -> ox.Literal:
    """A name or title in Chinese; they repeat, unlike the bodies and sentences, which are not kept."""
    return ox.Literal(text, language=ZH)


_XSD_INTEGER, _XSD_STRING = OXSD.integer, OXSD.string


def _plain(value) -> ox.Literal:
    """The literal rdflib's ``Literal(value)`` makes: a string as xsd:string, an int as xsd:integer,
    anything else as rdflib maps its Python type (rare here, so rdflib is asked)."""
    if type(value) is str:
        return ox.Literal(value)
    if type(value) is int:
        return ox.Literal(str(value), datatype=_XSD_INTEGER)
    lit = Literal(value)
    return ox.Literal(str(lit), datatype=ox.NamedNode(lit.datatype)) if lit.datatype else ox.Literal(str(lit))


def _typed(value, datatype: ox.NamedNode) -> ox.Literal:
    """``Literal(value, datatype=…)``: a string is its own lexical form; for a number (a place's
    latitude) rdflib's lexical form is kept, so the files read as they always have."""
    if type(value) is str:
        return ox.Literal(value, datatype=datatype)
    return ox.Literal(str(Literal(value, datatype=URIRef(datatype.value))), datatype=datatype)


def _org_type(label: str):
    for endings, t in ORG_TYPES:
        if label.endswith(endings):
            return t
    return OSDO.Organization


PREFIXES = (("schema", SDO), ("org", ORG), ("prov", PROV), ("skos", SKOS), ("kg", KG), ("kgr", KGR), ("xsd", XSD),
            ("time", TIME), ("rdf", RDF), ("rdfs", RDFS))


Quad = tuple  # (subject, predicate, object, graph name or None for the default graph), Oxigraph terms


def rdf_quads(g: nx.MultiDiGraph) -> Iterator[Quad]:
    """The graph's RDF statements, one at a time (a statement may come more than once)."""
    now = _typed(datetime.now(UTC).replace(microsecond=0).isoformat(), OXSD.dateTime)
    activity = _kgr(f"activity/kg-{__version__}")
    named: dict[str, ox.NamedNode] = {}

    def article_graph(article_id: str) -> Iterator[Quad]:
        """The article's named graph, described with PROV in the default graph when first used."""
        if article_id not in named:
            name = named[article_id] = _node(f"graph/{article_id}")
            yield name, ORDF.type, OPROV.Entity, None
            yield name, OPROV.wasDerivedFrom, _node(f"article/{article_id}"), None
            yield name, OPROV.wasDerivedFrom, _node(f"source/{article_id.split('#')[0]}"), None
            yield name, OPROV.generatedAtTime, now, None
            yield name, OPROV.wasGeneratedBy, activity, None

    yield activity, ORDF.type, OPROV.Activity, None
    yield activity, ORDFS.label, _plain(f"kg {__version__}"), None

    for key, d in g.nodes(data=True):
        node = _node(key)
        kind = d["kind"]
        label = d.get("label", "")
        if kind == "source":
            yield node, ORDF.type, OSDO.DigitalDocument, None
            yield node, OSDO.name, _plain(label), None
            if d.get("url"):
                yield node, OSDO.url, ox.NamedNode(d["url"]) if _absolute_iri(d["url"]) else _plain(d["url"]), None
            continue
        if kind == "article":
            aid = key.split("/", 1)[1]
            yield from article_graph(aid)
            for p, o in _article(d):
                yield node, p, o, named[aid]
            continue
        for p, o in _entity(d):
            yield node, p, o, None
        for record in d.get("biography", ()):  # what a notice states of a person, in its article's graph
            ag = _node(f"graph/{record['article']}")
            yield from article_graph(record["article"])
            for p, o in _biography(record):
                yield node, p, o, ag
            yield from _in(ag, _evidence(node, record, record["article"], holder=node))
        for post_d in d.get("bodiless_posts", ()):  # a post whose body the text leaves unknown
            post = _node(f"post/-/{key.split('/', 1)[1]}/{post_d['title']}")
            ag = _node(f"graph/{post_d['article']}")
            yield from article_graph(post_d["article"])
            yield post, ORDF.type, OORG.Post, None
            yield post, ORDFS.label, _lit(post_d["title"]), None
            yield post, OKG.title, _lit(post_d["title"]), None
            yield post, OORG.heldBy, node, ag
            yield node, OORG.holds, post, ag
            yield from _in(ag, _evidence(post, post_d, post_d["article"], holder=node))

    posts: set[tuple[str, str]] = set()
    for s, o, d in g.edges(data=True):
        kind = d["kind"]
        article = d.get("article") or ""
        if article:
            yield from article_graph(article)
        ag = named[article] if article else None
        subj, obj = _node(s), _node(o) if o else None
        if kind == "mentions":
            yield subj, OSDO.mentions, obj, ag
        elif kind == "in_file":
            yield subj, OSDO.isPartOf, obj, ag
        elif kind == "authored":
            yield subj, OSDO.author, obj, ag
            role_prop = {"记者": OKG.reporter, "通讯员": OKG.correspondent, "摄影": OKG.photographer}.get(d.get("role"))
            if role_prop:
                yield subj, role_prop, obj, ag
        elif kind == "located_in":
            yield subj, OSDO.containedInPlace, obj, None
        elif kind == "part_of":
            yield subj, OKG.jurisdiction, obj, None
            yield subj, OSDO.areaServed, obj, None
        elif kind == "sub_organization_of":
            yield subj, OORG.subOrganizationOf, obj, None
            yield obj, OORG.hasSubOrganization, subj, None
        elif kind == "runs":
            yield obj, OKG.runBy, subj, ag
        elif kind in ("chaired", "attended"):
            yield obj, OKG.chair if kind == "chaired" else OSDO.attendee, subj, ag
            if kind == "chaired":
                yield obj, OSDO.attendee, subj, ag
            yield from _in(ag, _evidence(obj, d, article))
        elif kind in ("appointed", "removed"):
            change = _kgr(f"change/{hashlib.sha1(f'{s}|{o}|{kind}|{article}'.encode()).hexdigest()[:16]}")
            yield change, ORDF.type, OKG.PostChange, ag
            yield change, OKG.changeKind, _plain(kind), ag
            yield change, OORG.member, subj, ag
            yield change, OKG.post, post_iri(o, d.get("title", "")), ag
            yield change, OKG.title, _lit(d.get("title", "")), ag
            date = (g.nodes.get(f"article/{article}") or {}).get("date") or ""
            if re.fullmatch(r"\d{4}-\d\d-\d\d", date):
                yield change, OSDO.startDate, _typed(date, OXSD.date), ag
            yield from _in(ag, _evidence(change, d, article, holder=subj))
        elif kind == "nominated":
            title = d.get("title", "")
            nomination = _kgr(f"nomination/{hashlib.sha1(f'{s}|{o}|{title}|{article}'.encode()).hexdigest()[:16]}")
            org_label = g.nodes[o]["label"] if o and o in g else ""
            yield nomination, ORDF.type, OKG.Nomination, ag
            yield nomination, ORDFS.label, _lit(EDGE_LABELS["nominated"] + post_label(org_label, title)), ag
            yield nomination, OKG.nominee, subj, ag
            yield nomination, OKG.nominatedTo, obj, ag
            yield nomination, OKG.title, _lit(title), ag
            yield subj, OKG.nominatedFor, nomination, ag
            if d.get("stated"):
                yield nomination, OKG.stated, _lit(d["stated"]), ag
            for prop, key in ((OKG.noticeStart, "notice_from"), (OKG.noticeEnd, "notice_to")):
                if re.fullmatch(r"\d{4}-\d\d-\d\d", d.get(key) or ""):
                    yield nomination, prop, _typed(d[key], OXSD.date), ag
            yield from _in(ag, _evidence(nomination, d, article, holder=subj))
        elif kind == "holds":
            title = d.get("title", "")
            post = post_iri(o, title)
            if (o or "", title) not in posts:
                posts.add((o or "", title))
                org_label = g.nodes[o]["label"] if o and o in g else ""
                yield post, ORDF.type, OORG.Post, None
                yield post, ORDFS.label, _lit(post_label(org_label, title)), None
                yield post, OKG.title, _lit(title), None
                if o:
                    yield post, OORG.postIn, obj, None
                    yield obj, OORG.hasPost, post, None
            yield post, OORG.heldBy, subj, ag
            yield subj, OORG.holds, post, ag
            yield from _in(ag, _evidence(post, d, article, holder=subj))
    for spell in g.graph.get("spells", []):
        yield from _in(None, _membership(spell, g))
    links = g.graph.get("links", [])
    merged = {k: n for n, d in g.nodes(data=True) for k in d.get("merged_keys", ())} if links else {}
    for link in links:
        yield from _in(None, _link(link, merged))


def _in(graph, triples) -> Iterator[Quad]:
    for s, p, o in triples:
        yield s, p, o, graph


def _article(d: dict) -> Iterator[tuple]:
    yield ORDF.type, OSDO.NewsArticle
    yield OSDO.headline, _lit(d.get("label", ""))
    if d.get("kicker"):
        yield OSDO.alternativeHeadline, _lit(d["kicker"])
    yield OSDO.position, _plain(d["index"])
    yield OSDO.articleBody, ox.Literal(d.get("text", ""), language=ZH)  # once each: not kept
    date = d.get("date") or ""
    if re.fullmatch(r"\d{4}-\d\d-\d\d", date):
        yield OSDO.datePublished, _typed(date, OXSD.date)
    elif date:
        yield OKG.dateText, _typed(date, OXSD.gMonthDay)


def _partial_date(value: str) -> ox.Literal | None:
    """1975 → xsd:gYear, 1975-03 → xsd:gYearMonth: a date as precise as the text states it."""
    if re.fullmatch(r"\d{4}", value):
        return _typed(value, OXSD.gYear)
    if re.fullmatch(r"\d{4}-\d\d", value):
        return _typed(value, OXSD.gYearMonth)
    return None


def _biography(record: dict) -> Iterator[tuple]:
    """A notice's statement of a person: schema.org where it has the term (gender, birth date and
    place), kg's own terms for the rest."""
    gender = {"男": OSDO.Male, "女": OSDO.Female}.get(record.get("gender", ""))
    if gender is not None:
        yield OSDO.gender, gender
    for prop, key in ((OSDO.birthDate, "birth"), (OKG.partyJoined, "party_joined"), (OKG.workStarted, "work_started")):
        date = _partial_date(record.get(key) or "")
        if date is not None:
            yield prop, date
    if record.get("birth_place"):
        yield OSDO.birthPlace, _node(record["birth_place"])
    elif record.get("native_place"):
        yield OSDO.birthPlace, _lit(record["native_place"])
    if record.get("native_place"):
        yield OKG.nativePlace, _lit(record["native_place"])
    for prop, key in ((OKG.ethnicity, "ethnicity"), (OKG.education, "education"), (OKG.degree, "degree"),
                      (OKG.party, "party")):
        if record.get(key):
            yield prop, _lit(record[key])


def _entity(d: dict) -> Iterator[tuple]:
    kind, label = d["kind"], d.get("label", "")
    yield ORDFS.label, _lit(label)
    for alias in d.get("aliases", []):
        yield OSKOS.altLabel, _lit(alias)
    if kind == "person":
        yield ORDF.type, OSDO.Person
        for key in d.get("merged_keys", ()):  # the nodes kg.careers merged into this one
            yield OKG.mergedFrom, _plain(key)
    elif kind == "place":
        yield ORDF.type, OSDO.Place
        level = d.get("level", "")
        yield ORDF.type, LEVEL_TYPES.get(level, OSDO.AdministrativeArea)
        if level:
            yield OKG.level, _plain(level)
        if d.get("adcode"):
            yield OKG.adcode, _plain(d["adcode"])
        if d.get("lat") is not None and d.get("lon") is not None:
            yield OSDO.latitude, _typed(d["lat"], OXSD.decimal)
            yield OSDO.longitude, _typed(d["lon"], OXSD.decimal)
    elif kind == "organization":
        yield ORDF.type, OORG.Organization
        yield ORDF.type, _org_type(label)
    elif kind == "initiative":
        yield ORDF.type, OKG.Initiative
    elif kind == "meeting":
        yield ORDF.type, OSDO.Event
        yield OSDO.name, _lit(label)
        date = d.get("date") or ""
        if re.fullmatch(r"\d{4}-\d\d-\d\d", date):
            yield OSDO.startDate, _typed(date, OXSD.date)
        elif date:
            yield OKG.dateText, _typed(date, OXSD.gMonthDay)


def to_rdflib(term):
    """An Oxigraph term of ``rdf_quads`` as the rdflib term it stands for (``None`` for none)."""
    if term is None or isinstance(term, ox.DefaultGraph):
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    return BNode(term.value)


def to_rdf(g: nx.MultiDiGraph) -> Dataset:
    """The graph as an rdflib ``Dataset`` (each article's statements in its named graph), for
    code that works with rdflib; ``write_rdf`` does not need it."""
    ds = Dataset()
    for prefix, ns in PREFIXES:
        ds.bind(prefix, ns)
    graphs: dict = {None: ds.default_graph if hasattr(ds, "default_graph") else ds.default_context}
    for s, p, o, name in rdf_quads(g):
        if name not in graphs:
            graphs[name] = ds.graph(to_rdflib(name))
        graphs[name].add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
    return ds


def post_key(org_key: str | None, title: str) -> str:
    """The key of a post (organisation + title), as its IRI and the other exports name it."""
    return f"post/{org_key.split('/', 1)[1] if org_key else '-'}/{title}"


def post_iri(org_key: str | None, title: str) -> ox.NamedNode:
    return _node(post_key(org_key, title))


def _membership(spell: dict, g: nx.MultiDiGraph) -> Iterator[tuple]:
    """A tenure as W3C ORG: an org:Membership of the person in the body, in a role, during a
    time:Interval from the first to the last report that shows it (kg:firstSeen / kg:lastSeen
    say the same as plain dates, for simple queries), with what kg.careers derives: rank, post
    category, acting/deputy/executive flags and, for a sole post, the holders before and after
    (kg:replaces / kg:replacedBy, Wikidata's P1365 / P1366)."""
    person, org, title = spell["person"], spell["org"], spell["title"]
    m = _node(f"membership/{person}/{org or '-'}/{title}")
    if org:
        post = post_iri(org, title)
        # the spell's title is the post's however its acting prefix was written (代理区长 → 代区长),
        # so its org:Post is described here too
        yield post, ORDF.type, OORG.Post
        yield post, ORDFS.label, _lit(post_label(g.nodes[org]["label"] if org in g else "", title))
        yield post, OKG.title, _lit(title)
        yield post, OORG.postIn, _node(org)
    else:  # the person's own post in no known body, as the bodiless posts are written
        post = _node(f"post/-/{person.split('/', 1)[1]}/{title}")
    if spell.get("rank"):
        yield m, OKG.rank, _lit(spell["rank"])
    if spell.get("category"):
        yield m, OKG.postCategory, _plain(spell["category"])
    for flag, prop in (("acting", OKG.acting), ("deputy", OKG.deputy), ("executive", OKG.executive)):
        if spell.get(flag):
            yield m, prop, _typed("true", OXSD.boolean)
    for field, prop in (("predecessor", OKG.replaces), ("successor", OKG.replacedBy)):
        if spell.get(field):
            yield m, prop, _node(spell[field])
    yield m, ORDF.type, OORG.Membership
    yield m, OORG.member, _node(person)
    if org:
        yield m, OORG.organization, _node(org)
    role = _node(f"role/{title}")
    yield role, ORDF.type, OORG.Role
    yield role, ORDFS.label, _lit(title)
    yield m, OORG.role, role
    yield m, OKG.post, post
    yield m, OKG.observations, _plain(len(spell["articles"]))
    first, last = spell.get("began") or spell["first"], spell.get("ended") or spell["last"]
    if spell["first"]:
        yield m, OKG.firstSeen, _typed(spell["first"], OXSD.date)
        yield m, OKG.lastSeen, _typed(spell["last"], OXSD.date)
    if first or last:
        interval = _node(f"membership/{person}/{org or '-'}/{title}/interval")
        yield m, OORG.memberDuring, interval
        yield interval, ORDF.type, OTIME.Interval
        for prop, day, name in ((OTIME.hasBeginning, first, "begin"), (OTIME.hasEnd, last, "end")):
            if day:
                instant = _node(f"membership/{person}/{org or '-'}/{title}/{name}")
                yield interval, prop, instant
                yield instant, ORDF.type, OTIME.Instant
                yield instant, OTIME.inXSDDate, _typed(day, OXSD.date)


def _link(link: dict, merged: dict[str, str]) -> Iterator[tuple]:
    """A same-person link of kg.careers as a kg:IdentityLink: the two nodes it joins (after any
    merge, both may be one node), their keys as resolution made them, the score, the reasons and
    the sentences behind them; a candidate left unmerged is also a direct kg:sameAsCandidate.
    ``merged`` maps a key resolution made to the node it was merged into."""
    a, b = merged.get(link["a"], link["a"]), merged.get(link["b"], link["b"])
    node = _kgr("link/" + hashlib.sha1(f"{link['a']}|{link['b']}".encode()).hexdigest()[:16])
    yield node, ORDF.type, OKG.IdentityLink
    for key, now in ((link["a"], a), (link["b"], b)):
        yield node, OKG.linked, _node(now)
        yield node, OKG.resolvedKey, _plain(key)
    yield node, OKG.linkScore, _typed(f"{link['score']:.2f}", OXSD.decimal)
    yield node, OKG.linkStatus, _plain(link["status"])
    for reason in link["reasons"]:
        yield node, OKG.reason, _lit(reason)
    if link.get("note"):
        yield node, ORDFS.comment, _lit(link["note"])
    if link["status"] == "candidate":
        yield _node(a), OKG.sameAsCandidate, _node(b)
    for ev in link.get("evidence", ()):
        yield from _evidence(node, {**ev, "rule": "same-person-link"}, ev["article"], holder=_node(a))


def post_label(org_label: str, title: str) -> str:
    """Organisation + title, without saying the organ twice (…党工委 + 党工委书记 → …党工委书记)."""
    for n in range(min(len(org_label), len(title)), 1, -1):
        if org_label.endswith(title[:n]):
            return org_label + title[n:]
    return org_label + title


def _evidence(node, d: dict, article: str, holder=None) -> Iterator[tuple]:
    if not d.get("sentence"):
        return
    about = None if holder is None else holder.value  # the IRIs as text, as the digests have always been made
    digest = hashlib.sha1(f"{node.value}|{about}|{article}|{d['start']}".encode()).hexdigest()[:16]
    ev = _kgr(f"evidence/{digest}")
    yield node, OKG.evidence, ev
    yield ev, ORDF.type, OKG.Evidence
    yield ev, OKG.sentence, ox.Literal(d["sentence"], language=ZH)
    yield ev, OKG.beginIndex, _plain(int(d["start"]))
    yield ev, OKG.endIndex, _plain(int(d["end"]))
    yield ev, OPROV.wasDerivedFrom, _node(f"article/{article}")
    yield ev, OKG.rule, _plain(d.get("rule", ""))
    if holder is not None:
        yield ev, OKG.about, holder


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


# file → (Oxigraph format, whole dataset or the union of its graphs); Oxigraph writes them,
# several times faster than rdflib's serialisers on large graphs.
RDF_FORMATS = {"graph.ttl": ("TURTLE", "union"), "graph.trig": ("TRIG", "dataset"),
               "graph.nq": ("N_QUADS", "dataset"), "graph.nt": ("N_TRIPLES", "union"),
               "graph.rdf": ("RDF_XML", "union")}


VOCABULARY_FILES = ("ontology.ttl", "shapes.ttl")  # kg's own terms (OWL) and its SHACL shapes


def jsonld_context() -> dict:
    """The JSON-LD ``@context`` kg publishes (``kg/context.jsonld``, copied into each build)."""
    with resources.files(__package__).joinpath("context.jsonld").open(encoding="utf-8") as fh:
        return json.load(fh)


def group_quads(quads: Iterable[Quad]) -> dict[ox.NamedNode | None, list[tuple]]:
    """Statements by graph (the default graph first, then the article graphs as they came),
    without repeats, each graph's sorted by subject so the writers keep a subject's
    statements together."""
    groups: dict[ox.NamedNode | None, dict[tuple, None]] = {None: {}}
    for s, p, o, name in quads:
        groups.setdefault(name, {})[(s, p, o)] = None
    return {name: sorted(triples, key=lambda t: t[0].value) for name, triples in groups.items()}


@contextmanager
def _collector_paused():
    """No cyclic garbage collection inside the block. The writers make hundreds of thousands of
    tuples and terms that form no cycles, and each few hundred of them would otherwise start a
    collection that walks the whole build's heap (the corpus, the graph) again: a quarter of
    the RDF stage's time on a 50,000-quad build, more on larger ones."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def write_rdf(quads: Iterable[Quad], out: Path) -> list[Path]:
    """The statements in every RDF format: Turtle, N-Triples and RDF/XML hold the union of the
    article graphs; TriG, N-Quads and JSON-LD (compacted with kg's context) keep each article's
    named graph. The statements are put in order once, by graph, as one list of quads, and
    Oxigraph writes each of its formats from that list (a few hundredths of a second each on
    50,000 quads: no format taxes the others). rdflib's JSON-LD writer takes minutes on a graph of
    a few thousand named graphs, so kg writes that one itself (``write_jsonld``)."""
    with _collector_paused():
        groups = group_quads(quads)
        default = ox.DefaultGraph()
        # Each statement becomes an Oxigraph quad once (making one from Python terms costs more
        # than writing it), and the union's triples are read off the same quads, a flag marking
        # where a triple first comes, instead of a second list and a dict of the union.
        dataset: list[ox.Quad] = []
        first = bytearray()
        seen: set[tuple] = set()
        for name, statements in groups.items():
            graph = default if name is None else name
            for t in statements:
                dataset.append(ox.Quad(*t, graph))
                first.append(t not in seen)
                seen.add(t)
        del seen

        def union() -> Iterator[ox.Quad | ox.Triple]:
            for quad, new in zip(dataset, first, strict=True):
                if new:
                    yield quad if quad.graph_name == default else quad.triple

        prefixes = {prefix: str(ns) for prefix, ns in PREFIXES}
        written = []
        for name, (fmt, scope) in RDF_FORMATS.items():
            target = out / name
            rdf_format = getattr(ox.RdfFormat, fmt)
            data = union if scope == "union" else dataset.__iter__
            kwargs = {"prefixes": prefixes} if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else {}
            write_atomic(target, lambda p, d=data, f=rdf_format, k=kwargs: ox.serialize(d(), str(p), f, **k))
            written.append(target)
        context = jsonld_context()
        target = out / "graph.jsonld"
        write_atomic(target, lambda p: write_jsonld(groups, context, p))
        written.append(target)
    target = out / "context.jsonld"
    write_atomic(target, lambda p: p.write_text(json.dumps(context, ensure_ascii=False, indent=2) + "\n",
                                                encoding="utf-8"))
    written.append(target)
    # the terms the graph uses and the shapes it meets travel with it: a build folder served or
    # shared alone still says what kg:firstSeen means and what `kg validate` checks
    for name in VOCABULARY_FILES:
        target = out / name
        data = resources.files(__package__).joinpath(name).read_bytes()
        write_atomic(target, lambda p, d=data: p.write_bytes(d))
        written.append(target)
    return written


class JsonLdCompactor:
    """Node objects in the compact form of one JSON-LD ``@context``: a property becomes the
    context's term when its value fits the term's coercion (``label`` for a ``zh`` literal of
    rdfs:label, ``holds`` for an IRI of org:holds), and a compact IRI (``kg:title``) otherwise;
    IRIs are shortened with the context's prefixes. What it writes expands to the same triples
    (the tests parse it back with rdflib's JSON-LD parser). Terms are Oxigraph's."""

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
        # (predicate, language, datatype) → (property name, how a value is written): the choice
        # depends on nothing else, and the same few dozen come back for every node
        self._slots: dict[tuple, tuple[str, Callable]] = {}

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
            return isinstance(value, ox.NamedNode)
        if not isinstance(value, ox.Literal):
            return False
        if "@language" in definition:
            return value.language == definition["@language"]
        return value.language is None and value.datatype == _XSD_STRING

    def value(self, value) -> dict | str:
        if isinstance(value, ox.NamedNode):
            return {"@id": self.iri(value.value)}
        if not isinstance(value, ox.Literal):
            return {"@id": f"_:{value.value}"}
        if value.language:
            return {"@value": value.value, "@language": value.language}
        if value.datatype == _XSD_STRING:
            return value.value
        return {"@value": value.value, "@type": self.iri(value.datatype.value)}

    def _slot(self, p, o) -> tuple[str, Callable]:
        for name, definition in self.terms.get(p.value, ()):
            if self._fits(definition, o):
                if isinstance(o, ox.Literal):
                    return name, lambda o: o.value
                return name, lambda o: self.iri(o.value)
        return self.iri(p.value), self.value

    def node(self, subject, pairs: list[tuple]) -> dict:
        obj: dict = {"@id": self.iri(subject.value) if isinstance(subject, ox.NamedNode) else f"_:{subject.value}"}
        rdf_type = ORDF.type
        types = [self.iri(o.value) for p, o in pairs if p == rdf_type]
        if types:
            obj["@type"] = types if len(types) > 1 else types[0]
        props: dict[str, list] = {}
        slots = self._slots
        for p, o in pairs:
            if p == rdf_type:
                continue
            key = (p, o.language, o.datatype.value) if isinstance(o, ox.Literal) else (p, type(o))
            slot = slots.get(key)
            if slot is None:
                slot = slots[key] = self._slot(p, o)
            props.setdefault(slot[0], []).append(slot[1](o))
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


def write_jsonld(groups: dict[ox.NamedNode | None, list[tuple]], context: dict, path: Path) -> None:
    """``graph.jsonld``: one document, the default graph's nodes and then one ``@graph`` object
    per article graph, written a node at a time."""
    compactor = JsonLdCompactor(context["@context"])
    with path.open("w", encoding="utf-8") as fh:
        fh.write('{"@context": ' + json.dumps(context["@context"], ensure_ascii=False) + ',\n "@graph": [')
        items = (item for name, triples in groups.items()
                 for item in (compactor.nodes(triples) if name is None else
                              [{"@id": compactor.iri(name.value), "@graph": list(compactor.nodes(triples))}]))
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


# What networkx's GraphML writer writes for each Python type (``infer_numeric_types`` off: a key
# per attribute name and type), and what makes kg hand the graph to networkx itself: values of
# other types (which networkx rejects), and characters XML cannot hold (which lxml rejects) or
# that it writes as character references (a carriage return).
_GRAPHML_TYPES = {str: "string", int: "long", float: "double", bool: "boolean"}
_GRAPHML_HANDED_ON = re.compile("[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTR_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\t": "&#9;"})
_GRAPHML_HEAD = ("<?xml version='1.0' encoding='utf-8'?>\n<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" "
                 "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://graphml.graphdrawing"
                 ".org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">")


def _graphml_items(g: nx.MultiDiGraph) -> tuple[list, list]:
    nodes = [(n, {"iri": str(iri(n)), **{k: flat(v) for k, v in d.items() if v is not None and k != "text"}})
             for n, d in g.nodes(data=True)]
    edges = [(s, o, k, {a: v for a, v in d.items() if v is not None}) for s, o, k, d in g.edges(keys=True, data=True)]
    return nodes, edges


def _graphml_text(nodes: list, edges: list) -> str | None:
    """The document networkx's lxml writer makes of these nodes and edges, byte for byte, made
    as one string (a third of the time); ``None`` when a value is one that only networkx should
    answer for (see ``_GRAPHML_HANDED_ON``)."""
    keys: dict[tuple, str] = {}
    order: list[str] = []

    def values(scope: str, items) -> bool:
        for d in items:
            for k, v in d.items():
                t = _GRAPHML_TYPES.get(type(v))
                if t is None or type(k) is not str or (t == "string" and _GRAPHML_HANDED_ON.search(v)):
                    return False
                if (k, t, scope) not in keys:
                    keys[k, t, scope] = key = f"d{len(keys)}"
                    order.append(f'<key id="{key}" for="{scope}" attr.name="{k.translate(_ATTR_ESCAPES)}" '
                                 f'attr.type="{t}"/>\n')
        return True

    if not values("node", (d for _, d in nodes)) or not values("edge", (d for *_, d in edges)):
        return None
    if any(_GRAPHML_HANDED_ON.search(str(n)) for n, _ in nodes):
        return None
    types = _GRAPHML_TYPES
    parts = [_GRAPHML_HEAD, *reversed(order), '<graph edgedefault="directed">']

    def element(start: str, scope: str, d: dict) -> None:
        if not d:
            parts.append(start + "/>\n")
            return
        parts.append(start + ">\n")
        for k, v in d.items():
            parts.append(f'  <data key="{keys[k, types[type(v)], scope]}">{str(v).translate(_TEXT_ESCAPES)}</data>\n')
        parts.append("</node>\n" if scope == "node" else "</edge>\n")

    for n, d in nodes:
        element(f'<node id="{str(n).translate(_ATTR_ESCAPES)}"', "node", d)
    for s, o, k, d in edges:
        element(f'<edge source="{str(s).translate(_ATTR_ESCAPES)}" target="{str(o).translate(_ATTR_ESCAPES)}" '
                f'id="{str(k).translate(_ATTR_ESCAPES)}"', "edge", d)
    parts.append("</graph></graphml>")
    return "".join(parts)


def write_graphml(g: nx.MultiDiGraph, path: Path) -> None:
    """GraphML for Gephi, Cytoscape and igraph: lists become ``|``-joined strings, the node's
    RDF IRI is kept so the two worlds can be joined. The file is networkx's GraphML
    (``nx.write_graphml``), written by kg for the common case and by networkx otherwise."""
    with _collector_paused():
        nodes, edges = _graphml_items(g)
        text = _graphml_text(nodes, edges)
    if text is not None:
        write_atomic(path, lambda p: p.write_bytes(text.encode("utf-8")))
        return
    h = nx.MultiDiGraph()
    h.add_nodes_from(nodes)
    h.add_edges_from(edges)
    write_atomic(path, lambda p: nx.write_graphml(h, p, encoding="utf-8"))
