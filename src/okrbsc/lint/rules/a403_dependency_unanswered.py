"""An objective depends on a team that has no objective answering it.

A dependency nobody has planned for is the classic cross-team failure. The
team depended on should have, in the same period, an objective that aligns to
the depending objective or depends back on its team or on it.

Fails:

    # sales: S1 depends_on [product]; product has nothing aligned to S1
    objectives:
      - {id: S1, title: Win the mid-market, depends_on: [product]}

Passes:

    # product, same quarter:
    objectives:
      - {id: P1, title: Make the mid-market fleet easy to buy, aligns_to: [S1]}
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules._common import objectives
from okrbsc.lint.rules._gaps import gaps
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.repo import Repo

CODE = "A403"
NAME = "dependency-unanswered"
SEVERITY = Severity.WARNING


def check(repo: Repo) -> Iterator[Hit]:
    unsure = gaps(repo)
    for ref in objectives(repo):
        for i, ident in enumerate(ref.objective.depends_on):
            team = repo.dependency_team(ref, ident)
            if team is None or team == ref.team or repo.dependency_answered(ref, team):
                continue
            if unsure.team_unsure(ref.period, team) or ref.file.path in unsure.misplaced:
                continue
            msg = (
                f"{ref.id!r} depends on {ident!r}, but team {team!r} has no objective in "
                f"{ref.period} aligned to {ref.id!r} or depending back"
            )
            yield hit(ref.file, ref.file.item_at(ref.objective, "depends_on", i), msg)
