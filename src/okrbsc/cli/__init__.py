"""The command line: Typer only. Each command turns its options into a session,
runs one stage, hands the result to a renderer and returns an exit code.

One module per group of commands registers them on :data:`app`; errors from
every stage are reported once, by :class:`~okrbsc.cli.app.Group`.
"""

from __future__ import annotations

from okrbsc.cli import docs, history, lint, pull, review, rhythm, score, sheets, units, write  # noqa: F401
from okrbsc.cli.app import app, main

__all__ = ["app", "main"]
