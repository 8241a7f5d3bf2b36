"""Read stage: paths (files or folders) → decoded ``Source`` records.

A file that cannot be read or decoded becomes a ``Problem`` naming the file and the reason;
the run goes on with the other files.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from .records import Problem, Source

TEXT_SUFFIXES = {".txt"}
# Pages larger than this are almost certainly not a newspaper page (a dump, a binary).
MAX_BYTES = 64 * 1024 * 1024


def discover(paths: Iterable[str | os.PathLike]) -> Iterator[Path | Problem]:
    """Yield input files in a stable order; folders are walked for .txt pages."""
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
                    if Path(name).suffix.lower() in TEXT_SUFFIXES:
                        yield Path(root) / name
        elif path.is_file():
            yield path
        else:
            yield Problem(str(path), "no such file or folder")


def decode(data: bytes) -> tuple[str, str]:
    """Bytes → (text, encoding). UTF-8 with or without BOM first, then what charset detection says."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as err:
        utf8_error = err
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ValueError(f"not text in any known encoding (UTF-8 fails at byte {utf8_error.start})")
    encoding = best.encoding
    if encoding in {"gb2312", "gbk"}:  # GB18030 is a superset: fewer lost characters
        encoding = "gb18030"
    return data.decode(encoding), encoding


def read_file(path: Path) -> Source:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ValueError(f"file is {size} bytes, larger than the {MAX_BYTES}-byte limit")
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValueError("binary file (NUL bytes), not a text page")
    text, encoding = decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Source(path=str(path), name=path.name, text=text, encoding=encoding)


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
            return {}, Problem(str(path), f"invalid settings file: {err}", "read")
        if "jurisdiction" in settings and not isinstance(settings["jurisdiction"], str):
            return {}, Problem(str(path), "jurisdiction must be a string such as \"淮北市烈山区\"", "read")
        return settings, None
    if folder.parent == folder:
        return {}, None
    return folder_settings(folder.parent)


def read(paths: Iterable[str | os.PathLike]) -> Iterator[Source | Problem]:
    """Yield a ``Source`` for every readable page and a ``Problem`` for every other input
    (a broken ``kg.toml`` is reported once and its folder's pages are read without it)."""
    reported: set[str] = set()
    for item in discover(paths):
        if isinstance(item, Problem):
            yield item
            continue
        try:
            source = read_file(item)
        except (OSError, ValueError, UnicodeDecodeError, LookupError) as err:
            yield Problem(str(item), str(err) or type(err).__name__)
            continue
        if not source.text.strip():
            yield Problem(str(item), "empty file")
            continue
        settings, problem = folder_settings(item.resolve().parent)
        if problem is not None and problem.path not in reported:
            reported.add(problem.path)
            yield problem
        source.jurisdiction = settings.get("jurisdiction")
        yield source
