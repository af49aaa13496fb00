"""SPEC 12.1: periods have years 1 to 9998. Any other year is E002 at its line
in a file, a usage error on the command line, and never an internal error."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app
from okrbsc.strategy.periods import Period

from .conftest import BASE, BASE_AS_OF, commit_all, git, in_process, run_cli

SALES = "okrs/2026/Q3/sales.yaml"


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "internal error" not in result.output
    return result.exit_code, result.output


def _repo(tmp_path: Path, period: str) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    sales = root / SALES
    sales.write_text(
        sales.read_text(encoding="utf-8").replace("period: 2026-Q3", f"period: {period}"),
        encoding="utf-8",
    )
    return root


@pytest.mark.parametrize("period", ["9999-Q4", "0000-Q1", "FY9999", "9999", "'0000'"])
def test_a_year_out_of_range_in_a_file_is_e002_at_its_line(tmp_path: Path, period: str) -> None:
    root = _repo(tmp_path, period)
    code, out = invoke("lint", "--repo", str(root), "--as-of", BASE_AS_OF, "--format", "json")
    assert code == 1
    here = [(f["code"], f["line"], f["column"], f["message"]) for f in json.loads(out)["findings"]]
    assert [(c, ln, col) for c, ln, col, _ in here if c == "E002"] == [("E002", 3, 9)], here
    assert "years 1 to 9998" in next(m for c, *_, m in here if c == "E002")


@pytest.mark.parametrize("command", ["status", "score", "report", "review"])
def test_commands_over_a_file_with_year_9999_refuse_it_by_its_position(
    tmp_path: Path, command: str
) -> None:
    root = _repo(tmp_path, "9999-Q4")
    out = ["--out", str(tmp_path / "out")] if command in {"report", "review"} else []
    proc = run_cli(command, "2026-Q3", "--repo", str(root), "--as-of", BASE_AS_OF, *out)
    assert proc.returncode == 1, proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
    assert f"{SALES}:3:9: E002" in proc.stderr


def test_a_folder_named_9999_is_no_period_and_no_crash(tmp_path: Path) -> None:
    root = _repo(tmp_path, "9999-Q4")
    (root / "okrs/9999/Q4").mkdir(parents=True)
    (root / SALES).rename(root / "okrs/9999/Q4/sales.yaml")
    code, out = invoke("lint", "--repo", str(root), "--as-of", BASE_AS_OF, "--format", "json")
    assert code == 1
    codes = {(f["path"], f["code"]) for f in json.loads(out)["findings"]}
    assert ("okrs/9999/Q4/sales.yaml", "E002") in codes


def test_year_0001_is_a_period_written_with_four_digits(tmp_path: Path) -> None:
    root = _repo(tmp_path, "0001-Q1")
    _, out = invoke("lint", "--repo", str(root), "--as-of", BASE_AS_OF, "--format", "json")
    messages = [f["message"] for f in json.loads(out)["findings"] if f["code"] == "E006"]
    assert messages and "period 0001-Q1 does not match" in messages[0]


@pytest.mark.parametrize("period", ["10000-Q1", "0000-Q1", "9999-Q4", "9999", "0000"])
@pytest.mark.parametrize("command", ["status", "score", "report", "review", "history"])
def test_a_year_out_of_range_on_the_command_line_is_a_usage_error(
    base_repo: Path, period: str, command: str
) -> None:
    git(base_repo, "init", "-q")
    commit_all(base_repo, "start", "Dana", "2026-07-01")
    code, out = invoke(command, period, "--repo", str(base_repo), "--as-of", BASE_AS_OF)
    assert code == 2, out
    assert "9998" in out or "not a period" in out or "in the history" in out


def test_rollover_into_year_9999_is_a_usage_error(base_repo: Path) -> None:
    code, out = invoke("rollover", "9998-Q4", "9999-Q1", "--repo", str(base_repo))
    assert code == 2
    assert "TO: year 9999 is out of range: periods have years 1 to 9998" in out


@pytest.mark.parametrize("day", ["9999-12-31", "9999-01-01"])
def test_init_as_of_year_9999_is_a_usage_error_and_writes_nothing(tmp_path: Path, day: str) -> None:
    proc = in_process("init", str(tmp_path / "new"), "--org", "X", "--as-of", day)
    assert proc.returncode == 2
    assert f"--as-of {day} falls in 9999-Q" in proc.stderr
    assert "internal error" not in proc.stderr
    assert not (tmp_path / "new" / "okrbsc.yaml").exists()


def test_init_as_of_year_1_with_an_april_year_is_a_usage_error(tmp_path: Path) -> None:
    proc = in_process(
        "init", str(tmp_path / "new"), "--as-of", "0001-01-01", "--fiscal-year-start", "4"
    )
    assert proc.returncode == 2
    assert "falls in 0000-Q4: periods have years 1 to 9998" in proc.stderr


def test_init_as_of_year_1_scaffolds_a_repo_that_lints(tmp_path: Path) -> None:
    new = tmp_path / "new"
    proc = run_cli("init", str(new), "--org", "X", "--as-of", "0001-01-01")
    assert proc.returncode == 0, proc.stderr
    assert (new / "okrs/0001/Q1/team.yaml").is_file()
    lint = run_cli("lint", "--repo", str(new), "--as-of", "0001-01-01")
    assert lint.returncode == 0, lint.stdout
    for command in (["status"], ["score", "0001-Q1"], ["review", "0001-Q1", "--format", "json"]):
        proc = in_process(*command, "--repo", str(new), "--as-of", "0001-01-01")
        assert proc.returncode == 0, proc.stderr
    review = in_process(
        "review", "0001-Q1", "--repo", str(new), "--as-of", "0001-01-01", "--format", "json"
    )
    assert json.loads(review.stdout)["previous"] is None  # no quarter before year 1


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
@pytest.mark.parametrize("command", ["lint", "status", "report", "score", "checkin"])
def test_as_of_at_the_ends_of_the_calendar_never_crashes(
    base_repo: Path, day: str, command: str
) -> None:
    out = str(base_repo.parent / "reports")
    args = {"score": ["2026-Q3"], "checkin": ["S1.1", "3"], "report": ["--out", out]}
    extra = args.get(command, [])
    run = run_cli if command == "checkin" else in_process  # checkin's one real process here
    proc = run(command, *extra, "--repo", str(base_repo), "--as-of", day)
    assert proc.returncode in (0, 1, 2), proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr


def test_a_year_in_yaml_octal_is_not_taken_for_another_year(tmp_path: Path) -> None:
    root = _repo(tmp_path, "2026-Q3")
    annual = root / "okrs/2026/annual.yaml"
    annual.write_text(
        annual.read_text(encoding="utf-8").replace("period: 2026", "period: 0010"), "utf-8"
    )
    _, out = invoke("lint", "--repo", str(root), "--as-of", BASE_AS_OF, "--format", "json")
    e002 = [f for f in json.loads(out)["findings"] if f["code"] == "E002"]
    assert e002 and "in quotes below 1000" in e002[0]["message"]


def test_period_units() -> None:
    assert str(Period(1, 1)) == "0001-Q1" and str(Period(42)) == "0042"
    assert Period.parse("0001-Q1") == Period(1, 1)
    assert Period.parse("9998-Q4").end() == dt.date(9998, 12, 31)
    with pytest.raises(ValueError, match="years 1 to 9998"):
        Period.parse("9999-Q1")
    assert Period(0, 4).end() == dt.date.min  # the quarter before 0001-Q1: clamped, no crash
    assert Period(9999, 4).end(4) == dt.date.max
