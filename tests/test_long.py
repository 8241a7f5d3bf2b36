"""One very long article: tokenized in parts cut at sentence ends (spaCy takes at most
``nlp.max_length`` characters, and a report is a few thousand), with a warning naming the file
and the article, and the names at its end found at the right offsets. The mention index the
rules ask answers as a scan of all the mentions would."""

from __future__ import annotations

import json
import random

from conftest import SEEDS

import kg.extract
from kg import lexicon
from kg.build import build
from kg.extract import chunks, extract
from kg.extract.common import Doc
from kg.read import read
from kg.records import Mention
from kg.segment import segment

GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏辉宇浩凯健俊帆旭宁欣怡晨阳琳颖婷雪慧斌亮飞鑫波峰瑶璐嘉"
SENTENCES = ("区委书记{}主持会议并讲话。", "区委副书记、区长{}出席会议。", "区人大常委会主任{}参加活动。",
             "副区长{}强调，要压实责任，确保各项任务按时完成。")


def names(rng: random.Random, n: int) -> list[str]:
    family = sorted(s for s in lexicon.words("surnames.txt") if len(s) == 1)
    out: list[str] = []
    while len(out) < n:
        name = rng.choice(family) + rng.choice(GIVEN) + rng.choice(GIVEN)
        if name not in out:
            out.append(name)
    return out


def long_page(chars: int, rng: random.Random) -> tuple[str, list[str]]:
    """A headline, a dateline and sentences naming officials (no blank line: one article), and
    the names of its last four sentences."""
    body, people = [], names(rng, chars // 12)
    size = 0
    for i, name in enumerate(people):
        sentence = SENTENCES[i % len(SENTENCES)].format(name)
        body.append(sentence + ("\n" if i % 8 == 7 else ""))
        size += len(body[-1])
        if size > chars:
            return "区委常委会召开会议\n本报讯 9月12日上午，区委常委会召开会议。" + "".join(body) + "\n", people[i - 3:i + 1]
    raise AssertionError("not enough names")


def test_an_article_past_the_tokenizer_limit_is_read_in_parts_and_whole(tmp_path):
    rng = random.Random(15)
    text, last = long_page(kg.extract.CHUNK + 12_000, rng)
    page = tmp_path / "pages" / "long.txt"
    page.parent.mkdir()
    page.write_text(text, encoding="utf-8")
    result = build([str(page.parent)], tmp_path / "out", html=False)
    [article] = result.corpus.articles
    parts = chunks(article.body)
    assert len(parts) == 2 and all(end - start <= kg.extract.CHUNK for start, end in parts)
    assert all(article.body[end - 1] in "。\n" for _, end in parts)  # cut at sentence ends
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    [warning] = report["warnings"]
    assert warning["path"] == str(page) and warning["stage"] == "extract" and not warning["skipped"]
    assert warning["message"].startswith(f"article 0: {len(article.body):,} characters") and "2 parts" in warning["message"]
    # the names of the last sentences, in the second part, found where they are written
    persons = {m.text: m for e in result.corpus.entities.values() if e.kind == "person" for _, m in e.mentions}
    for name in last:
        m = persons[name]
        assert m.start > parts[1][0]
        assert article.body[m.start:m.end] == name
        start, end = article.source_span(m.start, m.end)
        assert text[start:end] == name


def test_reading_in_parts_finds_what_reading_whole_finds(monkeypatch):
    articles = [a for source in read([str(SEEDS)]) for a in segment(source)]

    def found(a):
        ex = extract(a)
        return ([(m.kind, m.start, m.end, m.rule, m.attrs) for m in ex.mentions],
                [(r.kind, r.subject, r.object, r.rule, r.attrs) for r in ex.relations])

    whole = [found(a) for a in articles]
    monkeypatch.setattr(kg.extract, "CHUNK", 300)
    assert sum(len(chunks(a.body, 300)) for a in articles) > 2 * len(articles)
    assert [found(a) for a in articles] == whole


def test_the_mention_index_answers_as_a_scan_of_the_mentions():
    rng = random.Random(7)
    text = "区" * 400
    doc = Doc(text, [], frozenset())
    kinds = ("place", "organization", "person")
    for step in range(600):
        kind, start = rng.choice(kinds), rng.randrange(390)
        end = start + rng.randint(1, 9)
        nested = rng.random() < 0.2
        # what Doc.add did when it passed over every mention
        expected = next((i for i, m in enumerate(doc.mentions) if m.kind == kind and m.start <= start
                         and end <= m.end and (not nested or (m.start, m.end) == (start, end))), len(doc.mentions))
        assert doc.add(kind, start, end, "test", **({"nested": True} if nested else {})) == expected
        if step % 50 == 49:  # a component that drops mentions starts the index afresh
            doc.replace([m for m in doc.mentions if m.kind != "person"], [])
        a = rng.randrange(400)
        b = a + rng.randint(0, 12)
        for ks in ((), ("place",), ("organization", "person")):
            assert doc.overlapping(a, b, ks) == [(i, m) for i, m in enumerate(doc.mentions)
                                                 if m.start < b and a < m.end and (not ks or m.kind in ks)]
            assert doc.covered(a, b, ks) == any(m.start < b and a < m.end and (not ks or m.kind in ks)
                                                for m in doc.mentions)
        assert doc.ending_at(b, ("place", "person")) == [(i, m) for i, m in enumerate(doc.mentions)
                                                         if m.end == b and m.kind in ("place", "person")]
        assert doc.starting_at(a, ("organization",)) == [(i, m) for i, m in enumerate(doc.mentions)
                                                         if m.start == a and m.kind == "organization"]
        assert doc.of_kind("place", "person") == sorted(((i, m) for i, m in enumerate(doc.mentions)
                                                         if m.kind in ("place", "person")), key=lambda im: im[1].start)
    doc.mentions.append(Mention("place", "区区", 3, 5, "test"))  # appended directly: seen too
    assert (len(doc.mentions) - 1, doc.mentions[-1]) in doc.overlapping(4, 5, ("place",))


def test_a_page_with_warnings_only_is_cached_and_warns_again(tmp_path):
    text, _ = long_page(kg.extract.CHUNK + 2_000, random.Random(16))
    page = tmp_path / "pages" / "long.txt"
    page.parent.mkdir()
    page.write_text(text, encoding="utf-8")

    cold = build([str(page)], tmp_path / "out", html=False, cache_dir=tmp_path / "cache")
    warm = build([str(page)], tmp_path / "out", html=False, cache_dir=tmp_path / "cache")

    assert cold.report["cache"] == {"hits": 0, "misses": 1} and warm.report["cache"] == {"hits": 1, "misses": 0}
    assert warm.report["warnings"] == cold.report["warnings"] and len(warm.report["warnings"]) == 1
