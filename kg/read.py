"""Read stage: paths (files or folders) → decoded ``Source`` records.

Pages come as plain text (``.txt``), HTML saved from a site (``.html``/``.htm``, or a ``.txt``
that is HTML), or JSON Lines of scraped pages (``.jsonl``: one ``{"id", "text", "date", "source"}``
object a line). Bytes are decoded as UTF-8 (with or without BOM), UTF-16, UTF-32, or what
charset-normalizer detects (GB18030 for GBK/GB2312, Big5, UTF-16 without BOM …). A file that cannot
be read becomes a ``Problem`` naming the file and the reason, and the run goes on; bytes that had to
be replaced are reported with their offset, never dropped in silence. Only regular files are read,
and never more than the size limit, so a FIFO or a link to a device cannot hang or exhaust a run.
"""

from __future__ import annotations

import codecs
import datetime
import hashlib
import json
import os
import re
import stat
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


def _percent(data: bytes) -> str:
    return "".join(f"%{b:02X}" for b in data)


# Control characters (line breaks and tabs too) and U+FFFE/U+FFFF in a name: XML and IRIs
# cannot hold them, and a terminal would run them, so they are written %XX as bad bytes are.
NAME_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\ufffe\uffff]")


def shown(path: str) -> str:
    """``path`` as it can be written to JSON, RDF, XML and a terminal. A name that is not UTF-8
    (a Windows zip unpacked on Linux) reaches Python as lone surrogates, which every encoder
    refuses; each such component is decoded as GB18030, the usual encoding of those names, or,
    when that fails too, as UTF-8 with its bad bytes written %FF, as in a URL (U+FFFD would lose
    which bytes they were, and is no character of an IRI); control characters are written %XX
    too. The real path stays for reading."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        try:
            raw = os.fsencode(path)
        except UnicodeEncodeError:  # a surrogate no file name can hold: given so, not read from disk
            path = _SURROGATE.sub(lambda m: f"%u{ord(m.group(0)):04X}", path)
        else:
            path = "/".join(_shown_part(part) for part in raw.split(b"/"))
    return NAME_CONTROLS.sub(lambda m: _percent(m.group(0).encode("utf-8")), path)


def _shown_part(part: bytes) -> str:
    for encoding in ("utf-8", "gb18030"):
        try:
            return part.decode(encoding)
        except UnicodeDecodeError:
            pass
    return part.decode("utf-8", "kg-percent")


codecs.register_error("kg-percent", lambda err: (_percent(err.object[err.start:err.end]), err.end))


_SURROGATE = re.compile("[\ud800-\udfff]")


def _bad_name(path: Path) -> Path | None:
    """The first part of ``path`` (a folder, or the file itself) whose name is not UTF-8."""
    try:
        str(path).encode("utf-8")
        return None
    except UnicodeEncodeError:
        pass
    for n in range(1, len(path.parts) + 1):
        if _SURROGATE.search(path.parts[n - 1]):
            return Path(*path.parts[:n])
    return path


def discover(paths: Iterable[str | os.PathLike]) -> Iterator[Path | Problem]:
    """Yield input files in a stable order; folders are walked for pages. Anything that is not a
    folder is yielded for ``read_file`` to accept or refuse (a FIFO, a device …)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            seen: set[tuple[int, int]] = set()
            unreadable: list[OSError] = []  # os.walk reports a folder it cannot list here, then goes on
            for root, dirs, files in os.walk(path, onerror=unreadable.append, followlinks=True):
                yield from _unreadable_folders(unreadable)
                st = os.stat(root)
                if (st.st_dev, st.st_ino) in seen:  # a symlink loop
                    dirs[:] = []
                    yield Problem(shown(root), "directory visited twice (symbolic link loop); skipped")
                    continue
                seen.add((st.st_dev, st.st_ino))
                dirs.sort()
                for name in sorted(files):
                    if Path(name).suffix.lower() in INPUT_SUFFIXES:
                        yield Path(root) / name
            yield from _unreadable_folders(unreadable)
        elif os.path.exists(path):
            yield path
        else:
            yield Problem(shown(str(path)), "no such file or folder")


def _unreadable_folders(errors: list[OSError]) -> Iterator[Problem]:
    for err in errors:
        yield Problem(shown(str(err.filename)), f"folder not readable ({err.strerror or err}); its pages skipped")
    errors.clear()


def decode(data: bytes) -> tuple[str, str, list[int]]:
    """Bytes → (text, encoding, byte offsets of sequences that had to be replaced by U+FFFD).
    Raises ``ValueError`` for bytes that are no text."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):  # before UTF-16, whose BOM starts it
        return _decode(data, "utf-32")
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode(data[3:], "utf-8-sig", offset=3)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(data, "utf-16")
    if b"\x00" in data[:4096]:
        # UTF-16 without BOM has a NUL in every ASCII character; anything else with NULs is binary
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None or not best.encoding.startswith(("utf_16", "utf_32")):
            raise ValueError("binary file (NUL bytes), not a text page")
        return _decode(data, codecs.lookup(best.encoding).name)
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
        # charset-normalizer gives up on GBK text holding a character of the user-defined area
        # (rare name characters, made by the paper's own font): such a page is still GB18030
        if _reads_as_chinese(data, "gb18030"):
            return _decode(data, "gb18030")
        raise ValueError(f"not text in any known encoding (UTF-8 fails at byte {utf8_error.start})")
    encoding = best.encoding
    if encoding in {"gb2312", "gbk"}:  # GB18030 is a superset: fewer lost characters
        encoding = "gb18030"
    return _decode(data, encoding)


def _reads_as_chinese(data: bytes, encoding: str) -> bool:
    """``data`` decodes in ``encoding`` without an error, and most of its letters are Chinese."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return False
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and sum("\u4e00" <= ch <= "\u9fff" for ch in letters) >= 0.6 * len(letters)


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


# A page saved from a browser starts with its doctype or <html>, perhaps after comments
# (<!-- saved from url=… -->) or an XML declaration, however long its <head> is.
_HTML_START = re.compile(r"\ufeff?\s*(?:(?:<!--.*?-->|<\?xml[^>]*>)\s*)*<(?:!doctype\s+html|html|head|meta|body)[\s>/]",
                         re.IGNORECASE | re.DOTALL)
_HTML_ELEMENTS = r"p|div|body|html|head|span|table|tr|td|li|ul|ol|h[1-6]|a|title|section|article|strong|font|center"
_HTML_OPEN = re.compile(rf"<({_HTML_ELEMENTS})[\s>]", re.IGNORECASE)
_HTML_CLOSE = re.compile(rf"</({_HTML_ELEMENTS})\s*>", re.IGNORECASE)


def _looks_like_html(text: str) -> bool:
    """HTML when it starts as a saved page does, or when anywhere in it an element is opened and
    later closed (a fragment of scraped markup): a plain page that quotes one ``<p>`` is not."""
    if _HTML_START.match(text):
        return True
    if "</" not in text:
        return False
    opened: dict[str, int] = {}
    for m in _HTML_OPEN.finditer(text):
        opened.setdefault(m.group(1).lower(), m.start())
    return any(opened.get(m.group(1).lower(), m.start()) < m.start() for m in _HTML_CLOSE.finditer(text))


def read_file(path: Path, max_bytes: int = MAX_BYTES) -> tuple[list[Source], list[Problem]]:
    """One file → its pages (one, or one a line of JSON Lines) and the warnings about it. Records
    name it by ``shown(path)``."""
    data = _read_bytes(path, max_bytes)
    text, encoding, bad = decode(data)
    where = shown(str(path))
    problems = []
    if bad:
        at = ", ".join(str(b) for b in bad[:5]) + (" …" if len(bad) > 5 else "")
        problems.append(Problem(where, f"{len(bad)} undecodable byte sequence{'s' if len(bad) > 1 else ''} "
                                       f"({encoding}) at byte {at} replaced by U+FFFD", skipped=False))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    suffix = path.suffix.lower()
    name = shown(path.name)
    if suffix in JSONL_SUFFIXES:
        sources, more = _jsonl_pages(where, name, text, encoding)
        return sources, problems + more
    if suffix in HTML_SUFFIXES or _looks_like_html(text):
        return [Source(path=where, name=name, text=html_text(text), encoding=encoding, format="html")], problems
    return [Source(path=where, name=name, text=text, encoding=encoding)], problems


_NOT_REGULAR = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
                (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, if it is a regular file of at most ``max_bytes``. It is opened without
    blocking (a FIFO would wait for a writer forever) and read no further than the limit, since
    its size can lie (/proc, a file still being written)."""
    _refuse_special(path, os.stat(path).st_mode)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with open(fd, "rb") as fh:
        st = os.fstat(fd)
        _refuse_special(path, st.st_mode)  # replaced since the stat above
        if st.st_size > max_bytes:
            raise ValueError(f"file is {st.st_size:,} bytes, over the {max_bytes:,}-byte limit (kg build --max-bytes)")
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"file grew while read, over the {max_bytes:,}-byte limit (kg build --max-bytes)")
    return data


def _refuse_special(path: Path, mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    kind = next((what for test, what in _NOT_REGULAR if test(mode)), "not a regular file")
    link = f" (symbolic link to {shown(os.path.realpath(path))})" if os.path.islink(path) else ""
    raise ValueError(f"{kind}{link}, not a page; skipped")


def _jsonl_pages(where: str, file_name: str, text: str, encoding: str) -> tuple[list[Source], list[Problem]]:
    sources, problems = [], []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            page = json.loads(line)
            if not isinstance(page, dict) or not isinstance(page.get("text"), str):
                raise ValueError('not an object with a "text" string')
        except ValueError as err:
            problems.append(Problem(f"{where}:{n}", f"line skipped: {err}"))
            continue
        except RecursionError:
            problems.append(Problem(f"{where}:{n}", "line skipped: nested too deeply to read"))
            continue
        fixed = [k for k in ("id", "text", "date", "url", "site", "source")
                 if isinstance(page.get(k), str) and _SURROGATE.search(page[k])]
        if fixed:
            # json.loads accepts "\ud800" escapes; no encoder takes the lone surrogate they make
            page.update({k: _SURROGATE.sub("\ufffd", page[k]) for k in fixed})
            problems.append(Problem(f"{where}:{n}", f"lone surrogate escape in {', '.join(fixed)} replaced by U+FFFD",
                                    skipped=False))
        date = page.get("date") if isinstance(page.get("date"), str) else None
        if date and not re.fullmatch(r"\d{4}-\d\d-\d\d", date[:10]):
            date = None
        elif date and not real_date(date[:10]):  # an ill-typed xsd:date that kg validate rejects
            problems.append(Problem(f"{where}:{n}", f"impossible date {date!r} dropped", skipped=False))
            date = None
        body = html_text(page["text"]) if _looks_like_html(page["text"]) else page["text"]
        fields = {k: clean_controls(v.strip())[0] for k, v in page.items()
                  if k in ("url", "site", "source") and isinstance(v, str)}
        sources.append(Source(path=f"{where}:{n}", name=shown(f"{file_name}#{page.get('id', n)}"), text=body,
                              encoding=encoding, format="jsonl",
                              date=date,
                              site=fields.get("site") or _host(fields.get("url", "")),
                              outlet=fields.get("source") or None, url=_web_url(fields.get("url", ""))))
    return sources, problems


def _web_url(url: str) -> str | None:
    """A JSON Lines ``url`` kept as the page's address when it is an http(s) one."""
    return url if re.match(r"https?://[^\s/]+", url) and _host(url) else None


def real_date(iso: str) -> bool:
    """``YYYY-MM-DD`` names a day of the calendar (2021-02-31 does not)."""
    try:
        datetime.date.fromisoformat(iso)
        return True
    except ValueError:
        return False


def _host(url: str) -> str | None:
    try:
        return urlsplit(url).hostname or None
    except ValueError:  # a scraped "url" that is none (http://[…)
        return None


DATE_IN_NAME = re.compile(r"(?<!\d)(20\d\d|19\d\d)[-_.年]?(0[1-9]|1[0-2])[-_.月]?(0[1-9]|[12]\d|3[01])(?!\d)")


def date_in_path(path: Path) -> tuple[str | None, str | None]:
    """A page's date from its file or folder name (2021-11-23, 20211123, 2021年11月23日), nearest
    first, and the first impossible one passed over (2021-02-31), to be reported."""
    impossible = None
    for part in reversed(path.parts):
        m = DATE_IN_NAME.search(part)
        if m:
            date = f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
            if real_date(date):
                return date, impossible
            impossible = impossible or m.group(0)
    return None, impossible


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
            return {}, Problem(shown(str(path)), f"invalid settings file: {err}", "read", skipped=False)
        if "jurisdiction" in settings and not isinstance(settings["jurisdiction"], str):
            return {}, Problem(shown(str(path)), "jurisdiction must be a string such as \"淮北市烈山区\"", "read", skipped=False)
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
    folder_settings.cache_clear()  # a kg.toml edited since the last build in this process is read anew
    reported: set[str] = set()
    seen_text: dict[str, str] = {}
    for item in discover(paths):
        if isinstance(item, Problem):
            yield item
            continue
        bad_name = _bad_name(item)
        if bad_name is not None and str(bad_name) not in reported:
            reported.add(str(bad_name))
            yield Problem(shown(str(bad_name)), "name is not valid UTF-8 (a Windows zip unpacked here?): read, and "
                                                "shown decoded as GB18030 or with %XX for its bad bytes", skipped=False)
        try:
            sources, problems = read_file(item, max_bytes)
        except (OSError, ValueError, UnicodeDecodeError, LookupError) as err:
            yield Problem(shown(str(item)), getattr(err, "strerror", None) or str(err) or type(err).__name__)
            continue
        yield from problems
        if not sources and not problems:
            yield Problem(shown(str(item)), "empty file")
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
            if not source.date:
                source.date, impossible = date_in_path(item)
                if impossible:
                    yield Problem(source.path, f"impossible date {impossible!r} in its name; not used", skipped=False)
            yield source
