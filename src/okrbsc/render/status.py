"""`okrbsc status`: the terminal dashboard of a running quarter."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from okrbsc.render.fit import (
    Cell,
    Column,
    build,
    dropped_note,
    fit_width,
    kept_columns,
    sized,
)
from okrbsc.render.score import (
    STATUS_STYLE,
    actual_text,
    bar,
    judged_by,
    judgement,
    judgement_style,
    kr_progress,
    kr_summary,
    kr_value,
    left_out,
    measure_status,
    measure_summary,
    num,
    print_scorecard,
    quantity,
    red_flag_text,
)
from okrbsc.render.table_text import ink_of, table_text
from okrbsc.render.text import rich_text
from okrbsc.scoring.engine import KrScore, ObjectiveScore, PeriodScore, TeamScore
from okrbsc.strategy.repo import Repo

if TYPE_CHECKING:
    from rich.console import Console

SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: tuple[float, ...], last: int = 8) -> str:
    """Confidence over the latest check-ins (0..1) as block characters."""
    return "".join(SPARKS[min(7, max(0, round(v * 7)))] for v in values[-last:])


def trend_word(values: tuple[float, ...]) -> str:
    if len(values) < 2:
        return ""
    change = values[-1] - values[-2]
    return "↑" if change > 1e-9 else ("↓" if change < -1e-9 else "→")


KR_COLUMNS = (
    Column("id"),
    Column("key result", wrap=True, floor=20),
    Column("value", justify="right", wrap=True, floor=12),
    Column("progress"),
    Column("now → end", justify="right", drop=3),
    Column("pace"),  # "grade" from the period's last day on (SPEC 14.4)
    Column("conf.", justify="right", drop=5),
    Column("trend", drop=1),
    Column("weeks", justify="right", drop=2),
    Column("team", drop=4),
)
MEASURE_COLUMNS = (
    Column("measure", wrap=True, floor=16),
    Column("status"),
    Column("actual", wrap=True, floor=8),
    Column("target", wrap=True, floor=6),
    Column("red flag", wrap=True, floor=6),
    Column("addressed by", wrap=True, floor=8),
)


def print_status(repo: Repo, result: PeriodScore, console: Console) -> None:
    from rich.text import Text

    period, cal = result.period, repo.calendar
    day = (result.as_of - cal.start(period)).days + 1
    console.print(
        Text.assemble(
            (str(period), "bold"),
            f" · as of {result.as_of} · day {max(0, min(day, cal.days(period)))} of "
            f"{cal.days(period)} ({result.expected:.0%} elapsed) · score ",
            (num(result.score), "bold"),
        )
    )
    for line in left_out(result):
        console.print(line, style="dim")
    if result.has_okrs:
        _okrs(result, console)
    if not result.has_okrs:
        console.print(measure_summary(result), style="bold")
        print_scorecard(result, console)  # the scorecard alone: all of it
    elif result.has_scorecard:
        _measures(repo, result, console)
    if result.units:  # SPEC 18.3: a group repo's business units
        from okrbsc.render.portfolio import print_portfolio

        print_portfolio(result, console)


def _columns(result: PeriodScore) -> tuple[Column, ...]:
    """KR_COLUMNS, the coloured column named for what colours it (SPEC 14.4)."""
    index = next(i for i, c in enumerate(KR_COLUMNS) if c.name == "pace")
    named = dataclasses.replace(KR_COLUMNS[index], name=judged_by(result))
    return (*KR_COLUMNS[:index], named, *KR_COLUMNS[index + 1 :])


def _judged(result: PeriodScore, item: KrScore | ObjectiveScore) -> Cell:
    from rich.text import Text

    text, colour = judgement(result, item)
    return Text(text, style=judgement_style(colour))


def _kr_row(result: PeriodScore, team: str, k: KrScore) -> list[Cell]:
    from rich.text import Text

    conf = Text(num(k.confidence), style="bold red" if k.at_risk else "")
    return [
        rich_text(k.id),
        rich_text(k.title + (f" · due {k.due}" if k.due else "")),
        rich_text(kr_value(k)),
        bar(k.progress, k.expected, 12),
        kr_progress(k) + _end(k),
        _judged(result, k),
        conf,
        sparkline(k.confidences) + trend_word(k.confidences),
        f"{k.weeks_checked}/{k.weeks_elapsed}",
        rich_text(team),
    ]


def _end(k: KrScore) -> str:
    """SPEC 9.2: the progress forecast for the period's last day, after today's."""
    return "" if k.forecast_progress is None else f" → {max(0.0, k.forecast_progress):.0%}"


def _objective_row(result: PeriodScore, obj: ObjectiveScore) -> list[Cell]:
    """An objective: its score, and its pace or grade in that column (SPEC 14.4)."""
    from rich.text import Text

    score = Text(num(obj.score), style="bold")
    cells: list[Cell] = [rich_text(obj.id, "bold"), rich_text(obj.title, "bold"), score]
    return [*cells, "", "", _judged(result, obj), *[""] * 4]


def _okrs(result: PeriodScore, console: Console) -> None:
    """The at-risk key results, then each team's; one choice of columns for all."""
    risky = [(t, k) for t, _, k in result.key_results() if k.at_risk]
    calm = not risky and all(
        k.has_data and k.pace != "off_track" for _, _, k in result.key_results()
    )
    console.print("\n" + kr_summary(result), style="green" if calm else "bold")
    console.print(
        "Bars: █ progress, │ where progress should be by now; now → end: today's progress "
        "and the forecast for the last day; trend: confidence over the latest check-ins.",
        style="dim",
    )
    tables: list[tuple[str, str, list[list[Cell]]]] = []
    if risky:
        rows = [_kr_row(result, team.team, k) for team, k in risky]
        tables.append((f"At risk ({len(risky)})", "bold red", rows))
    for team in result.teams:
        tables.append(_team_rows(result, team))
    columns = _columns(result)
    everything = [row for _, _, rows in tables for row in rows]
    kept = kept_columns(console, columns, everything)
    for title, style, rows in tables:
        teamless = [i for i in kept if i != len(columns) - 1 or style == "bold red"]
        _print_table(console, columns, rows, teamless, title, style)
    note = dropped_note(columns, kept, fit_width(console))
    if note:
        console.print(note, style="dim")


def _team_rows(result: PeriodScore, team: TeamScore) -> tuple[str, str, list[list[Cell]]]:
    discipline = "" if team.discipline is None else f" · check-ins {team.discipline:.0%} of weeks"
    rows: list[list[Cell]] = []
    for obj in team.objectives:
        rows.append(_objective_row(result, obj))
        rows += [
            _kr_row(result, "", k) for k in sorted(obj.key_results, key=lambda k: not k.at_risk)
        ]
    return f"{team.name} — {num(team.score)}{discipline}", "bold", rows


def _print_table(
    console: Console,
    columns: tuple[Column, ...],
    rows: list[list[Cell]],
    kept: list[int],
    title: str,
    style: str,
) -> None:
    from rich.segment import Segment, Segments
    from rich.text import Text

    heading = Text.assemble("\n", rich_text(title))  # a blank line, then the escaped title
    sizes, width, _ = sized(console, columns, rows, kept=kept)
    text = None
    if width <= console.width:  # what rich would print, without its cost (table_text.py)
        text = table_text(columns, rows, sizes, heading, ink_of(console))
    if text is not None:
        console.print(Segments([Segment(text)]), crop=False)
        return
    table = build(
        columns,
        rows,
        sizes,
        title=heading,
        title_justify="left",
        title_style=style,
        box=None,
        pad_edge=False,
    )
    console.print(table, width=width)


def _measures(repo: Repo, result: PeriodScore, console: Console) -> None:
    from rich.text import Text

    rows = [(s, m) for s in result.scorecard for m in s.measures if m.status in ("red", "amber")]
    everything = [m for s in result.scorecard for m in s.measures]
    calm = bool(everything) and all(m.status == "green" for m in everything)
    console.print("\n" + measure_summary(result), style="green" if calm else "bold")
    if not rows:
        return
    addressed = _addressing(repo, result)
    cells: list[list[Cell]] = []
    for s, m in sorted(rows, key=lambda r: r[1].status != "red"):
        okrs = ", ".join(addressed.get(s.id, [])) or "nothing this period"
        cells.append(
            [
                rich_text(f"{m.id} {m.name}"),
                Text(measure_status(m), style=STATUS_STYLE[m.status]),
                rich_text(actual_text(m)),
                rich_text(quantity(m.target, m.unit)),
                rich_text(red_flag_text(m)),
                rich_text(okrs, "" if s.id in addressed else "red"),
            ]
        )
    kept = list(range(len(MEASURE_COLUMNS)))
    _print_table(
        console, MEASURE_COLUMNS, cells, kept, "Scorecard measures in red and amber", "bold"
    )


def _addressing(repo: Repo, result: PeriodScore) -> dict[str, list[str]]:
    """Scorecard objective id -> ids of the period's objectives that reach it."""
    out: dict[str, list[str]] = {}
    for ref in repo.periods.get(result.period, []):
        for sc_id in sorted(repo.scorecard_reach(ref)):
            out.setdefault(sc_id, []).append(ref.id)
    return out
