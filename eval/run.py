"""Build and score every evaluation set, and print one table of F1 per kind and set.

    .venv/bin/python eval/run.py [--sets seeds,dev,tune] [--detail] [--json OUT] [--verbose SET]

A set is a folder of pages and a gold annotation: ``seeds`` and ``dev`` are the team's
(``../shared/seeds`` + ``../shared/gold/seeds.json``, ``../shared/dev/pages`` +
``../shared/dev/gold.json``), and every ``eval/corpus/NAME/`` holding ``pages/`` and
``gold.json`` is one of the project's own. Each set is built with ``kg build PAGES --no-cache``
into a temporary folder and its ``graph.ttl`` scored by ``../shared/eval/score.py`` (loaded as it
is, so the numbers are the official scorer's). ``--json`` writes every number; ``--verbose SET``
prints the scorer's misses and extras for that set.

``heldout`` can be scored but never inspected: ``--verbose heldout`` is refused. Its pages are
the measure of text nobody tuned on; reading its misses while changing the rules would turn it
into a second tuning set, and the score would stop meaning anything about unseen text.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SCORER = SHARED / "eval" / "score.py"
CORPUS = ROOT / "eval" / "corpus"
HELD_APART = "heldout"
CAREER_PREFIX = "careers"  # eval/corpus/careers*/ hold career golds, scored by eval/careers.py
KINDS = ["person", "place", "organization", "initiative", "reporter", "post", "post+area", "chair", "entities (micro)"]
TEAM_SETS = {
    "seeds": (SHARED / "seeds", SHARED / "gold" / "seeds.json"),
    "dev": (SHARED / "dev" / "pages", SHARED / "dev" / "gold.json"),
}


class SetError(Exception):
    """A set that cannot be scored: unknown, or its pages or gold missing."""


def known_sets() -> dict[str, tuple[Path, Path]]:
    """Every set's (pages, gold), found or not: the team's, then eval/corpus/*/ (heldout last)."""
    sets = dict(TEAM_SETS)
    folders = sorted((d for d in CORPUS.glob("*/") if not d.name.startswith(CAREER_PREFIX)),
                     key=lambda d: (d.name == HELD_APART, d.name)) if CORPUS.is_dir() else []
    for folder in folders:
        sets[folder.name] = (folder / "pages", folder / "gold.json")
    return sets


def locate(name: str) -> tuple[Path, Path]:
    """(pages, gold) of a set, or SetError saying what is missing."""
    sets = known_sets()
    if name not in sets:
        raise SetError(f"unknown set {name!r}; the sets are {', '.join(sets)}")
    pages, gold = sets[name]
    for path, what in ((pages, "pages folder"), (gold, "gold")):
        if not (path.is_dir() if what == "pages folder" else path.is_file()):
            hint = f" ({SHARED} is the team material beside the clone)" if name in TEAM_SETS else ""
            raise SetError(f"set {name!r}: its {what} {path} is missing{hint}")
    return pages, gold


def default_sets() -> list[str]:
    """The team's sets, and the project's that hold both pages/ and gold.json."""
    return [name for name, (pages, gold) in known_sets().items()
            if name in TEAM_SETS or (pages.is_dir() and gold.is_file())]


def scorer():
    """../shared/eval/score.py as a module."""
    if not SCORER.is_file():
        raise SetError(f"the scorer {SCORER} is missing ({SHARED} is the team material beside the clone)")
    spec = importlib.util.spec_from_file_location("kg_eval_score", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def score_set(name: str, inspect: bool = False) -> dict:
    """Build set ``name`` and score it: {kind: score.py's row (tp, fp, fn, precision, recall, f1)}.
    With ``inspect``, also ``"misses"``: score.py's per-file misses and extras (never for heldout)."""
    if inspect and name == HELD_APART:
        raise SetError(f"{HELD_APART} is scored, never inspected")
    pages, gold = locate(name)
    gold_files = {entry["file"] for entry in json.loads(gold.read_text(encoding="utf-8"))["files"]}
    unpaged = gold_files - {p.name for p in pages.rglob("*") if p.is_file()}
    if unpaged:
        raise SetError(f"set {name!r}: gold names files not in {pages}: {', '.join(sorted(unpaged))}")
    with tempfile.TemporaryDirectory(prefix=f"kg-eval-{name}-") as tmp:
        out = Path(tmp)
        cmd = [sys.executable, "-m", "kg.cli", "build", str(pages), "-o", str(out / "build"), "--no-cache", "--no-html", "-q"]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode == 3:  # some input skipped: its gold counts as missed, which the score shows
            print(f"warning: kg build skipped some of {name}'s input:\n{done.stdout}{done.stderr}", file=sys.stderr)
        elif done.returncode:
            raise SetError(f"set {name!r}: kg build exited {done.returncode}:\n{done.stdout}{done.stderr}")
        argv = [str(gold), str(out / "build" / "graph.ttl"), "--json", str(out / "score.json")]
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            scorer().main(argv + (["--verbose"] if inspect else []))
        rows = {row["kind"]: row for row in json.loads((out / "score.json").read_text(encoding="utf-8"))}
    if inspect:
        text = printed.getvalue()
        rows["misses"] = text[: text.find("\nkind ") + 1].splitlines()  # the lines before score.py's table
    return rows


def f1_table(results: dict[str, dict]) -> str:
    lines = [f"{'kind':18}" + "".join(f" {name:>8}" for name in results)]
    lines += [f"{kind:18}" + "".join(f" {rows[kind]['f1']:>8.3f}" for rows in results.values()) for kind in KINDS]
    return "\n".join(lines)


def detail_table(name: str, rows: dict) -> str:
    lines = [f"{name:18} {'tp':>4} {'fp':>4} {'fn':>4} {'P':>6} {'R':>6} {'F1':>6}"]
    for kind in KINDS:
        r = rows[kind]
        lines.append(f"{kind:18} {r['tp']:>4} {r['fp']:>4} {r['fn']:>4}"
                     f" {r['precision']:>6.3f} {r['recall']:>6.3f} {r['f1']:>6.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", help="comma-separated sets (default: every set found)")
    ap.add_argument("--detail", action="store_true", help="also print tp, fp, fn, P and R per set")
    ap.add_argument("--json", metavar="OUT", help="write every number to OUT")
    ap.add_argument("--verbose", metavar="SET", help="print the scorer's misses and extras for SET (never heldout)")
    args = ap.parse_args(argv)
    if args.verbose == HELD_APART:
        print(f"refused: {HELD_APART} is the held-apart set; it is scored, never inspected, while tuning "
              "(its misses would make it a tuning set). Use --verbose on seeds, dev or tune.", file=sys.stderr)
        return 2
    names = [s for s in args.sets.split(",") if s] if args.sets else default_sets()
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
        print(f"{args.verbose}: misses and extras", *results[args.verbose].pop("misses"), "", sep="\n")
    print(f1_table(results))
    if args.detail:
        for name, rows in results.items():
            print("\n" + detail_table(name, rows))
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
