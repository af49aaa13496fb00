"""A symbolic link loop says it is a loop (SPEC 12.3, messages that name the real
problem): a data file, `--repo`, the default `reports/`, `--out` and an imported file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .conftest import BASE, run_cli

AS_OF = "2026-10-15"
LOOP = "a symbolic link loop (the link leads back to itself)"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    return root


def loop(at: Path) -> Path:
    at.symlink_to(at.name)
    return at


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_data_file_that_is_a_loop_is_one_e001_saying_so(repo: Path) -> None:
    loop(repo / "okrs/2026/Q3/loop.yaml")
    result = run_cli("lint", "--repo", str(repo), "--as-of", AS_OF, "--format", "json")
    findings = json.loads(result.stdout)["findings"]
    mine = [(f["code"], f["message"]) for f in findings if f["path"] == "okrs/2026/Q3/loop.yaml"]
    assert mine == [("E001", f"cannot read file: {LOOP}: not read")]


def test_a_repo_that_is_a_loop_says_so(tmp_path: Path) -> None:
    result = run_cli("score", "--repo", str(loop(tmp_path / "here")), "--as-of", AS_OF)
    assert result.returncode == 2
    assert f"--repo {tmp_path / 'here'}: {LOOP}" in result.stderr


@pytest.mark.parametrize("command", [["report"], ["export"], ["export", "--format", "csv"]])
def test_a_reports_loop_says_so(repo: Path, command: list[str]) -> None:
    loop(repo / "reports")
    before = tree(repo)
    result = run_cli(*command, "--repo", str(repo), "--as-of", AS_OF)
    assert result.returncode == 2
    assert f"{repo / 'reports'} is {LOOP}: refused, nothing was written" in result.stderr
    assert tree(repo) == before and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("command", "says"),
    [
        (["report", "--format", "md"], f"cannot write to {{out}}: it is {LOOP}"),
        (["export", "--format", "csv"], f"cannot write {{out}}: {LOOP}"),
    ],
)
def test_an_out_that_is_a_loop_says_so(
    repo: Path, tmp_path: Path, command: list[str], says: str
) -> None:
    out = loop(tmp_path / "out")
    result = run_cli(*command, "--out", str(out), "--repo", str(repo), "--as-of", AS_OF)
    assert result.returncode == 2
    assert says.format(out=out) in result.stderr
    assert out.is_symlink()


def test_an_imported_file_that_is_a_loop_says_so(repo: Path, tmp_path: Path) -> None:
    sheet = loop(tmp_path / "checkins.csv")
    result = run_cli("import", str(sheet), "--repo", str(repo), "--as-of", AS_OF)
    assert result.returncode == 2
    assert f"{sheet}: {LOOP}" in result.stderr
