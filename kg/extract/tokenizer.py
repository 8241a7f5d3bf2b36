"""The pipeline's tokenizer: jieba's word boundaries, cut by jieba-rs (``rjieba``) where it is
known to agree with jieba and by jieba itself where it is not.

spaCy's own jieba segmenter (``spacy.lang.zh``, ``segmenter = "jieba"``) runs ``jieba.cut(text,
cut_all=False)``: jieba's default dictionary, HMM on for unknown words. jieba-rs is the same
algorithm over the same dictionary and HMM tables, ten to twenty times faster, and gives the same
words on all text but two kinds (found by comparing the two character by character and on random
strings; ``tests/test_extract_tokenizer.py`` keeps checking it):

- a letter or digit, then ``-`` or ``_``, then a letter or digit (``1-2``, ``T-34``, ``x_1``):
  jieba-rs keeps them one word, jieba cuts at the sign (``1``, ``-``, ``2``); after a ``.``, a
  letter, or digits then a letter (``1.a``, ``5.5G``): jieba-rs keeps one word, jieba cuts
  before the letter; a plain decimal (``1.5``) is one word in both;
- the CJK characters outside jieba's ``\\u4E00-\\u9FD5`` (extension A and later, compatibility
  ideographs): jieba-rs lets its HMM join two of them, jieba keeps each one a word.

A text with neither is cut by jieba-rs in one call. Otherwise each run of characters that either
library may put in one word (Han, letters, digits, ``+#&._%-``) holding one of them is cut by
jieba, and the text between the runs by jieba-rs: both cut a text into such runs first and cut
each run alone, so the parts' words are the whole text's.
"""

from __future__ import annotations

import re

import spacy
from spacy.tokens import Doc
from spacy.vocab import Vocab

_RARE_HAN = "\u3400-\u4DBF\u9FD6-\u9FFF\uF900-\uFAFF\U00020000-\U0002FA1F"
_DIFFERS = re.compile(rf"[A-Za-z0-9][-_][A-Za-z0-9]|[A-Za-z0-9]\.[0-9]*[A-Za-z]|[{_RARE_HAN}]")
# what jieba (re_han_default) or jieba-rs may put in one word, the union of the two
_RUN = re.compile(rf"[\u4E00-\u9FD5{_RARE_HAN}a-zA-Z0-9+#&._%\-]+")


def cut(text: str) -> list[str]:
    """``jieba.cut(text, cut_all=False)``, as a list, the same words."""
    import rjieba

    if not _DIFFERS.search(text):
        return rjieba.cut(text, True)
    import jieba

    words: list[str] = []
    pos = 0
    for run in _RUN.finditer(text):
        if _DIFFERS.search(run.group()):
            words += rjieba.cut(text[pos:run.start()], True)
            words += jieba.lcut(run.group(), cut_all=False)
            pos = run.end()
    words += rjieba.cut(text[pos:], True)
    return words


def words_and_spaces(words: list[str], text: str) -> tuple[list[str], list[bool]]:
    """``spacy.util.get_words_and_spaces(words, text)`` for words that are ``text`` cut up, in
    linear time: spaCy's searches the rest of the text for each word, quadratic in a long part.
    As there, a single space after a word is that word's trailing space and any other run of
    whitespace is a token of its own."""
    out: list[str] = []
    spaces: list[bool] = []
    end = 0  # where the word ends in the text
    gap = 0  # start of the whitespace not yet given to a token
    n = len(text)
    for word in words:
        start, end = end, end + len(word)
        if not word or word.isspace():
            continue
        if start > gap:
            out.append(text[gap:start])
            spaces.append(False)
        out.append(word)
        spaces.append(end < n and text[end] == " ")
        gap = end + spaces[-1]
    if end != n:
        raise ValueError(f"the words are not the text cut up: {end} characters of {n}")
    if gap < n:
        out.append(text[gap:])
        spaces.append(False)
    return out, spaces


class JiebaTokenizer:
    """text → ``Doc`` of jieba's words, built in one call."""

    def __init__(self, vocab: Vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words, spaces = words_and_spaces(cut(text), text)
        return Doc(self.vocab, words=words, spaces=spaces)

    # spaCy serialises a pipeline's tokenizer with the rest; this one keeps no state of its own
    def to_bytes(self, **_) -> bytes:
        return b""

    def from_bytes(self, _data: bytes, **_) -> JiebaTokenizer:
        return self

    def to_disk(self, _path, **_) -> None:
        pass

    def from_disk(self, _path, **_) -> JiebaTokenizer:
        return self


@spacy.registry.tokenizers("kg.jieba_tokenizer.v1")
def make_jieba_tokenizer():
    def create(nlp) -> JiebaTokenizer:
        return JiebaTokenizer(nlp.vocab)

    return create
