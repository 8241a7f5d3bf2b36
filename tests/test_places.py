"""kg.extract.places (through kg.extract.extract) and the gazetteer's matcher: divisions, zones
and units named before a division suffix.

The inputs and helpers are in extract_helpers.py (seed sentences and a held-apart set); every
expected value is what a Chinese reader takes from the sentence.
"""

from __future__ import annotations

import re

import pytest
from conftest import FUZZ
from extract_helpers import (
    SEED_LIESHAN,
    SEED_WEIDONG,
    SEED_XIANGSHAN,
    one_report,
    place_levels,
    seed_report,
    texts,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from kg import gazetteer, lexicon

# --- places -------------------------------------------------------------------------------------


def test_subdistrict_after_its_district_seed():
    ex = seed_report(SEED_LIESHAN, "烈山区杨庄街道正以一系列创新举措")
    levels = place_levels(ex)
    assert levels["烈山区"] == "district"
    assert levels["杨庄街道"] == "subdistrict"
    assert "烈山区杨庄街道" not in levels


def test_community_after_its_subdistrict_seed():
    ex = seed_report(SEED_WEIDONG, "卫东区东安路街道东苑社区建东小区84号楼")
    levels = place_levels(ex)
    assert levels["东安路街道"] == "subdistrict"
    assert levels["东苑社区"] == "community"
    assert "东安路街道东苑社区" not in levels


def test_places_held_apart():
    ex = one_report("6月3日，杜集区高岳街道相王社区和濉溪县韩村镇南沟村联合开展防汛演练。")
    levels = place_levels(ex)
    assert levels["杜集区"] == "district"
    assert levels["濉溪县"] == "district"
    assert levels["高岳街道"] == "subdistrict"
    assert levels["相王社区"] == "community"
    assert levels["韩村镇"] == "town"
    assert levels["南沟村"] == "village"


@pytest.mark.parametrize(("seed", "snippet", "not_place"), [
    # 检查组发现部分镇(办)领导干部: "some towns", not a town called 部分
    pytest.param(SEED_LIESHAN, "检查组发现部分镇(办)领导干部", "部分镇", id="some-towns"),
    # 强化新一届社区党组织班子: "the newly elected community committees", not a community called 新一届
    pytest.param(SEED_XIANGSHAN, "强化新一届社区党组织班子", "新一届社区", id="new-term-communities"),
])
def test_common_words_before_a_division_suffix_are_not_places_seed(seed, snippet, not_place):
    ex = seed_report(seed, snippet)
    assert not_place not in texts(ex, "place")


def test_a_bureau_name_is_not_a_village(suixi):
    # 县农业农村局 is the county bureau of agriculture and rural affairs, and names no village
    # village 县农业农村 out of it.
    assert "县农业农村局" in texts(suixi, "organization")
    assert not any(p.endswith("农村") for p in texts(suixi, "place"))


# --- the gazetteer's matcher -----------------------------------------------------------------

_ALPHABET = "区县市镇村山东西新城"


@settings(max_examples=FUZZ or 300, deadline=None)
@given(words=st.lists(st.text(_ALPHABET, min_size=1, max_size=4), min_size=1, max_size=12),
       text=st.text(_ALPHABET + "的，", max_size=60))
def test_trie_pattern_matches_what_a_longest_first_alternation_does(words, text):
    """The division names are matched by a trie-shaped regex for speed; it must find the same
    names at the same places as the plain longest-first alternation it replaces."""
    flat = re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))
    trie = re.compile(lexicon.trie_pattern(words))
    assert [(m.start(), m.group()) for m in trie.finditer(text)] == \
           [(m.start(), m.group()) for m in flat.finditer(text)]


def test_the_gazetteer_finds_divisions_and_their_short_forms_in_a_sentence():
    text = "淮北市烈山区和相山区的干部到河南省平顶山市卫东区学习"
    found = [m.group() for m in gazetteer.division_regex().finditer(text)]
    assert found == ["淮北市", "烈山区", "相山区", "河南省", "平顶山市", "卫东区"]


# --- the genre's place classes (made-up reports, real division names) ---------------------------


def places_of(body: str) -> set[str]:
    return texts(one_report(body, headline="工作动态", byline="■记者 李红梅"), "place")


@pytest.mark.parametrize("body, place", [
    ("区委书记说，要吸引更多乡贤回到五通桥发展。", "五通桥"),  # a district's short form alone, on a page naming no other
    ("县委书记到巍山县调研烤烟生产。", "巍山县"),  # an autonomous county by its short form + 县
    ("州委书记到大理州检查工作。", "大理州"),
    ("县长一行先后来到霞寨镇建设村、前进村。", "建设村"),  # a common word names a village right after its town
    ("县长到西合营镇调研秋收。", "西合营镇"),  # a name jieba cannot tag, after a verb of going
    ("县长深入新场、始阳等乡镇查看灾情。", "新场"),  # items before 等乡镇 are towns
    ("调研组到南大街街道金色新城社区调研。", "南大街街道"),  # a name ending in 街 before 街道
])
def test_places_of_the_genre(body, place):
    assert place in places_of(body)


@pytest.mark.parametrize("body, not_place", [
    ("坚持为民惠民，推进文化惠民工程。", "惠民"),  # a short form that is a word
    ("到临海童街道调研。", "临海"),  # the start of a longer name
    ("市委书记到广阳岛考察生态修复。", "广阳"),  # an island's name
    ("对全县部分乡镇群众生产生活造成影响。", "部分乡镇"),  # modifier + suffix
    ("有的镇还没有完成任务。", "有的镇"),
    ("金东乡贤大会开幕，300多位海内外金东乡贤齐聚家乡。", "海内外金东乡"),  # 乡贤
    ("全面推进乡村振兴，改善村容村貌。", "村容村"),
    ("书写中国式现代化城区新篇章。", "城区"),  # a district named like a common word, without its city
    ("新建了南京中路、杭州北路两个社区。", "南京"),  # a road, not the city
])
def test_words_that_are_no_places(body, not_place):
    assert not_place not in places_of(body)


@pytest.mark.parametrize("body, not_place", [
    ("通州区委常委到该镇农业试点村调研。", "镇农业试点村"),  # a kind of village
    ("要弘扬爱国爱乡精神。", "爱国爱乡"),
])
def test_kinds_of_village_are_no_places(body, not_place):
    assert not_place not in places_of(body)


def test_a_township_right_after_its_county_and_conjunctions_are_no_county():
    assert "黄金乡" in places_of("4月9日，瑞昌市黄金乡乡长到各村检查。")
    assert "召开镇" not in places_of("牙克石市召开镇领导班子换届工作会议。")
    assert "和县" not in places_of("分别到各乡镇和县产业集聚区调研。")
    assert "实地考察社区" not in places_of("来到汇宇社区，实地考察社区环境。")
