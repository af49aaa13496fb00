"""`okrbsc checkin` and safe writes: minimal diffs, refusal, atomicity, concurrency."""

from __future__ import annotations

import difflib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app
from okrbsc.strategy.loader import load_text

from .conftest import run_cli

AS_OF = "2026-11-23"


@pytest.fixture
def repo(examples_copy: Path) -> Path:
    return examples_copy


def checkin(runner: CliRunner, root: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["checkin", *args, "--repo", str(root), "--as-of", AS_OF])
    return result.exit_code, result.output


def added_lines(before: str, after: str) -> list[str]:
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    assert not [d for d in diff if d.startswith("- ")], "a line was changed or removed"
    return [d[2:] for d in diff if d.startswith("+ ")]


def test_checkin_adds_exactly_one_line(runner: CliRunner, repo: Path) -> None:
    path = repo / "okrs/2026/Q4/sales.yaml"
    before = path.read_text()
    code, out = checkin(
        runner, repo, "SL1.1", "1.8", "--confidence", "0.7", "--note", "two deals: signed"
    )
    assert code == 0, out
    assert out.strip() == "okrs/2026/Q4/sales.yaml: checked in SL1.1 = 1.8 on 2026-11-23"
    assert added_lines(before, path.read_text()) == [
        "          - {date: 2026-11-23, value: 1.8, confidence: 0.7, note: 'two deals: signed'}"
    ]
    lint = runner.invoke(app, ["lint", "--repo", str(repo), "--as-of", AS_OF])
    assert lint.exit_code == 0, lint.output


BLOCK = """kind: okrs
team: sales
period: 2026-Q4
objectives:
  - id: S1
    title: Win  # keep me
    aligns_to: [F1]
    key_results:
      - id: K1
        title: "Pipeline"
        start: 2.0
        target: 3.5
        checkins:
          - date: 2026-10-05
            value: 2.1   # first

          # the next key result
      - {id: K2, title: 'Other', start: 1, target: 2}
      - id: K3
        title: Third
        start: 1
        target: 2
        checkins: [{date: 2026-10-05, value: 1}]
"""


def test_block_style_comments_and_blank_lines_survive(runner: CliRunner, repo: Path) -> None:
    path = repo / "okrs/2026/Q4/sales.yaml"
    path.write_text(BLOCK)
    for kr in ("K1", "K2", "K3"):
        assert checkin(runner, repo, kr, "1.5", "-q")[0] == 0
    after = path.read_text().splitlines()
    assert after[13:19] == [
        "          - date: 2026-10-05",
        "            value: 2.1   # first",
        "          - date: 2026-11-23",
        "            value: 1.5",
        "",
        "          # the next key result",
    ]
    assert "title: Win  # keep me" in after[5] and 'title: "Pipeline"' in after[9]
    # SPEC 14.7: the one-line flow key result takes its first check-in as a block
    k2 = after.index("      - id: K2")
    assert after[k2 : k2 + 6] == [
        "      - id: K2",
        "        title: 'Other'",
        "        start: 1",
        "        target: 2",
        "        checkins:",
        "          - {date: 2026-11-23, value: 1.5}",
    ]
    assert (
        "        checkins: [{date: 2026-10-05, value: 1}, {date: 2026-11-23, value: 1.5}]" in after
    )
    assert load_text(path.read_text()).problems == []


def test_binary_checkin(runner: CliRunner, repo: Path) -> None:
    path = repo / "okrs/2026/Q4/sales.yaml"
    binary = next(line for line in path.read_text().splitlines() if "kind: binary" in line)
    assert binary  # the example has a binary KR
    text = path.read_text()
    kr_id = _binary_kr_id(text)
    assert checkin(runner, repo, kr_id, "maybe")[0] == 2
    code, _ = checkin(runner, repo, kr_id, "done")
    assert code == 0
    assert "value: true" in path.read_text().split(f"id: {kr_id}")[1].split("- id:")[0]


def _binary_kr_id(text: str) -> str:
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if "kind: binary" in line)
    return next(line.split("id:")[1].strip() for line in reversed(lines[:index]) if "- id:" in line)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("NOPE.1", "3"), "no key result or measure 'NOPE.1'"),
        (("SL1.1", "lots"), "expected a number, got 'lots'"),
        (("SL1.1", "3", "--confidence", "7"), "outside 0..1"),
        (("SL1.1", "3", "--date", "2027-01-04"), "lies outside 2026-Q4"),
        (("SL1.1", "3", "--period", "2026-Q9"), "not a period"),
        (("SL1.1", "3", "--period", "2026-Q3"), "is not in 2026-Q3"),
    ],
)
def test_bad_checkins_are_usage_errors_and_change_nothing(
    runner: CliRunner, repo: Path, args: tuple[str, ...], message: str
) -> None:
    path = repo / "okrs/2026/Q4/sales.yaml"
    before = path.read_bytes()
    code, out = checkin(runner, repo, *args)
    assert code == 2 and message in out, out
    assert path.read_bytes() == before


def test_file_that_does_not_load_cleanly_is_left_alone(runner: CliRunner, repo: Path) -> None:
    path = repo / "okrs/2026/Q4/sales.yaml"
    broken = path.read_text().replace("period: 2026-Q4", "period: 2026-Q4\nteam: sales", 1)
    path.write_text(broken)
    code, out = checkin(runner, repo, "SL1.1", "3")
    assert code == 1
    assert "does not load cleanly" in out and "E003" in out
    assert path.read_text() == broken


def test_period_needed_when_not_running(runner: CliRunner, repo: Path) -> None:
    code, out = checkin(runner, repo, "SA1.1", "3")
    assert code == 2 and "pass --period" in out
    code, out = checkin(runner, repo, "SA1.1", "3", "--period", "2026-Q3", "--date", "2026-09-30")
    assert code == 0, out


def test_two_processes_checking_in_at_once_both_land(repo: Path) -> None:
    path = repo / "okrs/2026/Q4/sales.yaml"
    before = path.read_text()
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "okrbsc",
                "checkin",
                kr,
                "9",
                "--as-of",
                AS_OF,
                "--repo",
                str(repo),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for kr in ("SL1.1", "SL2.1")
    ]
    for proc in procs:
        assert proc.wait(timeout=60) == 0, proc.stderr.read() if proc.stderr else ""
    added = added_lines(before, path.read_text())
    assert len(added) == 2 and all("value: 9" in line for line in added)


KILLER = """
import os, sys, okrbsc.write.safe as w
real = os.replace
def slow_replace(src, dst):
    sys.stdout.write("ready\\n"); sys.stdout.flush()
    import time; time.sleep(30)
    real(src, dst)
w.os.replace = slow_replace
from okrbsc.cli import main
sys.argv = ["okrbsc", "checkin", "SL1.1", "7", "--as-of", "2026-11-23", "--repo", sys.argv[1]]
main()
"""


def test_killed_mid_write_leaves_the_old_file_whole(repo: Path) -> None:
    path = repo / "okrs/2026/Q4/sales.yaml"
    before = path.read_bytes()
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLER, str(repo)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"  # the new text is written, not yet renamed
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert path.read_bytes() == before
    leftovers = [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    assert len(leftovers) <= 1  # a killed process may leave its temp file, never a torn target
    # and the next write still works
    time.sleep(0.1)
    assert run_cli("checkin", "SL1.1", "7", "--as-of", AS_OF, "--repo", str(repo)).returncode == 0
