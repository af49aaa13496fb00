"""A business unit has no entry in `units.lock`, or the lock names no unit.

A group repo reads each unit at the commit `units.lock` pins (SPEC 18.1), so
that a group report says what it was computed from and a unit's later edits
do not change last quarter's roll-ups. A unit with no entry would be read at
no commit at all; an entry for a unit okrbsc.yaml no longer lists is a left-over.
Run `okrbsc units lock` to add the missing entries and drop the left-overs.

Fails:

    # okrbsc.yaml
    units:
      - {id: emea, name: Acme EMEA, repo: ../emea-strategy}
    # units.lock: absent, or without emea

Passes:

    # okrbsc.yaml
    units:
      - {id: emea, name: Acme EMEA, repo: ../emea-strategy}
    # units.lock (written by okrbsc units lock)
    units:
      - {id: "emea", repo: "../emea-strategy", ref: "HEAD", commit: "…", date: "…"}
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.repo import Repo, SourceFile
from okrbsc.units.lock import LOCK_NAME, read_lock

CODE = "U701"
NAME = "unit-unlocked"
SEVERITY = Severity.ERROR


def check(repo: Repo) -> Iterator[Hit]:
    units = repo.config.units
    entries = read_lock(repo.root)
    if not units and entries is None:
        return
    locked = {e.id for e in entries or []}
    config = repo.config_file
    for unit in units:
        if unit.id not in locked:
            msg = f"unit {unit.id!r} has no entry in {LOCK_NAME}: run okrbsc units lock"
            yield hit(config, config.at(unit, "id"), msg)
    known = {u.id for u in units}
    lock_file = SourceFile(LOCK_NAME, "", None, [])
    for entry in entries or []:
        if entry.id not in known:
            msg = (
                f"{LOCK_NAME} locks {entry.id!r}, which is no unit of okrbsc.yaml: "
                "run okrbsc units lock to drop it"
            )
            yield hit(lock_file, (entry.line, 5), msg)
