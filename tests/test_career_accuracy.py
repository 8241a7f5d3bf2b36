"""Career accuracy floors: each career set in eval/floors.json (careers, careers-heldout) is built
once and scored by eval/careers.py, and each kind's F1 must be at least its floor there.

The sets are the project's own (eval/corpus/careers*/), so they are always present: a missing
page folder or gold fails the test, it never skips.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("kg_eval_careers", ROOT / "eval" / "careers.py")
CAREERS = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(CAREERS)

FLOORS = {name: kinds for name, kinds in json.loads((ROOT / "eval" / "floors.json").read_text(encoding="utf-8")).items()
          if name in CAREERS.SETS}


@pytest.fixture(scope="module")
def scored(request) -> tuple[str, dict | str]:
    """One career set built and scored once for all its kinds, or why it cannot be."""
    name = request.param
    try:
        return name, CAREERS.score_set(name)
    except CAREERS.SetError as e:
        return name, str(e)


@pytest.mark.parametrize("scored", list(FLOORS), indirect=True)
def test_f1_at_least_floor(scored):
    name, rows = scored
    if isinstance(rows, str):
        pytest.fail(rows)
    low = [f"{kind}: F1 {rows[kind]['f1']:.3f} < floor {floor:.2f}" for kind, floor in FLOORS[name].items()
           if rows[kind]["f1"] < floor]
    assert not low, f"{name} below its floors (eval/floors.json): " + "; ".join(low)


def test_every_career_set_has_floors_of_known_kinds():
    assert set(FLOORS) == set(CAREERS.SETS), "eval/floors.json must give floors for every career set"
    for name, kinds in FLOORS.items():
        unknown = set(kinds) - set(CAREERS.KINDS)
        assert not unknown, f"eval/floors.json: {name} has floors for kinds eval/careers.py has not: {unknown}"


def test_verbose_on_the_held_apart_set_is_refused(capsys):
    assert CAREERS.main(["--verbose", CAREERS.HELD_APART]) == 2
    assert "refused" in capsys.readouterr().err


def test_inspecting_the_held_apart_set_raises_before_building():
    with pytest.raises(CAREERS.SetError, match="never inspected"):
        CAREERS.score_set(CAREERS.HELD_APART, inspect=True)


@pytest.mark.parametrize("org, title, expected", [
    ("中共青山县委员会", "副书记", ("青山县委", "副书记")),
    ("青山县委", "副书记", ("青山县委", "副书记")),
    ("青山县人民代表大会常务委员会", "主任", ("青山县人大常委会", "主任")),
    ("政协青山县委员会", "主席", ("青山县政协", "主席")),
    ("政协青山县委员会党组", "书记", ("青山县政协党组", "书记")),
    ("青山县政协", "党组书记", ("青山县政协党组", "书记")),
    ("中共青山市委政法委", "政法委书记", ("青山市委政法委", "书记")),
    ("白河区区委", "书记", ("白河区委", "书记")),
    ("青山县政府", "代理县长", ("青山县人民政府", "代县长")),
    ("青山县人民政府办公室", "主任", ("青山县政府办", "主任")),
    ("青山县委", "委员", ("青山县委", "委员")),
])
def test_post_forms_compare_a_readers_full_names_with_kgs_labels(org, title, expected):
    assert CAREERS.post_form(org, title) == expected


def test_linking_counts_pairs_across_files_and_localities():
    gold = {"files": [{"file": f, "date": d, "locality": loc, "posts": [{"name": "王明", "organisation": o, "title": t}]}
                      for f, d, loc, o, t in (("a.txt", "2020-01-01", "青山县", "青山县人民政府", "副县长"),
                                              ("b.txt", "2021-01-01", "青山县", "青山县人民政府", "副县长"),
                                              ("c.txt", "2022-01-01", "白河县", "白河县人民政府", "县长"))],
            "people": [{"person": "王明", "mentions": [["a.txt", "王明"], ["b.txt", "王明"], ["c.txt", "王明"]]}]}
    # kg joined a and b (one county) but kept c, the other county's 王明, a node of its own
    graph = {"nodes": [{"id": "person/青山县/王明", "kind": "person", "label": "王明", "aliases": [],
                        "articles": ["a.txt#0", "b.txt#0"]},
                       {"id": "person/白河县/王明", "kind": "person", "label": "王明", "aliases": [],
                        "articles": ["c.txt#0"]}],
             "graph": {"spells": []}}
    every, across, details = CAREERS.score_linking(gold, graph)
    assert (every["tp"], every["fp"], every["fn"]) == (1, 0, 2)
    assert (across["tp"], across["fp"], across["fn"]) == (0, 0, 2)
    assert [("a.txt", "王明"), ("c.txt", "王明")] in details["missed links"]


def test_a_spell_is_right_only_with_its_first_and_last_dates():
    gold = {"files": [{"file": f, "date": d, "locality": "青山县",
                       "posts": [{"name": "王明", "organisation": "青山县人民政府", "title": "县长"}]}
                      for f, d in (("a.txt", "2020-01-01"), ("b.txt", "2021-06-01"))],
            "people": [{"person": "王明", "mentions": [["a.txt", "王明"], ["b.txt", "王明"]]}]}
    nodes = [{"id": "person/青山县/王明", "kind": "person", "label": "王明", "aliases": [], "articles": ["a.txt#0"]},
             {"id": "org/青山县人民政府", "kind": "organization", "label": "青山县人民政府", "aliases": []}]

    def spell(first, last, articles):
        return {"person": "person/青山县/王明", "org": "org/青山县人民政府", "title": "县长", "first": first,
                "last": last, "articles": articles}

    whole = {"nodes": nodes, "graph": {"spells": [spell("2020-01-01", "2021-06-01", ["a.txt#0", "b.txt#0"])]}}
    cut = {"nodes": nodes, "graph": {"spells": [spell("2020-01-01", "2020-01-01", ["a.txt#0"])]}}
    assert CAREERS.score_spells(gold, whole)[0]["tp"] == 1
    right, details = CAREERS.score_spells(gold, cut)
    assert (right["tp"], right["fp"], right["fn"]) == (0, 1, 1)
    assert details["wrong dates"] == [("王明", "青山县人民政府", "县长", "gold 2020-01-01..2021-06-01",
                                       "kg 2020-01-01..2020-01-01")]
