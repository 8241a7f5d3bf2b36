"""kg.extract.persons (through kg.extract.extract): persons, their posts (title chains, brackets,
兼), lists after 区领导, role nouns, bylines, and common words that are no names.

The inputs and helpers are in extract_helpers.py (seed sentences and a held-apart set); every
expected value is what a Chinese reader takes from the sentence.
"""

from __future__ import annotations

import pytest
from extract_helpers import (
    SEED_LIESHAN,
    SEED_SHIFANQU,
    SEED_WEIDONG,
    SEED_XIANGSHAN,
    one_report,
    persons,
    persons_in,
    posts,
    seed_report,
    texts,
    titles,
    written_posts,
)

# --- post chains: seeds ---------------------------------------------------------------------------


def test_deputy_secretary_and_district_head_are_two_posts():
    ex = seed_report(SEED_LIESHAN, "区委副书记、区长孙露露")
    assert "孙露露" in persons(ex)
    assert posts(ex, "孙露露") == {("副书记", "区委"), ("区长", None)}


def test_party_group_secretary_and_deputy_director_of_the_congress():
    ex = seed_report(SEED_XIANGSHAN, "区人大常委会党组书记、副主任朱正春")
    assert titles(ex, "朱正春") == {"党组书记", "副主任"}
    assert ("党组书记", "区人大常委会") in posts(ex, "朱正春")


def test_three_posts_in_one_chain():
    ex = seed_report(SEED_XIANGSHAN, "区委常委、区纪委书记、区监察委员会主任杨飞")
    assert written_posts(ex, "杨飞") == {"区委常委", "区纪委书记", "区监察委员会主任"}


def test_a_title_shared_by_a_list_of_names():
    ex = seed_report(SEED_XIANGSHAN, "副主任刘斌、王俊")
    assert {"刘斌", "王俊"} <= persons(ex)
    assert titles(ex, "刘斌") == {"副主任"}
    assert titles(ex, "王俊") == {"副主任"}


@pytest.mark.parametrize(("seed", "snippet", "name", "written"), [
    pytest.param(SEED_XIANGSHAN, "区政府副区长张运岭", "张运岭", {"区政府副区长"}, id="deputy-head"),
    pytest.param(SEED_XIANGSHAN, "区人民检察院检察长施宏波", "施宏波", {"区人民检察院检察长"}, id="procurator"),
    pytest.param(SEED_XIANGSHAN, "区委常委、常务副区长赵华", "赵华", {"区委常委", "常务副区长"}, id="executive-deputy"),
    pytest.param(SEED_SHIFANQU, "区财政局局长王斐", "王斐", {"区财政局局长"}, id="bureau-head"),
])
def test_posts_in_the_seeds(seed, snippet, name, written):
    ex = seed_report(seed, snippet)
    assert written_posts(ex, name) == written


def test_a_university_office_is_the_organisation_of_its_head():
    # 安徽大学科学技术处处长郑春厚: the head of 安徽大学's science and technology office
    # (安徽 is part of the university's name here, not a place written before it).
    ex = seed_report(SEED_XIANGSHAN, "安徽大学科学技术处处长郑春厚")
    assert posts(ex, "郑春厚") == {("处长", "安徽大学科学技术处")}


def test_a_given_name_is_not_cut_by_the_verb_after_it():
    # 卫东区攻坚办副主任、环保局局长李会明说: the person is 李会明, who then 说
    # (明说 is also a word, but not here).
    ex = seed_report(SEED_WEIDONG, "环保局局长李会明说")
    assert "李会明" in persons(ex)
    assert "李会" not in persons(ex)


# --- post chains: held apart ----------------------------------------------------------------------


def test_held_apart_district_chains(duji):
    assert posts(duji, "王建军") == {("书记", "区委")}
    assert posts(duji, "周卫东") == {("副书记", "区委"), ("区长", None)}
    assert titles(duji, "陈立新") == {"党组书记", "主任"}
    assert ("党组书记", "区人大常委会") in posts(duji, "陈立新")
    assert written_posts(duji, "孙丽华") == {"区委常委", "区纪委书记", "区监察委员会主任"}


def test_held_apart_shared_title(duji):
    assert titles(duji, "张志强") == {"副区长"}
    assert titles(duji, "刘海燕") == {"副区长"}


@pytest.mark.parametrize(("name", "written"), [
    ("杨志军", {"县委副书记", "县长"}),
    ("郑丽", {"县委常委", "常务副县长"}),
    ("李德胜", {"韩村镇党委书记"}),
    ("方晓梅", {"四铺镇镇长"}),
    ("曹建华", {"县人民法院院长"}),
    ("冯玉洁", {"县人民检察院检察长"}),
    ("汪小平", {"县纪委副书记", "县监委副主任"}),
], ids=["county-head", "executive-deputy", "town-secretary", "town-head", "court", "procurator", "discipline"])
def test_held_apart_county_posts(suixi, name, written):
    assert name in persons(suixi)
    assert written_posts(suixi, name) == written


def test_held_apart_county_title_shared_by_two_names(suixi):
    # 副县长高志明、孙永红出席会议 names two deputy county heads
    # (jieba tags 高志 as a noun, so 高志明 is not taken as a name, and the list stops there).
    assert {"高志明", "孙永红"} <= persons(suixi)
    assert titles(suixi, "高志明") == {"副县长"}
    assert titles(suixi, "孙永红") == {"副县长"}


@pytest.mark.parametrize(("sentence", "name"), [
    pytest.param("区委书记吴静作重要讲话。", "吴静", id="speech"),
    pytest.param("区长孙丽作政府工作报告。", "孙丽", id="report"),
    pytest.param("高岳街道党工委书记、人大工委主任方琳作表态发言。", "方琳", id="statement"),
])
def test_a_two_character_name_before_zuo_held_apart(sentence, name):
    # X作讲话 / X作报告 / X作表态发言: 作 ("gives") is the verb after the name, not part of it.
    ex = one_report(sentence)
    assert persons(ex) == {name}


def test_held_apart_department_head_after_a_party_post():
    ex = one_report("近日，区委常委、宣传部部长钱晓东带队走访了淮北恒达新材料有限公司、区人民医院。")
    assert persons(ex) == {"钱晓东"}
    assert written_posts(ex, "钱晓东") == {"区委常委", "宣传部部长"}


# --- lists after 区领导 ---------------------------------------------------------------------------


def test_district_leaders_list_seed():
    ex = seed_report(SEED_XIANGSHAN, "区领导刘安顺、唐兵、张长明参加")
    assert {"刘安顺", "唐兵", "张长明"} <= persons_in(ex, "区领导刘安顺")


def test_district_leaders_list_before_others_seed():
    ex = seed_report(SEED_XIANGSHAN, "领导李梅、赵德华及其他四大班子领导参加会议")
    assert {"李梅", "赵德华"} <= persons(ex)


def test_district_leaders_list_held_apart(duji):
    assert persons_in(duji, "区领导吴国栋") == {"吴国栋", "郑晓光", "钱玉兰"}


# --- role nouns -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("seed", "snippet", "name"), [
    pytest.param(SEED_WEIDONG, "84号楼居民于怀长动情地说", "于怀长", id="resident"),
    pytest.param(SEED_WEIDONG, "20号楼居民刘毛臣深有感触地说", "刘毛臣", id="resident-2"),
    pytest.param(SEED_WEIDONG, "青年志愿者赵慧丽组织", "赵慧丽", id="volunteer"),
    pytest.param(SEED_WEIDONG, "抗美援朝老兵魏留德家中", "魏留德", id="veteran"),
    pytest.param(SEED_SHIFANQU, "安委会工作人员刘永杰在韩寨村", "刘永杰", id="staff"),
])
def test_role_noun_before_a_name_seed(seed, snippet, name):
    ex = seed_report(seed, snippet)
    assert name in persons_in(ex, snippet)


def test_role_noun_before_a_name_held_apart(suixi):
    assert persons_in(suixi, "村民朱秀兰说") == {"朱秀兰"}
    ex = one_report("社区开展义诊活动。志愿者陈晓燕说，居民黄秀英一早就来排队了。")
    assert persons(ex) == {"陈晓燕", "黄秀英"}


# --- bylines ------------------------------------------------------------------------------------


def test_byline_name_repeated_in_the_text_is_a_person():
    ex = one_report("近日，区领导走访了辖区企业。赵文博随调研组了解到，该公司今年新增就业岗位200个。",
                    byline="■记者 李红梅 通讯员 赵文博")
    assert ("赵文博", "通讯员") in {(c.name, c.role) for c in ex.article.credits}
    assert persons_in(ex, "赵文博随调研组") == {"赵文博"}


# --- common words are not names -----------------------------------------------------------------


def test_no_common_word_is_a_person_seed():
    # The report names 刘明, 孙露露, 曹梅 and 习近平 (总书记关于……, 领导干部要……, 党员干部在…… name nobody).
    ex = seed_report(SEED_LIESHAN, "区委书记刘明主持会议")
    assert persons(ex) == {"刘明", "孙露露", "曹梅", "习近平"}


def test_title_followed_by_a_verb_is_not_a_person_seed():
    # 社区(村)居委会主任任监督员: the committee director serves (任) as supervisor; nobody is
    # called 任监.
    ex = seed_report(SEED_WEIDONG, "居委会主任任监督员")
    assert persons_in(ex, "居委会主任任监督员") == set()


def test_no_common_word_is_a_person_held_apart(duji):
    assert persons_in(duji, "会议学习了区委书记关于安全生产的讲话精神") == set()
    assert persons_in(duji, "各级领导干部要带头履职尽责") == set()
    ex = one_report("区长强调，各级干部要高度重视安全生产。副主任高度评价了这项工作。")
    assert persons(ex) == set()


# --- posts written in brackets, with 兼, acting and executive deputies -----------------------------


def test_a_post_in_brackets_after_the_name_held_apart():
    ex = one_report("开班仪式由杜永刚（县农业农村局局长）主持。常玉芬（榴园村党总支书记）说，活动很有意义。")
    assert written_posts(ex, "杜永刚") == {"县农业农村局局长"}
    assert written_posts(ex, "常玉芬") == {"榴园村党总支书记"}


def test_a_post_held_concurrently_held_apart():
    ex = one_report("区委常委、副区长兼区公安分局局长吕建华出席会议。")
    assert written_posts(ex, "吕建华") == {"区委常委", "副区长", "区公安分局局长"}


def test_acting_and_executive_deputy_titles_stay_distinct_held_apart():
    ex = one_report("县委副书记、代县长蒋立平主持会议，常务副县长汤建、副县长葛玉梅出席。")
    assert titles(ex, "蒋立平") == {"副书记", "代县长"}
    assert titles(ex, "汤建") == {"常务副县长"}
    assert titles(ex, "葛玉梅") == {"副县长"}
    assert not texts(ex, "place") & {"代县"}


# --- name boundaries and lists (made-up names in the genre's sentences) ---------------------------


@pytest.mark.parametrize("body, name", [
    ("县委常委、副县长王海军，副县级领导刘智列席会议。", "王海军"),  # 海军 is a word, the comma ends the name
    ("县政府党组成员唐小时，副县长孙佰富出席。", "唐小时"),  # 小时
    ("区委常委、副区长周明月及区农业局领导一行来到该镇。", "周明月"),  # 明月, closed by 及
    ("副县长陈光辉、赵春雨出席会议。", "陈光辉"),
])
def test_three_character_name_whose_last_two_make_a_word(body, name):
    ex = one_report(body)

    assert name in persons(ex)
    assert name[:2] not in persons(ex)


def test_list_after_group_word_does_not_stop_at_an_uncertain_name():
    ex = one_report("县长主持召开县长办公会，县领导张海军、郭德纲、王勇、赵春雨、周明月参加会议。")

    assert {"张海军", "郭德纲", "王勇", "赵春雨", "周明月"} <= persons(ex)


def test_title_shared_over_a_list():
    ex = one_report("副县长钱立新、孙佰富、赫岩出席会议。")

    for name in ("钱立新", "孙佰富", "赫岩"):
        assert titles(ex, name) == {"副县长"}


def test_role_noun_before_a_common_word_is_no_name():
    ex = one_report("群众满意度、获得感不断提升，带动周边群众季节性、临时性就业。")

    assert not persons(ex) - {"李红梅"}


# --- titles written after the name ---------------------------------------------------------------


@pytest.mark.parametrize("body, name, post", [
    ("7月5日，市委宣传部郑晓峰部长到我乡查看文化长廊建设。", "郑晓峰", ("部长", "市委宣传部")),
    ("县委柯明亮副书记作了安排部署。", "柯明亮", ("副书记", "县委")),
    ("县烟草专卖局(分公司)邵红梅经理总结了上半年工作。", "邵红梅", ("经理", "县烟草专卖局")),
])
def test_title_after_the_name_with_the_body_before_it(body, name, post):
    ex = one_report(body)

    assert name in persons(ex)
    assert post in posts(ex, name)


def test_a_title_inside_a_place_name_is_no_title():
    ex = one_report("车队驶过荆州长江大桥，沧州长芦盐场也在推进改造。")

    assert not persons(ex) - {"李红梅"}


def test_bare_organs_inside_a_post_chain():
    ex = one_report("西渡街道党工委书记、人大工委主任袁小飞,区长兼经开区党工委书记、管委会主任钱立新出席。")

    assert ("主任", "人大工委") in posts(ex, "袁小飞")
    assert ("主任", "管委会") in posts(ex, "钱立新")


def test_a_bracketed_portfolio_between_title_and_name():
    ex = one_report("党工委副书记(党群)邵红梅等参加调研。")

    assert titles(ex, "邵红梅") == {"党工委副书记"}


def test_a_central_title_after_a_name_glued_to_a_verb():
    ex = one_report("会议传达学习习近平总书记重要讲话精神。")

    assert "习近平" in persons(ex)
    assert titles(ex, "习近平") == {"总书记"}


def test_a_surname_and_a_title_after_a_body_is_no_name():
    ex = one_report("县人民政府彭副县长主持会议，县委舒副书记作安排部署。")

    assert not {"彭副", "舒副"} & persons(ex)


def test_group_words_of_every_level_and_names_without_a_han_surname_inside_a_list():
    ex = one_report("旗领导钱立新、额尔敦夫、程某某在主席台前排就座。")

    assert {"钱立新", "额尔敦夫", "程某某"} <= persons(ex)


def test_a_resignation_is_a_post_ended():
    ex = one_report("会议决定接受孙某某同志辞去县人民政府县长职务。")

    assert any(r.kind == "removed" and ex.mentions[r.subject].text == "孙某某" for r in ex.relations)


# --- bare lists of names before a word of presence -----------------------------------------------


@pytest.mark.parametrize("sentence, names", [
    pytest.param("大会开幕。刘立平、孙海涛、周文斌、钱玉兰在主席台前排就座。", {"刘立平", "孙海涛", "周文斌", "钱玉兰"},
                 id="rostrum"),
    pytest.param("会议由区委书记赵德海主持，吴长江、郑丽萍等区领导出席。", {"赵德海", "吴长江", "郑丽萍"}, id="leaders-present"),
    pytest.param("调研组一行到杜集区考察，何立新、冯玉梅陪同。", {"何立新", "冯玉梅"}, id="accompanied"),
])
def test_a_bare_list_of_names_before_a_word_of_presence_held_apart(sentence, names):
    assert persons(one_report(sentence)) == names


def test_one_bare_word_before_a_word_of_presence_is_no_name_held_apart():
    # one name-shaped word without 等 or a list is not enough: 全体出席, 王牌参加
    ex = one_report("区直各部门主要负责人全体出席，各镇街道负责同志参加。")
    assert persons(ex) == set()
