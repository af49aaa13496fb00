"""The five sheets of an export (SPEC 13.1): their columns and their rows.

A cell is ``None`` (empty), a ``str``, an ``int`` or ``float``, or a
``datetime.date``. Definition columns hold the files' effective values
(a default weight of 1 is written as 1); computed columns hold exactly what
``score PERIOD --format json`` gives at the same as-of.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from okrbsc.scoring.engine import KrScore, MeasureScore, ObjectiveScore, PeriodScore
    from okrbsc.strategy.models import KeyResult, Measure, Objective
    from okrbsc.strategy.repo import OkrRef, Repo

Cell = str | int | float | dt.date | None

COLUMNS: dict[str, tuple[str, ...]] = {
    "objectives": (
        "id", "team", "period", "title", "type", "owner", "aligns_to", "weight", "score", "grade",
    ),
    "key_results": (
        "id", "objective", "team", "period", "title", "kind", "start", "target", "current",
        "unit", "direction", "owner", "weight", "due", "progress", "score", "grade", "confidence",
    ),
    "checkins": ("key_result", "date", "value", "confidence", "note"),
    "measures": (
        "id", "objective", "perspective", "name", "unit", "type", "direction", "baseline",
        "target", "red_flag", "actual", "status", "achievement",
    ),
    "actuals": ("measure", "period", "value"),
}  # fmt: skip
COMPUTED = frozenset(
    {"progress", "score", "grade", "confidence", "actual", "status", "achievement"}
)
"""Columns a sheet shows but import ignores (``confidence`` only on key_results)."""

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def inert(cell: Cell) -> Cell:
    """OWASP's rule for CSV injection: text a spreadsheet would run gets a leading `'`."""
    if isinstance(cell, str) and (
        cell.startswith(DANGEROUS) or (cell.startswith("'") and cell[1:2] in (*DANGEROUS, "'"))
    ):  # and a `'` that import would take for this one
        return "'" + cell
    return cell


def measure_cell(value: float | bool | str | tuple[float, float] | None) -> Cell:
    """A measure's value as a cell (SPEC 15.1): a number, or text for a word, a binary
    actual (`true`, `false`) or a range (`[98, 100]`, as the file writes it)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(str(number(v)) for v in value) + "]"
    if isinstance(value, str):
        return value
    return number(value)


def number(value: float | bool | None) -> int | float | None:
    """A number as a person types it: 3, not 3.0; a boolean as 0/1."""
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def computed(value: Any) -> Any:
    """A number okrbsc computed, rounded to 4 decimals (SPEC 14.5): 0.6667, not 0.666666…;
    anything else (a word, true/false) as it is."""
    if isinstance(value, float):
        return number(round(value, 4))
    return value


def ids(values: list[str] | tuple[str, ...]) -> str | None:
    return ", ".join(values) if values else None


@dataclass(frozen=True)
class Sheet:
    name: str
    rows: list[tuple[Cell, ...]]

    @property
    def header(self) -> tuple[str, ...]:
        return COLUMNS[self.name]


def sheets(repo: Repo, result: PeriodScore) -> list[Sheet]:
    """The five sheets of ``result``'s period, every text cell made inert."""
    refs = {(r.file.path, r.objective.id): r for r in repo.periods.get(result.period, [])}
    objectives: list[tuple[Cell, ...]] = []
    key_results: list[tuple[Cell, ...]] = []
    checkins: list[tuple[Cell, ...]] = []
    for team in result.teams:
        for o in team.objectives:
            ref = refs[(o.path, o.id)]
            objectives.append(_objective_row(ref, o))
            for index, k in enumerate(o.key_results):
                kr = ref.objective.key_results[index]
                key_results.append(_kr_row(ref, kr, k))
                checkins += [
                    (k.id, c.date, number(c.value), number(c.confidence), c.note)
                    for c in kr.checkins
                ]
    measures, actuals = _scorecard_rows(repo, result)
    found = [
        Sheet("objectives", objectives),
        Sheet("key_results", key_results),
        Sheet("checkins", checkins),
        Sheet("measures", measures),
        Sheet("actuals", actuals),
    ]
    return [Sheet(s.name, [tuple(inert(c) for c in row) for row in s.rows]) for s in found]


def _objective_row(ref: OkrRef, o: ObjectiveScore) -> tuple[Cell, ...]:
    obj: Objective = ref.objective
    return (
        obj.id, ref.team, str(ref.period), obj.title, obj.type, obj.owner,
        ids(obj.aligns_to), number(obj.weight), computed(o.score), o.grade,
    )  # fmt: skip


def _kr_row(ref: OkrRef, kr: KeyResult, k: KrScore) -> tuple[Cell, ...]:
    current = number(kr.done) if kr.kind == "binary" else number(kr.current)
    return (
        k.id, ref.objective.id, ref.team, str(ref.period), kr.title, kr.kind,
        number(kr.start), number(kr.target), current, kr.unit, kr.direction, kr.owner,
        number(kr.weight), kr.due, computed(k.progress), computed(k.score), k.grade,
        computed(k.confidence),
    )  # fmt: skip


def _scorecard_rows(
    repo: Repo, result: PeriodScore
) -> tuple[list[tuple[Cell, ...]], list[tuple[Cell, ...]]]:
    from okrbsc.strategy.periods import Period

    measures: list[tuple[Cell, ...]] = []
    actuals: list[tuple[Cell, ...]] = []
    for s in result.scorecard:
        for m in s.measures:
            _, model = repo.measures[m.id]
            measures.append(_measure_row(s.id, s.perspective, model, m))
            actuals += [
                (m.id, str(Period.parse(key)), measure_cell(value))
                for key, value in model.actuals.items()
            ]
    return measures, actuals


def _measure_row(objective: str, perspective: str, m: Measure, s: MeasureScore) -> tuple[Cell, ...]:
    return (
        m.id, objective, perspective, m.name, m.unit, m.type if m.type_stated else None,
        m.direction, number(m.baseline),
        measure_cell(s.target), measure_cell(m.red_flag), measure_cell(computed(s.actual)),
        s.status, computed(s.achievement),
    )  # fmt: skip
