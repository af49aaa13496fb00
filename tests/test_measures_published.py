"""SPEC 10.6: measures as published -- bands relative to the target, a trajectory
of period targets, recorded traffic-light ratings -- on hand-computed numbers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app
from okrbsc.strategy.measures import Status, assess
from okrbsc.strategy.models import Measure
from okrbsc.strategy.periods import FiscalCalendar, Period

from .conftest import BASE_AS_OF, run_cli

CAL = FiscalCalendar(1)
Q1, Q2, Q3, Q4 = (Period(2026, q) for q in (1, 2, 3, 4))


def measure(**fields: Any) -> Measure:
    return Measure.model_validate({"id": "m", "name": "m", **fields})


def at(m: Measure, actual: float, period: Period = Q3) -> tuple[Status, float | None]:
    found = assess(
        Measure.model_validate({**m.model_dump(), "actuals": {str(period): actual}}),
        period,
        CAL,
        0.1,
    )
    return found.status, found.achievement


# --- bands ---------------------------------------------------------------------------

# up: target 100, green 0.05, red 0.2 -> green down to 95 (miss 5), red flag 80;
# achievement = (actual - 80) / (100 - 80)
UP = measure(target=100, bands={"green": 0.05, "red": 0.2})
UP_CASES = [
    (105, Status.GREEN, 1.0),  # beats the target: clamped
    (100, Status.GREEN, 1.0),  # meets it
    (96, Status.GREEN, 0.8),  # inside the green band: misses by 4 <= 5
    (95, Status.GREEN, 0.75),  # on the green edge: misses by exactly 5
    (94.9, Status.AMBER, 0.745),  # just beyond it
    (80.1, Status.AMBER, 0.005),  # just inside the red edge
    (80, Status.RED, 0.0),  # on the red edge: misses by exactly 20
    (70, Status.RED, 0.0),  # beyond it
]

# down: target 10 (days), green 0.1, red 0.5 -> green up to 11, red flag 15;
# achievement = (actual - 15) / (10 - 15)
DOWN = measure(target=10, direction="down", bands={"green": 0.1, "red": 0.5})
DOWN_CASES = [
    (9, Status.GREEN, 1.0),
    (11, Status.GREEN, 0.8),  # green edge: (11 - 15) / -5
    (11.5, Status.AMBER, 0.7),
    (14.9, Status.AMBER, 0.02),
    (15, Status.RED, 0.0),  # red edge
    (18, Status.RED, 0.0),
]

# a negative target: bands are fractions of |target|. target -20, up, green 0.1,
# red 0.5 -> green down to -22, red flag -30
NEG = measure(target=-20, direction="up", bands={"green": 0.1, "red": 0.5})
NEG_CASES = [(-22, Status.GREEN, 0.8), (-23, Status.AMBER, 0.7), (-30, Status.RED, 0.0)]


@pytest.mark.parametrize(
    ("m", "actual", "expected", "achieved"),
    [(UP, *c) for c in UP_CASES]
    + [(DOWN, *c) for c in DOWN_CASES]
    + [(NEG, *c) for c in NEG_CASES],
)
def test_bands_at_inside_and_beyond_their_edges(
    m: Measure, actual: float, expected: Status, achieved: float
) -> None:
    got, achievement = at(m, actual)
    assert got is expected
    assert achievement == pytest.approx(achieved)


def test_bands_set_a_derived_red_flag_even_with_a_baseline() -> None:
    m = measure(baseline=60, target=100, bands={"green": 0.05, "red": 0.2})
    found = assess(m, Q3, CAL, 0.1)
    assert found.goal.red_flag == pytest.approx(80) and found.goal.derived
    assert found.status is Status.UNKNOWN  # no actual
    written = assess(measure(baseline=60, target=100), Q3, CAL, 0.1)
    assert written.goal.red_flag == 60 and not written.goal.derived


def test_equal_bands_leave_no_amber() -> None:
    m = measure(target=100, bands={"green": 0.1, "red": 0.1})  # green to 90, red at 90
    assert at(m, 90)[0] is Status.GREEN  # green wins on the shared edge
    assert at(m, 89.9)[0] is Status.RED


# --- a trajectory of targets ---------------------------------------------------------

# the year's goal is 100; the trajectory asks 70, 80, 90 of the first three quarters.
# No baseline: the red flag is the period's target - 10%.
TRAJECTORY = {"2026-Q1": 70, "2026-Q2": 80, "2026-Q3": 90}


def test_on_its_trajectory_a_measure_is_green_before_the_year_ends() -> None:
    m = measure(target=100, targets=TRAJECTORY, actuals={"2026-Q1": 71, "2026-Q2": 81})
    q2 = assess(m, Q2, CAL, 0.1)
    assert q2.goal.target == 80 and q2.goal.red_flag == pytest.approx(72)
    assert q2.status is Status.GREEN and q2.achievement == 1.0  # 81 >= 80
    flat = assess(measure(target=100, actuals={"2026-Q2": 81}), Q2, CAL, 0.1)
    assert flat.status is Status.RED  # against December's 100 (red flag 90) it would be red
    # Q3: no new actual; 81 carries forward and, as SPEC 15.3 says, keeps the target of
    # its own period, Q2's 80: still green
    q3 = assess(m, Q3, CAL, 0.1)
    assert q3.goal.target == 80 and q3.actual == 81 and q3.status is Status.GREEN
    # Q4 with no actual of any period after Q2: the same
    assert assess(m, Q4, CAL, 0.1).goal.target == 80
    # no actual at all: the chain applied to the scored period; Q4 has no entry: `target`
    bare = measure(target=100, targets=TRAJECTORY)
    assert assess(bare, Q3, CAL, 0.1).goal.target == 90
    assert assess(bare, Q4, CAL, 0.1).goal.target == 100
    assert assess(bare, Period(2025, 4), CAL, 0.1).goal.target == 100


def test_off_its_trajectory_a_measure_is_amber() -> None:
    m = measure(target=100, targets=TRAJECTORY, actuals={"2026-Q2": 75})
    q2 = assess(m, Q2, CAL, 0.1)
    # target 80, red flag 72: (75 - 72) / (80 - 72) = 0.375
    assert q2.status is Status.AMBER and q2.achievement == pytest.approx(0.375)


def test_bands_follow_the_trajectory() -> None:
    # Q2's target 80 with green 0.05, red 0.25: green down to 76, red flag 60
    m = measure(target=100, targets=TRAJECTORY, bands={"green": 0.05, "red": 0.25})
    assert at(m, 77, Q2) == (Status.GREEN, pytest.approx(0.85))  # (77 - 60) / 20
    assert at(m, 75, Q2) == (Status.AMBER, pytest.approx(0.75))
    assert at(m, 60, Q2) == (Status.RED, 0.0)


# --- ratings -------------------------------------------------------------------------


def test_a_rating_without_an_actual() -> None:
    m = measure(ratings={"2026-Q1": "amber", "2026-Q2": "green"})  # no target at all
    q2 = assess(m, Q2, CAL, 0.1)
    assert (q2.status, q2.achievement, q2.rating) == (Status.GREEN, None, "green")
    assert assess(m, Q1, CAL, 0.1).status is Status.AMBER
    assert assess(m, Q3, CAL, 0.1).status is Status.GREEN  # Q2's light carries forward
    assert assess(m, Period(2025, 4), CAL, 0.1).status is Status.UNKNOWN


def test_a_rating_with_an_actual_of_its_period() -> None:
    # target 100, red flag 80, actual 85: computed amber, achievement (85-80)/20 = 0.25
    m = measure(target=100, red_flag=80, actuals={"2026-Q2": 85}, ratings={"2026-Q2": "green"})
    q2 = assess(m, Q2, CAL, 0.1)
    assert (q2.status, q2.rating) == (Status.GREEN, "green")  # the published light wins
    assert q2.achievement == pytest.approx(0.25)  # the period is known by its number too


def test_a_later_actual_wins_over_an_older_rating() -> None:
    m = measure(target=100, red_flag=80, actuals={"2026-Q3": 85}, ratings={"2026-Q2": "green"})
    q3 = assess(m, Q3, CAL, 0.1)
    assert (q3.status, q3.rating, q3.achievement) == (Status.AMBER, None, pytest.approx(0.25))
    q2 = assess(m, Q2, CAL, 0.1)  # Q2 is known only by its rating
    assert (q2.status, q2.achievement) == (Status.GREEN, None)


def test_a_later_rating_wins_over_an_older_actual() -> None:
    m = measure(target=100, red_flag=80, actuals={"2026-Q1": 99}, ratings={"2026-Q2": "red"})
    q2 = assess(m, Q2, CAL, 0.1)
    assert (q2.status, q2.achievement, q2.actual) == (Status.RED, None, 99)


# --- through the CLI ------------------------------------------------------------------

SCORECARD = """kind: scorecard
mission: Make things people want
objectives:
  - id: F1
    perspective: financial
    title: Grow recurring revenue
    measures:
      - id: F1-arr
        name: ARR
        target: 100
        bands: {green: 0.05, red: 0.2}
        actuals: {2026-Q3: 96}
      - id: F1-margin
        name: Margin
        target: 40
        targets: {2026-Q2: 30, 2026-Q3: 35}
        actuals: {2026-Q3: 33}
  - id: C1
    perspective: customer
    title: Delight customers
    drives: [F1]
    measures:
      - id: C1-voice
        name: Customer voice
        ratings: {2026-Q2: red, 2026-Q3: green}
  - id: P1
    perspective: process
    title: Deploy fast
    drives: [C1]
    measures:
      - id: P1-days
        name: Days to deploy
        target: 10
        direction: down
        bands: {green: 0.1, red: 0.5}
        actuals: {2026-Q3: 15}
  - id: L1
    perspective: learning
    title: Skilled people
    drives: [P1]
    measures:
      - id: L1-cert
        name: Certified engineers
        type: lead
        target: 20
        red_flag: 10
        actuals: {2026-Q2: 12}
        ratings: {2026-Q3: amber}
"""


@pytest.fixture
def published(base_repo: Path) -> Path:
    (base_repo / "scorecard.yaml").write_text(SCORECARD, encoding="utf-8")
    return base_repo


def _measures(repo: Path, period: str = "2026-Q3") -> dict[str, dict[str, Any]]:
    result = CliRunner().invoke(
        app, ["score", period, "--repo", str(repo), "--as-of", BASE_AS_OF, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    return {m["id"]: m for s in data["scorecard"] for m in s["measures"]}


def test_score_json_of_published_measures(published: Path) -> None:
    got = _measures(published)
    arr = got["F1-arr"]  # 96: misses 100 by 4, inside the 5 green band; flag 80
    assert (arr["status"], arr["red_flag"], arr["red_flag_derived"]) == ("green", 80, True)
    assert arr["achievement"] == pytest.approx(0.8)
    margin = got["F1-margin"]  # Q3's target 35, flag 31.5: (33 - 31.5) / 3.5
    assert (margin["target"], margin["status"]) == (35, "amber")
    assert margin["red_flag"] == pytest.approx(31.5)
    assert margin["achievement"] == pytest.approx(1.5 / 3.5)
    voice = got["C1-voice"]
    assert (voice["status"], voice["rating"], voice["achievement"]) == ("green", "green", None)
    days = got["P1-days"]  # 15 days on a red flag of 10 + 0.5 x 10
    assert (days["status"], days["red_flag"], days["achievement"]) == ("red", 15, 0.0)
    cert = got["L1-cert"]  # Q2's 12 and Q3's amber light: the light is newer
    assert (cert["status"], cert["actual"], cert["achievement"]) == ("amber", 12, None)
    assert cert["actual_period"] == "2026-Q2"


def test_published_measures_lint_clean_without_b303(published: Path) -> None:
    proc = run_cli("lint", "--repo", str(published), "--as-of", BASE_AS_OF, "--format", "json")
    findings = json.loads(proc.stdout)["findings"]
    assert [f for f in findings if f["severity"] == "error"] == []
    assert not [f for f in findings if f["code"] == "B303"]  # C1-voice has ratings
    assert proc.returncode == 0


def test_bands_with_a_red_flag_is_an_error_at_its_line(published: Path) -> None:
    text = SCORECARD.replace(
        "        red_flag: 10\n", "        red_flag: 10\n        bands: {green: 0, red: 0.5}\n"
    )
    (published / "scorecard.yaml").write_text(text, encoding="utf-8")
    proc = run_cli("lint", "--repo", str(published), "--as-of", BASE_AS_OF, "--no-color")
    assert proc.returncode == 1
    line = text.splitlines().index("        bands: {green: 0, red: 0.5}") + 1
    assert f"scorecard.yaml:{line}:16: E002 a measure takes `bands` or `red_flag`" in proc.stdout


def test_the_scorecard_only_fixture_has_traffic_lights_and_bands() -> None:
    fixture = Path(__file__).parent / "fixtures" / "scorecard-only"
    got = _measures(fixture)
    panel = got["C1-panel"]  # 2025's published amber, no number
    assert (panel["status"], panel["rating"], panel["achievement"]) == ("amber", "amber", None)
    reports = got["P1-reports"]  # 86 misses 90 by 4 <= 0.05 x 90; red flag 90 - 0.25 x 90
    assert (reports["status"], reports["red_flag"], reports["red_flag_derived"]) == (
        "green",
        67.5,
        True,
    )
    assert reports["achievement"] == pytest.approx((86 - 67.5) / 22.5)
    assert _measures(fixture, "2024")["P1-reports"]["status"] == "amber"  # 78: misses by 12
