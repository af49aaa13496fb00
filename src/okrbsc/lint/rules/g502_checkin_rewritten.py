"""An existing check-in's date or value was changed, or it was deleted.

Check-ins are the record of how the quarter went; rewriting them rewrites
history. Add a new check-in instead. Checked by `okrbsc lint --since REV`
against the strategy at that revision.

Fails:

    # at REV:
    checkins: [{date: 2026-07-06, value: 2.1}]
    # now:
    checkins: [{date: 2026-07-06, value: 2.6}]

Passes:

    # now: the old check-in kept, a new one added
    checkins: [{date: 2026-07-06, value: 2.1}, {date: 2026-07-13, value: 2.6}]
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Location, Severity
from okrbsc.strategy.repo import Repo

CODE = "G502"
NAME = "checkin-rewritten"
SEVERITY = Severity.WARNING


HISTORY = True  # checked against the repo at `lint --since REV`


def check(repo: Repo, baseline: Repo) -> Iterator[Hit]:
    # imported here: lint runs it only with --since, and a plain lint need not load it
    from okrbsc.history.diff import compare_checkins, kept_key_results

    for old, new in kept_key_results(baseline, repo):
        for change in compare_checkins(old, new):
            if change.change == "check-in edited":
                what = f"was edited: {change.old} → {change.new}"
            elif change.change == "check-in removed":
                what = f"({change.old}) was deleted or re-dated"
            else:
                continue
            msg = (
                f"check-in of {change.field} of key result {new.id!r} {what}; "
                "add a new check-in instead"
            )
            yield Hit(msg, Location(new.path, change.line, change.column))
