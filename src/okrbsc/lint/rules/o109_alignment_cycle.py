"""`aligns_to` links form a cycle.

Alignment runs upward, from a team's quarter to the strategy. A cycle
(A aligns to B, B aligns to A) traces to nothing and hides what either serves.

Fails:

    objectives:
      - {id: S1, title: Win the mid-market, aligns_to: [S2]}
      - {id: S2, title: Keep our best customers, aligns_to: [S1]}

Passes:

    objectives:
      - {id: S1, title: Win the mid-market, aligns_to: [C1]}
      - {id: S2, title: Keep our best customers, aligns_to: [S1]}
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.graph import cycles
from okrbsc.lint.rules._common import objectives
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.repo import OkrRef, Repo

CODE = "O109"
NAME = "alignment-cycle"
SEVERITY = Severity.ERROR


def check(repo: Repo) -> Iterator[Hit]:
    refs = list(objectives(repo))
    order = {id(ref.objective): i for i, ref in enumerate(refs)}

    def targets(ref: OkrRef) -> list[OkrRef]:
        return [t for t in repo.alignments(ref) if isinstance(t, OkrRef)]

    for cycle in cycles(refs, targets, key=lambda r: order[id(r.objective)]):
        first = cycle[0]
        path = " -> ".join(r.id for r in [*cycle, first])
        pos = first.file.at(first.objective, "aligns_to")
        yield hit(first.file, pos, f"aligns_to forms a cycle: {path}")
