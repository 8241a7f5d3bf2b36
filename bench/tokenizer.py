"""The extraction stage's CPU time with spaCy's own jieba segmenter and with kg's tokenizer
(kg/extract/tokenizer.py: jieba's words from jieba-rs), on the team's dev pages and on 20× the
seed pages (names and districts permuted, as bench/pipeline.py builds them).

    python bench/tokenizer.py [--rounds 3] [--sizes 20]

Each measure runs in a fresh process (jieba's part-of-speech windows are cached within one) and
times ``extract`` over every article with ``time.process_time``, the articles segmented before
the clock starts; the best of ``--rounds`` is printed, as other builds share the machine. The
tokenizer alone (``nlp.make_doc``) is timed the same way, and both tokenizers' tokens are
compared on the corpus. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

MEASURE = """
import json, sys, time
import spacy
from kg.extract import extract, load_pipeline
from kg.read import read
from kg.records import Source
from kg.segment import segment
nlp = load_pipeline()
if sys.argv[2] == "spacy":
    nlp.tokenizer = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}}).tokenizer
articles = [a for s in read([sys.argv[1]]) if isinstance(s, Source) for a in segment(s)]
import jieba
jieba.initialize()  # the dictionaries load once per process (jieba's for its tags too), not in the measure
nlp.make_doc("作为")
t = time.process_time()
for a in articles:
    nlp.make_doc(a.body)
tok = time.process_time() - t
t = time.process_time()
for a in articles:
    extract(a, nlp)
ext = time.process_time() - t
tokens = [[(w.idx, w.text, w.whitespace_) for w in nlp.make_doc(a.body)] for a in articles]
print(json.dumps({"tokenize": tok, "extract": ext, "chars": sum(len(a.body) for a in articles),
                  "articles": len(articles), "tokens": tokens}, ensure_ascii=False))
"""


def measure(corpus: Path, tokenizer: str) -> dict:
    done = subprocess.run([sys.executable, "-c", MEASURE, str(corpus), tokenizer],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(name: str, corpus: Path, rounds: int) -> None:
    runs = {t: [measure(corpus, t) for _ in range(rounds)] for t in ("spacy", "kg")}
    best = {t: {k: min(r[k] for r in rs) for k in ("tokenize", "extract")} for t, rs in runs.items()}
    first = runs["kg"][0]
    same = runs["spacy"][0]["tokens"] == first["tokens"]
    print(f"{name}: {first['articles']} articles, {first['chars']:,} characters; tokens identical: {same}")
    for what in ("tokenize", "extract"):
        a, b = best["spacy"][what], best["kg"][what]
        print(f"  {what:<9} spaCy's jieba segmenter {a:6.2f} s CPU   kg's tokenizer {b:6.2f} s CPU   "
              f"×{a / b:.2f}   ({first['chars'] / b / 1000:.0f}k characters/s)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3, help="fresh processes per measure; the best is printed")
    ap.add_argument("--sizes", default="20", help="synthetic corpora, as multiples of the 5 seed pages")
    args = ap.parse_args()
    dev = ROOT.parent / "shared" / "dev" / "pages"
    if dev.is_dir():
        report("dev", dev, args.rounds)
    else:
        print(f"{dev} is missing: dev not measured")
    from rdf_store import make_corpus, seed_persons

    from kg.build import build

    with tempfile.TemporaryDirectory() as tmp:
        persons = seed_persons(build([str(ROOT / "seeds")], Path(tmp) / "seed-out", html=False))
        for size in (int(s) for s in args.sizes.split(",")):
            corpus = Path(tmp) / f"c{size}"
            make_corpus(corpus, 5 * size, persons)
            report(f"{size}× seeds", corpus, args.rounds)


if __name__ == "__main__":
    main()
