"""SPEC 15.1-15.3: measures that are not numbers (binary, ordinal), range targets, and
targets that belong to the period of their actual -- through the CLI, on
hand-computed numbers (measure_tolerance 0.1 unless the test says otherwise)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import in_process, run_cli

AS_OF = "2026-11-20"
SCALE = ["AAA", "AA+", "AA", "AA-", "A+", "A"]


def card(tmp_path: Path, measures: list[dict[str, Any]], fiscal_year_start: int = 1) -> Path:
    """A scorecard-only repo with one objective holding ``measures``."""
    (tmp_path / "okrbsc.yaml").write_text(
        f"organisation: Test town\nfiscal_year_start: {fiscal_year_start}\n", encoding="utf-8"
    )
    doc = {
        "kind": "scorecard",
        "objectives": [
            {"id": "F1", "perspective": "financial", "title": "Sound money", "measures": measures}
        ],
    }
    (tmp_path / "scorecard.yaml").write_text(
        yaml.safe_dump(doc, sort_keys=False, default_flow_style=None), "utf-8"
    )
    return tmp_path


Run = Callable[..., subprocess.CompletedProcess[str]]


def scored(repo: Path, period: str = "2026-Q3", run: Run = in_process) -> dict[str, dict[str, Any]]:
    proc = run("score", period, "--repo", str(repo), "--as-of", AS_OF, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    return {m["id"]: m for s in data["scorecard"] for m in s["measures"]} | {
        "_objective": data["scorecard"][0]
    }


def lint(repo: Path, run: Run = in_process) -> list[str]:
    proc = run("lint", "--repo", str(repo), "--as-of", AS_OF, "--format", "text")
    return [line for line in proc.stdout.splitlines() if "scorecard.yaml:" in line]


def one(repo_dir: Path, actual: object, **fields: Any) -> dict[str, Any]:
    m = {"id": "m", "name": "M", **fields, "actuals": {"2026-Q3": actual}}
    return scored(card(repo_dir, [m]))["m"]


# --- ordinal ---------------------------------------------------------------------------

# scale positions: AAA 0, AA+ 1, AA 2, AA- 3, A+ 4, A 5.  Target AA+ (1), red flag A+ (4):
# achievement = (4 - pos) / (4 - 1)
ORDINAL_WITH_FLAG = [
    ("AAA", "green", 1.0),  # above target: clamped
    ("AA+", "green", 1.0),  # at target
    ("AA", "amber", 2 / 3),  # (4 - 2) / 3
    ("aa-", "amber", 1 / 3),  # case-insensitive: (4 - 3) / 3
    ("A+", "red", 0.0),  # at the red flag
    ("A", "red", 0.0),  # below it: clamped
]


@pytest.mark.parametrize(("actual", "status", "achievement"), ORDINAL_WITH_FLAG)
def test_ordinal_with_a_scale_and_a_red_flag(
    tmp_path: Path, actual: str, status: str, achievement: float
) -> None:
    m = one(tmp_path, actual, kind="ordinal", scale=SCALE, target="AA+", red_flag="A+")
    assert (m["status"], m["actual"], m["target"]) == (status, actual, "AA+")
    assert m["achievement"] == pytest.approx(achievement)


@pytest.mark.parametrize(
    ("actual", "status", "achievement"),
    [("AAA", "green", 1.0), ("AA", "green", 1.0), ("AA-", "amber", None), ("A", "amber", None)],
)
def test_ordinal_with_a_scale_and_no_red_flag_is_never_red(
    tmp_path: Path, actual: str, status: str, achievement: float | None
) -> None:
    m = one(tmp_path, actual, kind="ordinal", scale=SCALE, target="AA")
    assert (m["status"], m["achievement"]) == (status, achievement)


@pytest.mark.parametrize(
    ("actual", "status", "achievement"),
    [("Strong", "green", 1.0), ("strong", "green", 1.0), ("Adequate", "amber", None)],
)
def test_ordinal_without_a_scale_compares_words(
    tmp_path: Path, actual: str, status: str, achievement: float | None
) -> None:
    m = one(tmp_path, actual, kind="ordinal", target="Strong")
    assert (m["status"], m["achievement"]) == (status, achievement)


def test_ordinal_without_a_scale_but_with_a_red_flag_is_still_amber(tmp_path: Path) -> None:
    # without a scale there is no order: green on the target, else amber (SPEC 15.1)
    m = one(tmp_path, "Weak", kind="ordinal", target="Strong", red_flag="Weak")
    assert (m["status"], m["achievement"]) == ("amber", None)


def test_an_objective_averages_only_measures_with_an_achievement(tmp_path: Path) -> None:
    measures = [
        {"id": "rating", "name": "Bond rating", "kind": "ordinal", "scale": SCALE,
         "target": "AAA", "actuals": {"2026-Q3": "AA"}},  # below target, no red flag: none
        {"id": "spend", "name": "Spend", "target": 100, "actuals": {"2026-Q3": 95}},
        {"id": "audit", "name": "Clean audit", "kind": "binary", "actuals": {"2026-Q2": True}},
    ]  # fmt: skip
    result = scored(card(tmp_path, measures), run=run_cli)  # score as a real process
    # spend: red flag 90, (95 - 90) / (100 - 90) = 0.5; audit 1.0; rating has none
    assert result["rating"]["achievement"] is None and result["rating"]["status"] == "amber"
    assert result["_objective"]["achievement"] == pytest.approx((0.5 + 1.0) / 2)
    assert result["_objective"]["status"] == "amber"


# --- binary ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "status", "achievement"), [(True, "green", 1.0), (False, "red", 0.0)]
)
def test_binary_true_is_green_false_is_red(
    tmp_path: Path, actual: bool, status: str, achievement: float
) -> None:
    m = one(tmp_path, actual, kind="binary")
    assert (m["status"], m["achievement"], m["actual"], m["target"]) == (
        status, achievement, actual, None
    )  # fmt: skip


def test_binary_and_ordinal_draw_no_b303_and_lint_clean(tmp_path: Path) -> None:
    measures = [
        {"id": "b", "name": "Go-live", "type": "lead", "kind": "binary", "actuals": {}},
        {"id": "o", "name": "Rating", "kind": "ordinal", "scale": SCALE, "actuals": {}},
        {"id": "n", "name": "Numbers", "actuals": {}},
    ]
    lines = lint(card(tmp_path, measures), run=run_cli)  # lint as a real process
    found = [line for line in lines if "B303" in line]
    assert len(found) == 1 and "measure 'n' has no target" in found[0], found


# --- ranges ----------------------------------------------------------------------------

# [98, 100], default bands: green 0, red measure_tolerance 0.1.
# below: B = 98, red at d >= 9.8 (88.2); above: B = 100, red at d >= 10 (110).
RANGE_DEFAULT = [
    (98, "green", 1.0),  # at the low edge
    (99, "green", 1.0),  # inside
    (100, "green", 1.0),  # at the high edge
    (97, "amber", 1 - 1 / 9.8),  # 1 below
    (88.2, "red", 0.0),  # exactly the red distance below
    (105, "amber", 0.5),  # 5 above: 1 - 5/10
    (110, "red", 0.0),  # exactly the red distance above
    (120, "red", 0.0),
]


@pytest.mark.parametrize(("actual", "status", "achievement"), RANGE_DEFAULT)
def test_a_range_without_bands(
    tmp_path: Path, actual: float, status: str, achievement: float
) -> None:
    m = one(tmp_path, actual, unit="%", target=[98, 100])
    assert (m["status"], m["target"], m["red_flag"]) == (status, [98, 100], None)
    assert m["achievement"] == pytest.approx(achievement)


# with bands green 0.02, red 0.05: below, B = 98: green to d <= 1.96 (96.04), red at
# d >= 4.9 (93.1); above, B = 100: green to 102, red from 105. achievement 1 - d / (R|B|)
RANGE_BANDS = [
    (96.04, "green", 1 - 1.96 / 4.9),  # on the green edge below, achievement 0.6
    (96, "amber", 1 - 2 / 4.9),  # just beyond it
    (93.1, "red", 0.0),  # on the red edge below
    (102, "green", 0.6),  # green edge above: 1 - 2/5
    (103, "amber", 0.4),
    (105, "red", 0.0),  # red edge above
    (99, "green", 1.0),
]


@pytest.mark.parametrize(("actual", "status", "achievement"), RANGE_BANDS)
def test_a_range_with_bands(tmp_path: Path, actual: float, status: str, achievement: float) -> None:
    m = one(tmp_path, actual, target=[98, 100], bands={"green": 0.02, "red": 0.05})
    assert m["status"] == status
    assert m["achievement"] == pytest.approx(achievement)


# --- targets belong to periods (SPEC 15.3) -----------------------------------------------


def test_the_target_chain_entry_then_year_then_target(tmp_path: Path) -> None:
    # annual goal 20 with a waypoint of 7 for Q2; Q3 has its own 12.
    targets = {"2026-Q2": 7, "2026-Q3": 12, "2026": 20}
    measures = [
        {"id": "q2", "name": "Q2 entry", "target": 30, "targets": targets, "actuals": {"2026-Q2": 7}},
        {"id": "q3", "name": "Q3 entry", "target": 30, "targets": targets, "actuals": {"2026-Q3": 11}},
        {"id": "q4", "name": "Year entry", "target": 30, "targets": targets, "actuals": {"2026-Q4": 19}},
        {"id": "yr", "name": "Year actual", "target": 30, "targets": targets, "actuals": {"2026": 20}},
        {"id": "old", "name": "Before", "target": 30, "targets": targets, "actuals": {"2025-Q4": 27}},
    ]  # fmt: skip
    result = scored(card(tmp_path, measures), "2026")
    # q2: 7 against its own 7 -> green
    assert (result["q2"]["target"], result["q2"]["status"]) == (7, "green")
    # q3: 11 against 12, red flag 10.8: amber, (11 - 10.8) / 1.2
    assert (result["q3"]["target"], result["q3"]["status"]) == (12, "amber")
    assert result["q3"]["achievement"] == pytest.approx(0.2 / 1.2)
    # q4 has no entry: the year's 20, not Q3's 12 or Q2's 7; 19 vs red flag 18 -> 0.5
    assert (result["q4"]["target"], result["q4"]["status"]) == (20, "amber")
    assert result["q4"]["achievement"] == pytest.approx(0.5)
    assert (result["yr"]["target"], result["yr"]["status"]) == (20, "green")
    # 2025-Q4 is in no period of `targets`: `target` 30, red flag 27 -> red
    assert (result["old"]["target"], result["old"]["status"]) == (30, "red")


def test_the_last_quarter_of_the_year_is_graded_against_the_years_goal(tmp_path: Path) -> None:
    # SPEC 15.3's example: a waypoint of 7 in Q2, 20 for the year; Q4's 19 is judged
    # against 20, and a quarter without an actual shows the target of the scored period
    m = {"id": "m", "name": "M", "target": 20, "targets": {"2026-Q2": 7, "2026": 20},
         "actuals": {"2026-Q2": 8, "2026-Q4": 19}}  # fmt: skip
    repo = card(tmp_path, [m])
    q4 = scored(repo, "2026-Q4")["m"]
    assert (q4["target"], q4["status"], q4["actual_period"]) == (20, "amber", "2026-Q4")
    q2 = scored(repo, "2026-Q2")["m"]
    assert (q2["target"], q2["status"]) == (7, "green")
    blank = {"id": "m", "name": "M", "target": 20, "targets": {"2026-Q2": 7, "2026": 20}}
    q1 = scored(card(tmp_path, [blank]), "2026-Q1")["m"]
    assert (q1["target"], q1["status"]) == (20, "unknown")  # Q1: the year's entry


# --- what the file may hold (E002, at the value) ------------------------------------------

BAD = [
    ({"kind": "ordinal", "scale": SCALE, "target": "AAAA"}, "AAAA", "not on the measure's scale"),
    ({"kind": "ordinal", "scale": SCALE, "target": "AA", "red_flag": "BBB"}, "BBB",
     "not on the measure's scale"),
    ({"kind": "ordinal", "scale": SCALE, "target": "AA", "actuals": {"2026-Q3": "B"}}, "B}",
     "not on the measure's scale"),
    ({"kind": "binary", "target": 1}, "1}", "a binary measure takes no `target`"),
    ({"kind": "binary", "actuals": {"2026-Q3": "yes"}}, "'yes'", "true or false"),
    ({"target": [100, 98]}, "[100, 98]", "LOW <= HIGH"),
    ({"target": [98, 100], "direction": "up"}, "up", "a range target takes no `direction`"),
    ({"target": [98, 100], "red_flag": 90}, "90", "a range target takes no `red_flag`"),
    ({"target": "AAA"}, "AAA", "kind: ordinal"),
]  # fmt: skip


@pytest.mark.parametrize(("fields", "value", "message"), BAD)
def test_contradictions_are_e002_at_the_value(
    tmp_path: Path, fields: dict[str, Any], value: str, message: str
) -> None:
    repo = card(tmp_path, [{"id": "m", "name": "M", **fields}])
    lines = (repo / "scorecard.yaml").read_text("utf-8").splitlines()
    found = [line for line in lint(repo) if "E002" in line]
    assert len(found) == 1 and message in found[0], found
    _, line_no, col = found[0].split(":")[:3]
    assert lines[int(line_no) - 1][int(col) - 1 :].startswith(value), (found, lines)


# --- checkin, export and import of words ------------------------------------------------


def test_checkin_writes_binary_and_ordinal_actuals(tmp_path: Path) -> None:
    measures = [
        {"id": "rating", "name": "Bond rating", "kind": "ordinal", "scale": SCALE, "target": "AA"},
        {"id": "golive", "name": "Go-live", "kind": "binary"},
    ]
    repo = card(tmp_path, measures)
    base = ("--repo", str(repo), "--as-of", AS_OF)
    ok = run_cli("checkin", "rating", "aa+", "--period", "2026", *base)
    assert ok.returncode == 0, ok.stderr
    assert "recorded rating = AA+ in 2026" in ok.stdout  # the scale's spelling
    for word, expected in [("done", True), ("no", False), ("YES", True), ("false", False)]:
        proc = in_process("checkin", "golive", word, "--period", "2026-Q4", "--restate", *base)
        assert proc.returncode == 0, proc.stderr
        data = yaml.safe_load((repo / "scorecard.yaml").read_text("utf-8"))
        actuals = data["objectives"][0]["measures"][1]["actuals"]
        assert actuals == {"2026-Q4": expected}
    assert data["objectives"][0]["measures"][0]["actuals"] == {2026: "AA+"}
    assert [line for line in lint(repo) if "E0" in line] == []
    bad = run_cli("checkin", "rating", "BBB", "--period", "2026-Q4", *base)
    assert bad.returncode == 1 and "scorecard.yaml:" in bad.stderr
    assert "'BBB' is not on the measure's scale" in bad.stderr
    maybe = in_process("checkin", "golive", "maybe", "--period", "2026-Q4", *base)
    assert maybe.returncode == 1 and "true or false" in maybe.stderr
    before = (repo / "scorecard.yaml").read_bytes()
    assert in_process("checkin", "rating", "A", "--period", "2026", *base).returncode == 1
    assert (repo / "scorecard.yaml").read_bytes() == before  # a restatement needs --restate


def test_export_writes_words_as_text_and_import_reads_them_back(tmp_path: Path) -> None:
    measures = [
        {"id": "rating", "name": "Bond rating", "kind": "ordinal", "scale": SCALE,
         "target": "AAA", "red_flag": "A+", "actuals": {"2026-Q3": "AA"}},
        {"id": "golive", "name": "Go-live", "kind": "binary", "actuals": {"2026-Q3": False}},
        {"id": "uptime", "name": "Uptime", "unit": "%", "target": [98, 100],
         "actuals": {"2026-Q3": 99.5}},
    ]  # fmt: skip
    repo = card(tmp_path, measures)
    base = ("--repo", str(repo), "--as-of", AS_OF)
    out = tmp_path / "sheets"
    assert run_cli("export", "2026-Q3", "--format", "csv", "--out", str(out), *base).returncode == 0
    rows = (out / "measures.csv").read_text("utf-8-sig").splitlines()
    # type (not in the file) blank; target, red flag and actual as text; positions
    # AAA 0 .. A+ 4: achievement (4 - 2) / (4 - 0)
    assert rows[1].split(",")[5:] == ["", "", "", "AAA", "A+", "AA", "amber", "0.5"]
    assert rows[2].split(",")[5:] == ["", "", "", "", "", "false", "red", "0"]
    assert '"[98, 100]"' in rows[3]
    actuals = (out / "actuals.csv").read_text("utf-8-sig").splitlines()
    assert actuals[1:] == ["rating,2026-Q3,AA", "golive,2026-Q3,false", "uptime,2026-Q3,99.5"]
    before = (repo / "scorecard.yaml").read_bytes()
    same = run_cli("import", str(out), *base)
    assert same.returncode == 0, same.stdout + same.stderr
    assert "3 unchanged" in same.stdout and (repo / "scorecard.yaml").read_bytes() == before
    (out / "actuals.csv").write_text(
        "measure,period,value\nrating,2026-Q4,AA+\ngolive,2026-Q4,true\n", encoding="utf-8"
    )
    added = run_cli("import", str(out / "actuals.csv"), *base)
    assert added.returncode == 0, added.stdout + added.stderr
    data = yaml.safe_load((repo / "scorecard.yaml").read_text("utf-8"))
    got = [m["actuals"] for m in data["objectives"][0]["measures"][:2]]
    assert got == [{"2026-Q3": "AA", "2026-Q4": "AA+"}, {"2026-Q3": False, "2026-Q4": True}]


def test_a_half_entry_comes_before_the_years(tmp_path: Path) -> None:
    # SPEC 15.3 with 15.4: for a quarter, the half containing it, then the fiscal year
    targets = {"2026-H2": 15, "2026": 20}
    measures = [
        {"id": "q3", "name": "Q3", "target": 30, "targets": targets, "actuals": {"2026-Q3": 14}},
        {"id": "q1", "name": "Q1", "target": 30, "targets": targets, "actuals": {"2026-Q1": 14}},
        {"id": "h2", "name": "H2", "target": 30, "targets": targets, "actuals": {"2026-H2": 15}},
    ]
    result = scored(card(tmp_path, measures), "2026")
    # Q3 is in H2: target 15, red flag 13.5, (14 - 13.5) / 1.5
    assert (result["q3"]["target"], result["q3"]["status"]) == (15, "amber")
    assert result["q3"]["achievement"] == pytest.approx(0.5 / 1.5)
    # Q1 is in no half of `targets`: the year's 20, red flag 18 -> red
    assert (result["q1"]["target"], result["q1"]["status"]) == (20, "red")
    assert (result["h2"]["target"], result["h2"]["status"]) == (15, "green")


def test_a402_says_why_a_word_a_pass_fail_or_a_range_is_red() -> None:
    from okrbsc.lint.rules.a402_red_measure_unaddressed import why
    from okrbsc.strategy.measures import assess
    from okrbsc.strategy.models import Measure
    from okrbsc.strategy.periods import FiscalCalendar, Period

    def red(**fields: Any) -> str:
        m = Measure.model_validate({"id": "m", "name": "M", **fields})
        found = assess(m, Period(2026, 3), FiscalCalendar(1), 0.1)
        assert found.status.value == "red"
        return why(found)

    assert red(kind="ordinal", scale=SCALE, target="AA", red_flag="A+",
               actuals={"2026-Q3": "A"}) == "actual A in 2026-Q3, red flag A+"  # fmt: skip
    assert red(kind="binary", actuals={"2026-Q3": False}) == "actual false in 2026-Q3"
    assert (
        red(target=[98, 100], actuals={"2026-Q3": 80}) == "actual 80 in 2026-Q3, outside [98, 100]"
    )
