"""Helpers of the extraction tests (test_places, test_organizations, test_persons,
test_meetings, test_initiatives): an article → what kg.extract.extract finds in it.

Two kinds of input:

- sentences of the seed pages (seeds/*.txt), read from the files;
- a held-apart set written for these tests in the same genre (other people, other districts and a
  county: 杜集区, 濉溪县), which checks the grammar in general rather than the seeds. The
  ``duji`` and ``suixi`` fixtures (conftest.py) are its two meetings, extracted.

Every expected value is what a Chinese reader takes from the sentence. A failing test is a
bug in kg to fix, not a test to skip.
"""

from __future__ import annotations

from functools import cache

from conftest import seed_text

from kg.extract import extract
from kg.records import Extraction, Source
from kg.segment import segment

# --- helpers ------------------------------------------------------------------------------------


def extract_page(text: str, name: str = "x.txt") -> list[Extraction]:
    return [extract(a) for a in segment(Source(path=name, name=name, text=text))]


def one_report(body: str, headline: str = "杜集区召开工作会议", byline: str = "■记者 李红梅") -> Extraction:
    """A page holding a single report: headline, byline, 本报讯 and the body."""
    page = f"{headline}\n\n{byline}\n\n本报讯 {body}\n"
    found = extract_page(page)
    assert len(found) == 1, "the test page should be one article"
    return found[0]


@cache
def _seed_page(name: str) -> tuple[Extraction, ...]:
    return tuple(extract_page(seed_text(name), name))


def seed_report(name: str, snippet: str) -> Extraction:
    """The extraction of the seed article whose text contains ``snippet``."""
    hits = [ex for ex in _seed_page(name) if snippet in ex.article.body]
    assert len(hits) == 1, f"{snippet!r} should be in exactly one article of {name}"
    return hits[0]


def texts(ex: Extraction, kind: str) -> set[str]:
    return {m.text for m in ex.mentions if m.kind == kind}


def persons(ex: Extraction) -> set[str]:
    return texts(ex, "person")


def persons_in(ex: Extraction, snippet: str) -> set[str]:
    """Persons found in the sentences that contain ``snippet``."""
    idx = {i for i, s in enumerate(ex.sentences) if snippet in s.text}
    assert idx, f"no sentence contains {snippet!r}"
    return {m.text for m in ex.mentions if m.kind == "person" and m.sentence in idx}


def posts(ex: Extraction, name: str) -> set[tuple[str, str | None]]:
    """(title, organisation as written or None) of every holds relation of the person ``name``."""
    out = set()
    for r in ex.relations:
        if r.kind == "holds" and ex.mentions[r.subject].text == name:
            org = ex.mentions[r.object].text if r.object is not None else None
            out.add((r.attrs["title"], org))
    return out


def titles(ex: Extraction, name: str) -> set[str]:
    return {title for title, _ in posts(ex, name)}


def written_posts(ex: Extraction, name: str) -> set[str]:
    """The posts as the text writes them: organisation + title (区委 + 常委 → 区委常委)."""
    return {(org or "") + title for title, org in posts(ex, name)}


def meeting_roles(ex: Extraction, kind: str) -> set[str]:
    """Names of the persons in ``kind`` (chaired / attended) relations with a meeting."""
    return {ex.mentions[r.subject].text for r in ex.relations
            if r.kind == kind and r.object is not None and ex.mentions[r.object].kind == "meeting"}


def place_levels(ex: Extraction) -> dict[str, str]:
    return {m.text: m.attrs.get("level") for m in ex.mentions if m.kind == "place"}


SEED_LIESHAN = "000_96c8e21aadbbbbe2.txt"
SEED_XIANGSHAN = "001_7b6c783239e697ff.txt"
SEED_WEIDONG = "002_d8e10ae50a9c1096.txt"
SEED_SHIFANQU = "003_aab4cd8d046a0ae4.txt"

# --- held-apart reports -------------------------------------------------------------------------

DUJI_MEETING = (
    "6月5日上午，杜集区召开安全生产工作会议。区委书记王建军主持会议并讲话。"
    "区委副书记、区长周卫东，区人大常委会党组书记、主任陈立新，区委常委、区纪委书记、区监察委员会主任孙丽华出席会议，"
    "副区长张志强、刘海燕列席会议。区领导吴国栋、郑晓光、钱玉兰参加会议。\n"
    "会议学习了区委书记关于安全生产的讲话精神。各级领导干部要带头履职尽责。"
)

SUIXI_MEETING = (
    "8月12日，濉溪县召开乡村振兴工作推进会。县委副书记、县长杨志军主持会议。"
    "县委常委、常务副县长郑丽，副县长高志明、孙永红出席会议。"
    "县人民法院院长曹建华，县人民检察院检察长冯玉洁，县纪委副书记、县监委副主任汪小平列席会议。\n"
    "韩村镇党委书记李德胜、四铺镇镇长方晓梅作交流发言。"
    "会上，村民朱秀兰说：“日子越过越好。”县教育局、县农业农村局负责同志参加会议。"
)
