"""An objective aligns to nothing.

Every quarterly objective should trace up to the strategy: to an annual
objective, a parent team's objective or a scorecard objective. An annual
objective should reach at least one scorecard objective.

Fails:

    objectives:
      - id: S1
        title: Win the mid-market

Passes:

    objectives:
      - id: S1
        title: Win the mid-market
        aligns_to: [C1]
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules._common import objectives
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.repo import Repo

CODE = "O105"
NAME = "objective-unaligned"
SEVERITY = Severity.WARNING


def check(repo: Repo) -> Iterator[Hit]:
    for ref in objectives(repo):
        obj = ref.objective
        if ref.period.is_quarter:
            if not obj.aligns_to:
                yield hit(ref.file, obj.at(), f"objective {obj.id!r} aligns to nothing")
        elif not repo.scorecard_reach(ref):
            msg = f"annual objective {obj.id!r} aligns to no scorecard objective"
            yield hit(ref.file, obj.at("aligns_to") if obj.aligns_to else obj.at(), msg)
