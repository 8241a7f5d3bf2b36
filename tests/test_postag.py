"""kg's decoder for jieba's part-of-speech HMM (kg/extract/postag.py) against jieba's own: the same
probability and the same states for every run of Han characters on every page kg has, and for
random strings (characters jieba's model has never seen included, where its fallbacks run), so
every tag, and every mention that depends on one, is what jieba.posseg gives."""

from __future__ import annotations

import importlib
import logging
from functools import cache
from pathlib import Path

import jieba
import jieba.posseg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract import postag
from kg.read import read
from kg.records import Source

ROOT = Path(__file__).resolve().parent.parent
CORPORA = [ROOT / "seeds", ROOT.parent / "shared" / "dev" / "pages",
           *sorted(p for p in (ROOT / "eval" / "corpus").glob("*/pages") if p.is_dir())]
MODEL = (jieba.posseg.char_state_tab_P, jieba.posseg.start_P, jieba.posseg.trans_P, jieba.posseg.emit_P)
# the package's name ``viterbi`` is the function once postag.install() ran; the module keeps jieba's
JIEBA_VITERBI = importlib.import_module("jieba.posseg.viterbi").viterbi

jieba.setLogLevel(logging.WARNING)


@cache
def han_runs(folder: Path) -> list[str]:
    """Every run jieba.posseg hands its decoder (it splits text by ``re_han_detail``)."""
    runs = set()
    for source in read([str(folder)]):
        if isinstance(source, Source):
            runs.update(b for b in jieba.posseg.re_han_detail.split(source.text)
                        if b and jieba.posseg.re_han_detail.match(b))
    return sorted(runs)


@pytest.mark.parametrize("folder", CORPORA, ids=lambda p: p.parent.name if p.name == "pages" else p.name)
def test_same_states_as_jieba_on_every_han_run_of_the_corpora(folder):
    runs = han_runs(folder)
    assert len(runs) > 50, f"{folder}: expected real pages"
    differ = [r for r in runs if postag.viterbi(r, *MODEL) != JIEBA_VITERBI(r, *MODEL)]
    assert differ == []


# the seeds' characters, rare ones, and characters outside jieba's emission tables (its fallback
# to every state, and states no previous one reaches)
ALPHABET = sorted(set("".join(han_runs(ROOT / "seeds")))) + list("龘齉靐䲜𠀀㐀鿿")


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet=ALPHABET, min_size=1, max_size=40))
def test_same_states_as_jieba_on_random_strings(text):
    assert postag.viterbi(text, *MODEL) == JIEBA_VITERBI(text, *MODEL)


def test_installed_decoder_gives_jieba_s_tags():
    pages = [s.text for s in read([str(ROOT / "seeds")]) if isinstance(s, Source)]
    assert postag.install()
    ours = [[(w.word, w.flag) for w in jieba.posseg.cut(t)] for t in pages]
    jieba.posseg.viterbi = JIEBA_VITERBI
    try:
        theirs = [[(w.word, w.flag) for w in jieba.posseg.cut(t)] for t in pages]
    finally:
        postag.install()
    assert ours == theirs
    assert sum(len(p) for p in ours) > 1000


def test_a_decoder_of_another_shape_is_left_in_place(monkeypatch):
    def other(obs, states, start_p, trans_p, emit_p, extra):  # a later jieba's decoder, say
        raise AssertionError("not called")

    monkeypatch.setattr(jieba.posseg, "viterbi", other)
    assert postag.install() is False
    assert jieba.posseg.viterbi is other
