"""kg.extract.extract: an article → the persons, posts, places, organisations, initiatives and
meetings its sentences state.

Two kinds of input:

- sentences of the seed pages (seeds/*.txt), read from the files;
- a held-apart set written for these tests in the same genre (other people, other districts and a
  county: 杜集区, 濉溪县), which checks the grammar in general rather than the seeds.

Every expected value is what a Chinese reader takes from the sentence. A failing test here is a
bug in kg to fix, not a test to skip.
"""

from __future__ import annotations

import re
from functools import cache

import pytest
from conftest import FUZZ, seed_text
from hypothesis import given, settings
from hypothesis import strategies as st

from kg import gazetteer, lexicon
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


@pytest.fixture(scope="module")
def duji() -> Extraction:
    return one_report(DUJI_MEETING, headline="杜集区召开安全生产工作会议", byline="■记者 李红梅 通讯员 赵文博")


@pytest.fixture(scope="module")
def suixi() -> Extraction:
    return one_report(SUIXI_MEETING, headline="濉溪县召开乡村振兴工作推进会", byline="■通讯员 许文静")


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


# --- meetings: who chaired, who attended --------------------------------------------------------


def test_chaired_seed():
    ex = seed_report(SEED_LIESHAN, "区委书记刘明主持会议")
    assert meeting_roles(ex, "chaired") == {"刘明"}
    meeting = next(ex.mentions[r.object] for r in ex.relations if r.kind == "chaired")
    assert "常委会扩大会议" in meeting.text


def test_attended_before_unnamed_members_seed():
    # 区委副书记、区长孙露露，区人大常委会主任曹梅，区委常委，其他在职区级领导出席。
    # 孙露露 and 曹梅 attended, together with members named by their post only.
    ex = seed_report(SEED_LIESHAN, "区委书记刘明主持会议")
    assert {"孙露露", "曹梅"} <= meeting_roles(ex, "attended")


def test_sat_in_seed():
    # 区人大常委会党组书记李梅，区委常委、区纪委书记、区监察委员会主任杨飞，区政府副区长张运岭等列席会议。
    ex = seed_report(SEED_XIANGSHAN, "区监察委员会主任杨飞")
    assert meeting_roles(ex, "chaired") == {"朱正春"}
    assert {"李梅", "杨飞", "张运岭"} <= meeting_roles(ex, "attended")


def test_attended_by_names_and_a_group_seed():
    # 副主任刘斌、王俊及区十一届人大常委会组成人员出席会议: 刘斌 and 王俊 attended, with a group
    # named between them and 出席.
    ex = seed_report(SEED_XIANGSHAN, "区监察委员会主任杨飞")
    assert {"刘斌", "王俊"} <= meeting_roles(ex, "attended")


def test_district_leaders_attended_seed():
    # 区领导李梅、赵德华及其他四大班子领导参加会议: 李梅 and 赵德华 attended.
    ex = seed_report(SEED_XIANGSHAN, "领导李梅、赵德华及其他四大班子领导参加会议")
    assert {"李梅", "赵德华"} <= meeting_roles(ex, "attended")


def test_held_apart_chaired_and_attended(duji):
    assert meeting_roles(duji, "chaired") == {"王建军"}
    attended = meeting_roles(duji, "attended")
    assert {"周卫东", "陈立新", "孙丽华"} <= attended  # 出席
    assert {"张志强", "刘海燕"} <= attended  # 列席
    assert {"吴国栋", "郑晓光", "钱玉兰"} <= attended  # 参加
    assert "王建军" not in attended


def test_held_apart_county_chaired_and_sat_in(suixi):
    assert meeting_roles(suixi, "chaired") == {"杨志军"}
    assert {"曹建华", "冯玉洁", "汪小平"} <= meeting_roles(suixi, "attended")  # 列席


# --- bylines ------------------------------------------------------------------------------------


def test_byline_name_repeated_in_the_text_is_a_person():
    ex = one_report("近日，区领导走访了辖区企业。赵文博随调研组了解到，该公司今年新增就业岗位200个。",
                    byline="■记者 李红梅 通讯员 赵文博")
    assert ("赵文博", "通讯员") in {(c.name, c.role) for c in ex.article.credits}
    assert persons_in(ex, "赵文博随调研组") == {"赵文博"}


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
    # 区文/旅体/局); 区自然资源和规划分局 is also the example kg.extract.patterns.organizations gives.
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


# --- post patterns: brackets, 兼, acting and executive deputies ------------------------------------


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
