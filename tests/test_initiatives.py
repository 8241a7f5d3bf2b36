"""kg.extract.initiatives (through kg.extract.extract): named initiatives and the names they go by.

The inputs and helpers are in extract_helpers.py (seed sentences and a held-apart set); every
expected value is what a Chinese reader takes from the sentence.
"""

from __future__ import annotations

import pytest
from extract_helpers import (
    SEED_LIESHAN,
    SEED_XIANGSHAN,
    one_report,
    seed_report,
    texts,
)

# --- initiatives ----------------------------------------------------------------------------------


def test_quoted_initiative_seed():
    ex = seed_report(SEED_LIESHAN, "开展“送法进校园”主题宣传活动")
    assert "送法进校园" in texts(ex, "initiative")


def test_numbered_formulas_are_not_initiatives_seed():
    ex = seed_report(SEED_LIESHAN, "全面落实“五个进一步到位”要求")
    assert "一体整治“四风”" in ex.article.body
    found = texts(ex, "initiative")
    assert not any("四风" in i or "五个进一步到位" in i for i in found)


@pytest.mark.parametrize(("seed", "snippet", "name"), [
    pytest.param(SEED_LIESHAN, "创新推行“一卡”服务模式", "一卡", id="one-card"),
    pytest.param(SEED_XIANGSHAN, "认真开展“回头看”活动", "回头看", id="look-back"),
])
def test_a_quoted_initiative_keeps_its_quotes_balanced(seed, snippet, name):
    # “一卡”服务 / “回头看”活动: a name may be given with or without its quotes, never with half
    # of them (一卡”服务).
    ex = seed_report(seed, snippet)
    named = [m.text for m in ex.mentions if m.kind == "initiative" and name in m.text]
    assert named, f"no initiative names {name}"
    for text in named:
        assert text.count("“") == text.count("”"), text


def test_initiatives_held_apart():
    ex = one_report("近日，区财政局开展“清风护苗”专项行动。会议要求，要落实“两个维护”，做到“六个到位”，"
                    "持续推进“一村一品”示范工程。")
    found = texts(ex, "initiative")
    assert "清风护苗" in found
    assert any("一村一品" in i for i in found)
    assert not any("两个维护" in i or "六个到位" in i for i in found)


# --- initiatives: what goes by which name --------------------------------------------------------


def test_a_quoted_name_with_a_modifier_before_its_head_held_apart():
    ex = one_report("县应急管理局在全县开展烟花爆竹“清源护航”专项行动，排查隐患120处。")
    [init] = [m for m in ex.mentions if m.kind == "initiative"]
    assert init.text == "清源护航"
    assert "清源护航专项行动" in init.attrs["names"]


def test_a_manner_in_quotes_is_no_initiative_held_apart():
    ex = one_report("执法人员对校园周边进行“地毯式”排查，并为商户提供“一站式”服务。")
    assert texts(ex, "initiative") == set()


def test_a_stock_figure_of_speech_is_no_initiative_held_apart():
    ex = one_report("该镇把人居环境整治作为“一把手”工程来抓，推进“美丽庭院”创建活动。")
    assert texts(ex, "initiative") == {"美丽庭院"}
