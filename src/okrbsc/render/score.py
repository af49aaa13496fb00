"""Render a period's scores: a rich table for the terminal and Markdown."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from okrbsc.render.fit import Cell, Column, dropped_note, fit_width, fitted
from okrbsc.render.text import md_text, rich_text
from okrbsc.scoring.engine import (
    KrScore,
    MeasureScore,
    ObjectiveScore,
    PeriodScore,
    ScorecardObjectiveScore,
    TeamScore,
    UnitScore,
)

if TYPE_CHECKING:
    from rich.console import Console

GRADE_STYLE = {"green": "green", "yellow": "yellow", "red": "red"}
STATUS_STYLE = {"green": "green", "amber": "yellow", "red": "red", "unknown": "dim"}
# SPEC 10.4: no data is not failure: shown as "no data", in a neutral colour
STATUS_TEXT = {"green": "green", "amber": "amber", "red": "red", "unknown": "no data"}
NO_DATA_STYLE = "dim"
PACE_TEXT = {
    "on_track": "on track",
    "behind": "behind",
    "off_track": "off track",
    "no_data": "no data",
}


# SPEC 14.4: while the period runs, key results and objectives are coloured by pace;
# from its last day on, by grade. Colours are named as the report's CSS names them.
PACE_COLOUR = {"on_track": "green", "behind": "amber", "off_track": "red", "no_data": "unknown"}
COLOUR_STYLE = {"green": "green", "yellow": "yellow", "amber": "yellow", "red": "red"}


def judged_by(result: PeriodScore) -> str:
    """The column that colours key results and objectives: "pace" or "grade"."""
    return "grade" if result.final else "pace"


def judgement(result: PeriodScore, item: KrScore | ObjectiveScore) -> tuple[str, str]:
    """(text, colour) of a key result or objective in that column: its pace while the
    period runs, its grade from the last day on; "no data" (colour "unknown") for one
    without data either way (SPEC 10.4, 14.4)."""
    no_data = item.pace == "no_data" if isinstance(item, ObjectiveScore) else not item.has_data
    if no_data:
        return "no data", "unknown"
    if result.final:
        return item.grade, item.grade
    return PACE_TEXT[item.pace], PACE_COLOUR[item.pace]


def judgement_style(colour: str) -> str:
    """The terminal style of a colour of :func:`judgement`."""
    return COLOUR_STYLE.get(colour, NO_DATA_STYLE)


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


def quantity(
    value: float | bool | str | tuple[float, float] | None, unit: str | None = None
) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "done" if value else "not done"
    if isinstance(value, str):
        return value  # an ordinal measure's word (SPEC 15.1)
    if isinstance(value, tuple):  # a range target (SPEC 15.2): "98–100%", "15–20 days"
        return f"{quantity(value[0])}–{quantity(value[1], unit)}"
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
    if not k.has_data:  # never "not done" or a start that reads as a result (SPEC 15.6)
        return "no data" if k.kind == "binary" else f"no data (target {quantity(k.target, k.unit)})"
    if k.kind == "binary":
        return quantity(bool(k.current))
    now = quantity(k.current, k.unit if k.unit == "%" else None)
    text = f"{now} of {quantity(k.target, k.unit)}"
    if k.start_source in START_FROM:  # a start okrbsc took from the data (SPEC 10.3)
        text += f" (from {quantity(k.start)}, {START_FROM[k.start_source]})"
    return text


def kr_progress(k: KrScore) -> str:
    """A key result's progress as shown: "no data" for one without any, never "0%"."""
    return pct(k.progress, least=0.0) if k.has_data else "no data"


START_FROM = {"checkin": "first check-in", "current": "current"}

NO_SCORECARD = (
    "No scorecard in this repo: the strategy map, perspectives and measures are left out."
)


def no_okrs(result: PeriodScore) -> str:
    return f"No OKR files for {result.period}: the scorecard alone."


def kr_grade(k: KrScore) -> str:
    """A key result's grade as shown: "no data" for one without any (SPEC 10.4)."""
    return k.grade if k.has_data else "no data"


def kr_grade_style(k: KrScore) -> str:
    return GRADE_STYLE[k.grade] if k.has_data else NO_DATA_STYLE


def measure_status(m: MeasureScore) -> str:
    return STATUS_TEXT[m.status]


def actual_text(m: MeasureScore) -> str:
    """A measure's actual with the period it is from, "47.2 in 2026-Q3" (SPEC 10.4); a
    partial roll-up says so: "141.5 in 2026-Q3, 2 of 3 units: apac missing" (18.2)."""
    text = _actual_text(m)
    c = m.coverage
    if c is not None and c.partial:
        missing = ", ".join(ref.partition(":")[0] for ref in c.missing)
        text = f"{text}, {c.have} of {c.of} units: {missing} missing"
    return text


def _actual_text(m: MeasureScore) -> str:
    rated = f"rated {m.rating} in {m.rating_period}" if m.rating and m.rating_period else ""
    if m.actual is None:
        return rated or "–"
    text = quantity(m.actual, m.unit)
    text = f"{text} in {m.actual_period}" if m.actual_period else text
    return f"{text}, {rated}" if rated and m.rating_period != m.actual_period else text


def red_flag_text(m: MeasureScore) -> str:
    """The red flag, marked when okrbsc derived it: "0 (derived: target − 10%)" (SPEC 15.6)."""
    share = m.red_flag_share
    if isinstance(m.target, tuple) and share is not None:
        low, high = m.target
        below, above = low - share * abs(low), high + share * abs(high)
        outside = f"≤ {quantity(below)} or ≥ {quantity(above, m.unit)}"
        return f"{outside} (derived: range ± {_percent(share)})"
    text = quantity(m.red_flag, m.unit)
    if m.red_flag is None or not m.red_flag_derived or share is None:
        return text
    sign = "−" if m.direction == "up" else "+"
    return f"{text} (derived: target {sign} {_percent(share)})"


def _percent(share: float) -> str:
    return f"{round(share * 100, 1):g}%"


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def kr_summary(result: PeriodScore) -> str:
    """Key results at risk, off track and without data, counted apart (SPEC 10.4)."""
    krs = [k for _, _, k in result.key_results()]
    risky = sum(1 for k in krs if k.at_risk)
    off = sum(1 for k in krs if k.pace == "off_track")
    empty = sum(1 for k in krs if not k.has_data)
    return (
        f"{_count(len(krs), 'key result')}: {risky} at risk, {off} off track, {empty} without data."
    )


def measure_summary(result: PeriodScore) -> str:
    """Scorecard measures by status; never "all green" when none has an actual."""
    measures = [m for s in result.scorecard for m in s.measures]
    counts = {name: sum(1 for m in measures if m.status == name) for name in STATUS_TEXT}
    return (
        f"{_count(len(measures), 'scorecard measure')}: {counts['red']} red, "
        f"{counts['amber']} amber, {counts['green']} green, {counts['unknown']} without data."
    )


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
        f"| {md_text(p.name)} | {num(p.okr_score)} | {num(p.achievement)} | "
        f"{STATUS_TEXT[p.status]} |"
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
                f"{md_text(actual_text(m))} | {md_text(quantity(m.target, m.unit))} | "
                f"{md_text(red_flag_text(m))} | {measure_status(m)} |"
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
    dropped: set[int] = set()
    for team in result.teams:
        table, width, kept = _team_table(team, console)
        console.print(table, width=width)
        dropped |= set(range(len(TEAM_COLUMNS))) - set(kept)
    note = dropped_note(TEAM_COLUMNS, [i for i in range(8) if i not in dropped], fit_width(console))
    if note:
        console.print(note, style="dim")
    if result.has_scorecard:
        print_scorecard(result, console)


TEAM_COLUMNS = (
    Column("id"),
    Column("objective / key result", wrap=True, floor=20),
    Column("value", justify="right", wrap=True, floor=10),
    Column("progress", drop=2),
    Column("score", justify="right"),
    Column("grade"),
    Column("conf.", justify="right", drop=1),
    Column("pace", wrap=True, floor=5),
)


def _team_table(team: TeamScore, console: Console) -> tuple[Any, int, list[int]]:
    from rich.text import Text

    rows: list[list[Cell]] = []
    for obj in team.objectives:
        rows.append(
            [
                rich_text(obj.id, "bold"),
                rich_text(obj.title, "bold"),
                "",
                "",
                Text(num(obj.score), style="bold"),
                Text(obj.grade, style=GRADE_STYLE[obj.grade]),
                "",
                "",
            ]
        )
        rows += [_kr_cells(k) for k in obj.key_results]
    title = rich_text(f"{team.name} — {num(team.score)}")
    return fitted(console, TEAM_COLUMNS, rows, boxed=True, title=title, title_justify="left")


def _kr_cells(k: KrScore) -> list[Cell]:
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


PERSPECTIVE_COLUMNS = (
    Column("perspective", wrap=True, floor=8),
    Column("OKR score", justify="right", wrap=True, floor=5),
    Column("achievement", justify="right", wrap=True, floor=5),
    Column("status", wrap=True, floor=4),
)
SCORECARD_COLUMNS = (
    Column("objective", wrap=True, floor=12),
    Column("measure", wrap=True, floor=12),
    Column("actual", justify="right", wrap=True, floor=8),
    Column("target", justify="right", wrap=True, floor=6),
    Column("red flag", justify="right", wrap=True, floor=6),
    Column("status", wrap=True, floor=4),
)


def print_scorecard(result: PeriodScore, console: Console) -> None:
    from rich.text import Text

    persp: list[list[Cell]] = [
        [
            rich_text(p.name),
            num(p.okr_score),
            num(p.achievement),
            Text(STATUS_TEXT[p.status], style=STATUS_STYLE[p.status]),
        ]
        for p in result.perspectives
    ]
    table, width, _ = fitted(
        console, PERSPECTIVE_COLUMNS, persp, boxed=True, title="Perspectives", title_justify="left"
    )
    console.print(table, width=width)
    rows: list[list[Cell]] = [
        [
            rich_text(f"{s.id} {s.title}"),
            rich_text(m.name),
            rich_text(actual_text(m)),
            rich_text(quantity(m.target, m.unit)),
            rich_text(red_flag_text(m)),
            Text(measure_status(m), style=STATUS_STYLE[m.status]),
        ]
        for s in result.scorecard
        for m in s.measures
    ]
    table, width, _ = fitted(
        console, SCORECARD_COLUMNS, rows, boxed=True, title="Scorecard", title_justify="left"
    )
    console.print(table, width=width)


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
        **({"units": [_unit_json(u) for u in result.units]} if result.units else {}),
    }


def _unit_json(u: UnitScore) -> dict[str, Any]:
    """A business unit of a group (SPEC 18.3)."""
    return {
        "id": u.id,
        "name": u.name,
        "commit": u.commit,
        "score": u.score,
        "perspectives": [
            {"id": p.id, "okr_score": p.okr_score, "achievement": p.achievement, "status": p.status}
            for p in u.perspectives
        ],
        "at_risk": u.at_risk,
        "no_data": u.no_data,
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
        "measures": [{**_measure_json(m), **_rollup_json(m)} for m in s.measures],
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


def _rollup_json(m: MeasureScore) -> dict[str, Any]:
    """A rolled-up measure's rule, coverage and parts (SPEC 18.2); nothing for others."""
    if m.coverage is None:
        return {}
    c = m.coverage
    return {
        "rollup": m.rollup,
        "coverage": {"have": c.have, "of": c.of, "missing": list(c.missing)},
        "parts": [
            {"id": p.ref, "actual": p.actual, "actual_period": p.actual_period, "unit": p.unit}
            for p in m.parts
        ],
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
        "recorded_score": o.recorded_score,
        "pace": o.pace,
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
        "recorded_score": k.recorded_score,
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
