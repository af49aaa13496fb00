"""`okrbsc checkin`, `okrbsc rollover` and `okrbsc init`: the commands that write files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from okrbsc.cli.app import app
from okrbsc.cli.options import AsOfOpt, NoColorOpt, QuietOpt, RepoOpt, VerboseOpt
from okrbsc.errors import UsageError
from okrbsc.render.text import visible
from okrbsc.session import Session, parse_date, parse_period, today


@app.command()
def checkin(
    kr: Annotated[str, typer.Argument(help="Key result id, e.g. S1.2.")],
    value: Annotated[str, typer.Argument(help="The value now (0/1 or true/false for binary).")],
    confidence: Annotated[
        str | None,
        typer.Option("--confidence", "-c", help="How likely the target is met (0-1, or 0-10)."),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", "-n", help="A short comment.")] = None,
    date: Annotated[
        str | None,
        typer.Option("--date", metavar="YYYY-MM-DD", help="Date of the check-in (default: as-of)."),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option("--period", help="The KR's period, when its id is in several (2026-Q3)."),
    ] = None,
    repo: RepoOpt = None,
    as_of: AsOfOpt = None,
    quiet: QuietOpt = False,
    no_color: NoColorOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Append a check-in to the file of a key result, keeping the rest of the file as it is.

    The file is locked, checked, and replaced atomically; a file that does not
    load cleanly is left unchanged (exit 1).

    Examples:

      okrbsc checkin S1.1 2.9 --confidence 0.7 --note "two deals signed"

      okrbsc checkin S1.2 done --date 2026-09-28 --period 2026-Q3
    """
    from okrbsc.write.checkin import append_checkin, find_target, parse_confidence, parse_value

    strategy = Session(repo, as_of, quiet, verbose).repo
    wanted = parse_period(period, "--period") if period is not None else None
    target = find_target(strategy, kr, wanted)
    number = parse_value(target.kr, value)
    day = parse_date(date, "--date") or strategy.as_of
    chance = parse_confidence(strategy, confidence)
    path = append_checkin(strategy, target, number, day=day, confidence=chance, note=note)
    if not quiet:
        typer.echo(visible(f"{path}: checked in {target.kr_id} = {value} on {day}"))


@app.command()
def rollover(
    source: Annotated[
        str, typer.Argument(metavar="FROM", help="The quarter that ended (2026-Q3).")
    ],
    target: Annotated[str, typer.Argument(metavar="TO", help="The quarter to start (2026-Q4).")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the files instead of writing them.")
    ] = False,
    repo: RepoOpt = None,
    as_of: AsOfOpt = None,
    quiet: QuietOpt = False,
    no_color: NoColorOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Write the next quarter's files for every team from what the last one left open.

    Objectives that did not reach green are carried over (key results start
    from the value reached, targets kept, check-ins and recorded scores
    dropped, alignment kept where it still resolves); the rest are left for the
    team to write. Never overwrites a file (exit 2).

    Examples:

      okrbsc rollover 2026-Q3 2026-Q4

      okrbsc rollover 2026-Q4 2027-Q1 --dry-run
    """
    from okrbsc.write.rollover import plan, write

    strategy = Session(repo, as_of, quiet, verbose).readable_repo()
    planned = plan(strategy, parse_period(source, "FROM"), parse_period(target, "TO"))
    if dry_run:
        for item in planned:
            typer.echo(visible(f"--- {item.path}") + "\n" + visible(item.text, keep="\n"))
        return
    written = write(strategy, planned)
    if not quiet:
        for item in planned:
            carried = ", ".join(item.carried) or "nothing"
            typer.echo(visible(f"wrote {item.path}: carried over {carried}"))
        typer.echo(f"{len(written)} files; run `okrbsc lint` and let each team finish its file.")


@app.command()
def init(
    directory: Annotated[
        Path, typer.Argument(help="Folder for the new strategy repo (created if missing).")
    ] = Path("."),
    organisation: Annotated[
        str | None,
        typer.Option("--organisation", "--org", help="Organisation name (asked on a terminal)."),
    ] = None,
    team: Annotated[str, typer.Option("--team", help="Id of the first team.")] = "team",
    fiscal_year_start: Annotated[
        int, typer.Option("--fiscal-year-start", min=1, max=12, help="Month the FY starts in.")
    ] = 1,
    as_of: AsOfOpt = None,
    quiet: QuietOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Scaffold a strategy repo for the current quarter that passes lint at once.

    Writes okrbsc.yaml, a scorecard with a strategy map, annual OKRs, one
    team's quarterly OKRs, JSON Schemas for editors, a pre-commit config and a
    GitHub workflow. Never overwrites anything (exit 2).

    Examples:

      okrbsc init strategy --organisation "Acme Robotics" --team sales

      okrbsc init --fiscal-year-start 4 --as-of 2026-10-01
    """
    from okrbsc.strategy.models import check_identifier
    from okrbsc.strategy.periods import FiscalCalendar
    from okrbsc.write.scaffold import Plan, scaffold

    day = today(as_of)
    if organisation is None:
        default = directory.resolve().name or "My organisation"
        on_terminal = sys.stdin.isatty()
        organisation = typer.prompt("Organisation", default=default) if on_terminal else default
    try:
        check_identifier(team)
    except ValueError as exc:
        raise UsageError(f"--team: {exc}") from None
    quarter = FiscalCalendar(fiscal_year_start).quarter_of(day)
    plan = Plan(organisation, team, quarter, day, fiscal_year_start)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        written = scaffold(directory, plan)
    except OSError as exc:
        raise UsageError(f"cannot write to {directory}: {exc.strerror}") from None
    if not quiet:
        typer.echo(f"Created a strategy repo for {plan.quarter} in {directory}:")
        for rel in written:
            typer.echo(f"  {rel}")
        typer.echo("Next: edit the YAML, then run `okrbsc lint` (and `pre-commit install`).")
