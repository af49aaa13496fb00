"""A key result's start, target or direction changed after its period started.

Moving the goalposts mid-quarter hides a miss: the score then measures the new
target, not the promise. Checked by `okrbsc lint --since REV` against the
strategy at that revision; a committed objective whose target was made easier
is an error.

Fails:

    # at REV, in a running 2026-Q3:
    - {id: S1.1, title: Qualified pipeline, start: 2.0, target: 3.5}
    # now:
    - {id: S1.1, title: Qualified pipeline, start: 2.0, target: 3.0}

Passes:

    # the same key result with its target unchanged, or a change made
    # before 2026-Q3 started
    - {id: S1.1, title: Qualified pipeline, start: 2.0, target: 3.5}
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Location, Severity
from okrbsc.strategy.periods import Period
from okrbsc.strategy.repo import Repo

CODE = "G501"
NAME = "target-moved"
SEVERITY = Severity.WARNING


HISTORY = True  # checked against the repo at `lint --since REV`


def check(repo: Repo, baseline: Repo) -> Iterator[Hit]:
    # imported here: lint runs it only with --since, and a plain lint need not load it
    from okrbsc.history.diff import GOALPOSTS, compare, easier, fmt, kept_key_results

    for old, new in kept_key_results(baseline, repo):
        if new.period is None:
            continue
        period = Period.parse(new.period)
        if repo.calendar.start(period) > repo.as_of:
            continue
        moved = [c for c in compare(old, new) if c.field in GOALPOSTS and c.change == "changed"]
        if not moved:
            continue
        made_easier = easier(old.fields, new.fields)
        what = ", ".join(f"{c.field} {fmt(c.old)} → {fmt(c.new)}" for c in moved)
        msg = f"key result {new.id!r} changed after {period} started: {what}"
        if made_easier:
            msg += " (easier" + (", on a committed objective)" if new.committed else ")")
        at = moved[0]
        yield Hit(
            msg, Location(new.path, at.line, at.column), escalate=made_easier and new.committed
        )
