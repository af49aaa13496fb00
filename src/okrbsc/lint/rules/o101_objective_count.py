"""A team has too few or too many objectives in a quarter.

Focus is the point of OKRs: three to five objectives a quarter (configurable
with `lint.objectives_per_team`). Fewer is a to-do list, more is no focus.
Counted per team and quarter over all the team's files.

Fails:

    kind: okrs
    team: sales
    period: 2026-Q3
    objectives:
      - {id: S1, title: Win the mid-market}

Passes:

    kind: okrs
    team: sales
    period: 2026-Q3
    objectives:
      - {id: S1, title: Win the mid-market}
      - {id: S2, title: Keep our best customers}
      - {id: S3, title: Make every rep a product expert}
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules._common import count
from okrbsc.lint.rules._gaps import gaps
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.models import OkrFile
from okrbsc.strategy.repo import Repo, SourceFile

CODE = "O101"
NAME = "objective-count"
SEVERITY = Severity.WARNING


def check(repo: Repo) -> Iterator[Hit]:
    low, high = repo.config.lint.objectives_per_team
    counts: dict[tuple[object, str], tuple[SourceFile, OkrFile, int]] = {}
    for file, doc in repo.okr_files:
        if doc.period.is_year:  # a quarter's or a half's count (15.4)
            continue
        key = (doc.period, doc.team)
        first, first_doc, number = counts.get(key, (file, doc, 0))
        counts[key] = (first, first_doc, number + len(doc.objectives))
    unsure = gaps(repo)
    for (period, team), (file, doc, number) in counts.items():
        if unsure.team_unsure(period, team):  # type: ignore[arg-type]
            continue
        if not low <= number <= high:
            has = count(number, "objective")
            msg = f"team {team!r} has {has} in {period}; expected {low} to {high}"
            yield hit(file, file.at(doc, "objectives"), msg)
