"""A `period` disagrees with its folders, a date lies outside its period, or a period repeats.

`okrs/2026/Q3/` holds `period: 2026-Q3`, `okrs/2026/H1/` holds `period: 2026-H1`
and `okrs/2026/` holds `period: 2026`;
a file moved or copied to the wrong folder is then caught at once. Paths
without such folders are not checked. A check-in dated outside the period
(with the configured fiscal year start) is a typo in the date or the file.
When the file's `period` disagrees with its folders, that is the one finding:
its check-ins are not also reported as outside that period. A measure's
`actuals`, `targets` or `ratings` that name one period in two spellings
(`2026-Q3` and `FY26-Q3`) leave it unclear which value counts.

Fails:

    # okrs/2026/Q3/sales.yaml
    kind: okrs
    team: sales
    period: 2026-Q4

Passes:

    # okrs/2026/Q3/sales.yaml
    kind: okrs
    team: sales
    period: 2026-Q3
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules._common import objectives
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.models import Measure, OkrFile
from okrbsc.strategy.periods import Period
from okrbsc.strategy.repo import OkrRef, Repo, SourceFile

CODE = "E006"
NAME = "period-mismatch"
SEVERITY = Severity.ERROR
PER_FILE = True

_YEAR = re.compile(r"^(?:\d{4}|[Ff][Yy](?:\d{4}|\d{2}))$")
_QUARTER = re.compile(r"^[Qq]([1-4])$")
_HALF = re.compile(r"^[Hh]([12])$")


def folder_period(path: str) -> tuple[Period, bool] | None:
    """The period the folders of ``path`` name, and whether it is exact.

    ``okrs/2026/Q3/x.yaml`` is exactly 2026-Q3 and ``okrs/2026/x.yaml`` exactly
    2026; ``okrs/2026/teams/x.yaml`` only fixes the year.
    """
    folders = path.split("/")[:-1]
    for i in range(len(folders) - 1, -1, -1):
        named = _quarter_folder(folders[i])
        if named is not None:  # `okrs/FY21-Q1/x.yaml`
            return named, i == len(folders) - 1
        if _YEAR.match(folders[i]):
            try:
                year = Period.parse(folders[i]).year  # `FY21` is 2021 (SPEC 10.2)
            except ValueError:  # a folder `0000` or `9999` names no period
                return None
            rest = folders[i + 1 :]
            if not rest:
                return Period(year), True
            quarter = _QUARTER.match(rest[0])
            if quarter:
                return Period(year, int(quarter.group(1))), len(rest) == 1
            half = _HALF.match(rest[0])
            if half:  # `okrs/2026/H1/` (SPEC 15.4)
                return Period(year, half=int(half.group(1))), len(rest) == 1
            return Period(year), False
    return None


def _quarter_folder(name: str) -> Period | None:
    try:
        period = Period.parse(name)
    except ValueError:
        return None
    return period if period.is_quarter or period.is_half else None


def misplaced(file: SourceFile, doc: OkrFile) -> Period | None:
    """The period of the folders, when the file's `period` disagrees with them."""
    expected = folder_period(file.path)
    if expected is None:
        return None
    period, exact = expected
    wrong = (
        doc.period != period
        if exact
        else (
            doc.period.year != period.year
            or (period.is_quarter and doc.period.quarter != period.quarter)
            or (period.is_half and doc.period.half != period.half)
        )
    )
    return period if wrong else None


def check(repo: Repo) -> Iterator[Hit]:
    yield from _okr_periods(repo)
    for file, card in repo.scorecards:
        for obj in card.objectives:
            for measure in obj.measures:
                for name in ("actuals", "targets", "ratings"):
                    yield from _twice(file, measure, name)


def _twice(file: SourceFile, measure: Measure, name: str) -> Iterator[Hit]:
    """Keys of one of the measure's maps that name a period an earlier key named."""
    seen: dict[Period, object] = {}
    for key in getattr(measure, name):
        period = Period.parse(key)
        if period in seen:
            pos = file.key_at(measure, name, key)
            msg = (
                f"{name} of {measure.id!r} name {period} twice ({seen[period]} and {key}): "
                "keep one of them"
            )
            yield hit(file, pos, msg)
        seen.setdefault(period, key)


def _okr_periods(repo: Repo) -> Iterator[Hit]:
    wrong_period = set()
    for file, doc in repo.okr_files:
        period = misplaced(file, doc)
        if period is not None:
            wrong_period.add(file.path)
            msg = (
                f"period {doc.period} does not match the folder, which holds {period}: "
                f"write `period: {period}`, or move the file to the folder of {doc.period}"
            )
            yield hit(file, file.at(doc, "period"), msg)
    cal = repo.calendar
    for ref in objectives(repo):
        if ref.file.path not in wrong_period:  # else the period is the one problem
            yield from _outside(ref, *cal.bounds(ref.period))


def _outside(ref: OkrRef, start: dt.date, end: dt.date) -> Iterator[Hit]:
    """Due dates and check-ins of the objective's key results outside start to end."""
    for kr in ref.objective.key_results:
        if kr.due is not None and not start <= kr.due <= end:
            msg = f"due date {kr.due} lies outside {ref.period} ({start} to {end})"
            yield hit(ref.file, ref.file.at(kr, "due"), msg)
        for i, checkin in enumerate(kr.checkins):
            if not start <= checkin.date <= end:
                msg = f"check-in of {checkin.date} lies outside {ref.period} ({start} to {end})"
                yield hit(ref.file, ref.file.item_at(kr, "checkins", i), msg)
