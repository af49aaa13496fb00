"""Scorecard measure maths (SPEC 4.4, 10.6 and 15): actuals, targets, red flags, status.

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

from okrbsc.strategy.measurekinds import on_scale
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


Target = float | str | tuple[float, float]
Value = bool | float | str


def value_text(value: object) -> str:
    """A measure's value as the file writes it: 47.5, true, AA+, [98, 100]."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(value_text(v) for v in value) + "]"
    if isinstance(value, int | float):
        return f"{value:g}"
    return str(value)


def actual_for(measure: Measure, period: Period, calendar: FiscalCalendar) -> Value | None:
    """The actual whose period ends last, on or before the end of ``period``."""
    found = pick(measure.actuals, period, calendar)
    return None if found is None else found[1]


def target_for(measure: Measure, period: Period | None, calendar: FiscalCalendar) -> Target | None:
    """The target for an actual of ``period`` (SPEC 15.3): `targets[period]`, else the
    `targets` entry of the shortest period containing it (a half, then the fiscal
    year), else `target`."""
    if period is None or not measure.targets:
        return measure.target
    start, end = calendar.bounds(period)
    best: tuple[int, Target] | None = None
    for key, value in measure.targets.items():
        named = Period.parse(key)
        first, last = calendar.bounds(named)
        if first <= start and end <= last:
            days = (last - first).days
            if best is None or days < best[0]:
                best = (days, value)
    return measure.target if best is None else best[1]


def direction(measure: Measure, target: Target | None = None) -> str:
    """Explicit, else `down` when the baseline lies above the target, else `up`."""
    if measure.direction is not None:
        return measure.direction
    goal = measure.target if measure.target is not None else target
    if measure.baseline is not None and isinstance(goal, float | int):
        return "down" if measure.baseline > goal else "up"
    return "up"


@dataclass(frozen=True)
class Goal:
    """What a measure is judged against at one period."""

    target: Target | None
    red_flag: float | str | None
    direction: str
    derived: bool  # the red flag comes from `bands` or `measure_tolerance`
    green_margin: float | None = None  # with `bands`: a miss up to this is green
    kind: str = "metric"
    share: float | None = None  # a derived red flag's distance from the target, x |target|
    green_share: float = 0.0  # a range's green band, x |bound|
    scale: tuple[str, ...] | None = None

    def miss(self, actual: float) -> float:
        """How far ``actual`` falls short of the target (negative when it beats it)."""
        assert isinstance(self.target, float | int)
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
    if measure.kind != "metric":
        scale = None if measure.scale is None else tuple(measure.scale)
        return Goal(target, measure.red_flag, way, False, kind=measure.kind, scale=scale)
    if isinstance(target, tuple):
        bands = measure.bands
        red, green = (tolerance, 0.0) if bands is None else (bands.red, bands.green)
        return Goal(target, None, way, True, share=red, green_share=green)
    if measure.red_flag is not None:
        return Goal(target, measure.red_flag, way, False)
    if not isinstance(target, float | int):
        return Goal(None, measure.baseline, way, False)
    sign = 1 if way == "up" else -1
    if measure.bands is not None:
        flag = target - sign * measure.bands.red * abs(target)
        margin = measure.bands.green * abs(target)
        return Goal(target, flag, way, True, margin, share=measure.bands.red)
    if measure.baseline is not None:
        return Goal(target, measure.baseline, way, False)
    return Goal(target, target - sign * tolerance * abs(target), way, True, share=tolerance)


def red_flag(measure: Measure, tolerance: float) -> float | str | None:
    return goal(measure, tolerance).red_flag


def _meets(value: float, target: float, way: str) -> bool:
    return value >= target - TOLERANCE if way == "up" else value <= target + TOLERANCE


def _number(value: object) -> float | None:
    return None if isinstance(value, bool) or not isinstance(value, float | int) else value


def judge(g: Goal, actual: Value | None) -> Status:
    """Status of ``actual`` against a goal: green, amber, red, or unknown."""
    return verdict(g, actual)[0]


def achieved(g: Goal, actual: Value | None) -> float | None:
    """Where ``actual`` lies between red flag (0) and target (1), clamped."""
    return verdict(g, actual)[1]


def verdict(g: Goal, actual: Value | None) -> tuple[Status, float | None]:
    """Status and achievement of ``actual`` against a goal (SPEC 4.4, 10.6, 15.1, 15.2)."""
    if actual is None:
        return Status.UNKNOWN, None
    if g.kind == "binary":
        if not isinstance(actual, bool):
            return Status.UNKNOWN, None
        return (Status.GREEN, 1.0) if actual else (Status.RED, 0.0)
    if g.kind == "ordinal":
        return _ordinal(g, actual)
    number = _number(actual)
    if number is None:
        return Status.UNKNOWN, None
    if isinstance(g.target, tuple):
        return _in_range(g, g.target, number)
    return _metric(g, number)


def _metric(g: Goal, actual: float) -> tuple[Status, float | None]:
    target, flag = _number(g.target), _number(g.red_flag)
    if target is None or flag is None:
        return Status.UNKNOWN, None
    if abs(target - flag) <= TOLERANCE:
        share = 1.0 if _meets(actual, target, g.direction) else 0.0
    else:
        share = min(1.0, max(0.0, (actual - flag) / (target - flag)))
    if _meets(actual, target, g.direction):
        return Status.GREEN, share
    if g.green_margin is not None and g.miss(actual) <= g.green_margin + TOLERANCE:
        return Status.GREEN, share
    if _meets(flag, actual, g.direction):  # the actual is at or worse than the red flag
        return Status.RED, share
    return Status.AMBER, share


def _in_range(g: Goal, bounds: tuple[float, float], actual: float) -> tuple[Status, float]:
    """SPEC 15.2: on target inside [LOW, HIGH]; outside, by the distance to the nearer bound."""
    low, high = bounds
    if low - TOLERANCE <= actual <= high + TOLERANCE:
        return Status.GREEN, 1.0
    bound = low if actual < low else high
    distance = abs(actual - bound)
    red = (g.share or 0.0) * abs(bound)
    share = 0.0 if red <= TOLERANCE else min(1.0, max(0.0, 1 - distance / red))
    if distance <= g.green_share * abs(bound) + TOLERANCE:
        return Status.GREEN, share
    if distance >= red - TOLERANCE:
        return Status.RED, share
    return Status.AMBER, share


def _ordinal(g: Goal, actual: Value) -> tuple[Status, float | None]:
    """SPEC 15.1: words, compared on the scale (best first) when there is one."""
    if not isinstance(actual, str) or not isinstance(g.target, str):
        return Status.UNKNOWN, None
    if g.scale is None:
        met = actual.casefold() == g.target.casefold()
        return (Status.GREEN, 1.0) if met else (Status.AMBER, None)
    scale = list(g.scale)
    here, goal_at = on_scale(actual, scale), on_scale(g.target, scale)
    if here is None or goal_at is None:
        return Status.UNKNOWN, None
    flag_at = on_scale(g.red_flag, scale) if isinstance(g.red_flag, str) else None
    met = here <= goal_at
    if flag_at is None:
        return (Status.GREEN, 1.0) if met else (Status.AMBER, None)
    if flag_at == goal_at:
        share = 1.0 if met else 0.0
    else:
        share = min(1.0, max(0.0, (flag_at - here) / (flag_at - goal_at)))
    if met:
        return Status.GREEN, share
    return (Status.RED if here >= flag_at else Status.AMBER), share


def status(measure: Measure, actual: Value | None, tolerance: float) -> Status:
    return judge(goal(measure, tolerance), actual)


def achievement(measure: Measure, actual: Value | None, tolerance: float) -> float | None:
    return achieved(goal(measure, tolerance), actual)


@dataclass(frozen=True)
class Assessment:
    """A measure at a scored period (SPEC 4.4 and 10.6)."""

    goal: Goal
    actual: Value | None
    actual_period: Period | None
    status: Status
    achievement: float | None
    rating: str | None  # the recorded rating that set the status, if one did
    rating_period: Period | None


def assess(
    measure: Measure, period: Period, calendar: FiscalCalendar, tolerance: float
) -> Assessment:
    """Actual, goal, status and achievement of ``measure`` for the scored ``period``."""
    found = pick(measure.actuals, period, calendar)
    since, actual = (None, None) if found is None else found
    # SPEC 15.3: the target is the one of the actual's period (none: of the scored period)
    g = goal(measure, tolerance, period if since is None else since, calendar)
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
