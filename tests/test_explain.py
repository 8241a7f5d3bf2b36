"""kg/explain.py: the rules behind relations, in words."""

from __future__ import annotations

import json

from kg.explain import describe_rule
from kg.lexicon import table


def test_every_rule_of_the_seeds_graph_is_described_in_words(out_dir):
    graph = json.loads((out_dir / "graph.json").read_text(encoding="utf-8"))
    rules = {e["rule"] for e in graph["edges"] if e.get("rule")}

    assert len(rules) >= 10
    assert [r for r in sorted(rules) if describe_rule(r) == r] == []
    assert [r for r in sorted(rules) if describe_rule(r, "zh") == r] == []


def test_a_meeting_rule_is_described_by_the_prefix_its_verb_follows():
    assert "meeting" in describe_rule("meeting-主持")
    assert describe_rule("meeting-列席", "zh") == describe_rule("meeting-出席", "zh")


def test_a_rule_the_table_does_not_know_stays_as_it_is():
    assert describe_rule("no-such-rule") == "no-such-rule"


def test_the_table_has_both_languages_for_every_rule():
    rows = table("rules.tsv")
    assert rows and all(r["rule"] and r["zh"] and r["en"] for r in rows)
