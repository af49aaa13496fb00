"""An objective's title contains a digit: objectives are qualitative.

The objective says where to go and why it matters; the numbers belong in its
key results.

Fails:

    objectives:
      - {id: S1, title: Reach 3.5m pipeline}

Passes:

    objectives:
      - {id: S1, title: Win the mid-market}
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules._common import objectives
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.repo import Repo

CODE = "O107"
NAME = "objective-has-number"
SEVERITY = Severity.WARNING
PER_FILE = True


def check(repo: Repo) -> Iterator[Hit]:
    for ref in objectives(repo):
        if any(ch.isdigit() for ch in ref.objective.title):
            msg = f"objective {ref.id!r} has a number in its title: put numbers in key results"
            yield hit(ref.file, ref.file.at(ref.objective, "title"), msg)
