"""kg.bylines: the grammar of datelines, credit lines and closing credits, and how segment uses it.

The sentences are made up in the genre's styles; the names are invented.
"""

from __future__ import annotations

import signal

import pytest

from kg.bylines import credit_line, dateline, trailing_credit
from kg.records import Source
from kg.segment import segment


def names(credits) -> list[tuple[str, str]]:
    return [(c.name, c.role) for c in credits or []]


def article(text: str):
    [a] = segment(Source(path="p.txt", name="p.txt", text=text))
    return a


# --- datelines ----------------------------------------------------------------------------------

DATELINES = {
    "本报讯 with a space, no credit": ("本报讯 3月2日，县委召开常委会。", "本报", [], "3月2日，县委召开常委会。"),
    "a news site with reporters": ("安平新闻网讯(记者 石晓东 许丽丽)5月6日，县长主持召开会议。", "安平新闻网",
                                 [("石晓东", "记者"), ("许丽丽", "记者")], "5月6日，县长主持召开会议。"),
    "a site with place and date": ("江东新闻网临川9月3日讯(廖文明 文/图)连日来，", "江东新闻网",
                                 [("廖文明", "记者")], "临川9月3日连日来，"),
    "a paper's 电 with a reporting team": ("本报通城7月1日电 (记者 曾海涛 县委报道组 黎秋云) 7月1日上午，", "本报",
                                        [("曾海涛", "记者"), ("黎秋云", "通讯员")], "通城7月1日7月1日上午，"),
    "a station's 讯, correspondent": ("县电视台讯(通讯员 邵红梅) “请大家注意防汛。”", "县电视台",
                                   [("邵红梅", "通讯员")], "“请大家注意防汛。”"),
    "a name alone in brackets": ("本网讯(柯明亮) 10月8日，检查组到我县。", "本网", [("柯明亮", "记者")],
                               "10月8日，检查组到我县。"),
    "消息 after the outlet and place": ("茶业在线建瓯消息 为了落实会议精神，", "茶业在线", [], "为了落实会议精神，"),
    "a media centre's 报道:": ("云上枝江报道:6月9日，调研组到县里。", "云上枝江", [], "6月9日，调研组到县里。"),
}


@pytest.mark.parametrize("line, outlet, credited, rest", DATELINES.values(), ids=DATELINES.keys())
def test_dateline_styles(line, outlet, credited, rest):
    d = dateline(line)

    assert d is not None and d.outlet == outlet
    a = article("标题一行\n" + line + "\n")
    assert names(a.credits) == credited
    assert a.body[a.lead:].strip() == rest
    assert a.outlet == outlet


@pytest.mark.parametrize("line", [
    "国网供电公司召开安全生产会议。",  # an outlet-like word, then 电 of 供电: no dateline without a date
    "记者从县人社局获悉，今年以来全县新增就业岗位。",
    "据了解，全县已完成任务。",
])
def test_body_lines_are_no_datelines(line):
    assert dateline(line) is None


# --- credit lines -------------------------------------------------------------------------------

CREDIT_LINES = {
    "block with square": ("■记者 孟繁星 通讯员 卜玉洁 邹立新",
                          [("孟繁星", "记者"), ("卜玉洁", "通讯员"), ("邹立新", "通讯员")]),
    "colon and list comma": ("记者:贺文静、谭小燕", [("贺文静", "记者"), ("谭小燕", "记者")]),
    "trainee after the name": ("记者:符海波   钟雪妮(实习)", [("符海波", "记者"), ("钟雪妮", "记者")]),
    "media centre reporter": ("县融媒体中心记者:严冬梅", [("严冬梅", "记者")]),
    "supplied by": ("供稿:乔振宇", [("乔振宇", "通讯员")]),
    "photographer": ("本报记者 苗志远 摄", [("苗志远", "摄影")]),
    "full-media reporter": ("全媒体记者 沈佳琪 见习记者 房一鸣", [("沈佳琪", "记者"), ("房一鸣", "记者")]),
    "glued names split by surname": ("记者石晓东许丽丽", [("石晓东", "记者"), ("许丽丽", "记者")]),
    "closing names in brackets": ("(常乐天 殷 红)", [("常乐天", "记者"), ("殷红", "记者")]),
}


@pytest.mark.parametrize("line, credited", CREDIT_LINES.values(), ids=CREDIT_LINES.keys())
def test_credit_line_styles(line, credited):
    credits = credit_line(line)

    assert names(credits) == credited
    for c in credits:  # offsets point at the name (a spaced name from its first to last character)
        assert line[c.start:c.end].replace(" ", "") == c.name


@pytest.mark.parametrize("line", [
    "文明创建在行动",  # a headline opening with 文明 is no 文 credit
    "图说我县新变化",
    "记者从县人社局获悉",  # a body line opening with a role word is text
    "记者走进田间地头，看到",
    "通讯员队伍建设座谈会",
    "王家村、李家村",  # names of villages are not names of people
])
def test_lines_that_are_no_credits(line):
    assert credit_line(line) is None


def test_a_long_line_opening_with_a_role_is_read_in_linear_time():
    """The old credit pattern backtracked exponentially (38 s on 75 characters). The alarm only
    guards against a hang; the tokenizer takes microseconds."""
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError("credit parsing hung")))
    signal.alarm(20)
    try:
        for n in (40, 75, 300, 3000):
            line = "记者" + ("王张李赵刘陈杨黄吴周" * 400)[:n] + "摄"
            assert credit_line(line) is None
            assert trailing_credit("会议召开。" + line) is None
            segment(Source(path="p.txt", name="p.txt", text=line + "\n本报讯 正文。\n"))
    finally:
        signal.alarm(0)


# --- closing credits ----------------------------------------------------------------------------

TRAILING = {
    "site reporter with colon": ("会议还研究了其他事项。(本网记者:施国栋)", [("施国栋", "记者")]),
    "two names, spaced after the stop": ("列席会议。 (庞玉兰 卫 东)", [("庞玉兰", "记者"), ("卫东", "记者")]),
    "reporter and correspondent": ("列席会议。(记者 严冬梅 通讯员 乔振宇)", [("严冬梅", "记者"), ("乔振宇", "通讯员")]),
    "outlet glued to the role, another outlet": ("集中签约。(江南之声记者祁晓燕、县台)", [("祁晓燕", "记者")]),
    "one name": ("新局面。(邵红梅)", [("邵红梅", "记者")]),
    "name with 文/图": ("确保安全。(廖文明 文/图)", [("廖文明", "记者")]),
    "photo credit after a caption": ("志愿者为老人理发。苗志远 摄", [("苗志远", "摄影")]),
}


@pytest.mark.parametrize("line, credited", TRAILING.values(), ids=TRAILING.keys())
def test_closing_credit_styles(line, credited):
    found = trailing_credit(line)

    assert found is not None and names(found[1]) == credited
    a = article("标题\n本报讯 正文第一句。\n" + line + "\n")
    assert sorted(names(a.credits)) == sorted(credited)
    assert line[:found[0]].strip() in a.body
    for c in found[1]:
        assert c.name not in a.body


@pytest.mark.parametrize("line", [
    "会议由副县长(主持工作)主持。",
    "学习了实施办法(试行)",
    "全县共有12个村(社区)",
    "会议听取了县长办公室的汇报。(完)",
    "同意该方案。(二〇二四年三月)",
])
def test_brackets_that_are_no_credits(line):
    assert trailing_credit(line) is None


def test_a_closing_report_credit_and_a_reporter_without_a_han_surname():
    assert names(credit_line("报道:石晓东")) == [("石晓东", "记者")]
    d = dateline("本报讯(记者 乌兰 实习记者 许丽丽)11月20日，旗人大常委会召开会议。")
    a = article("标题\n本报讯(记者 其木格 实习记者 许丽丽)11月20日，旗人大常委会召开会议。\n")
    assert d is not None and names(a.credits) == [("其木格", "记者"), ("许丽丽", "记者")]


@pytest.mark.parametrize("line, credited", [
    ("记 者:石晓东", [("石晓东", "记者")]),  # a role word spaced to fill the column
    ("通 讯 员 许丽丽", [("许丽丽", "通讯员")]),
    ("摄像:石晓东 撰稿:许丽丽", [("石晓东", "摄影"), ("许丽丽", "记者")]),
    ("图文:县融媒体中心 石晓东", [("石晓东", "记者")]),  # the supplying office, then the name
    ("人民网记者石晓东 许丽丽 北京报道", [("石晓东", "记者"), ("许丽丽", "记者")]),  # where it was filed
])
def test_more_credit_line_styles(line, credited):
    assert names(credit_line(line)) == credited


def test_a_dateline_of_a_local_outlet_word():
    d = dateline("本港讯 (石晓东 特约记者 许丽丽) 近日，")

    assert d is not None and d.outlet == "本港"
    a = article("标题\n本港讯 (石晓东 特约记者 许丽丽) 近日，县委召开会议。\n")
    assert names(a.credits) == [("石晓东", "记者"), ("许丽丽", "记者")]
