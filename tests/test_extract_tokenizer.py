"""The pipeline's tokenizer (kg/extract/tokenizer.py) against spaCy's own jieba segmenter: the same
tokens, at the same offsets, with the same trailing spaces, on every page kg has (the seeds, the
team's dev pages, the eval corpora) and on random text of the characters where jieba-rs and jieba
are known to part. The extraction components read nothing but these offsets, so equal tokens are
equal mentions."""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

import jieba
import pytest
import spacy
from hypothesis import given
from hypothesis import strategies as st
from spacy.util import get_words_and_spaces

from kg.extract import load_pipeline
from kg.extract.tokenizer import cut, words_and_spaces
from kg.read import read
from kg.records import Source
from kg.segment import segment

ROOT = Path(__file__).resolve().parent.parent
CORPORA = [ROOT / "seeds", ROOT.parent / "shared" / "dev" / "pages",
           *sorted(p for p in (ROOT / "eval" / "corpus").glob("*/pages") if p.is_dir())]

jieba.setLogLevel(logging.WARNING)


@cache
def spacy_jieba():
    """spaCy's Chinese tokenizer with its jieba segmenter: what the pipeline used before."""
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}}).tokenizer


def tokens(doc) -> list[tuple[int, str, str]]:
    return [(t.idx, t.text, t.whitespace_) for t in doc]


def texts(corpus: Path) -> list[tuple[str, str]]:
    """(where, text) of each page as read and of each article the segmenter finds in it: the
    articles are what extraction tokenizes, the pages have the layout around them too."""
    out = []
    for source in read([corpus]):
        if isinstance(source, Source):
            out.append((source.name, source.text))
            out += [(f"{source.name} article {a.index}", a.body) for a in segment(source)]
    return out


@pytest.mark.parametrize("corpus", CORPORA, ids=lambda p: "/".join(p.parts[-2:]))
def test_same_tokens_as_spacy_jieba_on_every_page(corpus):
    assert corpus.is_dir(), f"{corpus} is missing: the comparison needs every corpus (../shared beside the clone)"
    found = texts(corpus)
    # an evaluation set has tens of pages; a folder of fixtures without gold (eval/corpus/notices) a few
    fixtures = corpus.parent.parent.name == "corpus" and not (corpus.parent / "gold.json").is_file()
    assert len(found) >= (1 if fixtures else 10), f"{corpus}: too few pages to compare"
    ours = load_pipeline().tokenizer
    for where, text in found:
        assert tokens(ours(text)) == tokens(spacy_jieba()(text)), where


def test_corpora_hold_the_text_jieba_rs_cuts_otherwise():
    """The seeds hold a range of days (1-2个工作日) that jieba-rs alone keeps as one word: the pages
    above test the fallback to jieba, not only the common path."""
    import rjieba

    parted = [where for corpus in CORPORA for where, text in texts(corpus)
              if rjieba.cut(text, True) != jieba.lcut(text)]
    assert parted


@pytest.mark.parametrize("text", [
    "要求承办部门1-2个工作日内完成诉求办理",  # a range: 1 / - / 2
    "《规划(2025-2030)》等文件",
    "T-34坦克与x_1版本、1.a条",
    "增长1.5倍，完成50%3项",  # a decimal stays one word in both
    "建成5.5G基站，v2.0a版",  # digits after the point, then a letter
    "在㙟桥镇和\u9fd6\u9fd7村，䶮䶮",  # Han outside jieba's \u4E00-\u9FD5
    "上海市浦东新区张江镇召开会议",  # neither: jieba-rs alone
    "",
])
def test_cut_is_jiebas(text):
    assert cut(text) == jieba.lcut(text, cut_all=False)


# the characters at which the two libraries part, next to ones where they agree
ALPHABET = st.sampled_from(list("区委书记召开会议镇村一二人民政府") + list("aZx019") + list("-_.%+#&") +
                           list(" \n\t，。、（）()") + ["㙟", "䶮", "\u9fd6", "\uf900", "\U00020bb7", "\u3007"])


@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_cut_is_jiebas_on_random_text(text):
    assert cut(text) == jieba.lcut(text, cut_all=False)


@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_words_and_spaces_is_spacys(text):
    words = cut(text)
    assert words_and_spaces(words, text) == get_words_and_spaces(words, text)


def test_words_and_spaces_refuses_words_that_are_not_the_text():
    with pytest.raises(ValueError):
        words_and_spaces(["区委", "书记"], "区委书记召开")
