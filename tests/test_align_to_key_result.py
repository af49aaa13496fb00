"""SPEC 10.5: `aligns_to` may name a key result; O105 only where there is something above.

tests/fixtures/cascade: the company's key results are the teams' objectives.
Studio's ST1 aligns to K1.2 (a key result of the quarter) and LV1.1, ST2 to
A2.1 (an annual key result); Live Ops' LV1 to K1.1. Each reaches what that
key result's objective reaches: K1 -> A1 -> C1, F1; A2 -> L1, P1.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app

from .conftest import run_cli

CASCADE = Path(__file__).parent / "fixtures" / "cascade"
AS_OF = "2026-07-10"


@pytest.fixture
def cascade(tmp_path: Path) -> Path:
    root = tmp_path / "cascade"
    shutil.copytree(CASCADE, root)
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def findings(repo: Path) -> list[dict[str, Any]]:
    result = CliRunner().invoke(
        app, ["lint", "--repo", str(repo), "--as-of", AS_OF, "--format", "json"]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    found: list[dict[str, Any]] = json.loads(result.output)["findings"]
    return found


def perspectives(repo: Path) -> dict[str, list[str]]:
    proc = run_cli("score", "--repo", str(repo), "--as-of", AS_OF, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    return {o["id"]: o["perspectives"] for t in data["teams"] for o in t["objectives"]}


def test_a_cascade_through_key_results_lints_clean() -> None:
    assert findings(CASCADE) == []  # no E005, and LV1's dependency is answered by ST1


def test_an_objective_reaches_what_its_key_result_reaches() -> None:
    reached = perspectives(CASCADE)
    assert reached["ST1"] == ["customer", "financial"]  # K1.2 -> K1 -> A1 -> C1, F1
    assert reached["LV1"] == ["customer", "financial"]  # K1.1 -> K1
    assert reached["ST2"] == ["learning", "process"]  # A2.1 (annual) -> A2 -> L1, P1


def test_the_review_counts_it_for_the_scorecard_objectives_reached() -> None:
    proc = run_cli("review", "2026-Q3", "--repo", str(CASCADE), "--as-of", AS_OF, "-f", "json")
    assert proc.returncode == 0, proc.stderr
    okrs = {o["id"]: o["okrs"] for o in json.loads(proc.stdout)["objectives"]}
    assert okrs == {  # the year's objectives after the quarter's own (SPEC 15.5)
        "F1": ["K1", "ST1", "LV1", "A1"],
        "C1": ["K1", "ST1", "LV1", "A1"],
        "P1": ["ST2", "A2"],
        "L1": ["ST2", "A2"],
    }


def test_a401_sees_perspectives_reached_through_key_results(cascade: Path) -> None:
    edit(cascade / "okrs/2026/Q3/studio.yaml", "aligns_to: [A2.1]", "aligns_to: [K1.1]")
    uncovered = [f["message"] for f in findings(cascade) if f["code"] == "A401"]
    assert uncovered == [
        "no objective of 2026-Q3 reaches perspective 'learning' (Learning & Growth)",
        "no objective of 2026-Q3 reaches perspective 'process' (Internal Process)",
    ]


def test_the_same_quarter_comes_before_the_annual_okrs(cascade: Path) -> None:
    """`A2` is both a key result of the quarter (renamed K1.1) and an annual objective."""
    edit(cascade / "okrs/2026/Q3/company.yaml", "{id: K1.1,", "{id: A2,")
    edit(cascade / "okrs/2026/Q3/live.yaml", "aligns_to: [K1.1]", "aligns_to: [A2]")
    assert perspectives(cascade)["LV1"] == ["customer", "financial"]  # K1's, not A2's


def test_an_unknown_key_result_is_e005_with_a_hint(cascade: Path) -> None:
    edit(cascade / "okrs/2026/Q3/live.yaml", "aligns_to: [K1.1]", "aligns_to: [K1.3]")
    [finding] = [f for f in findings(cascade) if f["code"] == "E005"]
    assert finding["path"] == "okrs/2026/Q3/live.yaml" and finding["line"] == 7
    assert "'LV1' aligns to 'K1.3', which names no objective or key result" in finding["message"]
    assert "K1.1" in finding["message"] or "K1.2" in finding["message"]  # did you mean


def test_the_report_names_the_key_result_aligned_to(tmp_path: Path) -> None:
    proc = run_cli("report", "--repo", str(CASCADE), "--as-of", AS_OF, "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    md = (tmp_path / "2026-Q3.md").read_text(encoding="utf-8")
    assert "K1.2 Summer event shipped (key result of K1)" in md
    assert "A2.1 Player tests run in the year (key result of A2)" in md


def test_o105_with_annual_objectives_but_no_scorecard(cascade: Path) -> None:
    """The fiscal year has annual objectives: the root team's quarter is told;
    the annual objectives have no scorecard to reach and are not."""
    (cascade / "scorecard.yaml").unlink()
    edit(cascade / "okrs/2026/Q3/company.yaml", "    aligns_to: [A1]\n", "")
    edit(cascade / "okrs/2026/annual.yaml", "aligns_to: [C1, F1]", "aligns_to: []")
    edit(cascade / "okrs/2026/annual.yaml", "aligns_to: [L1, P1]", "aligns_to: []")
    unaligned = [(f["path"], f["message"]) for f in findings(cascade) if f["code"] == "O105"]
    assert unaligned == [("okrs/2026/Q3/company.yaml", "objective 'K1' aligns to nothing")]


def test_o105_silent_for_the_root_team_when_nothing_is_above(cascade: Path) -> None:
    (cascade / "scorecard.yaml").unlink()
    (cascade / "okrs/2026/annual.yaml").unlink()
    edit(cascade / "okrs/2026/Q3/company.yaml", "    aligns_to: [A1]\n", "")
    edit(cascade / "okrs/2026/Q3/studio.yaml", "aligns_to: [A2.1]", "aligns_to: []")
    unaligned = [(f["path"], f["message"]) for f in findings(cascade) if f["code"] == "O105"]
    # studio's parent, company, has objectives this quarter: ST2 is told; K1 is not
    assert unaligned == [("okrs/2026/Q3/studio.yaml", "objective 'ST2' aligns to nothing")]
