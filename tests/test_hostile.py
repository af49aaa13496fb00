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
AS_PROCESS = {
    "deep-flow-nesting.yaml",
    "deep-block-nesting.yaml",
    "deep-mixed-nesting.yaml",
    "billion-laughs.yaml",
    "bad-utf8.yaml",
    "control-nul.yaml",
}


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


HEAD = "kind: okrs\nteam: sales\nperiod: 2026-Q3\nobjectives:\n"
LIMIT = "E001 YAML nested deeper than 64 levels"


def _nested(kind: str, depth: int) -> tuple[str, int, int]:
    """A team file nested ``depth`` deep under ``objectives``, and where level 65 opens.

    The top mapping is level 1 and ``objectives``' value level 2."""
    if kind == "block":  # - - - ... x on one line: libyaml 0.2.5 overflowed the C stack
        return HEAD + "- " * depth + "x\n", 5, 1 + 2 * 63
    if kind == "indented":  # one level per line, each indented one more
        lines = "".join(" " * i + "-\n" for i in range(depth))
        return HEAD + lines + " " * depth + "x\n", 5 + 63, 1 + 63
    if kind == "flow":
        return HEAD[:-1] + " " + "[" * depth + "]" * depth + "\n", 4, len("objectives: ") + 64
    assert kind == "mixed"  # 40 block levels (2..41), then flow mappings from column 81
    text = HEAD + "- " * 40 + "{a: " * depth + "1" + "}" * depth + "\n"
    return text, 5, 81 + 4 * (65 - 42)


NESTED = [
    ("block", 1_000),
    ("block", 50_000),
    ("block", 1_000_000),
    ("indented", 1_000),
    ("flow", 1_000),
    ("flow", 1_000_000),
    ("mixed", 1_000),
    ("mixed", 100_000),
]


def test_any_nesting_depth_is_our_finding_at_its_position_as_a_process(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    expected = []
    for kind, depth in NESTED:
        text, line, col = _nested(kind, depth)
        rel = f"okrs/2026/Q3/{kind}-{depth}.yaml"
        (root / rel).write_text(text, encoding="utf-8")
        expected.append(f"{rel}:{line}:{col}: {LIMIT} ")
    proc = run_cli("lint", "--repo", str(root), "--as-of", BASE_AS_OF)
    assert proc.returncode == 1, (proc.returncode, proc.stderr[-2000:])  # never -11 (SIGSEGV)
    assert "Traceback" not in proc.stdout + proc.stderr
    for finding in expected:
        assert finding in proc.stdout, (finding, proc.stdout[-3000:])
