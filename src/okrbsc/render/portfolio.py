"""The portfolio of a group repo (SPEC 18.3): units x perspectives, each unit's score and
at-risk count, and the rolled-up measures with each unit's part; for `status` and the
report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from okrbsc.render.score import STATUS_STYLE, STATUS_TEXT, actual_text, num, pct, quantity
from okrbsc.scoring.engine import MeasureScore, PeriodScore, RollupPart, UnitScore

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table


def perspectives(result: PeriodScore) -> list[tuple[str, str]]:
    """The perspectives of the units' scorecards (id, name), in the first unit's order."""
    seen: dict[str, str] = {}
    for unit in result.units:
        for p in unit.perspectives:
            seen.setdefault(p.id, p.name)
    return list(seen.items())


def cell(unit: UnitScore, perspective: str) -> tuple[str, str]:
    """(text, status) of a unit at a perspective: "62% amber"; "–" when it has none."""
    for p in unit.perspectives:
        if p.id == perspective:
            text = (
                f"{pct(p.achievement)} {STATUS_TEXT[p.status]}"
                if p.achievement is not None
                else STATUS_TEXT[p.status]
            )
            return text, p.status
    return "–", "unknown"


def rolled(result: PeriodScore) -> list[MeasureScore]:
    return [m for s in result.scorecard for m in s.measures if m.coverage is not None]


def part_text(part: RollupPart) -> str:
    """One unit's part: "emea 45 EUR m (2026-Q2)", or "apac missing"."""
    unit = part.ref.partition(":")[0]
    if part.actual is None:
        return f"{unit} missing"
    since = f" ({part.actual_period})" if part.actual_period else ""
    return f"{unit} {quantity(part.actual, part.unit)}{since}"


def print_portfolio(result: PeriodScore, console: Console) -> None:
    from rich.text import Text

    console.print()
    console.print(Text(f"Portfolio: {len(result.units)} units", style="bold"))
    console.print(units_table(result))
    measures = rolled(result)
    if not measures:
        return
    console.print(Text("Rolled-up measures", style="bold"))
    console.print(rolled_table(measures))


def units_table(result: PeriodScore) -> Table:
    """A row a unit: its score, at-risk and no-data counts, and a cell a perspective."""
    from rich.table import Table
    from rich.text import Text

    from okrbsc.render.text import rich_text

    table = Table(show_edge=False, pad_edge=False)
    table.add_column("unit")
    table.add_column("score", justify="right")
    table.add_column("at risk", justify="right")
    table.add_column("no data", justify="right")
    persp = perspectives(result)
    for _, name in persp:
        table.add_column(rich_text(name))
    for unit in result.units:
        cells: list[Text] = [
            rich_text(f"{unit.id} {unit.name}"),
            Text(num(unit.score)),
            Text(str(unit.at_risk)),
            Text(str(unit.no_data)),
        ]
        for ident, _ in persp:
            text, status = cell(unit, ident)
            cells.append(Text(text, style=STATUS_STYLE.get(status, "")))
        table.add_row(*cells)
    return table


def rolled_table(measures: list[MeasureScore]) -> Table:
    """A row a rolled-up measure: how it is rolled up, its actual and status, its parts."""
    from rich.table import Table
    from rich.text import Text

    from okrbsc.render.text import rich_text

    parts = Table(show_edge=False, pad_edge=False)
    for name in ("measure", "by", "actual", "status", "parts"):
        parts.add_column(name)
    for m in measures:
        parts.add_row(
            rich_text(f"{m.id} {m.name}"),
            Text(m.rollup or ""),
            rich_text(actual_text(m)),
            Text(STATUS_TEXT[m.status], style=STATUS_STYLE.get(m.status, "")),
            rich_text("; ".join(part_text(p) for p in m.parts)),
        )
    return parts
