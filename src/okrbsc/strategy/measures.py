"""Scorecard measure maths (SPEC 4.4): actuals, direction, red flags, status, achievement."""

from __future__ import annotations

import enum

from okrbsc.strategy.models import Measure
from okrbsc.strategy.periods import FiscalCalendar, Period

TOLERANCE = 1e-9


class Status(enum.Enum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    UNKNOWN = "unknown"


_BADNESS = {Status.UNKNOWN: -1, Status.GREEN: 0, Status.AMBER: 1, Status.RED: 2}


def worst(statuses: list[Status]) -> Status:
    """Red over amber over green; unknown only when nothing is known."""
    return max(statuses, key=_BADNESS.__getitem__, default=Status.UNKNOWN)


def actual_for(measure: Measure, period: Period, calendar: FiscalCalendar) -> float | None:
    """The actual whose period ends last, on or before the end of ``period``."""
    limit = calendar.end(period)
    best: tuple[object, float] | None = None
    for key, value in measure.actuals.items():
        ends = calendar.end(Period.parse(key))
        if ends <= limit and (best is None or ends >= best[0]):  # type: ignore[operator]
            best = (ends, value)
    return None if best is None else best[1]


def direction(measure: Measure) -> str:
    if measure.direction is not None:
        return measure.direction
    if measure.baseline is not None and measure.target is not None:
        return "down" if measure.baseline > measure.target else "up"
    return "up"


def red_flag(measure: Measure, tolerance: float) -> float | None:
    if measure.red_flag is not None:
        return measure.red_flag
    if measure.baseline is not None:
        return measure.baseline
    if measure.target is None:
        return None
    margin = tolerance * abs(measure.target)
    return measure.target - margin if direction(measure) == "up" else measure.target + margin


def _meets(value: float, goal: float, way: str) -> bool:
    return value >= goal - TOLERANCE if way == "up" else value <= goal + TOLERANCE


def status(measure: Measure, actual: float | None, tolerance: float) -> Status:
    flag = red_flag(measure, tolerance)
    if actual is None or measure.target is None or flag is None:
        return Status.UNKNOWN
    way = direction(measure)
    if _meets(actual, measure.target, way):
        return Status.GREEN
    if _meets(flag, actual, way):  # the actual is at or worse than the red flag
        return Status.RED
    return Status.AMBER


def achievement(measure: Measure, actual: float | None, tolerance: float) -> float | None:
    flag = red_flag(measure, tolerance)
    if actual is None or measure.target is None or flag is None:
        return None
    if abs(measure.target - flag) <= TOLERANCE:
        return 1.0 if _meets(actual, measure.target, direction(measure)) else 0.0
    return min(1.0, max(0.0, (actual - flag) / (measure.target - flag)))
