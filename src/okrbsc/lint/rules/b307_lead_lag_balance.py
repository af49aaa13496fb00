"""The scorecard has no lead measure, or no lag measure.

Lag measures (revenue, churn) say whether the strategy worked; lead measures
(pipeline, deployment time) say early whether it will. A scorecard needs both.
A measure's `type` is `lag` unless it says `type: lead`; when no measure
declares a type at all, the finding says so rather than that there is no
lead measure.

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
from okrbsc.strategy.models import Measure
from okrbsc.strategy.repo import Repo

CODE = "B307"
NAME = "lead-lag-balance"
SEVERITY = Severity.WARNING


def check(repo: Repo) -> Iterator[Hit]:
    if not repo.scorecards:
        return
    measures = [measure for _, measure in repo.measures.values()]
    if not measures:
        return  # B302 reports each objective without a measure
    file, card = repo.scorecards[0]
    if not any(declares_type(measure) for measure in measures):
        msg = (
            "no measure declares `type`, so all count as lag: mark the measures that "
            "say early whether the strategy works with `type: lead`"
        )
        yield hit(file, file.at(card, "objectives"), msg)
        return
    kinds = {measure.type for measure in measures}
    missing = [kind for kind in ("lead", "lag") if kind not in kinds]
    if missing:
        what = " and no ".join(missing)
        yield hit(file, file.at(card, "objectives"), f"the scorecard has no {what} measure")


def declares_type(measure: Measure) -> bool:
    return "type" in measure.model_fields_set
