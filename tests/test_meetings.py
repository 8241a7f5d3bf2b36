"""kg.extract.meetings (through kg.extract.extract): meetings, who chaired and who attended them.

The inputs and helpers are in extract_helpers.py (seed sentences and a held-apart set); every
expected value is what a Chinese reader takes from the sentence.
"""

from __future__ import annotations

from extract_helpers import (
    SEED_LIESHAN,
    SEED_XIANGSHAN,
    meeting_roles,
    one_report,
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


# --- made-up sentences of the genre's classes (invented names) ---------------------------------


def chairs(ex) -> set[tuple[str, str]]:
    """(chair, meeting as written) of every chaired relation."""
    return {(ex.mentions[r.subject].text, ex.mentions[r.object].text) for r in ex.relations if r.kind == "chaired"}


def attended_of(ex, person: str) -> set[str]:
    return {ex.mentions[r.object].text for r in ex.relations
            if r.kind == "attended" and ex.mentions[r.subject].text == person}


def test_chaired_two_meetings_joined_by_he():
    # X主持召开A和B: two meetings, one chair
    ex = one_report("3月5日，县长韩立平主持召开县政府党组会议和2024年第9次常务会议。")
    assert chairs(ex) == {("韩立平", "县政府党组会议"), ("韩立平", "2024年第9次常务会议")}


def test_joint_meeting_and_a_second_one():
    # A暨B is one joint meeting; 和 adds a second (and a long first name does not cut it short)
    ex = one_report("1月8日，县长韩立平主持召开临河县人民政府2025年第2次党组会议暨理论学习中心组集体学习会"
                    "和第40次常务会议。")
    assert chairs(ex) == {("韩立平", "临河县人民政府2025年第2次党组会议暨理论学习中心组集体学习会"),
                          ("韩立平", "第40次常务会议")}


def test_chaired_a_meeting_named_after_zhuchi():
    # X主持了Y座谈会, no 召开: the meeting is 主持's object; 参加了 the same 座谈会
    ex = one_report("区政协主席曹文礼主持了新春调研座谈会。区政协副主席蒋红英等参加了座谈会。")
    assert chairs(ex) == {("曹文礼", "新春调研座谈会")}
    assert "蒋红英" in meeting_roles(ex, "attended")


def test_chaired_and_spoke():
    # X主持Y并讲话
    ex = one_report("8月2日，区委书记韦志诚主持第三次全体会议并讲话，区委副书记潘建林出席。")
    assert chairs(ex) == {("韦志诚", "第三次全体会议")}
    assert "潘建林" in meeting_roles(ex, "attended")


def test_chaired_in_a_room():
    # 区长X在…会议室主持召开Y: the place between the name and 主持 does not cut them apart
    ex = one_report("6月3日，区长邵启明在区行政中心2号会议室主持召开区政府第15次常务会议，研究有关事项。")
    assert chairs(ex) == {("邵启明", "区政府第15次常务会议")}


def test_chaired_by_you():
    # 会议由X主持: the chair after 由
    ex = one_report("9月9日，县人民政府第21次常务会议召开。会议由县委副书记、县长詹永福主持。")
    assert chairs(ex) == {("詹永福", "县人民政府第21次常务会议")}


def test_convened_le_is_no_part_of_the_name():
    # 召开了Y: 了 is no part of the meeting's name
    ex = one_report("4月2日上午，副县长龚海鹰主持召开了全县春耕生产调度会。")
    assert chairs(ex) == {("龚海鹰", "全县春耕生产调度会")}


def test_heads_of_meetings():
    for body, name in [
        ("县长冉志远主持召开县长办公会，研究有关工作。", "县长办公会"),
        ("区委书记黎晓东主持召开区委理论学习中心组学习会。", "区委理论学习中心组学习会"),
        ("县委书记覃光耀主持召开全县项目建设推进会。", "全县项目建设推进会"),
        ("县人大常委会主任鲍成林主持了县十八届人大四次会议开幕会。", "县十八届人大四次会议开幕会"),
        ("副区长宁海波主持召开全区防汛工作调度会。", "全区防汛工作调度会"),
    ]:
        ex = one_report("5月6日，" + body)
        assert {m for _, m in chairs(ex)} == {name}, body


def test_second_meeting_chaired_later_by_the_same_person():
    # …，并主持了宪法宣誓仪式: a second meeting, chaired by the clause's subject; the attendees
    # of the first (……出席会议, several sentences later) stay the first meeting's
    ex = one_report(
        "5月20日，县十八届人大常委会第十二次会议召开。县人大常委会主任尹国华主持会议。"
        "会议审议了有关报告。会议要求，要抓好落实；要强化监督；要提升效能；要改进作风。"
        "会议决定了有关人事任免。尹国华向新任命人员颁发了任命书，并主持了宪法宣誓仪式。"
        "会议还听取了有关汇报，讨论决定了县十八届人大三次会议召开时间。"
        "县人大常委会副主任包德明出席会议。")
    assert chairs(ex) == {("尹国华", "县十八届人大常委会第十二次会议"), ("尹国华", "宪法宣誓仪式")}
    assert attended_of(ex, "包德明") == {"县十八届人大常委会第十二次会议"}
    # 会议召开时间: a meeting to be held, named for its date, is no meeting of this report
    assert not any("三次会议" in m.text for m in ex.mentions if m.kind == "meeting")


def test_attendees_are_not_the_chair():
    ex = one_report("7月1日，区委书记祁永康主持召开区委常委会会议并讲话，区委副书记、区长武春阳，"
                    "区委副书记葛文斌出席会议，区政府副区长聂家兴列席会议。")
    assert meeting_roles(ex, "chaired") == {"祁永康"}
    assert {"武春阳", "葛文斌", "聂家兴"} <= meeting_roles(ex, "attended")
    assert "祁永康" not in meeting_roles(ex, "attended")


def test_attending_something_else_is_not_attending_the_meeting():
    # A出席…峰会…时的讲话精神: the object of 出席 is another event
    ex = one_report("5月9日，县长韩立平主持召开县政府常务会议。会议传达学习了国务院副总理鲁振邦出席数字经济峰会"
                    "时的讲话精神。")
    assert meeting_roles(ex, "chaired") == {"韩立平"}
    assert "鲁振邦" not in meeting_roles(ex, "attended")


def test_surname_and_title_is_no_chair():
    # 彭副县长主持了会议: a surname with a title names no one
    ex = one_report("8月7日下午，县人民政府召开了全县烤烟中耕管理工作会议，县人民政府祁副县长主持了会议。")
    assert meeting_roles(ex, "chaired") == set()
    assert "全县烤烟中耕管理工作会议" in {m.text for m in ex.mentions if m.kind == "meeting"}


def test_host_of_a_show_is_no_chair():
    # 主持人 is a noun: no 主持
    ex = one_report("6月1日，县融媒体中心召开庆祝大会。县电视台主持人柯晓雯表示，要讲好家乡故事。")
    assert meeting_roles(ex, "chaired") == set()


def test_chaired_two_meetings_joined_by_dun():
    # X主持召开A、B
    ex = one_report("3月5日，县长韩立平主持召开县政府党组会议、第12次常务会议。")
    assert chairs(ex) == {("韩立平", "县政府党组会议"), ("韩立平", "第12次常务会议")}


def test_second_meeting_chaired_in_the_same_sentence():
    # ……，并主持召开B: the sentence's second meeting, chaired by its subject
    ex = one_report("5月6日，县委书记黎晓东主持召开县委常委会会议，传达学习省委全会精神，"
                    "并主持召开县委全面深化改革委员会第三次会议。")
    assert chairs(ex) == {("黎晓东", "县委常委会会议"), ("黎晓东", "县委全面深化改革委员会第三次会议")}


def test_opening_session_named_before_juxing():
    # X开幕会举行: 开幕会 closes the name (not X会议 开幕); 主持开幕会 is the same meeting
    ex = one_report("5月6日，区十届人大五次会议开幕会举行。区人大常委会主任鲍成林主持开幕会。区领导宁海波出席。")
    meetings = {m.text for m in ex.mentions if m.kind == "meeting"}
    assert "区十届人大五次会议开幕会" in meetings
    assert meeting_roles(ex, "chaired") == {"鲍成林"}
    assert attended_of(ex, "宁海波") == {"区十届人大五次会议开幕会"}
