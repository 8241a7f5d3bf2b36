"""kg.extract.organizations (through kg.extract.extract): bodies after a jurisdiction, named
bodies, and bodies named only by a counted list.

The inputs and helpers are in extract_helpers.py (seed sentences and a held-apart set); every
expected value is what a Chinese reader takes from the sentence.
"""

from __future__ import annotations

import pytest
from conftest import seed_text
from extract_helpers import (
    SEED_LIESHAN,
    SEED_SHIFANQU,
    SEED_WEIDONG,
    SEED_XIANGSHAN,
    extract_page,
    one_report,
    seed_report,
    texts,
)

# --- organisations ------------------------------------------------------------------------------


def test_district_bureau_seed():
    ex = seed_report(SEED_LIESHAN, "在区财政局，检查组仔细查阅")
    assert "区财政局" in texts(ex, "organization")


def test_court_procuratorate_and_party_departments_seed():
    ex = seed_report(SEED_XIANGSHAN, "区人民检察院检察长施宏波")
    assert {"区人民检察院", "区人民法院", "区委组织部", "区委宣传部", "区委统战部"} <= texts(ex, "organization")


def test_company_seed():
    ex = seed_report(SEED_LIESHAN, "联合人社部门及盛大人力资源有限公司开展")
    orgs = texts(ex, "organization")
    assert "盛大人力资源有限公司" in orgs
    assert not any("联合" in o or o.startswith("及") for o in orgs)


def test_organisations_held_apart(suixi):
    ex = one_report("近日，区财政局联合区教育局开展专项检查。区领导走访了淮北恒达新材料有限公司、区人民医院。")
    assert {"区财政局", "区教育局", "淮北恒达新材料有限公司", "区人民医院"} <= texts(ex, "organization")
    assert {"县人民法院", "县人民检察院", "县教育局", "县农业农村局"} <= texts(suixi, "organization")


@pytest.mark.parametrize(("page", "orgs"), [
    pytest.param(
        seed_text(SEED_XIANGSHAN),
        {"区教育局", "区住建局", "区自然资源和规划分局", "区民政局", "区文旅体局"},
        id="seed-xiangshan"),
    pytest.param(
        "杜集区表彰安全生产先进单位\n\n■记者 李红梅\n\n本报讯 会上，区住建局、区文旅体局、区应急管理局、"
        "区自然资源和规划分局作典型发言。\n",
        {"区住建局", "区文旅体局", "区应急管理局", "区自然资源和规划分局"},
        id="held-apart"),
])
def test_district_bureaus_in_a_list(page, orgs):
    # 区 + a bureau is the district's bureau however a word segmenter cuts it (区住/建局,
    # 区文/旅体/局); 区自然资源和规划分局 is also the example kg.extract.organizations gives.
    found = set().union(*(texts(ex, "organization") for ex in extract_page(page)))
    assert orgs <= found


@pytest.mark.parametrize(("seed", "snippet", "org"), [
    # 龙翔社区联合学府路小学举行……活动: the community and the primary school held it together.
    pytest.param(SEED_SHIFANQU, "龙翔社区联合学府路小学举行", "学府路小学", id="with-a-school"),
    # 该街道办事处联合区城管执法局、安监局: the subdistrict office worked with the district bureau.
    pytest.param(SEED_SHIFANQU, "该街道办事处联合区城管执法局", "区城管执法局", id="with-a-bureau"),
    # 区纪委听取纪工委纪检组半年工作报告: the district discipline commission heard the reports.
    pytest.param(SEED_WEIDONG, "区纪委听取纪工委纪检组半年工作报告", "区纪委", id="heard"),
])
def test_a_verb_between_two_bodies_is_not_part_of_a_name_seed(seed, snippet, org):
    # The verb (联合 / 听取) and the body before it are not part of the second body's name.
    ex = seed_report(seed, snippet)
    orgs = texts(ex, "organization")
    assert org in orgs
    assert not any("联合" in o or "听取" in o for o in orgs)


# --- bodies named only by a counted list ---------------------------------------------------------


def test_items_of_a_list_counted_as_companies_are_organisations_held_apart():
    ex = one_report("该区组织力拓机械、恒瑞纺织和东盛食品3家非公企业开展党建联建，帮助企业解决用工难题。")
    assert {"力拓机械", "恒瑞纺织", "东盛食品"} <= texts(ex, "organization")


def test_a_counted_list_after_a_verb_starts_at_the_first_name_held_apart():
    ex = one_report("街道走访了宏达建材、金鹏物流等12家企业，了解生产经营情况。")
    orgs = texts(ex, "organization")
    assert {"宏达建材", "金鹏物流"} <= orgs
    assert not any(o.startswith("走访") or o.startswith("了") for o in orgs)


def test_a_counted_list_of_people_is_not_organisations_held_apart():
    ex = one_report("区领导王建国、李文华等5位同志参加活动。")
    assert not texts(ex, "organization") & {"王建国", "李文华"}


# --- lists of bodies and banner organs (made-up reports) ------------------------------------------


def test_bodies_in_a_list_share_the_first_ones_jurisdiction():
    ex = one_report("县农业局、林业局、发改局、交通局和水利局负责同志参加会议。")

    assert {"县农业局", "林业局", "发改局", "交通局", "水利局"} <= texts(ex, "organization")
    listed = [m for m in ex.mentions if m.text == "发改局"]
    assert listed[0].attrs.get("implicit_jurisdiction")


def test_banner_organs():
    ex = one_report("旗委副书记、旗长白玲主持召开旗政府常务会议，旗人大常委会主任、旗政协主席出席。")

    assert {"旗委", "旗政府", "旗人大常委会", "旗政协"} <= texts(ex, "organization")
    assert "长白" not in texts(ex, "place")  # 旗长白玲: the county 长白 is no place after a title


def test_bodies_counted_after_a_kind_noun_and_places_kept_out_of_a_count():
    ex = one_report("园区入驻瑞丰粮品、翔宇体育用品等小微企业43家。撤销了东河路、西山路两个居委会和"
                    "宏达集团、农机研究所、三二一大队三个企业社区居委会。")

    assert {"瑞丰粮品", "翔宇体育用品", "宏达集团", "农机研究所", "三二一大队"} <= texts(ex, "organization")
    assert not {"入驻瑞丰粮品", "东河路", "西山路两个居委会"} & texts(ex, "organization")
    assert {"东河路", "西山路"} <= texts(ex, "place")  # communities named by their road


def test_a_village_office_building_is_no_body():
    ex = one_report("霞寨镇建设村村部综合大楼落成揭牌。")

    assert "建设村" in texts(ex, "place")
    assert not any(t.endswith("村部") for t in texts(ex, "organization"))


def test_two_organs_written_together_and_a_department_named_by_a_contracted_title():
    ex = one_report("检查组检查了县委县政府工作。市委常委、宣传部长钱立新出席。")

    assert {"县委", "县政府", "宣传部"} <= texts(ex, "organization")
    assert "县委县政府" not in texts(ex, "organization")
