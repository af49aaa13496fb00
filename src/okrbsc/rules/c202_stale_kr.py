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

from ..findings import Hit, Severity
from ..repo import Repo
from ._common import key_results
from .base import hit

CODE = "C202"
NAME = "stale-kr"
SEVERITY = Severity.WARNING


def check(repo: Repo) -> Iterator[Hit]:
    days = repo.config.lint.stale_after_days
    as_of, fy = repo.as_of, repo.fy_start
    for ref, index, kr in key_results(repo):
        period = ref.period
        if not repo.running(period) or (as_of - period.start(fy)).days <= days:
            continue
        dates = [c.date for c in kr.checkins if c.date <= as_of]
        latest = max(dates, default=None)
        if latest is not None and (as_of - latest).days <= days:
            continue
        kr_id = ref.objective.kr_id(index)
        since = f"since {latest}" if latest else "at all"
        msg = f"key result {kr_id!r} has no check-in {since} (as of {as_of}, limit {days} days)"
        yield hit(ref.file, kr.at(), msg)
