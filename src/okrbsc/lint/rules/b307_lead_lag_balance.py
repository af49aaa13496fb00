"""The scorecard has no lead measure, or no lag measure.

Lag measures (revenue, churn) say whether the strategy worked; lead measures
(pipeline, deployment time) say early whether it will. A scorecard needs both.

Fails:

    measures:
      - {id: F1-arr, name: ARR, type: lag, target: 52}

Passes:

    measures:
      - {id: F1-arr, name: ARR, type: lag, target: 52}
      - {id: C1-days, name: Days to deploy, type: lead, target: 5}
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.repo import Repo

CODE = "B307"
NAME = "lead-lag-balance"
SEVERITY = Severity.WARNING


def check(repo: Repo) -> Iterator[Hit]:
    if not repo.scorecards:
        return
    kinds = {measure.type for _, measure in repo.measures.values()}
    missing = [kind for kind in ("lead", "lag") if kind not in kinds]
    if missing:
        file, card = repo.scorecards[0]
        what = " and no ".join(missing)
        yield hit(file, card.at("objectives"), f"the scorecard has no {what} measure")
