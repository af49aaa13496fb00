"""`okrbsc rollover`: the next quarter starts from what the last one left open."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from okrbsc.cli import app
from okrbsc.strategy.loader import load_text

from .conftest import BASE, run_cli


def test_rollover_refuses_to_overwrite_existing_quarter_files(
    runner: CliRunner, examples_copy: Path
) -> None:
    args = ["--repo", str(examples_copy), "--as-of", "2026-10-02"]
    q3 = json.loads(runner.invoke(app, ["score", "2026-Q3", *args, "--format", "json"]).output)
    not_green = {o["id"]: o for t in q3["teams"] for o in t["objectives"] if o["grade"] != "green"}
    green = {o["id"] for t in q3["teams"] for o in t["objectives"] if o["grade"] == "green"}
    assert not_green and green  # the example has both
    q4 = examples_copy / "okrs/2026/Q4"
    before = {p.name: p.read_text() for p in q4.iterdir()}
    result = runner.invoke(app, ["rollover", "2026-Q3", "2026-Q4", *args])
    assert result.exit_code == 2 and "would be overwritten" in result.output
    assert {p.name: p.read_text() for p in q4.iterdir()} == before  # nothing written


def test_rollover_to_a_new_quarter(runner: CliRunner, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    args = ["--repo", str(root), "--as-of", "2026-10-02"]
    q3 = json.loads(runner.invoke(app, ["score", "2026-Q3", *args, "--format", "json"]).output)
    expected = [o["id"] for t in q3["teams"] for o in t["objectives"] if o["grade"] != "green"]
    result = runner.invoke(app, ["rollover", "2026-Q3", "2026-Q4", *args])
    assert result.exit_code == 0, result.output
    path = root / "okrs/2026/Q4/sales.yaml"
    text = path.read_text()
    assert text.startswith("# Rolled over from 2026-Q3 by `okrbsc rollover 2026-Q3 2026-Q4`.")
    assert "checkins" not in text and "score:" not in text
    data = load_text(text).data
    assert [o["id"] for o in data["objectives"]] == expected
    s1 = data["objectives"][0]
    assert s1["aligns_to"] == ["A1"]  # an annual objective of the same year still resolves
    kr = s1["key_results"][0]
    assert (kr["id"], kr["start"], kr["target"]) == ("S1.1", 2.4, 3.5)  # start = value reached
    lint = run_cli("lint", *args)
    assert lint.returncode == 0, lint.stdout  # warnings allowed, no error
    again = runner.invoke(app, ["rollover", "2026-Q3", "2026-Q4", *args])
    assert again.exit_code == 2 and path.read_text() == text  # never overwrites


def test_rollover_across_the_fiscal_year_drops_dangling_alignment(
    runner: CliRunner, examples_copy: Path
) -> None:
    args = ["--repo", str(examples_copy), "--as-of", "2027-01-05"]
    result = runner.invoke(app, ["rollover", "2026-Q4", "2027-Q1", *args])
    assert result.exit_code == 0, result.output
    text = (examples_copy / "okrs/2027/Q1/sales.yaml").read_text()
    assert "# no longer aligned to A1 (not in the new quarter)" in text
    lint = runner.invoke(app, ["lint", *args])
    assert lint.exit_code == 0, lint.output


def test_rollover_usage_errors(runner: CliRunner, examples_copy: Path) -> None:
    args = ["--repo", str(examples_copy), "--as-of", "2027-01-05"]
    for source, target in (
        ("2026-Q4", "2026-Q3"),
        ("2026", "2027"),
        ("2025-Q4", "2026-Q1"),
        ("x", "2026-Q1"),
    ):
        result = runner.invoke(app, ["rollover", source, target, *args])
        assert result.exit_code == 2, (source, target, result.output)


def test_dry_run_prints_and_writes_nothing(runner: CliRunner, examples_copy: Path) -> None:
    result = runner.invoke(
        app,
        [
            "rollover",
            "2026-Q4",
            "2027-Q1",
            "--dry-run",
            "--repo",
            str(examples_copy),
            "--as-of",
            "2027-01-05",
        ],
    )
    assert result.exit_code == 0
    assert result.output.startswith("--- okrs/2027/Q1/sales.yaml\n# Rolled over from 2026-Q4")
    assert not (examples_copy / "okrs/2027").exists()


def test_a_key_result_that_reached_its_target_says_so(runner: CliRunner, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    sales = root / "okrs/2026/Q3/sales.yaml"
    text = sales.read_text()
    reached = "          - {date: 2026-07-13, value: 2.4, confidence: 0.6}\n"
    sales.write_text(
        text.replace(
            reached, reached + "          - {date: 2026-09-28, value: 3.6, confidence: 0.9}\n"
        )
    )
    args = ["--repo", str(root), "--as-of", "2026-10-02"]
    result = runner.invoke(app, ["rollover", "2026-Q3", "2026-Q4", *args])
    assert result.exit_code == 0, result.output
    lines = (root / "okrs/2026/Q4/sales.yaml").read_text().splitlines()
    at = lines.index("        start: 3.6")  # S1 is carried: its other key results lag
    assert lines[at + 1] == "        target: 3.5"
    assert (
        lines[at + 2] == "        # target reached last quarter: raise it, or drop this key result"
    )
    assert (
        lines.count("        # target reached last quarter: raise it, or drop this key result") == 1
    )
