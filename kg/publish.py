"""A build's outputs published as one set, and checked as one set by whatever reads them.

A build writes every output into a staging folder inside the output folder
(``OUT/.kg-staging-<pid>-<random>/``), fsyncs each file, and then writes ``manifest.json`` there
(build id, kg version, each file's size and sha256): the manifest is the commit marker. The files
are then renamed into OUT, the previous build's outputs that this one does not have are removed,
and the manifest is renamed last. A staging folder that holds a manifest is a committed build
whose move was cut short: the next build, or the next reader, finishes the move (roll forward).
One without a manifest is a killed build's leftovers, removed by the next build. Readers refuse a
folder whose files do not match its manifest, so no command answers from a mix of two builds.

Locks (``flock``) keep two processes from moving files at once and tell a live build's staging
folder from a dead one's: the kernel drops a killed process's locks.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import secrets
import shutil
import uuid
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from . import __version__

MANIFEST = "manifest.json"
STAGING_PREFIX = ".kg-staging-"
# Every file name a kg build has written. A new build removes those of them it does not write
# itself (an explain.jsonl of an earlier --explain build would otherwise pass for this one's);
# nothing else in the folder (.cache, kg query's .kg-store, a user's notes) is touched.
OUTPUT_NAMES = ("graph.ttl", "graph.trig", "graph.nq", "graph.nt", "graph.rdf", "graph.jsonld", "context.jsonld",
                "ontology.ttl", "shapes.ttl",
                "graph.graphml", "graph.json", "graph.html", "explain.jsonl", "report.json")


class OutputError(Exception):
    """Outputs cannot be written: the folder cannot be made or written, the disk is full …"""


class BuildError(Exception):
    """A build folder cannot be read as one build: its files do not match its manifest, or a
    file of it is damaged."""


class UncheckedBuild(UserWarning):
    """A build folder without a manifest (written by a kg older than manifests): read as it is."""


def reason(err: OSError) -> str:
    """An OSError as a short phrase (Oxigraph's carry no ``strerror``, only their text)."""
    return err.strerror or str(err)


def probe(folder: Path) -> None:
    """Make ``folder`` (and its parents) and write a file in it, so that a folder kg cannot write
    is found before any page is read rather than after all of them are extracted."""
    try:
        if not folder.is_dir():  # a read-only folder that exists is "cannot be written", not "made"
            folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"{folder}: exists and is not a folder") from None
    except NotADirectoryError:
        raise OutputError(f"{folder}: cannot be made: a part of its path is a file") from None
    except OSError as err:
        raise OutputError(f"{folder}: cannot be made: {reason(err)}") from None
    if not folder.is_dir():
        raise OutputError(f"{folder}: exists and is not a folder")
    test = folder / f".kg-probe-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        with test.open("wb") as fh:
            fh.write(b"kg")
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as err:
        raise OutputError(f"{folder}: cannot be written: {reason(err)}") from None
    finally:
        with contextlib.suppress(OSError):
            test.unlink()


@contextlib.contextmanager
def _locked(path: Path, blocking: bool = True) -> Iterator[bool]:
    """An exclusive ``flock`` on the folder ``path`` while the block runs; yields False (and does
    not wait) when ``blocking`` is off and another process holds it."""
    fd = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # closing drops the lock


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _digest(path: Path) -> tuple[int, str]:
    """Size and sha256 of ``path``, fsynced on the way (the manifest must not name bytes that a
    power cut could still lose)."""
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
        os.fsync(fh.fileno())
    return size, h.hexdigest()


def read_manifest(folder: Path) -> dict | None:
    """``folder``'s manifest, None when there is none; BuildError when it is not one kg wrote."""
    path = folder / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise BuildError(f"{path}: not a manifest kg wrote ({_why(err)}); run `kg build` again") from None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict) or not all(isinstance(f, dict) and isinstance(f.get("size"), int)
                                              for f in files.values()):
        raise BuildError(f"{path}: not a manifest kg wrote (no file list); run `kg build` again")
    return data


def _why(err: Exception) -> str:
    if isinstance(err, json.JSONDecodeError):
        return f"not JSON: {err.msg} (character {err.pos})"
    if isinstance(err, OSError):
        return reason(err)
    return str(err)


class Staging:
    """The staging folder of one build, locked while the build lives::

        with Staging(out) as stage:
            write_graphml(graph, stage.path / "graph.graphml")
            ...
            stage.publish(["graph.graphml", ...])

    Leaving the block without ``publish`` (an error) removes the folder; a killed process leaves
    it for the next build to remove. Once committed, the folder stays until its files are
    moved, whatever happens."""

    def __init__(self, out: Path):
        self.out = out
        self.build_id = uuid.uuid4().hex
        self.path = out / f"{STAGING_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
        self._fd: int | None = None
        self.committed = False

    def __enter__(self) -> Staging:
        self.path.mkdir()
        self._fd = os.open(self.path, os.O_RDONLY)
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc) -> None:
        if not self.committed:  # a committed one is a build to roll forward, not leftovers
            with contextlib.suppress(OSError):
                shutil.rmtree(self.path)
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def publish(self, names: list[str], inputs: str | None = None) -> list[Path]:
        """Commit the files ``names`` of the staging folder and move them into the output
        folder; their paths there, and the manifest's. ``inputs`` (a digest of what the build
        read) is kept in the manifest, for the next build to tell whether anything changed."""
        files = {}
        for name in names:
            size, sha = _digest(self.path / name)
            files[name] = {"size": size, "sha256": sha}
        manifest = {"build_id": self.build_id, "kg_version": __version__,
                    "created": datetime.now(UTC).replace(microsecond=0).isoformat(), "files": files}
        if inputs is not None:
            manifest["inputs"] = inputs
        _fsync_dir(self.path)
        with _locked(self.out):
            partial = self.path / f".{MANIFEST}.partial"  # renamed, so the commit mark is whole or absent
            with partial.open("w", encoding="utf-8") as fh:
                json.dump(manifest, fh, ensure_ascii=False, indent=1)
                fh.write("\n")
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(partial, self.path / MANIFEST)
            _fsync_dir(self.path)
            self.committed = True
            _move(self.path, self.out)
        return [self.out / name for name in [*names, MANIFEST]]


def _move(staging: Path, out: Path) -> None:
    """Roll a committed staging folder forward: its files into ``out``, the outputs of the
    build before that this one lacks removed, its manifest last. Safe to repeat after a kill at
    any point (the caller holds ``out``'s lock)."""
    manifest = read_manifest(staging)
    try:
        old = read_manifest(out)
    except BuildError:  # a damaged manifest of the build before: its files are among OUTPUT_NAMES anyway
        old = None
    for name in manifest["files"]:
        if (staging / name).exists():
            os.replace(staging / name, out / name)
    stale = (set(old["files"]) if old else set()) | set(OUTPUT_NAMES)
    for name in sorted(stale - set(manifest["files"])):
        with contextlib.suppress(FileNotFoundError):
            (out / name).unlink()
    os.replace(staging / MANIFEST, out / MANIFEST)
    _fsync_dir(out)
    shutil.rmtree(staging, ignore_errors=True)


def _stagings(out: Path) -> list[Path]:
    try:
        return sorted(p for p in out.iterdir() if p.name.startswith(STAGING_PREFIX) and p.is_dir())
    except OSError:
        return []


def _finish(out: Path, remove_stale: bool) -> None:
    """Roll forward the committed staging folders no live process holds; with ``remove_stale``,
    remove the uncommitted ones too."""
    with _locked(out):
        # committed ones oldest first, should two killed builds have left one each
        for staging in sorted(_stagings(out), key=lambda s: _committed_at(s) or 0):
            with _locked(staging, blocking=False) as free:
                if not free:
                    continue  # a live build's: it publishes or removes it itself
                if _committed_at(staging) is not None:
                    try:
                        _move(staging, out)
                        continue
                    except BuildError:  # a manifest kg did not write: nothing to roll forward
                        if not remove_stale:
                            raise
                if remove_stale:
                    shutil.rmtree(staging, ignore_errors=True)


def _committed_at(staging: Path) -> int | None:
    try:
        return (staging / MANIFEST).stat().st_mtime_ns
    except OSError:
        return None


def recover(out: Path) -> None:
    """What a build does first: finish the move of a build killed while publishing, and remove
    the leftovers of builds killed before they committed."""
    if not out.is_dir():
        return
    try:
        _finish(out, remove_stale=True)
    except OSError as err:
        raise OutputError(f"{out}: cannot finish or clean up an interrupted build: {reason(err)}") from None


def check(folder: Path, *names: str) -> dict | None:
    """Before a command reads a build folder: finish an interrupted publish, then make sure every
    file the manifest lists is there at its size, and that each of ``names`` that exists is one
    of them. The manifest, or None for a folder without one (an older kg's build, read with an
    ``UncheckedBuild`` warning)."""
    if any((s / MANIFEST).is_file() for s in _stagings(folder)):
        try:
            _finish(folder, remove_stale=False)
        except (OSError, BuildError) as err:
            detail = reason(err) if isinstance(err, OSError) else str(err)
            raise BuildError(f"{folder}: a build was cut off while publishing its files and cannot be "
                             f"finished here ({detail}); run `kg build` again") from None
    manifest = read_manifest(folder)
    if manifest is None:
        if any((folder / n).exists() for n in OUTPUT_NAMES):
            warnings.warn(UncheckedBuild(f"{folder}: no {MANIFEST} (built by an older kg): its files are "
                                         "read without checking that they are one build"), stacklevel=2)
        return None
    build = str(manifest.get("build_id", "?"))[:12]
    for listed, entry in manifest["files"].items():
        try:
            size = (folder / listed).stat().st_size
        except OSError:
            raise BuildError(f"{folder}: {listed} of build {build} is missing: the folder holds part of a "
                             "build; run `kg build` again") from None
        if size != entry["size"]:
            raise BuildError(f"{folder}: {listed} is {size:,} bytes, but {MANIFEST} (build {build}) says "
                             f"{entry['size']:,}: the folder mixes two builds or the file is damaged; "
                             "run `kg build` again")
    for name in names:
        if name not in manifest["files"] and (folder / name).exists():
            raise BuildError(f"{folder}: {name} is not part of build {build} ({MANIFEST} does not list it)")
    return manifest


__all__ = ["MANIFEST", "OUTPUT_NAMES", "BuildError", "OutputError", "Staging", "UncheckedBuild", "check", "probe",
           "read_manifest", "reason", "recover"]
