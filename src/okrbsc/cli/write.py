"""`okrbsc checkin`, `okrbsc rollover` and `okrbsc init`: the commands that write files."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from typer.core import TyperCommand

from okrbsc.cli.app import app
from okrbsc.cli.options import AsOfOpt, NoColorOpt, QuietOpt, RepoOpt, VerboseOpt
from okrbsc.errors import UsageError
from okrbsc.render.text import visible
from okrbsc.session import Session, parse_date, parse_period, resolve_period, today

if TYPE_CHECKING:
    from okrbsc.strategy.periods import Period
    from okrbsc.strategy.repo import Repo


class EventFormat(enum.StrEnum):
    """`checkin --from-event --format`: the names of `render.checkin_event.RENDERERS`."""

    text = "text"
    md = "md"
    json = "json"


_WORD_MARK = "\x00"  # keeps `-inf` a value: click would read it as the options -i -n f
_NEGATIVE_WORDS = {"-inf", "-infinity", "-nan"}


class _CheckinCommand(TyperCommand):
    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
        marked = [_WORD_MARK + a if a.lower() in _NEGATIVE_WORDS else a for a in args]
        return super().parse_args(ctx, marked)


def _unmarked(text: str | None) -> str | None:
    return text.removeprefix(_WORD_MARK) if text is not None else None


@app.command(cls=_CheckinCommand, context_settings={"ignore_unknown_options": True})
def checkin(
    kr: Annotated[
        str | None,
        typer.Argument(metavar="ID", help="Key result id (S1.2) or measure id (F1-arr)."),
    ] = None,
    value: Annotated[
        str | None,
        typer.Argument(
            metavar="VALUE",
            help="The value now: a number (-3 too), 0/1 or true/false for binary.",
        ),
    ] = None,
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
        typer.Option(
            "--period",
            help="A key result's period, when its id is in several; a measure's actual's "
            "period (default: the quarter containing as-of). A bare Q3 means the latest Q3 "
            "started by as-of, as for score.",
        ),
    ] = None,
    restate: Annotated[
        bool,
        typer.Option("--restate", help="A measure: replace a different actual already recorded."),
    ] = False,
    replace: Annotated[
        bool,
        typer.Option("--replace", help="A key result: rewrite the check-in already on that date."),
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="A key result with a recorded score in force (its grade is final): add "
            "the check-in anyway; the recorded score stays.",
        ),
    ] = False,
    from_event: Annotated[
        Path | None,
        typer.Option(
            "--from-event",
            metavar="FILE",
            help="Take the /checkin lines of an issue comment: a GitHub issue_comment or "
            "GitLab note event ($GITHUB_EVENT_PATH).",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="With --from-event: check, write nothing.")
    ] = False,
    fmt: Annotated[
        EventFormat, typer.Option("--format", help="With --from-event: md is the reply to post.")
    ] = EventFormat.text,
    repo: RepoOpt = None,
    as_of: AsOfOpt = None,
    quiet: QuietOpt = False,
    no_color: NoColorOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Record a value: a key result's check-in, or a scorecard measure's actual.

    A key result gains a check-in in its file (one already on that date is
    refused, exit 1, unless --replace rewrites it; one whose recorded score is in
    force, on it or its objective, is refused, exit 1, unless --force); a measure gains
    `actuals[PERIOD] = VALUE` (a binary measure takes true/false, yes/no or
    done, an ordinal one a word; a different value already there is refused,
    exit 1, unless --restate; the same value changes nothing). The file is
    locked, checked, and replaced atomically; a file that does not load
    cleanly is left unchanged (exit 1).

    With --from-event, the `/checkin ID VALUE [confidence C] [date D]
    [replace] [note TEXT]` lines of an issue comment are checked in for the
    people they answer to, all of them or none (exit 1 when one is refused).

    Examples:

      okrbsc checkin S1.1 2.9 --confidence 0.7 --note "two deals signed"

      okrbsc checkin S1.2 done --date 2026-09-28 --period 2026-Q3

      okrbsc checkin F1-arr 47.5 --period 2026-Q3

      okrbsc checkin FS1-bond AA+ --period 2026

      okrbsc checkin FS2-erp done

      okrbsc checkin --from-event "$GITHUB_EVENT_PATH" --format md
    """
    if from_event is not None or dry_run or fmt is not EventFormat.text:
        if any(x is not None for x in (confidence, note, date, period)) or replace or restate:
            raise UsageError("--from-event takes every value from the comment's /checkin lines")
        _from_event(from_event, (kr, value, dry_run, fmt), Session(repo, as_of, quiet, verbose))
    if kr is None or value is None:
        raise UsageError("checkin needs ID and VALUE (or --from-event FILE)")
    value = _unmarked(value) or ""
    note, confidence = _unmarked(note), _unmarked(confidence)
    strategy = Session(repo, as_of, quiet, verbose).repo
    wanted = _period(strategy, period)
    if kr in strategy.measures and not strategy.key_results_named(kr):
        if replace:
            raise UsageError("--replace is for a key result's check-in; use --restate")
        message = _checkin_measure(strategy, kr, value, wanted, restate, (confidence, note, date))
    else:
        if restate:
            raise UsageError("--restate is for a measure's actual; this is a key result")
        message = _checkin_kr(
            strategy, kr, value, wanted, (confidence, note, date), (replace, force)
        )
    if not quiet:
        typer.echo(visible(message))


def _from_event(
    path: Path | None, given: tuple[str | None, str | None, bool, EventFormat], session: Session
) -> None:
    """`checkin --from-event FILE` (SPEC 16.5): the comment's /checkin lines, all or none."""
    from okrbsc.render.checkin_event import RENDERERS
    from okrbsc.rhythm.event import EventResult, apply_event, read_event

    kr, value, dry_run, fmt = given
    if path is None:
        raise UsageError("--dry-run and --format are for --from-event FILE")
    if kr is not None or value is not None:
        raise UsageError("--from-event takes the key results from the comment: no ID or VALUE")
    comment = read_event(path)
    result = EventResult(comment, dry_run=dry_run)
    if comment.skip is None:
        result = apply_event(session.repo, comment, dry_run=dry_run)
    shown = RENDERERS[fmt.value](result)
    typer.echo(shown, nl=not shown.endswith("\n"))
    raise typer.Exit(int(result.exit_code))


def _period(strategy: Repo, text: str | None) -> Period | None:
    """--period: `2026-Q3`, `2026`, or a bare `Q3` as `score Q3` takes it (SPEC 14.6)."""
    from okrbsc.strategy.periods import bare_quarter

    if text is None:
        return None
    if bare_quarter(text) is not None:
        return resolve_period(strategy, text)
    return parse_period(text, "--period")


def _checkin_measure(
    strategy: Repo,
    ident: str,
    value: str,
    period: Period | None,
    restate: bool,
    extras: tuple[str | None, str | None, str | None],
) -> str:
    from okrbsc.write.actual import record_actual
    from okrbsc.write.checkin import parse_number

    for name, given in zip(("--confidence", "--note", "--date"), extras, strict=True):
        if given is not None:
            hint = " (use --period for the actual's period)" if name == "--date" else ""
            raise UsageError(f"{name} is for a key result's check-in; {ident} is a measure{hint}")
    measure = strategy.measures[ident][1]
    unit = measure.unit
    typed_value: str | float = value  # binary and ordinal measures take words (SPEC 15.1)
    if measure.kind == "metric":
        what = f"the measure's unit ({unit})" if unit else "the measure's unit"
        typed_value = parse_number(value, what)
    quarter = period or strategy.calendar.quarter_of(strategy.as_of)
    return record_actual(strategy, ident, quarter, typed_value, restate=restate).message


def _checkin_kr(
    strategy: Repo,
    kr: str,
    value: str,
    period: Period | None,
    extras: tuple[str | None, str | None, str | None],
    flags: tuple[bool, bool],
) -> str:
    from okrbsc.write.checkin import append_checkin, find_target, parse_confidence, parse_value
    from okrbsc.write.scalars import scalar

    confidence, note, date = extras
    replace, force = flags
    target = find_target(strategy, kr, period)
    number = parse_value(target.kr, value)
    day = parse_date(date, "--date") or strategy.as_of
    chance = parse_confidence(strategy, confidence)
    path = append_checkin(
        strategy,
        target,
        number,
        day=day,
        confidence=chance,
        note=note,
        replace=replace,
        force=force,
    )
    replaced = replace and any(c.date == day for c in target.kr.checkins)
    done = "replaced the check-in of" if replaced else "checked in"
    return f"{path}: {done} {target.kr_id} = {scalar(number)} on {day}"


@app.command()
def rollover(
    source: Annotated[
        str,
        typer.Argument(metavar="FROM", help="The quarter or half that ended (2026-Q3, 2026-H1)."),
    ],
    target: Annotated[
        str,
        typer.Argument(metavar="TO", help="The quarter or half to start (2026-Q4, 2026-H2)."),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the files instead of writing them.")
    ] = False,
    repo: RepoOpt = None,
    as_of: AsOfOpt = None,
    quiet: QuietOpt = False,
    no_color: NoColorOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Write the next quarter's (or half's) files for every team from what the last one
    left open.

    Objectives that did not reach green are carried over (key results start
    from the value reached, targets kept, check-ins and recorded scores
    dropped, alignment kept where it still resolves); the rest are left for the
    team to write. Never overwrites a file (exit 2).

    Examples:

      okrbsc rollover 2026-Q3 2026-Q4

      okrbsc rollover 2026-Q4 2027-Q1 --dry-run

      okrbsc rollover 2026-H1 2026-H2
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
    team's quarterly OKRs, JSON Schemas for editors, a pre-commit config and
    GitHub workflows: lint on every pull request, weekly numbers from the
    sources, check-ins from issue comments (/checkin) and the weekly
    reminders, digest and check-in issue. Never overwrites anything (exit 2).

    Examples:

      okrbsc init strategy --organisation "Acme Robotics" --team sales

      okrbsc init --fiscal-year-start 4 --as-of 2026-10-01
    """
    from okrbsc.strategy.models import check_file_identifier
    from okrbsc.strategy.periods import FiscalCalendar
    from okrbsc.write.scaffold import Plan, scaffold

    day = today(as_of)
    if organisation is None:
        default = directory.resolve().name or "My organisation"
        on_terminal = sys.stdin.isatty()
        organisation = typer.prompt("Organisation", default=default) if on_terminal else default
    try:
        check_file_identifier(team)
    except ValueError as exc:
        raise UsageError(f"--team: {exc}") from None
    quarter = FiscalCalendar(fiscal_year_start).quarter_of(day)
    if not quarter.in_range:
        raise UsageError(f"--as-of {day} falls in {quarter}: periods have years 1 to 9998")
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
