"""SPEC 10.2: fiscal years named by the year they end, and the `FY` spellings."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app
from okrbsc.strategy.periods import FiscalCalendar, Period

from .conftest import TESTS, run_cli

FY_END = TESTS / "fixtures" / "fy-end"
AS_OF = "2020-03-15"


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("FY2021", Period(2021)),
        ("FY21", Period(2021)),
        ("fy21", Period(2021)),
        ("FY2021-Q1", Period(2021, 1)),
        ("FY21-Q1", Period(2021, 1)),
        ("FY21 Q1", Period(2021, 1)),
        ("fy21 q4", Period(2021, 4)),
        ("2021-q2", Period(2021, 2)),
        (2021, Period(2021)),
    ],
)
def test_fy_spellings(text: object, period: Period) -> None:
    assert Period.parse(text) == period
    assert str(Period.parse(text)) == str(period)  # output is always canonical


@pytest.mark.parametrize("bad", ["FY1", "FY202", "FY21Q1", "FY21-Q5", "F21", "FY21 - Q1"])
def test_bad_fy_spellings(bad: str) -> None:
    with pytest.raises(ValueError, match="FY26-Q3"):
        Period.parse(bad)


# fiscal_year_start 2, named by its end: FY2021 runs 2020-02-01 to 2021-01-31
FEB_END = [
    (Period(2021), dt.date(2020, 2, 1), dt.date(2021, 1, 31)),
    (Period(2021, 1), dt.date(2020, 2, 1), dt.date(2020, 4, 30)),
    (Period(2021, 2), dt.date(2020, 5, 1), dt.date(2020, 7, 31)),
    (Period(2021, 3), dt.date(2020, 8, 1), dt.date(2020, 10, 31)),
    (Period(2021, 4), dt.date(2020, 11, 1), dt.date(2021, 1, 31)),
]
# fiscal_year_start 10, named by its end: FY2021 runs 2020-10-01 to 2021-09-30
OCT_END = [
    (Period(2021), dt.date(2020, 10, 1), dt.date(2021, 9, 30)),
    (Period(2021, 1), dt.date(2020, 10, 1), dt.date(2020, 12, 31)),
    (Period(2021, 2), dt.date(2021, 1, 1), dt.date(2021, 3, 31)),
    (Period(2021, 3), dt.date(2021, 4, 1), dt.date(2021, 6, 30)),
    (Period(2021, 4), dt.date(2021, 7, 1), dt.date(2021, 9, 30)),
]


@pytest.mark.parametrize(("month", "table"), [(2, FEB_END), (10, OCT_END)])
def test_named_by_end_places_every_quarter(month: int, table: list) -> None:
    cal = FiscalCalendar(month, "end")
    for period, first, last in table:
        assert (cal.start(period), cal.end(period)) == (first, last)
        if period.is_quarter:  # both sides of each boundary
            before, after = first - dt.timedelta(days=1), last + dt.timedelta(days=1)
            assert cal.quarter_of(first) == period and cal.quarter_of(last) == period
            assert cal.quarter_of(before) != period and cal.quarter_of(after) != period
            assert not cal.contains(period, before) and not cal.contains(period, after)
    # the day before FY2021-Q1 is the last day of FY2020-Q4
    assert cal.quarter_of(table[1][1] - dt.timedelta(days=1)) == Period(2020, 4)


def test_january_start_names_the_calendar_year_either_way() -> None:
    for named_by in ("start", "end"):
        cal = FiscalCalendar(1, named_by)
        assert cal.start(Period(2021, 1)) == dt.date(2021, 1, 1)
        assert cal.end(Period(2021)) == dt.date(2021, 12, 31)
        assert cal.quarter_of(dt.date(2021, 12, 31)) == Period(2021, 4)


def test_named_by_start_is_unchanged() -> None:
    cal = FiscalCalendar(2)
    assert cal.start(Period(2021, 1)) == dt.date(2021, 2, 1)
    assert cal.end(Period(2021)) == dt.date(2022, 1, 31)


@pytest.fixture
def fy_repo(tmp_path: Path) -> Path:
    dest = tmp_path / "fy"
    shutil.copytree(FY_END, dest)
    return dest


def test_fixture_lints_scores_shows_and_reports(tmp_path: Path) -> None:
    repo = str(FY_END)
    assert run_cli("lint", "--repo", repo, "--as-of", AS_OF).returncode == 0
    proc = run_cli("score", "FY21-Q1", "--repo", repo, "--as-of", AS_OF, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["period"] == "2021-Q1"
    # day 44 of 90 (2020-02-01 .. 2020-03-15 in a leap year; Feb+Mar+Apr 2020 = 90 days)
    assert data["expected"] == pytest.approx(44 / 90)
    krs = {k["id"]: k for o in data["teams"][0]["objectives"] for k in o["key_results"]}
    assert krs["ST1.1"]["progress"] == pytest.approx((24 - 30) / (15 - 30))  # 0.4
    # actuals keyed FY2020, "FY21 Q1", fy21-q2: the quarter reads FY21 Q1 (2.1), not FY21-Q2
    f1 = data["scorecard"][0]["measures"][0]
    assert f1["actual"] == pytest.approx(2.1)
    status = run_cli("status", "fy21 q1", "--repo", repo, "--as-of", AS_OF)
    assert status.returncode == 0, status.stderr
    assert status.stdout.startswith("2021-Q1 · as of 2020-03-15 · day 44 of 90")
    out = tmp_path / "reports"
    rep = run_cli("report", "FY2021-Q1", "--repo", repo, "--as-of", AS_OF, "--out", str(out))
    assert rep.returncode == 0, rep.stderr
    assert (out / "2021-Q1.md").is_file() and (out / "2021-Q1.html").is_file()


@pytest.mark.parametrize("spelling", ["FY21-Q1", "FY2021-Q1", "FY21 Q1", "fy21-q1", "2021-Q1"])
def test_every_spelling_on_the_command_line(runner: CliRunner, spelling: str) -> None:
    result = runner.invoke(
        app, ["score", spelling, "--repo", str(FY_END), "--as-of", AS_OF, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["period"] == "2021-Q1"


def test_checkins_outside_the_quarter_by_its_end_naming(fy_repo: Path, runner: CliRunner) -> None:
    path = fy_repo / "okrs" / "FY21" / "Q1" / "stores.yaml"
    text = path.read_text()
    # 2020-01-31 is FY2020-Q4 and 2020-05-01 is FY2021-Q2: both outside FY21-Q1
    text = text.replace("{date: 2020-02-01, value: 29", "{date: 2020-01-31, value: 29")
    text = text.replace("{date: 2020-04-30, value: 18", "{date: 2020-05-01, value: 18")
    path.write_text(text)
    result = runner.invoke(app, ["lint", "--repo", str(fy_repo), "--as-of", "2020-05-02"])
    assert result.exit_code == 1
    e006 = [line for line in result.output.splitlines() if " E006 " in line]
    assert len(e006) == 2
    assert "2020-01-31 lies outside 2021-Q1 (2020-02-01 to 2020-04-30)" in e006[0]
    assert "2020-05-01 lies outside 2021-Q1" in e006[1]


def test_folder_and_period_spellings_compare_as_periods(fy_repo: Path, runner: CliRunner) -> None:
    path = fy_repo / "okrs" / "FY21" / "Q1" / "stores.yaml"
    ok = runner.invoke(app, ["lint", "--repo", str(fy_repo), "--as-of", AS_OF])
    assert ok.exit_code == 0 and "E006" not in ok.output  # FY21/Q1 folder, period FY21-Q1
    path.write_text(path.read_text().replace("period: FY21-Q1", "period: FY21 Q2"))
    bad = runner.invoke(app, ["lint", "--repo", str(fy_repo), "--as-of", AS_OF])
    assert bad.exit_code == 1
    assert "period 2021-Q2 does not match the folder, which holds 2021-Q1" in bad.output


def test_named_by_must_be_start_or_end(fy_repo: Path, runner: CliRunner) -> None:
    cfg = fy_repo / "okrbsc.yaml"
    cfg.write_text(
        cfg.read_text().replace("fiscal_year_named_by: end", "fiscal_year_named_by: ending")
    )
    result = runner.invoke(app, ["lint", "--repo", str(fy_repo), "--as-of", AS_OF])
    assert result.exit_code == 1
    assert "okrbsc.yaml:4:" in result.output and "E002" in result.output
