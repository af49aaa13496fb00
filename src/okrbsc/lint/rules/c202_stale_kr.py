"""A key result of a running period has no recent check-in.

Weekly check-ins are the heartbeat of OKRs. Once a period has run for more
than `lint.stale_after_days` days, every key result needs a check-in within
that many days of the as-of date. A finished key result needs no more
check-ins and is never stale: a binary one that is done, a metric one whose
current value (its latest check-in, else `current`) meets its target in its
direction, or one whose recorded `score` (or its objective's) is in force.
A recorded score is in force from the last day of its period on. A key
result without any data is not finished. The same test gives the at-risk
cause `stale` in `score`, `status`, the report and `remind`.

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

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules._gaps import gaps
from okrbsc.lint.rules.base import hit
from okrbsc.scoring.freshness import latest_checkin, stale_given
from okrbsc.strategy.repo import OkrRef, Repo

CODE = "C202"
NAME = "stale-kr"
SEVERITY = Severity.WARNING
PER_FILE = True


def check(repo: Repo) -> Iterator[Hit]:
    days = repo.config.lint.stale_after_days
    misplaced = gaps(repo).misplaced
    for period, refs in repo.periods.items():
        if not repo.running(period):
            continue
        for ref in refs:
            if ref.file.path not in misplaced:
                yield from _stale(repo, ref, days)


def _stale(repo: Repo, ref: OkrRef, days: int) -> Iterator[Hit]:
    """The objective's stale key results (:mod:`okrbsc.scoring.freshness`)."""
    as_of = repo.as_of
    for index, kr in enumerate(ref.objective.key_results):
        last = latest_checkin(kr, as_of)
        if not stale_given(repo, ref, kr, last):
            continue
        kr_id = ref.objective.kr_id(index)
        since = f"since {last.date}" if last is not None else "at all"
        msg = f"key result {kr_id!r} has no check-in {since} (as of {as_of}, limit {days} days)"
        yield hit(ref.file, ref.file.at(kr), msg)
