from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

TESTS = Path(__file__).parent
ROOT = TESTS.parent
BASE = TESTS / "fixtures" / "base"
EXAMPLES = ROOT / "examples"
BASE_AS_OF = "2026-10-15"


@pytest.fixture
def base_repo(tmp_path: Path) -> Path:
    """A copy of the minimal clean repo, to break in a test."""
    dest = tmp_path / "repo"
    shutil.copytree(BASE, dest)
    return dest


@pytest.fixture
def examples_copy(tmp_path: Path) -> Path:
    """A copy of examples/, to edit or break in a test."""
    dest = tmp_path / "strategy"
    shutil.copytree(EXAMPLES, dest)
    return dest


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """okrbsc as a real subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "okrbsc", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
    )

