"""Exit codes, and the one error base every stage raises for the CLI to report.

A stage never prints or exits: it raises an :class:`OkrbscError` (or a
subclass) carrying the exit code SPEC 3 gives it, and the command line
reports it once, as ``okrbsc: error: <message>``, with each of its
``details`` on a line of its own (the reporter escapes every line, so text
from data never starts a line by itself).
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    OK = 0
    FINDINGS = 1  # errors found, or data that cannot be scored or written
    USAGE = 2  # usage error, no repo, unwritable output, internal failure


class OkrbscError(Exception):
    """An error for the user, with the exit code it ends the command with."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(
        self,
        message: str,
        exit_code: ExitCode | None = None,
        *,
        details: tuple[str, ...] | list[str] = (),
    ) -> None:
        self.headline = message
        self.details = tuple(details)  # one line each (findings, say), shown indented
        super().__init__("\n  ".join([message, *self.details]))
        if exit_code is not None:
            self.exit_code = exit_code

    @property
    def message(self) -> str:
        return str(self)


class UsageError(OkrbscError):
    """A bad argument or option, or a repo okrbsc cannot work in (exit 2)."""


class DataError(OkrbscError):
    """The files cannot be scored or written as asked (exit 1)."""

    exit_code = ExitCode.FINDINGS
