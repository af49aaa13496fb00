"""A unit's `ref` has moved past the commit `units.lock` pins.

The group reads each unit at its locked commit (SPEC 18.1), so a unit that
went on working shows its old numbers until someone runs `okrbsc units update`.
This rule fetches each unit's `ref` to count the commits since, so it runs
only with `okrbsc lint --units-fresh`; every other command never fetches.

Fails:

    # okrbsc.yaml
    units:
      - {id: emea, repo: ../emea-strategy}
    # units.lock pins emea at a commit; ../emea-strategy has 3 commits since

Passes:

    # after `okrbsc units update emea`, the lock pins emea's HEAD
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.repo import Repo
from okrbsc.units.lock import read_lock

CODE = "U702"
NAME = "unit-stale"
SEVERITY = Severity.WARNING
FETCHES = True  # only with `lint --units-fresh`


def check(repo: Repo) -> Iterator[Hit]:
    # imported here: lint runs it only with --units-fresh, and a plain lint need not load it
    from okrbsc.units.fetch import commits_ahead, default_ref

    locked = {e.id: e for e in read_lock(repo.root) or []}
    config = repo.config_file
    for unit in repo.config.units:
        entry = locked.get(unit.id)
        if entry is None:
            continue  # U701 says so
        ahead = commits_ahead(repo.root, unit, entry.commit)
        if ahead > 0:
            commits = "commit" if ahead == 1 else "commits"
            yield hit(
                config,
                config.at(unit, "id"),
                f"unit {unit.id!r}: {default_ref(unit)} has moved {ahead} {commits} past the "
                f"locked {entry.commit[:12]}: run okrbsc units update {unit.id}",
            )
