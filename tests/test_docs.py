"""The guide's commands run as written, with the outputs it shows."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from .conftest import ROOT, run_cli

GUIDE = ROOT / "docs" / "guide.md"


def console_blocks(text: str) -> list[list[str]]:
    return [block.splitlines() for block in re.findall(r"```console\n(.*?)```", text, re.S)]


def test_guide_commands_run_as_written(examples_copy: Path) -> None:
    blocks = console_blocks(GUIDE.read_text(encoding="utf-8"))
    assert len(blocks) >= 6
    ran = 0
    for lines in blocks:
        i = 0
        while i < len(lines):
            assert lines[i].startswith("$ okrbsc "), lines[i]
            shown = []
            i += 1
            while i < len(lines) and not lines[i].startswith("$ "):
                shown.append(lines[i])
                i += 1
            command = shlex.split(lines[i - len(shown) - 1][2:])
            proc = run_cli(*command[1:], cwd=examples_copy)
            assert proc.returncode == 0, (command, proc.stdout, proc.stderr)
            if shown:
                assert proc.stdout.splitlines()[: len(shown)] == shown, command
            ran += 1
    assert ran >= 9
