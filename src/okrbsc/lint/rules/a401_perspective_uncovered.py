"""No objective of a quarter reaches a perspective.

OKRs are the execution engine of the scorecard: over a quarter, the teams'
objectives (through `aligns_to`, up to scorecard objectives) should move every
perspective, not only the financial one.

Fails:

    # every 2026-Q3 objective aligns to financial objectives only
    objectives:
      - {id: S1, title: Win the mid-market, aligns_to: [F1]}

Passes:

    objectives:
      - {id: S1, title: Win the mid-market, aligns_to: [F1]}
      - {id: S2, title: Make deployment painless, aligns_to: [P1]}
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules._gaps import gaps
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.repo import Repo

CODE = "A401"
NAME = "perspective-uncovered"
SEVERITY = Severity.WARNING


def check(repo: Repo) -> Iterator[Hit]:
    unsure = gaps(repo)
    if not repo.scorecards or unsure.scorecard_unread:
        return
    for period in repo.quarters():
        if unsure.period_unsure(period):
            continue
        refs = repo.periods[period]
        files = [f for f, doc in repo.okr_files if doc.period == period]
        if not files:
            continue
        reached = {p for ref in refs for p in repo.perspectives_of(ref)}
        first = files[0]
        doc = first.model
        for persp in repo.perspectives:
            if persp.id not in reached:
                msg = f"no objective of {period} reaches perspective {persp.id!r} ({persp.name})"
                yield hit(first, first.at(doc, "period") if doc is not None else (1, 1), msg)
