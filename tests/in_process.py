"""okrbsc run in the test's own process with Typer's runner, answering as `run_cli` does.

A command run this way skips starting Python and importing okrbsc again, which is
most of what a short command costs as a subprocess. Each command path these helpers
serve keeps a test that runs okrbsc as a real subprocess (`conftest.run_cli`).
"""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path

from typer.testing import CliRunner

from okrbsc.cli import app


def run_here(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``okrbsc ARGS`` in ``cwd`` (default: where the test is), in this process: its
    exit code, stdout and stderr, as `run_cli` gives them. A crash fails the test."""
    with contextlib.chdir(cwd) if cwd is not None else contextlib.nullcontext():
        result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"okrbsc {' '.join(args)} raised {result.exception!r}\n{result.output}"
    )
    return subprocess.CompletedProcess(
        ["okrbsc", *args], result.exit_code, result.stdout, result.stderr
    )
