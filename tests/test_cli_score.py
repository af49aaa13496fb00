"""`okrbsc score` and `okrbsc status` end to end, with golden outputs for examples/.

Regenerate the golden files after an intended change with
OKRBSC_UPDATE_GOLDEN=1 pytest tests/test_cli_score.py, and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app

from .conftest import EXAMPLES, run_cli

GOLDEN = Path(__file__).parent / "golden"
AS_OF = "2026-11-20"


def golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("OKRBSC_UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


@pytest.mark.parametrize(("fmt", "suffix"), [("json", "json"), ("md", "md"), ("table", "txt")])
@pytest.mark.parametrize("period", ["2026-Q3", "2026-Q4"])
def test_score_golden(fmt: str, suffix: str, period: str) -> None:
    proc = run_cli("score", period, "--repo", str(EXAMPLES), "--as-of", AS_OF, "--format", fmt)
    assert proc.returncode == 0, proc.stderr
    golden(f"score-{period}.{suffix}", proc.stdout)


def test_status_golden() -> None:
    proc = run_cli("status", "--repo", str(EXAMPLES), "--as-of", AS_OF, "--no-color")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("2026-Q4 · as of 2026-11-20")
    golden("status-2026-Q4.txt", proc.stdout)


def test_score_json_matches_the_spec_shape(runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["score", "Q3", "--repo", str(EXAMPLES), "--as-of", AS_OF, "--format", "json"]
    )
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["period"] == "2026-Q3" and data["as_of"] == AS_OF
    assert [t["team"] for t in data["teams"]] == ["sales", "product", "engineering", "people"]
    objectives = [o for t in data["teams"] for o in t["objectives"]]
    mean = sum(o["score"] * o["weight"] for o in objectives) / sum(o["weight"] for o in objectives)
    assert data["score"] == pytest.approx(mean)
    for o in objectives:
        krs = o["key_results"]
        expected = sum(k["score"] * k["weight"] for k in krs) / sum(k["weight"] for k in krs)
        assert o["score"] == pytest.approx(expected)
    assert [p["id"] for p in data["perspectives"]] == [
        "learning",
        "process",
        "customer",
        "financial",
    ]


def test_team_filter_and_unknown_team(runner: CliRunner) -> None:
    args = ["score", "2026-Q4", "--repo", str(EXAMPLES), "--as-of", AS_OF, "--format", "json"]
    result = runner.invoke(app, [*args, "--team", "people"])
    assert [t["team"] for t in json.loads(result.output)["teams"]] == ["people"]
    bad = runner.invoke(app, [*args, "--team", "nobody"])
    assert bad.exit_code == 2 and "no OKRs" in bad.output


@pytest.mark.parametrize("period", ["2026-Q7", "Q5", "26-Q1"])
def test_bad_period_is_a_usage_error(runner: CliRunner, period: str) -> None:
    result = runner.invoke(app, ["score", period, "--repo", str(EXAMPLES), "--as-of", AS_OF])
    assert result.exit_code == 2, result.output


@pytest.mark.parametrize(("period", "shown"), [("Q1", "2026-Q1"), ("2031", "2031")])
def test_a_period_without_okrs_shows_the_scorecard_alone(
    runner: CliRunner, period: str, shown: str
) -> None:
    """SPEC 10.1: the examples have a scorecard, so a period without OKR files is scored."""
    result = runner.invoke(app, ["score", period, "--repo", str(EXAMPLES), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert f"No OKR files for {shown}: the scorecard alone." in result.output


def test_a_repo_with_errors_is_not_scored(runner: CliRunner, examples_copy: Path) -> None:
    sales = examples_copy / "okrs/2026/Q4/sales.yaml"
    sales.write_text(sales.read_text().replace("start: 0\n", "start: zero\n", 1))
    result = runner.invoke(app, ["score", "Q4", "--repo", str(examples_copy), "--as-of", AS_OF])
    assert result.exit_code == 1
    assert "okrs/2026/Q4/sales.yaml:" in result.output and "E002" in result.output


def test_write_records_scores_and_lint_stays_clean(runner: CliRunner, examples_copy: Path) -> None:
    before = (examples_copy / "okrs/2026/Q3/sales.yaml").read_text()
    args = ["--repo", str(examples_copy), "--as-of", AS_OF]
    computed = json.loads(
        runner.invoke(app, ["score", "2026-Q3", *args, "--format", "json"]).output
    )
    result = runner.invoke(app, ["score", "2026-Q3", *args, "--format", "json", "--write", "-q"])
    assert result.exit_code == 0, result.output
    after = (examples_copy / "okrs/2026/Q3/sales.yaml").read_text()
    added = [line for line in after.splitlines() if line not in before.splitlines()]
    assert added and all(line.strip().startswith("score: ") for line in added)
    frozen = json.loads(runner.invoke(app, ["score", "2026-Q3", *args, "--format", "json"]).output)
    first = frozen["teams"][0]["objectives"][0]
    assert first["recorded"] is True
    assert first["score"] == computed["teams"][0]["objectives"][0]["score"]  # to the bit
    assert runner.invoke(app, ["lint", *args]).exit_code == 0


def test_checkins_change_status(runner: CliRunner, examples_copy: Path) -> None:
    """The weekly rhythm: three check-ins move the dashboard and the score."""
    args = ["--repo", str(examples_copy)]
    before = json.loads(
        runner.invoke(
            app, ["score", "Q4", *args, "--as-of", "2026-12-07", "--format", "json"]
        ).output
    )
    for day, value in (("2026-11-23", "2.0"), ("2026-11-30", "2.5"), ("2026-12-07", "3.0")):
        done = runner.invoke(app, ["checkin", "SL1.1", value, "-c", "0.9", *args, "--as-of", day])
        assert done.exit_code == 0, done.output
    after = json.loads(
        runner.invoke(
            app, ["score", "Q4", *args, "--as-of", "2026-12-07", "--format", "json"]
        ).output
    )
    kr_before = before["teams"][0]["objectives"][0]["key_results"][0]
    kr_after = after["teams"][0]["objectives"][0]["key_results"][0]
    assert (kr_before["current"], kr_after["current"]) == (1.55, 3.0)
    assert kr_after["score"] == 1.0 and kr_after["pace"] == "on_track"
    assert after["score"] > before["score"]
    status = runner.invoke(app, ["status", *args, "--as-of", "2026-12-07", "--no-color"])
    assert status.exit_code == 0
    line = next(line for line in status.output.splitlines() if line.startswith("SL1.1"))
    assert "on track" in line and "0.90" in line
