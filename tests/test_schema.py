"""`okrbsc schema`: draft-07 schemas that check-jsonschema accepts and that reject what lint rejects."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app

from .conftest import BASE, EXAMPLES

CHECKER = str(Path(sys.executable).parent / "check-jsonschema")


def write_schema(tmp_path: Path, which: str) -> Path:
    result = CliRunner().invoke(app, ["schema", which])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert "$defs" not in json.dumps(schema)
    path = tmp_path / f"{which}.json"
    path.write_text(result.output)
    return path


def check(schema: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CHECKER, "--schemafile", str(schema), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_example_and_fixture_data_file_validates(tmp_path: Path) -> None:
    schema = write_schema(tmp_path, "data")
    files = [
        p for p in [*EXAMPLES.rglob("*.yaml"), *BASE.rglob("*.yaml")] if p.name != "okrbsc.yaml"
    ]
    assert len(files) >= 10
    proc = check(schema, *files)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_config_schema_validates_the_configs(tmp_path: Path) -> None:
    schema = write_schema(tmp_path, "config")
    proc = check(schema, EXAMPLES / "okrbsc.yaml", BASE / "okrbsc.yaml")
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize(
    ("old", "new", "complaint"),
    [
        ("aligns_to:", "aligns_too:", "'aligns_too' was unexpected"),
        ("kind: okrs", "kind: okr", "is not one of"),
        ("period: 2026-Q3", "period: 2026-Q7", "does not match"),
        ("target: 3.5", "target: lots", "is not of type 'number'"),
    ],
)
def test_mistakes_are_rejected(tmp_path: Path, old: str, new: str, complaint: str) -> None:
    schema = write_schema(tmp_path, "data")
    bad = tmp_path / "sales.yaml"
    text = (BASE / "okrs/2026/Q3/sales.yaml").read_text()
    assert old in text
    bad.write_text(text.replace(old, new))
    proc = check(schema, bad)
    assert proc.returncode == 1
    assert complaint in proc.stdout


def test_config_typo_is_rejected(tmp_path: Path) -> None:
    schema = write_schema(tmp_path, "config")
    bad = tmp_path / "okrbsc.yaml"
    bad.write_text("organisation: X\nfiscal_yaer_start: 4\nlint: {rules: {O106: off}}\n")
    proc = check(schema, bad)
    assert proc.returncode == 1 and "'fiscal_yaer_start' was unexpected" in proc.stdout
