"""README's examples, run: each ``sh`` block that is one ``kg`` command on ``output`` (the seeds'
build that ``make run`` makes) and is followed by a plain block of output must print that output,
so that README cannot drift from what kg does. Where the prose between says the block shows rows
"among" the answer, those rows must be in it, and the row count the prose gives must be its count."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from kg.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.MULTILINE | re.DOTALL)


def examples() -> list[tuple[str, str, str]]:
    """(command, the prose between, printed output) in README's order."""
    text = README.read_text(encoding="utf-8")
    blocks = list(FENCE.finditer(text))
    found = []
    for block, after in zip(blocks, blocks[1:], strict=False):
        code = block.group(2)
        words = shlex.split(code, comments=True) if block.group(1) == "sh" else []
        if words[:1] == ["kg"] and "output" in words and after.group(1) == "" and "\nkg " not in code:
            found.append((code.strip(), text[block.end():after.start()], after.group(2)))
    return found


def _cells(line: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in line.split("|"))


def test_readme_has_examples_with_their_output():
    assert len(examples()) >= 5


@pytest.mark.parametrize("command, prose, shown", examples(), ids=[c.split("\n")[0][:60] for c, _, _ in examples()])
def test_readme_example_prints_what_readme_shows(command, prose, shown, out_dir, capsys):
    argv = [str(out_dir) if w == "output" else w for w in shlex.split(command, comments=True)[1:]]

    assert main(argv) == 0
    printed = capsys.readouterr().out
    if "among them" not in prose:
        assert printed == shown
        return
    rows = {_cells(line) for line in printed.splitlines()}
    assert [line for line in shown.splitlines() if _cells(line) not in rows] == []
    said = re.search(r"gives (\d+) rows", prose)
    assert said and f"({said.group(1)} rows)" in printed
