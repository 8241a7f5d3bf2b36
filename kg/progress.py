"""Progress on stderr for the long commands: a bar a loop where a stage has one (pages), and one
bar over the stages where it has none (resolve, careers, the exports, SHACL), each named as it
starts. The stages themselves know nothing of it: the caller names each stage as it begins.
"""

from __future__ import annotations

import os
import sys
import time

# KG_PROGRESS=1 shows progress where stderr is no terminal (a log file, a CI job), =0 hides it on one
ENV = "KG_PROGRESS"


def wanted(quiet: bool = False) -> bool:
    """Whether a command shows progress: never with ``--quiet``; else as ``KG_PROGRESS`` says, and
    by default when stderr is a terminal (a bar in a log file is noise)."""
    if quiet:
        return False
    forced = os.environ.get(ENV, "").strip()
    if forced in ("0", "1"):
        return forced == "1"
    return sys.stderr.isatty()


class Stages:
    """One bar over ``stages``: ``start(name)`` counts the stage before as done and shows ``name``;
    ``close()`` clears the bar. Disabled, it costs a call. More stages started than ``stages``
    lists grow the total rather than overflow it."""

    def __init__(self, what: str, stages: list[str], enabled: bool):
        self.what, self.total, self.enabled = what, len(stages), enabled
        self.current: str | None = None
        self.bar = None  # made by the first stage, so that the first line drawn names it
        self.drawn = 0.0  # when ``count`` last drew

    def start(self, name: str) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            from tqdm import tqdm

            # set_description adds ": ", the constructor does not
            self.bar = tqdm(total=self.total, unit="stage", leave=False, desc=f"{self.what}: {name}: ",
                            bar_format="{desc}{n_fmt}/{total_fmt} stages [{elapsed}]")
            self.current = name
            return
        # drawn at every stage, however short: a handful of lines a run, and each stage is seen
        self.bar.n += 1
        self.bar.total = max(self.bar.total, self.bar.n + 1)
        self.current = name
        self.bar.set_description(f"{self.what}: {name}", refresh=False)
        self.bar.refresh()

    def count(self, done: int, total: int, unit: str) -> None:
        """How far the stage under way is (``resolve 120/500 pages``), redrawn at most twice a
        second and always at its end: a call per page must not write a line per page."""
        if self.bar is None:
            return
        now = time.monotonic()
        if done < total and now - self.drawn < 0.5:
            return
        self.drawn = now
        self.bar.set_description(f"{self.what}: {self.current} {done:,}/{total:,} {unit}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        self.current = None

    def __enter__(self) -> Stages:
        return self

    def __exit__(self, *_) -> None:
        self.close()
