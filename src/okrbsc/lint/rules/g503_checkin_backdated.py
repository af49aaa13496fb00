"""A check-in added long after the date it claims: the rhythm is proven by git.

Weekly check-ins are the habit that makes OKRs work; a batch of check-ins
typed in at the end of the month, dated as if written each week, claims a
rhythm that did not happen. Checked by `okrbsc lint --since REV`: a check-in
added after REV whose `date` lies more than `lint.backdate_days` (default 7)
days before the author date of the commit that added it (the as-of date when
it is not committed yet) is a warning at the check-in. Editing an existing
check-in is G502, not this.

Fails:

    # committed on 2026-08-03, a check-in dated three weeks earlier:
    checkins:
      - {date: 2026-07-13, value: 2.4}

Passes:

    # committed on 2026-07-14:
    checkins:
      - {date: 2026-07-13, value: 2.4}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Location, Severity
from okrbsc.strategy.repo import Repo

CODE = "G503"
NAME = "checkin-backdated"
SEVERITY = Severity.WARNING


HISTORY = True  # checked against the repo at `lint --since REV`


def check(repo: Repo, baseline: Repo) -> Iterator[Hit]:
    # imported here: lint runs it only with --since, and a plain lint need not load it
    from okrbsc.history.backdate import when_added

    revision = baseline.revision
    if revision is None:
        return
    limit = repo.config.lint.backdate_days
    for added in when_added(baseline, repo, revision):
        late = (added.written - dt.date.fromisoformat(added.date)).days
        if late <= limit:
            continue
        when = (
            f"commit {added.commit[:7]} of {added.written}"
            if added.commit
            else (f"not committed yet (as of {added.written})")
        )
        days = "day" if late == 1 else "days"
        msg = (
            f"check-in of {added.date} of key result {added.kr.id!r} was written {late} {days} "
            f"later ({when}), more than lint.backdate_days ({limit}): check in when it happens"
        )
        line, column = added.kr.checkin_pos(added.date)
        yield Hit(msg, Location(added.kr.path, line, column))
