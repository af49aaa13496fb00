"""A measure is red at a quarter and no objective of that quarter addresses it.

A red scorecard measure should trigger an OKR: some objective of the quarter
should reach (through `aligns_to`) the scorecard objective the measure belongs
to. The measure's status is taken at the end of the quarter (SPEC 4.4).

Fails:

    # F1-arr's latest actual is at its red flag, and no 2026-Q3 objective reaches F1
    measures:
      - {id: F1-arr, name: ARR, baseline: 40, target: 52, actuals: {2026-Q3: 40}}

Passes:

    # a 2026-Q3 objective aligns to F1 (or to an annual objective aligned to F1)
    objectives:
      - {id: S1, title: Win the mid-market, aligns_to: [F1]}
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules._gaps import gaps
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.measures import Assessment, Status, assess, value_text
from okrbsc.strategy.models import Measure
from okrbsc.strategy.periods import Period
from okrbsc.strategy.repo import Repo, ScRef

CODE = "A402"
NAME = "red-measure-unaddressed"
SEVERITY = Severity.WARNING


def check(repo: Repo) -> Iterator[Hit]:
    for period in repo.quarters():
        for sc_ref, measure, found in unaddressed(repo, period):
            msg = (
                f"measure {measure.id!r} is red at {period} ({why(found)}) "
                f"and no objective of {period} reaches {sc_ref.id!r}"
            )
            yield hit(sc_ref.file, sc_ref.file.at(measure), msg)


def unaddressed(repo: Repo, period: Period) -> Iterator[tuple[ScRef, Measure, Assessment]]:
    """The measures red at ``period`` whose scorecard objective no objective of that
    period reaches (nothing while a file of the period cannot be read). The digest
    (`okrbsc digest`, SPEC 16.4) lists the same."""
    if gaps(repo).period_unsure(period) or period not in repo.periods:
        return
    tolerance = repo.config.scoring.measure_tolerance
    addressed: set[str] = set()
    for ref in repo.periods[period]:
        addressed |= repo.scorecard_reach(ref)
    for sc_ref, measure in repo.measures.values():
        if sc_ref.id in addressed:
            continue
        found = assess(measure, period, repo.calendar, tolerance)
        if found.status is Status.RED:
            yield sc_ref, measure, found


def why(found: Assessment) -> str:
    """Why a measure is red: its rating, or its actual against its red flag."""
    if found.rating is not None:
        return f"rated red in {found.rating_period}"
    actual = f"actual {value_text(found.actual)} in {found.actual_period}"
    if found.goal.kind == "binary":
        return actual
    if isinstance(found.goal.target, tuple):
        return f"{actual}, outside {value_text(found.goal.target)}"
    return f"{actual}, red flag {value_text(found.goal.red_flag)}"
