"""The scoring engine (SPEC section 4): pure functions from a repo and a period to results.

No I/O and no printing: renderers turn a :class:`PeriodScore` into tables,
Markdown, JSON and HTML. All maths is in full floating point; every threshold
comparison allows a tolerance of 1e-9, so that 0.7 - 0.4 counts as a fall of 0.3.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from okrbsc.scoring.forecast import forecast
from okrbsc.scoring.freshness import kr_direction, recorded_in_force, stale_given
from okrbsc.strategy.measures import TOLERANCE, Goal, Status, assess, worst
from okrbsc.strategy.models import Bands, CheckIn, KeyResult, Measure, Objective
from okrbsc.strategy.periods import FiscalCalendar, Period
from okrbsc.strategy.repo import OkrRef, Repo

AT_RISK_BELOW = 0.4
AT_RISK_FALL = 0.3
ON_TRACK, BEHIND = 0.95, 0.75


# --- results ---------------------------------------------------------------------


@dataclass(frozen=True)
class KrScore:
    id: str
    title: str
    kind: str
    start: float | None  # the start used (SPEC 10.3), None when there is none
    target: float | None
    current: float | bool | None  # None: a metric KR with no data and no start
    unit: str | None
    direction: str | None
    weight: float
    progress: float
    score: float
    recorded: bool
    grade: str
    confidence: float | None
    confidences: tuple[float, ...]  # normalised, in date order, up to as-of
    at_risk: bool
    expected: float
    pace: str
    owner: str | None
    checkin_dates: tuple[dt.date, ...]
    values: tuple[float, ...]
    weeks_checked: int  # elapsed weeks of the period with at least one check-in
    weeks_elapsed: int
    # SPEC 10.3/10.4: where the start came from ("written", "checkin", "current",
    # None), whether the KR has any data, why it is at risk, its due date
    start_source: str | None = "written"
    has_data: bool = True
    risks: tuple[str, ...] = ()
    due: dt.date | None = None
    description: str | None = None
    forecast: float | None = None  # SPEC 9.2: the value projected to the period's last day
    forecast_progress: float | None = None  # the progress of that value
    # SPEC 14.2: the `score` written in the file, in force or not (``recorded``: in force)
    recorded_score: float | None = None

    @property
    def discipline(self) -> float | None:
        return self.weeks_checked / self.weeks_elapsed if self.weeks_elapsed else None


@dataclass(frozen=True)
class ObjectiveScore:
    id: str
    title: str
    type: str
    owner: str | None
    weight: float
    score: float
    recorded: bool
    grade: str
    perspectives: tuple[str, ...]
    aligns_to: tuple[str, ...]
    depends_on: tuple[str, ...]
    path: str
    key_results: tuple[KrScore, ...]
    # SPEC 14.4: the computed score against expected progress; 14.2: the written score
    pace: str = "no_data"
    recorded_score: float | None = None


@dataclass(frozen=True)
class TeamScore:
    team: str
    name: str
    score: float
    objectives: tuple[ObjectiveScore, ...]

    @property
    def discipline(self) -> float | None:
        """Share of elapsed KR-weeks with a check-in (None before the first week)."""
        krs = [k for o in self.objectives for k in o.key_results]
        elapsed = sum(k.weeks_elapsed for k in krs)
        return sum(k.weeks_checked for k in krs) / elapsed if elapsed else None


@dataclass(frozen=True)
class MeasureScore:
    id: str
    name: str
    unit: str | None
    type: str
    baseline: float | None
    actual: float | bool | str | None
    target: float | str | tuple[float, float] | None
    red_flag: float | str | None
    direction: str
    achievement: float | None
    status: str
    actual_period: str | None = None  # the period the actual is from
    red_flag_derived: bool = False  # from `bands` or `measure_tolerance`, not written
    rating: str | None = None  # a recorded rating (SPEC 10.6) that set the status
    rating_period: str | None = None  # the period of that rating
    kind: str = "metric"  # metric, binary or ordinal (SPEC 15.1)
    type_stated: bool = True  # the file writes `type` (SPEC 15.6: shown only then)
    red_flag_share: float | None = None  # a derived red flag's distance, x |target|
    green_share: float = 0.0  # a range's green band, x |bound| (SPEC 15.2)
    rollup: str | None = None  # SPEC 18.2: the rule (sum, mean, ...) of a rolled-up measure
    coverage: Coverage | None = None  # how many of its parts have an actual
    parts: tuple[RollupPart, ...] = ()  # each unit's part


@dataclass(frozen=True)
class Coverage:
    """Of a rolled-up measure (SPEC 18.2): `have` of `of` parts with an actual."""

    have: int
    of: int
    missing: tuple[str, ...]  # the `UNIT:ID`s without one

    @property
    def partial(self) -> bool:
        return self.have < self.of


@dataclass(frozen=True)
class RollupPart:
    """One unit's measure in a roll-up, scored by the unit's own rule (SPEC 4.4)."""

    ref: str  # UNIT:ID
    actual: float | None
    actual_period: str | None
    unit: str | None  # the unit of measure


# A group repo's source of its units' parts (SPEC 18.2), set by the session: for a
# measure with `rollup` and a period, each `UNIT:ID`'s part in `of` order.
RollupParts = Any


@dataclass(frozen=True)
class ScorecardObjectiveScore:
    id: str
    title: str
    perspective: str
    achievement: float | None
    status: str
    drives: tuple[str, ...]
    measures: tuple[MeasureScore, ...]


@dataclass(frozen=True)
class PerspectiveScore:
    id: str
    name: str
    okr_score: float | None
    achievement: float | None
    status: str


@dataclass(frozen=True)
class UnitScore:
    """A business unit of a group for the period (SPEC 18.3)."""

    id: str
    name: str
    commit: str
    score: float | None
    perspectives: tuple[PerspectiveScore, ...]
    at_risk: int  # its key results at risk
    no_data: int  # its key results without data (10.4)


@dataclass(frozen=True)
class PeriodScore:
    period: Period
    as_of: dt.date
    score: float | None
    expected: float
    teams: tuple[TeamScore, ...]
    perspectives: tuple[PerspectiveScore, ...]
    scorecard: tuple[ScorecardObjectiveScore, ...]
    # SPEC 10.1: a repo may hold OKRs only or a scorecard only
    has_scorecard: bool = True
    has_okrs: bool = True
    # SPEC 14.4: as-of is on or after the period's last day: grades, not pace
    final: bool = False
    # SPEC 18.3: a group's business units, each scored by its own files at its lock
    units: tuple[UnitScore, ...] = ()

    def objectives(self) -> list[ObjectiveScore]:
        return [obj for team in self.teams for obj in team.objectives]

    def key_results(self) -> list[tuple[TeamScore, ObjectiveScore, KrScore]]:
        return [(t, o, k) for t in self.teams for o in t.objectives for k in o.key_results]


# --- small maths -----------------------------------------------------------------


def clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return min(high, max(low, value))


def weighted_mean(pairs: Iterable[tuple[float, float]]) -> float | None:
    """Mean of values weighted by weights; None for no pairs."""
    total = weight = 0.0
    for value, w in pairs:
        total += value * w
        weight += w
    return total / weight if weight > 0 else None


def mean(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def grade(score: float, bands: Bands) -> str:
    if score >= bands.green - TOLERANCE:
        return "green"
    if score >= bands.yellow - TOLERANCE:
        return "yellow"
    return "red"


def expected_progress(period: Period, as_of: dt.date, calendar: FiscalCalendar) -> float:
    """Elapsed share of the period, counting the as-of day itself."""
    elapsed = (as_of - calendar.start(period)).days + 1
    return clamp(elapsed / calendar.days(period))


def pace(progress: float, expected: float) -> str:
    if progress >= ON_TRACK * expected - TOLERANCE:
        return "on_track"
    if progress >= BEHIND * expected - TOLERANCE:
        return "behind"
    return "off_track"


# --- key results -----------------------------------------------------------------


def weeks(
    period: Period, as_of: dt.date, calendar: FiscalCalendar, dates: Iterable[dt.date]
) -> tuple[int, int]:
    """(weeks with a check-in, weeks elapsed), up to as-of or the period's end.

    Week n is days 7n..7n+6 of the period. A week counts once it is over; the
    week under way counts only when it already has a check-in, so a Monday
    check-in rhythm is not penalised on a Thursday.
    """
    return _weeks(calendar.start(period), calendar.end(period), as_of, dates)


def _weeks(
    start: dt.date, end: dt.date, as_of: dt.date, dates: Iterable[dt.date]
) -> tuple[int, int]:
    last = min(as_of, end)
    if last < start:
        return 0, 0
    complete = ((last - start).days + 1) // 7
    checked = {(d - start).days // 7 for d in dates if start <= d <= last}
    return len(checked), complete + (1 if complete in checked else 0)


_DATE = operator.attrgetter("date")


def checkins_until(kr: KeyResult, as_of: dt.date) -> list[CheckIn]:
    """Check-ins dated on or before as-of, by date; same date keeps file order."""
    seen = [c for c in kr.checkins if c.date <= as_of]
    seen.sort(key=_DATE)
    return seen


def start_used(
    kr: KeyResult, as_of: dt.date, seen: list[CheckIn] | None = None
) -> tuple[float | None, str | None]:
    """SPEC 10.3: the written `start`; else the earliest check-in on or before as-of;
    else `current`; else none. With where it came from. (``seen``: the check-ins
    until as-of, when the caller has them.)"""
    if kr.start is not None:
        return kr.start, "written"
    seen = checkins_until(kr, as_of) if seen is None else seen
    if seen and not isinstance(seen[0].value, bool):
        return float(seen[0].value), "checkin"
    if kr.current is not None:
        return kr.current, "current"
    return None, None


def has_data(kr: KeyResult, as_of: dt.date, in_force: bool = True) -> bool:
    """SPEC 10.4: a check-in on or before as-of, `current`, (binary) `done`, or a score
    (one in force, SPEC 14.2: ``in_force`` says whether the period's scores are)."""
    if (in_force and kr.score is not None) or any(c.date <= as_of for c in kr.checkins):
        return True
    return kr.current is not None if kr.kind == "metric" else kr.done is not None


def current_value(
    kr: KeyResult, as_of: dt.date, seen: list[CheckIn] | None = None
) -> float | bool | None:
    """The latest check-in's value; else `current` (metric) or `done` (binary); else start."""
    seen = checkins_until(kr, as_of) if seen is None else seen
    if kr.kind == "binary":
        return bool(seen[-1].value) if seen else bool(kr.done)
    if seen:
        return float(seen[-1].value)
    if kr.current is not None:
        return kr.current
    return kr.start


PROGRESS_LIMIT = 1e9  # JSON has no infinity: progress of absurd ranges is capped


def _threshold(start: float, target: float, way: str) -> bool:
    """A target already met at the start (equal to it, or behind it in `direction`):
    progress is then whether the value meets it (SPEC 4.1, 10.3)."""
    if target == start:
        return True
    return target < start if way == "up" else target > start


def progress(kr: KeyResult, current: float | bool | None, start: float | None = None) -> float:
    if kr.kind == "binary":
        return 1.0 if current else 0.0
    start = kr.start if start is None else start
    if start is None or current is None:
        return 0.0  # no start: no progress (SPEC 10.4)
    start, target, value = float(start), float(kr.target or 0.0), float(current)
    scale = max(abs(start), abs(target), abs(value))
    if scale > 1e150:  # differences of huge numbers would overflow
        start, target, value = start / scale, target / scale, value / scale
    way = kr_direction(kr)
    if _threshold(start, target, way) and (kr.direction is not None or target == start):
        if way == "up":
            return 1.0 if value >= target - TOLERANCE else 0.0
        return 1.0 if value <= target + TOLERANCE else 0.0
    result = (value - start) / (target - start)  # a vanishing range overflows: capped
    return max(-PROGRESS_LIMIT, min(PROGRESS_LIMIT, result))


def confidences(
    kr: KeyResult, as_of: dt.date, scale: int, seen: list[CheckIn] | None = None
) -> list[float]:
    seen = checkins_until(kr, as_of) if seen is None else seen
    return [c.confidence / scale for c in seen if c.confidence is not None]


def at_risk(trend: list[float]) -> bool:
    return bool(confidence_risks(trend))


def confidence_risks(trend: list[float]) -> list[str]:
    if not trend:
        return []
    out = []
    latest = trend[-1]
    if latest < AT_RISK_BELOW - TOLERANCE:
        out.append("low_confidence")
    if len(trend) > 1 and trend[-2] - latest >= AT_RISK_FALL - TOLERANCE:
        out.append("confidence_drop")
    return out


def risks(
    repo: Repo,
    ref: OkrRef,
    kr: KeyResult,
    seen: list[CheckIn],
    trend: list[float],
    prog: float,
) -> list[str]:
    """SPEC 10.4: the causes of at risk, in the order JSON gives them (``seen``: the
    check-ins until as-of; ``stale`` is C202's test, SPEC 14.1)."""
    out = confidence_risks(trend)
    if stale_given(repo, ref, kr, seen[-1] if seen else None):
        out.append("stale")
    if kr.due is not None and repo.as_of > kr.due and prog < 1.0 - TOLERANCE:
        out.append("overdue")
    return out


def score_kr(repo: Repo, ref: OkrRef, index: int, expected: float, bands: Bands) -> KrScore:
    kr = ref.objective.key_results[index]
    as_of = repo.as_of
    seen = checkins_until(kr, as_of)
    start, source, current, prog = kr_position(kr, as_of, seen)
    in_force = recorded_in_force(repo, ref.period)
    recorded = in_force and kr.score is not None
    score = kr.score if recorded and kr.score is not None else clamp(prog)
    trend = confidences(kr, as_of, repo.config.confidence_scale, seen)
    data = has_data(kr, as_of, in_force)
    span = repo.calendar.start(ref.period), repo.calendar.end(ref.period)
    causes = risks(repo, ref, kr, seen, trend, prog)
    return KrScore(
        id=ref.objective.kr_id(index),
        title=kr.title,
        kind=kr.kind,
        start=start,
        target=kr.target,
        current=current,
        unit=kr.unit,
        direction=kr_direction(kr) if kr.kind == "metric" else None,
        weight=kr.weight,
        progress=prog,
        score=score,
        recorded=recorded,
        recorded_score=kr.score,
        grade=grade(score, bands),
        confidence=trend[-1] if trend else None,
        confidences=tuple(trend),
        at_risk=bool(causes),
        expected=expected,
        pace=pace(prog, expected) if data else "no_data",
        owner=kr.owner,
        start_source=source,
        has_data=data,
        risks=tuple(causes),
        due=kr.due,
        description=kr.description,
        **checkin_fields(repo, span, kr, seen),
        **forecast_fields(repo, span, kr, start, running=not in_force),
    )


def kr_position(
    kr: KeyResult, as_of: dt.date, seen: list[CheckIn]
) -> tuple[float | None, str | None, float | bool | None, float]:
    """A key result's start used (and where it came from), its current value and its
    progress at as-of (``seen``: the check-ins until then)."""
    start, source = start_used(kr, as_of, seen) if kr.kind == "metric" else (None, None)
    current = start if (now := current_value(kr, as_of, seen)) is None else now
    return start, source, current, progress(kr, current, start)


def checkin_fields(
    repo: Repo, span: tuple[dt.date, dt.date], kr: KeyResult, seen: list[CheckIn]
) -> dict[str, Any]:
    """A key result's check-ins up to as-of (``seen``), and how many weeks of the
    period (from its first to its last day, ``span``) have one."""
    checked, elapsed = _weeks(*span, repo.as_of, [c.date for c in kr.checkins])
    return {
        "checkin_dates": tuple([c.date for c in seen]),
        "values": tuple([float(c.value) for c in seen]),
        "weeks_checked": checked,
        "weeks_elapsed": elapsed,
    }


def forecast_fields(
    repo: Repo,
    span: tuple[dt.date, dt.date],
    kr: KeyResult,
    start: float | None,
    running: bool = True,
) -> dict[str, Any]:
    """SPEC 9.2, 14.4: the forecast while the period runs (before its last day)."""
    projected = kr_forecast(repo, span, kr) if running else None
    return {
        "forecast": projected,
        "forecast_progress": None if projected is None else progress(kr, projected, start),
    }


def kr_forecast(repo: Repo, span: tuple[dt.date, dt.date], kr: KeyResult) -> float | None:
    """SPEC 9.2: a metric KR's value at the period's last day (``span``: its first
    and last days) on its check-ins' line."""
    if kr.kind == "binary":
        return None
    points = [(c.date, float(c.value)) for c in kr.checkins]
    return forecast(points, *span, repo.as_of)


# --- objectives, teams, periods --------------------------------------------------


def bands_for(repo: Repo, objective: Objective) -> Bands:
    scoring = repo.config.scoring
    return scoring.committed if objective.type == "committed" else scoring.aspirational


def score_objective(repo: Repo, ref: OkrRef, expected: float) -> ObjectiveScore:
    """Weighted mean of KR scores, unless recorded; an objective without KRs scores 0."""
    obj = ref.objective
    bands = bands_for(repo, obj)
    krs = tuple(score_kr(repo, ref, i, expected, bands) for i in range(len(obj.key_results)))
    computed = weighted_mean((k.score, k.weight) for k in krs)
    recorded = obj.score is not None and recorded_in_force(repo, ref.period)
    score = obj.score if recorded and obj.score is not None else (computed or 0.0)
    return ObjectiveScore(
        id=obj.id,
        title=obj.title,
        type=obj.type,
        owner=obj.owner,
        weight=obj.weight,
        score=score,
        recorded=recorded,
        recorded_score=obj.score,
        pace=objective_pace(krs, expected),
        grade=grade(score, bands),
        perspectives=tuple(repo.perspectives_of(ref)),
        aligns_to=tuple(obj.aligns_to),
        depends_on=tuple(obj.depends_on),
        path=ref.file.path,
        key_results=krs,
    )


def objective_pace(krs: tuple[KrScore, ...], expected: float) -> str:
    """SPEC 14.4: the objective's computed score (its KRs' progress clamped, never a
    recorded score) against expected progress; ``no_data`` when no KR has data."""
    if not any(k.has_data for k in krs):
        return "no_data"
    return pace(weighted_mean((clamp(k.progress), k.weight) for k in krs) or 0.0, expected)


def team_order(repo: Repo, refs: list[OkrRef]) -> list[str]:
    """Teams in config order, then teams unknown to the config in file order."""
    present = dict.fromkeys(ref.team for ref in refs)
    known = [t for t in repo.teams if t in present]
    return known + [t for t in present if t not in repo.teams]


def score_period(repo: Repo, period: Period, team: str | None = None) -> PeriodScore:
    """Everything SPEC 4 defines for ``period``; ``team`` narrows the OKR part."""
    refs = [r for r in repo.periods.get(period, []) if team is None or r.team == team]
    expected = expected_progress(period, repo.as_of, repo.calendar)
    by_team: dict[str, list[OkrRef]] = {}
    for ref in refs:
        by_team.setdefault(ref.team, []).append(ref)
    teams = []
    for name in team_order(repo, refs):
        objectives = tuple(score_objective(repo, r, expected) for r in by_team[name])
        info = repo.teams.get(name)
        teams.append(
            TeamScore(
                team=name,
                name=(info.name if info and info.name else name),
                score=weighted_mean((o.score, o.weight) for o in objectives) or 0.0,
                objectives=objectives,
            )
        )
    all_objectives = [o for t in teams for o in t.objectives]
    scorecard = score_scorecard(repo, period)
    return PeriodScore(
        period=period,
        as_of=repo.as_of,
        score=weighted_mean((o.score, o.weight) for o in all_objectives),
        expected=expected,
        teams=tuple(teams),
        perspectives=score_perspectives(repo, all_objectives, scorecard)
        if repo.has_scorecard
        else (),
        scorecard=scorecard,
        has_scorecard=repo.has_scorecard,
        has_okrs=period in repo.periods,
        final=recorded_in_force(repo, period),
    )


# --- scorecard -------------------------------------------------------------------


def combine(by: str, values: list[float], weights: list[float]) -> float | None:
    """A roll-up's actual from the parts that have one (SPEC 18.2)."""
    if not values:
        return None
    if by == "sum":
        return sum(values)
    if by == "mean":
        return sum(values) / len(values)
    if by == "weighted_mean":
        return sum(v * w for v, w in zip(values, weights, strict=True)) / sum(weights)
    return min(values) if by == "min" else max(values)


def rollup_parts(repo: Repo, measure: Measure, period: Period) -> list[RollupPart]:
    """The units' parts of a roll-up for ``period``; all missing where no unit is read."""
    assert measure.rollup is not None
    source = repo.rollup_parts
    if source is None:
        return [RollupPart(ref, None, None, None) for ref in measure.rollup.of]
    return list(source(measure, period))


def latest_period(repo: Repo, periods: list[str]) -> str | None:
    """The period (as written) that ends last, or None."""
    if not periods:
        return None
    return max(periods, key=lambda p: repo.calendar.end(Period.parse(p)))


def measure_fields(measure: Measure, g: Goal) -> dict[str, Any]:
    """What a measure's score says of the measure and its goal, however it is scored."""
    return {
        "id": measure.id,
        "name": measure.name,
        "unit": measure.unit,
        "type": measure.type,
        "baseline": measure.baseline,
        "target": g.target,
        "red_flag": g.red_flag,
        "direction": g.direction,
        "red_flag_derived": g.derived,
        "type_stated": measure.type_stated,
        "red_flag_share": g.share,
        "green_share": g.green_share,
    }


def score_rollup(repo: Repo, measure: Measure, period: Period) -> MeasureScore:
    """A group measure rolled up from its units' actuals for ``period`` (SPEC 18.2):
    partial when some parts have none; a partial sum is at best amber."""
    from okrbsc.strategy.measures import achieved, goal, judge

    rollup = measure.rollup
    assert rollup is not None
    parts = rollup_parts(repo, measure, period)
    weights = rollup.weights or [1.0] * len(parts)
    have = [(p, w) for p, w in zip(parts, weights, strict=False) if p.actual is not None]
    actual = combine(rollup.by, [p.actual for p, _ in have if p.actual is not None],
                     [w for _, w in have])  # fmt: skip
    coverage = Coverage(len(have), len(parts), tuple(p.ref for p in parts if p.actual is None))
    g = goal(measure, repo.config.scoring.measure_tolerance, period, repo.calendar)
    status = judge(g, actual)
    if rollup.by == "sum" and coverage.partial and status is Status.GREEN:
        status = Status.AMBER  # a missing part could be any size
    periods = [p.actual_period for p, _ in have if p.actual_period is not None]
    return MeasureScore(
        **measure_fields(measure, g),
        actual=actual,
        achievement=achieved(g, actual),
        status=status.value,
        actual_period=latest_period(repo, periods),
        rollup=rollup.by,
        coverage=coverage,
        parts=tuple(parts),
    )


def score_measure(repo: Repo, measure: Measure, period: Period) -> MeasureScore:
    if measure.rollup is not None:
        return score_rollup(repo, measure, period)
    tolerance = repo.config.scoring.measure_tolerance
    found = assess(measure, period, repo.calendar, tolerance)
    return MeasureScore(
        **measure_fields(measure, found.goal),
        actual=found.actual,
        achievement=found.achievement,
        status=found.status.value,
        actual_period=None if found.actual_period is None else str(found.actual_period),
        rating=found.rating,
        rating_period=None if found.rating_period is None else str(found.rating_period),
        kind=measure.kind,
    )


def score_scorecard(repo: Repo, period: Period) -> tuple[ScorecardObjectiveScore, ...]:
    out = []
    for ref in repo.sc_objectives.values():
        obj = ref.objective
        measures = tuple(score_measure(repo, m, period) for m in obj.measures)
        out.append(
            ScorecardObjectiveScore(
                id=obj.id,
                title=obj.title,
                perspective=obj.perspective,
                achievement=mean(m.achievement for m in measures),
                status=worst([Status(m.status) for m in measures]).value,
                drives=tuple(obj.drives),
                measures=measures,
            )
        )
    return tuple(out)


def score_perspectives(
    repo: Repo,
    objectives: list[ObjectiveScore],
    scorecard: tuple[ScorecardObjectiveScore, ...],
) -> tuple[PerspectiveScore, ...]:
    out = []
    for persp in repo.perspectives:
        reaching = [o.score for o in objectives if persp.id in o.perspectives]
        mine = [s for s in scorecard if s.perspective == persp.id]
        out.append(
            PerspectiveScore(
                id=persp.id,
                name=persp.name,
                okr_score=mean(reaching),
                achievement=mean(s.achievement for s in mine),
                status=worst([Status(s.status) for s in mine]).value,
            )
        )
    return tuple(out)
