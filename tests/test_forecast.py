"""The forecast of SPEC 9.2: hand-computed lines, properties, and `score --format json`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from okrbsc.cli import app
from okrbsc.scoring.forecast import forecast, least_squares_at

D = dt.date.fromisoformat
START, END = D("2026-07-01"), D("2026-09-30")  # day 0 .. day 91


def test_two_points_make_the_line() -> None:
    # +10 in 10 days: 1 a day; day 91 is 10 + 91
    points = [(D("2026-07-01"), 10.0), (D("2026-07-11"), 20.0)]
    assert forecast(points, START, END, END) == pytest.approx(101.0)


def test_three_points_with_noise() -> None:
    # x 0, 10, 20; y 10, 22, 30: mean x 10, mean y 62/3, Sxx 200, Sxy 200 -> slope 1
    points = [(D("2026-07-01"), 10.0), (D("2026-07-11"), 22.0), (D("2026-07-21"), 30.0)]
    assert forecast(points, START, END, END) == pytest.approx(62 / 3 + 81)


def test_flat_line_stays_flat() -> None:
    points = [(D("2026-07-06"), 5.0), (D("2026-07-13"), 5.0), (D("2026-08-03"), 5.0)]
    assert forecast(points, START, END, END) == pytest.approx(5.0)


def test_downward_line() -> None:
    # -10 a week from 100 at day 5: at day 91, 100 - 86 * 10 / 7
    points = [(D("2026-07-06"), 100.0), (D("2026-07-13"), 90.0), (D("2026-07-20"), 80.0)]
    assert forecast(points, START, END, END) == pytest.approx(100 - 86 * 10 / 7)


def test_fewer_than_two_dates_is_none() -> None:
    assert forecast([], START, END, END) is None
    assert forecast([(D("2026-07-06"), 3.0)], START, END, END) is None
    same_day = [(D("2026-07-06"), 3.0), (D("2026-07-06"), 4.0)]
    assert forecast(same_day, START, END, END) is None


def test_only_checkins_inside_the_period_and_up_to_as_of_count() -> None:
    points = [
        (D("2026-06-20"), 1000.0),  # before the period
        (D("2026-07-01"), 10.0),
        (D("2026-07-11"), 20.0),
        (D("2026-08-01"), -500.0),  # after as-of
    ]
    assert forecast(points, START, END, D("2026-07-20")) == pytest.approx(101.0)
    assert forecast(points, START, END, D("2026-07-05")) is None  # one date left


def test_huge_values_do_not_overflow() -> None:
    assert least_squares_at([(0.0, 1e300), (1.0, 1e300)], 2.0) == pytest.approx(1e300)
    assert least_squares_at([(0.0, -1e308), (1.0, 1e308)], 100.0) is None


@given(
    a=st.floats(-1e6, 1e6),
    b=st.floats(-1e3, 1e3),
    days=st.lists(st.integers(0, 91), min_size=2, max_size=15, unique=True),
)
def test_checkins_on_a_line_forecast_that_line(a: float, b: float, days: list[int]) -> None:
    points = [(START + dt.timedelta(days=d), a + b * d) for d in days]
    expected = a + b * 91
    assert forecast(points, START, END, END) == pytest.approx(expected, rel=1e-6, abs=1e-4)


def _kr(payload: dict[str, object], ident: str) -> dict[str, object]:
    for team in payload["teams"]:  # type: ignore[attr-defined]
        for obj in team["objectives"]:
            for kr in obj["key_results"]:
                if kr["id"] == ident:
                    return kr  # type: ignore[no-any-return]
    raise AssertionError(ident)


def test_score_json_has_forecast(base_repo: Path) -> None:
    sales = base_repo / "okrs/2026/Q3/sales.yaml"
    text = sales.read_text()
    text = text.replace(
        "          - {date: 2026-07-13, value: 2.4, confidence: 0.6}\n",
        "          - {date: 2026-07-13, value: 2.4, confidence: 0.6}\n"
        "          - {date: 2026-07-20, value: 2.6, confidence: 0.6}\n",
    )
    sales.write_text(text)
    result = CliRunner().invoke(
        app, ["score", "2026-Q3", "--repo", str(base_repo), "--as-of", "2026-07-25", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    kr = _kr(payload, "S1.1")
    # x = 5, 12, 19 (days from 2026-07-01); y = 2.1, 2.4, 2.6: Sxx = 98, Sxy = 3.5
    slope = 3.5 / 98
    value = 7.1 / 3 + slope * (91 - 12)
    assert kr["forecast"] == pytest.approx(value)
    assert kr["forecast_progress"] == pytest.approx((value - 2.0) / 1.5)
    assert _kr(payload, "S1.2")["forecast"] is None  # no check-in at all
    binary = _kr(payload, "S2.3")
    assert binary["kind"] == "binary"
    assert binary["forecast"] is None and binary["forecast_progress"] is None


def test_status_and_report_show_the_forecast(base_repo: Path, tmp_path: Path) -> None:
    args = ["--repo", str(base_repo), "--as-of", "2026-07-25"]
    status = CliRunner().invoke(app, ["status", "2026-Q3", *args], env={"COLUMNS": "200"})
    assert status.exit_code == 0, status.output
    assert "now → end" in status.output
    # x = 5, 12; y = 2.1, 2.4: slope 0.3/7; at day 91: 2.1 + 86 * 0.3 / 7 = 5.79, progress (5.79 - 2) / 1.5 = 252%
    assert "27% → 252%" in status.output  # today's progress, then the forecast's
    out = tmp_path / "out"
    report = CliRunner().invoke(app, ["report", "2026-Q3", *args, "--out", str(out)])
    assert report.exit_code == 0, report.output
    md = (out / "2026-Q3.md").read_text()
    row = next(line for line in md.splitlines() if line.startswith("| S1.1 "))
    assert "→ 252% at end" in row
    html = (out / "2026-Q3.html").read_text()
    assert "forecast at the end 252%" in html and "→ 252% at end (5.79)" in html
