"""Read stage: paths (files or folders) → decoded ``Source`` records.

Pages come as plain text (``.txt``), HTML saved from a site (``.html``/``.htm``, or a ``.txt``
that is HTML), or JSON Lines of scraped pages (``.jsonl``: one ``{"id", "text", "date", "source"}``
object a line). Bytes are decoded as UTF-8 (with or without BOM), UTF-16, or what
charset-normalizer detects (GB18030 for GBK/GB2312, Big5 …). A file that cannot be read becomes a
``Problem`` naming the file and the reason, and the run goes on; bytes that had to be replaced are
reported with their offset, never dropped in silence.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
import tomllib
from collections.abc import Iterable, Iterator
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from .records import Problem, Source

TEXT_SUFFIXES = {".txt"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl"}
INPUT_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
# A newspaper page is tens of kilobytes; past this a file is a dump or junk (`kg build --max-bytes`).
MAX_BYTES = 16 * 1024 * 1024


def discover(paths: Iterable[str | os.PathLike]) -> Iterator[Path | Problem]:
    """Yield input files in a stable order; folders are walked for pages."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            seen: set[tuple[int, int]] = set()
            for root, dirs, files in os.walk(path, followlinks=True):
                st = os.stat(root)
                if (st.st_dev, st.st_ino) in seen:  # a symlink loop
                    dirs[:] = []
                    yield Problem(root, "directory visited twice (symbolic link loop); skipped")
                    continue
                seen.add((st.st_dev, st.st_ino))
                dirs.sort()
                for name in sorted(files):
                    if Path(name).suffix.lower() in INPUT_SUFFIXES:
                        yield Path(root) / name
        elif path.is_file():
            yield path
        else:
            yield Problem(str(path), "no such file or folder")


def decode(data: bytes) -> tuple[str, str, list[int]]:
    """Bytes → (text, encoding, byte offsets of sequences that had to be replaced by U+FFFD)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode(data[3:], "utf-8-sig", offset=3)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(data, "utf-16")
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as err:
        # valid UTF-8 up to a page cut off mid-character, or a stray bad byte: still UTF-8
        if len(data) - err.start <= 3 or data[:err.start].decode("utf-8", "ignore") and _mostly_utf8(data):
            return _decode(data, "utf-8")
        utf8_error = err
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ValueError(f"not text in any known encoding (UTF-8 fails at byte {utf8_error.start})")
    encoding = best.encoding
    if encoding in {"gb2312", "gbk"}:  # GB18030 is a superset: fewer lost characters
        encoding = "gb18030"
    return _decode(data, encoding)


def _mostly_utf8(data: bytes) -> bool:
    """A few bad bytes in a long UTF-8 text (a damaged download) rather than another encoding."""
    bad = len(re.findall(r"\ufffd", data.decode("utf-8", "replace")))
    return bad <= max(4, len(data) // 2000)


_REPLACED: list[int] = []  # byte offsets the handler below replaced, for the decode in progress


def _note_and_replace(err: UnicodeDecodeError) -> tuple[str, int]:
    _REPLACED.append(err.start)
    return "\ufffd", err.end


codecs.register_error("kg-note-and-replace", _note_and_replace)


def _decode(data: bytes, encoding: str, offset: int = 0) -> tuple[str, str, list[int]]:
    _REPLACED.clear()
    text = data.decode(encoding, errors="kg-note-and-replace")
    return text, encoding, [offset + b for b in _REPLACED]


class _TextOfHtml(HTMLParser):
    """The readable text of an HTML page: block elements become line breaks; scripts, styles and
    navigation are left out."""

    BLOCKS = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "section", "article", "header",
              "footer", "blockquote", "table", "title", "pre"}
    SKIP = {"script", "style", "noscript", "nav", "template", "svg", "head"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self._in_title = True
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if not self.skipping:
            self.parts.append(data)

    def text(self) -> str:
        lines = [re.sub(r"[ \t\u3000\xa0]+", " ", ln).strip() for ln in "".join(self.parts).split("\n")]
        out = "\n".join(lines)
        return re.sub(r"\n{3,}", "\n\n", out).strip() + "\n"


def html_text(markup: str) -> str:
    parser = _TextOfHtml()
    parser.feed(markup)
    parser.close()
    return parser.text()


def _looks_like_html(text: str) -> bool:
    head = text[:2000].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or bool(re.search(r"<(body|p|div)[\s>]", head)) and "</" in head


def read_file(path: Path, max_bytes: int = MAX_BYTES) -> tuple[list[Source], list[Problem]]:
    """One file → its pages (one, or one a line of JSON Lines) and the warnings about it."""
    size = path.stat().st_size
    if size > max_bytes:
        raise ValueError(f"file is {size:,} bytes, over the {max_bytes:,}-byte limit (kg build --max-bytes)")
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValueError("binary file (NUL bytes), not a text page")
    text, encoding, bad = decode(data)
    problems = []
    if bad:
        where = ", ".join(str(b) for b in bad[:5]) + (" …" if len(bad) > 5 else "")
        problems.append(Problem(str(path), f"{len(bad)} undecodable byte sequence{'s' if len(bad) > 1 else ''} "
                                           f"({encoding}) at byte {where} replaced by U+FFFD", skipped=False))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        sources, more = _jsonl_pages(path, text, encoding)
        return sources, problems + more
    if suffix in HTML_SUFFIXES or _looks_like_html(text):
        return [Source(path=str(path), name=path.name, text=html_text(text), encoding=encoding, format="html")], problems
    return [Source(path=str(path), name=path.name, text=text, encoding=encoding)], problems


def _jsonl_pages(path: Path, text: str, encoding: str) -> tuple[list[Source], list[Problem]]:
    sources, problems = [], []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            page = json.loads(line)
            if not isinstance(page, dict) or not isinstance(page.get("text"), str):
                raise ValueError('not an object with a "text" string')
        except ValueError as err:
            problems.append(Problem(f"{path}:{n}", f"line skipped: {err}"))
            continue
        name = f"{path.name}#{page.get('id', n)}"
        body = html_text(page["text"]) if _looks_like_html(page["text"]) else page["text"]
        date = page.get("date") if isinstance(page.get("date"), str) else None
        fields = {k: v.strip() for k, v in page.items() if k in ("url", "site", "source") and isinstance(v, str)}
        sources.append(Source(path=f"{path}:{n}", name=name, text=body, encoding=encoding, format="jsonl",
                              date=date if date and re.fullmatch(r"\d{4}-\d\d-\d\d", date[:10]) else None,
                              site=fields.get("site") or _host(fields.get("url", "")),
                              outlet=fields.get("source") or None))
    return sources, problems


def _host(url: str) -> str | None:
    try:
        return urlsplit(url).hostname or None
    except ValueError:  # a scraped "url" that is none (http://[…)
        return None


DATE_IN_NAME = re.compile(r"(?<!\d)(20\d\d|19\d\d)[-_.年]?(0[1-9]|1[0-2])[-_.月]?(0[1-9]|[12]\d|3[01])(?!\d)")


def date_in_path(path: Path) -> str | None:
    """A page's date from its file or folder name (2021-11-23, 20211123, 2021年11月23日), nearest first."""
    for part in reversed(path.parts):
        m = DATE_IN_NAME.search(part)
        if m:
            return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    return None


FOLDER_SETTINGS = "kg.toml"


@cache
def folder_settings(folder: Path) -> tuple[dict, Problem | None]:
    """The nearest ``kg.toml`` at or above ``folder``: settings for the pages below it, such as
    ``jurisdiction = "淮北市烈山区"`` for a folder of one district's paper."""
    path = folder / FOLDER_SETTINGS
    if path.is_file():
        try:
            with path.open("rb") as fh:
                settings = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
            return {}, Problem(str(path), f"invalid settings file: {err}", "read", skipped=False)
        if "jurisdiction" in settings and not isinstance(settings["jurisdiction"], str):
            return {}, Problem(str(path), "jurisdiction must be a string such as \"淮北市烈山区\"", "read", skipped=False)
        return settings, None
    if folder.parent == folder:
        return {}, None
    return folder_settings(folder.parent)


# C0 and C1 control characters but tab and line ends, and the noncharacters U+FFFE and U+FFFF:
# invalid in XML and in IRIs, they reach names and labels from scraped pages (a \x07 inside a
# name) and would break the exports (RDF/XML and GraphML cannot hold them at all).
CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
LINE_CONTROLS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})  # vertical tab, form feed: line breaks


def clean_controls(text: str) -> tuple[str, int, int]:
    """The text with vertical tabs and form feeds as line breaks and other control characters
    as spaces, one character for one so offsets still hold; how many were replaced and where
    the first was."""
    text = text.translate(LINE_CONTROLS)
    first = CONTROLS.search(text)
    if first is None:
        return text, 0, -1
    cleaned, count = CONTROLS.subn(" ", text)
    return cleaned, count, first.start()


def read(paths: Iterable[str | os.PathLike], max_bytes: int = MAX_BYTES) -> Iterator[Source | Problem]:
    """Yield a ``Source`` for every readable page and a ``Problem`` for every other input or
    warning (a broken ``kg.toml`` is reported once and its folder's pages are read without it;
    a page whose text repeats an earlier one's is skipped, so a corpus's duplicates count once)."""
    reported: set[str] = set()
    seen_text: dict[str, str] = {}
    for item in discover(paths):
        if isinstance(item, Problem):
            yield item
            continue
        try:
            sources, problems = read_file(item, max_bytes)
        except (OSError, ValueError, UnicodeDecodeError, LookupError) as err:
            yield Problem(str(item), getattr(err, "strerror", None) or str(err) or type(err).__name__)
            continue
        yield from problems
        if not sources and not problems:
            yield Problem(str(item), "empty file")
            continue
        settings, problem = folder_settings(item.resolve().parent)
        if problem is not None and problem.path not in reported:
            reported.add(problem.path)
            yield problem
        for source in sources:
            source.text, count, first = clean_controls(source.text)
            if count:
                yield Problem(source.path, f"{count} control character{'s' if count > 1 else ''} (first at character "
                                           f"{first}) replaced by spaces", skipped=False)
            if not source.text.strip():
                yield Problem(source.path, "empty file" if source.format != "jsonl" else "empty page")
                continue
            digest = hashlib.sha256(source.text.encode("utf-8")).hexdigest()
            if digest in seen_text:
                yield Problem(source.path, f"same text as {seen_text[digest]}; skipped as a duplicate")
                continue
            seen_text[digest] = source.path
            source.jurisdiction = settings.get("jurisdiction")
            source.date = source.date or date_in_path(item)
            yield source
