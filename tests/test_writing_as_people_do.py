"""SPEC 10.7: same-day check-ins, negative values, `score --write` waiting for the
period's end, and `history` judging the past by the definition of its day."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app

from .conftest import changed_lines, commit_all, git, run_cli

AS_OF = "2026-11-23"  # a Monday in 2026-Q4
SALES = "okrs/2026/Q4/sales.yaml"
OLD = "          - {date: 2026-11-16, value: 1.55, confidence: 0.6}"


@pytest.fixture
def repo(examples_copy: Path) -> Path:
    git(examples_copy, "init", "-q")
    commit_all(examples_copy, "start", "Dana", "2026-10-01")
    return examples_copy


def cli(root: Path, *args: str, as_of: str = AS_OF) -> tuple[int, str]:
    result = CliRunner().invoke(app, [*args, "--repo", str(root), "--as-of", as_of])
    return result.exit_code, result.output


diff = changed_lines


# --- same-day check-ins ----------------------------------------------------------------


def test_a_second_checkin_on_a_date_is_refused_naming_the_first(repo: Path) -> None:
    code, out = cli(repo, "checkin", "SL1.1", "1.6", "--date", "2026-11-16")
    assert code == 1
    assert f"{SALES}:29:13: SL1.1 already has a check-in on 2026-11-16 (value 1.55)" in out
    assert "--replace" in out
    assert diff(repo) == []


def test_replace_rewrites_that_entry_in_place(repo: Path) -> None:
    code, out = cli(
        repo, "checkin", "SL1.1", "1.6", "--date", "2026-11-16", "--confidence", "0.7", "--replace"
    )
    assert code == 0, out
    assert f"{SALES}: replaced the check-in of SL1.1 = 1.6 on 2026-11-16" in out
    assert diff(repo) == [f"-{OLD}", "+" + OLD.replace("1.55", "1.6").replace("0.6}", "0.7}")]
    assert cli(repo, "lint")[0] == 0


BLOCK = """kind: okrs
team: sales
period: 2026-Q4
objectives:
  - id: SB1
    title: Keep the pipeline honest
    aligns_to: [C1]
    key_results:
      - id: SB1.1
        title: Qualified pipeline in EUR m
        start: 1
        target: 3
        checkins:
          - date: 2026-11-16
            value: 1.5   # first count
            confidence: 0.6
            note: before the audit
          # the audit is next
          - date: 2026-11-23
            value: 1.4
"""


def test_replace_in_block_style_changes_only_that_entrys_lines(repo: Path) -> None:
    path = repo / "okrs/2026/Q4/block.yaml"
    path.write_text(BLOCK, encoding="utf-8")
    commit_all(repo, "block", "Dana", "2026-11-20")
    code, out = cli(repo, "checkin", "SB1.1", "1.2", "--date", "2026-11-16", "--replace")
    assert code == 0, out
    # the value is new, the confidence and note of the old check-in are not repeated
    assert diff(repo) == [
        "-            value: 1.5   # first count",
        "-            confidence: 0.6",
        "-            note: before the audit",
        "+            value: 1.2   # first count",
    ]


def test_replace_with_no_checkin_that_day_adds_one(repo: Path) -> None:
    code, out = cli(repo, "checkin", "SL1.1", "1.7", "--replace")
    assert code == 0 and "checked in SL1.1 = 1.7 on 2026-11-23" in out
    assert diff(repo) == [f"+          - {{date: {AS_OF}, value: 1.7}}"]


# --- negative values ---------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "written"), [("-3", "-3"), ("-0.25", "-0.25"), ("-.5", "-0.5")])
def test_a_negative_value_is_a_value_not_an_option(repo: Path, typed: str, written: str) -> None:
    proc = run_cli("checkin", "SL1.1", typed, "--repo", str(repo), "--as-of", AS_OF)
    assert proc.returncode == 0, proc.stderr
    assert diff(repo) == [f"+          - {{date: {AS_OF}, value: {written}}}"]


def test_a_misspelt_option_is_still_refused(repo: Path) -> None:
    proc = run_cli("checkin", "SL1.1", "2", "--confidnce", "0.5", "--repo", str(repo))
    assert proc.returncode == 2 and "--confidnce" in proc.stderr
    assert diff(repo) == []


# --- score --write waits for the period's end ------------------------------------------


def test_score_write_before_the_last_day_is_refused(repo: Path) -> None:
    code, out = cli(repo, "score", "2026-Q4", "--write", "-q", as_of="2026-11-20")
    assert code == 2
    assert "2026-Q4 runs until 2026-12-31, 41 days after 2026-11-20" in out
    assert "--force" in out and diff(repo) == []


def test_score_write_on_the_last_day_and_with_force(repo: Path) -> None:
    code, out = cli(repo, "score", "2026-Q4", "--write", "-q", as_of="2026-12-31")
    assert code == 0, out
    written = diff(repo)
    assert written and all(line.lstrip("+ ").startswith("score: ") for line in written)
    git(repo, "checkout", "-q", ".")
    code, out = cli(repo, "score", "2026-Q4", "--write", "--force", "-q", as_of="2026-11-20")
    assert code == 0, out
    assert diff(repo) and all(line.lstrip("+ ").startswith("score: ") for line in diff(repo))


# --- history against the definition of its day -------------------------------------------


def test_history_of_a_measure_keeps_the_past_target(repo: Path) -> None:
    card = repo / "scorecard.yaml"
    text = card.read_text(encoding="utf-8")
    text = text.replace("        target: 52\n", "        target: 48\n", 1)
    text = text.replace("2026-Q3: 47.2}", "2026-Q3: 47.2, 2026-Q4: 49}", 1)
    card.write_text(text, encoding="utf-8")
    commit_all(repo, "Lower the ARR target", "Sam", "2026-11-18")
    proc = run_cli("history", "F1-arr", "--repo", str(repo), "--as-of", AS_OF, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    values = {v["date"]: v for v in json.loads(proc.stdout)["values"]}
    q3 = values["2026-Q3"]  # recorded against target 52, red flag 44: (47.2 - 44) / 8
    assert q3["progress"] == pytest.approx(0.4) and q3["status"] == "amber"
    assert q3["against"]["target"] == 52 and q3["definition_changed"] is True
    q4 = values["2026-Q4"]  # recorded with target 48: (49 - 44) / 4 clamped
    assert (q4["progress"], q4["status"], q4["definition_changed"]) == (1.0, "green", False)
    text_out = run_cli("history", "F1-arr", "--repo", str(repo), "--as-of", AS_OF).stdout
    q3_line = next(line for line in text_out.splitlines() if line.startswith("2026-Q3"))
    assert "40%" in q3_line and "◇ against target 52" in q3_line
