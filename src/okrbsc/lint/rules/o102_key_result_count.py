"""An objective has too few or too many key results.

Two to five key results (configurable with `lint.key_results_per_objective`)
describe an objective's outcome from enough sides without diluting it: one
alone is a single number to hit, six or more dilute the objective.

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
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules._common import count, objectives
from okrbsc.lint.rules._gaps import lost_key_results
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.repo import Repo

CODE = "O102"
NAME = "key-result-count"
SEVERITY = Severity.WARNING
PER_FILE = True


def check(repo: Repo) -> Iterator[Hit]:
    low, high = repo.config.lint.key_results_per_objective
    for ref in objectives(repo):
        number = len(ref.objective.key_results)
        if low <= number <= high:
            continue
        if lost_key_results(ref):  # asked only of an objective with too few or many
            continue  # a key result failed validation: its E002 is the finding
        has = count(number, "key result")
        msg = f"objective {ref.id!r} has {has}; expected {low} to {high}"
        yield hit(ref.file, ref.file.at(ref.objective), msg)
