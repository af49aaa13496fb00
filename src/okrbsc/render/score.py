"""Render a period's scores: a rich table for the terminal and Markdown."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from okrbsc.render.text import md_text, rich_text
from okrbsc.scoring.engine import (
    KrScore,
    MeasureScore,
    ObjectiveScore,
    PeriodScore,
    ScorecardObjectiveScore,
    TeamScore,
)

if TYPE_CHECKING:
    from rich.console import Console

GRADE_STYLE = {"green": "green", "yellow": "yellow", "red": "red"}
STATUS_STYLE = {"green": "green", "amber": "yellow", "red": "red", "unknown": "dim"}
PACE_TEXT = {
    "on_track": "on track",
    "behind": "behind",
    "off_track": "off track",
    "no_data": "no data",
}


def pct(value: float | None, *, least: float | None = None) -> str:
    """A share as a whole percentage ("0%", never "-0%"), at least ``least``; "–" when unknown."""
    if value is None:
        return "–"
    shown = value if least is None else max(least, value)
    return f"{round(shown * 100) + 0}%"


def num(value: float | None, places: int = 2) -> str:
    """A number for display: 2 decimals, trailing zeros kept for scores."""
    if value is None:
        return "–"
    return f"{value:.{places}f}"


def quantity(value: float | bool | None, unit: str | None = None) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "done" if value else "not done"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text} {unit}".strip() if unit and unit != "%" else (text + ("%" if unit else ""))


def bar(progress: float, expected: float | None = None, width: int = 10) -> str:
    """A text progress bar; `│` marks where progress should be by now.

    (Not `|`, which would split a Markdown table cell even inside backticks.)"""
    filled = round(max(0.0, min(1.0, progress)) * width)
    cells = ["█"] * filled + ["░"] * (width - filled)
    if expected is not None:
        mark = min(width - 1, round(expected * width))
        if mark >= filled:
            cells[mark] = "│"
    return "".join(cells)


def kr_value(k: KrScore) -> str:
    if k.kind == "binary":
        return quantity(bool(k.current))
    now = quantity(k.current, k.unit if k.unit == "%" else None)
    text = f"{now} of {quantity(k.target, k.unit)}"
    if k.start_source in START_FROM:  # a start okrbsc took from the data (SPEC 10.3)
        text += f" (from {quantity(k.start)}, {START_FROM[k.start_source]})"
    return text


START_FROM = {"checkin": "first check-in", "current": "current"}

NO_SCORECARD = (
    "No scorecard in this repo: the strategy map, perspectives and measures are left out."
)


def no_okrs(result: PeriodScore) -> str:
    return f"No OKR files for {result.period}: the scorecard alone."


def left_out(result: PeriodScore) -> list[str]:
    """SPEC 10.1: the one line saying which part a repo of one shape lacks."""
    out = [] if result.has_scorecard else [NO_SCORECARD]
    return out + ([] if result.has_okrs else [no_okrs(result)])


# --- Markdown -------------------------------------------------------------------------


def markdown(result: PeriodScore) -> str:
    head = (
        f"# Scores for {result.period}\n\nAs of {result.as_of}: period score "
        f"**{num(result.score)}**, expected progress {num(result.expected)}.\n"
    )
    parts = [head, *(line + "\n" for line in left_out(result))]
    for team in result.teams:
        discipline = (
            ""
            if team.discipline is None
            else (f" (check-ins in {team.discipline:.0%} of elapsed weeks)")
        )
        parts.append(f"## {md_text(team.name)} — {num(team.score)}{discipline}\n")
        rows = [
            "| id | objective / key result | value | score | grade | confidence | pace |",
            "|---|---|---|---:|---|---:|---|",
        ]
        for obj in team.objectives:
            rows.append(_md_objective(obj))
            rows += [_md_kr(k) for k in obj.key_results]
        parts.append("\n".join(rows) + "\n")
    if result.has_scorecard:
        parts.append(_md_perspectives(result))
        parts.append(_md_scorecard(result))
    return "\n".join(parts)


def _md_objective(o: ObjectiveScore) -> str:
    recorded = " (recorded)" if o.recorded else ""
    return (
        f"| **{md_text(o.id)}** | **{md_text(o.title)}** ({o.type}) | | "
        f"**{num(o.score)}**{recorded} | {o.grade} | | |"
    )


def _md_kr(k: KrScore) -> str:
    risk = " ⚠ at risk" if k.at_risk else ""
    return (
        f"| {md_text(k.id)} | {md_text(k.title)} | {md_text(kr_value(k))} | {num(k.score)} | "
        f"{k.grade} | {num(k.confidence)}{risk} | {PACE_TEXT[k.pace]} |"
    )


def _md_perspectives(result: PeriodScore) -> str:
    rows = [
        "## Perspectives\n",
        "| perspective | OKR score | achievement | status |",
        "|---|---:|---:|---|",
    ]
    rows += [
        f"| {md_text(p.name)} | {num(p.okr_score)} | {num(p.achievement)} | {p.status} |"
        for p in result.perspectives
    ]
    return "\n".join(rows) + "\n"


def _md_scorecard(result: PeriodScore) -> str:
    rows = [
        "## Scorecard\n",
        "| objective | measure | actual | target | red flag | status |",
        "|---|---|---:|---:|---:|---|",
    ]
    for s in result.scorecard:
        for m in s.measures:
            rows.append(
                f"| {md_text(s.id)} {md_text(s.title)} | {md_text(m.name)} | "
                f"{md_text(quantity(m.actual, m.unit))} | {md_text(quantity(m.target, m.unit))} | "
                f"{md_text(quantity(m.red_flag, m.unit))} | {m.status} |"
            )
    return "\n".join(rows) + "\n"


# --- rich table -----------------------------------------------------------------------


def print_table(result: PeriodScore, console: Console) -> None:
    from rich.text import Text

    console.print(
        Text.assemble(
            (f"{result.period}", "bold"),
            f" as of {result.as_of}: score ",
            (num(result.score), "bold"),
            f" · expected progress {num(result.expected)}",
        )
    )
    for line in left_out(result):
        console.print(line, style="dim")
    for team in result.teams:
        console.print(_team_table(team))
    if result.has_scorecard:
        print_scorecard(result, console)


_TEAM_COLUMNS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("id", {"no_wrap": True}),
    ("objective / key result", {"ratio": 1, "min_width": 24}),
    ("value", {"justify": "right", "no_wrap": True}),
    ("progress", {"no_wrap": True}),
    ("score", {"justify": "right", "no_wrap": True}),
    ("grade", {"no_wrap": True}),
    ("conf.", {"justify": "right", "no_wrap": True}),
    ("pace", {"no_wrap": True}),
)


def _team_table(team: TeamScore) -> Any:
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=rich_text(f"{team.name} — {num(team.score)}"),
        title_justify="left",
        expand=False,
        show_lines=False,
    )
    for name, options in _TEAM_COLUMNS:
        table.add_column(name, **options)
    for obj in team.objectives:
        table.add_row(
            rich_text(obj.id, "bold"),
            rich_text(obj.title, "bold"),
            "",
            "",
            Text(num(obj.score), style="bold"),
            Text(obj.grade, style=GRADE_STYLE[obj.grade]),
            "",
            "",
        )
        for k in obj.key_results:
            table.add_row(*_kr_cells(k))
    return table


def _kr_cells(k: KrScore) -> list[Any]:
    from rich.text import Text

    confidence = Text(
        num(k.confidence) + (" ⚠" if k.at_risk else ""), style="bold red" if k.at_risk else ""
    )
    return [
        rich_text(k.id),
        rich_text("  " + k.title),
        rich_text(kr_value(k)),
        bar(k.progress, k.expected),
        num(k.score),
        Text(k.grade, style=GRADE_STYLE[k.grade]),
        confidence,
        PACE_TEXT[k.pace],
    ]


def print_scorecard(result: PeriodScore, console: Console) -> None:
    from rich.table import Table
    from rich.text import Text

    persp = Table(title="Perspectives", title_justify="left")
    for name in ("perspective", "OKR score", "achievement", "status"):
        persp.add_column(name)
    for p in result.perspectives:
        persp.add_row(
            rich_text(p.name),
            num(p.okr_score),
            num(p.achievement),
            Text(p.status, style=STATUS_STYLE[p.status]),
        )
    console.print(persp)
    card = Table(title="Scorecard", title_justify="left")
    for name in ("objective", "measure", "actual", "target", "red flag", "status"):
        card.add_column(name)
    for s in result.scorecard:
        for m in s.measures:
            card.add_row(
                rich_text(f"{s.id} {s.title}"),
                rich_text(m.name),
                rich_text(quantity(m.actual, m.unit)),
                rich_text(quantity(m.target, m.unit)),
                rich_text(quantity(m.red_flag, m.unit)),
                Text(m.status, style=STATUS_STYLE[m.status]),
            )
    console.print(card)


# --- JSON (SPEC 6) ---------------------------------------------------------------


def to_json(result: PeriodScore) -> dict[str, Any]:
    return {
        "period": str(result.period),
        "as_of": result.as_of.isoformat(),
        "score": result.score,
        "expected": result.expected,
        "teams": [_team_json(t) for t in result.teams],
        "perspectives": [
            {
                "id": p.id,
                "name": p.name,
                "okr_score": p.okr_score,
                "achievement": p.achievement,
                "status": p.status,
            }
            for p in result.perspectives
        ],
        "scorecard": [_scorecard_json(s) for s in result.scorecard],
    }


def _team_json(t: TeamScore) -> dict[str, Any]:
    return {
        "team": t.team,
        "name": t.name,
        "score": t.score,
        "discipline": t.discipline,
        "objectives": [_objective_json(o) for o in t.objectives],
    }


def _scorecard_json(s: ScorecardObjectiveScore) -> dict[str, Any]:
    return {
        "id": s.id,
        "title": s.title,
        "perspective": s.perspective,
        "achievement": s.achievement,
        "status": s.status,
        "measures": [_measure_json(m) for m in s.measures],
    }


def _measure_json(m: MeasureScore) -> dict[str, Any]:
    return {
        "id": m.id,
        "name": m.name,
        "unit": m.unit,
        "actual": m.actual,
        "target": m.target,
        "red_flag": m.red_flag,
        "direction": m.direction,
        "achievement": m.achievement,
        "status": m.status,
        "actual_period": m.actual_period,
        "red_flag_derived": m.red_flag_derived,
        "rating": m.rating,
    }


def _objective_json(o: ObjectiveScore) -> dict[str, Any]:
    return {
        "id": o.id,
        "title": o.title,
        "type": o.type,
        "score": o.score,
        "grade": o.grade,
        "perspectives": list(o.perspectives),
        "weight": o.weight,
        "recorded": o.recorded,
        "key_results": [_kr_json(k) for k in o.key_results],
    }


def _kr_json(k: KrScore) -> dict[str, Any]:
    binary = k.kind == "binary"
    return {
        "id": k.id,
        "title": k.title,
        "kind": k.kind,
        "start": None if binary else k.start,
        "target": None if binary else k.target,
        "current": bool(k.current) if binary else k.current,
        "unit": k.unit,
        "progress": k.progress,
        "score": k.score,
        "grade": k.grade,
        "confidence": k.confidence,
        "at_risk": k.at_risk,
        "risks": list(k.risks),
        "has_data": k.has_data,
        "start_source": None if binary else k.start_source,
        "due": k.due.isoformat() if k.due else None,
        "expected": k.expected,
        "pace": k.pace,
        "weight": k.weight,
        "recorded": k.recorded,
        "discipline": k.discipline,
        "weeks_checked": k.weeks_checked,
        "weeks_elapsed": k.weeks_elapsed,
        "forecast": k.forecast,
        "forecast_progress": k.forecast_progress,
    }


def projected(k: KrScore) -> str:
    """SPEC 9.2's forecast in words: the value projected to the period's last day
    and its progress, e.g. `8.5 (84%)`; `–` without one (binary, under two dates)."""
    if k.forecast is None or k.forecast_progress is None:
        return "–"
    unit = k.unit if k.unit == "%" else None
    return f"{quantity(k.forecast, unit)} ({max(0.0, k.forecast_progress):.0%})"
