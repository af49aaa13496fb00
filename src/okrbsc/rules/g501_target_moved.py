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

from ..diff import kept_key_results
from ..findings import Hit, Location, Severity
from ..periods import Period
from ..repo import Repo

CODE = "G501"
NAME = "target-moved"
SEVERITY = Severity.WARNING


def check(repo: Repo) -> Iterator[Hit]:
    if repo.baseline is None:
        return
    for old, new in kept_key_results(repo.baseline, repo):
        if new.period is None:
            continue
        period = Period.parse(new.period)
        if period.start(repo.fy_start) > repo.as_of:
            continue
        moved = [f for f in ("start", "target", "direction") if old.fields[f] != new.fields[f]]
        if not moved:
            continue
        easier = _easier(old.fields, new.fields)
        what = ", ".join(f"{f} {old.fields[f]} → {new.fields[f]}" for f in moved)
        msg = f"key result {new.id!r} changed after {period} started: {what}"
        if easier:
            msg += " (easier" + (", on a committed objective)" if new.committed else ")")
        yield Hit(msg, Location(new.path, new.line, 1), escalate=easier and new.committed)


def _easier(old: dict[str, object], new: dict[str, object]) -> bool:
    """The new target asks for less than the old one."""
    o_start, o_target, n_target = old["start"], old["target"], new["target"]
    if not all(isinstance(v, int | float) for v in (o_start, o_target, n_target)):
        return False
    assert isinstance(o_start, int | float) and isinstance(o_target, int | float)
    assert isinstance(n_target, int | float)
    up = old["direction"] != "down" and o_target >= o_start
    return n_target < o_target if up else n_target > o_target
