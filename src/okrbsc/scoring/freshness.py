"""What *finished* and *stale* mean: one test for every command (SPEC 14.1, 14.2).

C202 (lint), the at-risk cause ``stale`` (score, status, report, review),
``remind``, ``checkin`` and the forecasts all ask these functions, so a key
result is stale in one place exactly when it is stale in every other.

A key result is **finished** at as-of (SPEC 11, 14.1) when

* it is binary and done: its latest check-in on or before as-of is true,
  or, with no such check-in, ``done: true``;
* it is a metric whose current value (its latest check-in on or before
  as-of, else ``current``) meets its ``target`` in its direction, within
  the 1e-9 tolerance of SPEC 4 (a key result without data is not finished);
* or a recorded ``score`` is *in force* on it or on its objective.

A recorded score is **in force** (SPEC 14.2) when as-of is on or after the
last day of the period it was recorded in; before that every command shows
the computed score and a recorded score is a note, not a grade.

A key result is **stale** at as-of (C202's semantics) when it is not
finished, its period is running (as-of between the period's first and last
day), more than ``lint.stale_after_days`` days of the period have passed,
and it has no check-in dated within that many days before as-of (a check-in
exactly ``stale_after_days`` days old still counts).

Use::

    from okrbsc.scoring.freshness import is_finished, is_stale

    for ref in repo.periods[period]:
        for kr in ref.objective.key_results:
            if is_stale(repo, ref, kr):
                ...

Both functions read only ``repo.as_of``, ``repo.calendar``,
``repo.config.lint.stale_after_days`` and the objective ``ref`` holding
``kr``; they do no I/O. Pass ``last`` (the key result's latest check-in on
or before as-of, see :func:`latest_checkin`) when you already have it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from okrbsc.strategy.measures import TOLERANCE

if TYPE_CHECKING:
    from okrbsc.strategy.models import CheckIn, KeyResult
    from okrbsc.strategy.periods import Period
    from okrbsc.strategy.repo import OkrRef, Repo


def kr_direction(kr: KeyResult) -> str:
    """``direction`` as written, else ``down`` when start > target, else ``up``."""
    if kr.direction is not None:
        return kr.direction
    return "down" if (kr.start or 0) > (kr.target or 0) else "up"


def latest_checkin(kr: KeyResult, as_of: dt.date) -> CheckIn | None:
    """The latest check-in dated on or before as-of (two on that date: the later
    in the file), found without sorting; None when there is none."""
    last = None
    for checkin in kr.checkins:
        if checkin.date <= as_of and (last is None or checkin.date >= last.date):
            last = checkin
    return last


def recorded_in_force(repo: Repo, period: Period) -> bool:
    """SPEC 14.2: recorded scores of ``period`` count from its last day on."""
    return repo.as_of >= repo.calendar.end(period)


def has_recorded_score(repo: Repo, ref: OkrRef, kr: KeyResult | None = None) -> bool:
    """A recorded score in force on ``kr`` or on its objective (``kr`` None: the
    objective's own only)."""
    if not recorded_in_force(repo, ref.period):
        return False
    return ref.objective.score is not None or (kr is not None and kr.score is not None)


def final_score(repo: Repo, ref: OkrRef, kr: KeyResult) -> str | None:
    """What makes the key result's grade final (SPEC 14.2), in words for a message
    ("a recorded score of 0.6", "its objective S1's recorded score of 0.7"), or
    None when no recorded score is in force on it or its objective."""
    if not recorded_in_force(repo, ref.period):
        return None
    if kr.score is not None:
        return f"a recorded score of {kr.score:g}"
    if ref.objective.score is not None:
        return f"its objective {ref.id}'s recorded score of {ref.objective.score:g}"
    return None


def would_change(kr: KeyResult, day: dt.date, value: float, confidence: float | None) -> bool:
    """A check-in (``day``, ``value``, ``confidence``) that the key result does not
    already hold: a new date, or another value or confidence on that date."""
    held = [c for c in kr.checkins if c.date == day]
    if not held:
        return True
    last = held[-1]
    same_value = float(last.value) == float(value)
    return not same_value or (confidence is not None and last.confidence != confidence)


def meets_target(kr: KeyResult, last: CheckIn | None) -> bool:
    """Done (binary), or the current value meets the target (metric); ``last``: the
    latest check-in on or before as-of."""
    if kr.kind == "binary":
        return bool(last.value) if last is not None else bool(kr.done)
    value = float(last.value) if last is not None else kr.current
    if value is None or kr.target is None:
        return False  # no data (SPEC 10.4): not finished
    if kr_direction(kr) == "up":
        return value >= kr.target - TOLERANCE
    return value <= kr.target + TOLERANCE


def is_finished(repo: Repo, ref: OkrRef, kr: KeyResult) -> bool:
    """Nothing left to check in: done, at its target, or a recorded score in force on
    it or its objective (see the module docstring)."""
    return finished_given(repo, ref, kr, latest_checkin(kr, repo.as_of))


def is_stale(repo: Repo, ref: OkrRef, kr: KeyResult) -> bool:
    """C202's test: the period runs past ``stale_after_days``, the key result is not
    finished and has no check-in that recent (see the module docstring)."""
    return stale_given(repo, ref, kr, latest_checkin(kr, repo.as_of))


def finished_given(repo: Repo, ref: OkrRef, kr: KeyResult, last: CheckIn | None) -> bool:
    """:func:`is_finished`, ``last`` being :func:`latest_checkin` of ``kr``."""
    return has_recorded_score(repo, ref, kr) or meets_target(kr, last)


def stale_given(repo: Repo, ref: OkrRef, kr: KeyResult, last: CheckIn | None) -> bool:
    """:func:`is_stale`, ``last`` being :func:`latest_checkin` of ``kr``."""
    days, as_of = repo.config.lint.stale_after_days, repo.as_of
    start, end = repo.calendar.bounds(ref.period)
    if not start <= as_of <= end or (as_of - start).days <= days:
        return False
    if last is not None and (as_of - last.date).days <= days:
        return False
    return not finished_given(repo, ref, kr, last)
