"""A scorecard objective has no measure.

Without a measure an objective cannot be tracked, turn red or trigger an OKR.

Fails:

    objectives:
      - {id: F1, perspective: financial, title: Grow recurring revenue}

Passes:

    objectives:
      - id: F1
        perspective: financial
        title: Grow recurring revenue
        measures:
          - {id: F1-arr, name: ARR, baseline: 40, target: 52}
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.repo import Repo

CODE = "B302"
NAME = "objective-without-measure"
SEVERITY = Severity.WARNING
PER_FILE = True


def check(repo: Repo) -> Iterator[Hit]:
    for file, card in repo.scorecards:
        for obj in card.objectives:
            if not obj.measures:
                yield hit(file, file.at(obj), f"scorecard objective {obj.id!r} has no measure")
