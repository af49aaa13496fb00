"""An objective drives one in a lower perspective.

Cause and effect runs up the map: Learning & Growth -> Internal Process ->
Customer -> Financial. A customer objective that drives a process objective
reads backwards.

Fails:

    objectives:
      - {id: C1, perspective: customer, title: Easiest fleet to deploy, drives: [P1]}
      - {id: P1, perspective: process, title: Deploy in a day}

Passes:

    objectives:
      - {id: P1, perspective: process, title: Deploy in a day, drives: [C1]}
      - {id: C1, perspective: customer, title: Easiest fleet to deploy}
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.repo import Repo

CODE = "B305"
NAME = "map-downward"
SEVERITY = Severity.WARNING


def check(repo: Repo) -> Iterator[Hit]:
    rank = repo.perspective_rank
    for ref in repo.sc_objectives.values():
        obj = ref.objective
        for i, ident in enumerate(obj.drives):
            target = repo.sc_objectives.get(ident)
            if target is None or obj.perspective not in rank:
                continue
            other = target.objective.perspective
            if other in rank and rank[other] < rank[obj.perspective]:
                msg = (
                    f"{obj.id!r} ({obj.perspective}) drives {ident!r} ({other}), "
                    "a lower perspective: cause and effect run up the map"
                )
                yield hit(ref.file, ref.file.item_at(obj, "drives", i), msg)
