"""An objective has too few or too many key results.

Three to five key results (configurable with `lint.key_results_per_objective`)
describe an objective's outcome from enough sides without diluting it.

Fails:

    objectives:
      - id: S1
        title: Win the mid-market
        key_results:
          - {title: Grow qualified pipeline, start: 2, target: 3.5}

Passes:

    objectives:
      - id: S1
        title: Win the mid-market
        key_results:
          - {title: Grow qualified pipeline, start: 2, target: 3.5}
          - {title: Raise win rate, start: 18, target: 25}
          - {title: Shorten the sales cycle, start: 90, target: 60}
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules._common import objectives
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.repo import Repo

CODE = "O102"
NAME = "key-result-count"
SEVERITY = Severity.ERROR


def check(repo: Repo) -> Iterator[Hit]:
    low, high = repo.config.lint.key_results_per_objective
    for ref in objectives(repo):
        count = len(ref.objective.key_results)
        if not low <= count <= high:
            msg = f"objective {ref.id!r} has {count} key results; expected {low} to {high}"
            yield hit(ref.file, ref.objective.at(), msg)
