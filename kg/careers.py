"""Careers stage: resolved people and posts → one person across jurisdictions, tenure spells,
succession, rank and post category (resolve → careers → graph).

Resolution keeps a person as one node per name and jurisdiction, so that namesakes in two
districts stay apart. This stage joins two of those nodes only where the text supports it, and
says why:

- ``shared-post``: both hold the same post (body + title). A report from one district that names
  another district's post (``原X区副区长王明任Y区区长``) gives its person that post too, so the
  two nodes meet on it.
- ``shared-body``: both hold a post in the same body (a promotion within one government).
- ``shared-city``: both hold posts in bodies of one city (or province): a city official whom two
  districts' reports name, as 副市长 in one and 市委常委 in the other. Below the city, one county's
  bodies in common is only a candidate (``shared-county``).
- ``one-report``: a single report names the person with posts in both jurisdictions.
- ``same-city-in-turn``: the same name in two districts of one city, seen one after the other,
  and no other person of that name in the city. Name and time order only: a candidate for
  review, never merged by itself.

A link scoring ``MERGE_AT`` or more is merged; the others are kept as candidates (``links``).
Decisions that a user reviewed (``kg review`` → ``merges.tsv``: ``merge`` or ``apart``) are
applied on every build, before the scores: ``apart`` always keeps two nodes apart, ``merge``
joins them whatever their score. A decision naming a node the build no longer has is reported.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from . import gazetteer, lexicon
from .records import Corpus, Entity, Fact, Problem, Spell

MERGE_AT = 0.8
SCORES = {"shared-post": 0.9, "shared-body": 0.8, "shared-city": 0.8, "shared-county": 0.6, "one-report": 0.05,
          "same-city-in-turn": 0.5}
HIGH_LEVELS = ("city", "province")  # a body of these serves many districts: their papers name its officials
# two nodes seen in sole posts of different bodies on overlapping dates are two people, or the
# text is wrong about one of them: either way not a merge the rules make
OVERLAP_PENALTY = 0.4
DECISIONS = ("merge", "apart")
CHANGES = ("holds", "appointed", "removed")


# -- lexicon -----------------------------------------------------------------------------------


@cache
def _titles() -> dict[str, dict]:
    return {row["title"]: row for row in lexicon.table("titles.tsv")}


@cache
def _classes() -> dict[tuple[str, str], str]:
    return {(row["organ"], row["title"]): row["class"] for row in lexicon.table("post_classes.tsv")}


@cache
def _leaders() -> dict[tuple[str, str], str]:
    return {(row["level"], row["variant"]): row["leader"] for row in lexicon.table("ranks.tsv")}


@cache
def _steps() -> tuple[str, ...]:
    return lexicon.words_in_order("rank_steps.txt")


@cache
def _special() -> dict[str, str]:
    return {row["adcode"]: row["variant"] for row in lexicon.table("rank_special_divisions.tsv")}


@cache
def _leading_endings() -> list[tuple[str, str]]:
    rows = lexicon.table("leading_organs.tsv")
    return sorted(((r["ending"], r["organ"]) for r in rows), key=lambda r: -len(r[0]))


@cache
def _department_endings() -> tuple[str, ...]:
    return lexicon.words("department_endings.txt")


@cache
def _enterprise_re() -> re.Pattern:
    return re.compile(f"(?:{lexicon.alternation('enterprise_endings.txt')})$")


# -- decisions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """One reviewed pair: ``merge`` or ``apart``, from line ``line`` of ``path``."""

    action: str
    a: str
    b: str
    note: str
    path: str
    line: int


def read_decisions(path: Path) -> tuple[list[Decision], list[Problem]]:
    """The decisions of a ``merges.tsv`` (tab-separated: decision, node, node, note; further
    columns, as ``kg review`` writes them, are ignored; ``#`` lines and rows with no decision are
    skipped), and a problem for each line that cannot be read. An unreadable file is one problem."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        return [], [Problem(str(path), f"cannot read the decisions: {getattr(err, 'strerror', None) or err}",
                            "careers", skipped=True)]
    decisions, problems = [], []
    for number, row in enumerate(csv.reader(text.splitlines(), delimiter="\t"), 1):
        if not row or not row[0].strip() or row[0].startswith("#") or row[0].strip() == "decision":
            continue
        action = row[0].strip().lower()
        if action not in DECISIONS:
            problems.append(Problem(str(path), f"line {number}: decision {row[0].strip()!r} is neither "
                                    "'merge' nor 'apart'", "careers", skipped=True))
            continue
        if len(row) < 3 or not row[1].strip() or not row[2].strip() or row[1].strip() == row[2].strip():
            problems.append(Problem(str(path), f"line {number}: a decision needs two different nodes "
                                    "(decision, node, node, note)", "careers", skipped=True))
            continue
        decisions.append(Decision(action, row[1].strip(), row[2].strip(), row[3].strip() if len(row) > 3 else "",
                                  str(path), number))
    return decisions, problems


# -- linking -----------------------------------------------------------------------------------


def _scope(key: str) -> str:
    """person/烈山区/王明 → 烈山区: where resolution placed the person."""
    parts = key.split("/")
    return parts[1] if len(parts) > 2 else ""


def _city_of(scope: str) -> str | None:
    """The city of a district-level scope, when the gazetteer knows one division of that name."""
    cands = [e for e in gazetteer.candidates(scope) if e["level"] == "district"]
    if len(cands) != 1:
        return None
    parent = gazetteer.parent(cands[0])
    return parent["name"] if parent and parent["level"] == "city" else None


class _Person:
    """What the facts say about one person node: its posts with evidence, its dated span."""

    def __init__(self, key: str):
        self.key = key
        self.posts: dict[tuple[str, str], Fact] = {}  # (org, title) → first fact
        self.bodies: dict[str, Fact] = {}
        self.places: dict[str, Fact] = {}  # the jurisdiction of a body the person holds a post in
        self.days: list[str] = []
        self.sole: list[tuple[str, str, str]] = []  # (org, day, title) of sole posts, dated
        self.articles: dict[str, set[str]] = defaultdict(set)  # article → bodies' jurisdictions


def _profiles(corpus: Corpus, dates: dict[str, str | None]) -> dict[str, _Person]:
    titles = _titles()
    out: dict[str, _Person] = {}
    for f in corpus.facts:
        if f.kind not in CHANGES or not f.object or f.subject not in corpus.entities:
            continue
        p = out.setdefault(f.subject, _Person(f.subject))
        title = f.attrs.get("title", "")
        p.posts.setdefault((f.object, title), f)
        p.bodies.setdefault(f.object, f)
        org = corpus.entities.get(f.object)
        if org is not None and org.attrs.get("jurisdiction"):
            p.places.setdefault(org.attrs["jurisdiction"], f)
        p.articles[f.article].add((org.attrs.get("jurisdiction") or "") if org else "")
        day = None if f.attrs.get("former") else dates.get(f.article)
        if day:
            p.days.append(day)
            if titles.get(title, {}).get("sole") == "1":
                p.sole.append((f.object, day, title))
    return out


def _evidence(f: Fact) -> dict:
    ev = f.evidence
    return {"article": f.article, "file": ev.source if ev else f.article.split("#")[0],
            "sentence": ev.sentence if ev else "", "start": ev.start if ev else -1, "end": ev.end if ev else -1}


def _pair(a: _Person | None, b: _Person | None, ka: str, kb: str, corpus: Corpus,
          rivals_in_city: int) -> dict | None:
    """The link between two same-named nodes, or None when nothing but the name joins them."""
    reasons, evidence, score = [], [], 0.0
    if a and b:
        shared = sorted(set(a.posts) & set(b.posts))
        bodies = sorted(set(a.bodies) & set(b.bodies))
        if shared:
            org, title = shared[0]
            score = SCORES["shared-post"]
            reasons.append(f"shared-post: both hold {corpus.entities[org].label} {title}")
            evidence += [_evidence(a.posts[shared[0]]), _evidence(b.posts[shared[0]])]
        elif bodies:
            score = SCORES["shared-body"]
            reasons.append(f"shared-body: both hold a post in {corpus.entities[bodies[0]].label}")
            evidence += [_evidence(a.bodies[bodies[0]]), _evidence(b.bodies[bodies[0]])]
        elif places := sorted(set(a.places) & set(b.places)):
            high = [k for k in places if corpus.entities[k].attrs.get("level") in HIGH_LEVELS]
            place = (high or places)[0]
            kind = "shared-city" if high else "shared-county"
            score = SCORES[kind]
            reasons.append(f"{kind}: both hold posts in bodies of {corpus.entities[place].label}")
            evidence += [_evidence(a.places[place]), _evidence(b.places[place])]
        if score:
            both = [aid for p in (a, b) for aid, places in p.articles.items() if len(places - {""}) > 1]
            if both:
                score += SCORES["one-report"]
                reasons.append(f"one-report: {both[0]} names posts in two jurisdictions")
        if score and _overlapping_sole(a, b):
            score -= OVERLAP_PENALTY
            reasons.append("overlap: seen in sole posts of different bodies on overlapping dates")
        if not score and rivals_in_city == 0 and a.days and b.days:
            first, second = sorted((a, b), key=lambda p: min(p.days))
            if max(first.days) < min(second.days):
                score = SCORES["same-city-in-turn"]
                reasons.append(f"same-city-in-turn: {_scope(first.key)} until {max(first.days)}, "
                               f"{_scope(second.key)} from {min(second.days)}, no other namesake in the city")
                evidence += [_evidence(next(iter(first.posts.values()))),
                             _evidence(next(iter(second.posts.values())))]
    if not score:
        return None
    return {"a": ka, "b": kb, "name": corpus.entities[ka].label, "score": round(min(score, 1.0), 2),
            "reasons": reasons, "evidence": evidence}


def _overlapping_sole(a: _Person, b: _Person) -> bool:
    for org_a, day_a, _ in a.sole:
        for org_b, day_b, _ in b.sole:
            if org_a != org_b and day_a == day_b:
                return True
    spans_a = _sole_spans(a)
    spans_b = _sole_spans(b)
    return any(oa != ob and fa <= lb and fb <= la for oa, (fa, la) in spans_a.items() for ob, (fb, lb) in spans_b.items())


def _sole_spans(p: _Person) -> dict[str, tuple[str, str]]:
    spans: dict[str, tuple[str, str]] = {}
    for org, day, _ in p.sole:
        first, last = spans.get(org, (day, day))
        spans[org] = (min(first, day), max(last, day))
    return spans


def candidate_links(corpus: Corpus) -> list[dict]:
    """Every pair of same-named person nodes that the text links, with its score, reasons and
    evidence (the earliest facts behind each reason), in a stable order."""
    dates = {a.id: a.date if a.date and re.fullmatch(r"\d{4}-\d\d-\d\d", a.date) else None for a in corpus.articles}
    by_name: dict[str, list[str]] = defaultdict(list)
    for key, e in corpus.entities.items():
        if e.kind == "person":
            by_name[e.label].append(key)
    profiles = _profiles(corpus, dates)
    links = []
    for _, keys in sorted(by_name.items()):
        if len(keys) < 2:
            continue
        keys.sort()
        cities = {k: _city_of(_scope(k)) for k in keys}
        for i, ka in enumerate(keys):
            for kb in keys[i + 1:]:
                city = cities[ka] if cities[ka] and cities[ka] == cities[kb] else None
                rivals = sum(1 for k in keys if k not in (ka, kb) and cities[k] == city) if city else 1
                link = _pair(profiles.get(ka), profiles.get(kb), ka, kb, corpus, rivals)
                if link:
                    links.append(link)
    return links


def link_persons(corpus: Corpus, decisions: list[Decision] = ()) -> list[Problem]:
    """Merge the person nodes that the links (and the decisions) join, in place: one entity per
    group under its smallest key, facts pointing to it. ``corpus.links`` gets every link with its
    status (merged, candidate, kept apart, merged by decision); the problems are decisions that
    name nodes this build does not have."""
    links = candidate_links(corpus)
    problems: list[Problem] = []
    apart: set[frozenset] = set()
    forced: list[Decision] = []
    for d in decisions:
        missing = [k for k in (d.a, d.b) if k not in corpus.entities]
        if missing:
            problems.append(Problem(d.path, f"line {d.line}: {d.action} {d.a} {d.b}: no node "
                                    + ", ".join(missing) + " in this build; the decision was not applied",
                                    "careers", skipped=False))
            continue
        if d.action == "apart":
            apart.add(frozenset((d.a, d.b)))
        else:
            forced.append(d)
    parent: dict[str, str] = {}

    def find(k: str) -> str:
        while parent.get(k, k) != k:
            k = parent[k]
        return k

    members: dict[str, set[str]] = {}  # a group's root → its nodes

    def union(a: str, b: str) -> bool:
        ra, rb = find(a), find(b)
        if ra == rb:
            return False
        group_a, group_b = members.get(ra, {ra}), members.get(rb, {rb})
        # a group may not hold two nodes a decision keeps apart
        if any(frozenset((x, y)) in apart for x in group_a for y in group_b):
            return False
        root, other = min(ra, rb), max(ra, rb)
        parent[other] = root
        parent.setdefault(root, root)
        members[root] = group_a | group_b
        members.pop(other, None)
        return True

    decided = {frozenset((d.a, d.b)): d for d in forced}
    for d in forced:
        union(d.a, d.b)
    by_pair = {frozenset((link["a"], link["b"])): link for link in links}
    for pair, d in decided.items():
        if pair not in by_pair:
            link = {"a": min(pair), "b": max(pair), "name": corpus.entities[d.a].label, "score": 0.0,
                    "reasons": [], "evidence": []}
            links.append(link)
            by_pair[pair] = link
    for link in links:
        pair = frozenset((link["a"], link["b"]))
        if pair in apart:
            link["status"], link["note"] = "kept apart by decision", _note(decisions, pair)
        elif pair in decided:
            link["status"], link["note"] = "merged by decision", decided[pair].note
        elif link["score"] >= MERGE_AT and union(link["a"], link["b"]):
            link["status"] = "merged"
        elif link["score"] >= MERGE_AT and find(link["a"]) == find(link["b"]):
            link["status"] = "merged"
        else:
            link["status"] = "candidate"
    links.sort(key=lambda link: (link["name"], link["a"], link["b"]))
    corpus.links = links
    _merge(corpus, {k: find(k) for k in list(parent)})
    return problems


def _note(decisions, pair: frozenset) -> str:
    return next((d.note for d in decisions if frozenset((d.a, d.b)) == pair), "")


def _merge(corpus: Corpus, into: dict[str, str]) -> None:
    into = {k: v for k, v in into.items() if k != v}
    if not into:
        return
    for old, new in sorted(into.items()):
        gone: Entity = corpus.entities.pop(old)
        kept = corpus.entities[new]
        kept.mentions.extend(gone.mentions)
        kept.aliases |= gone.aliases
        kept.rules |= gone.rules | {"linked-across-jurisdictions"}
        kept.attrs["merged_keys"] = sorted({*kept.attrs.get("merged_keys", []), old, *gone.attrs.get("merged_keys", [])})
        for k, v in gone.attrs.items():
            kept.attrs.setdefault(k, v)
    seen = set()
    facts = []
    for f in corpus.facts:
        if f.subject in into or f.object in into:
            f.subject, f.object = into.get(f.subject, f.subject), into.get(f.object, f.object)
            ev = f.evidence
            key = (f.kind, f.subject, f.object, f.article, f.rule, ev.start if ev else -1,
                   tuple(sorted((k, str(v)) for k, v in f.attrs.items())))
            if key in seen:
                continue
            seen.add(key)
        facts.append(f)
    corpus.facts = facts


# -- spells, succession, rank ------------------------------------------------------------------


def _iso(date: str | None) -> str | None:
    return date if date and re.fullmatch(r"\d{4}-\d\d-\d\d", date) else None


def tenures(corpus: Corpus) -> tuple[list[Spell], list[dict]]:
    """Observations of a post (``holds``) → spells per person, post and organisation; and, for
    posts one person holds at a time (区长, 区委书记: ``sole`` in titles.tsv), the pairs of
    holders seen at overlapping dates, to review rather than to merge."""
    dates = {a.id: _iso(a.date) for a in corpus.articles}
    spells: dict[tuple[str, str, str], Spell] = {}
    earliest: dict[tuple[str, str, str], tuple] = {}
    for f in corpus.facts:
        if f.kind not in CHANGES:
            continue
        key = (f.subject, f.object, post_title(f.attrs["title"]))
        spell = spells.get(key)
        if spell is None:
            spell = spells[key] = Spell(*key, None, None)
        day = dates.get(f.article)
        order = (day or "9999", f.article, f.evidence.start if f.evidence else -1)
        if key not in earliest or order < earliest[key]:
            earliest[key] = order
            spell.evidence = _evidence(f)
        if f.kind == "holds":
            if f.article not in spell.articles:
                spell.articles.append(f.article)
            if day and not f.attrs.get("former"):  # 原区长X: held before that day, not on it
                spell.first = min(filter(None, (spell.first, day)))
                spell.last = max(filter(None, (spell.last, day)))
        elif f.kind == "appointed" and day:
            spell.began = min(filter(None, (spell.began, day)))
        elif f.kind == "removed" and day:
            spell.ended = max(filter(None, (spell.ended, day)))
            spell.last = max(filter(None, (spell.last, day)))
    for spell in spells.values():
        describe(spell, corpus.entities)
    titles = _titles()
    conflicts = []
    by_post: dict[tuple[str, str], list[Spell]] = {}
    for s in spells.values():
        if s.org and titles.get(s.title, {}).get("sole") == "1" and (s.first or s.began):
            by_post.setdefault((s.org, s.title), []).append(s)
    for (org, title), group in sorted(by_post.items()):
        group.sort(key=lambda s: (start(s), s.person))
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if a.person != b.person and start(a) <= end(b) and start(b) <= end(a):
                    conflicts.append({"organisation": org, "title": title, "holders": [a.person, b.person],
                                      "spells": [[start(a), end(a)], [start(b), end(b)]]})
        succession(group)
    return sorted(spells.values(), key=lambda s: (s.person, s.first or "", s.title)), conflicts


def post_title(title: str) -> str:
    """One title for one post however the acting prefix is written (代理区长 and 代区长)."""
    return "代" + title[2:] if title.startswith("代理") else title


def start(s: Spell) -> str:
    return s.began or s.first or ""


def end(s: Spell) -> str:
    return s.ended or s.last or start(s)


def succession(group: list[Spell]) -> None:
    """The holders of one sole post in the order they held it: each spell's predecessor and
    successor is the holder before and after it (Wikidata's P1365 replaces / P1366 replaced by),
    where the two spells do not overlap; holders seen at overlapping dates are a conflict instead,
    and get no succession between them."""
    for a, b in zip(group, group[1:], strict=False):
        if a.person != b.person and end(a) <= start(b) and not (end(a) == start(b) == a.first == b.first):
            a.successor, b.predecessor = b.person, a.person


def describe(spell: Spell, entities: dict[str, Entity]) -> None:
    """Fill in a spell's jurisdiction, category, flags and rank from its body and title."""
    title = spell.title
    spell.acting = title.startswith(("代理", "代"))
    core = re.sub(r"^(?:代理|代)", "", title)
    spell.executive = core.startswith("常务副")
    spell.deputy = "副" in core[:3]
    org = entities.get(spell.org)
    if org is None:
        spell.category = "other"
        return
    place = entities.get(org.attrs.get("jurisdiction") or "")
    spell.jurisdiction = place.key if place else ""
    level = place.attrs.get("level") if place else None
    leading = _leading_organ(org, place)
    department = not leading and _department(org, place)
    organ = org.attrs.get("organ")
    if level in ("subdistrict", "town", "township"):
        spell.category = "township"
    elif leading or (place is None and organ in LEADING_ORGANS):
        spell.category = {"supervision": "discipline"}.get(leading or organ, leading or organ)
    elif department:
        spell.category = "department"
    elif _enterprise_re().search(org.label):
        spell.category = "enterprise"
    else:
        spell.category = "other"
    spell.rank = rank(core, leading, place) if leading or department else ""


LEADING_ORGANS = ("party", "government", "congress", "cppcc", "discipline", "supervision")


def _department(org: Entity, place: Entity | None) -> bool:
    """Whether ``org`` is a department of its place: its name is the place's (or the name of one
    of the place's leading organs) and one department word (烈山区 + 财政局, 烈山区委 + 宣传部)."""
    if place is None:
        return False
    rest = _after_place(org.label, place)
    if rest is None:
        return False
    for ending, _ in _leading_endings():  # 区委宣传部: the party committee's department
        if rest.startswith(ending) and len(rest) > len(ending) and _one_department(rest[len(ending):]):
            return True
    return _one_department(rest)


def _one_department(rest: str) -> bool:
    ending = next((e for e in _department_endings() if rest.endswith(e)), None)
    if ending is None or len(rest) == len(ending):
        return False
    head = rest[:-len(ending)]
    return not any(e in head for e in _department_endings() if len(e) > 1 or e in "局厅署")


def _after_place(label: str, place: Entity) -> str | None:
    for name in sorted([place.label, *place.aliases], key=len, reverse=True):
        if name and label.startswith(name):
            return label[len(name):]
    return None


def _leading_organ(org: Entity, place: Entity | None) -> str | None:
    """The organ kind when ``org`` is one of its place's leading organs (烈山区 + 委), else None."""
    rest = _after_place(org.label, place) if place else None
    return next((organ for ending, organ in _leading_endings() if rest == ending), None) if rest else None


def rank(title: str, leading: str | None, place: Entity | None) -> str:
    """The 级别 of ``title`` (acting prefix removed) in a body of ``place``: ``leading`` is the
    body's organ kind when it is one of the place's leading organs, None for a department."""
    if place is None:
        return ""
    level = place.attrs.get("level")
    cls = _classes().get((leading or "department", title))
    if cls is None or level not in {lv for lv, _ in _leaders()}:
        return ""
    if leading is None and level in ("subdistrict", "town", "township"):
        return ""  # a township's offices (站, 所) hold no rank of their own
    leader = _leaders().get((level, _variant(place))) or _leaders().get((level, "-"))
    steps = _steps()
    i = steps.index(leader) + {"leader": 0, "deputy": 1, "head": 2, "deputy-head": 3}[cls]
    return steps[i] if i < len(steps) else ""


def _variant(place: Entity) -> str:
    """Which row of ranks.tsv a place takes: a 副省级 city's own, a district of a 直辖市 or of a
    副省级 city (told by its GB/T 2260 code's province and city digits), or the level's."""
    special, code = _special(), place.attrs.get("adcode") or ""
    if code in special:
        return special[code]
    if place.attrs.get("level") == "district" and len(code) == 6:
        if special.get(code[:2] + "0000") == "municipality":
            return "of-municipality"
        if special.get(code[:4] + "00") == "sub-provincial":
            return "of-sub-provincial"
    return "-"


def careers(corpus: Corpus, decisions: list[Decision] = ()) -> Corpus:
    """The stage: link persons (with the decisions), then spells with their succession and rank."""
    corpus.problems.extend(link_persons(corpus, decisions))
    corpus.spells, corpus.conflicts = tenures(corpus)
    return corpus
