"""Accuracy floors: every set in eval/floors.json is built once and scored by eval/run.py (which
uses ../shared/eval/score.py), and each kind's F1 must be at least its floor there.

The team sets live in ../shared, beside the clone (CI has it too); without it this test fails,
it never skips, so a missing measure is never mistaken for a passing one.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("kg_eval_run", ROOT / "eval" / "run.py")
RUN = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(RUN)

FLOORS = {name: kinds for name, kinds in json.loads((ROOT / "eval" / "floors.json").read_text(encoding="utf-8")).items()
          if not name.startswith(("_", RUN.CAREER_PREFIX))}  # career sets: tests/test_career_accuracy.py


@pytest.fixture(scope="module")
def scored(request) -> tuple[str, dict | str]:
    """One set built and scored, once for all its kinds: (set, {kind: score.py's row}), or (set,
    why it cannot be scored) for the tests to fail with: a missing measure fails, never skips."""
    name = request.param
    if not RUN.SHARED.is_dir():
        return name, f"{RUN.SHARED} is missing: the accuracy floors need the team material beside the clone"
    try:
        return name, RUN.score_set(name)
    except RUN.SetError as e:
        return name, str(e)


# one fixture parameter a set (not a (set, kind) pair), so each set is built once for all its kinds
@pytest.mark.parametrize("kind", RUN.KINDS)
@pytest.mark.parametrize("scored", list(FLOORS), indirect=True)
def test_f1_at_least_floor(scored, kind):
    name, rows = scored
    if isinstance(rows, str):
        pytest.fail(rows)
    floor = FLOORS[name].get(kind)
    assert floor is not None, f"eval/floors.json gives {name} no floor for {kind}"
    f1 = rows[kind]["f1"]
    assert f1 >= floor, f"{name} {kind}: F1 {f1:.3f} is below its floor {floor:.2f} (eval/floors.json)"


def test_floors_name_only_scored_kinds():
    for name, kinds in FLOORS.items():
        unknown = set(kinds) - set(RUN.KINDS)
        assert not unknown, f"eval/floors.json: {name} has floors for kinds the scorer has not: {unknown}"
