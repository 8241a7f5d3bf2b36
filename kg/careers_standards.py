"""Career data in the standards its users already load, from a build's graph (``graph.json``):

- ``ftm``: FollowTheMoney entities as JSON Lines (``entities.ftm.json``), the format of Aleph and
  of OpenSanctions-style tools: ``Person``, ``Organization`` / ``PublicBody``, ``Position`` (an
  organisation + title) and ``Occupancy`` (one per tenure, as the RDF has one ``org:Membership``);
- ``quickstatements``: Wikidata QuickStatements (v1) adding P39 (position held) for the tenures
  whose position a curator has matched to a Wikidata item (``--wikidata MAP.tsv``), and
  ``positions-to-match.tsv``, the positions still to match.

Both read the graph's ``spells`` (person, org, title, first, last, articles, began, ended) and
ignore any other field of them. Ids are stable: a hash of kg's keys, never of run order.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote, unquote

import networkx as nx

from . import __version__
from .export import post_key, post_label, write_atomic
from .lexicon import table, words
from .publish import BuildError
from .vocab import KGR

FTM_FILE = "entities.ftm.json"
QS_FILE = "quickstatements.txt"
TO_MATCH_FILE = "positions-to-match.tsv"
TO_CREATE_FILE = "persons-to-create.tsv"
COUNTRY = "cn"  # kg reads Chinese local government: every post it knows is in China

# Wikidata's terms, as QuickStatements writes them
HUMAN = "Q5"
INSTANCE_OF, POSITION_HELD = "P31", "P39"
START_TIME, END_TIME = "P580", "P582"  # what a report states: the appointment, the removal
# what reports only bound: in the post no later than the first report, until at least the last
LATEST_START, EARLIEST_END = "P8555", "P8554"
REF_URL, REF_TITLE, REF_PUBLISHED, REF_RETRIEVED = "S854", "S1476", "S577", "S813"
PRECISION = {10: 11, 7: 10, 4: 9}  # length of an ISO date (2021-05-10, 2021-05, 2021) → Wikidata precision

_ISO = re.compile(r"\d{4}(?:-\d\d(?:-\d\d)?)?")
_QID = re.compile(r"Q[1-9]\d*")
_BIRTH = re.compile(r"(\d{4})(?:年(\d{1,2})月)?")  # 1975年3月 (a notice's 1975年3月生)


class GraphShapeError(BuildError):
    """The graph's spells are not what kg writes (a damaged or foreign graph.json)."""


class WikidataMapError(Exception):
    """A ``--wikidata`` map that cannot be read: the message names the file and line."""


@dataclass
class Tenure:
    """One spell and what the exports say of it: the post, the dates and the report behind it."""

    person: str
    org: str
    title: str
    post: str  # post_key
    start: str | None  # stated (appointment) or else first seen
    end: str | None
    began: str | None
    ended: str | None
    first: str | None
    last: str | None
    observations: int
    article: str | None  # the report cited: the appointment's, or the earliest that shows the post
    sentence: str
    key: str  # the RDF's org:Membership key


def ftm_id(key: str) -> str:
    """A FollowTheMoney id for a kg key: ``kg-`` and its SHA-1, so it is stable and any
    characters of the key are allowed."""
    return "kg-" + hashlib.sha1(key.encode("utf-8")).hexdigest()


def _spells(graph: nx.MultiDiGraph) -> list[dict]:
    spells = graph.graph.get("spells") or []
    if not isinstance(spells, list):
        raise GraphShapeError("its spells are not a list: not a graph kg wrote; run `kg build` again")
    for n, s in enumerate(spells):
        if not (isinstance(s, dict) and isinstance(s.get("person"), str) and isinstance(s.get("org") or "", str)
                and isinstance(s.get("title"), str) and isinstance(s.get("articles", []), list)
                and all(s.get(k) is None or isinstance(s[k], str) for k in ("first", "last", "began", "ended"))):
            raise GraphShapeError(f"spell {n} is not one kg writes (person, org, title, dates, articles); "
                                  "run `kg build` again")
    return spells


def _iso(value) -> str | None:
    return value if isinstance(value, str) and _ISO.fullmatch(value) else None


def _article(graph: nx.MultiDiGraph, article_id: str | None) -> dict:
    return (graph.nodes.get(f"article/{article_id}") if article_id else None) or {}


def _source(graph: nx.MultiDiGraph, article_id: str | None) -> dict:
    """The file node an article was read from (its ``url`` and ``outlet`` when the page gave them)."""
    a = _article(graph, article_id)
    return (graph.nodes.get(f"source/{a['file']}") if a.get("file") else None) or {}


def _url(graph: nx.MultiDiGraph, article_id: str | None) -> str | None:
    url = _source(graph, article_id).get("url")
    return url if isinstance(url, str) and re.match(r"https?://", url) else None


def _observations(graph: nx.MultiDiGraph, spell: dict, kinds: tuple[str, ...]) -> list[dict]:
    """The edges (or, for a post with no body, the person's ``bodiless_posts``) that show the spell."""
    person, org, title = spell["person"], spell.get("org") or "", spell["title"]
    if not org:
        found = [p for p in (graph.nodes.get(person) or {}).get("bodiless_posts", ()) if p.get("title") == title]
        return found if "holds" in kinds else []
    data = graph.get_edge_data(person, org) or {}
    return [d for d in data.values() if d.get("kind") in kinds and d.get("title") == title]


def tenures(graph: nx.MultiDiGraph) -> list[Tenure]:
    """The graph's spells with the report each export cites: the appointment's when a report
    states one, else the earliest dated report that shows the person in the post."""
    out = []
    for s in _spells(graph):
        person, org, title = s["person"], s.get("org") or "", s["title"]
        began, ended, first, last = (_iso(s.get(k)) for k in ("began", "ended", "first", "last"))

        def day(d: dict) -> str:
            return _iso(_article(graph, d.get("article")).get("date")) or "9999"

        cited = sorted(_observations(graph, s, ("appointed",)), key=lambda d: (day(d) != began, day(d),
                                                                                d.get("article", "")))
        if not began or not cited:
            cited = sorted(_observations(graph, s, ("holds",)), key=lambda d: (day(d), d.get("article", "")))
        ev = cited[0] if cited else {}
        article = ev.get("article") or next(iter(sorted(s.get("articles") or [])), None)
        # a post of no known body is the person's own (the RDF's post/-/<person>/<title>), not one
        # 主任 shared by everyone whose body the text leaves unknown
        post = post_key(org, title) if org else f"post/-/{person.split('/', 1)[-1]}/{title}"
        out.append(Tenure(person, org, title, post, began or first, ended or last,
                          began, ended, first, last, len(s.get("articles") or []), article,
                          ev.get("sentence") or "", f"membership/{person}/{org or '-'}/{title}"))
    return out


def _label(graph: nx.MultiDiGraph, key: str) -> str:
    d = graph.nodes.get(key) or {}
    return d.get("label") or key.rsplit("/", 1)[-1]


def _post_name(graph: nx.MultiDiGraph, t: Tenure) -> str:
    return post_label(_label(graph, t.org), t.title) if t.org else t.title


def place_chain(graph: nx.MultiDiGraph, place: str | None) -> str | None:
    """A place's full name, province first (安徽省淮北市烈山区), from the located_in edges."""
    names: list[str] = []
    seen = set()
    while place and place in graph and place not in seen and len(names) < 8:
        seen.add(place)
        names.append(_label(graph, place))
        place = next((v for _, v, d in graph.out_edges(place, data=True)
                      if d.get("kind") == "located_in" and (graph.nodes.get(v) or {}).get("kind") == "place"), None)
    return "".join(reversed(names)) or None


def _jurisdiction(graph: nx.MultiDiGraph, org: str) -> str | None:
    place = (graph.nodes.get(org) or {}).get("jurisdiction") if org else None
    return place_chain(graph, place) if isinstance(place, str) else None


# -- FollowTheMoney ----------------------------------------------------------------------------


def _entity(schema: str, key: str, props: dict[str, list]) -> dict:
    return {"id": ftm_id(key), "schema": schema,
            "properties": {k: list(dict.fromkeys(v)) for k, v in props.items() if v}}


@cache
def _genders() -> dict[str, str]:
    return {r["word"]: r["ftm"] for r in table("genders.tsv")}


def _gender(value) -> str | None:
    return _genders().get(value.strip()) if isinstance(value, str) else None


def _birth(value) -> str | None:
    if _iso(value):
        return value
    m = _BIRTH.fullmatch(str(value).strip().removesuffix("生")) if isinstance(value, str | int) else None
    if not m:
        return None
    return m.group(1) + (f"-{int(m.group(2)):02d}" if m.group(2) and 1 <= int(m.group(2)) <= 12 else "")


def ftm_entities(graph: nx.MultiDiGraph, wikidata: dict[str, str] | None = None) -> Iterator[dict]:
    """The tenures of the graph as FollowTheMoney entities (dicts of id, schema, properties):
    the organisations they are in (and those organisations' parents), the people, a Position per
    organisation and title, and an Occupancy per tenure. ``wikidata`` (kg key → QID) adds
    ``wikidataId`` to the people, positions and organisations it names."""
    wikidata = wikidata or {}
    public = set(words("public_body_organs.txt"))
    ts = tenures(graph)
    orgs: set[str] = set()
    todo = [t.org for t in ts if t.org]
    while todo:
        org = todo.pop()
        if org in orgs or org not in graph:
            continue
        orgs.add(org)
        todo.extend(v for _, v, d in graph.out_edges(org, data=True) if d.get("kind") == "sub_organization_of")
    for org in sorted(orgs):
        d = graph.nodes[org]
        parents = sorted(v for _, v, e in graph.out_edges(org, data=True) if e.get("kind") == "sub_organization_of")
        yield _entity("PublicBody" if d.get("organ") in public else "Organization", org, {
            "name": [d.get("label") or _label(graph, org)],
            # an organisation's other names are the forms a report used in context (区委, 该局), which
            # name-matching tools must not match on
            "weakAlias": list(d.get("aliases") or []),
            "classification": [d["organ"]] if d.get("organ") else [],
            "jurisdiction": [COUNTRY] if d.get("jurisdiction") else [],
            "parent": [ftm_id(p) for p in parents],
            "wikidataId": [wikidata[org]] if org in wikidata else []})
    by_person: dict[str, list[Tenure]] = defaultdict(list)
    for t in ts:
        by_person[t.person].append(t)
    for person in sorted(by_person):
        d = graph.nodes.get(person) or {}
        urls = sorted({u for t in by_person[person] if (u := _url(graph, t.article))})
        yield _entity("Person", person, {
            "name": [d.get("label") or _label(graph, person)], "alias": list(d.get("aliases") or []),
            "gender": [g] if (g := _gender(d.get("gender"))) else [],
            "birthDate": [b] if (b := _birth(d.get("birth") or d.get("birthDate"))) else [],
            "nationality": [d["nationality"]] if isinstance(d.get("nationality"), str) else [],
            "ethnicity": [d["ethnicity"]] if isinstance(d.get("ethnicity"), str) else [],
            "position": sorted({_post_name(graph, t) for t in by_person[person]}),
            "sourceUrl": urls, "wikidataId": [wikidata[person]] if person in wikidata else []})
    posts: dict[str, Tenure] = {}
    for t in ts:
        posts.setdefault(t.post, t)
    for key in sorted(posts):
        t = posts[key]
        area = _jurisdiction(graph, t.org)
        yield _entity("Position", key, {
            "name": [_post_name(graph, t)], "organization": [ftm_id(t.org)] if t.org in orgs else [],
            "country": [COUNTRY], "subnationalArea": [area] if area else [],
            "wikidataId": [wikidata[key]] if key in wikidata else []})
    for t in sorted(ts, key=lambda t: t.key):
        source = _source(graph, t.article)
        yield _entity("Occupancy", t.key, {
            "holder": [ftm_id(t.person)], "post": [ftm_id(t.post)],
            "startDate": [t.start] if t.start else [], "endDate": [t.end] if t.end else [],
            "status": ["ended" if t.ended else "unknown"],
            "summary": [_summary(t)], "description": [t.sentence] if t.sentence else [],
            "recordId": [t.article] if t.article else [],
            "sourceUrl": [u] if (u := _url(graph, t.article)) else [],
            "publisher": [source["outlet"]] if isinstance(source.get("outlet"), str) else []})


def _summary(t: Tenure) -> str:
    """What the dates of an Occupancy are: stated in a report, or only the reports' own dates."""
    parts = [f"appointed {t.began}"] if t.began else []
    parts += [f"removed {t.ended}"] if t.ended else []
    seen = f"seen in {t.observations} report{'s' if t.observations != 1 else ''}"
    if t.first:
        seen += f", {t.first} to {t.last}" if t.last and t.last != t.first else f", {t.first}"
    return "; ".join(parts + [seen]) + " (kg)"


def write_ftm(graph: nx.MultiDiGraph, out: Path, wikidata: dict[str, str] | None = None) -> list[Path]:
    """``OUT/entities.ftm.json``: ``ftm_entities`` a line each, UTF-8."""
    lines = [json.dumps(e, ensure_ascii=False) + "\n" for e in ftm_entities(graph, wikidata)]
    path = out / FTM_FILE
    write_atomic(path, lambda p: p.write_text("".join(lines), encoding="utf-8"))
    return [path]


# -- Wikidata QuickStatements ------------------------------------------------------------------


def read_wikidata_map(path: Path) -> dict[str, str]:
    """A curator's map of kg keys (persons ``person/…``, positions ``post/…`` as
    positions-to-match.tsv lists them, organisations ``org/…``; or their kg IRIs) to Wikidata
    items, tab-separated: key, QID. ``#`` lines, blank lines and a header line are skipped.
    ``WikidataMapError`` names the file and line of what cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise WikidataMapError(f"{path}: no such file") from None
    except UnicodeDecodeError as err:
        raise WikidataMapError(f"{path}: not UTF-8 text (byte {err.start})") from None
    except OSError as err:
        raise WikidataMapError(f"{path}: cannot be read: {err.strerror or err}") from None
    out: dict[str, str] = {}
    first = True
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) < 2:
            raise WikidataMapError(f"{path}:{n}: write a kg key, a tab and a Wikidata id (Q…)")
        key, qid = cells[0], cells[1]
        if first and not _QID.fullmatch(qid) and "/" not in key:
            first = False
            continue  # a header line (key, qid): no kg key, no item
        first = False
        if not _QID.fullmatch(qid):
            raise WikidataMapError(f"{path}:{n}: {qid!r} is not a Wikidata item id (Q followed by digits)")
        if key.startswith(str(KGR)):
            key = unquote(key[len(str(KGR)):])
        if out.get(key, qid) != qid:
            raise WikidataMapError(f"{path}:{n}: {key} is mapped to {out[key]} above and to {qid} here")
        out[key] = qid
    return out


def build_date(folder: Path) -> str | None:
    """The day a build was made (its manifest's ``created``): when kg read the pages."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    created = manifest.get("created") if isinstance(manifest, dict) else None
    return created[:10] if isinstance(created, str) and _iso(created[:10]) else None


def qs_time(day: str) -> str:
    """An ISO date (2021-05-10, 2021-05 or 2021) as a QuickStatements time with its precision."""
    y, m, d = (day.split("-") + ["00", "00"])[:3]
    return f"+{y}-{m}-{d}T00:00:00Z/{PRECISION[len(day)]}"


def _qs_text(text: str) -> str:
    """A string value: one line, no tab, and no ``|``, which QuickStatements reads as a column break."""
    return '"' + re.sub(r"\s+", " ", text).replace("|", "｜").strip() + '"'


def _comment(text: str) -> str:
    return re.sub(r"\s+", " ", text).replace("*/", "* /").replace("|", "｜")


def _qs_url(url: str) -> str:
    return '"' + quote(url, safe=":/?#[]@!$&'()*+,;=%~-._") + '"'


# The file's header: a comment a line (``/* … */``, which QuickStatements 2 reads as no command)
HEADER = [
    'kg {version}: Wikidata QuickStatements (v1, tab-separated) of P39 "position held", from {source}',
    "Emitted: a P39 statement for each tenure whose position has a Wikidata item in the map, on the person's item "
    "from the map or on a new one (CREATE, Lzh name, Azh other names, P31 Q5): persons-to-create.tsv lists those; "
    "look each up on Wikidata first",
    "Qualifiers: P580 start time and P582 end time only as a report states them (an appointment, a removal); "
    "otherwise P8555 latest start date = the first report that shows the person in the post, "
    "P8554 earliest end date = the last one; precision 11 for days, 10 months, 9 years",
    "Reference: S854 the report's URL when the page gave one, S1476 its headline, S577 its date, "
    "S813 the day kg read it",
    "Not emitted: {unmatched} of {total} tenures, whose position has no item (positions-to-match.tsv) or no known "
    "body; predecessors and successors; organisations. Delete these comment lines before pasting into "
    "QuickStatements 3, which shows them as errors",
]


def quickstatements(graph: nx.MultiDiGraph, wikidata: dict[str, str], retrieved: str | None = None,
                    source: str = "a kg build") -> tuple[list[str], list[list], list[list]]:
    """QuickStatements for the tenures whose position (``post/…`` key) ``wikidata`` maps to an
    item; the rows of positions-to-match.tsv (post key, post, organisation, jurisdiction, number
    of tenures) for the others; and the rows of persons-to-create.tsv (person key, name, posts)
    for the people the statements create."""
    ts = tenures(graph)
    commands: list[str] = []
    unmatched: dict[str, list[Tenure]] = defaultdict(list)
    by_person: dict[str, list[Tenure]] = defaultdict(list)
    for t in ts:
        if not t.org:
            continue  # 主任 of no known body: no position a curator could match
        if t.post in wikidata:
            by_person[t.person].append(t)
        else:
            unmatched[t.post].append(t)
    created = []
    for person in sorted(by_person):
        mine = sorted(by_person[person], key=lambda t: (t.start or "9999", t.post))
        subject = wikidata.get(person)
        if subject is None:
            d = graph.nodes.get(person) or {}
            name = d.get("label") or _label(graph, person)
            commands += ["CREATE", f"LAST\tLzh\t{_qs_text(name)}"]
            commands += [f"LAST\tAzh\t{_qs_text(a)}" for a in d.get("aliases") or [] if a != name]
            commands.append(f"LAST\t{INSTANCE_OF}\t{HUMAN}")
            created.append([person, name, "、".join(dict.fromkeys(_post_name(graph, t) for t in mine))])
            subject = "LAST"
        for t in mine:
            commands.append("\t".join([subject, POSITION_HELD, wikidata[t.post], *_qualifiers(t),
                                       *_reference(graph, t, retrieved)]))
    to_match = sorted(([key, _post_name(graph, group[0]), _label(graph, group[0].org),
                        _jurisdiction(graph, group[0].org) or "", len(group)] for key, group in unmatched.items()),
                      key=lambda r: (-r[4], r[0]))
    emitted = sum(len(v) for v in by_person.values())
    header = [f"/* {_comment(line.format(version=__version__, source=source, unmatched=len(ts) - emitted, total=len(ts)))} */"
              for line in HEADER]
    return header + commands, to_match, created


def _qualifiers(t: Tenure) -> list[str]:
    q = []
    for prop, day in ((START_TIME, t.began), (LATEST_START, None if t.began else t.first),
                      (END_TIME, t.ended), (EARLIEST_END, None if t.ended else t.last)):
        if day:
            q += [prop, qs_time(day)]
    return q


def _reference(graph: nx.MultiDiGraph, t: Tenure, retrieved: str | None) -> list[str]:
    a = _article(graph, t.article)
    ref = []
    if url := _url(graph, t.article):
        ref += [REF_URL, _qs_url(url)]
    if a.get("headline") or a.get("label"):
        ref += [REF_TITLE, "zh:" + _qs_text(a.get("headline") or a["label"])]
    if day := _iso(a.get("date")):
        ref += [REF_PUBLISHED, qs_time(day)]
    if ref and retrieved:
        ref += [REF_RETRIEVED, qs_time(retrieved)]
    return ref


def _tsv(header: list[str], rows: list[list]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter="\t", lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def write_quickstatements(graph: nx.MultiDiGraph, out: Path, wikidata: dict[str, str],
                          retrieved: str | None = None, source: str = "a kg build") -> list[Path]:
    """``OUT/quickstatements.txt``, ``OUT/positions-to-match.tsv`` and ``OUT/persons-to-create.tsv``."""
    lines, to_match, created = quickstatements(graph, wikidata, retrieved, source)
    files = {QS_FILE: "\n".join(lines) + "\n",
             TO_MATCH_FILE: _tsv(["key", "post", "organisation", "jurisdiction", "tenures"], to_match),
             TO_CREATE_FILE: _tsv(["key", "name", "posts"], created)}
    written = []
    for name, text in files.items():
        write_atomic(out / name, lambda p, t=text: p.write_text(t, encoding="utf-8"))
        written.append(out / name)
    return written


def unknown_keys(graph: nx.MultiDiGraph, wikidata: dict[str, str]) -> list[str]:
    """The keys of a map that name no person, organisation or position of the graph."""
    posts = {t.post for t in tenures(graph)}
    return sorted(k for k in wikidata if k not in posts and k not in graph)
