"""A scorecard objective neither drives nor is driven by another.

An objective outside the map's cause and effect does not explain how it
contributes to the strategy. When no objective drives another at all, the
scorecard has no strategy map yet: that is one finding, at the scorecard file,
not one per objective. A scorecard with fewer than two objectives has
nothing to map and is not reported.

Fails:

    objectives:
      - {id: C1, perspective: customer, title: Easiest fleet to deploy}
      - {id: F1, perspective: financial, title: Grow recurring revenue}

Passes:

    objectives:
      - {id: C1, perspective: customer, title: Easiest fleet to deploy, drives: [F1]}
      - {id: F1, perspective: financial, title: Grow recurring revenue}
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.repo import Repo

CODE = "B306"
NAME = "map-isolated"
SEVERITY = Severity.WARNING


def check(repo: Repo) -> Iterator[Hit]:
    objectives = repo.sc_objectives
    if len(objectives) < 2:
        return  # one objective (or none): there is nothing to map (SPEC 15.6)
    driven = {
        i
        for ref in objectives.values()
        for i in ref.objective.drives
        if i in objectives and i != ref.id  # driving itself connects nothing
    }
    if objectives and not driven:
        file = next(iter(objectives.values())).file
        msg = (
            "no strategy map: no scorecard objective drives another "
            "(add `drives: [ID]` to say which objective each one causes)"
        )
        yield hit(file, (1, 1), msg)
        return
    for ref in objectives.values():
        drives = [i for i in ref.objective.drives if i in objectives and i != ref.id]
        if not drives and ref.id not in driven:
            msg = f"scorecard objective {ref.id!r} neither drives nor is driven by another"
            yield hit(ref.file, ref.file.at(ref.objective), msg)
