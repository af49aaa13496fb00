"""A key result of a running period has no recent check-in.

Weekly check-ins are the heartbeat of OKRs. Once a period has run for more
than `lint.stale_after_days` days, every key result needs a check-in within
that many days of the as-of date.

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
from okrbsc.lint.rules._common import key_results
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.repo import Repo

CODE = "C202"
NAME = "stale-kr"
SEVERITY = Severity.WARNING


def check(repo: Repo) -> Iterator[Hit]:
    days = repo.config.lint.stale_after_days
    as_of = repo.as_of
    for ref, index, kr in key_results(repo):
        period = ref.period
        if not repo.running(period) or (as_of - repo.calendar.start(period)).days <= days:
            continue
        dates = [c.date for c in kr.checkins if c.date <= as_of]
        latest = max(dates, default=None)
        if latest is not None and (as_of - latest).days <= days:
            continue
        kr_id = ref.objective.kr_id(index)
        since = f"since {latest}" if latest else "at all"
        msg = f"key result {kr_id!r} has no check-in {since} (as of {as_of}, limit {days} days)"
        yield hit(ref.file, kr.at(), msg)
