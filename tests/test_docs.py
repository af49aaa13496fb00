"""The guide's commands run as written, with the outputs it shows."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from .conftest import ROOT, commit_all, git, run_cli

GUIDE = ROOT / "docs" / "guide.md"


GIT_SECTION = "## 7. The strategy in git"


def console_blocks(text: str) -> list[list[str]]:
    return [block.splitlines() for block in re.findall(r"```console\n(.*?)```", text, re.S)]


def run_blocks(blocks: list[list[str]], cwd: Path, may_fail: tuple[str, ...] = ()) -> int:
    """Run each `$ okrbsc ...` line in ``cwd``; its output starts with the lines shown.
    Commands starting with one of ``may_fail`` may exit 1 (they report errors)."""
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
            text = lines[i - len(shown) - 1][2:]
            command = shlex.split(text)
            proc = run_cli(*command[1:], cwd=cwd)
            allowed = (0, 1) if text.startswith(may_fail) else (0,)
            assert proc.returncode in allowed, (command, proc.stdout, proc.stderr)
            if shown:
                assert proc.stdout.splitlines()[: len(shown)] == shown, command
            ran += 1
    return ran


def test_guide_commands_run_as_written(examples_copy: Path) -> None:
    before_git = GUIDE.read_text(encoding="utf-8").split(GIT_SECTION)[0]
    blocks = console_blocks(before_git)
    assert len(blocks) >= 6
    assert run_blocks(blocks, examples_copy) >= 9


def test_guide_git_story_runs_as_written(examples_copy: Path) -> None:
    """Section 7: the commits the guide describes, then its commands and outputs."""
    root = examples_copy
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "Q4 plan and check-ins to 2026-11-16", "Dana Okafor", "2026-11-16T09:00")
    git(root, "switch", "-q", "-c", "week-47")
    proc = run_cli(
        "checkin",
        "SL1.1",
        "1.7",
        "--confidence",
        "0.5",
        "--date",
        "2026-11-23",
        "--as-of",
        "2026-11-23",
        cwd=root,
    )
    assert proc.returncode == 0, proc.stderr
    commit_all(root, "Sales check-ins, week 47", "Sam Lee", "2026-11-23T10:00")
    sales = root / "okrs/2026/Q4/sales.yaml"
    text = sales.read_text()
    for old, new in [
        ("        target: 3.0\n", "        target: 2.5\n"),
        ("        target: 3   # lower is better", "        target: 5   # lower is better"),
        (
            "{date: 2026-11-09, value: 5, confidence: 0.7}",
            "{date: 2026-11-09, value: 4, confidence: 0.7}",
        ),
    ]:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    sales.write_text(text)
    commit_all(root, "Realistic targets for the rest of Q4", "Noor Haddad", "2026-11-24T16:00")
    section = GUIDE.read_text(encoding="utf-8").split(GIT_SECTION)[1].split("\n## ")[0]
    assert run_blocks(console_blocks(section), root, may_fail=("okrbsc lint",)) == 4
    assert git(root, "status", "--porcelain") == ""  # --dry-run wrote nothing


def test_readme_counts_the_rules_there_are() -> None:
    from okrbsc.lint.rules import RULES

    said = re.search(r"runs (\d+) rules across", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert said is not None
    assert int(said.group(1)) == len(RULES)


PULL_SECTION = "## 8. Numbers from your systems"


def test_guide_pull_section_runs_as_written(examples_copy: Path) -> None:
    """Section 8: the dry run, the pulls and the check, with the outputs it shows, and
    the `source:` it quotes as the example repo has it."""
    section = GUIDE.read_text(encoding="utf-8").split(PULL_SECTION)[1].split("\n## ")[0]
    blocks = console_blocks(section)
    assert run_blocks(blocks, examples_copy) >= 5
    examples = ROOT / "examples"
    card = (examples / "scorecard.yaml").read_text(encoding="utf-8")
    sales = (examples / "okrs/2026/Q4/sales.yaml").read_text(encoding="utf-8")
    config = (examples / "okrbsc.yaml").read_text(encoding="utf-8")
    for block in re.findall(r"```yaml\n(.*?)```", section, re.S):
        for line in block.splitlines():
            if line.strip() not in ("", "...", "sources:"):
                assert line in card or line in sales or line in config, line
