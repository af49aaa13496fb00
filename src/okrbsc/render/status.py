"""`okrbsc status`: the terminal dashboard of a running quarter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from okrbsc.render.score import (
    GRADE_STYLE,
    PACE_TEXT,
    STATUS_STYLE,
    bar,
    kr_value,
    left_out,
    num,
    print_scorecard,
    quantity,
)
from okrbsc.render.text import rich_text
from okrbsc.scoring.engine import KrScore, PeriodScore, TeamScore
from okrbsc.strategy.repo import Repo

if TYPE_CHECKING:
    from rich.console import Console

SPARKS = "▁▂▃▄▅▆▇█"
PACE_STYLE = {"on_track": "green", "behind": "yellow", "off_track": "red", "no_data": "dim"}


def sparkline(values: tuple[float, ...], last: int = 8) -> str:
    """Confidence over the latest check-ins (0..1) as block characters."""
    return "".join(SPARKS[min(7, max(0, round(v * 7)))] for v in values[-last:])


def trend_word(values: tuple[float, ...]) -> str:
    if len(values) < 2:
        return ""
    change = values[-1] - values[-2]
    return "↑" if change > 1e-9 else ("↓" if change < -1e-9 else "→")


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
        _at_risk(result, console)
    for team in result.teams:
        _team(team, console)
    if not result.has_okrs:
        print_scorecard(result, console)  # the scorecard alone: all of it
    elif result.has_scorecard:
        _measures(repo, result, console)


def _kr_row(team: str, k: KrScore) -> list[object]:
    from rich.text import Text

    conf = Text(num(k.confidence), style="bold red" if k.at_risk else "")
    return [
        rich_text(k.id),
        rich_text(k.title + (f" · due {k.due}" if k.due else ""), overflow="ellipsis"),
        rich_text(kr_value(k)),
        bar(k.progress, k.expected, 12),
        f"{max(0.0, k.progress):.0%}" + _end(k),
        Text(PACE_TEXT[k.pace], style=PACE_STYLE[k.pace]),
        conf,
        sparkline(k.confidences) + trend_word(k.confidences),
        f"{k.weeks_checked}/{k.weeks_elapsed}",
        rich_text(team),
    ]


def _end(k: KrScore) -> str:
    """SPEC 9.2: the progress forecast for the period's last day, after today's."""
    return "" if k.forecast_progress is None else f" → {max(0.0, k.forecast_progress):.0%}"


def _kr_table(title: str, style: str) -> object:
    from rich.table import Table
    from rich.text import Text

    heading = Text.assemble("\n", rich_text(title))  # a blank line, then the escaped title
    table = Table(title=heading, title_justify="left", title_style=style, box=None, pad_edge=False)
    table.add_column("id", no_wrap=True, min_width=6)
    table.add_column("key result", max_width=44, no_wrap=True, overflow="ellipsis")
    table.add_column("value", justify="right", no_wrap=True, max_width=22, overflow="ellipsis")
    table.add_column("progress (│ expected)", no_wrap=True, min_width=12)
    table.add_column("now → end", justify="right", no_wrap=True, min_width=11)
    table.add_column("pace", no_wrap=True)
    table.add_column("conf.", justify="right", no_wrap=True)
    table.add_column("trend", no_wrap=True)
    table.add_column("weeks", justify="right", no_wrap=True)
    table.add_column("team", no_wrap=True)
    return table


def _at_risk(result: PeriodScore, console: Console) -> None:
    risky = [(t, k) for t, _, k in result.key_results() if k.at_risk]
    if not risky:
        console.print("\nNo key result is at risk.", style="green")
        return
    table = _kr_table(f"At risk ({len(risky)})", "bold red")
    for team, k in risky:
        table.add_row(*_kr_row(team.team, k))  # type: ignore[attr-defined]
    console.print(table)


def _team(team: TeamScore, console: Console) -> None:
    from rich.text import Text

    discipline = "" if team.discipline is None else f" · check-ins {team.discipline:.0%} of weeks"
    table = _kr_table(f"{team.name} — {num(team.score)}{discipline}", "bold")
    for obj in team.objectives:
        table.add_row(  # type: ignore[attr-defined]
            rich_text(obj.id, "bold"),
            rich_text(obj.title, "bold"),
            "",
            "",
            "",
            "",
            Text(f"{num(obj.score)} {obj.grade}", style=GRADE_STYLE[obj.grade]),
            "",
            "",
            "",
        )
        for k in sorted(obj.key_results, key=lambda k: not k.at_risk):
            table.add_row(*_kr_row("", k))  # type: ignore[attr-defined]
    console.print(table)


def _measures(repo: Repo, result: PeriodScore, console: Console) -> None:
    from rich.table import Table
    from rich.text import Text

    rows = [(s, m) for s in result.scorecard for m in s.measures if m.status in ("red", "amber")]
    if not rows:
        console.print("\nEvery scorecard measure with an actual is green.", style="green")
        return
    addressed = _addressing(repo, result)
    table = Table(
        title="\nScorecard measures in red and amber",
        title_justify="left",
        title_style="bold",
        box=None,
        pad_edge=False,
    )
    for name in ("measure", "status", "actual", "target", "red flag", "addressed by"):
        table.add_column(name, no_wrap=name != "addressed by")
    for s, m in sorted(rows, key=lambda r: r[1].status != "red"):
        okrs = ", ".join(addressed.get(s.id, [])) or "nothing this period"
        table.add_row(
            rich_text(f"{m.id} {m.name}"),
            Text(m.status, style=STATUS_STYLE[m.status]),
            rich_text(quantity(m.actual, m.unit)),
            rich_text(quantity(m.target, m.unit)),
            rich_text(quantity(m.red_flag, m.unit)),
            rich_text(okrs, "" if s.id in addressed else "red"),
        )
    console.print(table)


def _addressing(repo: Repo, result: PeriodScore) -> dict[str, list[str]]:
    """Scorecard objective id -> ids of the period's objectives that reach it."""
    out: dict[str, list[str]] = {}
    for ref in repo.periods.get(result.period, []):
        for sc_id in sorted(repo.scorecard_reach(ref)):
            out.setdefault(sc_id, []).append(ref.id)
    return out
