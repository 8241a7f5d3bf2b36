"""kg.read.read: paths → Source for every readable page, Problem for every other input."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from conftest import SEEDS, seed_text

from kg.read import read
from kg.records import Problem, Source

# Real page text (seeds/000 and seeds/002), short enough to write into a test file.
PAGE_LIESHAN = (
    "烈山经济开发区 推行“一卡”服务 优化营商环境\n\n"
    "■记者 王守明 通讯员 陈子龙 王权礼\n\n"
    "本报讯 为精准破解企业难题，拉近政企距离，烈山经济开发区创新推行“一卡”服务模式。\n"
)
PAGE_WEIDONG = (
    "区统一战线能力素质提升培训实践基地揭牌\n\n"
    "本报讯(记者田秀忠)日前,卫东区统一战线能力素质提升培训实践基地揭牌仪式在市马棚山军事拓展训练基地举行。\n"
)


def _read(*paths) -> list[Source | Problem]:
    return list(read([str(p) for p in paths]))


def test_plain_utf8_page_is_read_whole(tmp_path):
    page = tmp_path / "page.txt"
    page.write_bytes(PAGE_LIESHAN.encode("utf-8"))

    [item] = _read(page)

    assert isinstance(item, Source)
    assert item.text == PAGE_LIESHAN
    assert item.name == "page.txt"
    assert item.path == str(page)
    assert item.encoding == "utf-8"


def test_utf8_bom_is_not_part_of_the_text(tmp_path):
    page = tmp_path / "bom.txt"
    page.write_bytes(b"\xef\xbb\xbf" + PAGE_WEIDONG.encode("utf-8"))

    [item] = _read(page)

    assert isinstance(item, Source)
    assert item.text == PAGE_WEIDONG
    assert item.text.startswith("区统一战线")
    assert "\ufeff" not in item.text


def test_gb18030_page_is_decoded(tmp_path):
    text = (
        "本报讯(记者田秀忠 通讯员黄杰)“感谢政府,如果没有党的关怀,我真不知该咋办……”7月26日,"
        "卫东区蒲城街道门楼张村农村低保户张遂卿激动地说。\n\n"
        "今年以来,卫东区共新增低保家庭135户368人,取消低保家庭46户92人。\n"
    )
    page = tmp_path / "gb.txt"
    page.write_bytes(text.encode("gb18030"))

    [item] = _read(page)

    assert isinstance(item, Source)
    assert item.text == text
    assert item.encoding == "gb18030"


def test_gb18030_character_outside_gbk_survives(tmp_path):
    # 𠀾 (U+2003E) exists in GB18030 but not in GBK: a GBK decode would lose it.
    text = "卫东区鸿鹰街道大营社区组织工作人员到50余名军烈属、退伍军人家中慰问。居民𠀾大爷说，感谢党和政府。\n"
    page = tmp_path / "rare.txt"
    page.write_bytes(text.encode("gb18030"))

    [item] = _read(page)

    assert isinstance(item, Source)
    assert item.text == text


def test_windows_line_ends_become_newlines(tmp_path):
    page = tmp_path / "crlf.txt"
    page.write_bytes(PAGE_LIESHAN.replace("\n", "\r\n").encode("utf-8"))

    [item] = _read(page)

    assert item.text == PAGE_LIESHAN
    assert "\r" not in item.text


def test_empty_file_is_a_problem_naming_the_file(tmp_path):
    page = tmp_path / "empty.txt"
    page.write_bytes(b"")

    [item] = _read(page)

    assert isinstance(item, Problem)
    assert item.path == str(page)
    assert "empty" in item.message
    assert item.stage == "read"


def test_blank_lines_only_count_as_empty(tmp_path):
    page = tmp_path / "blank.txt"
    page.write_bytes("\n\n  \n\u3000\n".encode())

    [item] = _read(page)

    assert isinstance(item, Problem)
    assert item.path == str(page)
    assert "empty" in item.message


def test_binary_file_is_a_problem(tmp_path):
    image = tmp_path / "photo.txt"  # a PNG saved under a .txt name
    image.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x00\xc8\x08\x06\x00\x00\x00")

    [item] = _read(image)

    assert isinstance(item, Problem)
    assert item.path == str(image)
    assert "binary" in item.message


def test_missing_path_is_a_problem(tmp_path):
    missing = tmp_path / "no-such-page.txt"

    [item] = _read(missing)

    assert isinstance(item, Problem)
    assert item.path == str(missing)
    assert "no such file" in item.message


def test_folder_is_walked_in_sorted_order_for_txt_files_only(tmp_path):
    (tmp_path / "b_page.txt").write_text(PAGE_WEIDONG, encoding="utf-8")
    (tmp_path / "a_page.txt").write_text(PAGE_LIESHAN, encoding="utf-8")
    (tmp_path / "notes.md").write_text("# 说明\n不是版面。\n", encoding="utf-8")
    (tmp_path / "page.json").write_text('{"headline": "不是版面"}', encoding="utf-8")
    (tmp_path / "README").write_text("不是版面。\n", encoding="utf-8")
    sub = tmp_path / "c_more"
    sub.mkdir()
    (sub / "d_page.txt").write_text(PAGE_LIESHAN + "又讯。\n", encoding="utf-8")  # not a duplicate of a_page

    items = _read(tmp_path)

    assert all(isinstance(i, Source) for i in items)
    assert [Path(i.path).relative_to(tmp_path).as_posix() for i in items] == [
        "a_page.txt",
        "b_page.txt",
        "c_more/d_page.txt",
    ]
    assert [i.text for i in items] == [PAGE_LIESHAN, PAGE_WEIDONG, PAGE_LIESHAN + "又讯。\n"]


def test_seed_folder_gives_every_seed_page_in_order():
    items = _read(SEEDS)

    assert [i.name for i in items] == sorted(p.name for p in SEEDS.glob("*.txt"))
    assert all(isinstance(i, Source) for i in items)
    first = items[0]
    assert first.text == seed_text(first.name)
    assert "区委书记刘明主持会议" in first.text


def test_one_bad_file_does_not_stop_the_others(tmp_path):
    good1 = tmp_path / "1.txt"
    good1.write_text(PAGE_LIESHAN, encoding="utf-8")
    empty = tmp_path / "2.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "3.txt"
    binary.write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00")
    missing = tmp_path / "4.txt"
    good2 = tmp_path / "5.txt"
    good2.write_bytes(PAGE_WEIDONG.encode("gb18030"))

    items = _read(good1, empty, binary, missing, good2)

    assert [type(i).__name__ for i in items] == ["Source", "Problem", "Problem", "Problem", "Source"]
    assert [i.path for i in items] == [str(p) for p in (good1, empty, binary, missing, good2)]
    assert items[0].text == PAGE_LIESHAN
    assert items[4].text == PAGE_WEIDONG


def test_bad_file_inside_a_folder_does_not_stop_the_folder(tmp_path):
    (tmp_path / "a.txt").write_text(PAGE_LIESHAN, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    (tmp_path / "c.txt").write_text(PAGE_WEIDONG, encoding="utf-8")

    items = _read(tmp_path)

    assert [(type(i).__name__, Path(i.path).name) for i in items] == [
        ("Source", "a.txt"),
        ("Problem", "b.txt"),
        ("Source", "c.txt"),
    ]


# --- formats: HTML and JSON Lines --------------------------------------------------------------------


HTML_PAGE = """<!DOCTYPE html><html><head><title>淮北日报</title><style>p{color:red}</style>
<script>var ad = "区委书记假名主持";</script></head><body><nav>首页 | 要闻</nav>
<h1>烈山经济开发区 推行“一卡”服务 优化营商环境</h1><p>■记者 王守明 通讯员 陈子龙</p>
<p>本报讯 为精准破解企业难题，拉近政企距离，烈山经济开发区创新推行&ldquo;一卡&rdquo;服务模式。</p>
</body></html>"""


def test_an_html_page_is_read_as_its_text(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(HTML_PAGE, encoding="utf-8")
    [source] = _read(path)
    assert source.format == "html"
    assert source.text.splitlines()[0] == "烈山经济开发区 推行“一卡”服务 优化营商环境"
    assert "本报讯 为精准破解企业难题" in source.text and "“一卡”服务模式" in source.text
    assert "var ad" not in source.text and "首页" not in source.text and "color" not in source.text


def test_html_saved_as_txt_is_recognised(tmp_path):
    path = tmp_path / "saved.txt"
    path.write_text(HTML_PAGE, encoding="utf-8")
    [source] = _read(path)
    assert source.format == "html" and "<p>" not in source.text


def test_json_lines_give_one_page_a_line_with_its_date(tmp_path):
    import json

    path = tmp_path / "scraped.jsonl"
    lines = [json.dumps({"id": "a1", "text": PAGE_LIESHAN, "date": "2025-06-03", "source": "淮北日报"}, ensure_ascii=False),
             "{not json",
             json.dumps({"id": "a2", "text": PAGE_WEIDONG}, ensure_ascii=False),
             json.dumps({"id": "a3", "title": "no text"}, ensure_ascii=False)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = _read(path)
    sources = [i for i in items if isinstance(i, Source)]
    problems = [i for i in items if isinstance(i, Problem)]
    assert [s.name for s in sources] == ["scraped.jsonl#a1", "scraped.jsonl#a2"]
    assert sources[0].date == "2025-06-03" and sources[1].date is None
    assert sorted(p.path for p in problems) == [f"{path}:2", f"{path}:4"]
    assert all(p.skipped for p in problems)


# --- encodings and damaged bytes ----------------------------------------------------------------------


def test_big5_page_keeps_its_traditional_characters(tmp_path):
    text = "區委書記劉明主持會議並講話。\n全區各級領導幹部要帶頭履職盡責，推動作風建設常態化長效化。\n" * 3
    path = tmp_path / "big5.txt"
    path.write_bytes(text.encode("big5"))
    [source] = _read(path)
    assert source.text == text
    assert source.encoding.lower().replace("-", "").replace("_", "") in ("big5", "big5hkscs", "cp950")


def test_a_page_cut_off_mid_character_is_read_with_the_offset_reported(tmp_path):
    data = PAGE_LIESHAN.encode("utf-8")[:-2]  # the last character's last byte is missing ("\n" gone too)
    path = tmp_path / "cut.txt"
    path.write_bytes(data)
    items = _read(path)
    [source] = [i for i in items if isinstance(i, Source)]
    [warning] = [i for i in items if isinstance(i, Problem)]
    assert source.text.endswith("\ufffd") and "烈山经济开发区创新推行“一卡”服务模式" in source.text
    assert not warning.skipped
    assert f"at byte {len(data) - 2}" in warning.message and "U+FFFD" in warning.message


def test_a_stray_bad_byte_in_utf8_is_reported_not_dropped(tmp_path):
    good = PAGE_LIESHAN.encode("utf-8") * 20
    at = len(PAGE_LIESHAN[:100].encode("utf-8"))  # between two characters
    data = good[:at] + b"\xff" + good[at:]
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    items = _read(path)
    [source] = [i for i in items if isinstance(i, Source)]
    [warning] = [i for i in items if isinstance(i, Problem)]
    assert source.encoding == "utf-8" and source.text.count("\ufffd") == 1
    assert f"at byte {at} " in warning.message


def test_a_duplicate_page_is_skipped_naming_the_first(tmp_path):
    (tmp_path / "a.txt").write_text(PAGE_LIESHAN, encoding="utf-8")
    (tmp_path / "b.txt").write_text(PAGE_LIESHAN, encoding="utf-8")
    items = _read(tmp_path)
    assert [i.name for i in items if isinstance(i, Source)] == ["a.txt"]
    [dup] = [i for i in items if isinstance(i, Problem)]
    assert dup.path.endswith("b.txt") and "a.txt" in dup.message and dup.skipped


def test_a_file_over_the_size_limit_is_skipped_with_its_size(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_text(PAGE_LIESHAN * 100, encoding="utf-8")
    [problem] = list(read([str(path)], max_bytes=1000))
    assert isinstance(problem, Problem) and "over the 1,000-byte limit" in problem.message


def test_an_unreadable_file_is_a_problem(tmp_path):
    import os

    path = tmp_path / "locked.txt"
    path.write_text(PAGE_LIESHAN, encoding="utf-8")
    path.chmod(0)
    try:
        items = _read(path)
        if os.access(path, os.R_OK):  # root reads anything: the file is read, as it should be
            assert isinstance(items[0], Source)
        else:
            assert isinstance(items[0], Problem) and "ermission" in items[0].message
    finally:
        path.chmod(0o644)


# --- JSON Lines: the site and outlet of a scraped page ------------------------------------------------

PAGE_WENCHENG = (
    "区政府召开第二十七次常务会议\n\n"
    "本报讯 3月8日，区长王某某主持召开区政府常务会议，研究部署一季度经济运行、安全生产等工作。\n"
)


def _jsonl_sources(tmp_path, rows: list) -> tuple[list[Source], list[Problem]]:
    import json

    path = tmp_path / "scraped.jsonl"
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    items = _read(path)
    return [i for i in items if isinstance(i, Source)], [i for i in items if isinstance(i, Problem)]


def test_json_lines_url_gives_the_site_and_source_the_outlet(tmp_path):
    sources, problems = _jsonl_sources(tmp_path, [
        {"id": "1", "url": "https://www.wencheng.gov.cn/art/2025/3/8/art_1229.html", "source": "文成新闻网",
         "text": PAGE_WENCHENG},
        {"id": "2", "url": "http://WWW.PingYang.gov.cn:8080/col/col1.html?id=2", "source": " 平阳新闻网 ",
         "text": PAGE_LIESHAN},
    ])
    assert problems == []
    assert [(s.name, s.site, s.outlet) for s in sources] == [
        ("scraped.jsonl#1", "www.wencheng.gov.cn", "文成新闻网"),
        ("scraped.jsonl#2", "www.pingyang.gov.cn", "平阳新闻网"),  # the host alone, lower-cased; the name trimmed
    ]
    assert sources[0].text == PAGE_WENCHENG


def test_json_lines_site_field_wins_over_the_url(tmp_path):
    [source], _ = _jsonl_sources(tmp_path, [
        {"id": "1", "site": "文成县人民政府网", "url": "https://www.wencheng.gov.cn/art/1.html", "text": PAGE_WENCHENG}])
    assert source.site == "文成县人民政府网"
    assert source.outlet is None


def test_json_lines_without_url_or_source_have_no_site_or_outlet(tmp_path):
    [source], _ = _jsonl_sources(tmp_path, [{"id": "1", "text": PAGE_WENCHENG, "source": "   "}])
    assert (source.site, source.outlet) == (None, None)


def test_a_bad_json_lines_url_gives_no_site_and_the_page_is_still_read(tmp_path):
    sources, problems = _jsonl_sources(tmp_path, [
        {"id": "1", "url": "http://[", "source": "文成新闻网", "text": PAGE_WENCHENG},  # urlsplit raises ValueError
        {"id": "2", "url": 20250308, "text": PAGE_LIESHAN},  # not a string
        {"id": "3", "url": "not a url", "text": PAGE_WEIDONG},
    ])
    assert problems == []
    assert [(s.name, s.site, s.outlet) for s in sources] == [
        ("scraped.jsonl#1", None, "文成新闻网"), ("scraped.jsonl#2", None, None), ("scraped.jsonl#3", None, None)]
    assert [s.text for s in sources] == [PAGE_WENCHENG, PAGE_LIESHAN, PAGE_WEIDONG]


def test_text_and_html_pages_have_no_site_or_outlet(tmp_path):
    (tmp_path / "a.txt").write_text(PAGE_WENCHENG, encoding="utf-8")
    (tmp_path / "b.html").write_text(HTML_PAGE, encoding="utf-8")
    items = _read(tmp_path)
    assert [(i.format, i.site, i.outlet) for i in items] == [("text", None, None), ("html", None, None)]


# --- hostile input (issue 15); the builds around them are in test_bad_input.py ---------------------


def test_a_name_with_terminal_escapes_is_read_normally(tmp_path):
    path = tmp_path / "\x1b[31m红色\x1b[0m.txt"
    path.write_text(PAGE_LIESHAN, encoding="utf-8")
    [source] = _read(tmp_path)
    assert isinstance(source, Source) and source.text == PAGE_LIESHAN
    # XML (GraphML, RDF/XML) cannot hold a control character, so the name in the records has %XX
    assert source.name == "%1B[31m红色%1B[0m.txt" and source.path == str(tmp_path / source.name)


def test_a_plain_page_that_quotes_a_tag_is_not_html(tmp_path):
    path = tmp_path / "plain.txt"
    text = PAGE_LIESHAN + "网页中用<p>标记段落，用</div>结束一个区块。\n"  # opened once, and a close never opened
    path.write_text(text, encoding="utf-8")
    [source] = _read(path)
    assert source.format == "text" and source.text == text


def test_html_after_a_long_comment_is_recognised(tmp_path):
    path = tmp_path / "saved.txt"
    path.write_text("<!-- " + "保存自网页 " * 600 + "-->\n" + HTML_PAGE.removeprefix("<!DOCTYPE html>"), encoding="utf-8")
    [source] = _read(path)
    assert source.format == "html" and source.text.startswith("烈山经济开发区 推行“一卡”服务")


def test_a_json_lines_id_with_a_lone_surrogate_is_named_with_a_replacement_character(tmp_path):
    path = tmp_path / "scraped.jsonl"
    path.write_text('{"id": "a\\udc00", "text": "本报讯 区委书记王明主持会议。"}\n', encoding="utf-8")
    source, warning = sorted(_read(path), key=lambda i: isinstance(i, Problem))
    assert source.name == "scraped.jsonl#a\ufffd"
    assert warning.path == f"{path}:1" and "lone surrogate escape in id" in warning.message and not warning.skipped


def test_a_socket_is_skipped_naming_what_it_is(tmp_path):
    import socket

    folder = Path("/tmp") / f"kg-sock-{os.getpid()}"  # a socket path must be short
    folder.mkdir()
    try:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind(str(folder / "s.txt"))
            [problem] = _read(folder)
        assert problem.message == "a socket, not a page; skipped"
    finally:
        shutil.rmtree(folder)


def test_a_file_whose_size_lies_is_read_no_further_than_the_limit(tmp_path):
    (tmp_path / "status.txt").symlink_to("/proc/self/status")  # size 0, about a kilobyte of text
    [problem] = list(read([str(tmp_path)], max_bytes=200))
    assert "grew while read, over the 200-byte limit" in problem.message


def test_an_impossible_date_in_a_name_is_passed_over_for_its_folders(tmp_path):
    folder = tmp_path / "2021-11-23"
    folder.mkdir()
    (folder / "2021-02-31.txt").write_text(PAGE_LIESHAN, encoding="utf-8")
    warning, source = _read(tmp_path)
    assert source.date == "2021-11-23"
    assert warning.message == "impossible date '2021-02-31' in its name; not used" and not warning.skipped


def test_utf16_without_bom_and_nearly_no_ascii_is_read(tmp_path):
    text = "烈山区召开会议。区委书记王明主持会议并讲话。\n" * 20  # a NUL only in each line break
    (tmp_path / "le.txt").write_bytes(text.encode("utf-16-le"))
    [source] = _read(tmp_path)
    assert source.text == text and source.encoding == "utf-16-le"
