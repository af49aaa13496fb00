"""`drives` links form a cycle.

A strategy map reads as cause and effect, from learning up to financial
results; a cycle says an objective causes itself.

Fails:

    objectives:
      - {id: C1, perspective: customer, title: Easiest fleet to deploy, drives: [F1]}
      - {id: F1, perspective: financial, title: Grow recurring revenue, drives: [C1]}

Passes:

    objectives:
      - {id: C1, perspective: customer, title: Easiest fleet to deploy, drives: [F1]}
      - {id: F1, perspective: financial, title: Grow recurring revenue}
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.graph import cycles
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.repo import Repo, ScRef

CODE = "B304"
NAME = "map-cycle"
SEVERITY = Severity.ERROR


def check(repo: Repo) -> Iterator[Hit]:
    refs = list(repo.sc_objectives.values())
    order = {id(ref): i for i, ref in enumerate(refs)}

    def targets(ref: ScRef) -> list[ScRef]:
        found = (repo.sc_objectives.get(ident) for ident in ref.objective.drives)
        return [t for t in found if t is not None]

    for cycle in cycles(refs, targets, key=lambda r: order[id(r)]):
        first = cycle[0]
        path = " -> ".join(r.id for r in [*cycle, first])
        pos = first.file.at(first.objective, "drives")
        yield hit(first.file, pos, f"drives forms a cycle: {path}")
