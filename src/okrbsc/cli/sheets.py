"""`okrbsc export` and `okrbsc import`: the strategy as sheets, and numbers back from them."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from okrbsc.cli.app import app
from okrbsc.cli.options import AsOfOpt, QuietOpt, RepoOpt, VerboseOpt
from okrbsc.errors import UsageError
from okrbsc.render.text import visible
from okrbsc.session import Session, resolve_period


class SheetFormat(enum.StrEnum):
    xlsx = "xlsx"
    csv = "csv"


@app.command()
def export(
    period: Annotated[
        str | None,
        typer.Argument(help="2026-Q3, a bare Q3, or a year (default: the latest started quarter)."),
    ] = None,
    output: Annotated[
        SheetFormat, typer.Option("--format", help="xlsx (one workbook) or csv (a folder).")
    ] = SheetFormat.xlsx,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="The workbook, or the CSV folder (default: reports/<PERIOD>…)."
        ),
    ] = None,
    repo: RepoOpt = None,
    as_of: AsOfOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Write a period as sheets: objectives, key_results, checkins, measures, actuals.

    Numbers are numbers and dates are dates; the computed columns (progress,
    score, grade, confidence, actual, status, achievement) are what `okrbsc
    score --format json` gives. No cell is ever a formula. Workbooks need
    pip install "okrbsc[xlsx]"; CSV (UTF-8 with a byte-order mark, the same
    bytes every time) needs nothing more. Fill the checkins or actuals sheet
    and bring it back with `okrbsc import`.

    Examples:

      okrbsc export                      # reports/2026-Q4.xlsx

      okrbsc export Q3 --format csv      # reports/2026-Q3-csv/*.csv

      okrbsc export 2026-Q4 --out monday.xlsx
    """
    from okrbsc.sheets.files import csv_bytes, xlsx_bytes
    from okrbsc.sheets.table import sheets
    from okrbsc.write.safe import atomic_write

    session = Session(repo, as_of, quiet, verbose)
    strategy = session.readable_repo()
    chosen = resolve_period(strategy, period)
    tables = sheets(strategy, session.scored(str(chosen)))
    if output is SheetFormat.xlsx:
        files = [(out or Path("reports") / f"{chosen}.xlsx", xlsx_bytes(tables, strategy.as_of))]
    else:
        folder = out or Path("reports") / f"{chosen}-csv"
        files = [(folder / f"{t.name}.csv", csv_bytes(t)) for t in tables]
    try:
        for path, data in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, data)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    if not quiet:
        where = files[0][0] if output is SheetFormat.xlsx else files[0][0].parent
        typer.echo(visible(f"wrote {where} ({chosen}, as of {strategy.as_of})"))
