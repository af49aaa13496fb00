"""`okrbsc score`, `okrbsc status` and `okrbsc report`: a period scored once, then shown."""

from __future__ import annotations

import contextlib
import enum
import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from okrbsc.cli.app import app
from okrbsc.cli.options import (
    AsOfOpt,
    NoCacheOpt,
    NoColorOpt,
    QuietOpt,
    RepoOpt,
    VerboseOpt,
    console,
)
from okrbsc.errors import UsageError
from okrbsc.render.text import json_text, visible
from okrbsc.session import Session, resolve_period, shown

if TYPE_CHECKING:
    from okrbsc.scoring.engine import PeriodScore
    from okrbsc.strategy.repo import Repo

TeamOpt = Annotated[str | None, typer.Option("--team", help="Only this team's OKRs.")]


class ScoreFormat(enum.StrEnum):
    table = "table"
    md = "md"
    json = "json"


def _json(repo: Repo, result: PeriodScore, no_color: bool) -> None:
    from okrbsc.render.score import to_json

    typer.echo(json_text(to_json(result)))


def _markdown(repo: Repo, result: PeriodScore, no_color: bool) -> None:
    from okrbsc.render.score import markdown

    typer.echo(markdown(result), nl=False)


def _table(repo: Repo, result: PeriodScore, no_color: bool) -> None:
    from okrbsc.render.score import print_table

    print_table(result, console(no_color, whole_rows=True))


def _dashboard(repo: Repo, result: PeriodScore, no_color: bool) -> None:
    from okrbsc.render.status import print_status

    print_status(repo, result, console(no_color, whole_rows=True))


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """Scoring and showing a period make millions of objects, nearly all of which
    live until the output is written, and no cycles worth collecting: passes of the
    cycle collector over them only cost time (0.5 s for status, 0.9 s for the HTML
    report of 1,000 teams)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


Show = Callable[["Repo", "PeriodScore", bool], None]
SCORE_RENDERERS: dict[ScoreFormat, Show] = {
    ScoreFormat.table: _table,
    ScoreFormat.md: _markdown,
    ScoreFormat.json: _json,
}
STATUS_RENDERERS: dict[ScoreFormat, Show] = {**SCORE_RENDERERS, ScoreFormat.table: _dashboard}


#: SPEC 15.4, as the --help of score, status and report says it
DEFAULT_PERIOD = (
    "the shortest period with OKRs containing --as-of, else the latest started one, "
    "else the quarter of --as-of"
)


@app.command()
def score(
    period: Annotated[
        str | None,
        typer.Argument(
            help="2026-Q3, 2026-H1, a bare Q3 or H2 (the latest started), or a year 2026 "
            f"(default: {DEFAULT_PERIOD})."
        ),
    ] = None,
    team: TeamOpt = None,
    write: Annotated[
        bool,
        typer.Option(
            "--write",
            help="Record the computed KR and objective scores in the YAML (final scores: "
            "from the period's last day on).",
        ),
    ] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="With --write: record scores before the period ends."),
    ] = False,
    repo: RepoOpt = None,
    as_of: AsOfOpt = None,
    output_format: Annotated[
        ScoreFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ScoreFormat.table,
    quiet: QuietOpt = False,
    no_color: NoColorOpt = False,
    verbose: VerboseOpt = False,
    no_cache: NoCacheOpt = False,
) -> None:
    """Score a quarter (or a half, or a year): KRs, objectives, teams, perspectives, scorecard.

    Exit 1 when the repo has reading or schema errors (fix them first).
    --write records final scores, which then win over computed ones: before
    the period's last day (at as-of) it refuses (exit 2) unless --force.

    Examples:

      okrbsc score Q3

      okrbsc score 2026-Q3 --as-of 2026-09-30 --format json

      okrbsc score Q3 --team sales --format md

      okrbsc score 2026-Q3 --write     # freeze the quarter's scores
    """
    session = Session(repo, as_of, quiet, verbose, cache=not no_cache)
    with _no_collection():
        result = session.scored(period, team)
        if write and not force:
            from okrbsc.write.record import refuse_before_the_end

            refuse_before_the_end(session.repo, result.period)
        SCORE_RENDERERS[output_format](session.repo, result, no_color)
    if write:
        from okrbsc.write.record import record_scores

        written = record_scores(session.repo, result, team)
        if not quiet:
            files = ", ".join(written)
            typer.echo(visible(f"Recorded scores in {len(written)} files: {files}"), err=True)


@app.command()
def status(
    period: Annotated[
        str | None,
        typer.Argument(help=f"Quarter or half to show (default: {DEFAULT_PERIOD})."),
    ] = None,
    team: TeamOpt = None,
    repo: RepoOpt = None,
    as_of: AsOfOpt = None,
    output_format: Annotated[
        ScoreFormat, typer.Option("--format", "-f", help="table: the dashboard; md or json.")
    ] = ScoreFormat.table,
    quiet: QuietOpt = False,
    no_color: NoColorOpt = False,
    verbose: VerboseOpt = False,
    no_cache: NoCacheOpt = False,
) -> None:
    """Dashboard of a quarter: progress against the calendar, pace, confidence and
    its trend, at-risk key results first, and the red and amber scorecard measures
    with the OKRs that address them.

    Examples:

      okrbsc status

      okrbsc status Q3 --team sales

      okrbsc status --as-of 2026-11-20
    """
    session = Session(repo, as_of, quiet, verbose, cache=not no_cache)
    with _no_collection():
        result = session.scored(period, team)
        STATUS_RENDERERS[output_format](session.repo, result, no_color)


class ReportFormat(enum.StrEnum):
    md = "md"
    html = "html"
    both = "both"


@app.command()
def report(
    periods: Annotated[
        list[str] | None,
        typer.Argument(
            help=f"Periods to report (default: {DEFAULT_PERIOD}); several get an index."
        ),
    ] = None,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="md, html or both.")
    ] = ReportFormat.both,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Folder for the files (default: reports/ of the repo root).",
            file_okay=False,
        ),
    ] = None,
    templates: Annotated[
        Path | None,
        typer.Option(
            "--templates",
            help="Folder of your own report.md.j2 / report.html.j2 (others fall back to ours).",
            exists=True,
            file_okay=False,
        ),
    ] = None,
    repo: RepoOpt = None,
    as_of: AsOfOpt = None,
    quiet: QuietOpt = False,
    no_color: NoColorOpt = False,
    verbose: VerboseOpt = False,
    no_cache: NoCacheOpt = False,
) -> None:
    """Write the plan on a page: Markdown (renders on GitHub and GitLab, with a
    Mermaid strategy map) and one self-contained HTML file (no network; prints
    on one landscape page for the summary).

    Files are named after the period (reports/2026-Q3.md, reports/2026-Q3.html).
    Your templates (--templates) run in Jinja's sandbox.

    Examples:

      okrbsc report

      okrbsc report Q3 --format html --out public/

      okrbsc report 2026-Q3 2026-Q4 --out reports/

      okrbsc report --templates my-templates/
    """
    from okrbsc.render.report import FORMATS

    session = Session(repo, as_of, quiet, verbose, cache=not no_cache)
    strategy = session.readable_repo()
    names: list[str | None] = list(periods) if periods else [None]
    chosen = list(dict.fromkeys(resolve_period(strategy, p) for p in names))
    formats = FORMATS if output_format is ReportFormat.both else (output_format.value,)
    with _no_collection():
        results = [session.scored(str(p)) for p in chosen]
        folder = session.output_folder(out)
        written = _write_reports(strategy, results, formats, folder, templates)
    for path in written:
        if not quiet:
            typer.echo(visible(f"wrote {shown(path)}"))


def _write_reports(
    repo: Repo, results: list[Any], formats: tuple[str, ...], out: Path, templates: Path | None
) -> list[Path]:
    from jinja2 import TemplateError

    from okrbsc.render.report import documents, template_failure
    from okrbsc.write.safe import atomic_write

    try:
        docs = documents(repo, results, formats, templates)
    except TemplateError as exc:
        raise UsageError(visible(template_failure(exc))) from None
    from okrbsc.strategy.paths import LOOP, is_link_loop

    if is_link_loop(out):
        raise UsageError(f"cannot write to {out}: it is {LOOP}; nothing was written")
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, text in docs:
            atomic_write(out / name, text)
    except OSError as exc:
        raise UsageError(f"cannot write to {out}: {exc.strerror or exc}") from None
    return [out / name for name, _ in docs]
