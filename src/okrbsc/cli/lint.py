"""`okrbsc lint`: validate and lint the strategy repo."""

from __future__ import annotations

import enum
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from okrbsc.cli.app import app
from okrbsc.cli.options import (
    AsOfOpt,
    NoCacheOpt,
    NoColorOpt,
    QuietOpt,
    RepoOpt,
    VerboseOpt,
    colour_wanted,
    done,
)
from okrbsc.errors import UsageError
from okrbsc.session import Session, reading_progress, repo_at_revision

if TYPE_CHECKING:
    from okrbsc.lint.engine import LintResult


class LintFormat(enum.StrEnum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"
    gitlab = "gitlab"


def default_format() -> str:
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def relative_paths(root: Path, known: set[str], paths: list[Path]) -> list[str]:
    """Repo-relative data files named by PATH arguments (files or folders)."""
    wanted: list[str] = []
    for path in paths:
        absolute = path.resolve()
        if not absolute.exists():
            raise UsageError(f"{path}: no such file or folder")
        try:
            rel = absolute.relative_to(root).as_posix()
        except ValueError:
            raise UsageError(f"{path} is outside the strategy repo {root}") from None
        if absolute.is_dir():
            prefix = "" if rel == "." else rel + "/"
            wanted.extend(p for p in known if p.startswith(prefix))
        elif rel in known:
            wanted.append(rel)
        else:
            raise UsageError(f"{path} is not a data file of this repo (see `files` in okrbsc.yaml)")
    return wanted


def _result(
    session: Session, paths: list[Path], since: str | None, fetch: bool = False
) -> LintResult:
    """The lint result: from the run cache when nothing it depends on changed, else
    reading again only the files that changed (`lint.incremental`)."""
    # --verbose says what was read, so it reads; --since also reads git: neither is cached
    # --units-fresh fetches: never cached either
    if not session.cache or since is not None or session.verbose or fetch:
        return _fresh(session, paths, since, fetch)
    from okrbsc.lint import incremental, runcache

    snap = (
        incremental.snapshot(session.repo_dir or Path.cwd())
        if folder_ok(session.repo_dir)
        else None
    )
    if snap is None:
        return _fresh(session, paths, since)  # no cache folder, or no repo: it says why
    only = relative_paths(snap.root, snap.known, paths) if paths else None
    key = runcache.run_key(snap, session.day, [str(p.resolve()) for p in paths])
    cached = runcache.load(key)
    if cached is not None:
        return cached
    with reading_progress(session.quiet) as progress:
        result = incremental.run(snap, session.day, only, progress)
    runcache.store(key, result)
    return result


def _fresh(
    session: Session, paths: list[Path], since: str | None, fetch: bool = False
) -> LintResult:
    from okrbsc.lint import engine

    strategy = session.repo
    baseline = repo_at_revision(strategy, since) if since is not None else None
    known = {f.path for f in strategy.all_files}
    only = relative_paths(strategy.root, known, paths) if paths else None
    return engine.run(strategy, only, baseline=baseline, fetch=fetch)


def folder_ok(repo: Path | None) -> bool:
    return repo is None or repo.is_dir()


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
            "--since",
            metavar="REV",
            help="Also run the history rules (G501, G502) against this git revision.",
        ),
    ] = None,
    units_fresh: Annotated[
        bool,
        typer.Option(
            "--units-fresh",
            help="Also fetch each business unit's ref and warn when it has moved past "
            "its locked commit (U702); nothing else in lint touches the network.",
        ),
    ] = False,
    quiet: QuietOpt = False,
    no_color: NoColorOpt = False,
    verbose: VerboseOpt = False,
    no_cache: NoCacheOpt = False,
) -> None:
    """Validate and lint the strategy repo.

    Exit 0 when there is no error, 1 when there are errors (or warnings with
    --strict), 2 on a usage error.

    Examples:

      okrbsc lint

      okrbsc lint okrs/2026/Q3 --as-of 2026-09-30

      okrbsc lint --format sarif > okrbsc.sarif

      okrbsc lint --since origin/main     # also flag moved targets, rewritten check-ins

      okrbsc lint --units-fresh           # also say which business units moved past their lock
    """
    from okrbsc.render.lint_formats import REPORTERS

    session = Session(repo, as_of, quiet, verbose, cache=not no_cache)
    result = _result(session, paths or [], since, units_fresh)
    fmt = output_format.value if output_format is not None else default_format()
    if fmt == "text" and colour_wanted(no_color):
        from okrbsc.render.lint_text import print_findings

        print_findings(result, quiet=quiet)
    else:
        output = REPORTERS[fmt](quiet=quiet).render(result)
        if output:
            typer.echo(output)
    done(result.errors > 0 or (strict and result.warnings > 0))
