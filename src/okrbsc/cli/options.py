"""Options every command shares, and where a command's output goes."""

from __future__ import annotations

import enum
import os
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from okrbsc.errors import ExitCode

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
NoCacheOpt = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Read every file afresh, neither using nor filling the read cache "
        "(~/.cache/okrbsc; OKRBSC_NO_CACHE=1 does the same).",
    ),
]


class DocFormat(enum.StrEnum):
    text = "text"
    json = "json"
    md = "md"


def done(failed: bool) -> NoReturn:
    raise typer.Exit(int(ExitCode.FINDINGS if failed else ExitCode.OK))


def colour_wanted(no_color: bool) -> bool:
    if no_color or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    if os.environ.get("FORCE_COLOR") is not None and os.environ.get("FORCE_COLOR") != "":
        return True
    return sys.stdout.isatty()


def console(no_color: bool, *, stderr: bool = False, whole_rows: bool = False) -> Any:
    """The rich console of a command. Piped, it is 140 wide; with ``whole_rows``
    (SPEC 10.8: status and score tables) it is COLUMNS wide when that is set, else
    wide enough that every row is printed whole."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    piped = 140
    if whole_rows:
        from okrbsc.render.fit import UNBOUNDED

        columns = os.environ.get("COLUMNS", "")
        piped = int(columns) if columns.isdigit() and int(columns) > 0 else UNBOUNDED
    return Console(
        no_color=no_color or None,
        highlight=False,
        markup=False,  # text from data is never console markup ([bold]) nor emoji (:x:)
        emoji=False,
        stderr=stderr,
        soft_wrap=False,
        force_terminal=True if colour_wanted(no_color) else None,
        width=None if stream.isatty() else piped,
    )
