"""Git-native commands on real repositories built in the test: diff and lint --since."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import EXAMPLES, GIT_ENV, git, in_process, run_cli

AS_OF = "2026-11-20"


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """examples/ in a git repo (as a subfolder), with a second commit of changes."""
    top = tmp_path / "project"
    root = top / "strategy"
    shutil.copytree(EXAMPLES, root)
    git(top, "init", "-q", "-b", "main")
    git(top, "add", "-A")
    git(top, "commit", "-qm", "strategy 2026")
    sales = root / "okrs/2026/Q4/sales.yaml"
    text = sales.read_text()
    text = text.replace("target: 3.0\n", "target: 2.5\n", 1)  # SL1.1 lowered mid-quarter
    text = text.replace("{date: 2026-10-12, value: 0.47,", "{date: 2026-10-12, value: 0.9,", 1)
    text = text.replace("title: Sign twelve new mid-market logos", "title: Sign ten new logos")
    sales.write_text(text)
    (root / "okrs/2026/Q4/teams").mkdir()
    shutil.move(str(root / "okrs/2026/Q4/people.yaml"), root / "okrs/2026/Q4/teams/people.yaml")
    return root


def test_diff_tells_the_story(history: Path) -> None:
    proc = run_cli("diff", "HEAD", "--repo", str(history), "--as-of", AS_OF)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "key result SL1.1 (2026-Q4): target 3 → 2.5" in out
    assert (
        "key result SL1.2 (2026-Q4): title Sign twelve new mid-market logos → Sign ten new logos"
        in out
    )
    assert "check-in edited 2026-10-12: 0.47 (confidence 0.6) → 0.9 (confidence 0.6)" in out
    assert (
        "objective PP1 (2026-Q4) moved from okrs/2026/Q4/people.yaml to okrs/2026/Q4/teams/people.yaml"
        in out
    )
    assert " removed" not in out and " added" not in out  # a move is not a delete plus an add


def test_diff_json_and_markdown(history: Path) -> None:
    data = json.loads(in_process("diff", "HEAD", "--repo", str(history), "--format", "json").stdout)
    target = next(c for c in data["changes"] if c["field"] == "target")
    assert (target["id"], target["old"], target["new"]) == ("SL1.1", 3.0, 2.5)
    md = in_process("diff", "HEAD", "--repo", str(history), "--format", "md").stdout
    assert md.startswith("### Strategy changes (HEAD → working tree)")


def test_diff_default_base_is_the_merge_base_with_main(history: Path) -> None:
    top = history.parent
    git(top, "checkout", "-q", "-b", "q4-update")
    git(top, "add", "-A")
    git(top, "commit", "-qm", "lower a target")
    proc = in_process("diff", "--repo", str(history))
    assert proc.returncode == 0 and "target 3 → 2.5" in proc.stdout


def test_lint_since_flags_moved_targets_and_rewritten_checkins(history: Path) -> None:
    proc = run_cli("lint", "--since", "HEAD", "--repo", str(history), "--as-of", AS_OF)
    lines = proc.stdout.splitlines()
    g501 = [line for line in lines if " G501 " in line]
    g502 = [line for line in lines if " G502 " in line]
    assert len(g501) == 1 and "target 3 → 2.5 (easier)" in g501[0]
    assert g501[0].startswith("okrs/2026/Q4/sales.yaml:19:17: G501")  # at the target itself
    assert len(g502) == 1 and g502[0].startswith("okrs/2026/Q4/sales.yaml:24:13: G502")
    assert (
        "check-in of 2026-10-12 of key result 'SL1.1' was edited: 0.47 (confidence 0.6)" in g502[0]
    )
    assert proc.returncode == 0  # warnings: SL1 is aspirational
    plain = in_process("lint", "--repo", str(history), "--as-of", AS_OF)
    assert " G50" not in plain.stdout  # history rules need --since


def test_committed_target_made_easier_is_an_error(history: Path) -> None:
    sales = history / "okrs/2026/Q4/sales.yaml"
    text = sales.read_text()
    old = "        start: 7\n        target: 3   # lower is better\n"
    assert old in text
    sales.write_text(text.replace(old, old.replace("target: 3", "target: 5")))  # SL2.1 goes down
    proc = in_process("lint", "--since", "HEAD", "--repo", str(history), "--as-of", AS_OF)
    assert proc.returncode == 1
    assert any(
        " G501 " in line and "SL2.1" in line and "committed" in line
        for line in proc.stdout.splitlines()
    )


def test_shallow_clone_without_the_base_is_a_clear_error(history: Path, tmp_path: Path) -> None:
    top = history.parent
    git(top, "add", "-A")
    git(top, "commit", "-qm", "second")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", top.as_uri(), str(clone)],
        check=True,
        env=GIT_ENV,
        capture_output=True,
        timeout=60,
    )
    proc = in_process(
        "lint", "--since", "HEAD~1", "--repo", str(clone / "strategy"), "--as-of", AS_OF
    )
    assert proc.returncode == 2
    assert "unknown revision 'HEAD~1' (this is a shallow clone" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_not_a_git_repository(tmp_path: Path) -> None:
    root = tmp_path / "strategy"
    shutil.copytree(EXAMPLES, root)
    proc = in_process("diff", "HEAD", "--repo", str(root))
    assert proc.returncode == 2 and "not inside a git repository" in proc.stderr


def test_a_raised_target_is_a_warning_and_not_called_easier(history: Path) -> None:
    sales = history / "okrs/2026/Q4/sales.yaml"
    text = sales.read_text()
    old = "        start: 7\n        target: 3   # lower is better\n"
    sales.write_text(text.replace(old, old.replace("target: 3", "target: 2")))  # SL2.1, committed
    proc = in_process("lint", "--since", "HEAD", "--repo", str(history), "--as-of", AS_OF)
    line = next(x for x in proc.stdout.splitlines() if " G501 " in x and "SL2.1" in x)
    assert "target 3 → 2 [target-moved]" in line and "easier" not in line
    assert proc.returncode == 0  # harder, even on a committed objective, is only a warning
    diff = in_process("diff", "HEAD", "--repo", str(history), "--as-of", AS_OF).stdout
    assert "key result SL2.1 (2026-Q4): target 3 → 2\n" in diff + "\n"
