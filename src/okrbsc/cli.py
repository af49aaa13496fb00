"""The command line: wires options to the pipeline stages and returns exit codes.

Heavy modules (Pydantic models, rich, Jinja2) are imported inside the
commands that need them, so `okrbsc --help` starts fast.
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from . import __version__
from .findings import ExitCode
from .periods import Period

if TYPE_CHECKING:
    from .repo import Repo
    from .scoring import PeriodScore

app = typer.Typer(
    name="okrbsc",
    help=(
        "Balanced Scorecard and OKRs as code: lint, score and report a strategy repo "
        "kept as YAML in git.\n\n"
        "Run `okrbsc lint` in CI, `okrbsc rules` to see what is checked."
    ),
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


class LintFormat(enum.StrEnum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"
    gitlab = "gitlab"


class ScoreFormat(enum.StrEnum):
    table = "table"
    md = "md"
    json = "json"


class DocFormat(enum.StrEnum):
    text = "text"
    json = "json"
    md = "md"


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date: write YYYY-MM-DD") from None


RepoOpt = Annotated[
    Path | None,
    typer.Option(
        "--repo",
        help="Strategy repo folder (default: the nearest folder up from here with okrbsc.yaml).",
        file_okay=False,
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="YYYY-MM-DD",
        help="Treat this date as today, for reproducible results (default: today).",
    ),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print findings only, no summary.")]
NoColorOpt = Annotated[
    bool, typer.Option("--no-color", help="No colour (NO_COLOR and FORCE_COLOR are honoured too).")
]
VerboseOpt = Annotated[
    bool, typer.Option("--verbose", "-v", help="Say on stderr what was read, and how long it took.")
]


def fail(message: str, code: ExitCode = ExitCode.USAGE) -> NoReturn:
    typer.echo(f"okrbsc: error: {message}", err=True)
    raise typer.Exit(int(code))


def open_repo(
    repo: Path | None, as_of: str | None, *, quiet: bool = False, verbose: bool = False
) -> Repo:
    import time

    from .repo import Repo, RepoError

    day = _parse_date(as_of) or dt.date.today()
    start = repo if repo is not None else Path.cwd()
    if repo is not None and not repo.is_dir():
        fail(f"--repo {repo}: no such folder")
    began = time.perf_counter()
    try:
        if quiet or not sys.stderr.isatty():
            opened = Repo.open(start, day)
        else:
            with _Progress() as progress:
                opened = Repo.open(start, day, progress)
    except RepoError as exc:
        fail(str(exc))
    if verbose:
        took = time.perf_counter() - began
        periods = ", ".join(str(p) for p in opened.periods) or "none"
        typer.echo(
            f"okrbsc: {opened.root}: read {len(opened.all_files)} files in {took:.2f} s "
            f"(as of {day}; periods with OKRs: {periods})",
            err=True,
        )
    return opened


class _Progress:
    """A rich progress bar on stderr, shown only once reading takes a while."""

    def __init__(self) -> None:
        import time

        self._clock = time.monotonic
        self._started = self._clock()
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> _Progress:
        return self

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            if self._clock() - self._started < 0.5:
                return
            from rich.console import Console
            from rich.progress import Progress

            self._bar = Progress(console=Console(stderr=True), transient=True)
            self._bar.start()
            self._task = self._bar.add_task("Reading the strategy repo", total=total)
        self._bar.update(self._task, completed=done)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


def _colour_wanted(no_color: bool) -> bool:
    if no_color or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    if os.environ.get("FORCE_COLOR") is not None and os.environ.get("FORCE_COLOR") != "":
        return True
    return sys.stdout.isatty()


def _default_lint_format() -> str:
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def _relative_paths(repo: Repo, paths: list[Path]) -> list[str]:
    """Repo-relative data files named by PATH arguments (files or folders)."""
    known = {f.path for f in repo.all_files}
    wanted: list[str] = []
    for path in paths:
        absolute = path.resolve()
        if not absolute.exists():
            fail(f"{path}: no such file or folder")
        try:
            rel = absolute.relative_to(repo.root).as_posix()
        except ValueError:
            fail(f"{path} is outside the strategy repo {repo.root}")
        if absolute.is_dir():
            prefix = "" if rel == "." else rel + "/"
            wanted.extend(p for p in known if p.startswith(prefix))
        elif rel in known:
            wanted.append(rel)
        else:
            fail(f"{path} is not a data file of this repo (see `files` in okrbsc.yaml)")
    return wanted


@app.command()
def lint(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Only report findings in these files or folders (rules still see the whole repo)."
        ),
    ] = None,
    repo: RepoOpt = None,
    as_of: AsOfOpt = None,
    output_format: Annotated[
        LintFormat | None,
        typer.Option(
            "--format", "-f", help="Output format [default: text; github inside GitHub Actions]."
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too.")] = False,
    since: Annotated[
        str | None,
        typer.Option(
            "--since", metavar="REV",
            help="Also run the history rules (G501, G502) against this git revision.",
        ),
    ] = None,
    quiet: QuietOpt = False,
    no_color: NoColorOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Validate and lint the strategy repo.

    Exit 0 when there is no error, 1 when there are errors (or warnings with
    --strict), 2 on a usage error.

    Examples:

      okrbsc lint

      okrbsc lint okrs/2026/Q3 --as-of 2026-09-30

      okrbsc lint --format sarif > okrbsc.sarif

      okrbsc lint --since origin/main     # also flag moved targets, rewritten check-ins
    """
    from . import lint as linting
    from .formats import REPORTERS

    strategy = open_repo(repo, as_of, quiet=quiet, verbose=verbose)
    if since is not None:
        strategy.baseline = repo_at_revision(strategy, since)
    only = _relative_paths(strategy, paths) if paths else None
    result = linting.run(strategy, only)
    fmt = output_format.value if output_format is not None else _default_lint_format()
    if fmt == "text" and _colour_wanted(no_color):
        from .render_text import print_findings

        print_findings(result, quiet=quiet)
    else:
        output = REPORTERS[fmt](quiet=quiet).render(result)
        if output:
            typer.echo(output)
    failed = result.errors > 0 or (strict and result.warnings > 0)
    raise typer.Exit(int(ExitCode.FINDINGS if failed else ExitCode.OK))


def refuse_unreadable(repo: Repo) -> None:
    """Scores of files that do not load would be wrong: exit 1 and say where."""
    problems = [
        f"{f.path}:{p.line}:{p.column}: {p.code} {p.message}"
        for f in repo.all_files
        for p in f.problems
    ]
    if problems:
        shown = "\n  ".join(problems[:10])
        more = f"\n  ... and {len(problems) - 10} more" if len(problems) > 10 else ""
        typer.echo(
            f"okrbsc: error: the repo has errors, so it cannot be scored "
            f"(run okrbsc lint):\n  {shown}{more}",
            err=True,
        )
        raise typer.Exit(int(ExitCode.FINDINGS))


def repo_at_revision(repo: Repo, rev: str) -> Repo:
    """The strategy as it was at a git revision (a usage error when git cannot say)."""
    from .gitrepo import GitError, GitRepo
    from .repo import RepoError

    try:
        return GitRepo.of(repo.root).repo_at(rev, repo.root, repo.as_of)
    except (GitError, RepoError) as exc:
        fail(str(exc))


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
    from .diff import diff as semantic_diff
    from .diff import render
    from .gitrepo import GitError, GitRepo

    strategy = open_repo(repo, as_of, quiet=True, verbose=verbose)
    try:
        git_repo = GitRepo.of(strategy.root)
        base_rev = base if base is not None else git_repo.default_base()
    except GitError as exc:
        fail(str(exc))
    before = repo_at_revision(strategy, base_rev)
    after = repo_at_revision(strategy, head) if head is not None else strategy
    label = base if base is not None else f"merge-base {base_rev[:10]}"
    typer.echo(render(semantic_diff(before, after), output_format.value, label,
                      head or "working tree"))


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
    from .gitrepo import GitError
    from .history import HistoryError, build
    from .periods import bare_quarter
    from .render_history import markdown, print_history, to_json
    from .repo import RepoError, find_root

    if repo is not None and not repo.is_dir():
        fail(f"--repo {repo}: no such folder")
    if period is not None and bare_quarter(period) is None:
        try:
            Period.parse(period)
        except ValueError as exc:
            fail(str(exc))
    import time

    day = _parse_date(as_of) or dt.date.today()
    began = time.perf_counter()
    try:
        root = find_root(repo or Path.cwd())
        result = build(root, day, ident, period)
    except (GitError, HistoryError, RepoError) as exc:
        fail(str(exc))
    if verbose:
        typer.echo(f"okrbsc: {root}: read {result.commits} commits and the working tree in "
                   f"{time.perf_counter() - began:.2f} s (as of {day})", err=True)
    if output_format is DiffFormat.json:
        typer.echo(to_json(result))
    elif output_format is DiffFormat.md:
        typer.echo(markdown(result))
    else:
        print_history(result, console(no_color))


def chosen_period(repo: Repo, text: str | None) -> Period:
    """The period a command names (SPEC 2.2); a usage error when there is none."""
    from .scoring import PeriodError, resolve_period

    try:
        return resolve_period(repo, text)
    except PeriodError as exc:
        fail(str(exc))


def scored(repo: Repo, period: str | None, team: str | None) -> PeriodScore:
    """Score the period a command names, refusing unreadable repos and unknown teams."""
    from .scoring import score_period

    refuse_unreadable(repo)
    chosen = chosen_period(repo, period)
    if team is not None and not any(r.team == team for r in repo.periods[chosen]):
        fail(f"team {team!r} has no OKRs in {chosen}")
    return score_period(repo, chosen, team)


def console(no_color: bool, *, stderr: bool = False) -> Any:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    return Console(
        no_color=no_color or None, highlight=False, stderr=stderr, soft_wrap=False,
        force_terminal=True if _colour_wanted(no_color) else None,
        width=None if stream.isatty() else 140,  # piped: wide enough for the tables
    )


@app.command()
def score(
    period: Annotated[
        str, typer.Argument(help="2026-Q3, a bare Q3 (the latest started), or a year 2026.")
    ],
    team: Annotated[str | None, typer.Option("--team", help="Only this team's OKRs.")] = None,
    write: Annotated[
        bool,
        typer.Option("--write", help="Record the computed KR and objective scores in the YAML."),
    ] = False,
    repo: RepoOpt = None,
    as_of: AsOfOpt = None,
    output_format: Annotated[
        ScoreFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ScoreFormat.table,
    quiet: QuietOpt = False,
    no_color: NoColorOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Score a quarter (or a year): KRs, objectives, teams, perspectives, scorecard.

    Exit 1 when the repo has reading or schema errors (fix them first).

    Examples:

      okrbsc score Q3

      okrbsc score 2026-Q3 --as-of 2026-09-30 --format json

      okrbsc score Q3 --team sales --format md

      okrbsc score 2026-Q3 --write     # freeze the quarter's scores
    """
    strategy = open_repo(repo, as_of, quiet=quiet, verbose=verbose)
    result = scored(strategy, period, team)
    _print_score(result, output_format.value, no_color)
    if write:
        _write_scores(strategy, result, team, quiet)


def _print_score(result: Any, fmt: str, no_color: bool) -> None:
    if fmt == "json":
        import json

        from .scoring import to_json

        typer.echo(json.dumps(to_json(result), indent=2, ensure_ascii=False))
    elif fmt == "md":
        from .render_score import markdown

        typer.echo(markdown(result), nl=False)
    else:
        from .render_score import print_table

        print_table(result, console(no_color))


def _write_scores(strategy: Repo, result: Any, team: str | None, quiet: bool) -> None:
    from .record import record_scores
    from .writes import WriteError

    try:
        written = record_scores(strategy, result, team)
    except WriteError as exc:
        fail(str(exc), ExitCode.FINDINGS)
    if not quiet:
        typer.echo(f"Recorded scores in {len(written)} files: {', '.join(written)}", err=True)


@app.command()
def status(
    period: Annotated[
        str | None,
        typer.Argument(help="Quarter to show (default: the latest started quarter with OKRs)."),
    ] = None,
    team: Annotated[str | None, typer.Option("--team", help="Only this team's OKRs.")] = None,
    repo: RepoOpt = None,
    as_of: AsOfOpt = None,
    output_format: Annotated[
        ScoreFormat, typer.Option("--format", "-f", help="table: the dashboard; md or json.")
    ] = ScoreFormat.table,
    quiet: QuietOpt = False,
    no_color: NoColorOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Dashboard of a quarter: progress against the calendar, pace, confidence and
    its trend, at-risk key results first, and the red and amber scorecard measures
    with the OKRs that address them.

    Examples:

      okrbsc status

      okrbsc status Q3 --team sales

      okrbsc status --as-of 2026-11-20
    """
    strategy = open_repo(repo, as_of, quiet=quiet, verbose=verbose)
    result = scored(strategy, period, team)
    if output_format is not ScoreFormat.table:
        _print_score(result, output_format.value, no_color)
        return
    from .render_status import print_status

    print_status(strategy, result, console(no_color))


class ReportFormat(enum.StrEnum):
    md = "md"
    html = "html"
    both = "both"


@app.command()
def report(
    periods: Annotated[
        list[str] | None,
        typer.Argument(
            help="Periods to report (default: the latest started quarter); several get an index."
        ),
    ] = None,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="md, html or both.")
    ] = ReportFormat.both,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the files.", file_okay=False)
    ] = Path("reports"),
    templates: Annotated[
        Path | None,
        typer.Option(
            "--templates",
            help="Folder of your own report.md.j2 / report.html.j2 (others fall back to ours).",
            exists=True, file_okay=False,
        ),
    ] = None,
    repo: RepoOpt = None,
    as_of: AsOfOpt = None,
    quiet: QuietOpt = False,
    no_color: NoColorOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Write the plan on a page: Markdown (renders on GitHub and GitLab, with a
    Mermaid strategy map) and one self-contained HTML file (no network; prints
    on one landscape page for the summary).

    Files are named after the period (reports/2026-Q3.md, reports/2026-Q3.html).

    Examples:

      okrbsc report

      okrbsc report Q3 --format html --out public/

      okrbsc report 2026-Q3 2026-Q4 --out reports/

      okrbsc report --templates my-templates/
    """
    from jinja2 import TemplateError

    from .report import FORMATS, write_reports
    strategy = open_repo(repo, as_of, quiet=quiet, verbose=verbose)
    refuse_unreadable(strategy)
    names: list[str | None] = list(periods) if periods else [None]
    chosen = list(dict.fromkeys(chosen_period(strategy, p) for p in names))
    formats = FORMATS if output_format is ReportFormat.both else (output_format.value,)
    try:
        written = write_reports(strategy, chosen, formats, out, templates)
    except TemplateError as exc:
        fail(f"template error: {exc}")
    except OSError as exc:
        fail(f"cannot write to {out}: {exc.strerror or exc}")
    if not quiet:
        for path in written:
            typer.echo(f"wrote {path}")


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
    from .rollover import RolloverError, plan, write

    strategy = open_repo(repo, as_of, quiet=quiet, verbose=verbose)
    refuse_unreadable(strategy)
    try:
        planned = plan(strategy, Period.parse(source), Period.parse(target))
        if dry_run:
            for item in planned:
                typer.echo(f"--- {item.path}\n{item.text}")
            return
        written = write(strategy, planned)
    except (RolloverError, ValueError) as exc:
        fail(str(exc))
    if not quiet:
        for item in planned:
            carried = ", ".join(item.carried) or "nothing"
            typer.echo(f"wrote {item.path}: carried over {carried}")
        typer.echo(f"{len(written)} files; run `okrbsc lint` and let each team finish its file.")


@app.command()
def rules(
    explain: Annotated[
        str | None,
        typer.Option("--explain", metavar="CODE", help="Explain one rule, by code or name."),
    ] = None,
    output_format: Annotated[
        DocFormat, typer.Option("--format", "-f", help="Output format.")
    ] = DocFormat.text,
    everything: Annotated[
        bool, typer.Option("--all", help="With --format md: the full reference (docs/rules.md).")
    ] = False,
    repo: RepoOpt = None,
    as_of: AsOfOpt = None,
    quiet: QuietOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """List the lint rules, or explain one with a failing and a passing example.

    Examples:

      okrbsc rules

      okrbsc rules --explain O106

      okrbsc rules --explain stale-kr
    """
    from .ruledocs import explain_rule, list_rules, reference_markdown

    if everything:
        typer.echo(reference_markdown(), nl=False)
        return
    if explain is None:
        typer.echo(list_rules(output_format.value))
        return
    text = explain_rule(explain, output_format.value)
    if text is None:
        fail(f"no rule {explain!r}: see `okrbsc rules` for the list")
    typer.echo(text)


@app.command()
def checkin(
    kr: Annotated[str, typer.Argument(help="Key result id, e.g. S1.2.")],
    value: Annotated[str, typer.Argument(help="The value now (0/1 or true/false for binary).")],
    confidence: Annotated[
        float | None,
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
    from .checkin import CheckinError, append_checkin, find_target, parse_value
    from .periods import Period
    from .writes import WriteError

    strategy = open_repo(repo, as_of, quiet=quiet, verbose=verbose)
    try:
        wanted = Period.parse(period) if period is not None else None
        target = find_target(strategy, kr, wanted)
        number = parse_value(target.kr, value)
        day = _parse_date(date) or strategy.as_of
        path = append_checkin(
            strategy, target, number, day=day, confidence=confidence, note=note
        )
    except (CheckinError, ValueError) as exc:
        fail(str(exc))
    except WriteError as exc:
        fail(str(exc), ExitCode.FINDINGS)
    if not quiet:
        typer.echo(f"{path}: checked in {target.kr_id} = {value} on {day}")


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
    from .init import InitError, Plan, current_quarter, scaffold
    from .models import check_identifier

    day = _parse_date(as_of) or dt.date.today()
    if organisation is None:
        default = directory.resolve().name or "My organisation"
        on_terminal = sys.stdin.isatty()
        organisation = typer.prompt("Organisation", default=default) if on_terminal else default
    try:
        check_identifier(team)
    except ValueError as exc:
        fail(f"--team: {exc}")
    plan = Plan(organisation, team, current_quarter(day, fiscal_year_start), day, fiscal_year_start)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        written = scaffold(directory, plan)
    except InitError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write to {directory}: {exc.strerror}")
    if not quiet:
        typer.echo(f"Created a strategy repo for {plan.quarter} in {directory}:")
        for rel in written:
            typer.echo(f"  {rel}")
        typer.echo("Next: edit the YAML, then run `okrbsc lint` (and `pre-commit install`).")


class SchemaKind(enum.StrEnum):
    data = "data"
    config = "config"


@app.command()
def schema(
    which: Annotated[
        SchemaKind, typer.Argument(help="data: scorecard and OKR files; config: okrbsc.yaml.")
    ] = SchemaKind.data,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="Output format (json only).")
    ] = "json",
    repo: RepoOpt = None,
    as_of: AsOfOpt = None,
    quiet: QuietOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Print a JSON Schema (draft-07) for editors and check-jsonschema.

    Unknown keys are rejected, as lint rejects them; cross-file checks stay
    with lint.

    Examples:

      okrbsc schema > .okrbsc/data.schema.json

      okrbsc schema config > .okrbsc/config.schema.json

      check-jsonschema --schemafile .okrbsc/data.schema.json okrs/2026/Q3/*.yaml
    """
    from .schema import render

    if output_format != "json":
        fail(f"--format {output_format}: a schema is printed as json only")
    typer.echo(render(which.value))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"okrbsc {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Balanced Scorecard and OKRs as code."""


def main() -> None:
    """Entry point: no traceback ever reaches the user unless OKRBSC_DEBUG is set."""
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # the last line of defence
        if os.environ.get("OKRBSC_DEBUG"):
            raise
        typer.echo(
            f"okrbsc: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in okrbsc; run again with OKRBSC_DEBUG=1 for details and report it.",
            err=True,
        )
        sys.exit(int(ExitCode.USAGE))
