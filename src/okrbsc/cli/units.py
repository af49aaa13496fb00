"""`okrbsc units lock|update|sync|diff`: a group's business units (SPEC 18)."""

from __future__ import annotations

import enum
from typing import Annotated

import typer

from okrbsc.cli.app import Group, app
from okrbsc.cli.options import AsOfOpt, QuietOpt, RepoOpt
from okrbsc.errors import DataError
from okrbsc.session import Session

units_app = typer.Typer(
    name="units",
    cls=Group,
    help=(
        "A group's business units: each unit's strategy repo pinned at a commit in "
        "units.lock, fetched into .okrbsc/units/ and read from there."
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(units_app)

IdsArg = Annotated[
    list[str] | None, typer.Argument(metavar="[ID]...", help="Unit ids (default: every unit).")
]


def _say(quiet: bool, text: str) -> None:
    if not quiet:
        from okrbsc.render.text import visible

        typer.echo(visible(text))


@units_app.command("lock")
def lock(
    ids: IdsArg = None,
    repo: RepoOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Pin units at a commit in units.lock: units with no entry yet (or whose repo or ref
    changed in okrbsc.yaml), or the units named. Fetches each into .okrbsc/units/<id>/.

    Examples:

      okrbsc units lock

      okrbsc units lock emea
    """
    from okrbsc.units.portfolio import lock as do_lock

    report = do_lock(Session(repo, None, quiet=True).repo, ids or [], update=False)
    _said(report.locked, report.kept, quiet)


@units_app.command("update")
def update(
    ids: IdsArg = None,
    repo: RepoOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Move units to the newest commit of their ref (every unit, or those named) in
    units.lock: `lock` for those units.

    Examples:

      okrbsc units update

      okrbsc units update apac
    """
    from okrbsc.units.portfolio import lock as do_lock

    report = do_lock(Session(repo, None, quiet=True).repo, ids or [], update=True)
    _said(report.locked, report.kept, quiet)


def _said(locked: list[str], kept: list[str], quiet: bool) -> None:
    for ident in locked:
        _say(quiet, f"locked {ident}")
    if kept:
        _say(quiet, f"unchanged: {', '.join(kept)}")


@units_app.command("sync")
def sync(
    repo: RepoOpt = None,
    as_of: AsOfOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Fetch every unit at its locked commit into .okrbsc/units/<id>/ (no working tree:
    units are read from there at that commit, never from a checkout). A fetch that
    fails names the unit (exit 2); a unit whose fiscal calendar differs from the
    group's is an error naming both values (exit 1).

    Examples:

      okrbsc units sync
    """
    from okrbsc.units.portfolio import sync as do_sync

    report = do_sync(Session(repo, as_of, quiet=True).repo)
    for ident in report.fetched:
        _say(quiet, f"fetched {ident}")
    if report.present:
        _say(quiet, f"up to date: {', '.join(report.present)}")
    if report.mismatched:
        raise DataError(report.mismatched[0], details=report.mismatched[1:])


class UnitsDiffFormat(enum.StrEnum):
    text = "text"
    md = "md"
    json = "json"


@units_app.command("diff")
def diff(
    rev: Annotated[
        str, typer.Argument(help="The group revision whose units.lock to compare with.")
    ] = "HEAD",
    output_format: Annotated[
        UnitsDiffFormat, typer.Option("--format", "-f", help="text, md or json.")
    ] = UnitsDiffFormat.text,
    repo: RepoOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """What changed in each unit whose locked commit moved since REV (default: the last
    commit's units.lock): targets moved, key results added or removed, as `okrbsc diff`
    says it, grouped by unit. Fetches an older commit that is not synced.

    Examples:

      okrbsc units diff

      okrbsc units diff HEAD~1 --format md
    """
    from okrbsc.render.units_diff import UNITS_DIFF
    from okrbsc.units.portfolio import diff_units

    strategy = Session(repo, as_of, quiet=True).repo
    typer.echo(UNITS_DIFF[output_format.value](diff_units(strategy, rev), rev))
