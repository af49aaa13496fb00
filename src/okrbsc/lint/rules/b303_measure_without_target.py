"""A measure has no target.

A measure without a target has no status: it can never be green or red.
A measure with recorded `ratings` (published traffic lights) or a trajectory of
`targets` has what it needs, and is not reported; nor is a binary measure (met
when its actual is true) or an ordinal one (SPEC 15.1).

Fails:

    measures:
      - {id: F1-arr, name: ARR, baseline: 40}

Passes:

    measures:
      - {id: F1-arr, name: ARR, baseline: 40, target: 52}
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules._gaps import failed
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.repo import Repo

CODE = "B303"
NAME = "measure-without-target"
SEVERITY = Severity.WARNING
PER_FILE = True


def check(repo: Repo) -> Iterator[Hit]:
    for file, card in repo.scorecards:
        for obj in card.objectives:
            for measure in obj.measures:
                if measure.ratings or measure.targets or measure.kind != "metric":
                    continue  # binary and ordinal measures draw no B303 (SPEC 15.1)
                if measure.target is None and not failed(file, measure, "target"):
                    yield hit(file, file.at(measure), f"measure {measure.id!r} has no target")
