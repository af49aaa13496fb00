"""SPEC 4 pinned on hand-computed cases, plus property tests of the maths."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from okrbsc.errors import UsageError as PeriodError
from okrbsc.render.score import to_json
from okrbsc.scoring.engine import (
    at_risk,
    current_value,
    expected_progress,
    grade,
    pace,
    progress,
    score_period,
    weighted_mean,
)
from okrbsc.session import resolve_period
from okrbsc.strategy.measures import Status, achievement, actual_for, red_flag, status
from okrbsc.strategy.models import Bands, KeyResult, Measure
from okrbsc.strategy.periods import FiscalCalendar, Period
from okrbsc.strategy.repo import Repo

from .conftest import EXAMPLES

D = dt.date

CAL = FiscalCalendar(1)


def kr(**fields: Any) -> KeyResult:
    base: dict[str, Any] = {"title": "x", "start": 0, "target": 10}
    base.update(fields)
    return KeyResult.model_validate(base)


# --- 4.1 key results -------------------------------------------------------------


def test_current_is_latest_checkin_on_or_before_as_of() -> None:
    k = kr(
        current=4,
        checkins=[
            {"date": D(2026, 7, 6), "value": 2},
            {"date": D(2026, 7, 13), "value": 3},
            {"date": D(2026, 7, 13), "value": 5},  # same date: the later in the file wins
            {"date": D(2026, 7, 20), "value": 9},  # after as-of: ignored
        ],
    )
    assert current_value(k, D(2026, 7, 14)) == 5
    assert current_value(k, D(2026, 7, 1)) == 4  # no check-in yet: `current`
    assert current_value(kr(), D(2026, 7, 1)) == 0  # neither: start


def test_progress_may_leave_zero_one_but_score_is_clamped(tmp_path: Path) -> None:
    assert progress(kr(), 12) == pytest.approx(1.2)
    assert progress(kr(), -2) == pytest.approx(-0.2)
    assert progress(kr(start=90, target=60), 75) == pytest.approx(0.5)  # lower is better


def test_keep_a_level() -> None:
    up = kr(start=99, target=99, direction="up")
    down = kr(start=5, target=5, direction="down")
    assert (progress(up, 99.5), progress(up, 98)) == (1.0, 0.0)
    assert (progress(down, 4), progress(down, 6)) == (1.0, 0.0)


def test_binary() -> None:
    b = kr(
        kind="binary",
        start=None,
        target=None,
        done=True,
        checkins=[{"date": D(2026, 7, 6), "value": 0}],
    )
    assert current_value(b, D(2026, 7, 10)) is False  # the check-in wins over `done`
    assert current_value(b, D(2026, 7, 1)) is True
    assert progress(b, True) == 1.0 and progress(b, False) == 0.0


def test_at_risk() -> None:
    assert at_risk([0.39]) and not at_risk([0.4])
    assert at_risk([0.7, 0.4])  # a fall of exactly 0.3 (despite float error)
    assert not at_risk([0.7, 0.41])
    assert not at_risk([])


def test_expected_progress_and_pace() -> None:
    q3 = Period(2026, 3)
    assert expected_progress(q3, D(2026, 7, 1), CAL) == pytest.approx(1 / 92)
    assert expected_progress(q3, D(2026, 8, 15), CAL) == pytest.approx(46 / 92)
    assert expected_progress(q3, D(2026, 6, 1), CAL) == 0.0
    assert expected_progress(q3, D(2026, 12, 1), CAL) == 1.0
    assert pace(0.95, 1.0) == "on_track"
    assert pace(0.75, 1.0) == "behind"
    assert pace(0.7499, 1.0) == "off_track"


def test_grades_at_the_boundaries() -> None:
    aspirational, committed = Bands(green=0.7, yellow=0.4), Bands(green=1.0, yellow=0.7)
    assert [grade(s, aspirational) for s in (0.7, 0.6999, 0.4, 0.3999)] == [
        "green",
        "yellow",
        "yellow",
        "red",
    ]
    assert [grade(s, committed) for s in (1.0, 0.99, 0.7, 0.69)] == [
        "green",
        "yellow",
        "yellow",
        "red",
    ]
    assert grade(0.1 + 0.2 + 0.4, aspirational) == "green"  # 0.7000000000000001 and 0.69999...


# --- 4.4 scorecard measures ------------------------------------------------------


def measure(**fields: Any) -> Measure:
    base: dict[str, Any] = {"id": "m", "name": "m"}
    base.update(fields)
    return Measure.model_validate(base)


def test_actual_is_latest_ending_on_or_before_the_period_end() -> None:
    m = measure(target=52, actuals={"2026-Q1": 42, 2025: 40, "2026-Q3": 47, "2026-Q2": 45})
    assert actual_for(m, Period(2026, 2), CAL) == 45
    assert actual_for(m, Period(2026, 4), CAL) == 47
    assert actual_for(m, Period(2025, 4), CAL) == 40  # the year 2025 ends with its Q4
    assert actual_for(m, Period(2025, 3), CAL) is None


def test_measure_status_red_flag_and_achievement() -> None:
    m = measure(baseline=40, target=52, red_flag=44)
    assert [status(m, a, 0.1) for a in (52, 45, 44, 30, None)] == [
        Status.GREEN,
        Status.AMBER,
        Status.RED,
        Status.RED,
        Status.UNKNOWN,
    ]
    assert achievement(m, 45, 0.1) == pytest.approx(1 / 8)
    assert achievement(m, 60, 0.1) == 1.0 and achievement(m, 40, 0.1) == 0.0
    down = measure(baseline=30, target=10)  # inferred down; red flag = baseline
    assert red_flag(down, 0.1) == 30 and status(down, 20, 0.1) is Status.AMBER
    bare = measure(target=50)  # no baseline: target -/+ 10%
    assert red_flag(bare, 0.1) == pytest.approx(45)
    assert red_flag(measure(target=50, direction="down"), 0.1) == pytest.approx(55)


# --- roll-ups on a small repo ----------------------------------------------------


CONFIG = """organisation: T
fiscal_year_start: 4
confidence_scale: 10
teams: [{id: a}, {id: b}]
scoring: {aspirational: {green: 0.7, yellow: 0.4}, committed: {green: 1.0, yellow: 0.7}}
"""
SCORECARD = """kind: scorecard
objectives:
  - {id: F1, perspective: financial, title: Money, measures: [{id: F1-m, name: m, baseline: 0, target: 10, actuals: {2026-Q3: 5}}]}
  - {id: C1, perspective: customer, title: Happy, drives: [F1], measures: [{id: C1-m, name: m, baseline: 0, target: 10, actuals: {2026-Q2: 10}}]}
"""
TEAM_A = """kind: okrs
team: a
period: 2026-Q3
objectives:
  - id: A1
    title: First
    weight: 3
    aligns_to: [F1]
    key_results:
      - {id: K1, title: k, start: 0, target: 10, weight: 1, checkins: [{date: 2026-10-05, value: 5, confidence: 8}, {date: 2026-10-12, value: 8, confidence: 5}]}
      - {id: K2, title: k, start: 0, target: 10, weight: 3, current: 12}
  - id: A2
    title: Second
    type: committed
    score: 0.9
    aligns_to: [C1]
    key_results:
      - {id: K3, title: k, start: 0, target: 10, score: 0.2}
"""
TEAM_B = """kind: okrs
team: b
period: 2026-Q3
objectives:
  - id: B1
    title: Third
    aligns_to: [A1]
    key_results:
      - {id: K4, title: k, kind: binary, done: true}
"""


@pytest.fixture
def small(tmp_path: Path) -> Repo:
    (tmp_path / "okrs/2026/Q3").mkdir(parents=True)
    (tmp_path / "okrbsc.yaml").write_text(CONFIG)
    (tmp_path / "scorecard.yaml").write_text(SCORECARD)
    (tmp_path / "okrs/2026/Q3/b.yaml").write_text(TEAM_B)  # b's file sorts first
    (tmp_path / "okrs/2026/Q3/a.yaml").write_text(TEAM_A)
    return Repo.open(tmp_path, D(2026, 11, 15))


def test_recorded_scores_win_from_the_last_day(small: Repo) -> None:
    """SPEC 14.2: on 2026-12-31 (FY from April: 2026-Q3's last day) A2's 0.9 and
    K3's 0.2 are in force; pace still comes from progress."""
    import dataclasses

    result = score_period(dataclasses.replace(small, as_of=D(2026, 12, 31)), Period(2026, 3))
    a1, a2 = result.teams[0].objectives
    assert a2.score == 0.9 and a2.key_results[0].score == 0.2 and a2.recorded
    assert a2.grade == "yellow"  # committed bands
    assert a2.key_results[0].pace == "off_track"  # a recorded score does not change pace
    assert a2.pace == "off_track"  # the computed score (0.0), never the recorded one
    assert result.teams[0].score == pytest.approx((a1.score * 3 + 0.9 * 1) / 4)
    assert {p.id: p for p in result.perspectives}["customer"].okr_score == 0.9


def test_rollups_by_hand(small: Repo) -> None:
    result = score_period(small, Period(2026, 3))
    # FY starts in April: 2026-Q3 is 2026-10-01..2026-12-31, day 46 of 92 at as-of
    assert result.expected == pytest.approx(46 / 92)
    assert [t.team for t in result.teams] == ["a", "b"]  # config order, not file order
    a1, a2 = result.teams[0].objectives
    k1, k2 = a1.key_results
    assert (k1.current, k1.score, k1.confidence) == (8.0, 0.8, 0.5)
    assert k1.at_risk  # confidence fell from 0.8 to 0.5 (scale 10)
    assert (k2.progress, k2.score) == (pytest.approx(1.2), 1.0)
    assert a1.score == pytest.approx((0.8 * 1 + 1.0 * 3) / 4)
    # recorded scores are not in force before the last day (SPEC 14.2): K3 has no data
    assert (a2.score, a2.recorded, a2.recorded_score) == (0.0, False, 0.9)
    assert (a2.key_results[0].score, a2.key_results[0].recorded_score) == (0.0, 0.2)
    assert a2.grade == "red" and a2.pace == "no_data"  # committed bands
    assert a2.key_results[0].pace == "no_data"
    team_a = (a1.score * 3 + 0.0 * 1) / 4
    assert result.teams[0].score == pytest.approx(team_a)
    b1 = result.teams[1].objectives[0]
    assert b1.score == 1.0 and b1.perspectives == ("financial",)  # via A1 -> F1
    assert result.score == pytest.approx((a1.score * 3 + 0.0 + 1.0) / 5)
    persp = {p.id: p for p in result.perspectives}
    assert persp["financial"].okr_score == pytest.approx((a1.score + 1.0) / 2)
    assert persp["customer"].okr_score == 0.0
    assert persp["learning"].okr_score is None and persp["learning"].status == "unknown"
    assert (persp["financial"].achievement, persp["financial"].status) == (0.5, "amber")
    assert (persp["customer"].achievement, persp["customer"].status) == (1.0, "green")


def test_json_shape(small: Repo) -> None:
    data = to_json(score_period(small, Period(2026, 3)))
    assert {"period", "as_of", "score", "teams", "perspectives", "scorecard"} <= set(data)
    kr_json = data["teams"][1]["objectives"][0]["key_results"][0]
    assert kr_json["start"] is None and kr_json["target"] is None and kr_json["current"] is True
    spec_kr = {
        "id",
        "start",
        "target",
        "current",
        "progress",
        "score",
        "grade",
        "confidence",
        "at_risk",
        "expected",
        "pace",
    }
    assert spec_kr <= set(data["teams"][0]["objectives"][0]["key_results"][0])
    assert {"id", "okr_score", "achievement", "status"} <= set(data["perspectives"][0])
    assert {"id", "actual", "target", "red_flag", "achievement", "status"} <= set(
        data["scorecard"][0]["measures"][0]
    )


def test_resolve_period(small: Repo) -> None:
    assert resolve_period(small, None) == Period(2026, 3)
    assert resolve_period(small, "Q3") == Period(2026, 3)
    assert resolve_period(small, "2026-Q3") == Period(2026, 3)
    for bad in ("2026-Q5", "banana"):
        with pytest.raises(PeriodError):
            resolve_period(small, bad)
    # SPEC 10.1: with a scorecard, a period without OKR files is the scorecard alone;
    # FY starts in April, so the latest Q4 started by 2026-11-15 is 2026-01..03
    assert resolve_period(small, "Q4") == Period(2025, 4)
    assert resolve_period(small, "2025") == Period(2025)
    (small.root / "scorecard.yaml").unlink()
    okrs_only = Repo.open(small.root, small.as_of)
    for bad in ("Q4", "2026-Q4", "2025"):
        with pytest.raises(PeriodError):
            resolve_period(okrs_only, bad)


def test_bare_quarter_is_the_latest_started() -> None:
    repo = Repo.open(EXAMPLES, D(2026, 11, 20))
    assert resolve_period(repo, "Q3") == Period(2026, 3)
    assert resolve_period(repo, None) == Period(2026, 4)
    early = Repo.open(EXAMPLES, D(2026, 9, 1))
    assert resolve_period(early, None) == Period(2026, 3)
    # 2026-Q4 has OKR files but has not started: the latest started Q4 is 2025's
    # (no OKR files; the examples' scorecard alone, SPEC 10.1)
    assert resolve_period(early, "Q4") == Period(2025, 4)


# --- properties -------------------------------------------------------------------

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(finite, finite, finite)
def test_score_is_always_in_zero_one(start: float, target: float, current: float) -> None:
    k = kr(start=start, target=target, direction="up")
    value = progress(k, current)
    assert math.isfinite(value)
    assert 0.0 <= min(1.0, max(0.0, value)) <= 1.0


@settings(max_examples=300, deadline=None)
@given(finite, finite, finite, finite)
def test_monotonic_in_current(start: float, target: float, a: float, b: float) -> None:
    if abs(target - start) < 1e-6:
        return
    low, high = sorted((a, b))
    k = kr(start=start, target=target)
    up = target > start
    assert (
        (progress(k, low) <= progress(k, high)) if up else (progress(k, low) >= progress(k, high))
    )


@settings(max_examples=300, deadline=None)
@given(finite, finite, finite)
def test_up_down_symmetry(start: float, target: float, current: float) -> None:
    if abs(target - start) < 1e-3:
        return
    mirrored = progress(kr(start=-start, target=-target), -current)
    assert mirrored == pytest.approx(progress(kr(start=start, target=target), current), abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0, 1), st.floats(0.01, 100)), min_size=1, max_size=8),
    st.floats(0.01, 1000),
)
def test_weight_invariance(pairs: list[tuple[float, float]], k: float) -> None:
    scaled = [(v, w * k) for v, w in pairs]
    assert weighted_mean(scaled) == pytest.approx(weighted_mean(pairs), abs=1e-9)


def test_extreme_ranges_stay_finite() -> None:
    assert progress(kr(start=0.0, target=2.2250738585e-313), 1.0) == 1e9  # found by hypothesis
    assert progress(kr(start=-1e308, target=1e308), 0.0) == pytest.approx(0.5)
    assert progress(kr(start=-1e308, target=1e308), 1e308) == 1.0
    assert progress(kr(start=1e308, target=-1e308), -1e308) == 1.0


def test_checkin_discipline_counts_weeks_with_a_checkin() -> None:
    from okrbsc.scoring.engine import weeks

    q3 = Period(2026, 3)  # starts Wednesday 2026-07-01; week n is days 7n..7n+6
    dates = [D(2026, 7, 1), D(2026, 7, 6), D(2026, 7, 20), D(2026, 8, 30)]
    assert weeks(q3, D(2026, 7, 21), CAL, dates) == (2, 3)  # weeks 0 and 2 of 3 complete weeks
    assert weeks(q3, D(2026, 7, 19), CAL, dates) == (1, 2)  # week 2 under way, no check-in yet
    assert weeks(q3, D(2026, 7, 20), CAL, dates) == (2, 3)  # week 2 under way, checked in
    assert weeks(q3, D(2026, 6, 30), CAL, dates) == (0, 0)  # not started
    assert weeks(q3, D(2027, 1, 1), CAL, dates) == (3, 13)  # 92 days: 13 weeks and a day


def test_team_discipline_in_json(small: Repo) -> None:
    data = to_json(score_period(small, Period(2026, 3)))
    team_a = data["teams"][0]
    # Q3 of an April fiscal year starts 2026-10-01; as of 2026-11-15 six weeks are over.
    # K1 has check-ins in weeks 0 (10-05) and 1 (10-12); K2 and K3 have none.
    assert [k["weeks_checked"] for o in team_a["objectives"] for k in o["key_results"]] == [2, 0, 0]
    assert team_a["discipline"] == pytest.approx(2 / 18)
