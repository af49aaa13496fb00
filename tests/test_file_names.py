"""SPEC 12.2: JSON, SARIF and GitLab outputs are valid UTF-8 JSON for any file
name. A real file whose name holds bytes that are not UTF-8 (0xff 0xfe) is
linted, diffed and traced: every output decodes as strict UTF-8, parses as
JSON, and names the file with each such byte written `\\xff`, as text output
shows it (docs/format.md)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import BASE, BASE_AS_OF, ROOT, commit_all, git

NAME = b"okrs/2026/Q3/bad\xff\xfe.yaml"
SHOWN = "okrs/2026/Q3/bad\\xff\\xfe.yaml"
BROKEN = b"kind: okrs\nteam: sales\nperiod: 2026-Q3\nobjectives: 5\n"


def okrbsc(root: Path, *args: str) -> tuple[int, bytes, bytes]:
    """okrbsc as a process, its output as the bytes it wrote."""
    proc = subprocess.run(
        [sys.executable, "-m", "okrbsc", *args, "--repo", str(root), "--as-of", BASE_AS_OF],
        capture_output=True,
        timeout=120,
        env={
            "PATH": "/usr/bin:/bin",
            "NO_COLOR": "1",
            "PYTHONPATH": str(ROOT / "src"),
            "LC_ALL": "C.UTF-8",
        },
    )
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    (root / os.fsdecode(NAME)).write_bytes(BROKEN)
    return root


@pytest.mark.parametrize("fmt", ["json", "sarif", "gitlab"])
def test_lint_json_formats_are_utf8_and_name_the_file(repo: Path, fmt: str) -> None:
    code, out, err = okrbsc(repo, "lint", "--format", fmt)
    assert code == 1, err
    assert b"internal error" not in err
    data = json.loads(out.decode("utf-8"))  # strict: raises on any byte that is not UTF-8
    if fmt == "json":
        paths = [f["path"] for f in data["findings"]]
    elif fmt == "sarif":
        locations = [r["locations"][0]["physicalLocation"] for r in data["runs"][0]["results"]]
        paths = [loc["artifactLocation"]["uri"] for loc in locations]
    else:
        paths = [issue["location"]["path"] for issue in data]
    assert SHOWN in paths


def test_gitlab_fingerprints_stay_distinct(repo: Path) -> None:
    (repo / os.fsdecode(b"okrs/2026/Q3/bad\xfe\xff.yaml")).write_bytes(BROKEN)
    _, out, _ = okrbsc(repo, "lint", "--format", "gitlab")
    issues = json.loads(out.decode("utf-8"))
    assert len({i["fingerprint"] for i in issues}) == len(issues) >= 2


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_lint_text_formats_show_the_bytes(repo: Path, fmt: str) -> None:
    _, out, _ = okrbsc(repo, "lint", "--format", fmt)
    assert SHOWN in out.decode("utf-8")


def test_diff_and_history_json_are_utf8(repo: Path) -> None:
    raw = repo / os.fsdecode(NAME)
    raw.unlink()
    git(repo, "init", "-q", "-b", "main")
    commit_all(repo, "start", "Dana", "2026-07-01")
    sales = (repo / "okrs/2026/Q3/sales.yaml").read_bytes()
    raw.write_bytes(sales.replace(b"team: sales", b"team: product").replace(b"id: S", b"id: Q"))
    commit_all(repo, "product", "Dana", "2026-07-02")
    code, out, err = okrbsc(repo, "diff", "HEAD~1", "HEAD", "--format", "json")
    assert code == 0, err
    assert SHOWN in {c["path"] for c in json.loads(out.decode("utf-8"))["changes"]}
    code, out, err = okrbsc(repo, "history", "Q1", "--format", "json")
    assert code == 0, err
    assert json.loads(out.decode("utf-8"))["path"] == SHOWN
