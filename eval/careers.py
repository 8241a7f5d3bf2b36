"""Build and score the career sets: posts per file, tenure spells, and one person across pages.

    .venv/bin/python eval/careers.py [--sets careers,careers-heldout] [--json OUT] [--verbose SET]

A career set is ``eval/corpus/careers*/`` with ``pages/`` and a ``gold.json`` in the careers
layout (its README says how it was annotated): per file the posts people hold as the text states
them, and across files ``people`` (mentions that are one person) and ``namesakes`` (pairs that
are not). Each set is built with ``kg build PAGES --no-cache`` into a temporary folder and its
``graph.json`` (the spells and the person nodes, after the careers stage's merges) is scored:

- **posts**: (file, person name, organisation, title) of every spell observation and every
  post held in no known body, against the gold's posts. Organisations are compared in one
  canonical form (``中共X委员会`` = ``X委``, ``X人民代表大会常务委员会`` = ``X人大常委会``,
  ``政协X委员会`` = ``X政协`` …: ``ORG_FORMS``), titles with ``代理`` written ``代``.
- **spells**: a gold spell is one person in one post; it starts on the date of the first file
  that shows it and ends on the last (file dates are in the file names). A kg spell is right when
  it is the same name and post, shares a file with the gold spell, and has both dates right.
- **same person**: pairwise precision and recall over (file, name) mentions in different files,
  all of them and those whose pages are about different localities (the careers that span
  pages). A mention is the kg person node of that name that the file's articles mention.
- **namesakes**: gold pairs of different people that kg made one node.

``careers-heldout`` is scored, never inspected: ``--verbose careers-heldout`` is refused, as
eval/run.py refuses ``--verbose heldout``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "eval" / "corpus"
SETS = ("careers", "careers-heldout")
HELD_APART = "careers-heldout"
KINDS = ["posts", "spells", "same person", "same person across localities"]

# one canonical form per organisation name, applied in order to gold and kg labels alike: a
# reader writes the full name (中共开江县委员会), kg the short one it labels bodies by (开江县委)
ORG_FORMS = (
    (re.compile(r"^中共"), ""),
    (re.compile(r"^政协(.+?)委员会(党组)?$"), r"\1政协\2"),
    (re.compile(r"^(.+)人民代表大会常务委员会$"), r"\1人大常委会"),
    (re.compile(r"^(.+)纪律检查委员会$"), r"\1纪委"),
    (re.compile(r"^(.+?[省市州县区镇乡])委员会$"), r"\1委"),
    (re.compile(r"^(.+区)区委"), r"\1委"),
    (re.compile(r"^(.+[省市州县区镇乡])政府$"), r"\1人民政府"),
    (re.compile(r"人民政府办公室$"), "政府办"),
    (re.compile(r"委政法委员会$"), "委政法委"),
)
TITLE_FORMS = ((re.compile(r"^代理"), "代"),)
PARTY_GROUP = "党组"


class SetError(Exception):
    """A set that cannot be scored: unknown, its pages or gold missing, or its build failed."""


def canonical(text: str, forms) -> str:
    for pattern, replacement in forms:
        text = pattern.sub(replacement, text)
    return text


def org_form(org: str) -> str:
    return canonical(org.strip(), ORG_FORMS)


def title_form(title: str) -> str:
    return canonical(title.strip(), TITLE_FORMS)


def post_form(org: str, title: str) -> tuple[str, str]:
    """(organisation, title) in one form however the post is cut: 县政协 + 党组书记 is 县政协党组 +
    书记, and a title that repeats the body's last words (市委政法委 + 政法委书记) drops them."""
    org, title = org_form(org) if org else "", title_form(title)
    if title.startswith(PARTY_GROUP) and len(title) > len(PARTY_GROUP):
        org, title = org + PARTY_GROUP, title[len(PARTY_GROUP):]
    for k in range(len(title) - 1, 1, -1):
        if org.endswith(title[:k]):
            return org, title[k:]
    return org, title


def locate(name: str) -> tuple[Path, Path]:
    """(pages, gold) of a career set, or SetError saying what is missing."""
    if name not in SETS:
        raise SetError(f"unknown career set {name!r}; the sets are {', '.join(SETS)}")
    folder = CORPUS / name
    pages, gold = folder / "pages", folder / "gold.json"
    if not pages.is_dir():
        raise SetError(f"set {name!r}: its pages folder {pages} is missing")
    if not gold.is_file():
        raise SetError(f"set {name!r}: its gold {gold} is missing")
    return pages, gold


def read_gold(path: Path, pages: Path) -> dict:
    try:
        gold = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise SetError(f"{path}: cannot read the gold: {err}") from None
    if not isinstance(gold, dict) or not isinstance(gold.get("files"), list):
        raise SetError(f"{path}: not a careers gold (no 'files' list)")
    missing = sorted({f["file"] for f in gold["files"]} - {p.name for p in pages.iterdir()})
    if missing:
        raise SetError(f"{path}: gold names files not in {pages}: {', '.join(missing)}")
    return gold


def build(pages: Path, out: Path) -> dict:
    """kg's graph.json for ``pages``, built into ``out``."""
    cmd = [sys.executable, "-m", "kg.cli", "build", str(pages), "-o", str(out), "--no-cache", "--no-html", "-q"]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if done.returncode == 3:  # some input skipped: its gold counts as missed, which the score shows
        print(f"warning: kg build skipped some of {pages}:\n{done.stdout}{done.stderr}", file=sys.stderr)
    elif done.returncode:
        raise SetError(f"kg build {pages} exited {done.returncode}:\n{done.stdout}{done.stderr}")
    return json.loads((out / "graph.json").read_text(encoding="utf-8"))


def file_of(article: str) -> str:
    return article.split("#")[0]


# -- what the gold says ------------------------------------------------------------------------


def gold_posts(gold: dict) -> set[tuple[str, str, str, str]]:
    return {(f["file"], p["name"], *post_form(p["organisation"], p["title"]))
            for f in gold["files"] for p in f["posts"]}


def gold_person_of(gold: dict) -> dict[tuple[str, str], str]:
    """(file, name) → a person id: the ``people`` group it is in, else the mention itself; the
    leaders the linking score leaves out are one person each wherever they are named."""
    leaders = set(gold.get("linking_leaves_out", []))
    person = {}
    for group in gold.get("people", []):
        for file, name in group["mentions"]:
            person[(file, name)] = f"group:{group['person']}:{group['mentions'][0][0]}"
    for f in gold["files"]:
        for p in f["posts"]:
            alone = f"leader:{p['name']}" if p["name"] in leaders else f"single:{f['file']}:{p['name']}"
            person.setdefault((f["file"], p["name"]), alone)
    return person


def gold_spells(gold: dict) -> dict[tuple[str, str, str, str], dict]:
    """(person id, name, org, title) → {"files", "start", "end"}: the first and last dates of the
    files that show the post held (a 原… post was held before the report, so it dates nothing)."""
    person = gold_person_of(gold)
    spells: dict[tuple, dict] = {}
    for f in gold["files"]:
        for p in f["posts"]:
            key = (person[(f["file"], p["name"])], p["name"], *post_form(p["organisation"], p["title"]))
            spell = spells.setdefault(key, {"files": set(), "dates": []})
            spell["files"].add(f["file"])
            if not p.get("former"):
                spell["dates"].append(f["date"])
    for spell in spells.values():
        dates = spell.pop("dates")
        spell["start"], spell["end"] = (min(dates), max(dates)) if dates else (None, None)
    return spells


def gold_mentions(gold: dict) -> set[tuple[str, str]]:
    """Every (file, name) the linking score counts: posts' holders and people's mentions, less
    the names the gold leaves out (national and provincial leaders seen everywhere)."""
    left_out = set(gold.get("linking_leaves_out", []))
    mentions = {(f["file"], p["name"]) for f in gold["files"] for p in f["posts"]}
    mentions |= {tuple(m) for g in gold.get("people", []) for m in g["mentions"]}
    return {m for m in mentions if m[1] not in left_out}


# -- what kg built -----------------------------------------------------------------------------


def kg_posts(graph: dict) -> set[tuple[str, str, str, str]]:
    labels = {n["id"]: n.get("label", "") for n in graph["nodes"]}
    posts = set()
    for spell in graph["graph"].get("spells", []):
        name, post = labels.get(spell["person"], ""), post_form(labels.get(spell["org"], ""), spell["title"])
        for article in spell["articles"]:
            posts.add((file_of(article), name, *post))
    for node in graph["nodes"]:
        for post in node.get("bodiless_posts", []):
            posts.add((file_of(post["article"]), node.get("label", ""), *post_form("", post["title"])))
    return posts


def kg_spells(graph: dict) -> list[dict]:
    labels = {n["id"]: n.get("label", "") for n in graph["nodes"]}
    spells = []
    for s in graph["graph"].get("spells", []):
        org, title = post_form(labels.get(s["org"], ""), s["title"])
        spells.append({"person": s["person"], "name": labels.get(s["person"], ""), "org": org, "title": title,
                       "files": {file_of(a) for a in s["articles"]},
                       "start": s.get("began") or s.get("first"), "end": s.get("ended") or s.get("last")})
    return spells


def kg_person_of(graph: dict, mentions: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(file, name) → the id of the kg person node of that name whose articles include the file
    (the smallest id when several do, so the answer is stable)."""
    by_name: dict[str, list[dict]] = defaultdict(list)
    for node in graph["nodes"]:
        if node.get("kind") == "person":
            for name in {node.get("label", ""), *node.get("aliases", [])}:
                by_name[name].append(node)
    person = {}
    for file, name in mentions:
        ids = sorted(n["id"] for n in by_name.get(name, []) if file in {file_of(a) for a in n.get("articles", [])})
        if ids:
            person[(file, name)] = ids[0]
    return person


# -- scores ------------------------------------------------------------------------------------


def row(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def score_posts(gold: dict, graph: dict) -> tuple[dict, dict]:
    files = {f["file"] for f in gold["files"]}
    want, got = gold_posts(gold), {p for p in kg_posts(graph) if p[0] in files}
    return row(len(want & got), len(got - want), len(want - got)), {
        "missed": sorted(want - got), "extra": sorted(got - want)}


def score_spells(gold: dict, graph: dict) -> tuple[dict, dict]:
    """A kg spell is right when it matches a gold spell (name, org, title, a shared file; each
    gold spell matched once, by the largest shared set of files) and has its start and end."""
    want = gold_spells(gold)
    files = {f["file"] for f in gold["files"]}
    got = [s for s in kg_spells(graph) if s["files"] & files]
    used, right, wrong = set(), [], []
    for s in sorted(got, key=lambda s: (s["name"], s["org"], s["title"], sorted(s["files"]))):
        candidates = [(len(s["files"] & g["files"]), key) for key, g in want.items()
                      if key not in used and key[1:] == (s["name"], s["org"], s["title"]) and s["files"] & g["files"]]
        if not candidates:
            continue
        key = max(candidates)[1]
        used.add(key)
        g = want[key]
        (right if (s["start"], s["end"]) == (g["start"], g["end"]) else wrong).append(
            (key[1], key[2], key[3], f"gold {g['start']}..{g['end']}", f"kg {s['start']}..{s['end']}"))
    tp = len(right)
    return row(tp, len(got) - tp, len(want) - tp), {"wrong dates": sorted(wrong),
                                                    "missed": sorted(k[1:] for k in want if k not in used)}


def pairs(groups: dict[str, list[tuple[str, str]]]) -> set[frozenset]:
    out = set()
    for members in groups.values():
        for a, b in itertools.combinations(sorted(set(members)), 2):
            if a[0] != b[0]:
                out.add(frozenset((a, b)))
    return out


def score_linking(gold: dict, graph: dict) -> tuple[dict, dict, dict]:
    """(all cross-file pairs, pairs across localities, details)."""
    mentions = gold_mentions(gold)
    want_person = gold_person_of(gold)
    got_person = kg_person_of(graph, mentions)
    want_groups, got_groups = defaultdict(list), defaultdict(list)
    for m in mentions:
        want_groups[want_person.get(m, f"single:{m}")].append(m)
        if m in got_person:
            got_groups[got_person[m]].append(m)
    unsure = {frozenset(tuple(m) for m in u["mentions"]) for u in gold.get("unsure", [])}
    want, got = pairs(want_groups) - unsure, pairs(got_groups) - unsure
    locality = {f["file"]: f["locality"] for f in gold["files"]}

    def across(ps):
        return {p for p in ps if len({locality[m[0]] for m in p}) == 2}

    details = {"missed links": sorted(sorted(p) for p in want - got), "wrong links": sorted(sorted(p) for p in got - want),
               "no node": sorted(m for m in mentions if m not in got_person)}
    wa, ga = across(want), across(got)
    return (row(len(want & got), len(got - want), len(want - got)), row(len(wa & ga), len(ga - wa), len(wa - ga)),
            details)


def score_namesakes(gold: dict, graph: dict) -> dict:
    pairs_ = [tuple(tuple(m) for m in p) for p in gold.get("namesakes", [])]
    got_person = kg_person_of(graph, {m for p in pairs_ for m in p})
    merged = [p for p in pairs_ if p[0] in got_person and got_person.get(p[0]) == got_person.get(p[1])]
    return {"pairs": len(pairs_), "merged": len(merged), "which": merged}


def score_set(name: str, inspect: bool = False) -> dict:
    """Build career set ``name`` and score it: {kind: row, "namesakes": {...}}; with ``inspect``
    also "details" (misses and extras: never for the held-apart set)."""
    if inspect and name == HELD_APART:
        raise SetError(f"{HELD_APART} is scored, never inspected")
    pages, gold_path = locate(name)
    gold = read_gold(gold_path, pages)
    with tempfile.TemporaryDirectory(prefix=f"kg-eval-{name}-") as tmp:
        graph = build(pages, Path(tmp) / "build")
    posts, posts_detail = score_posts(gold, graph)
    spells, spells_detail = score_spells(gold, graph)
    linked, linked_across, link_detail = score_linking(gold, graph)
    result = {"posts": posts, "spells": spells, "same person": linked,
              "same person across localities": linked_across, "namesakes": score_namesakes(gold, graph)}
    if inspect:
        result["details"] = {"posts": posts_detail, "spells": spells_detail, "same person": link_detail}
    return result


def table(results: dict[str, dict]) -> str:
    lines = [f"{'set':16} {'kind':30} {'tp':>4} {'fp':>4} {'fn':>4} {'P':>6} {'R':>6} {'F1':>6}"]
    for name, rows in results.items():
        for kind in KINDS:
            r = rows[kind]
            lines.append(f"{name:16} {kind:30} {r['tp']:>4} {r['fp']:>4} {r['fn']:>4}"
                         f" {r['precision']:>6.3f} {r['recall']:>6.3f} {r['f1']:>6.3f}")
        n = rows["namesakes"]
        lines.append(f"{name:16} {'namesakes merged':30} {n['merged']:>4} of {n['pairs']}")
    return "\n".join(lines)


def print_details(name: str, details: dict) -> None:
    print(f"{name}: misses and extras")
    for kind, parts in details.items():
        for part, items in parts.items():
            print(f"  {kind} / {part}: {len(items)}")
            for item in items:
                print(f"    {item}")
    print()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", help=f"comma-separated career sets (default: {','.join(SETS)})")
    ap.add_argument("--json", metavar="OUT", help="write every number to OUT")
    ap.add_argument("--verbose", metavar="SET", help=f"print the misses and extras of SET (never {HELD_APART})")
    args = ap.parse_args(argv)
    if args.verbose == HELD_APART:
        print(f"refused: {HELD_APART} is the held-apart career set; it is scored, never inspected, while "
              "tuning (its misses would make it a tuning set). Use --verbose careers.", file=sys.stderr)
        return 2
    names = [s for s in args.sets.split(",") if s] if args.sets else list(SETS)
    if args.verbose and args.verbose not in names:
        names.append(args.verbose)
    results = {}
    try:
        for name in names:
            locate(name)  # every set's pages and gold before the first build
        for name in names:
            results[name] = score_set(name, inspect=name == args.verbose)
    except SetError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    if args.verbose:
        print_details(args.verbose, results[args.verbose].pop("details"))
    print(table(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1, default=sorted) + "\n",
                                   encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
