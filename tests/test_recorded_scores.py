"""SPEC 14.2: recorded scores are final grades.

`score --write` records each score as the shortest decimal that reads back as
the same float, so `score --format json` at the same as-of gives the same
numbers, grades and aggregates after the write as before; a recorded score is
in force only from its period's last day (before that the computed score is
shown, with ``recorded_score`` beside it); `checkin`, `import` and `pull`
refuse to change a key result whose grade is final unless `--force`.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from okrbsc.cli import app
from okrbsc.strategy.repo import Repo

from .conftest import EXAMPLES, TESTS, run_cli

REPOS = sorted(
    [p for p in (TESTS / "fixtures").iterdir() if (p / "okrbsc.yaml").exists()]
    + [EXAMPLES]
    + [p for p in (TESTS / "corpus").iterdir() if (p / "okrbsc.yaml").exists()]
)
SALES = "okrs/2026/Q3/sales.yaml"

# What a recorded score means by definition, and so may change (SPEC 14.2): the
# recorded flags and value, the stale cause it ends (and at_risk with it), and
# has_data / pace of a key result (or objective) that had no data.
MAY_CHANGE = {"recorded", "recorded_score", "risks", "at_risk", "has_data", "pace"}


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def score_json(root: Path, period: str, as_of: dt.date) -> dict[str, Any]:
    code, out, err = cli(
        "score", period, "--repo", str(root), "--as-of", str(as_of), "--format", "json"
    )
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def differences(before: Any, after: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """Every leaf that differs, with its JSON path (keys of MAY_CHANGE named last)."""
    if isinstance(before, dict) and isinstance(after, dict):
        assert before.keys() == after.keys(), path
        return [d for k in before for d in differences(before[k], after[k], f"{path}.{k}")]
    if isinstance(before, list) and isinstance(after, list) and not path.endswith(".risks"):
        assert len(before) == len(after), path
        return [
            d
            for i, (a, b) in enumerate(zip(before, after, strict=True))
            for d in differences(a, b, f"{path}[{i}]")
        ]
    return [] if before == after else [(path, before, after)]


def allowed(path: str, before: Any, after: Any, old: dict[str, Any]) -> bool:
    key = path.rsplit(".", 1)[-1]
    if key not in MAY_CHANGE:
        return False
    if key == "risks":
        return [r for r in before if r != "stale"] == after
    if key == "at_risk":
        return before and not after
    if key in ("has_data", "pace"):
        return before in (False, "no_data")
    return True


def periods_of(root: Path) -> list[tuple[str, dt.date, dt.date]]:
    repo = Repo.open(root, dt.date(2026, 7, 1))
    return [(str(p), *repo.calendar.bounds(p)) for p in repo.periods]


@pytest.mark.parametrize("fixture", REPOS, ids=lambda p: p.name)
def test_score_write_changes_no_number_grade_or_aggregate(fixture: Path, tmp_path: Path) -> None:
    """For every period of every fixture repo: `score --write` on its last day, then
    `score --format json` on that day gives what it gave before (MAY_CHANGE aside),
    and an as-of mid-period gives the computed scores, as before the write."""
    found = periods_of(fixture)
    if not found:
        pytest.skip(f"{fixture.name} has no OKRs")
    checked = 0
    for period, start, end in found:
        root = tmp_path / period
        shutil.copytree(fixture, root)
        middle = start + (end - start) / 2
        before, before_mid = score_json(root, period, end), score_json(root, period, middle)
        code, _, err = cli("score", period, "--repo", str(root), "--as-of", str(end), "--write")
        assert code == 0, err
        after, after_mid = score_json(root, period, end), score_json(root, period, middle)
        for path, old, new in differences(before, after):
            assert allowed(path, old, new, before), (period, path, old, new)
        assert all(o["recorded"] for t in after["teams"] for o in t["objectives"])
        for path, old, new in differences(before_mid, after_mid):
            assert path.endswith(".recorded_score") and old is None, (period, path, old, new)
        mid_objectives = [o for t in after_mid["teams"] for o in t["objectives"]]
        assert not any(o["recorded"] for o in mid_objectives)
        assert all(o["recorded_score"] is not None for o in mid_objectives)
        checked += len(mid_objectives)
    assert checked > 0


def test_scores_are_written_as_the_shortest_decimal_of_the_float(base_repo: Path) -> None:
    before = score_json(base_repo, "2026-Q3", dt.date(2026, 9, 30))
    code, _, err = cli(
        "score", "2026-Q3", "--repo", str(base_repo), "--as-of", "2026-09-30", "--write"
    )
    assert code == 0, err
    data = yaml.safe_load((base_repo / SALES).read_text("utf-8"))
    text = (base_repo / SALES).read_text("utf-8")
    team = next(t for t in before["teams"] if t["team"] == "sales")
    for obj, written in zip(team["objectives"], data["objectives"], strict=True):
        assert written["score"] == obj["score"]  # the same float, to the last bit
        assert f"score: {obj['score']!r}" in text
        for kr, kr_written in zip(obj["key_results"], written["key_results"], strict=True):
            assert kr_written["score"] == kr["score"]
    # S1.1: 2.4 of 3.5 from 2.0 is (2.4 - 2.0) / (3.5 - 2.0) in floats, not the 0.27 shown
    assert "score: 0.2666666666666666\n" in text


def test_a_recorded_score_is_in_force_from_the_last_day(base_repo: Path) -> None:
    okr = base_repo / SALES
    okr.write_text(
        okr.read_text("utf-8").replace(
            "{title: Win rate, start: 18, target: 25}",
            "{title: Win rate, start: 18, target: 25, current: 25, score: 0.2}",
        ),
        "utf-8",
    )
    for as_of, score, recorded in (("2026-09-29", 1.0, False), ("2026-09-30", 0.2, True)):
        data = score_json(base_repo, "2026-Q3", dt.date.fromisoformat(as_of))
        kr = data["teams"][0]["objectives"][0]["key_results"][1]
        assert (kr["score"], kr["recorded"], kr["recorded_score"]) == (score, recorded, 0.2)
        assert kr["grade"] == ("green" if score == 1.0 else "red")
    code, out, _ = cli("status", "2026-Q3", "--repo", str(base_repo), "--as-of", "2026-09-29")
    assert code == 0 and "25 of 25" in out


def _freeze(root: Path, what: str) -> None:
    """A recorded score on S1.2 (``kr``) or on its objective S1 (``objective``)."""
    okr = root / SALES
    text = okr.read_text("utf-8")
    if what == "kr":
        text = text.replace(
            "{title: Win rate, start: 18, target: 25}",
            "{title: Win rate, start: 18, target: 25, score: 0.4}",
        )
    else:
        text = text.replace(
            "    title: Win the mid-market\n", "    title: Win the mid-market\n    score: 0.55\n"
        )
    okr.write_text(text, "utf-8")


@pytest.mark.parametrize(
    ("what", "named"),
    [("kr", "a recorded score of 0.4"), ("objective", "its objective S1's recorded score of 0.55")],
)
def test_checkin_on_a_final_grade_is_refused_unless_force(
    base_repo: Path, what: str, named: str
) -> None:
    _freeze(base_repo, what)
    before = (base_repo / SALES).read_bytes()
    args = [
        "checkin",
        "S1.2",
        "21",
        "--repo",
        str(base_repo),
        "--as-of",
        "2026-10-02",
        "--period",
        "2026-Q3",
        "--date",
        "2026-09-30",
    ]
    proc = run_cli(*args)
    assert proc.returncode == 1, proc.stderr
    assert (
        named in proc.stderr and "--force" in proc.stderr and "nothing was written" in proc.stderr
    )
    assert (base_repo / SALES).read_bytes() == before
    proc = run_cli(*args, "--force")
    assert proc.returncode == 0, proc.stderr
    text = (base_repo / SALES).read_text("utf-8")
    assert "{date: 2026-09-30, value: 21}" in text
    data = score_json(base_repo, "2026-Q3", dt.date(2026, 10, 2))
    obj = data["teams"][0]["objectives"][0]
    assert (obj["key_results"][1]["score"] if what == "kr" else obj["score"]) == (
        0.4 if what == "kr" else 0.55
    )


def test_checkin_before_the_last_day_is_not_refused(base_repo: Path) -> None:
    _freeze(base_repo, "kr")
    proc = run_cli("checkin", "S1.2", "21", "--repo", str(base_repo), "--as-of", "2026-09-20")
    assert proc.returncode == 0, proc.stderr


def test_import_reports_a_final_grade_at_its_key_result_cell(
    base_repo: Path, tmp_path: Path
) -> None:
    _freeze(base_repo, "kr")
    sheet = tmp_path / "checkins.csv"
    # S1.1's row repeats a check-in the file holds: not an error; S1.2's is new
    sheet.write_text("key_result,date,value\nS1.1,2026-07-13,2.4\nS1.2,2026-09-28,21\n", "utf-8")
    before = (base_repo / SALES).read_bytes()
    common = ["import", str(sheet), "--repo", str(base_repo), "--as-of", "2026-10-02"]
    code, out, err = cli(*common)
    assert code == 1
    assert "checkins.csv:3:1: S1.2 has a recorded score of 0.4" in err + out
    assert "--force" in err + out and "S1.1" not in err
    assert (base_repo / SALES).read_bytes() == before
    code, out, err = cli(*common, "--force")
    assert code == 0, err + out
    assert "{date: 2026-09-28, value: 21}" in (base_repo / SALES).read_text("utf-8")


def test_pull_reports_a_final_grade_at_the_item(tmp_path: Path) -> None:
    pytest.importorskip("duckdb")
    from .test_pull import ARR, FILES, PIPE, make_repo

    root = make_repo(tmp_path / "repo", FILES, ARR, PIPE)
    okr = root / SALES
    okr.write_text(
        okr.read_text("utf-8").replace(
            "        target: 3.5\n", "        target: 3.5\n        score: 0.3\n", 1
        ),
        "utf-8",
    )
    before = okr.read_bytes()
    common = ["pull", "--repo", str(root), "--as-of", "2026-09-30", "--format", "json"]
    code, out, _ = cli(*common)
    report = json.loads(out)
    errors = [e for e in report["errors"] if e["id"] == "S1.1"]
    assert code == 2 and len(errors) == 1, report
    assert errors[0]["path"] == SALES and errors[0]["line"] == 9
    assert "a recorded score of 0.3" in errors[0]["message"] and "--force" in errors[0]["message"]
    assert okr.read_bytes() == before
    code, out, err = cli(*common, "--force")
    assert code == 0, out + err
    assert "{date: 2026-07-20, value: 2.75, confidence: 0.6, source: files}" in okr.read_text(
        "utf-8"
    )
    assert "score: 0.3" in okr.read_text("utf-8")
