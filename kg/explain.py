"""``kg explain``: why a node is in a build's graph — its mentions (article, sentence, the
component and rule that found each), the resolution rules that made it one node, and the facts it
takes part in. Reads the ``explain.jsonl`` that ``kg build --explain`` writes."""

from __future__ import annotations

import json
from pathlib import Path

from . import lexicon
from .publish import BuildError, check
from .vocab import KGR


def describe_rule(rule: str, lang: str = "en") -> str:
    """What the rule that made a relation means, in words a reader of the evidence understands
    (``kg/lexicon/rules.tsv``), or the rule's id where the table has no row for it."""
    for row in lexicon.table("rules.tsv"):
        if rule == row["rule"] or row["rule"].endswith("-") and rule.startswith(row["rule"]):
            return row[lang]
    return rule


class ExplainError(Exception):
    pass


class UnreadableExplain(ExplainError, BuildError):
    """An explain.jsonl that is not JSON Lines (cut off or damaged)."""


def load(out_dir: Path) -> list[dict]:
    if out_dir.is_dir():
        check(out_dir, "explain.jsonl")
    path = out_dir / "explain.jsonl" if out_dir.is_dir() else out_dir
    if not path.is_file():
        raise ExplainError(f"{path}: no such file; build with `kg build ... -o {out_dir} --explain` first")
    records = []
    try:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                if not _well_formed(record):  # valid JSON, but not what kg wrote: said here, not as a KeyError later
                    raise UnreadableExplain(f"{path}, line {len(records) + 1}: not an entity or fact record of kg")
                records.append(record)
    except json.JSONDecodeError as err:
        raise UnreadableExplain(f"{path}, line {len(records) + 1}: not JSON ({err.msg})") from err
    except UnicodeDecodeError:
        raise UnreadableExplain(f"{path}, near line {len(records) + 1}: not UTF-8 text") from None
    return records


def _well_formed(record) -> bool:
    """The fields ``find`` and ``describe`` read, of the types kg writes them."""
    if not isinstance(record, dict):
        return False
    if record.get("type") == "entity":
        return (all(isinstance(record.get(k), str) for k in ("key", "label", "kind"))
                and isinstance(record.get("aliases"), list) and isinstance(record.get("mentions", []), list)
                and all(isinstance(m, dict) for m in record.get("mentions", [])))
    if record.get("type") == "fact":
        return (isinstance(record.get("subject"), str) and isinstance(record.get("object"), str | None)
                and isinstance(record.get("attrs", {}), dict) and isinstance(record.get("evidence"), dict | None))
    return False


def find(records: list[dict], query: str) -> list[dict]:
    """Entities whose key or IRI is ``query``, else whose label or another name is."""
    key = query.removeprefix(str(KGR))
    exact = [r for r in records if r["type"] == "entity" and r["key"] == key]
    if exact:
        return exact
    return [r for r in records if r["type"] == "entity" and (r["label"] == query or query in r["aliases"])]


def describe(records: list[dict], entity: dict) -> str:
    labels = {r["key"]: r["label"] for r in records if r["type"] == "entity"}
    lines = [f"{entity['label']}  ({entity['kind']}, {KGR}{entity['key']})"]
    others = [a for a in entity["aliases"] if a != entity["label"]]
    if others:
        lines.append("  also written: " + "、".join(others))
    lines.append("  made one node by: " + ", ".join(entity["resolution"]))
    lines.append(f"  mentions ({len(entity['mentions'])}):")
    for m in entity["mentions"]:
        where = f"{m['article']} [{m['start']}:{m['end']}]" if m["start"] is not None else m["article"]
        lines.append(f"    {where}  {m['component']}/{m['rule']}")
        if m.get("sentence"):
            lines.append(f"      {m['sentence']}")
    facts = [r for r in records if r["type"] == "fact" and entity["key"] in (r["subject"], r["object"])]
    if facts:
        lines.append(f"  facts ({len(facts)}):")
    for f in facts:
        subject, obj = labels.get(f["subject"], f["subject"]), labels.get(f["object"], f["object"] or "-")
        detail = f.get("attrs", {}).get("title") or f.get("attrs", {}).get("role") or ""
        lines.append(f"    {subject} —{f['kind']}{' ' + detail if detail else ''}→ {obj}  "
                     f"({f['component'] + '/' if f['component'] else ''}{f['rule']}, {f['article'] or '-'})")
        if f.get("evidence"):
            lines.append(f"      {f['evidence']['sentence']}")
    return "\n".join(lines)
