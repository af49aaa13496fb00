"""The Typer application, its error handling and the entry point."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from okrbsc import __version__
from okrbsc.errors import ExitCode, OkrbscError


class Group(TyperGroup):
    """Reports an :class:`OkrbscError` from any command once, with its exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except OkrbscError as exc:
            typer.echo(f"okrbsc: error: {exc}", err=True)
            raise typer.Exit(int(exc.exit_code)) from None


app = typer.Typer(
    name="okrbsc",
    cls=Group,
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
