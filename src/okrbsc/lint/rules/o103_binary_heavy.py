"""More than half of an objective's key results are binary.

Done/not-done key results are milestones: they measure activity, not
outcomes. An objective mostly made of them is a project plan.

Fails:

    key_results:
      - {title: Pricing page live, kind: binary, done: false}
      - {title: Partner programme signed, kind: binary, done: false}
      - {title: Grow qualified pipeline, start: 2, target: 3.5}

Passes:

    key_results:
      - {title: Pricing page live, kind: binary, done: false}
      - {title: Raise win rate, start: 18, target: 25}
      - {title: Grow qualified pipeline, start: 2, target: 3.5}
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules._common import objectives
from okrbsc.lint.rules._gaps import lost_key_results
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.repo import Repo

CODE = "O103"
NAME = "binary-heavy"
SEVERITY = Severity.WARNING
PER_FILE = True


def check(repo: Repo) -> Iterator[Hit]:
    for ref in objectives(repo):
        krs = ref.objective.key_results
        binary = sum(kr.kind == "binary" for kr in krs)
        if not krs or binary * 2 <= len(krs):
            continue
        if lost_key_results(ref):  # asked only of a binary-heavy objective
            continue  # a key result failed validation: its E002 is the finding
        msg = (
            f"{binary} of {len(krs)} key results of {ref.id!r} are binary: "
            "measure outcomes, not milestones"
        )
        yield hit(ref.file, ref.file.at(ref.objective), msg)
