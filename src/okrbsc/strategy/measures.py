"""Scorecard measure maths (SPEC 4.4 and 10.6): actuals, targets, red flags, status.

A measure is judged at a scored period against its *goal* for that period: the
target (the trajectory's entry for the period, else `target`), the red flag
(written, from `bands`, from `baseline`, else from `measure_tolerance`) and,
with `bands`, the green margin. A recorded rating wins over the computed status
when no actual ends after it.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from okrbsc.strategy.models import Measure
from okrbsc.strategy.periods import FiscalCalendar, Period

TOLERANCE = 1e-9
V = TypeVar("V")


class Status(enum.Enum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    UNKNOWN = "unknown"


_BADNESS = {Status.UNKNOWN: -1, Status.GREEN: 0, Status.AMBER: 1, Status.RED: 2}


def worst(statuses: list[Status]) -> Status:
    """Red over amber over green; unknown only when nothing is known."""
    return max(statuses, key=_BADNESS.__getitem__, default=Status.UNKNOWN)


def pick(
    values: Mapping[str | int, V], period: Period, calendar: FiscalCalendar
) -> tuple[Period, V] | None:
    """The entry whose period ends last, on or before the end of ``period`` (4.4's
    actual rule; two ending the same day: the later in the file)."""
    limit = calendar.end(period)
    best: tuple[dt.date, Period, V] | None = None
    for key, value in values.items():
        named = Period.parse(key)
        ends = calendar.end(named)
        if ends <= limit and (best is None or ends >= best[0]):
            best = (ends, named, value)
    return None if best is None else (best[1], best[2])


def actual_for(measure: Measure, period: Period, calendar: FiscalCalendar) -> float | None:
    """The actual whose period ends last, on or before the end of ``period``."""
    found = pick(measure.actuals, period, calendar)
    return None if found is None else found[1]


def target_for(measure: Measure, period: Period | None, calendar: FiscalCalendar) -> float | None:
    """The trajectory's target for ``period`` (10.6), else the measure's `target`."""
    if period is not None:
        found = pick(measure.targets, period, calendar)
        if found is not None:
            return found[1]
    return measure.target


def direction(measure: Measure, target: float | None = None) -> str:
    """Explicit, else `down` when the baseline lies above the target, else `up`."""
    if measure.direction is not None:
        return measure.direction
    goal = measure.target if measure.target is not None else target
    if measure.baseline is not None and goal is not None:
        return "down" if measure.baseline > goal else "up"
    return "up"


@dataclass(frozen=True)
class Goal:
    """What a measure is judged against at one period."""

    target: float | None
    red_flag: float | None
    direction: str
    derived: bool  # the red flag comes from `bands` or `measure_tolerance`
    green_margin: float | None = None  # with `bands`: a miss up to this is green

    def miss(self, actual: float) -> float:
        """How far ``actual`` falls short of the target (negative when it beats it)."""
        assert self.target is not None
        return self.target - actual if self.direction == "up" else actual - self.target


def goal(
    measure: Measure,
    tolerance: float,
    period: Period | None = None,
    calendar: FiscalCalendar | None = None,
) -> Goal:
    """The target, red flag and green margin of ``measure`` at ``period`` (none: `target`)."""
    target = target_for(measure, period, calendar) if calendar is not None else measure.target
    way = direction(measure, target)
    if measure.red_flag is not None:
        return Goal(target, measure.red_flag, way, False)
    if target is None:
        return Goal(None, measure.baseline, way, False)
    sign = 1 if way == "up" else -1
    if measure.bands is not None:
        flag = target - sign * measure.bands.red * abs(target)
        return Goal(target, flag, way, True, measure.bands.green * abs(target))
    if measure.baseline is not None:
        return Goal(target, measure.baseline, way, False)
    return Goal(target, target - sign * tolerance * abs(target), way, True)


def red_flag(measure: Measure, tolerance: float) -> float | None:
    return goal(measure, tolerance).red_flag


def _meets(value: float, target: float, way: str) -> bool:
    return value >= target - TOLERANCE if way == "up" else value <= target + TOLERANCE


def judge(g: Goal, actual: float | None) -> Status:
    """Status of ``actual`` against a goal: green, amber, red, or unknown."""
    if actual is None or g.target is None or g.red_flag is None:
        return Status.UNKNOWN
    if _meets(actual, g.target, g.direction):
        return Status.GREEN
    if g.green_margin is not None and g.miss(actual) <= g.green_margin + TOLERANCE:
        return Status.GREEN
    if _meets(g.red_flag, actual, g.direction):  # the actual is at or worse than the red flag
        return Status.RED
    return Status.AMBER


def achieved(g: Goal, actual: float | None) -> float | None:
    """Where ``actual`` lies between red flag (0) and target (1), clamped."""
    if actual is None or g.target is None or g.red_flag is None:
        return None
    if abs(g.target - g.red_flag) <= TOLERANCE:
        return 1.0 if _meets(actual, g.target, g.direction) else 0.0
    return min(1.0, max(0.0, (actual - g.red_flag) / (g.target - g.red_flag)))


def status(measure: Measure, actual: float | None, tolerance: float) -> Status:
    return judge(goal(measure, tolerance), actual)


def achievement(measure: Measure, actual: float | None, tolerance: float) -> float | None:
    return achieved(goal(measure, tolerance), actual)


@dataclass(frozen=True)
class Assessment:
    """A measure at a scored period (SPEC 4.4 and 10.6)."""

    goal: Goal
    actual: float | None
    actual_period: Period | None
    status: Status
    achievement: float | None
    rating: str | None  # the recorded rating that set the status, if one did
    rating_period: Period | None


def assess(
    measure: Measure, period: Period, calendar: FiscalCalendar, tolerance: float
) -> Assessment:
    """Actual, goal, status and achievement of ``measure`` for the scored ``period``."""
    g = goal(measure, tolerance, period, calendar)
    found = pick(measure.actuals, period, calendar)
    since, actual = (None, None) if found is None else found
    computed = Assessment(g, actual, since, judge(g, actual), achieved(g, actual), None, None)
    rated = pick(measure.ratings, period, calendar)
    if rated is None:
        return computed
    rated_at, rating = rated
    if since is not None and calendar.end(since) > calendar.end(rated_at):
        return computed  # a later actual says more than an older traffic light
    same = since is not None and calendar.end(since) == calendar.end(rated_at)
    return Assessment(
        g,
        actual,
        since,
        Status(rating),
        computed.achievement if same else None,
        rating,
        rated_at,
    )
