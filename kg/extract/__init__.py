"""Extract stage: an article → the mentions and relations it states.

The work is a spaCy pipeline: ``spacy.blank("zh")`` with jieba's words (``tokenizer``), followed by
the project's own registered components (``components``), in the order ``pipeline.json`` gives.
Each component wraps the one pure function of its module: ``places``, ``organizations``,
``persons`` (``persons_and_posts``), ``notices``, ``meetings``, ``initiatives``, ``references`` and
``changes``; what they share (``Doc``, the sentence splitter, the character classes, the
lexicons compiled once, jieba's tags) is in ``common``.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

import spacy
from spacy.attrs import IDX, LENGTH
from spacy.language import Language

from ..records import Article, Extraction
from . import components, tokenizer  # noqa: F401  (register the components and the tokenizer with spaCy)
from .common import SENTENCE_END, Doc, split_sentences

# Characters the tokenizer takes in one pass. spaCy refuses a text longer than ``nlp.max_length``
# (1,000,000: error E088) and its memory grows with the text, while a report is a few thousand
# characters: a longer article (a page the segmenter could not split, a whole book) is tokenized
# in parts cut at sentence ends. Words never cross a sentence end, so the parts' word boundaries
# are the whole text's; the rules then run over the whole article, so nothing is lost.
CHUNK = 100_000


def chunks(text: str, size: int = CHUNK) -> list[tuple[int, int]]:
    """(start, end) of consecutive parts of ``text`` of at most ``size`` characters, each ending at
    a sentence end where there is one in it (else at a space or punctuation, else at ``size``)."""
    out, start = [], 0
    while len(text) - start > size:
        limit = start + size
        end = max((m.end() for m in SENTENCE_END.finditer(text, start, limit)), default=0)
        if end <= start:
            end = max((m.end() for m in _BREAK.finditer(text, start, limit)), default=limit)
        out.append((start, end))
        start = end
    out.append((start, len(text)))
    return out


_BREAK = re.compile(r"[\s，、,：:（）()“”]")


@cache
def pipeline_config() -> dict:
    with resources.files(__package__).joinpath("pipeline.json").open(encoding="utf-8") as fh:
        return json.load(fh)


@cache
def load_pipeline() -> Language:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    config = pipeline_config()
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": config["tokenizer"]}})
    for name in config["components"]:
        nlp.add_pipe(name)
    return nlp


def extract(article: Article, nlp: Language | None = None) -> Extraction:
    nlp = nlp or load_pipeline()
    text = article.body
    boundaries: set[int] = set()
    for start, end in chunks(text, min(CHUNK, nlp.max_length)):
        spacy_doc = nlp.make_doc(text[start:end])
        spans = spacy_doc.to_array([IDX, LENGTH]).reshape(-1, 2)  # one array call, not a Token per word
        boundaries.update((spans[:, 0] + start).tolist())
        boundaries.update((spans[:, 0] + spans[:, 1] + start).tolist())
    # the components read and write the kg Doc; the last part's spaCy Doc carries it through them
    doc = Doc(text, split_sentences(text), frozenset(boundaries))
    spacy_doc.user_data["kg"] = doc
    spacy_doc.user_data["credits"] = [(c.name, c.role) for c in article.credits]
    for name, component in nlp.pipeline:
        spacy_doc = component(spacy_doc)
        for item in (*doc.mentions, *doc.relations):  # what this component found, for --explain
            item.component = item.component or name
    return Extraction(article, doc.sentences, doc.mentions, doc.relations)
