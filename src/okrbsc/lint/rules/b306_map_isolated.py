"""A scorecard objective neither drives nor is driven by another.

An objective outside the map's cause and effect does not explain how it
contributes to the strategy.

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
    driven = {
        i
        for ref in objectives.values()
        for i in ref.objective.drives
        if i in objectives and i != ref.id  # driving itself connects nothing
    }
    for ref in objectives.values():
        drives = [i for i in ref.objective.drives if i in objectives and i != ref.id]
        if not drives and ref.id not in driven:
            msg = f"scorecard objective {ref.id!r} neither drives nor is driven by another"
            yield hit(ref.file, ref.objective.at(), msg)
