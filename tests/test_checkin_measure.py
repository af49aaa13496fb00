"""SPEC 10.6: `okrbsc checkin MEASURE VALUE` records a measure's actual, and a
different value already recorded is a restatement, refused unless --restate."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app

from .conftest import changed_lines, commit_all, git, run_cli

AS_OF = "2026-11-23"  # in 2026-Q4
LINE = "        actuals: {2025: 40.0, 2026-Q1: 42.5, 2026-Q2: 45.0, 2026-Q3: 47.2}"


@pytest.fixture
def repo(examples_copy: Path) -> Path:
    git(examples_copy, "init", "-q")
    commit_all(examples_copy, "start", "Dana", "2026-11-01")
    return examples_copy


def checkin(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["checkin", *args, "--repo", str(root), "--as-of", AS_OF])
    return result.exit_code, result.output


diff = changed_lines


def test_an_actual_goes_into_the_quarter_containing_as_of(repo: Path) -> None:
    code, out = checkin(repo, "F1-arr", "48.1")
    assert code == 0, out
    assert out.strip() == "scorecard.yaml:24: recorded F1-arr = 48.1 in 2026-Q4"
    assert diff(repo) == [f"-{LINE}", "+" + LINE[:-1] + ", 2026-Q4: 48.1}"]
    assert run_cli("lint", "--repo", str(repo), "--as-of", AS_OF).returncode == 0


def test_period_picks_the_actual_and_a_negative_value_is_a_value(repo: Path) -> None:
    code, out = checkin(repo, "F1-arr", "-3", "--period", "FY2027")  # the year, after Q3
    assert code == 0, out
    assert diff(repo) == [f"-{LINE}", "+" + LINE[:-1] + ", 2027: -3}"]


def test_the_same_value_changes_nothing(repo: Path) -> None:
    code, out = checkin(repo, "F1-arr", "47.2", "--period", "2026-Q3")
    assert code == 0, out
    assert "already has 47.2 in 2026-Q3: nothing to change" in out
    assert diff(repo) == []


def test_a_different_value_is_refused_unless_restated(repo: Path) -> None:
    code, out = checkin(repo, "F1-arr", "47.5", "--period", "2026-Q3")
    assert code == 1
    assert "scorecard.yaml:24: F1-arr already has 47.2 in 2026-Q3, not 47.5" in out
    assert "--restate" in out and diff(repo) == []
    code, out = checkin(repo, "F1-arr", "47.5", "--period", "2026-Q3", "--restate")
    assert code == 0, out
    assert "restated F1-arr in 2026-Q3: 47.2 -> 47.5" in out
    assert diff(repo) == [f"-{LINE}", "+" + LINE.replace("47.2", "47.5")]


def test_key_result_options_are_refused_for_a_measure(repo: Path) -> None:
    for extra in (["--note", "x"], ["--confidence", "0.5"], ["--date", "2026-11-01"]):
        code, out = checkin(repo, "F1-arr", "48", *extra)
        assert code == 2 and f"{extra[0]} is for a key result's check-in" in out
    code, out = checkin(repo, "F1-arr", "48%")
    assert code == 2 and "expected a number, got '48%'" in out
    assert diff(repo) == []


def test_a_broken_scorecard_is_not_written(repo: Path) -> None:
    card = repo / "scorecard.yaml"
    text = card.read_text(encoding="utf-8").replace("target: 52", "target: [52")
    card.write_text(text, encoding="utf-8")
    before = card.read_bytes()
    code, out = checkin(repo, "F1-arr", "48")
    assert code == 1 and "scorecard.yaml" in out
    assert card.read_bytes() == before


def test_measure_checkin_in_a_subprocess(repo: Path) -> None:
    proc = run_cli("checkin", "F2-gm", "-1.5", "--repo", str(repo), "--as-of", AS_OF)
    assert proc.returncode == 0, proc.stderr
    assert "recorded F2-gm = -1.5 in 2026-Q4" in proc.stdout
    changed = subprocess.run(
        ["git", "diff", "--stat"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout
    assert "scorecard.yaml | 2 +-" in changed
