"""Extract stage: an article → the mentions and relations it states.

The work is a spaCy pipeline: ``spacy.blank("zh")`` with the jieba segmenter, followed by the
project's own registered components (``components``), in the order ``pipeline.json`` gives.
Each component wraps the one pure function of its module: ``places``, ``organizations``,
``persons`` (``persons_and_posts``), ``meetings``, ``initiatives``, ``references`` and
``changes``; what they share (``Doc``, the sentence splitter, the character classes, the
lexicons compiled once, jieba's tags) is in ``common``.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

import spacy
from spacy.attrs import IDX, LENGTH
from spacy.language import Language

from ..records import Article, Extraction
from . import components  # noqa: F401  (registers the components with spaCy)
from .common import Doc, split_sentences


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
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    for name in config["components"]:
        nlp.add_pipe(name)
    return nlp


def extract(article: Article, nlp: Language | None = None) -> Extraction:
    nlp = nlp or load_pipeline()
    text = article.body
    spacy_doc = nlp.make_doc(text)
    spans = spacy_doc.to_array([IDX, LENGTH]).reshape(-1, 2)  # one array call, not a Token per word
    boundaries = frozenset(spans[:, 0].tolist()) | frozenset((spans[:, 0] + spans[:, 1]).tolist())
    doc = Doc(text, split_sentences(text), boundaries)
    spacy_doc.user_data["kg"] = doc
    spacy_doc.user_data["credits"] = [(c.name, c.role) for c in article.credits]
    for name, component in nlp.pipeline:
        spacy_doc = component(spacy_doc)
        for item in (*doc.mentions, *doc.relations):  # what this component found, for --explain
            item.component = item.component or name
    return Extraction(article, doc.sentences, doc.mentions, doc.relations)
