"""`okrbsc diff` and `okrbsc history`: the strategy's git history put to work."""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from okrbsc.cli.app import app
from okrbsc.cli.options import AsOfOpt, NoColorOpt, QuietOpt, RepoOpt, VerboseOpt, console
from okrbsc.render.text import visible
from okrbsc.session import Session, check_folder, parse_period, repo_at_revision, today

if TYPE_CHECKING:
    from okrbsc.history.timeline import History


class DiffFormat(enum.StrEnum):
    text = "text"
    md = "md"
    json = "json"


@app.command()
def diff(
    base: Annotated[
        str | None,
        typer.Argument(help="Revision to compare from (default: merge-base with main)."),
    ] = None,
    head: Annotated[
        str | None, typer.Argument(help="Revision to compare to (default: the working tree).")
    ] = None,
    output_format: Annotated[
        DiffFormat, typer.Option("--format", "-f", help="text, md (for a PR comment) or json.")
    ] = DiffFormat.text,
    repo: RepoOpt = None,
    as_of: AsOfOpt = None,
    quiet: QuietOpt = False,
    no_color: NoColorOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Semantic diff of the strategy between two revisions: objectives, key results
    and measures added, removed, moved, retitled or re-targeted; alignment, check-ins
    and recorded scores changed. Matched by id, so a moved file is no delete and add.

    Examples:

      okrbsc diff

      okrbsc diff origin/main HEAD --format md > strategy-changes.md

      okrbsc diff HEAD~3 --format json
    """
    from okrbsc.history.diff import diff as semantic_diff
    from okrbsc.history.git import GitRepo
    from okrbsc.render.diff import RENDERERS

    strategy = Session(repo, as_of, quiet=True, verbose=verbose).repo
    base_rev = base if base is not None else GitRepo.of(strategy.root).default_base()
    before = repo_at_revision(strategy, base_rev)
    after = repo_at_revision(strategy, head) if head is not None else strategy
    label = base if base is not None else f"merge-base {base_rev[:10]}"
    changes = semantic_diff(before, after)
    typer.echo(RENDERERS[output_format.value](changes, label, head or "working tree"))


@app.command()
def history(
    ident: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="A key result, objective or measure id (SL1.1, SL1, F1-arr)."
        ),
    ],
    period: Annotated[
        str | None,
        typer.Option("--period", "-p", help="The period, when the id is in several (2026-Q3)."),
    ] = None,
    output_format: Annotated[
        DiffFormat, typer.Option("--format", "-f", help="text (a chart), md or json.")
    ] = DiffFormat.text,
    repo: RepoOpt = None,
    as_of: AsOfOpt = None,
    quiet: QuietOpt = False,
    no_color: NoColorOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """A key result, objective or measure through the git history: its values over
    time (check-ins with confidence, or actuals) and every change of its definition
    with the commit, author and date that made it, old → new. A target made easier
    is flagged. Uncommitted changes count as the newest state.

    Examples:

      okrbsc history SL1.1

      okrbsc history SL1 --period 2026-Q3

      okrbsc history F1-arr --format md >> pr-comment.md

      okrbsc history SL1.1 --format json
    """
    from okrbsc.history.timeline import build
    from okrbsc.strategy.periods import bare_half, bare_quarter
    from okrbsc.strategy.repo import find_root

    check_folder(repo)
    if period is not None and bare_quarter(period) is None and bare_half(period) is None:
        parse_period(period, "--period")
    day = today(as_of)
    began = time.perf_counter()
    root = find_root(repo or Path.cwd())
    # history reads only the files that can define the id: it opens the repo itself
    result = build(root, day, ident, period)
    if verbose:
        typer.echo(
            visible(
                f"okrbsc: {root}: read {result.commits} commits and the working tree in "
                f"{time.perf_counter() - began:.2f} s (as of {day})"
            ),
            err=True,
        )
    HISTORY_RENDERERS[output_format](result, no_color)


def _history_json(result: History, no_color: bool) -> None:
    from okrbsc.render.history import to_json

    typer.echo(to_json(result))


def _history_md(result: History, no_color: bool) -> None:
    from okrbsc.render.history import markdown

    typer.echo(markdown(result))


def _history_text(result: History, no_color: bool) -> None:
    from okrbsc.render.history import print_history

    print_history(result, console(no_color))


HISTORY_RENDERERS: dict[DiffFormat, Callable[[History, bool], None]] = {
    DiffFormat.text: _history_text,
    DiffFormat.md: _history_md,
    DiffFormat.json: _history_json,
}
