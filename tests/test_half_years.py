"""SPEC 15.4 and 15.5: half-year cycles, and a review that sees every cycle.

The fixture `half-yearly` is a foundation whose fiscal year starts in April:
fiscal 2026 runs 2026-04-01 to 2027-03-31, 2026-H1 April to September 2026,
2026-H2 October 2026 to March 2027. Expectations below are worked by hand from
its files.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app

from .conftest import TESTS, run_cli

HALVES = TESTS / "fixtures" / "half-yearly"
AS_OF = "2026-11-20"


@pytest.fixture
def halves(tmp_path: Path) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(HALVES, copy)
    return copy


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def score_json(repo: Path, *args: str, as_of: str = AS_OF) -> dict:  # type: ignore[type-arg]
    code, out = invoke("score", *args, "--repo", str(repo), "--as-of", as_of, "-f", "json")
    assert code == 0, out
    return json.loads(out)  # type: ignore[no-any-return]


def review_json(repo: Path, period: str, as_of: str = AS_OF) -> dict:  # type: ignore[type-arg]
    code, out = invoke("review", period, "--repo", str(repo), "--as-of", as_of, "-f", "json")
    assert code == 0, out
    return json.loads(out)  # type: ignore[no-any-return]


def lint_findings(repo: Path, as_of: str = AS_OF) -> list[dict]:  # type: ignore[type-arg]
    code, out = invoke("lint", "--repo", str(repo), "--as-of", as_of, "--format", "json")
    assert code in (0, 1), out
    data = json.loads(out)
    return data["findings"] if isinstance(data, dict) else data  # type: ignore[no-any-return]


def okr_file(path: Path, team: str, period: str, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"kind: okrs\nteam: {team}\nperiod: {period}\nobjectives:\n{body}")


def objective(ident: str, aligns: str, *dates: str) -> str:
    checkins = "".join(f"          - {{date: {d}, value: 1}}\n" for d in dates)
    return (
        f"  - id: {ident}\n"
        f"    title: Objective {ident} for the cycle\n"
        f"    aligns_to: [{aligns}]\n"
        "    key_results:\n"
        f"      - id: {ident}.1\n"
        f"        title: Things done for {ident}\n"
        "        start: 0\n"
        "        target: 4\n" + ("        checkins:\n" + checkins if dates else "")
    )


# --- the half-yearly repo as a user runs it -------------------------------------------


def test_the_half_yearly_repo_lints_clean_and_every_command_works(tmp_path: Path) -> None:
    repo = str(HALVES)
    lint = run_cli("lint", "--repo", repo, "--as-of", AS_OF)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert "no findings" in lint.stdout
    score = run_cli("score", "--repo", repo, "--as-of", AS_OF)
    assert score.returncode == 0, score.stderr
    assert score.stdout.startswith("2026-H2 as of 2026-11-20")  # the default: the half
    status = run_cli("status", "--repo", repo, "--as-of", AS_OF)
    assert status.returncode == 0, status.stderr
    assert "2026-H2" in status.stdout and "PG2" in status.stdout
    report = run_cli("report", "--repo", repo, "--as-of", AS_OF, "--out", str(tmp_path / "r"))
    assert report.returncode == 0, report.stderr
    assert "PG2" in (tmp_path / "r/2026-H2.md").read_text()
    assert "PF2" in (tmp_path / "r/2026-H2.html").read_text()
    review = run_cli("review", "H2", "--repo", repo, "--as-of", AS_OF, "-f", "json")
    assert review.returncode == 0, review.stderr
    assert json.loads(review.stdout)["period"] == "2026-H2"
    markdown = run_cli("review", "H2", "--repo", repo, "--as-of", AS_OF)
    assert markdown.stdout.startswith("# Harbour Foundation — half-year strategy review, 2026-H2")
    assert "what changes next half?" in markdown.stdout
    out = tmp_path / "sheets"
    export = run_cli(
        "export", "--repo", repo, "--as-of", AS_OF, "--format", "csv", "--out", str(out)
    )
    assert export.returncode == 0, export.stderr
    assert export.stdout.strip() == f"wrote {out} (2026-H2, as of 2026-11-20)"
    objectives = (out / "objectives.csv").read_text()
    assert "PG2" in objectives and "PF2" in objectives and "PG1" not in objectives
    actuals = (out / "actuals.csv").read_text()
    assert "2026-H1" in actuals and "2026-H2" in actuals


def test_score_of_the_half_uses_half_keyed_actuals_and_targets() -> None:
    data = score_json(HALVES, "2026-H1")
    assert data["period"] == "2026-H1"
    assert [o["id"] for t in data["teams"] for o in t["objectives"]] == ["PG1", "PF1"]
    # PG1.1: 6 of 8 from 0 -> 0.75; PF1.1: 100 from 40 to 100 -> 1.0
    scores = {o["id"]: o["score"] for t in data["teams"] for o in t["objectives"]}
    assert scores == pytest.approx({"PG1": 0.75, "PF1": 1.0})
    measures = {m["id"]: m for o in data["scorecard"] for m in o["measures"]}
    # F1-reserve at 2026-H1: actual 7 against the H1 target 8
    assert measures["F1-reserve"]["actual"] == 7
    assert measures["F1-reserve"]["target"] == 8
    # C1-cities: `2026-h1` is the half, 26 against 25
    assert measures["C1-cities"]["actual"] == 26
    assert measures["C1-cities"]["target"] == 25


# --- spellings ----------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["2026-H1", "FY26-H1", "FY2026-H1", "2026-h1", "fy26 h1"])
def test_every_spelling_of_a_half_on_the_command_line(spelling: str) -> None:
    assert score_json(HALVES, spelling)["period"] == "2026-H1"


@pytest.mark.parametrize("spelling", ["2026-H2", "FY26-H2", "FY2026-H2", "2026-h2"])
def test_every_spelling_of_a_half_in_a_file(halves: Path, spelling: str) -> None:
    path = halves / "okrs/2026/H2/platform.yaml"
    path.write_text(path.read_text().replace("period: 2026-h2", f"period: {spelling}"))
    assert not lint_findings(halves)
    teams = score_json(halves, "2026-H2")["teams"]
    assert [t["team"] for t in teams] == ["programmes", "platform"]


@pytest.mark.parametrize("bad", ["2026-H3", "2026-H0", "FY26-H", "H1-2026"])
def test_a_half_that_is_not_one_is_a_usage_error(bad: str) -> None:
    code, out = invoke("score", bad, "--repo", str(HALVES), "--as-of", AS_OF)
    assert code == 2
    assert "not a period" in out and "2026-H1" in out


# --- fiscal calendar bounds ------------------------------------------------------------

# fiscal_year_start 4: (named_by, half, first day, last day), worked by hand
BOUNDS = [
    ("start", "2026-H1", "2026-04-01", "2026-09-30"),
    ("start", "2026-H2", "2026-10-01", "2027-03-31"),
    ("end", "2026-H1", "2025-04-01", "2025-09-30"),
    ("end", "2026-H2", "2025-10-01", "2026-03-31"),
]


def _day_before(day: str) -> str:
    import datetime as dt

    return (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()


def _day_after(day: str) -> str:
    import datetime as dt

    return (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()


@pytest.mark.parametrize(("named_by", "half", "first", "last"), BOUNDS)
def test_a_half_runs_from_its_first_to_its_last_day(
    tmp_path: Path, named_by: str, half: str, first: str, last: str
) -> None:
    """Check-ins on the first and last day are inside; the days either side are E006."""
    repo = tmp_path / "repo"
    (repo / "okrs").mkdir(parents=True)
    (repo / "okrbsc.yaml").write_text(
        "organisation: Harbour\nfiscal_year_start: 4\n"
        f"fiscal_year_named_by: {named_by}\nteams:\n  - {{id: ops, name: Ops}}\n"
    )
    year, h = half.split("-")
    okr_file(repo / f"okrs/{year}/{h}/ops.yaml", "ops", half, objective("O1", "", first, last))
    assert [f for f in lint_findings(repo, "2026-12-01") if f["code"] == "E006"] == []
    okr_file(
        repo / f"okrs/{year}/{h}/ops.yaml",
        "ops",
        half,
        objective("O1", "", _day_before(first), _day_after(last)),
    )
    outside = [f for f in lint_findings(repo, "2026-12-01") if f["code"] == "E006"]
    assert len(outside) == 2
    assert _day_before(first) in outside[0]["message"]
    assert _day_after(last) in outside[1]["message"]


@pytest.mark.parametrize(("named_by", "half", "first", "last"), BOUNDS)
def test_the_default_period_on_both_sides_of_every_boundary(
    tmp_path: Path, named_by: str, half: str, first: str, last: str
) -> None:
    """With only half files, as-of on the first or last day is that half; the day
    before its first day is not (the other half, or the half before, started)."""
    repo = tmp_path / "repo"
    (repo / "okrs").mkdir(parents=True)
    (repo / "okrbsc.yaml").write_text(
        "organisation: Harbour\nfiscal_year_start: 4\n"
        f"fiscal_year_named_by: {named_by}\nteams:\n  - {{id: ops, name: Ops}}\n"
    )
    periods = ["2025-H2", "2026-H1", "2026-H2", "2027-H1"]
    for p in periods:
        year, h = p.split("-")
        okr_file(repo / f"okrs/{year}/{h}/ops.yaml", "ops", p, objective(f"O{year}{h}", ""))
    before = periods[periods.index(half) - 1]
    after = periods[periods.index(half) + 1]
    assert score_json(repo, as_of=first)["period"] == half
    assert score_json(repo, as_of=last)["period"] == half
    assert score_json(repo, as_of=_day_before(first))["period"] == before
    assert score_json(repo, as_of=_day_after(last))["period"] == after


# --- bare H2 and the default period -------------------------------------------------


def test_a_bare_half_is_the_latest_such_half_started() -> None:
    assert score_json(HALVES, "H2")["period"] == "2026-H2"
    assert score_json(HALVES, "H1")["period"] == "2026-H1"
    assert score_json(HALVES, "h1")["period"] == "2026-H1"
    # on 2026-09-30 no H2 with OKR files has started; the repo has a scorecard, so
    # the calendar's latest started H2 (2025-10-01 to 2026-03-31) is scored
    assert score_json(HALVES, "H2", as_of="2026-09-30")["period"] == "2025-H2"


def test_a_bare_half_without_files_or_scorecard_is_a_usage_error(halves: Path) -> None:
    (halves / "scorecard.yaml").unlink()
    for f in (halves / "okrs/2026").glob("*.yaml"):
        f.unlink()
    code, out = invoke("score", "H2", "--repo", str(halves), "--as-of", "2026-09-30")
    assert code == 2
    assert "no H2 with OKR files starts on or before 2026-09-30" in out


def test_the_default_is_the_shortest_period_with_files_containing_as_of(halves: Path) -> None:
    assert score_json(halves, as_of=AS_OF)["period"] == "2026-H2"  # not the year 2026
    assert score_json(halves, as_of="2026-05-01")["period"] == "2026-H1"
    # fiscal Q3 (October to December) has files now: it is shorter than H2
    okr_file(
        halves / "okrs/2026/Q3/programmes.yaml", "programmes", "2026-Q3", objective("Q1", "Y1")
    )
    assert score_json(halves, as_of=AS_OF)["period"] == "2026-Q3"
    assert score_json(halves, as_of="2027-01-05")["period"] == "2026-H2"  # Q3 ended
    # nothing contains 2027-05-01: the latest started are 2026-H2 and 2026-Q3, both
    # on 2026-10-01; of the two, the shorter
    assert score_json(halves, as_of="2027-05-01")["period"] == "2026-Q3"
    (halves / "okrs/2026/Q3/programmes.yaml").unlink()
    assert score_json(halves, as_of="2027-05-01")["period"] == "2026-H2"
    code, out = invoke("status", "--repo", str(halves), "--as-of", AS_OF)
    assert code == 0, out
    assert "2026-H2" in out
    code, out = invoke("report", "--repo", str(halves), "--as-of", AS_OF, "-f", "md")
    assert code == 0, out
    assert (halves / "reports/2026-H2.md").is_file()


# --- folders, alignment, rollover ---------------------------------------------------


@pytest.mark.parametrize("period", ["2026-H2", "2026-Q1", "2026"])
def test_a_half_file_in_the_wrong_folder_is_e006(halves: Path, period: str) -> None:
    path = halves / "okrs/2026/H1/programmes.yaml"
    path.write_text(path.read_text().replace("period: 2026-H1", f"period: {period}"))
    [finding] = [f for f in lint_findings(halves) if f["code"] == "E006"]
    assert finding["path"] == "okrs/2026/H1/programmes.yaml"
    assert "2026-H1" in finding["message"]


def test_a_half_file_under_fy_folders_is_checked_as_a_half(halves: Path) -> None:
    (halves / "okrs/2026/H1").rename(halves / "okrs/FY26-H1")
    assert [f for f in lint_findings(halves) if f["code"] == "E006"] == []


def test_a_quarter_aligns_to_its_half_before_its_year(halves: Path) -> None:
    """`Y1` names the board's annual objective (customer, financial) and, once the
    half has one, the half's objective (learning): the half comes first."""
    okr_file(
        halves / "okrs/2026/Q3/programmes.yaml", "programmes", "2026-Q3", objective("Q1", "Y1")
    )

    def perspectives() -> list[str]:
        data = score_json(halves, "2026-Q3")
        [q1] = [o for t in data["teams"] for o in t["objectives"] if o["id"] == "Q1"]
        return q1["perspectives"]  # type: ignore[no-any-return]

    assert perspectives() == ["customer", "financial"]
    path = halves / "okrs/2026/H2/platform.yaml"
    path.write_text(path.read_text().replace("id: PF2\n", "id: Y1\n"))
    path.write_text(path.read_text().replace("id: PF2.1", "id: Y1.9"))
    assert perspectives() == ["learning", "process"]
    # H1's quarters do not see H2: a Q1 objective naming PF2 is E005
    okr_file(halves / "okrs/2026/Q1/platform.yaml", "platform", "2026-Q1", objective("Q2", "PF1"))
    assert [f for f in lint_findings(halves) if f["code"] == "E005"] == []
    okr_file(halves / "okrs/2026/Q1/platform.yaml", "platform", "2026-Q1", objective("Q2", "Y1.9"))
    [e005] = [f for f in lint_findings(halves) if f["code"] == "E005"]
    assert "'Y1.9'" in e005["message"]


def test_a_half_aligns_like_a_quarter_and_o105_sees_it(halves: Path) -> None:
    path = halves / "okrs/2026/H2/programmes.yaml"
    path.write_text(path.read_text().replace("aligns_to: [Y1]", "aligns_to: []"))
    [o105] = [f for f in lint_findings(halves) if f["code"] == "O105"]
    assert o105["message"] == "objective 'PG2' aligns to nothing"


def test_rollover_from_a_half_to_the_next_writes_the_half_folder(halves: Path) -> None:
    shutil.rmtree(halves / "okrs/2026/H2")
    code, out = invoke(
        "rollover", "2026-H1", "2026-H2", "--repo", str(halves), "--as-of", "2026-10-02"
    )
    assert code == 0, out
    written = sorted(p.relative_to(halves).as_posix() for p in (halves / "okrs/2026/H2").iterdir())
    assert written == ["okrs/2026/H2/platform.yaml", "okrs/2026/H2/programmes.yaml"]
    for name in written:
        assert "period: 2026-H2\n" in (halves / name).read_text()
    assert [f for f in lint_findings(halves, "2026-10-02") if f["code"] == "E006"] == []
    code, out = invoke(
        "rollover", "2026-H1", "2026-Q3", "--repo", str(halves), "--as-of", "2026-10-02"
    )
    assert code == 2
    assert "from a half to a half (2026-H1 2026-H2)" in out


# --- the review sees every cycle (15.5) ---------------------------------------------


def test_review_of_a_quarter_lists_its_half_and_year_after_its_own(halves: Path) -> None:
    okr_file(
        halves / "okrs/2026/Q3/programmes.yaml", "programmes", "2026-Q3", objective("Q1", "C1")
    )
    data = review_json(halves, "2026-Q3")
    assert (data["period"], data["previous"]) == ("2026-Q3", "2026-Q2")
    okrs = {o["id"]: (o["okrs"], o["okr_score"]) for o in data["objectives"]}
    # Q1 has no check-in: score 0; PG2 4 of 10 = 0.4 (H2); Y1 30 from 20 to 40 = 0.5 (2026)
    assert okrs["C1"][0] == ["Q1", "PG2", "Y1"]
    assert okrs["C1"][1] == pytest.approx((0 + 0.4 + 0.5) / 3)
    assert okrs["F1"][0] == ["PG2", "Y1"]  # Q1 aligns to C1 only
    assert okrs["F1"][1] == pytest.approx(0.45)
    assert okrs["L1"][0] == ["PF2"]


def test_review_of_a_half_lists_the_half_and_the_year_not_the_quarters(halves: Path) -> None:
    okr_file(
        halves / "okrs/2026/Q3/programmes.yaml", "programmes", "2026-Q3", objective("Q1", "C1")
    )
    data = review_json(halves, "H2")
    assert (data["period"], data["previous"]) == ("2026-H2", "2026-H1")
    objectives = {o["id"]: o for o in data["objectives"]}
    c1 = objectives["C1"]
    assert c1["okrs"] == ["PG2", "Y1"]  # not the quarter's Q1
    assert c1["okr_score"] == pytest.approx(0.45)
    # C1-cities: 26 of target 25 at H1 (1.0); 30 at H2 against 40 from 20 (0.5)
    assert c1["previous_achievement"] == pytest.approx(1.0)
    assert c1["achievement"] == pytest.approx(0.5)
    assert c1["movement"] == pytest.approx(-0.5)
    assert c1["verdict"] == "execution-gap"  # 0.45 < green 0.7 and it fell
    # F1-reserve: 7 against the H1 target 8 from red flag 6 (0.5); 10 against 10 (1.0)
    f1 = objectives["F1"]
    assert (f1["previous_achievement"], f1["achievement"]) == pytest.approx((0.5, 1.0))
    assert f1["verdict"] == "improving"
    # calibration stays over quarterly key results: Q1's, which has no check-in
    assert data["calibration"] == [{"team": "programmes", "checkins": 0, "brier": None}]


def test_review_of_a_year_compares_it_with_the_year_before() -> None:
    data = review_json(HALVES, "FY2026", as_of="2027-04-10")
    assert (data["period"], data["previous"]) == ("2026", "2025")
    objectives = {o["id"]: o for o in data["objectives"]}
    assert objectives["F1"]["okrs"] == ["Y1"]  # the year's own only: no half, no quarter
    assert objectives["F1"]["okr_score"] == pytest.approx(0.5)
    assert objectives["P1"]["okrs"] == []
    assert objectives["P1"]["verdict"] in {"unaddressed", "steady"}
    # F1-reserve in fiscal 2025: 6 (keyed 2025-H2, its last half) against 12 -> 0
    assert objectives["F1"]["previous_achievement"] == pytest.approx(0.0)


def test_review_of_a_period_with_nothing_is_a_usage_error() -> None:
    for period in ("2024", "2024-H1"):
        code, out = invoke("review", period, "--repo", str(HALVES), "--as-of", AS_OF)
        assert code == 2, out
        assert f"nothing to review in {period}" in out


# --- the JSON Schema ----------------------------------------------------------------


def test_the_data_schema_takes_halves_and_refuses_a_third_half(tmp_path: Path) -> None:
    from .test_schema import check, write_schema

    schema = write_schema(tmp_path, "data")
    files = [p for p in HALVES.rglob("*.yaml") if p.name != "okrbsc.yaml"]
    assert len(files) == 6  # scorecard, annual, two teams in two halves
    proc = check(schema, *files)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        (HALVES / "okrs/2026/H1/programmes.yaml").read_text().replace("2026-H1", "2026-H3")
    )
    proc = check(schema, bad)
    assert proc.returncode == 1
    assert "2026-H3" in proc.stdout
