"""The console entry point leaves without tearing down its objects: nothing written is lost."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .conftest import BASE, BASE_AS_OF, run_cli


def test_every_byte_of_a_long_output_arrives_and_the_exit_code_is_kept(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    for i in range(60):  # many findings: a JSON document far larger than a pipe buffer
        (root / f"okrs/2026/Q3/bad{i}.yaml").write_text(
            f"kind: okrs\nteam: sales\nperiod: 2026-Q3\nobjectives:\n  - id: X{i}\n"
            "    title: x\n    unknown_key: 1\n",
            encoding="utf-8",
        )
    proc = run_cli("lint", "--repo", str(root), "--as-of", BASE_AS_OF, "--format", "json")
    assert proc.returncode == 1, proc.stderr
    findings = json.loads(proc.stdout)["findings"]  # complete, or this raises
    assert {f["path"] for f in findings} >= {f"okrs/2026/Q3/bad{i}.yaml" for i in range(60)}


def test_clean_and_usage_exit_codes_survive_the_fast_exit() -> None:
    assert run_cli("--version").returncode == 0
    assert run_cli("lint", "--as-of", "not-a-date", "--repo", str(BASE)).returncode == 2
    proc = run_cli("lint", "--repo", str(BASE), "--as-of", BASE_AS_OF)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip()
