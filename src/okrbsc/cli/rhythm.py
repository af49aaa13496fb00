"""`okrbsc remind` and `okrbsc digest`: the weekly rhythm where people already are (SPEC 16)."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Annotated

import typer

from okrbsc.cli.app import app
from okrbsc.cli.options import AsOfOpt, NoColorOpt, QuietOpt, RepoOpt, VerboseOpt
from okrbsc.errors import ExitCode, UsageError
from okrbsc.session import Session, parse_date, resolve_period

if TYPE_CHECKING:
    from okrbsc.rhythm.outbox import Outbox
    from okrbsc.strategy.periods import Period
    from okrbsc.strategy.repo import Repo


class RhythmFormat(enum.StrEnum):
    text = "text"
    md = "md"
    json = "json"
    slack = "slack"
    teams = "teams"
    mattermost = "mattermost"


class Mentions(enum.StrEnum):
    github = "github"
    gitlab = "gitlab"


PeriodArg = Annotated[
    str | None,
    typer.Argument(
        help="Only this period: 2026-Q4, a bare Q4, or a year (default: every period "
        "running at --as-of)."
    ),
]
TeamOpt = Annotated[
    str | None, typer.Option("--team", help="Only this team's key results (a team id).")
]
FormatOpt = Annotated[
    RhythmFormat,
    typer.Option(
        "--format",
        "-f",
        help="text (default); md for an issue or job summary; json; or slack, teams, "
        "mattermost: the JSON body to POST to that incoming webhook.",
    ),
]
MentionsOpt = Annotated[
    Mentions,
    typer.Option(
        "--mentions",
        help="Whose handles md writes as @mentions: github (default) or gitlab.",
    ),
]
SendOpt = Annotated[
    bool,
    typer.Option(
        "--send",
        help="Deliver to every channel of rhythm.deliver in okrbsc.yaml (webhooks, e-mail); "
        "URLs and passwords come only from the environment variables named there.",
    ),
]
DryRunOpt = Annotated[
    bool,
    typer.Option("--dry-run", help="With --send: list what would go to which channel and person."),
]


@app.command()
def remind(
    period: PeriodArg = None,
    team: TeamOpt = None,
    output_format: FormatOpt = RhythmFormat.text,
    mentions: MentionsOpt = Mentions.github,
    send: SendOpt = False,
    dry_run: DryRunOpt = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 when any check-in is owed (CI gates).")
    ] = False,
    repo: RepoOpt = None,
    as_of: AsOfOpt = None,
    quiet: QuietOpt = False,
    no_color: NoColorOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Who owes a check-in, and who else should hear of it.

    A key result of a running period is owed a check-in once its last one
    (or its period's start, when it has none) is rhythm.due_after_days old
    (default 7). It goes to the person it answers to: its owner, else its
    objective's owner, else its team's lead. Each of
    rhythm.escalate_after_days (default 14 and 28: lint.stale_after_days and
    twice that) reached tells one more person: the team's lead (level 2), then
    the parent team's lead (level 3). Finished key results are never owed; a
    key result with a `source` is marked pulled (its feed has stopped).

    People, their e-mail and chat handles come from `people:` in okrbsc.yaml.

    Exit 0; 1 with --strict when anything is owed; 2 for a usage error or a
    failed delivery.

    Examples:

      okrbsc remind

      okrbsc remind --format md >> "$GITHUB_STEP_SUMMARY"

      okrbsc remind Q4 --team sales --format slack

      okrbsc remind --send --dry-run
    """
    from okrbsc.render.rhythm import REMIND_RENDERERS
    from okrbsc.rhythm.remind import remind as build

    session = Session(repo, as_of, quiet, verbose)
    strategy = session.readable_repo()
    chosen = _period(strategy, period)
    _check_team(strategy, team)
    result = build(strategy, chosen, team)
    if send or dry_run:
        from okrbsc.render.rhythm import remind_outbox

        channels: list[str] = [spec.to for spec in strategy.config.rhythm.deliver]
        outbox = remind_outbox(result, channels, mentions.value)
        _deliver(strategy, outbox, dry_run or not send, output_format)
    else:
        typer.echo(REMIND_RENDERERS[output_format.value](result, mentions.value), nl=False)
    if strict and result.owed:
        raise typer.Exit(int(ExitCode.FINDINGS))


@app.command()
def digest(
    period: PeriodArg = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="YYYY-MM-DD",
            help="Start of the window, exclusive (default: 7 days before --as-of).",
        ),
    ] = None,
    team: TeamOpt = None,
    output_format: FormatOpt = RhythmFormat.text,
    mentions: MentionsOpt = Mentions.github,
    send: SendOpt = False,
    dry_run: DryRunOpt = False,
    repo: RepoOpt = None,
    as_of: AsOfOpt = None,
    quiet: QuietOpt = False,
    no_color: NoColorOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """The leaders' weekly page: what moved, what slipped, who is silent.

    Over the window after --since up to --as-of: one summary line ("Week to
    2026-11-23: 14 check-ins from 5 of 7 teams; 3 key results newly at risk;
    2 teams silent (ops, people)"), then for each team with key results in a
    running period its check-ins (value, progress and confidence before and
    after), the key results newly at risk and why, those owed a check-in (as
    `okrbsc remind`), and each objective's score at --since and now; the
    scorecard's red measures that no running objective reaches (A402); and,
    in a git repository, the targets moved and key results added or removed
    by the commits of the window, with the commit and its author.

    Exit 0; 2 for a usage error or a failed delivery.

    Examples:

      okrbsc digest

      okrbsc digest --since 2026-11-01 --format md >> "$GITHUB_STEP_SUMMARY"

      okrbsc digest --format teams > digest.json

      okrbsc digest --send
    """
    from okrbsc.render.rhythm import DIGEST_RENDERERS
    from okrbsc.rhythm.digest import digest as build

    session = Session(repo, as_of, quiet, verbose)
    strategy = session.readable_repo()
    chosen = _period(strategy, period)
    _check_team(strategy, team)
    start = parse_date(since, "--since")
    if start is not None and start >= strategy.as_of:
        raise UsageError(f"--since {start} is not before the as-of date {strategy.as_of}")
    result = build(strategy, start, chosen, team)
    if send or dry_run:
        from okrbsc.render.rhythm import digest_outbox
        from okrbsc.rhythm.digest import recipients

        channels: list[str] = [spec.to for spec in strategy.config.rhythm.deliver]
        outbox = digest_outbox(result, recipients(strategy, result), channels, mentions.value)
        _deliver(strategy, outbox, dry_run or not send, output_format)
        return
    typer.echo(DIGEST_RENDERERS[output_format.value](result, mentions.value), nl=False)


def _deliver(repo: Repo, outbox: Outbox, dry_run: bool, output_format: RhythmFormat) -> None:
    """Hand the outbox to delivery and say how each went; a failure exits 2."""
    import os

    from okrbsc.render.delivery import delivery_json, delivery_lines
    from okrbsc.render.text import json_text
    from okrbsc.rhythm.deliver import deliver, failed

    specs = repo.config.rhythm.deliver
    if not specs:
        raise UsageError(
            "nowhere to send: list the channels under rhythm.deliver in okrbsc.yaml "
            "(see docs/format.md), or leave out --send to print"
        )
    results = deliver(outbox, specs, env=os.environ, dry_run=dry_run)
    if output_format is RhythmFormat.json:
        typer.echo(json_text({"dry_run": dry_run, "deliveries": delivery_json(results)}))
    else:
        for line in delivery_lines(results):
            typer.echo(line)
    if failed(results):
        raise typer.Exit(int(ExitCode.USAGE))


def _period(repo: Repo, text: str | None) -> Period | None:
    return None if text is None else resolve_period(repo, text)


def _check_team(repo: Repo, team: str | None) -> None:
    """A team of okrbsc.yaml or of an OKR file; else the nearest ids (SPEC 14.6)."""
    if team is None:
        return
    known = list(dict.fromkeys([*repo.teams, *(doc.team for _, doc in repo.okr_files)]))
    if team not in known:
        from okrbsc.strategy.validate import did_you_mean

        hint = did_you_mean(team, known) or f" (teams: {', '.join(known) or 'none'})"
        raise UsageError(f"--team {team!r} is no team of this repo{hint}")
