"""`okrbsc checkin MEASURE VALUE`: record a scorecard measure's actual (SPEC 10.6, 15.1).

A binary measure takes true/false (yes/no, done), an ordinal one a word.

The value goes through the one values engine (:mod:`okrbsc.write.values`), so
it is written like `pull` and `import` write actuals: in period order, as a
person types it, through the safe writer. A different value already recorded
for the period is a restatement, written only when asked for.
"""

from __future__ import annotations

from dataclasses import dataclass

from okrbsc.errors import DataError
from okrbsc.strategy.measures import value_text as shown
from okrbsc.strategy.periods import Period
from okrbsc.strategy.repo import Repo
from okrbsc.write.scalars import scalar
from okrbsc.write.values import ActualRow, Change, ChangeKind, Value, merge, write


class RestatementRefused(DataError):
    """The period already has a different actual, and --restate was not given (exit 1)."""


@dataclass(frozen=True)
class Recorded:
    """What the check-in of an actual did."""

    path: str
    change: Change

    @property
    def message(self) -> str:
        c = self.change
        at = f"{c.path}:{c.line}"
        old, new = shown(c.old), _written(c.new)  # as written in the file
        if c.change is ChangeKind.UNCHANGED:
            return f"{at}: {c.id} already has {new} in {c.key}: nothing to change"
        if c.change is ChangeKind.RESTATED:
            return f"{at}: restated {c.id} in {c.key}: {old} -> {new}"
        return f"{at}: recorded {c.id} = {new} in {c.key}"


def _written(value: object) -> str:
    """A new value as the write puts it in the file (``1.0e+20``, not ``1e+20``)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return scalar(value)
    return shown(value)


def record_actual(
    repo: Repo, measure: str, period: Period, value: Value, *, restate: bool
) -> Recorded:
    """Write ``actuals[period] = value`` into the measure's file, or say why not."""
    found = repo.measures.get(measure)
    if found is not None and found[1].rollup is not None:  # SPEC 18.2
        units = ", ".join(found[1].rollup.of)
        raise DataError(
            f"{found[0].file.path}: {measure} is rolled up from its units ({units}): its actual "
            "comes from theirs, so it takes no check-in (nothing was written)"
        )
    result = merge(repo, [ActualRow(measure, period, value)])
    if result.errors:
        raise DataError(str(result.errors[0]))
    change = result.changes[0]
    if change.change is ChangeKind.RESTATED and not restate:
        raise RestatementRefused(
            f"{change.path}:{change.line}: {measure} already has {shown(change.old)} in "
            f"{period}, not {shown(change.new)}: pass --restate to replace it (nothing was written)"
        )
    write(repo, result, restate=restate)
    return Recorded(change.path, change)
