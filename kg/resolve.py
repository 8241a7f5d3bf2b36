"""Resolve stage: mentions of every article → one ``Entity`` per real thing, and ``Fact``s.

Conventions (documented in the README):
- An article's jurisdiction is the district-level place (district, county or functional zone)
  it names most, its headline counting double; failing that, the page's; failing that the city.
- ``区委``, ``区财政局``, ``区政府`` … are that jurisdiction's: canonical labels spell the
  jurisdiction out (``烈山区委``, ``烈山区财政局``, ``烈山区人民政府``); the written form is kept
  as ``skos:altLabel``. A party committee is labelled ``<place>委`` (烈山区委).
- People are one node per name and jurisdiction (the article's district; for bylines the
  paper's city), so namesakes in different districts stay apart.
- Every entity records the rules that shaped it (``rules``), for ``report.json`` and ``kg explain``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import cache

from . import gazetteer, lexicon
from .records import Corpus, Entity, Extraction, Fact, Mention

ORGAN_FORMS = {row["word"]: row for row in lexicon.table("organs.tsv")}
ORGAN_PARENTS = {row["child"]: row["parent"] for row in lexicon.table("organ_parents.tsv")}
ABBREV_LEVEL = {"区": ("district", "zone"), "县": ("district",), "旗": ("district",), "市": ("city",), "州": ("city",),
                "盟": ("city",), "省": ("province",), "社区": ("community",), "村": ("village",), "嘎查": ("village",),
                "镇": ("town",), "乡": ("township",), "苏木": ("township",), "街道": ("subdistrict",)}
SUB_LEVELS = ("subdistrict", "town", "township")
# The levels a 该 + word reference can point to (该区: a district or a zone).
REFERENCE_LEVELS = {"区": ("district", "zone"), "县": ("district",), "市": ("city",), "街道": ("subdistrict",),
                    "镇": ("town",), "乡": ("township",), "社区": ("community",), "村": ("village",)}
# Where an organ implied by a title sits when the sentence names no jurisdiction (居委会主任: the community's).
ORGAN_LEVELS = {"residents": ("community",), "villagers": ("village",)}
# Organs of a sub-district or a zone when written bare (办事处主任, 党工委书记): the street's before the district's.
SUBDISTRICT_ORGANS = frozenset({"办事处", "党工委", "纪工委", "人大工委", "管委会"})
TOWN_ORGANS = frozenset({"党委", "人大"})
BARE_ZONES = ("示范区", "经开区", "开发区", "高新区")
BODY_FULL_NAMES = lexicon.table("body_full_names.tsv")
FULL_NAME_HEADS = {"中国人民政治协商会议": "政协", "中国共产党": "委"}
ZONE_FULL_FORMS = {row["short"]: row["full"] for row in lexicon.table("zone_abbreviations.tsv")}
# What a pre-appointment notice states of a candidate (kg.extract.notices), carried onto the person.
BIOGRAPHY = ("gender", "ethnicity", "birth", "native_place", "education", "degree", "party", "party_joined",
             "work_started")


def zone_full_form(label: str) -> str:
    """济宁经开区 → 济宁经济技术开发区: one key for a zone however it is written."""
    for short, full in ZONE_FULL_FORMS.items():
        if label.endswith(short) and len(label) > len(short):
            return label[:-len(short)] + full
    return label


@cache
def _titles() -> dict[str, dict]:
    return {row["title"]: row for row in lexicon.table("titles.tsv")}


def title_abbrev(title: str) -> str | None:
    """The level a title names by its first word (副区长: 区, 乡长: 乡, 旗长: 旗), or None (书记, 主任)."""
    core = re.sub(r"^(?:常务副|副|代理|代)", "", title)
    return next((a for a in sorted(ABBREV_LEVEL, key=len, reverse=True)
                 if core.startswith(a) and len(core) > len(a)), None)


def abbrev_jurisdiction(abbrev: str, ctx: Context) -> str | None:
    """The place 区/县/市/镇… stands for in an article: its own of that level. 市 on the page of a
    county-level city (赤壁市, 牙克石市, at county level in GB/T 2260) is that city, not its prefecture."""
    if abbrev == "市" and (ctx.get("district") or "").endswith("市"):
        return ctx.get("district")
    return ctx.get(*ABBREV_LEVEL[abbrev])


def unplaced(article: str) -> str:
    """The key scope of what no signal places: its page, so that two pages' 区委 stay apart."""
    return "?" + article.rsplit("#", 1)[0]  # a JSON Lines page is file.jsonl#id


class Context:
    """What an article's text tells about where it is: its places by level."""

    def __init__(self, places: dict[str, str], counts: Counter, page: Counter | None = None):
        self.places = places  # level → full place label
        self.counts = counts  # (level, label) → weight, in this article
        self.page = page or Counter()  # the same over the article's page

    def get(self, *levels: str) -> str | None:
        for level in levels:
            if level in self.places:
                return self.places[level]
        return None


def hint_places(hint: str | None) -> dict[str, str]:
    """淮北市烈山区 → {"district": "烈山区", "city": "淮北市", "province": "安徽省"}: a jurisdiction
    hint read with the gazetteer, namesakes told apart by the rest of the hint, a trailing
    街道/镇/乡 kept as the sub-district level."""
    if not hint:
        return {}
    found = [m.group(0) for m in gazetteer.division_regex().finditer(hint)]
    known = set(found)
    out: dict[str, str] = {}
    for name in found:
        entry = pick_division(gazetteer.candidates(name), known)
        while entry:
            out.setdefault(entry["level"], entry["name"])
            entry = gazetteer.parent(entry)
    tail = re.search(r"([\u4e00-\u9fff]{1,8}?)(街道|镇|乡)$", hint)
    if tail and not any(tail.group(0).endswith(v) for v in out.values()):
        start = max((hint.find(v) + len(v) for v in out.values() if v in hint), default=0)
        name = hint[start:]
        if name.endswith(tail.group(2)) and len(name) > len(tail.group(2)):
            out[{"街道": "subdistrict", "镇": "town", "乡": "township"}[tail.group(2)]] = name
    return out


def pick_division(cands: list[dict], known: set[str]) -> dict | None:
    """The one division a name stands for: the only candidate, or the one whose city or province
    the text also names; None when the text does not tell namesakes (鼓楼区 ×4) apart."""
    if len(cands) == 1:
        return cands[0]
    for level in ("city", "province"):  # the nearest named ancestor decides: 南京市 before 江苏省
        fits = []
        for c in cands:
            up = gazetteer.parent(c)
            while up and up["level"] != level:
                up = gazetteer.parent(up) if up["level"] != "province" else None
            if up and {up["name"], gazetteer.short_form(up["name"]) or up["name"]} & known:
                fits.append(c)
        if fits:
            return fits[0] if len(fits) == 1 else None
    return None


class Resolver:
    def __init__(self) -> None:
        self.entities: dict[str, Entity] = {}
        self.facts: list[Fact] = []
        self.place_info: dict[str, dict] = {}  # place label → {level, adcode, parent label}
        self.page_credits: set[str] = set()  # names in the current page's bylines
        self.page_city: str | None = None  # the city the current page's paper reports from
        self.ctx: Context | None = None  # the article being resolved
        self._known: tuple | None = None  # (context, its sizes, known_places) of the article being resolved
        self._spans: dict[tuple[int, int], list[int]] = {}  # the article's mentions by span
        self.page_hint: dict[str, str] = {}  # level → place, from the page's jurisdiction hint
        # level → place, from what else tells where an article is when its text does not: its
        # outlet (文成新闻网), the page's kg.toml or --jurisdiction, the other pages of its site or folder
        self.signals: list[tuple[str, dict[str, str]]] = []
        self.jurisdictions: list[dict] = []  # per article: where it is and which signal said so
        self.national: set[str] = set()  # names that hold a central post (总书记): one node nationwide
        self.meetings_of: dict[str, list[str]] = {}  # article id → its meetings' keys
        self.place_keys: dict[str, str] = {}  # place label → key of the first place so labelled
        self.structure: set[tuple[str, str, str]] = set()  # part_of / located_in facts made
        self.initiative_keys: dict[tuple[str, str], str] = {}  # (where, a name it goes by) → entity key

    # -- entities ---------------------------------------------------------------------------

    def entity(self, key: str, kind: str, label: str, article: str, mention: Mention | None, rule: str,
               **attrs) -> Entity:
        e = self.entities.get(key)
        if e is None:
            e = self.entities[key] = Entity(key, kind, label, {label}, dict(attrs))
        else:
            for k, v in attrs.items():
                e.attrs.setdefault(k, v)
        if mention is not None:
            e.aliases.add(mention.text)
            e.mentions.append((article, mention))
        e.rules.add(rule)
        return e

    def place_entity(self, label: str, level: str, article: str, mention: Mention | None, rule: str) -> Entity:
        written, label = label, zone_full_form(label)
        if label != written and written in self.place_info:
            self.place_info.setdefault(label, self.place_info[written])
        info = self.place_info.setdefault(label, {"level": level})
        cands = gazetteer.candidates(label)
        known = self.known_places | ({info["parent"]} if info.get("parent") else set())
        entry = pick_division(cands, known)
        attrs = {"level": level}
        if entry:
            attrs.update(adcode=entry["adcode"], lon=entry["lon"], lat=entry["lat"], level=entry["level"])
            key = f"place/{entry['adcode']}"
        elif len(cands) > 1:
            # a name several divisions share (鼓楼区) and nothing around it to choose: left unlinked,
            # one node for the page that names it
            attrs.update(level=cands[0]["level"], ambiguous=len(cands))
            key = f"place/{article.split('#')[0] or '-'}/{label}"
            rule += "+ambiguous-unlinked"
        else:
            key = f"place/{info.get('parent') or '-'}/{label}"
        e = self.entity(key, "place", label, article, mention, rule, **attrs)
        self.place_keys.setdefault(label, key)
        e.aliases.add(written)
        if entry:
            self._chain_up(entry, e)
        elif info.get("parent"):
            parent = self.place_entity(info["parent"], self.place_info.get(info["parent"], {}).get("level", "district"),
                                       article, None, "parent-of-place")
            e.attrs["parent"] = parent.key
        return e

    @property
    def known_places(self) -> set[str]:
        """Place names the current article and its page give, to choose among namesake divisions."""
        ctx = self.ctx
        if ctx is None:
            return set()
        # asked for every place mentioned: the set is made once an article (a context only gains keys)
        key = (len(ctx.places), len(ctx.counts), len(ctx.page))
        if self._known is None or self._known[0] is not ctx or self._known[1] != key:
            self._known = (ctx, key, set(ctx.places.values()) | {label for _, label in ctx.counts}
                           | {label for _, label in ctx.page})
        return set(self._known[2])

    def _chain_up(self, entry: dict, e: Entity) -> None:
        up = gazetteer.parent(entry)
        if up and up["adcode"] != entry["adcode"]:
            pe = self.entity(f"place/{up['adcode']}", "place", up["name"], "", None, "gazetteer-parent",
                             level=up["level"], adcode=up["adcode"], lon=up["lon"], lat=up["lat"])
            e.attrs["parent"] = pe.key
            self._chain_up(up, pe)

    # -- articles ---------------------------------------------------------------------------

    def context(self, ex: Extraction, page: Counter, signals: list[tuple[str, dict[str, str]]] | None = None) -> Context:
        counts: Counter = Counter()
        places: dict[str, str] = {}
        for m in ex.mentions:
            if m.kind != "place" or m.attrs.get("bare") or m.attrs.get("native_place"):
                continue  # (a notice candidate's native place says nothing of where the notice is)
            label = self.place_label(m)
            level = self.place_level(m, label)
            weight = 2 if m.start < ex.article.lead else 1
            counts[(level, label)] += weight
        for m in ex.mentions:  # a bare 示范区 counts for the zone it stands for
            if m.kind == "place" and m.attrs.get("bare"):
                label = self._zone_for(m.text, Context({}, Counter(counts), page))
                if label:
                    counts[("zone", label)] += 2 if m.start < ex.article.lead else 1
        for (level, label), _ in counts.most_common():
            places.setdefault(level, label)
        ctx = Context(places, counts, page)
        ctx.places, ctx.signal, ctx.disagreement = self._implied(places, page, signals or [])
        return ctx

    def _implied(self, places: dict[str, str], page: Counter,
                 signals: list[tuple[str, dict[str, str]]]) -> tuple[dict[str, str], str, dict]:
        """The article's places by level, completed from its page and then from the other signals
        where the text is silent; which signal gave the article's jurisdiction; and, when the
        signals name different places for a level, what each said (that level is left unknown)."""
        said = {level: "text" for level in places}
        for (level, label), _ in page.most_common():
            if level not in places:
                places[level], said[level] = label, "page"
        disagreement: dict = {}
        for level in ("subdistrict", "town", "township", "district", "zone", "city", "province"):
            if level in places:
                continue
            offered = {name: hint[level] for name, hint in signals if level in hint}
            if len(set(offered.values())) == 1:
                name = next(iter(offered))
                places[level], said[level] = offered[name], name
            elif offered:
                disagreement[level] = offered
        # a district implies its city and province (a namesake district only when the page says which)
        known = set(places.values()) | {label for _, label in page}
        for level in ("district", "city"):
            if level in places:
                entry = pick_division(gazetteer.candidates(places[level]), known)
                while entry and (up := gazetteer.parent(entry)):
                    places.setdefault(up["level"], up["name"])
                    entry = up
        if "zone" in places and "district" not in places:
            places["district"] = places["zone"]
        level = next((lv for lv in ("district", "zone", "city") if lv in places), None)
        return places, said.get(level, "implied-by-district" if level else "none"), disagreement

    def newsroom_city(self, page: Counter) -> str | None:
        """The city a page's paper reports from: the one its reports name most (with their districts).
        A reporter is one person across the page's reports, whatever city each report is about."""
        by_city: Counter = Counter()
        for (level, label), n in page.items():
            known = {name for _, name in page}
            entry = pick_division(gazetteer.candidates(label), known) if level in ("district", "city") else None
            while entry and entry["level"] != "city" and (up := gazetteer.parent(entry)):
                entry = up
            if entry and entry["level"] == "city":
                by_city[entry["name"]] += n
        return by_city.most_common(1)[0][0] if by_city else \
            next((hint["city"] for _, hint in self.signals if "city" in hint), None)

    def place_label(self, m: Mention) -> str:
        entry = gazetteer.lookup(m.text)
        if entry:
            return entry["full"]
        return m.text

    def place_level(self, m: Mention, label: str) -> str:
        entry = gazetteer.lookup(label)
        return entry["level"] if entry else m.attrs.get("level", "place")

    def resolve_article(self, ex: Extraction, page: Counter) -> None:
        a = ex.article
        signals = ([("outlet", hint_places(a.outlet))] if a.outlet else []) + self.signals
        ctx = self.ctx = self.context(ex, page, signals)
        self.jurisdictions.append({"article": a.id, "jurisdiction": ctx.get("subdistrict", "town", "township", "district",
                                                                             "city"),
                                   "district": ctx.get("district"), "signal": ctx.signal,
                                   **({"signals_disagree": ctx.disagreement} if ctx.disagreement else {})})
        keys: list[str | None] = [None] * len(ex.mentions)
        # the questions asked of every mention (is a 该局 written right before it? which mention has
        # that span?) answered from indexes made once an article, not by a pass over its mentions
        self._spans = {}
        for j, n in enumerate(ex.mentions):
            self._spans.setdefault((n.start, n.end), []).append(j)
        self._unit_refs: dict[int, int] = {}
        for j, r in enumerate(ex.mentions):
            if r.rule == "reference-back" and r.kind == "organization":
                self._unit_refs.setdefault(r.end, j)
        # for 该局: the mentions resolved so far whose label ends in a word a 该 of the article points
        # back with, by kind and word, in reading order (bodies' and places' labels do not change)
        heads = {n.attrs["refers_to"] for n in ex.mentions if n.rule == "reference-back"}
        self._named: dict[tuple[str, str], list[int]] = {}
        self._keys = keys
        self._place_ends: dict[int, list[int]] = {}
        for j, p in enumerate(ex.mentions):
            if p.kind == "place":
                self._place_ends.setdefault(p.end, []).append(j)
        # in reading order, so that 该局 finds the bureau named before it
        for i in sorted(range(len(ex.mentions)), key=lambda i: ex.mentions[i].start):
            m = ex.mentions[i]
            if m.rule == "surname+title":
                continue  # once everyone named in full is known
            keys[i] = self._refer_back(ex, i, keys, ctx) if m.rule == "reference-back" else \
                self._resolve_mention(ex, m, ctx, unit_of=self._unit_of(ex, i, keys),
                                      juris_of=self._chain_jurisdiction(ex, m, keys))
            if keys[i] and heads and m.rule != "reference-back":
                label = self.entities[keys[i]].label
                for head in heads:
                    if label.endswith(head):
                        self._named.setdefault((m.kind, head), []).append(i)
        self._biographies(ex, keys)
        self._index_surnames(ex, keys)
        for i, m in enumerate(ex.mentions):
            if m.rule == "surname+title":
                keys[i] = self._surname_title(ex, i, keys)
        self._relations(ex, ctx, keys)
        city = self.page_city or ctx.get("city", "district") or "-"
        for credit in a.credits:
            p = self.entity(f"person/{city}/{credit.name}", "person", credit.name, a.id, None, "byline")
            p.mentions.append((a.id, Mention("person", credit.name, -1, -1, "byline")))
            self.facts.append(Fact("authored", f"article/{a.id}", p.key, a.id, None, "byline",
                                   {"role": credit.role}))

    def _biographies(self, ex: Extraction, keys: list[str | None]) -> None:
        """What a notice states of its candidates (gender, birth …) onto the person, each
        statement kept with its evidence; the native place as its place entity when one was read."""
        for i, m in enumerate(ex.mentions):
            if m.kind != "person" or not keys[i] or not m.attrs.get("notice"):
                continue
            fields = {k: m.attrs[k] for k in BIOGRAPHY if m.attrs.get(k)}
            span = m.attrs.get("native_place_mention")
            place = next((keys[j] for j in self._spans.get(tuple(span), ()) if keys[j] and ex.mentions[j].kind == "place"),
                         None) if span else None
            if place:
                fields["birth_place"] = place
            if not fields:
                continue
            e = self.entities[keys[i]]
            for k, v in fields.items():
                e.attrs.setdefault(k, v)
            ev = ex.evidence(m.sentence)
            e.attrs.setdefault("biography", []).append({"article": ex.article.id, "sentence": ev.sentence,
                                                        "start": ev.start, "end": ev.end, "rule": m.rule, **fields})

    def _refer_back(self, ex: Extraction, i: int, keys: list[str | None], ctx: Context) -> str | None:
        """该局 / 该街道: the nearest body or place of that kind named before it in the article,
        else (for places) the article's own."""
        m = ex.mentions[i]
        head = m.attrs["refers_to"]
        own = ctx.get(*REFERENCE_LEVELS.get(head, ())) if m.kind == "place" else None
        if own and head in ("区", "县", "市") and own.endswith(head):  # 该区: the district the report is about
            return self.place_entity(own, self.place_info.get(own, {}).get("level", "district"), ex.article.id, m,
                                     "reference-back→article-place").key
        # the nearest named before it: the latest start first; of those starting together, the first found
        named = self._named.get((m.kind, head), [])
        k = len(named) - 1
        while k >= 0:
            lo = k
            while lo > 0 and ex.mentions[named[lo - 1]].start == ex.mentions[named[k]].start:
                lo -= 1
            for j in named[lo:k + 1]:
                if ex.mentions[j].end <= m.start:
                    e = self.entities[keys[j]]
                    self.entity(e.key, e.kind, e.label, ex.article.id, m, "reference-back→" + ex.mentions[j].text)
                    return e.key
            k = lo - 1
        if own:
            return self.place_entity(own, self.place_info.get(own, {}).get("level", "district"), ex.article.id, m,
                                     "reference-back→article-place").key
        return None

    def _unit_of(self, ex: Extraction, i: int, keys: list[str | None]) -> str | None:
        """该局低保管理中心: the unit's body, when a 该 reference is written right before it."""
        m = ex.mentions[i]
        if m.kind != "organization":
            return None
        ref = self._unit_refs.get(m.start)
        return keys[ref] if ref is not None else None

    def _index_surnames(self, ex: Extraction, keys: list[str | None]) -> None:
        """For ``_surname_title``, once an article: the keys of the persons named in full, by the
        start of their name, and the titles they hold. (The keys of those mentions are final by
        now; only the surname+title ones, resolved one by one, are looked at as they stand.)"""
        self._people: dict[str, list[tuple[str, str]]] = {}  # first character → (name, key)
        for j, p in enumerate(ex.mentions):
            if keys[j] and p.kind == "person" and p.rule != "surname+title" and len(p.text) >= 2:
                self._people.setdefault(p.text[0], []).append((p.text, keys[j]))
        self._titles_of: dict[str, list[str]] = {}
        self._titled_later: list = []  # holds of surname+title mentions: their keys are not known yet
        for r in ex.relations:
            if r.kind != "holds":
                continue
            if ex.mentions[r.subject].rule == "surname+title":
                self._titled_later.append(r)
            elif keys[r.subject]:
                self._titles_of.setdefault(keys[r.subject], []).append(r.attrs.get("title", ""))

    def _surname_title(self, ex: Extraction, i: int, keys: list[str | None]) -> str | None:
        """陈书记: the one person of the article with that surname, preferably holding that title."""
        m = ex.mentions[i]
        surname, title = m.attrs["surname"], m.attrs["title"]
        people = {k for name, k in self._people.get(surname[:1], ()) if name.startswith(surname)}
        titled = {k for k in people if any(t.endswith(title) for t in self._titles_of.get(k, ()))} \
            | {keys[r.subject] for r in self._titled_later
               if keys[r.subject] in people and r.attrs.get("title", "").endswith(title)}
        chosen = titled if titled else people
        if len(chosen) != 1:
            return None  # nobody, or several: it is not for kg to guess
        key = next(iter(chosen))
        e = self.entities[key]
        self.entity(key, "person", e.label, ex.article.id, m, "surname+title→" + e.label)
        return key

    def _chain_jurisdiction(self, ex: Extraction, m: Mention, keys: list[str | None]) -> str | None:
        """The jurisdiction of the body that opens the post chain a bare organ sits in (纪委 of
        县委副书记、纪委书记X is that 县委's county)."""
        span = m.attrs.get("jurisdiction_from")
        if not span:
            return None
        j = next((j for j in self._spans.get(tuple(span), ()) if keys[j]), None)
        if j is None:
            return None
        e = self.entities[keys[j]]
        if e.kind == "place":
            return e.label
        juris = e.attrs.get("jurisdiction")
        return self.entities[juris].label if juris in self.entities else None

    def _resolve_mention(self, ex: Extraction, m: Mention, ctx: Context, unit_of: str | None = None,
                         juris_of: str | None = None) -> str | None:
        aid = ex.article.id
        if m.kind == "place":
            if m.attrs.get("bare"):
                label = self._zone_for(m.text, ctx)
                if not label:
                    return None
                city = ctx.get("city") or self.page_city
                if city and not self.place_info.get(label, {}).get("parent"):
                    self.place_info.setdefault(label, {"level": "zone"})["parent"] = city  # a zone lies in its city
                return self.place_entity(label, "zone", aid, m, "bare-zone→article-zone").key
            label = self.place_label(m)
            level = self.place_level(m, label)
            if level in SUB_LEVELS + ("community", "village", "zone") and label not in self.place_info:
                parent = ctx.get("subdistrict", "town") if level in ("community", "village") else None
                parent = parent or (ctx.get("district") if level in SUB_LEVELS or level in ("community", "village")
                                    else ctx.get("city"))
                if parent and parent != label:
                    self.place_info[label] = {"level": level, "parent": parent}
            return self.place_entity(label, level, aid, m, m.rule).key
        if m.kind == "organization":
            if unit_of:
                parent = self.entities[unit_of]
                label, juris, rule = parent.label + m.text, None, "unit-of-referred-body"
                e = self.entity(f"org/{label}", "organization", label, aid, m, rule)
                e.attrs.setdefault("parent_org", unit_of)
                if parent.attrs.get("jurisdiction"):
                    e.attrs.setdefault("jurisdiction", parent.attrs["jurisdiction"])
                return e.key
            label, juris, rule = self.org_label(m, ctx, juris_of, self._place_written_before(ex, m))
            if label is None:
                return None
            # 区委 where nothing tells which district: this page's, not every page's
            scope = unplaced(aid) + "/" if rule in ("abbrev-unresolved", "implicit-unresolved") else ""
            e = self.entity(f"org/{scope}{label}", "organization", label, aid, m, rule, organ=m.attrs.get("organ"))
            if juris and "jurisdiction" not in e.attrs:
                level = self.place_info.get(juris, {}).get("level") or (gazetteer.lookup(juris) or {}).get("level")
                j = self.place_entity(juris, level or "district", aid, None, "jurisdiction")
                e.attrs["jurisdiction"] = j.key
            return e.key
        if m.kind == "person":
            if any(c.name == m.text for c in ex.article.credits) or m.text in self.page_credits:
                city = self.page_city or ctx.get("city", "district") or "-"
                return self.entity(f"person/{city}/{m.text}", "person", m.text, aid, m,
                                   "byline-name-in-text").key
            if m.text in self.national:  # 习近平 is one node, whichever district's paper names him
                return self.entity(f"person/中央/{m.text}", "person", m.text, aid, m, "holds-a-central-post").key
            where = ctx.get("district", "city") or unplaced(aid)
            return self.entity(f"person/{where}/{m.text}", "person", m.text, aid, m, m.rule).key
        if m.kind == "initiative":
            label = re.sub(r"\s+", " ", m.text).strip("“”\"")
            where = ctx.get("district", "city") or unplaced(aid)
            names = [label] + [re.sub(r"\s+", " ", n) for n in m.attrs.get("names", ())]
            # one initiative however it is named: “一卡”服务 and “一卡”办理机制 share 一卡
            key = next((self.initiative_keys[(where, n)] for n in names if (where, n) in self.initiative_keys),
                       f"initiative/{where}/{label}")
            e = self.entity(key, "initiative", label, aid, m, m.rule)
            e.aliases.update(names)
            for n in names:
                self.initiative_keys.setdefault((where, n), key)
            return key
        if m.kind == "meeting":
            label = self._expand_abbrev(m.text, ctx)[0]
            # the headline's 第四十次会议 and the body's 相山区十一届人大常委会第四十次会议 are one meeting
            same = next((self.entities[k] for k in self.meetings_of.get(aid, ())
                         if self.entities[k].label.endswith(label) or label.endswith(self.entities[k].label)), None)
            if same is not None:
                if len(label) > len(same.label):
                    same.label = label
                return self.entity(same.key, "meeting", same.label, aid, m, m.rule).key
            e = self.entity(f"meeting/{aid}/{label}", "meeting", label, aid, m, m.rule, date=ex.article.date)
            self.meetings_of.setdefault(aid, []).append(e.key)
            return e.key
        return None

    def _zone_for(self, bare: str, ctx: Context) -> str | None:
        """The zone a bare 示范区 / 经开区 means: the article's (then the page's) zone of that kind."""
        bare = next((z for z in BARE_ZONES if bare.startswith(z)), bare)
        kinds = {"经开区": ("经开区", "经济技术开发区"), "高新区": ("高新区", "高新技术产业开发区")}.get(bare, (bare,))
        for counts in (ctx.counts, ctx.page):
            for (level, label), _ in counts.most_common():
                if level == "zone" and label.endswith(kinds) and label != bare:
                    return label
        return None

    def _expand_abbrev(self, text: str, ctx: Context) -> tuple[str, str | None]:
        """区X → <the article's district>X; returns (expanded text, jurisdiction label)."""
        for abbrev in sorted(ABBREV_LEVEL, key=len, reverse=True):
            if text.startswith(abbrev):
                juris = abbrev_jurisdiction(abbrev, ctx)
                if juris:
                    return juris + text[len(abbrev):], juris
                return text, None
        return text, None

    def _place_written_before(self, ex: Extraction, m: Mention) -> str | None:
        """蓬溪县 of 蓬溪县县委书记: the place written right before an abbreviated organ, when it is
        of the level the abbreviation names. It, not the article's own, is the organ's place: a
        report from one county names the visiting county's 县委 this way."""
        abbrev = m.attrs.get("abbrev")
        if not abbrev:
            return None
        levels = ABBREV_LEVEL.get(abbrev, ()) + (("district",) if abbrev == "市" else ())  # county-level cities
        for j in self._place_ends.get(m.start, ()):
            key = self._keys[j]
            e = self.entities.get(key) if key else None
            if e is not None and e.kind == "place" and e.attrs.get("level") in levels:
                return e.label
        return None

    def org_label(self, m: Mention, ctx: Context, juris_of: str | None = None,
                  written_place: str | None = None) -> tuple[str | None, str | None, str]:
        text = m.text
        juris = None
        rule = "as-written"
        if m.attrs.get("implicit_jurisdiction"):
            form = ORGAN_FORMS.get(text)
            if text.startswith("街道") or text in SUBDISTRICT_ORGANS:
                levels = ("subdistrict", "zone", "town", "district", "city")
            elif text in TOWN_ORGANS and m.rule == "organ-in-title":
                levels = ("town", "township", "district", "city")  # 党委书记, 人大主席 written bare: a town's
            else:
                levels = ("district", "city")
            juris = juris_of or ctx.get(*levels)
            if juris is None:
                return m.text, None, "implicit-unresolved"
            # 政府 of 政府旗长 is the banner's 人民政府; 纪委 of 县委副书记、纪委书记 the county's 纪委
            label = form["full"].format(j=juris) if form else juris + text
            return label, juris, "chain-jurisdiction" if juris_of else "implicit-jurisdiction"
        if m.attrs.get("abbrev") and written_place:
            text, juris = written_place + text[len(m.attrs["abbrev"]):], written_place
            rule = "place-written-before+abbrev"
        elif m.attrs.get("abbrev"):
            text, juris = self._expand_abbrev(text, ctx)
            if juris is None:  # 区政府 on a page that never names its district: the page's 区人民政府
                abbrev = m.attrs["abbrev"]
                rest = m.text[len(abbrev):]
                form = ORGAN_FORMS.get(rest)
                return (form["full"].format(j=abbrev) if form else m.text), None, "abbrev-unresolved"
            rule = "abbrev→jurisdiction"
        elif text.startswith(BARE_ZONES) and self._zone_for(text, ctx):
            bare = next(z for z in BARE_ZONES if text.startswith(z))
            juris = self._zone_for(bare, ctx)
            text = juris + text[len(bare):]
            rule = "bare-zone→article-zone"
        else:
            # the longest place label the text starts with
            entry_text = next((text[:n] for n in range(len(text), 0, -1) if text[:n] in self.place_info), None)
            if entry_text is None:
                match = gazetteer.division_regex().match(text)
                if match:
                    # a short form stays as written: 安徽大学 is not 安徽省大学
                    entry = gazetteer.lookup(match.group(0))
                    juris = entry["full"] if entry else None
            else:
                juris = entry_text
        rest = text[len(juris):] if juris and text.startswith(juris) else None
        if juris and not text.startswith(juris) and m.text[:2] != juris[:2]:
            juris = None
        if juris and rest in ORGAN_FORMS:
            text = ORGAN_FORMS[rest]["full"].format(j=juris)
            rule += "+organ-form"
        elif juris and rest:
            form = next((row["form"] for row in BODY_FULL_NAMES if re.match(row["pattern"], rest)), None)
            if form:  # 乌审旗第十六届委员会 is 乌审旗委
                text, rule = form.format(j=juris), rule + "+full-name"
        else:
            # 中国人民政治协商会议X区委员会 is X区政协, 中国共产党X区委员会 X区委
            full = re.fullmatch(rf"({'|'.join(FULL_NAME_HEADS)})(.{{2,12}}?)(?:第[一二三四五六七八九十]+届)?委员会", text)
            if full:
                place = full.group(2)
                text, rule = place + FULL_NAME_HEADS[full.group(1)], rule + "+full-name"
                juris = place if place in self.place_info or gazetteer.lookup(place) else juris
        return text, juris, rule

    def _relations(self, ex: Extraction, ctx: Context, keys: list[str | None]) -> None:
        aid = ex.article.id
        titles = _titles()
        last_org: dict[int, str | None] = {}
        previous: tuple = (None, None, None)  # (sentence, organisation key, its jurisdiction label)
        for r in ex.relations:
            subj = keys[r.subject]
            if subj is None:
                continue
            ev = ex.evidence(r.sentence)
            if r.kind in ("holds", "appointed", "removed", "nominated"):
                title = r.attrs["title"]
                org = keys[r.object] if r.object is not None else None
                if org and org.startswith("place/"):
                    org = self._implicit_org(titles.get(title, {}).get("organ"), self.entities[org].label, aid)
                if org is None:
                    organ = titles.get(title, {}).get("organ", "none")
                    same = previous if previous[0] == r.sentence else (None, None, None)
                    if organ == "none":
                        org = last_org.get(r.subject) or same[1]
                    elif organ == "central":
                        org = self._implicit_org(organ, "", aid)
                    else:
                        abbrev = title_abbrev(title)
                        # 副县长X到公阳乡…，乡长Y: a title that names its level is not the previous post's
                        juris = abbrev_jurisdiction(abbrev, ctx) if abbrev else \
                            same[2] or ctx.get(*ORGAN_LEVELS.get(organ, ("district", "city")))
                        org = self._implicit_org(organ, juris, aid, abbrev)
                if r.kind == "nominated":  # a proposed post (拟任): no observation of a post held
                    if org:
                        self.facts.append(Fact("nominated", subj, org, aid, ev, r.rule,
                                               {k: v for k, v in r.attrs.items() if k != "org_text"}, r.component))
                    continue
                last_org[r.subject] = org
                if org:
                    juris = self.entities[org].attrs.get("jurisdiction")
                    previous = (r.sentence, org, self.entities[juris].label if juris else None)
                # an appointment is a post held from that day, a removal one held up to it
                held = {"title": title, **({"former": True} if r.attrs.get("former") else {})}
                self.facts.append(Fact("holds", subj, org or "", aid, ev, r.rule, held, r.component))
                if r.kind != "holds" and org:
                    self.facts.append(Fact(r.kind, subj, org, aid, ev, r.rule, {"title": title}, r.component))
            elif r.kind in ("chaired", "attended") and r.object is not None and keys[r.object]:
                if not any(f.kind == r.kind and f.subject == subj and f.object == keys[r.object] and f.article == aid
                           for f in self.facts[-50:]):  # the headline's meeting and the body's are one
                    self.facts.append(Fact(r.kind, subj, keys[r.object], aid, ev, r.rule, component=r.component))
        # organisations belong to their jurisdiction; places sit in their parents
        for key in {k for k in keys if k}:
            e = self.entities[key]
            if e.kind == "organization" and e.attrs.get("jurisdiction"):
                self._structural("part_of", key, e.attrs["jurisdiction"], aid)
            if e.kind == "place" and e.attrs.get("parent"):
                self._structural("located_in", key, e.attrs["parent"], aid)
        self._runs(ex, keys)

    def _implicit_org(self, organ: str | None, juris: str | None, aid: str, abbrev: str | None = None) -> str | None:
        """区长 with no organisation written is a post of the jurisdiction's government; while no
        signal tells the jurisdiction, of the page's 区人民政府 (the organ, unplaced)."""
        if organ == "central":
            label = ORGAN_FORMS["中央"]["full"]
            return self.entity(f"org/{label}", "organization", label, aid, None, "implied-by-title", organ="party").key
        if organ not in ("party", "government", "congress", "cppcc", "discipline", "supervision",
                         "residents", "villagers") or not juris and not abbrev:
            return None
        scope = ""
        if not juris:
            juris, scope = abbrev, unplaced(aid) + "/"
        level = self.place_info.get(juris, {}).get("level") or (gazetteer.lookup(juris) or {}).get("level")
        for suffix, lv in (("街道", "subdistrict"), ("镇", "town"), ("乡", "township"), ("区", level or "district")):
            if juris.endswith(suffix):
                level = lv
                break
        form = {"party": "党工委" if level in ("subdistrict", "zone") else "委" if level != "town" else "党委",
                "government": "办事处" if level == "subdistrict" else "人民政府",
                "congress": "人大常委会", "cppcc": "政协",
                "discipline": "纪工委" if level in ("subdistrict", "zone") else "纪委", "supervision": "监委",
                "residents": "居委会", "villagers": "村委会"}[organ]
        label = ORGAN_FORMS[form]["full"].format(j=juris)
        e = self.entity(f"org/{scope}{label}", "organization", label, aid, None,
                        "implied-by-title" + ("+jurisdiction-unknown" if scope else ""), organ=organ)
        jplace = self.place_keys.get(juris)
        if jplace:
            e.attrs.setdefault("jurisdiction", jplace)
        return e.key

    def link_place_chains(self) -> None:
        """schema:containedInPlace for every place with a known parent, up to the province, also
        for the parents no article names (濉溪县 → 淮北市 → 安徽省)."""
        for e in list(self.entities.values()):
            if e.kind == "place" and e.attrs.get("parent") in self.entities:
                aid = e.mentions[0][0] if e.mentions else ""
                self._structural("located_in", e.key, e.attrs["parent"], aid)

    def link_sub_organizations(self) -> None:
        """org:subOrganizationOf between bodies the graph already has: a name that is its parent's
        name plus more (烈山区委组织部 → 烈山区委, 卫东区民政局低保管理中心 → 卫东区民政局), an
        organ under another organ of its jurisdiction (街道纪工委 → 街道党工委), a unit of a body
        written 该局X."""
        orgs = {e.label: e for e in self.entities.values() if e.kind == "organization"}
        for e in list(orgs.values()):
            aid = e.mentions[0][0] if e.mentions else ""
            parent = self.entities.get(e.attrs.get("parent_org", "")) if e.attrs.get("parent_org") else None
            rule = "unit-of-referred-body"
            if parent is None:
                longest = next((e.label[:n] for n in range(len(e.label) - 1, 2, -1) if e.label[:n] in orgs), None)
                if longest:
                    parent, rule = orgs[longest], "name-extends-parent"
            if parent is None:
                for child, up in ORGAN_PARENTS.items():
                    if e.label.endswith(child) and (e.label[:-len(child)] + up) in orgs:
                        parent, rule = orgs[e.label[:-len(child)] + up], "organ-under-organ"
                        break
            if parent is not None and parent.key != e.key:
                self.facts.append(Fact("sub_organization_of", e.key, parent.key, aid, None, rule))

    def _structural(self, kind: str, a: str, b: str, aid: str) -> None:
        if (kind, a, b) not in self.structure:
            self.structure.add((kind, a, b))
            self.facts.append(Fact(kind, a, b, aid, None, "structure"))

    def _runs(self, ex: Extraction, keys: list[str | None]) -> None:
        """An initiative is run by the nearest organisation or place named before it in its sentence."""
        aid = ex.article.id
        in_sentence: dict[int, list[tuple[int, Mention]]] = {}
        for j, n in enumerate(ex.mentions):
            if n.kind in ("organization", "place") and keys[j]:
                in_sentence.setdefault(n.sentence, []).append((j, n))
        for i, m in enumerate(ex.mentions):
            if m.kind != "initiative" or not keys[i]:
                continue
            actors = [(j, n) for j, n in in_sentence.get(m.sentence, ()) if n.end <= m.start]
            if actors:
                j, _ = max(actors, key=lambda jn: jn[1].end)
                self.facts.append(Fact("runs", keys[j], keys[i], aid, ex.evidence(m.sentence), "nearest-actor"))


def resolve(extractions: Iterable[Extraction], corpus: Corpus, page_done=None) -> Corpus:
    """Resolve all articles; articles of one page share a page-level place context, and pages
    whose text names no district take it from their outlet, hint, or site and folder.
    ``page_done(done, total)``, if given, is called as each page's articles are resolved (progress)."""
    resolver = Resolver()
    by_page: dict[str, list[Extraction]] = {}
    titles = _titles()
    for ex in extractions:
        by_page.setdefault(ex.article.source, []).append(ex)
        resolver.national |= {ex.mentions[r.subject].text for r in ex.relations if r.kind == "holds"
                              and titles.get(r.attrs.get("title", ""), {}).get("organ") == "central"}
    sources = {s.name: s for s in corpus.sources}
    page_counts: dict[str, Counter] = {}
    for name, page in by_page.items():
        page_counts[name] = Counter()
        for ex in page:
            page_counts[name].update(resolver.context(ex, Counter()).counts)
    groups = _group_districts(page_counts, sources)
    for done, (name, page) in enumerate(by_page.items(), 1):
        source = sources.get(name)
        resolver.page_hint = hint_places(source.jurisdiction if source else None)
        resolver.signals = [(kind, places) for kind, places in (
            ("kg.toml or --jurisdiction", resolver.page_hint),
            ("page source field", hint_places(source.outlet if source else None)),
            ("other pages of the site or folder", hint_places(groups.get(name)))) if places]
        resolver.page_credits = {c.name for ex in page for c in ex.article.credits}
        resolver.page_city = resolver.newsroom_city(page_counts[name])
        for ex in page:
            resolver.resolve_article(ex, page_counts[name])
        if page_done:
            page_done(done, len(by_page))
    resolver.link_sub_organizations()
    resolver.link_place_chains()
    corpus.entities = resolver.entities
    corpus.facts = [f for f in resolver.facts if f.object or f.kind == "holds"]
    corpus.jurisdictions = resolver.jurisdictions
    return corpus


def _group_districts(page_counts: dict[str, Counter], sources: dict) -> dict[str, str]:
    """For each page whose text names no district, the district the other pages of its site (or
    folder) name, when they all name the same one; never a guess between two."""
    def group(name: str) -> str:
        s = sources.get(name)
        if s is None:
            return ""
        path = s.path.rsplit(":", 1)[0] if s.format == "jsonl" else s.path  # file.jsonl:LINE
        return s.site or path.rsplit("/", 1)[0]

    own = {name: next((label for (level, label), _ in counts.most_common() if level in ("district", "zone")), None)
           for name, counts in page_counts.items()}
    by_group: dict[str, set[str]] = {}
    for name, district in own.items():
        if district:
            by_group.setdefault(group(name), set()).add(district)
    out = {}
    for name, district in own.items():
        named = by_group.get(group(name), set())
        if district is None and len(named) == 1:
            out[name] = next(iter(named))
    return out
