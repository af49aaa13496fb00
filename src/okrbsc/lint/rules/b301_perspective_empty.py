"""A perspective has no scorecard objective.

A Balanced Scorecard is balanced by having objectives in every perspective:
an empty one means the strategy ignores, say, the capabilities that drive
everything else. A repo of OKRs only (no scorecard at all) is not told.

Fails:

    kind: scorecard
    objectives:
      - {id: F1, perspective: financial, title: Grow recurring revenue}

Passes:

    kind: scorecard
    perspectives:
      - {id: financial, name: Financial}
    objectives:
      - {id: F1, perspective: financial, title: Grow recurring revenue}
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules._gaps import gaps
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.repo import Repo

CODE = "B301"
NAME = "perspective-empty"
SEVERITY = Severity.ERROR


def check(repo: Repo) -> Iterator[Hit]:
    if gaps(repo).scorecard_unread:
        return  # the scorecard's E001/E002 is the one finding until it reads
    if not repo.scorecards:
        return  # SPEC 10.1: a repo of OKRs only has no perspectives to fill
    used = {ref.objective.perspective for ref in repo.sc_objectives.values()}
    file, card = next(
        ((f, c) for f, c in repo.scorecards if c.perspectives is not None), repo.scorecards[0]
    )
    for persp in repo.perspectives:
        if persp.id not in used:
            pos = file.at(persp) if card.perspectives is not None else file.at(card, "objectives")
            yield hit(file, pos, f"perspective {persp.id!r} ({persp.name}) has no objective")
