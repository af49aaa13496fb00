"""A key result of a running period has no recent check-in.

Weekly check-ins are the heartbeat of OKRs. Once a period has run for more
than `lint.stale_after_days` days, every key result needs a check-in within
that many days of the as-of date. A finished key result needs no more
check-ins and is never stale: a binary one that is done, a metric one whose
current value (its latest check-in, else `current`) meets its target in its
direction, or one with a recorded `score`. A key result without any data is
not finished.

Fails:

    # as of 2026-08-20
    checkins:
      - {date: 2026-07-06, value: 2.1}

Passes:

    # as of 2026-08-20
    checkins:
      - {date: 2026-07-06, value: 2.1}
      - {date: 2026-08-17, value: 2.6}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules._gaps import gaps
from okrbsc.lint.rules.base import hit
from okrbsc.scoring.engine import kr_direction
from okrbsc.strategy.measures import TOLERANCE
from okrbsc.strategy.models import CheckIn, KeyResult
from okrbsc.strategy.repo import OkrRef, Repo

CODE = "C202"
NAME = "stale-kr"
SEVERITY = Severity.WARNING
PER_FILE = True


def check(repo: Repo) -> Iterator[Hit]:
    days = repo.config.lint.stale_after_days
    as_of = repo.as_of
    misplaced = gaps(repo).misplaced
    for period, refs in repo.periods.items():
        if not repo.running(period) or (as_of - repo.calendar.start(period)).days <= days:
            continue
        for ref in refs:
            if ref.file.path not in misplaced:
                yield from _stale(ref, as_of, days)


def _stale(ref: OkrRef, as_of: dt.date, days: int) -> Iterator[Hit]:
    """The objective's key results without a check-in in the last ``days`` days."""
    for index, kr in enumerate(ref.objective.key_results):
        last = latest_checkin(kr, as_of)
        if _finished(kr, last):
            continue
        latest = last.date if last is not None else None
        if latest is not None and (as_of - latest).days <= days:
            continue
        kr_id = ref.objective.kr_id(index)
        since = f"since {latest}" if latest else "at all"
        msg = f"key result {kr_id!r} has no check-in {since} (as of {as_of}, limit {days} days)"
        yield hit(ref.file, ref.file.at(kr), msg)


def latest_checkin(kr: KeyResult, as_of: dt.date) -> CheckIn | None:
    """The last of `checkins_until(kr, as_of)`, found without sorting: the latest date
    on or before as-of, and of several check-ins that day the last written."""
    last = None
    for checkin in kr.checkins:
        if checkin.date <= as_of and (last is None or checkin.date >= last.date):
            last = checkin
    return last


def finished(kr: KeyResult, as_of: dt.date) -> bool:
    """Done, at its target in its direction, or scored: nothing left to check in."""
    return _finished(kr, latest_checkin(kr, as_of))


def _finished(kr: KeyResult, last: CheckIn | None) -> bool:
    if kr.score is not None:
        return True
    if kr.kind == "binary":
        return bool(last.value) if last is not None else bool(kr.done)
    value = float(last.value) if last is not None else kr.current
    if value is None or kr.target is None:
        return False  # no data (SPEC 10.4): not finished
    if kr_direction(kr) == "up":
        return value >= kr.target - TOLERANCE
    return value <= kr.target + TOLERANCE
