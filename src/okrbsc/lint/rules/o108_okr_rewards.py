"""An OKR is tied to rewards; tie rewards to scorecard measures.

Paying for OKR scores teaches people to set easy targets (sandbagging), which
kills the ambition OKRs exist for. Compensation belongs to scorecard KPIs.

Fails:

    objectives:
      - id: S1
        title: Win the mid-market
        rewards: true

Passes:

    objectives:
      - id: S1
        title: Win the mid-market
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules._common import objectives
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.repo import Repo

CODE = "O108"
NAME = "okr-rewards"
SEVERITY = Severity.WARNING
PER_FILE = True

_WHY = "tie rewards to scorecard measures, not OKRs"


def check(repo: Repo) -> Iterator[Hit]:
    for ref in objectives(repo):
        obj = ref.objective
        if obj.rewards:
            msg = f"objective {obj.id!r} is tied to rewards: {_WHY}"
            yield hit(ref.file, ref.file.at(obj, "rewards"), msg)
        for index, kr in enumerate(obj.key_results):
            if kr.rewards:
                msg = f"key result {obj.kr_id(index)!r} is tied to rewards: {_WHY}"
                yield hit(ref.file, ref.file.at(kr, "rewards"), msg)
