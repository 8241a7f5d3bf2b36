"""kg.extract.meetings (through kg.extract.extract): meetings, who chaired and who attended them.

The inputs and helpers are in extract_helpers.py (seed sentences and a held-apart set); every
expected value is what a Chinese reader takes from the sentence.
"""

from __future__ import annotations

from extract_helpers import (
    SEED_LIESHAN,
    SEED_XIANGSHAN,
    meeting_roles,
    seed_report,
)

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
