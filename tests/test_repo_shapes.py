"""SPEC 10.1: a repo of OKRs only, a repo of a scorecard only.

tests/fixtures/okrs-only: one root team, two objectives, key results without a
`start`, no scorecard.yaml. tests/fixtures/scorecard-only: a scorecard with
yearly actuals and no OKR file. Each lints without an error and scores, shows
and reports; the part a shape lacks is left out and said so in one line.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app
from okrbsc.render.score import NO_SCORECARD

from .conftest import run_cli

FIXTURES = Path(__file__).parent / "fixtures"
OKRS_ONLY = FIXTURES / "okrs-only"
CARD_ONLY = FIXTURES / "scorecard-only"
AS_OF = "2026-08-20"  # day 51 of 2026-Q3's 92


def invoke(*args: str) -> Any:
    # a wide window, whatever terminal (or none) the test runner has: the lines tested are whole
    result = CliRunner().invoke(app, [*args, "--as-of", AS_OF], env={"COLUMNS": "200"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def score_json(repo: Path, *period: str) -> dict[str, Any]:
    result = invoke("score", *period, "--repo", str(repo), "--format", "json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


# --- lint --------------------------------------------------------------------------------


@pytest.mark.parametrize("repo", [OKRS_ONLY, CARD_ONLY], ids=["okrs-only", "scorecard-only"])
def test_each_shape_lints_without_an_error(repo: Path) -> None:
    result = invoke("lint", "--repo", str(repo), "--format", "json")
    assert result.exit_code == 0, result.output
    findings = json.loads(result.output)["findings"]
    assert [f for f in findings if f["severity"] == "error"] == []


def test_okrs_only_has_no_finding_about_a_scorecard_or_alignment() -> None:
    result = invoke("lint", "--repo", str(OKRS_ONLY), "--format", "json")
    findings = json.loads(result.output)["findings"]
    codes = {f["code"] for f in findings}
    assert not codes & {"B301", "B302", "B303", "B304", "B305", "B306", "B307"}
    assert not codes & {"A401", "A402", "O105"}  # nothing above the root team to align to
    assert not any("scorecard" in f["message"] for f in findings)


def test_okrs_only_gets_o105_once_there_is_a_scorecard(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(OKRS_ONLY, repo)
    shutil.copy(CARD_ONLY / "scorecard.yaml", repo / "scorecard.yaml")
    result = invoke("lint", "--repo", str(repo), "--format", "json")
    unaligned = [f["message"] for f in json.loads(result.output)["findings"] if f["code"] == "O105"]
    assert unaligned == ["objective 'H1' aligns to nothing", "objective 'H2' aligns to nothing"]


# --- score ---------------------------------------------------------------------------------


def test_okrs_only_scores_without_scorecard_parts() -> None:
    data = score_json(OKRS_ONLY)  # no PERIOD: the latest started quarter with OKRs
    assert data["period"] == "2026-Q3"
    assert data["perspectives"] == [] and data["scorecard"] == []
    krs = {k["id"]: k for t in data["teams"] for o in t["objectives"] for k in o["key_results"]}
    # H1.1: start 71 from the first check-in, now 78 of 90: (78 - 71) / (90 - 71)
    assert krs["H1.1"]["progress"] == pytest.approx(7 / 19)
    assert krs["H1.1"]["start_source"] == "checkin"
    # H1.2: a threshold, below 3; its first measurement 2.5 meets it
    assert krs["H1.2"]["progress"] == 1.0
    assert krs["H2.2"]["has_data"] is False and krs["H2.2"]["pace"] == "no_data"
    # H2: (5 -> 7 of 12: 2/7) and H2.2 at 0, mean 1/7
    h2 = data["teams"][0]["objectives"][1]
    assert h2["score"] == pytest.approx((2 / 7 + 0) / 2)


@pytest.mark.parametrize("fmt", ["table", "md"])
def test_okrs_only_says_once_that_the_scorecard_is_left_out(fmt: str) -> None:
    result = invoke("score", "--repo", str(OKRS_ONLY), "--format", fmt)
    assert result.exit_code == 0, result.output
    assert result.output.count(NO_SCORECARD) == 1
    assert "Perspectives" not in result.output and "red flag" not in result.output


def test_scorecard_only_scores_the_quarter_of_as_of() -> None:
    data = score_json(CARD_ONLY)  # no OKR file at all: the quarter containing as-of
    assert data["period"] == "2026-Q3"
    assert data["teams"] == [] and data["score"] is None
    measures = {m["id"]: m for s in data["scorecard"] for m in s["measures"]}
    budget = measures["F1-budget"]  # 2025's 101.5, target 100 (down), red flag 103
    assert (budget["actual"], budget["status"]) == (101.5, "amber")
    assert budget["achievement"] == pytest.approx((101.5 - 103) / (100 - 103))
    calls = measures["C1-answered"]  # no baseline: red flag 85 - 10% of 85 = 76.5
    assert calls["red_flag"] == pytest.approx(76.5)
    assert calls["achievement"] == pytest.approx((80 - 76.5) / (85 - 76.5))
    assert measures["C1-satisfied"]["status"] == "green"
    reserves = measures["F1-reserves"]  # bands {green: 0.1, red: 0.4} of a target of 5
    assert (reserves["status"], reserves["red_flag"]) == ("green", pytest.approx(3.0))
    assert reserves["achievement"] == pytest.approx((4.6 - 3) / (5 - 3))
    streets = measures["P1-streets"]  # a published traffic light, no number
    assert (streets["actual"], streets["status"], streets["achievement"]) == (None, "amber", None)
    financial = next(p for p in data["perspectives"] if p["id"] == "financial")
    assert financial["achievement"] == pytest.approx((0.5 + 0.8) / 2)
    assert financial["okr_score"] is None


def test_scorecard_only_accepts_any_period() -> None:
    assert score_json(CARD_ONLY, "2025")["period"] == "2025"
    year = score_json(CARD_ONLY, "2024")
    measures = {m["id"]: m for s in year["scorecard"] for m in s["measures"]}
    assert measures["F1-budget"]["actual"] == 104.0  # 2024's actual, at the red flag or worse
    assert measures["F1-budget"]["status"] == "red"
    assert measures["C1-satisfied"]["status"] == "unknown"  # no actual by the end of 2024
    assert score_json(CARD_ONLY, "Q1")["period"] == "2026-Q1"  # the latest started Q1


@pytest.mark.parametrize("fmt", ["table", "md"])
def test_scorecard_only_says_once_that_there_are_no_okrs(fmt: str) -> None:
    result = invoke("score", "--repo", str(CARD_ONLY), "--format", fmt)
    assert result.exit_code == 0, result.output
    assert result.output.count("No OKR files for 2026-Q3: the scorecard alone.") == 1
    assert "Days to repair a reported pothole" in result.output


def test_a_period_without_okrs_in_a_repo_without_a_scorecard_is_a_usage_error() -> None:
    result = invoke("score", "2026-Q4", "--repo", str(OKRS_ONLY))
    assert result.exit_code == 2
    assert "no OKR files for 2026-Q4 and no scorecard in the repo" in result.output
    early = CliRunner().invoke(app, ["status", "--repo", str(OKRS_ONLY), "--as-of", "2026-05-01"])
    assert early.exit_code == 2  # the default, 2026-Q2, has neither
    assert "no OKR files for 2026-Q2" in early.output


# --- status, report and review through a real process -------------------------------------


def test_status_of_each_shape() -> None:
    okrs = run_cli("status", "--repo", str(OKRS_ONLY), "--as-of", AS_OF)
    assert okrs.returncode == 0, okrs.stderr
    assert okrs.stdout.count(NO_SCORECARD) == 1
    assert "Harbour Bikes" in okrs.stdout and "scorecard measure" not in okrs.stdout
    card = run_cli("status", "--repo", str(CARD_ONLY), "--as-of", AS_OF)
    assert card.returncode == 0, card.stderr
    assert "No OKR files for 2026-Q3: the scorecard alone." in card.stdout
    assert "at risk" not in card.stdout  # no key result to be at risk or not
    assert "Front-line staff trained" in card.stdout


def test_report_of_okrs_only(tmp_path: Path) -> None:
    proc = run_cli("report", "--repo", str(OKRS_ONLY), "--as-of", AS_OF, "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    md = (tmp_path / "2026-Q3.md").read_text(encoding="utf-8")
    html = (tmp_path / "2026-Q3.html").read_text(encoding="utf-8")
    for text in (md, html):
        assert text.count(NO_SCORECARD) == 1
        assert "Strategy map" not in text and "Red flag" not in text.title()
        assert "Repairs finished within two working days" in text
    assert "across 1 team." in md


def test_report_of_scorecard_only(tmp_path: Path) -> None:
    proc = run_cli("report", "--repo", str(CARD_ONLY), "--as-of", AS_OF, "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    md = (tmp_path / "2026-Q3.md").read_text(encoding="utf-8")
    html = (tmp_path / "2026-Q3.html").read_text(encoding="utf-8")
    for text in (md, html):
        assert text.count("No OKR files for 2026-Q3: the scorecard alone.") == 1
        assert "Strategy map" in text and "Spend against budget" in text
        assert "At-risk key results" not in text and "OKR score" not in text


def test_review_of_scorecard_only() -> None:
    proc = run_cli("review", "2025-Q4", "--repo", str(CARD_ONLY), "--as-of", AS_OF, "-f", "json")
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert [o["id"] for o in payload["objectives"]] == ["F1", "C1", "P1", "L1"]
