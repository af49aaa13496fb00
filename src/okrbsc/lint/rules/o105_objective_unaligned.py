"""An objective aligns to nothing.

Every quarterly objective should trace up to the strategy: to an annual
objective, a parent team's objective or a scorecard objective. An annual
objective should reach at least one scorecard objective. Only where there is
something to align to (SPEC 10.5): a quarterly objective is told when its
team's parent team has objectives that quarter, the fiscal year has annual
objectives or the repo has a scorecard; an annual objective when the repo has
a scorecard. The root team of a repo of OKRs only aligns to nothing, rightly.

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
from okrbsc.strategy.repo import OkrRef, Repo

CODE = "O105"
NAME = "objective-unaligned"
SEVERITY = Severity.WARNING


def check(repo: Repo) -> Iterator[Hit]:
    for ref in objectives(repo):
        obj = ref.objective
        if not ref.period.is_year:  # a half's objective aligns like a quarter's (15.4)
            if not obj.aligns_to and _above(repo, ref):
                yield hit(ref.file, ref.file.at(obj), f"objective {obj.id!r} aligns to nothing")
        elif repo.has_scorecard and not repo.scorecard_reach(ref):
            msg = f"annual objective {obj.id!r} aligns to no scorecard objective"
            pos = ref.file.at(obj, "aligns_to") if obj.aligns_to else ref.file.at(obj)
            yield hit(ref.file, pos, msg)


def _above(repo: Repo, ref: OkrRef) -> bool:
    """Is there something for this quarterly objective to align to (SPEC 10.5)?"""
    if repo.has_scorecard or any(repo.periods.get(p) for p in ref.period.enclosing):
        return True
    team = repo.teams.get(ref.team)
    parent = team.parent if team is not None else None
    return parent is not None and any(o.team == parent for o in repo.periods[ref.period])
