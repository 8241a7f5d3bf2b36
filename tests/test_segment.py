"""kg.segment.segment: one page's text → its articles (headline, kicker, body, offsets, credits, date).

Snippets are copied from the seed pages (seeds/*.txt) or written in the same style.
"""

from __future__ import annotations

import pytest
from conftest import SEED_NAMES, seed_text

from kg.records import Article, Source
from kg.segment import segment


def seg(text: str, name: str = "page.txt") -> list[Article]:
    return segment(Source(path=name, name=name, text=text))


def credits(article: Article) -> list[tuple[str, str]]:
    return [(c.name, c.role) for c in article.credits]


def report(article: Article) -> str:
    """The report proper: the body after the headline lines."""
    return article.body[article.lead:]


# --- bylines ------------------------------------------------------------------------------------

BYLINES = {
    "block, reporter and two correspondents": (
        "杨庄街道采取一系列创新举措 让文明之花绽放每个角落\n\n"
        "■记者 于晓 通讯员 陈子龙 王权礼\n\n"
        "本报讯 当文明实践走出传统阵地，当志愿服务化身“日常惊喜”，烈山区杨庄街道正以一系列创新举措，"
        "让文明之花绽放在居民生活的每个角落。\n",
        "杨庄街道采取一系列创新举措 让文明之花绽放每个角落",
        [("于晓", "记者"), ("陈子龙", "通讯员"), ("王权礼", "通讯员")],
        "当文明实践走出传统阵地",
    ),
    "block with a space after the square": (
        "## 勇立潮头争“红旗” 相山区加快推进重点项目建设\n\n"
        "■ 通讯员 张纯一\n\n"
        "本报讯 11月22日下午，相山区召开“决战四季度 增强新动能”加快重点项目建设推进会。\n",
        "勇立潮头争“红旗” 相山区加快推进重点项目建设",
        [("张纯一", "通讯员")],
        "11月22日下午，相山区召开",
    ),
    "dateline with half-width brackets": (
        "卫东区上半年环境指标持续向好\n\n"
        "本报讯(记者田秀忠 通讯员何洋)7月31日上午,天空蔚蓝,卫东区东安路街道东苑社区建东小区20号楼"
        "居民刘毛臣深有感触地说:“天越来越蓝了,空气也是越来越清新。”\n",
        "卫东区上半年环境指标持续向好",
        [("田秀忠", "记者"), ("何洋", "通讯员")],
        "7月31日上午,天空蔚蓝",
    ),
    "dateline with full-width brackets": (
        "湖滨路街道：检查全覆盖 整改见实效\n\n"
        "本报讯（记者张亚丹）10月18日上午，湖滨路街道组织委员贺圣权、武装部长贺圣杰带队督导检查"
        "各村（社区）文明城市创建工作。\n",
        "湖滨路街道：检查全覆盖 整改见实效",
        [("张亚丹", "记者")],
        "10月18日上午，湖滨路街道",
    ),
    "dateline naming the city": (
        "## 济宁经开区 烟花爆竹“打非治违” 在行动\n\n"
        "本报济宁讯(通讯员 李宪辉)按照省烟花爆竹“打非治违”专项行动相关会议部署,济宁经开区开展全区"
        "烟花爆竹“打非治违”专项行动,全面有效防范安全风险。\n",
        "济宁经开区 烟花爆竹“打非治违” 在行动",
        [("李宪辉", "通讯员")],
        "按照省烟花爆竹",
    ),
    "block with 本报通讯员": (
        "# 织就民生服务“锦绣图”\n\n"
        "■本报通讯员 王婷婷\n\n"
        "家门口建起的老年食堂,帮助老年人解决吃饭、照料等难题;社区里有了普惠幼儿园,孩子就近入园不再愁。\n",
        "织就民生服务“锦绣图”",
        [("王婷婷", "通讯员")],
        "家门口建起的老年食堂",
    ),
    "dateline with two correspondents": (
        "查漏补缺明职责 重整行装再出发\n\n"
        "区纪委听取纪工委纪检组半年工作报告\n\n"
        "本报讯(记者田秀忠 通讯员杨水亮 张进超)日前,卫东区纪委召开全区纪检监察系统派驻机构负责人"
        "向区纪委作半年工作报告专题会议。\n",
        "区纪委听取纪工委纪检组半年工作报告",
        [("田秀忠", "记者"), ("杨水亮", "通讯员"), ("张进超", "通讯员")],
        "日前,卫东区纪委召开",
    ),
}


@pytest.mark.parametrize("text, headline, expected, opening", BYLINES.values(), ids=BYLINES.keys())
def test_byline_styles(text, headline, expected, opening):
    [article] = seg(text)

    assert article.headline == headline
    assert credits(article) == expected
    for credit in article.credits:  # credit offsets point at the name in the page
        assert text[credit.start:credit.end] == credit.name
    assert report(article).startswith(opening)
    assert "本报" not in article.body
    assert "■" not in article.body
    assert "通讯员" not in article.body


def test_same_reporter_on_two_reports_is_credited_on_each():
    text = (
        "严查校园周边食品安全 切实保障师生身体健康\n\n"
        "■记者 于晓 通讯员 张兰云\n\n"
        "本报讯 新学期伊始，为守护师生“舌尖上的安全”，任楼街道辖区人大代表联合社区食品安全“四员”，"
        "对校园周边小卖部开展食品安全专项检查行动。\n\n"
        "临海童街道人大工委 送法进校园 护航青少年\n\n"
        "■记者 王守明 通讯员 周宗宇\n\n"
        "本报讯 日前，临海童街道人大工委联合司法所、临海矿中心社区工作人员，走进市第十中学，"
        "开展“送法进校园”主题宣传活动。\n"
    )

    first, second = seg(text)

    assert first.headline == "严查校园周边食品安全 切实保障师生身体健康"
    assert credits(first) == [("于晓", "记者"), ("张兰云", "通讯员")]
    assert second.headline == "临海童街道人大工委 送法进校园 护航青少年"
    assert credits(second) == [("王守明", "记者"), ("周宗宇", "通讯员")]


# --- photo credits ------------------------------------------------------------------------------


def test_photo_credit_block_closes_the_photo_story():
    text = (
        "优质医疗资源下沉 群众家门口享便捷服务\n\n"
        "近日，航拍位于烈山区的市人民医院。\n\n"
        "近年来，烈山区加速推动优质医疗资源向基层延伸，通过信息化赋能与服务模式创新，"
        "让群众在家门口就能享受便捷可及的医疗卫生服务。\n\n"
        "■摄影 记者 冯树凤\n\n"
        "扎紧政府“钱袋子”\n\n"
        "——烈山区人大常委会《预算法》执法检查侧记\n\n"
        "■记者 王守明 通讯员 苗永辉\n\n"
        "《预算法》，素有“经济宪法”之称。它关乎财政预算的运行，更关系着每一位民众的切身利益。\n"
    )

    photo, report_ = seg(text)

    assert photo.headline == "优质医疗资源下沉 群众家门口享便捷服务"
    assert credits(photo) == [("冯树凤", "摄影")]
    assert "航拍位于烈山区的市人民医院" in photo.body
    assert "冯树凤" not in photo.body
    assert report_.headline == "扎紧政府“钱袋子”"
    assert report_.kicker == "——烈山区人大常委会《预算法》执法检查侧记"
    assert credits(report_) == [("王守明", "记者"), ("苗永辉", "通讯员")]
    assert report(report_).startswith("《预算法》，素有“经济宪法”之称。")


def test_photo_caption_between_two_reports_is_an_item_of_its_own():
    text = (
        "积极调整思路 改进方式方法\n\n"
        "区审计局深化经济责任审计\n\n"
        "本报讯(记者田秀忠 通讯员胡文哲 郭华)近年来,卫东区审计局立足实际,积极调整思路,"
        "改进和创新经济责任审计监督的方式方法,不断深化经济责任审计工作。\n\n"
        "突出规范审计程序。该局研究制定了《卫东区经济责任审计工作程序》,进一步明确了审计程序,规范了审计行为。\n\n\n\n"
        "八一建军节前夕,卫东区鸿鹰街道大营社区组织工作人员到50余名军烈属、退伍军人家中慰问。"
        "图为7月27日,该社区党委相关负责人来到抗美援朝老兵魏留德家中,为他送上米面油等慰问品和节日问候。\n\n"
        "本报记者 田秀忠 摄\n\n"
        "加强财源建设 优化财税机制\n\n"
        "卫东区上半年财政收入实现“双过半”\n\n"
        "本报讯(记者田秀忠 通讯员何洋 姚清泉)截至6月30日,卫东区共完成区本级地方公共财政预算收入23496万元,"
        "超序时进度3530万元,同比增长19.5%。\n"
    )

    audit, photo, finance = seg(text)

    assert audit.headline == "区审计局深化经济责任审计"
    assert audit.kicker == "积极调整思路 改进方式方法"
    assert credits(audit) == [("田秀忠", "记者"), ("胡文哲", "通讯员"), ("郭华", "通讯员")]
    assert "魏留德" not in audit.body
    assert "突出规范审计程序" in audit.body

    assert credits(photo) == [("田秀忠", "摄影")]
    assert "抗美援朝老兵魏留德家中" in photo.body
    assert "审计" not in photo.body

    assert finance.headline == "卫东区上半年财政收入实现“双过半”"
    assert finance.kicker == "加强财源建设 优化财税机制"
    assert credits(finance) == [("田秀忠", "记者"), ("何洋", "通讯员"), ("姚清泉", "通讯员")]


def test_caption_paragraph_closed_by_an_inline_credit():
    text = (
        "卫东区积极开展儿童口腔疾病干预\n\n"
        "本报讯(记者田秀忠 通讯员毛思周)截至7月底,卫东区共为全区22所小学的2513名学生实施了窝沟封闭,"
        "封闭牙齿7180颗,封闭率达到96%。\n\n\n\n"
        "7月26日,在卫东区东安路街道安培社区,平煤神马集团退休老党员王怀木在抄写黑板报。今年73岁的王怀木,已经有\n\n"
        "30余年的党龄了。退休后,他每周出黑板报一期,目前义务为社区出黑板报500多期。黄杰 摄"
    )

    dental, photo = seg(text)

    assert credits(dental) == [("田秀忠", "记者"), ("毛思周", "通讯员")]
    assert "王怀木" not in dental.body
    assert credits(photo) == [("黄杰", "摄影")]
    assert photo.credits[0].start == text.index("黄杰 摄")
    assert "今年73岁的王怀木,已经有30余年的党龄了。" in photo.body
    assert photo.body.rstrip().endswith("目前义务为社区出黑板报500多期。")
    assert "黄杰" not in photo.body
    assert photo.date == "--07-26"


def test_correspondent_credited_for_a_photo():
    text = (
        "近日,济宁经开区交警大队结合道路交通事故预防“减量控大”工作,加大路面管控,"
        "持续打击大货车超限超载、非法改装、闯禁区等不文明交通违法行为。\n\n"
        "■通讯员 唐硕 摄"
    )

    [photo] = seg(text)

    assert credits(photo) == [("唐硕", "摄影")]
    assert "唐硕" not in photo.body
    assert photo.headline  # a headline-less caption still gets a headline to show
    assert photo.headline in photo.body


PHOTO_THEN_REPORT = (
    "## 关爱农民工 服务进工地\n\n"
    "11月22日，志愿者在为建筑工人赠送安全防护用品。当日，相山区东街道开展为一线建筑工人送健康、"
    "保安全活动。\n\n"
    "■ 摄影 记者 陈文晓  \n"
    "通讯员 郭淑珺\n\n\n\n"
    "## 相山区十一届人大常委会 第四十次会议召开\n\n"
    "■ 通讯员 丁颖\n\n"
    "本报讯 11月18日，相山区十一届人大常委会第四十次会议召开。区人大常委会党组书记、副主任朱正春主持会议并讲话。\n"
)


def test_photo_credit_continued_on_the_next_line_stays_with_the_photo():
    photo, meeting = seg(PHOTO_THEN_REPORT)

    assert photo.headline == "关爱农民工 服务进工地"
    assert [c.name for c in photo.credits] == ["陈文晓", "郭淑珺"]
    assert photo.credits[0].role == "摄影"
    assert "郭淑珺" not in photo.body
    assert meeting.headline == "相山区十一届人大常委会 第四十次会议召开"
    assert credits(meeting) == [("丁颖", "通讯员")]


def test_photo_credit_continued_on_the_next_line_credits_both_as_photographers():
    # "■ 摄影 记者 陈文晓 / 通讯员 郭淑珺": both took the photo, as 唐硕 did in "■通讯员 唐硕 摄".
    photo, _ = seg(PHOTO_THEN_REPORT)

    assert credits(photo) == [("陈文晓", "摄影"), ("郭淑珺", "摄影")]


# --- lines broken by the layout -----------------------------------------------------------------


def test_line_broken_mid_sentence_is_rejoined():
    text = (
        "区委常委会扩大会议暨区委党的建设工作领导小组会议强调 巩固拓展学习教育成果 推进作风建设常态化长效化\n\n"
        "■记者 于晓\n\n"
        "本报讯 9月12日下午，烈山区委常委会扩大会议暨区委党的建设工作领导小组会议召开，传达学习习近平总书记"
        "关于学习教育的重要指示。区委书记刘明主持会议\n\n"
        "并讲话。区委副书记、区长孙露露，区人大常委会主任曹梅，区委常委，其他在职区级领导出席。\n"
    )

    [article] = seg(text)

    assert "区委书记刘明主持会议并讲话。区委副书记、区长孙露露" in article.body
    start = article.body.index("主持会议并讲话")
    # each joined character still points at its own character in the page
    for i in range(start, start + len("主持会议并讲话")):
        assert text[article.offsets[i]] == article.body[i]


def test_rejoined_line_inside_a_long_paragraph():
    text = (
        "烈山经济开发区 推行“一卡”服务 优化营商环境\n\n"
        "■记者 王守明 通讯员 陈子龙 王权礼\n\n"
        "本报讯 为精准破解企业难题，拉近政企距离，烈山经济开发区创新推行“一卡”服务模式。\n\n"
        "快速响应，高效协同。该机制以“速响应、快解决”为核心，要求承办部\n\n"
        "门1-2个工作日内完成诉求核实，5个工作日内反馈办理进展。\n"
    )

    [article] = seg(text)

    assert "要求承办部门1-2个工作日内完成诉求核实" in article.body


def test_decoration_printed_across_a_broken_sentence_is_dropped():
    text = (
        "引得“凤还巢” 共建家乡好\n\n"
        "示范区多举措支持人才返乡创业就业\n\n"
        "本报讯（记者张亚丹）10月18日上午，示范区组织人社局相关负责人前往纳芯微电子（河南）有限公司"
        "开展返乡创业政策上门服务。\n\n"
        "深化区域优势，让返乡人员想创业。该区紧抓科技创新和乡村振兴发展机遇，发挥产业融合优势，积极整合党\n\n"
        "新时代 新征程 新伟业\n\n"
        "建和人社资源，着力打造以西渑、叶营、焦庄、周庄村4个融合党建示范点为主的产业融合示范带。\n"
    )

    [article] = seg(text)

    assert article.headline == "示范区多举措支持人才返乡创业就业"
    assert "积极整合党建和人社资源" in article.body
    assert "新伟业" not in article.body


def test_sub_heads_inside_a_report_stay_apart_from_the_next_paragraph():
    text = (
        "扎紧政府“钱袋子”\n\n"
        "——烈山区人大常委会《预算法》执法检查侧记\n\n"
        "■记者 王守明 通讯员 苗永辉\n\n"
        "《预算法》，素有“经济宪法”之称。它关乎财政预算的运行，更关系着每一位民众的切身利益。\n\n"
        "精心筹备，筑牢检查工作根基\n\n"
        "执法检查的有序开展，离不开前期的周密筹备。\n\n"
        "实地调研，全方位掌握实情\n\n"
        "在区财政局，检查组仔细查阅预算编制、执行和决算的相关资料。\n"
    )

    [article] = seg(text)  # sub-heads do not start new articles

    assert article.headline == "扎紧政府“钱袋子”"
    assert "精心筹备，筑牢检查工作根基" in article.body
    assert "根基执法检查" not in article.body
    assert "实地调研，全方位掌握实情" in article.body
    assert "实情在区财政局" not in article.body


@pytest.mark.parametrize("opening", ["同时，", "近年来，", "会上，"], ids=["tongshi", "jinnianlai", "huishang"])
def test_sub_head_before_a_paragraph_opening_with_a_short_clause(opening):
    # Paragraphs of these pages often open with 同时， / 近年来， / 会上，: that is no continuation.
    text = (
        "扎紧政府“钱袋子”\n\n"
        "■记者 王守明 通讯员 苗永辉\n\n"
        "《预算法》，素有“经济宪法”之称。它关乎财政预算的运行，更关系着每一位民众的切身利益。\n\n"
        "实地调研，全方位掌握实情\n\n"
        f"{opening}检查组兵分两路，深入到镇办、区直重点部门，全方位了解《预算法》的贯彻落实情况。\n"
    )

    [article] = seg(text)

    assert "实地调研，全方位掌握实情" in article.body
    assert f"实情{opening}" not in article.body
    assert f"{opening}检查组兵分两路" in article.body


BROKEN_AFTER_A_FULL_STOP = {
    # seeds/000: a word (查阅) split across the break
    "list item split": (
        "扎紧政府“钱袋子”\n\n"
        "■记者 王守明 通讯员 苗永辉\n\n"
        "《预算法》，素有“经济宪法”之称。它关乎财政预算的运行，更关系着每一位民众的切身利益。\n\n"
        "执法检查组兵分两路，深入到镇办、区直重点部门，通过听取汇报、查\n\n"
        "阅资料、现场查看、座谈交流等多种方式，全方位了解《预算法》的贯彻落实情况。\n",
        "通过听取汇报、查阅资料、现场查看、座谈交流等多种方式",
    ),
    # seeds/002: a 41-character line, no sub-head
    "long first line of a paragraph": (
        "核查认定严格科学 实施网格管理模式\n\n"
        "区民政局实现社会救助“无盲区”\n\n"
        "本报讯(记者田秀忠 通讯员黄杰)“感谢政府,如果没有党的关怀,我真不知该咋办……”7月26日,"
        "卫东区蒲城街道门楼张村农村低保户张遂卿激动地说。\n\n"
        "今年以来,该局以维护困难群众的基本生活权益作为工作的出发点和落脚点,创新民政工作\n\n"
        "机制,全力打造阳光低保。该局制定出台《社会救助申请家庭经济状况核查认定指导意见》。\n",
        "创新民政工作机制,全力打造阳光低保。",
    ),
    # seeds/003: 创业 split, the continuation starts with 业。
    "word split before a full stop": (
        "引得“凤还巢” 共建家乡好\n\n"
        "示范区多举措支持人才返乡创业就业\n\n"
        "本报讯（记者张亚丹）10月18日上午，示范区组织人社局相关负责人前往纳芯微电子（河南）有限公司"
        "开展返乡创业政策上门服务。\n\n"
        "优化服务保障，让返乡人员创成\n\n"
        "业。该区坚持以优质服务构建和谐创业环境，促进创业要素加快聚集，助力更多劳动者成功创业。\n",
        "优化服务保障，让返乡人员创成业。该区坚持以优质服务",
    ),
}


@pytest.mark.parametrize("text, joined", BROKEN_AFTER_A_FULL_STOP.values(), ids=BROKEN_AFTER_A_FULL_STOP.keys())
def test_first_line_of_a_paragraph_broken_by_the_layout_is_rejoined(text, joined):
    [article] = seg(text)

    assert joined in article.body


def test_report_line_inside_a_broken_sentence_is_not_dropped():
    # seeds/000: the page lost some words after 全面贯彻; the next line is report text, not decoration.
    text = (
        "区委常委会扩大会议暨区委党的建设工作领导小组会议强调 巩固拓展学习教育成果 推进作风建设常态化长效化\n\n"
        "■记者 于晓\n\n"
        "本报讯 9月12日下午，烈山区委常委会扩大会议暨区委党的建设工作领导小组会议召开。\n\n"
        "刘明指出，习近平总书记的重要指示，对于适应新时代新征程新形势任务加强作风建设、深入推进全面从严治党"
        "具有重大意义。全区上下要认真学习领会、全面贯彻\n\n"
        "刘明指出，自学习教育开展以来，区委坚决扛牢政治责任，查改\n\n"
        "一体整治“四风”，分类警示强纪律，开门教育解民忧，确保学习教育走深走实。\n"
    )

    [article] = seg(text)

    assert "自学习教育开展以来，区委坚决扛牢政治责任" in article.body
    assert "查改一体整治“四风”" in article.body


def test_markdown_page_sub_head_is_not_glued_to_the_next_paragraph():
    # seeds/004: the three 用力 sub-heads of 坚持“三个用力”, printed without # marks
    text = (
        "## 强化党建引领 推进双基工作\n\n"
        "### 济宁经开区\n\n"
        "# 坚持“三个用力”激活两新红色引擎\n\n"
        "■本报通讯员 刘雪梅\n\n"
        "近年来,济宁经开区充分激发党建引领园区高质量发展“红色引擎”作用,坚持“三个用力”,"
        "不断增强两新组织党组织的政治功能和组织功能。\n\n"
        "用力全域覆盖 增强发展动能\n\n"
        "组织力量对全区企业走访摸排一遍,制定“五个清”工作台账。\n"
    )

    [article] = seg(text)

    assert "用力全域覆盖 增强发展动能" in article.body
    assert "增强发展动能组织力量" not in article.body


# --- headlines ----------------------------------------------------------------------------------


def test_markdown_headline_levels():
    text = (
        "## 民生答卷话幸福\n\n"
        "### 济宁经济技术开发区\n\n"
        "# 织就民生服务“锦绣图”\n\n"
        "■本报通讯员 王婷婷\n\n"
        "家门口建起的老年食堂,帮助老年人解决吃饭、照料等难题;社区里有了普惠幼儿园,孩子就近入园不再愁。\n"
    )

    [article] = seg(text)

    assert article.headline == "织就民生服务“锦绣图”"
    assert article.kicker == "民生答卷话幸福 济宁经济技术开发区"
    assert text[article.headline_start:article.headline_end] == "织就民生服务“锦绣图”"
    assert "#" not in article.body
    assert report(article).startswith("家门口建起的老年食堂")


def test_markdown_headline_without_level_one():
    text = (
        "## 学习贯彻党的十九届六中全会精神\n\n"
        "### 凝聚共识 引领发展 相山区第一时间传达学习 党的十九届六中全会精神\n\n"
        "■ 通讯员 宋翔\n\n"
        "本报讯 11月16日，相山区委常委会第14次会议召开，传达学习中国共产党第十九届中央委员会第六次全体会议公报。\n"
    )

    [article] = seg(text)

    assert article.headline == "凝聚共识 引领发展 相山区第一时间传达学习 党的十九届六中全会精神"
    assert article.kicker == "学习贯彻党的十九届六中全会精神"
    assert credits(article) == [("宋翔", "通讯员")]


def test_kicker_above_the_headline_in_a_plain_page():
    text = (
        "实行精细化管理 共同打好“组合拳”\n\n"
        "卫东区高标准推进“四城联创”\n\n"
        "本报讯(记者田秀忠 通讯员何洋)“现在小区路宽街净,环境优美,处处是风景。”7月30日,"
        "卫东区东安路街道东苑社区建东小区84号楼居民于怀长动情地说。\n"
    )

    [article] = seg(text)

    assert article.headline == "卫东区高标准推进“四城联创”"
    assert article.kicker == "实行精细化管理 共同打好“组合拳”"
    assert report(article).startswith("“现在小区路宽街净")


SEED_HEADLINES = {
    "000_96c8e21aadbbbbe2.txt": [
        "区委常委会扩大会议暨区委党的建设工作领导小组会议强调 巩固拓展学习教育成果 推进作风建设常态化长效化",
        "烈山经济开发区 推行“一卡”服务 优化营商环境",
        "严查校园周边食品安全 切实保障师生身体健康",
        "临海童街道人大工委 送法进校园 护航青少年",
        "杨庄街道采取一系列创新举措 让文明之花绽放每个角落",
        "优质医疗资源下沉 群众家门口享便捷服务",
        "扎紧政府“钱袋子”",
    ],
    "001_7b6c783239e697ff.txt": [
        "聚焦工作重点 增进民生福祉 相山区打好2021年度民生工程收官战",
        "勇立潮头争“红旗” 相山区加快推进重点项目建设",
        "关爱农民工 服务进工地",
        "相山区十一届人大常委会 第四十次会议召开",
        "同心携手“云共建” 党建引领谱新篇 东街道社区党组织 开展跨区域线上交流会",
        "凝聚共识 引领发展 相山区第一时间传达学习 党的十九届六中全会精神",
        "握手 牵手 携手之旅 朱龙带队走访合肥部分高校、 科研院所和工业园区",
        "相山区加大生态环境问题 整改力度",
        "亮剑“推拖绕、懒散慢、事难办” 相山区政务服务中心开展专项整治行动",
    ],
    "003_aab4cd8d046a0ae4.txt": [
        "示范区全力打造新时代文明实践“示范样板”",
        "湖滨路街道：检查全覆盖 整改见实效",
        "社区学校牵手 共建文明社会",
        "应滨街道：干群齐参与 掀起新热潮",
        "示范区多举措支持人才返乡创业就业",
        # printed at the foot of the page, apart from its report
        "区财政局为经济社会发展保驾护航",
        "树立共治共享理念 筑牢安全生产防线",
        "区市场监管分局织牢校园食品安全网",
    ],
}


@pytest.mark.parametrize("byline", ["■ 通讯员 万玉琼\n\n本报讯 ", "本报讯(通讯员 万玉琼)"], ids=["block", "dateline"])
def test_long_headline_with_a_list_comma_starts_a_new_report(byline):
    # the headline of seeds/001, on a page without # marks
    text = (
        "相山区加大生态环境问题 整改力度\n\n"
        "■ 通讯员 赵润亭\n\n"
        "本报讯 自中央第三生态环境保护督察组4月7日进驻安徽以来，相山区委、区政府高度重视，迅速行动。\n\n"
        "握手 牵手 携手之旅 朱龙带队走访合肥部分高校、 科研院所和工业园区\n\n"
        f"{byline}11月19日至20日，区委副书记、区长朱龙带队赴合肥走访了安徽大学。\n"
    )

    first, second = seg(text)

    assert first.headline == "相山区加大生态环境问题 整改力度"
    assert credits(first) == [("赵润亭", "通讯员")]
    assert "朱龙" not in first.body
    assert second.headline == "握手 牵手 携手之旅 朱龙带队走访合肥部分高校、 科研院所和工业园区"
    assert credits(second) == [("万玉琼", "通讯员")]
    assert second.date == "--11-19"


@pytest.mark.parametrize("name", SEED_HEADLINES)
def test_seed_page_splits_into_its_articles(name):
    articles = seg(seed_text(name), name)

    assert [a.headline for a in articles] == SEED_HEADLINES[name]
    assert [a.index for a in articles] == list(range(len(articles)))
    assert all(a.source == name for a in articles)


def test_headline_printed_at_the_foot_of_the_page_goes_to_its_report():
    articles = seg(seed_text("003_aab4cd8d046a0ae4.txt"))
    [finance] = [a for a in articles if "区财政局局长王斐介绍说" in a.body]

    assert finance.headline == "区财政局为经济社会发展保驾护航"
    assert finance.kicker == "以政领财 以财辅政"
    assert credits(finance) == [("张亚丹", "记者")]


def test_seed_page_credits():
    articles = {a.headline: a for a in seg(seed_text("000_96c8e21aadbbbbe2.txt"))}

    assert credits(articles["烈山经济开发区 推行“一卡”服务 优化营商环境"]) == [
        ("王守明", "记者"),
        ("陈子龙", "通讯员"),
        ("王权礼", "通讯员"),
    ]
    assert credits(articles["优质医疗资源下沉 群众家门口享便捷服务"]) == [("冯树凤", "摄影")]
    assert credits(articles["扎紧政府“钱袋子”"]) == [("王守明", "记者"), ("苗永辉", "通讯员")]


# --- offsets ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SEED_NAMES)
def test_every_body_character_maps_back_to_the_page(name):
    text = seed_text(name)
    articles = seg(text, name)
    assert articles

    for a in articles:
        assert len(a.offsets) == len(a.body)
        assert a.offsets == sorted(a.offsets), "body is in page order"
        for i, ch in enumerate(a.body):
            off = a.offsets[i]
            if ch == "\n":  # a line separator: the position just past the line it closes
                assert i > 0 and a.offsets[i - 1] < off <= len(text)
            elif text[off] != ch:
                # the only character the page lacks: the 。 closing a sub-head, placed on its last character
                assert ch == "。" and off == a.offsets[i - 1], (a.id, i, ch, text[off])
        assert text[a.headline_start:a.headline_end] == a.headline
        for c in a.credits:
            assert text[c.start:c.end] == c.name


def test_source_span_of_a_body_sentence():
    text = seed_text("000_96c8e21aadbbbbe2.txt")
    [article] = [a for a in seg(text) if a.headline.startswith("烈山经济开发区")]
    sentence = "园区按功能分区实行“领导包片”制"
    begin = article.body.index(sentence)

    start, end = article.source_span(begin, begin + len(sentence))

    assert text[start:end] == sentence


# --- dates --------------------------------------------------------------------------------------


def _dated(opening: str) -> Article:
    [article] = seg("相山区召开重点项目建设推进会\n\n■ 通讯员 张纯一\n\n" + opening)
    return article


def test_dateline_month_and_day():
    assert _dated("本报讯 9月12日下午，烈山区委常委会扩大会议召开。\n").date == "--09-12"


def test_dateline_in_brackets_then_date():
    article = seg(
        "湖滨路街道：检查全覆盖 整改见实效\n\n"
        "本报讯（记者张亚丹）10月18日上午，湖滨路街道组织委员贺圣权带队督导检查。\n"
    )[0]
    assert article.date == "--10-18"


def test_date_with_year_is_iso():
    assert _dated("本报讯 2021年11月22日下午，相山区召开加快重点项目建设推进会。\n").date == "2021-11-22"


def test_no_date_at_the_start():
    assert _dated("本报讯 日前，临海童街道人大工委联合司法所走进市第十中学。\n").date is None


def test_date_of_a_caption():
    text = (
        "社区学校牵手 共建文明社会\n\n"
        "10月11日，湖滨路街道龙翔社区联合学府路小学举行“心连心、手拉手，共建全国文明城市”活动。\n\n"
        "本报记者 张亚丹 摄\n"
    )
    [photo] = seg(text)

    assert photo.date == "--10-11"
    assert credits(photo) == [("张亚丹", "摄影")]


def _quote_char_by_char(article: Article, start: int, end: int) -> str:
    o = article.offsets
    return "".join(article.body[i] for i in range(start, min(end, len(o))) if i == 0 or o[i] != o[i - 1]).strip()


def test_quote_drops_the_inserted_full_stops_and_nothing_else():
    # quote takes a slice when no character was inserted in the span; on every seed article, for
    # every span between sentence ends and for spans that cut an inserted stop, it gives what the
    # character-by-character reading gives
    from kg.extract.common import split_sentences

    checked = inserted = 0
    for name in SEED_NAMES:
        for article in segment(Source(path=name, name=name, text=seed_text(name), encoding="utf-8")):
            o = article.offsets
            cuts = sorted({0, len(article.body), *(s.start for s in split_sentences(article.body)),
                           *(i for i in range(1, len(o)) if o[i] == o[i - 1]),
                           *(i + 1 for i in range(1, len(o)) if o[i] == o[i - 1])})
            inserted += sum(1 for i in range(1, len(o)) if o[i] == o[i - 1])
            for a in cuts:
                for b in cuts:
                    if a <= b:
                        assert article.quote(a, b) == _quote_char_by_char(article, a, b), (name, a, b)
                        checked += 1
    assert inserted > 0 and checked > 1000
