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


# --- initiatives: the genre's classes (made-up names in the papers' style) ------------------------


def _initiatives(body: str) -> set[str]:
    return texts(one_report(body), "initiative")


@pytest.mark.parametrize(("body", "name"), [
    pytest.param("各村同步启动“迎新春、送温暖”活动，走访困难群众。", "迎新春、送温暖", id="list+activity"),
    pytest.param("全面落实“一网通办、一次办好”工作模式，压缩办理时限。", "一网通办、一次办好", id="list+work-mode"),
    pytest.param("该镇开展“清垃圾、整杂物、美庭院”专项整治活动。", "清垃圾、整杂物、美庭院", id="list+campaign"),
    pytest.param("围绕“兴产业、优生态、强治理”发展战略，谋划全年工作。", "兴产业、优生态、强治理", id="list+strategy"),
])
def test_a_quoted_list_named_by_its_head_is_an_initiative_held_apart(body, name):
    assert name in _initiatives(body)


@pytest.mark.parametrize("body", [
    pytest.param("会议要求，要做到“早部署、快推进、严考核”，确保按期完成。", id="requirements"),
    pytest.param("建立“日巡查、周通报、月考核”督办机制，压实各方责任。", id="steps-of-a-mechanism"),
])
def test_a_quoted_list_without_a_bare_head_is_no_initiative_held_apart(body):
    assert _initiatives(body) == set()


@pytest.mark.parametrize(("body", "name"), [
    pytest.param("区里举行“三个一批”重点项目大会战启动仪式。", "三个一批", id="numbered+campaign"),
    pytest.param("加快推进“六个滨河”建设，提升城市品质。", "六个滨河", id="numbered+building"),
    pytest.param("扎实推进“3311”发展战略，全县经济平稳运行。", "3311", id="digits+strategy"),
    pytest.param("锚定“三城同建”战略，奋力谱写新篇章。", "三城同建", id="strategy"),
    pytest.param("加强“五张清单”项目管理，推动项目落地。", "五张清单", id="numbered+project"),
    pytest.param("今年全县全力推进“三帮”工作全覆盖。", "三帮", id="formula+work+running-verb"),
])
def test_a_numbered_name_is_an_initiative_when_a_head_or_running_verb_says_so_held_apart(body, name):
    assert name in _initiatives(body)


def test_a_numbered_formula_stays_out_without_a_programme_held_apart():
    found = _initiatives("会议强调，要做好“三农”工作，落实“两个维护”，坚决纠治“四风”。")
    assert not any(n in i for i in found for n in ("三农", "两个维护", "四风"))


def test_quotes_of_one_list_share_their_evidence_held_apart():
    assert {"清源", "护苗"} <= _initiatives("该街道开展“清源”“护苗”活动，覆盖辖区学校。")
    found = _initiatives("调研组实地了解我县“两个到村”、“三帮”及农村厕所改造等工作。"
                         "近年来，我县全力推进“三帮”工作全覆盖。")
    assert {"两个到村", "三帮", "农村厕所改造"} <= found


def test_a_quote_before_etc_and_a_head_is_an_initiative_held_apart():
    found = _initiatives("社区书屋、广播“户户通”等文化惠民工程建设成效明显。")
    assert "户户通" in found
    assert not any(i.startswith("等") for i in found)


def test_a_theme_in_quotes_is_an_initiative_held_apart():
    assert "我为社区添份彩" in _initiatives("今年，该会还将以“我为社区添份彩”为主题，组织会员回乡服务。")


def test_unquoted_proper_names_start_where_the_name_does_held_apart():
    found = _initiatives("会议传达了省、市道路交通安全整治三年行动暨农村自建房安全隐患全链条整治行动"
                         "视频调度会精神。")
    assert {"道路交通安全整治三年行动", "农村自建房安全隐患全链条整治行动"} <= found
    assert not any(i.startswith(("市", "链条")) for i in found)


def test_an_unquoted_creation_campaign_goes_by_its_title_held_apart():
    ex = one_report("该镇对村容村貌整治、美丽菜园创建、农业园区建设等工作进行了部署。")
    [init] = [m for m in ex.mentions if m.kind == "initiative"]
    assert init.text == "美丽菜园创建"
    assert "美丽菜园" in init.attrs["names"]


def test_a_creation_campaign_and_its_short_names_are_one_initiative_held_apart():
    ex = one_report("副市长到街道督查全国卫生城市创建工作，要求把卫生城市创建作为头等大事，"
                    "社区创卫工作要再加力度。")
    names = [{m.text, *m.attrs["names"]} for m in ex.mentions if m.kind == "initiative"]
    assert len(names) == 3
    assert set.intersection(*[n | {"_"} for n in names[:2]]) - {"_"}
    assert "创卫" in names[0] and "创卫" in names[2]


def test_creating_as_a_verb_is_no_initiative_held_apart():
    assert _initiatives("主城区是创建全国卫生城市的主战场，要查看社区创建工作。") == set()


def test_education_campaigns_held_apart():
    ex = one_report("会议传达学习了上级关于学习教育的部署，要求巩固拓展学习教育成果。"
                    "调研组认为该镇有效结合了群众路线教育实践活动。")
    found = texts(ex, "initiative")
    assert {"学习教育", "群众路线教育实践活动"} <= found
    assert not any(i.startswith(("巩固", "结合")) for i in found)


def test_a_place_of_a_campaign_is_no_campaign_held_apart():
    assert _initiatives("全镇建成农家书屋8个、学习教育基地两个。") == set()


def test_a_practice_with_stations_is_a_programme_held_apart():
    found = _initiatives("今年，该村借“一事一议”项目建成新时代文明实践广场，社区新时代文明实践站同步启用。")
    assert "新时代文明实践" in found
    assert not any("项目新时代" in i or i.startswith("社区") for i in found)
    assert _initiatives("学员们来到培训实践基地和社区实践站参观。") == set()


def test_a_chief_system_is_an_initiative_held_apart():
    assert {"河长制", "林长制"} <= _initiatives("该镇全面推行河长制和林长制，落实巡河巡林责任。")


def test_a_word_in_quotes_after_a_verb_far_back_is_no_initiative_held_apart():
    assert _initiatives("要着力打造党建引领基层治理“强引擎”，实现监管“全覆盖”。") == set()
