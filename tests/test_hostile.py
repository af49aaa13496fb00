"""Malformed and hostile files: each gives a positioned finding and exit 1, never a traceback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from okrbsc.cli import app

from .conftest import BASE, BASE_AS_OF, run_cli

CORPUS = Path(__file__).parent / "corpus" / "hostile"
MANIFEST: dict[str, dict[str, Any]] = yaml.safe_load(
    (CORPUS / "manifest.yaml").read_text(encoding="utf-8")
)
# Slow or crash-prone inputs also run as a real process.
AS_PROCESS = {"deep-flow-nesting.yaml", "billion-laughs.yaml", "bad-utf8.yaml", "control-nul.yaml"}


def _repo_with(tmp_path: Path, name: str) -> tuple[Path, str]:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    rel = f"okrs/2026/Q3/{name}"
    shutil.copyfile(CORPUS / name, root / rel)
    return root, rel


def test_corpus_is_large_enough() -> None:
    files = {p.name for p in CORPUS.glob("*.yaml")} - {"manifest.yaml"}
    assert len(files) >= 20
    assert files == set(MANIFEST)


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_hostile_file_gives_a_positioned_finding(tmp_path: Path, name: str) -> None:
    expected = MANIFEST[name]
    root, rel = _repo_with(tmp_path, name)
    result = CliRunner().invoke(
        app, ["lint", "--repo", str(root), "--as-of", BASE_AS_OF, "--format", "json"]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1, result.output
    findings = json.loads(result.output)["findings"]
    here = [(f["code"], f["line"]) for f in findings if f["path"] == rel]
    assert (expected["code"], expected["line"]) in here, (expected["why"], findings)


@pytest.mark.parametrize("name", sorted(AS_PROCESS))
def test_hostile_file_as_a_process(tmp_path: Path, name: str) -> None:
    expected = MANIFEST[name]
    root, rel = _repo_with(tmp_path, name)
    proc = run_cli("lint", "--repo", str(root), "--as-of", BASE_AS_OF)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert f"{rel}:{expected['line']}:" in proc.stdout
    assert f" {expected['code']} " in proc.stdout
