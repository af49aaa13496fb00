"""`okrbsc review`: the quarterly strategy review (SPEC 9.1)."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from okrbsc.cli.app import app
from okrbsc.cli.options import AsOfOpt, NoColorOpt, QuietOpt, RepoOpt, VerboseOpt
from okrbsc.errors import UsageError
from okrbsc.session import Session, review_quarter


class ReviewFormat(enum.StrEnum):
    md = "md"
    html = "html"
    json = "json"


@app.command()
def review(
    period: Annotated[
        str,
        typer.Argument(
            help="The period to review: 2026-Q3, 2026-H1, 2026, or a bare Q3 or H2 "
            "(the latest started)."
        ),
    ],
    output_format: Annotated[
        ReviewFormat, typer.Option("--format", "-f", help="md (default), html or json.")
    ] = ReviewFormat.md,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write DIR/review-<PERIOD>.<format> (DIR is created) instead of printing.",
            file_okay=False,
        ),
    ] = None,
    repo: RepoOpt = None,
    as_of: AsOfOpt = None,
    quiet: QuietOpt = False,
    no_color: NoColorOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """The quarterly strategy review: did the OKRs move the scorecard?

    For each scorecard objective: its achievement against the quarter (half,
    year) before, the OKRs aimed at it (the period's own, then those of the
    half and the year running during it) and their score, and a verdict -- working,
    assumption-in-question (OKRs delivered, measure did not move: revisit the
    strategy map), improving, execution-gap, unaddressed, steady or unknown.
    For each strategy-map link: whether the effect followed the cause a
    quarter later (weak links). For each team: how well check-in confidence
    foretold outcomes (Brier score). Markdown and HTML add the evidence and the
    questions the board should ask.

    Exit 1 when the repo has reading or schema errors; 2 for a period with no
    OKR files (its own or of a half or year containing it) and no actuals.

    Examples:

      okrbsc review Q3

      okrbsc review 2026-Q3 --format html --out reports/

      okrbsc review H2

      okrbsc review 2026-Q3 --as-of 2026-10-01 --format json
    """
    from okrbsc.render.review import render
    from okrbsc.scoring.engine import score_period
    from okrbsc.scoring.review import review as build_review

    session = Session(repo, as_of, quiet, verbose)
    strategy = session.readable_repo()
    quarter = review_quarter(strategy, period)
    result = build_review(strategy, quarter, score_period(strategy, quarter))
    text = render(strategy, result, output_format.value)
    if out is None:
        typer.echo(text, nl=False)
        return
    from okrbsc.write.safe import atomic_write

    target = out / f"review-{quarter}.{output_format.value}"
    try:
        out.mkdir(parents=True, exist_ok=True)
        atomic_write(target, text)
    except OSError as exc:
        raise UsageError(f"cannot write to {out}: {exc.strerror or exc}") from None
    if not quiet:
        typer.echo(f"wrote {target}")
