"""Export: the careers of a build as a person table and a spell table in the shape of the
hand-coded elite datasets (CPED): one row a person, one row a tenure, every cell traceable to
its sentence. ``docs/careers.md`` is the codebook.

    kg export DIR --to careers -o OUT    OUT/persons.csv, spells.csv, persons.parquet, spells.parquet
"""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx

from .export import iri, post_label

PERSON_COLUMNS = ["person_id", "iri", "name", "aliases", "gender", "ethnicity", "birth", "native_place", "education",
                  "party_joined", "work_started",
                  "jurisdictions", "merged_from", "spells", "first_seen", "last_seen", "evidence_article",
                  "evidence_file", "evidence_sentence", "evidence_start", "evidence_end"]
SPELL_COLUMNS = ["person_id", "name", "order", "start", "start_precision", "start_source", "end", "end_precision",
                 "end_source", "first_seen", "last_seen", "appointed", "removed", "observations",
                 "province", "province_code", "city", "city_code", "county", "county_code", "township",
                 "organisation", "organisation_id", "title", "post", "category", "acting", "deputy", "executive",
                 "rank", "predecessor_id", "successor_id", "article", "file", "sentence", "sentence_start",
                 "sentence_end", "url"]
TYPES = {"order": "INTEGER", "observations": "INTEGER", "spells": "INTEGER", "acting": "BOOLEAN", "deputy": "BOOLEAN",
         "executive": "BOOLEAN", "sentence_start": "BIGINT", "sentence_end": "BIGINT", "evidence_start": "BIGINT",
         "evidence_end": "BIGINT", "start": "DATE", "end": "DATE", "first_seen": "DATE", "last_seen": "DATE",
         "appointed": "DATE", "removed": "DATE"}
LEVEL_COLUMNS = {"province": "province", "city": "city", "district": "county", "zone": "county"}
TOWNSHIP_LEVELS = ("subdistrict", "town", "township")


def _chain(graph: nx.MultiDiGraph, place: str) -> dict[str, dict]:
    """The place and its ancestors by level (province, city, district …) as the graph has them."""
    out: dict[str, dict] = {}
    seen = set()
    while place and place in graph and place not in seen:
        seen.add(place)
        d = graph.nodes[place]
        out.setdefault(d.get("level") or "", {"label": d.get("label"), "adcode": d.get("adcode"), "key": place})
        place = d.get("parent")
    return out


def _day(date: str | None) -> str | None:
    return date if date and re.fullmatch(r"\d{4}-\d\d-\d\d", date) else None


def spell_rows(graph: nx.MultiDiGraph) -> list[dict]:
    """One row a spell, ordered by person and start; ``order`` counts each person's spells from 1."""
    nodes = graph.nodes
    rows = []
    for s in graph.graph.get("spells", []):
        person = nodes[s["person"]] if s["person"] in nodes else {}
        org = nodes[s["org"]] if s["org"] and s["org"] in nodes else {}
        chain = _chain(graph, s.get("jurisdiction") or org.get("jurisdiction") or "")
        places = {column: chain.get(level) for level, column in LEVEL_COLUMNS.items() if chain.get(level)}
        township = next((chain[lv] for lv in TOWNSHIP_LEVELS if lv in chain), None)
        ev = s.get("evidence") or {}
        source = nodes.get(f"source/{ev.get('file')}") or {}
        start = s.get("began") or s.get("first")
        end = s.get("ended") or s.get("last")
        rows.append({
            "person_id": s["person"], "name": person.get("label"), "order": 0,
            "start": _day(start), "start_precision": "day" if _day(start) else None,
            "start_source": ("appointed" if s.get("began") else "first seen") if start else None,
            "end": _day(end), "end_precision": "day" if _day(end) else None,
            "end_source": ("removed" if s.get("ended") else "last seen") if end else None,
            "first_seen": _day(s.get("first")), "last_seen": _day(s.get("last")),
            "appointed": _day(s.get("began")), "removed": _day(s.get("ended")),
            "observations": len(s.get("articles") or ()),
            "province": (places.get("province") or {}).get("label"),
            "province_code": (places.get("province") or {}).get("adcode"),
            "city": (places.get("city") or {}).get("label"), "city_code": (places.get("city") or {}).get("adcode"),
            "county": (places.get("county") or {}).get("label"),
            "county_code": (places.get("county") or {}).get("adcode"),
            "township": township["label"] if township else None,
            "organisation": org.get("label"), "organisation_id": s["org"] or None, "title": s["title"],
            "post": post_label(org.get("label") or "", s["title"]) if org else s["title"],
            "category": s.get("category") or None, "acting": bool(s.get("acting")), "deputy": bool(s.get("deputy")),
            "executive": bool(s.get("executive")), "rank": s.get("rank") or None,
            "predecessor_id": s.get("predecessor") or None, "successor_id": s.get("successor") or None,
            "article": ev.get("article"), "file": ev.get("file"), "sentence": ev.get("sentence") or None,
            "sentence_start": ev.get("start") if ev.get("sentence") else None,
            "sentence_end": ev.get("end") if ev.get("sentence") else None, "url": source.get("url"),
        })
    rows.sort(key=lambda r: (r["person_id"], r["start"] or "9999", r["organisation_id"] or "", r["title"]))
    order: dict[str, int] = {}
    for r in rows:
        order[r["person_id"]] = r["order"] = order.get(r["person_id"], 0) + 1
    return rows


def person_rows(graph: nx.MultiDiGraph, spells: list[dict]) -> list[dict]:
    """One row a person who holds at least one post, with what the texts state of them."""
    by_person: dict[str, list[dict]] = {}
    for r in spells:
        by_person.setdefault(r["person_id"], []).append(r)
    rows = []
    for key, own in sorted(by_person.items()):
        d = graph.nodes[key] if key in graph.nodes else {}
        days = sorted(x for r in own for x in (r["first_seen"], r["last_seen"], r["appointed"], r["removed"]) if x)
        first = own[0]
        places = sorted({r["county"] or r["city"] or r["province"] for r in own} - {None})
        rows.append({
            "person_id": key, "iri": str(iri(key)), "name": d.get("label"), "aliases": "|".join(d.get("aliases") or []),
            "gender": d.get("gender"), "ethnicity": d.get("ethnicity"), "birth": d.get("birth"),
            "native_place": d.get("native_place"), "education": d.get("education"),
            "party_joined": d.get("party_joined"), "work_started": d.get("work_started"),
            "jurisdictions": "|".join(places),
            "merged_from": "|".join(d.get("merged_keys") or []), "spells": len(own),
            "first_seen": days[0] if days else None, "last_seen": days[-1] if days else None,
            "evidence_article": first["article"], "evidence_file": first["file"],
            "evidence_sentence": first["sentence"], "evidence_start": first["sentence_start"],
            "evidence_end": first["sentence_end"],
        })
    return rows


def career_tables(graph: nx.MultiDiGraph) -> dict[str, tuple[list[str], list[dict]]]:
    spells = spell_rows(graph)
    return {"persons": (PERSON_COLUMNS, person_rows(graph, spells)), "spells": (SPELL_COLUMNS, spells)}


def write_careers(graph: nx.MultiDiGraph, out: Path, safe_formulas: bool = False) -> list[Path]:
    """persons and spells as CSV (UTF-8, RFC 4180, a header line; empty cell = unknown) and as
    typed Parquet (written by DuckDB)."""
    import duckdb

    from .graphdb import csv_writer, quote_identifier

    out.mkdir(parents=True, exist_ok=True)
    written = []
    con = duckdb.connect()
    for name, (columns, rows) in career_tables(graph).items():
        path = out / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv_writer(fh, safe_formulas)
            w.writerow(columns)
            w.writerows(["" if r[c] is None else str(r[c]).lower() if isinstance(r[c], bool) else r[c] for c in columns]
                        for r in rows)
        written.append(path)
        typed = ", ".join(f"{quote_identifier(c)} {TYPES.get(c, 'VARCHAR')}" for c in columns)
        con.execute(f"CREATE TABLE {name} ({typed})")
        if rows:
            con.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' for _ in columns)})",
                            [[r[c] for c in columns] for r in rows])
        path = out / f"{name}.parquet"
        con.table(name).write_parquet(str(path))
        written.append(path)
    con.close()
    return written
