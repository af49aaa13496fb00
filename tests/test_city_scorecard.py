"""A city's published scorecard (tests/fixtures/city-scorecard): word targets on a
scale, pass/fail measures, range targets, ordinary metrics and three years of
results. It lints clean, and score, status, report and review all work on it, with
hand-computed numbers for fiscal year 2026 (July 2025 to June 2026)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import in_process, run_cli

CITY = Path(__file__).parent / "fixtures" / "city-scorecard"
AS_OF = "2026-11-20"
BASE = ("--repo", str(CITY), "--as-of", AS_OF)


def test_the_city_scorecard_lints_clean() -> None:
    proc = run_cli("lint", *BASE)
    assert proc.returncode == 0, proc.stdout
    assert "no findings" in proc.stdout


def test_the_city_scorecard_scores_by_hand() -> None:
    proc = run_cli("score", "2026", "--format", "json", *BASE)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    objectives = {s["id"]: s for s in data["scorecard"]}
    m = {x["id"]: x for s in data["scorecard"] for x in s["measures"]}
    assert len(m) == 23
    # bond rating AA+ (position 1) against AAA (0), red flag A+ (4): (4 - 1) / 4
    assert (m["FS1-bond"]["status"], m["FS1-bond"]["achievement"]) == ("amber", 0.75)
    # reserve 21.5 above [15, 20]: d 1.5 to 20, red at 10% of 20: 1 - 1.5 / 2
    assert m["FS1-reserve"]["status"] == "amber"
    assert m["FS1-reserve"]["achievement"] == pytest.approx(0.25)
    # spending 97.5 below [98, 100] with bands 1% / 5%: d 0.5 <= 0.98 is green,
    # achievement 1 - 0.5 / 4.9
    assert m["FS1-budget"]["status"] == "green"
    assert m["FS1-budget"]["achievement"] == pytest.approx(1 - 0.5 / 4.9)
    assert (m["FS1-audit"]["status"], m["FS1-audit"]["achievement"]) == ("green", 1.0)
    assert objectives["FS1"]["achievement"] == pytest.approx((0.75 + 0.25 + 1 - 0.5 / 4.9 + 1) / 4)
    # pass/fail not yet passed: red, 0; cost 418 down to 410 from 460: 42 / 50
    assert (m["FS2-erp"]["status"], m["FS2-erp"]["achievement"]) == ("red", 0.0)
    assert m["FS2-cost"]["achievement"] == pytest.approx(0.84)
    assert objectives["FS2"]["status"] == "red"
    assert objectives["FS2"]["achievement"] == pytest.approx((1.0 + 0.0 + 0.84) / 3)
    # 2026 has no `targets` entry: `target` 70 with the baseline 58 as red flag
    assert m["FS1-bond"]["target"] == "AAA" and m["RC1-feel-safe"]["target"] == 70
    assert m["RC1-feel-safe"]["achievement"] == pytest.approx((64 - 58) / (70 - 58))
    # pavement Fair below Good with no red flag: amber, no achievement; IP1 averages
    # the other three (water 100 inside its range, potholes 96 >= 95, plan adopted)
    assert (m["IP1-pci"]["status"], m["IP1-pci"]["achievement"]) == ("amber", None)
    assert objectives["IP1"]["achievement"] == pytest.approx(1.0)
    # a word without a scale: equal (any case) is green
    assert m["IP2-engagement"]["status"] == "green"


def test_the_trajectory_grades_2025_against_its_own_target() -> None:
    proc = in_process("score", "2025", "--format", "json", *BASE)
    m = {x["id"]: x for s in json.loads(proc.stdout)["scorecard"] for x in s["measures"]}
    assert (m["RC1-feel-safe"]["target"], m["RC1-feel-safe"]["status"]) == (66, "green")
    # no 2025 result: 2024's "Moderate" carries, not equal to "Strong"
    assert (m["IP2-engagement"]["actual"], m["IP2-engagement"]["status"]) == ("Moderate", "amber")


def test_status_report_and_review_work_on_the_city_scorecard(tmp_path: Path) -> None:
    status = run_cli("status", "2026", *BASE, "--no-color")
    assert status.returncode == 0, status.stderr
    assert "23 scorecard measures: 1 red, 9 amber, 13 green, 0 without data." in status.stdout
    for fmt in ("md", "html"):
        run = run_cli if fmt == "md" else in_process  # one of the two as a real process
        report = run("report", "2026", "--format", fmt, "--out", str(tmp_path), *BASE)
        assert report.returncode == 0, report.stderr
    md = (tmp_path / "2026.md").read_text("utf-8")
    assert "AA+ in 2026" in md and "98–100%" in md and "not done in 2026" in md
    assert "≤ 93.1 or ≥ 105% (derived: range ± 5%)" in md
    html = (tmp_path / "2026.html").read_text("utf-8")
    # no `type` in the file: the column is blank, not "lag"
    assert "<td>Fire protection class (ISO rating)</td><td></td>" in html
    review = run_cli("review", "2026", "--format", "json", *BASE)
    assert review.returncode == 0, review.stderr
    fs1 = next(o for o in json.loads(review.stdout)["objectives"] if o["id"] == "FS1")
    # 2025: AA+ 0.75, reserve 16.4 and spending 99.2 inside their ranges, audit passed
    assert fs1["previous_achievement"] == pytest.approx((0.75 + 1 + 1 + 1) / 4)
    assert fs1["achievement"] == pytest.approx((0.75 + 0.25 + 1 - 0.5 / 4.9 + 1) / 4)
    assert fs1["verdict"] == "unaddressed"  # a scorecard alone: no OKR aims at it


def test_the_json_schema_takes_the_city_scorecard_and_rejects_bad_measures(
    tmp_path: Path,
) -> None:
    from .test_schema import check, write_schema

    schema = write_schema(tmp_path, "data")
    ok = check(schema, CITY / "scorecard.yaml")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    text = (CITY / "scorecard.yaml").read_text("utf-8")
    for old, new, complaint in [
        (
            "target: [98, 100]",
            "target: [98, 99, 100]",
            "is not valid under any of the given schemas",
        ),
        ("kind: binary", "kind: boolean", "is not one of ['metric', 'binary', 'ordinal']"),
        ("actuals: {2024: true,", "actuals: {2024: [true],", "is not valid under any"),
    ]:
        assert old in text
        bad = tmp_path / "scorecard.yaml"
        bad.write_text(text.replace(old, new, 1), "utf-8")
        proc = check(schema, bad)
        assert proc.returncode == 1 and complaint in proc.stdout, proc.stdout


def test_diff_and_history_spell_words_ranges_and_pass_fail_as_the_file_does(
    tmp_path: Path,
) -> None:
    import shutil

    from .conftest import commit_all, git

    repo = tmp_path / "city"
    shutil.copytree(CITY, repo)
    git(repo, "init", "-q", "-b", "main")
    commit_all(repo, "the published scorecard", "Dana", "2026-09-01")
    git(repo, "checkout", "-qb", "restated")
    path = repo / "scorecard.yaml"
    text = path.read_text("utf-8")
    for old, new in [("target: [98, 100]", "target: [97, 100]"),
                     ("actuals: {2024: true, 2025: true, 2026: true}",
                      "actuals: {2024: true, 2025: true, 2026: false}")]:  # fmt: skip
        assert old in text
        text = text.replace(old, new)
    path.write_text(text, "utf-8")
    commit_all(repo, "restated", "Dana", "2026-09-02")
    here = ("--repo", str(repo), "--as-of", AS_OF)
    diff = run_cli("diff", "main", *here)
    assert "measure FS1-budget: target [98, 100] → [97, 100]" in diff.stdout, diff.stdout
    assert "measure FS1-audit: actual edited 2026: true → false" in diff.stdout
    bond = run_cli("history", "FS1-bond", "--format", "json", *here)
    assert bond.returncode == 0, bond.stderr
    points = {p["date"]: p for p in json.loads(bond.stdout)["values"]}
    # AA (2) against AAA with red flag A+ (4): (4 - 2) / 4; AA+ (1): 3 / 4
    assert (points["2024"]["status"], points["2024"]["progress"]) == ("amber", 0.5)
    assert (points["2026"]["status"], points["2026"]["progress"]) == ("amber", 0.75)
    audit = in_process("history", "FS1-audit", "--format", "json", *here)
    points = {p["date"]: p for p in json.loads(audit.stdout)["values"]}
    assert (points["2026"]["value"], points["2026"]["status"]) == (False, "red")
