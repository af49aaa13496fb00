"""`okrbsc init`: a repo for the current quarter that lints without error, never overwriting.

The mission and vision are placeholders for the user to write: lint reminds
them with exactly two B308 warnings, and nothing else.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app
from okrbsc.strategy.periods import FiscalCalendar, Period

from .conftest import run_cli


def test_init_lints_with_only_the_placeholder_reminders(tmp_path: Path) -> None:
    target = tmp_path / "strategy"
    proc = run_cli("init", str(target), "--org", "Acme", "--team", "sales", "--as-of", "2026-11-22")
    assert proc.returncode == 0, proc.stderr
    assert (target / "okrs/2026/Q4/sales.yaml").is_file()
    lint = run_cli("lint", "--repo", str(target), "--as-of", "2026-11-22")
    assert lint.returncode == 0, lint.stdout
    assert lint.stdout.splitlines() == [
        "scorecard.yaml:4:10: B308 the mission still holds okrbsc init's placeholder text: "
        "replace it with your own [placeholder-text]",
        "scorecard.yaml:5:9: B308 the vision still holds okrbsc init's placeholder text: "
        "replace it with your own [placeholder-text]",
        "Found 0 errors and 2 warnings in 4 files.",
    ]
    scorecard = (target / "scorecard.yaml").read_text(encoding="utf-8")
    scorecard = scorecard.replace(
        '"Placeholder: why the organisation exists, in one sentence"', "Robots for everyone"
    ).replace('"Placeholder: where it will be in three to five years"', "In every warehouse")
    (target / "scorecard.yaml").write_text(scorecard, encoding="utf-8")
    lint = run_cli("lint", "--repo", str(target), "--as-of", "2026-11-22", "--strict")
    assert lint.returncode == 0, lint.stdout
    assert lint.stdout.strip() == "All checks passed: no findings in 4 files."


def test_init_with_a_fiscal_year_starting_in_april(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["init", str(tmp_path), "--org", "X", "--fiscal-year-start", "4", "--as-of", "2027-02-10"],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "okrs/2026/Q4/team.yaml").is_file()
    lint = CliRunner().invoke(app, ["lint", "--repo", str(tmp_path), "--as-of", "2027-02-10"])
    assert lint.exit_code == 0, lint.output


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    (tmp_path / "scorecard.yaml").write_text("mine\n")
    result = CliRunner().invoke(app, ["init", str(tmp_path), "--org", "X"])
    assert result.exit_code == 2
    assert "scorecard.yaml" in result.output
    assert (tmp_path / "scorecard.yaml").read_text() == "mine\n"
    assert not (tmp_path / "okrbsc.yaml").exists()


def test_init_in_an_existing_repo_is_refused(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["init", str(tmp_path), "--org", "X"]).exit_code == 0
    before = (tmp_path / "okrbsc.yaml").read_text()
    again = runner.invoke(app, ["init", str(tmp_path), "--org", "Y"])
    assert again.exit_code == 2 and "already" in again.output
    assert (tmp_path / "okrbsc.yaml").read_text() == before


def test_init_asks_nothing_without_a_terminal(tmp_path: Path) -> None:
    proc = run_cli("init", str(tmp_path / "acme"), "--as-of", "2026-11-22")
    assert proc.returncode == 0
    assert 'organisation: "acme"' in (tmp_path / "acme/okrbsc.yaml").read_text()


@pytest.mark.parametrize(
    ("day", "start", "expected"),
    [
        ("2026-11-22", 1, Period(2026, 4)),
        ("2026-04-01", 4, Period(2026, 1)),
        ("2027-03-31", 4, Period(2026, 4)),
        ("2026-01-01", 1, Period(2026, 1)),
    ],
)
def test_current_quarter(day: str, start: int, expected: Period) -> None:
    assert FiscalCalendar(start).quarter_of(dt.date.fromisoformat(day)) == expected
