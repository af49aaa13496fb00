"""`okrbsc export` and `okrbsc import`: the strategy as sheets, and numbers back from them."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from okrbsc.cli.app import app
from okrbsc.cli.options import AsOfOpt, QuietOpt, RepoOpt, VerboseOpt
from okrbsc.errors import ExitCode, UsageError
from okrbsc.render.text import visible
from okrbsc.session import Session, default_output, parse_period, resolve_period, shown

if TYPE_CHECKING:
    from okrbsc.sheets.imports import Plan
    from okrbsc.sheets.read import Table
    from okrbsc.strategy.repo import Repo
    from okrbsc.write.values import Merge


class SheetFormat(enum.StrEnum):
    xlsx = "xlsx"
    csv = "csv"


@app.command()
def export(
    period: Annotated[
        str | None,
        typer.Argument(
            help="2026-Q3, 2026-H1, a bare Q3 or H2, or a year (default: the shortest "
            "period with OKRs containing --as-of, else the latest started one)."
        ),
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

    session = Session(repo, as_of, quiet, verbose)
    strategy = session.readable_repo()
    chosen = resolve_period(strategy, period)
    tables = sheets(strategy, session.scored(str(chosen)))
    if output is SheetFormat.xlsx:
        where = out or default_output(strategy.root, f"{chosen}.xlsx")
        _written(where, [("", xlsx_bytes(tables, strategy.as_of))])
    else:
        where = out or default_output(strategy.root, f"{chosen}-csv")
        _written(where, [(f"{t.name}.csv", csv_bytes(t)) for t in tables])
    if not quiet:
        typer.echo(visible(f"wrote {shown(where)} ({chosen}, as of {strategy.as_of})"))


def _written(where: Path, files: list[tuple[str, bytes]]) -> None:
    """One workbook (a file, name ""), or a folder of CSV files written whole."""
    from okrbsc.write.safe import atomic_folder, atomic_write

    try:
        if files[0][0]:
            atomic_folder(where, files)
        else:
            where.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(where, files[0][1])
    except OSError as exc:  # a full disk, a read-only folder: unwritable output
        why = exc.strerror or exc
        raise UsageError(f"cannot write {where}: {why}; nothing was written") from None


class Layout(enum.StrEnum):
    okrbsc = "okrbsc"
    outline = "outline"


class ImportFormat(enum.StrEnum):
    text = "text"
    json = "json"


@app.command("import")
def import_(
    file: Annotated[
        Path, typer.Argument(help="An .xlsx workbook, a folder of CSV files, or one CSV file.")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report what would change; write nothing.")
    ] = False,
    restate: Annotated[
        bool, typer.Option("--restate", help="Also overwrite recorded values the sheet changes.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Also import check-ins of key results whose recorded score is final."
        ),
    ] = False,
    layout: Annotated[
        Layout, typer.Option("--layout", help="okrbsc (an export) or outline (1, 1.1, … rows).")
    ] = Layout.okrbsc,
    team: Annotated[str | None, typer.Option("--team", help="Outline: the team.")] = None,
    period: Annotated[str | None, typer.Option("--period", help="Outline: the period.")] = None,
    prefix: Annotated[
        str | None, typer.Option("--prefix", help="Outline: id prefix (default: S for sales).")
    ] = None,
    output: Annotated[
        ImportFormat, typer.Option("--format", help="text or json.")
    ] = ImportFormat.text,
    repo: RepoOpt = None,
    as_of: AsOfOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Take check-ins and actuals back from sheets, and migrate an OKR sheet into files.

    Check-ins and actuals are written as `okrbsc pull` writes them: new ones
    added, changed ones reported as restated and written only with
    --restate. Objectives, key results and measures are compared with the
    files: a difference is reported, never written (definitions change in
    the YAML, in a pull request). A team and period with no OKR file yet get
    a new file. All or nothing: any error, listed at its cell, writes
    nothing. Exit 0 done, 1 errors, differences or restatements left
    unwritten.

    Examples:

      okrbsc import monday.xlsx --dry-run

      okrbsc import reports/2026-Q4-csv/checkins.csv

      okrbsc import okrs.xlsx --layout outline --team sales --period 2026-Q4
    """
    from okrbsc.sheets.imports import Defaults, plan, plan_outline
    from okrbsc.write.values import ChangeKind, merge, write

    session = Session(repo, as_of, quiet, verbose)
    tables = _read_first(session, file)
    strategy = session.readable_repo()
    if layout is Layout.outline:
        wanted = parse_period(period, "--period") if period is not None else None
        _team_option(team)
        found = plan_outline(strategy, tables, Defaults(team, wanted, prefix))
    else:
        found = plan(strategy, tables, force=force)
    del tables  # the rows made of them are what counts now
    result = merge(strategy, found.taken())
    errors = found.errors + [f"{e.where}: {e.id}: {e.message}" for e in result.errors]
    if found.created and not errors:
        errors += _lint_new_files(strategy, found.created)
    refused = bool(errors or found.differences)
    written: list[str] = []
    if not (refused or dry_run):
        written = write(strategy, result, restate=restate, create=found.created)
    _print_import(result, found, errors, written, output, dry_run, restate, quiet, verbose)
    restated = bool(result.of(ChangeKind.RESTATED)) and not restate
    raise typer.Exit(int(ExitCode.FINDINGS if refused or restated else ExitCode.OK))


def _read_first(session: Session, file: Path) -> list[Table]:
    """The sheets, read before the repo (the spreadsheet reader's memory is given back
    before the repo takes its own); when they cannot be read, an error of the repo is
    still the one reported, as when the repo is read first."""
    from okrbsc.sheets.read import load

    try:
        return load(file)
    except Exception:
        session.readable_repo()
        raise


def _team_option(team: str | None) -> None:
    from okrbsc.strategy.models import check_file_identifier

    if team is not None:
        try:
            check_file_identifier(team)
        except ValueError as exc:
            raise UsageError(f"--team: {exc}") from None


def _lint_new_files(repo: Repo, created: dict[str, str]) -> list[str]:
    """A new team file must lint without errors, with the rest of the repo around it."""
    from okrbsc.lint.engine import run
    from okrbsc.lint.findings import Severity
    from okrbsc.strategy.repo import Repo

    texts = {f.path: f.text.encode("utf-8") for f in repo.all_files}
    texts.update({path: text.encode("utf-8") for path, text in created.items()})
    after = Repo.from_texts(repo.root, texts, repo.as_of)
    findings = run(after, only=list(created)).findings
    return [
        f"{f.path}:{f.line}:{f.column}: {f.code} {f.message} (in the new file this import writes)"
        for f in findings
        if f.severity is Severity.ERROR
    ]


def _shown(result: Merge, verbose: bool) -> list[dict[str, Any]]:
    """The changes as the text report reads them: an unchanged one is only counted
    unless --verbose lists it (its line would mean reading its file again)."""
    from okrbsc.write.values import ChangeKind

    counted = {"change": str(ChangeKind.UNCHANGED)}  # one for all: only read
    return [
        counted if c.change is ChangeKind.UNCHANGED and not verbose else c.to_dict()
        for c in result.changes
    ]


def _print_import(result: Merge, found: Plan, errors: list[str], written: list[str],
                  output: ImportFormat, dry_run: bool, restate: bool, quiet: bool,
                  verbose: bool) -> None:  # fmt: skip
    import json

    from okrbsc.render.pull import PullReport, text_lines
    from okrbsc.render.text import count

    if output is ImportFormat.json:
        changes = [c.to_dict() for c in result.changes]
        data = {"changes": changes, "created": sorted(found.created),
                "differences": found.differences, "errors": errors}  # fmt: skip
        typer.echo(json.dumps(data, indent=2, default=str))
        return
    for line in errors:
        typer.echo(visible(f"okrbsc: error: {line}"), err=True)
    for line in found.differences:
        typer.echo(visible(line))
    report = PullReport(changes=_shown(result, verbose), written=written)
    mode = "dry-run" if dry_run or errors or found.differences else "write"
    lines = text_lines(report, mode=mode, restate=restate, verbose=verbose)
    lines[:-1] += [visible(f"{path}: new file") for path in sorted(found.created)]
    if errors or found.differences:
        counts = f"{count(len(errors), 'error')}, {count(len(found.differences), 'difference')}"
        lines[-1] = lines[-1].replace("; dry run: nothing written", f"; {counts}: nothing written")
    for line in lines[-1:] if quiet else lines:
        typer.echo(line)
