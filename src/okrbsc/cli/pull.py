"""`okrbsc pull`: fetch sourced measures and key results and write them into the files."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from okrbsc.cli.app import app
from okrbsc.cli.options import AsOfOpt, NoColorOpt, QuietOpt, RepoOpt, VerboseOpt
from okrbsc.errors import ExitCode, UsageError
from okrbsc.session import Session, parse_period

if TYPE_CHECKING:
    from okrbsc.sources.pull import Fetched
    from okrbsc.write.values import Row


class PullFormat(enum.StrEnum):
    text = "text"
    json = "json"


@app.command()
def pull(
    period: Annotated[
        str | None,
        typer.Argument(help="Pull key results of this period (default: those running at as-of)."),
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Only this connection of okrbsc.yaml.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report what would change; write nothing.")
    ] = False,
    restate: Annotated[
        bool, typer.Option("--restate", help="Also overwrite recorded values the source changed.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Also write check-ins of key results whose recorded score is final."
        ),
    ] = False,
    check: Annotated[
        bool,
        typer.Option("--check", help="Write nothing; exit 1 when a file differs from its source."),
    ] = False,
    output: Annotated[PullFormat, typer.Option("--format", help="text or json.")] = PullFormat.text,
    repo: RepoOpt = None,
    as_of: AsOfOpt = None,
    quiet: QuietOpt = False,
    no_color: NoColorOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Fetch the numbers of every measure and key result with a `source:` into the files.

    Connections are `sources:` in okrbsc.yaml (DuckDB over CSV/Parquet/JSON
    files, a DuckDB or SQLite file, any SQLAlchemy URL; pip install
    "okrbsc[data]"), or GitHub, GitLab and Jira, whose matching issues, pull
    and merge requests are counted as of the day into one check-in (pip
    install "okrbsc[trackers]"; tokens from the environment). New actuals
    and check-ins are added; values the source now gives differently are
    reported as restated and written only with --restate. Queries run
    read-only, the database enforcing it, one statement each, cancelled
    after the connection's `timeout` (default 60 s). Exit 0 done, 1
    restatements left unwritten (or --check found a difference), 2 a
    connection or query failed.

    Examples:

      okrbsc pull --dry-run

      okrbsc pull 2026-Q3 --source warehouse --restate

      okrbsc pull --check --format json
    """
    from okrbsc.render.pull import PullReport
    from okrbsc.sources.pull import fetch, items, refuse_final
    from okrbsc.write.values import ChangeKind, merge, write

    if check and restate:
        raise UsageError("--check cannot be combined with --restate")
    strategy = Session(repo, as_of, quiet, verbose).readable_repo()
    wanted = parse_period(period) if period is not None else None
    fetched, timings = fetch(strategy, items(strategy, wanted, source), check=check)
    if not force:
        refuse_final(strategy, fetched)
    report = PullReport(errors=[f.error_entry() for f in fetched if f.error is not None])
    result = merge(strategy, [row for f in fetched if f.error is None for row in _rows(f)])
    names = {f.item.id: f.item for f in fetched}
    report.errors += [
        {
            "source": names[e.id].source.from_ if e.id in names else None,
            "id": e.id,
            "path": e.path or (names[e.id].path if e.id in names else None),
            "line": e.line or (names[e.id].line if e.id in names else None),
            "message": f"{e.where}: {e.message}" if e.where else e.message,
        }
        for e in result.errors
    ]
    report.changes = [c.to_dict() for c in result.changes]
    _tracked(report.changes, fetched)
    if not (dry_run or check):
        report.written = write(strategy, result, restate=restate, partial=True)
    report.timings = [
        f"{t.source} ({t.engine}): {t.items} items, {t.rows} rows"
        + (f", {t.requests} requests" if t.requests is not None else "")
        + f", {t.seconds:.2f} s"
        + (", connection failed" if t.failed else "")
        for t in timings
    ]
    _print(report, output, dry_run, check, restate, quiet, verbose)
    restated = bool(result.of(ChangeKind.RESTATED)) and not restate
    differs = check and bool(result.of(ChangeKind.ADDED) or result.of(ChangeKind.RESTATED))
    code = ExitCode.USAGE if report.errors else ExitCode.FINDINGS if restated or differs else 0
    raise typer.Exit(int(code))


def _print(report: Any, output: PullFormat, dry_run: bool, check: bool, restate: bool,
           quiet: bool, verbose: bool) -> None:  # fmt: skip
    from okrbsc.render.pull import error_lines, text_lines, to_json

    if verbose:
        for line in report.timings:
            typer.echo(line, err=True)
    if output is PullFormat.json:
        typer.echo(to_json(report))
        return
    for line in error_lines(report):
        typer.echo(f"okrbsc: error: {line}", err=True)
    mode = "dry-run" if dry_run else "check" if check else "write"
    lines = text_lines(report, mode=mode, restate=restate, verbose=verbose)
    for line in lines[-1:] if quiet else lines:
        typer.echo(line)


def _tracked(changes: list[dict[str, Any]], fetched: list[Fetched]) -> None:
    """A tracker's change says what it counted: its note and its items (SPEC 17.2)."""
    counted = {
        (f.item.id, f.item.path, str(r.key)): (r.note, f.items)
        for f in fetched
        if f.note is not None
        for r in f.readings
    }
    for change in changes:
        found = counted.get((change["id"], change["path"], str(change.get("date"))))
        if found is not None:
            change["note"], change["items"] = found


def _rows(f: Fetched) -> list[Row]:
    """The fetched readings as rows of the values engine."""
    from okrbsc.write.values import ActualRow, CheckinRow

    item, name = f.item, f.item.source.from_
    out: list[Row] = []
    for r in f.readings:
        if item.kind == "measure":
            out.append(ActualRow(item.id, r.key, r.value, name, r.where))  # type: ignore[arg-type]
        else:
            out.append(
                CheckinRow(item.id, r.key, r.value, r.confidence, name,  # type: ignore[arg-type]
                           note=r.note, period=item.period, where=r.where)
            )  # fmt: skip
    return out
