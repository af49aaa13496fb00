"""The values engine (write/values.py): rows -> added / unchanged / restated -> safe writes.

`pull` and `import` both feed it; these tests drive it with rows directly.
"""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path

import pytest
import yaml

from okrbsc.errors import DataError
from okrbsc.strategy.periods import Period
from okrbsc.strategy.repo import Repo
from okrbsc.write.values import ActualRow, ChangeKind, CheckinRow, merge, write

AS_OF = dt.date(2026, 9, 30)
Q3 = Period(2026, 3)


def open_repo(root: Path) -> Repo:
    return Repo.open(root, AS_OF)


def diff_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return [d[2:] for d in diff if d.startswith("- ")], [d[2:] for d in diff if d.startswith("+ ")]


def test_added_actuals_go_in_period_order_typed_as_a_person_would(base_repo: Path) -> None:
    path = base_repo / "scorecard.yaml"
    before = path.read_text()
    repo = open_repo(base_repo)
    rows = [
        ActualRow("F1-arr", Q3, 47.0, source="files"),
        ActualRow("F1-arr", Period(2026, 1), 42.5, source="files"),
        ActualRow("F1-arr", Period(2026, 2), 45.0, source="files"),
    ]
    result = merge(repo, rows)
    kinds = {(c.key, c.change) for c in result.changes}
    assert kinds == {
        ("2026-Q3", ChangeKind.ADDED),
        ("2026-Q1", ChangeKind.ADDED),
        ("2026-Q2", ChangeKind.UNCHANGED),
    }
    assert write(repo, result) == ["scorecard.yaml"]
    removed, added = diff_lines(before, path.read_text())
    assert removed == [
        "      - {id: F1-arr, name: ARR, type: lag, baseline: 40, target: 52, actuals: {2026-Q2: 45}}"
    ]
    assert added == [
        "      - {id: F1-arr, name: ARR, type: lag, baseline: 40, target: 52, actuals: {2026-Q1: 42.5,"
        " 2026-Q2: 45, 2026-Q3: 47}}"
    ]
    # a second merge of the same rows is all unchanged and writes no byte
    again = open_repo(base_repo)
    second = merge(again, rows)
    assert {c.change for c in second.changes} == {ChangeKind.UNCHANGED}
    text = path.read_text()
    assert write(again, second) == []
    assert path.read_text() == text


def test_fiscal_year_keys_are_unquoted_integers(base_repo: Path) -> None:
    repo = open_repo(base_repo)
    write(repo, merge(repo, [ActualRow("C1-nps", Period(2026), 41.25)]))
    text = (base_repo / "scorecard.yaml").read_text()
    assert "actuals: {2026: 41.25, 2026-Q2: 35}" in text
    assert yaml.safe_load(text)["objectives"][1]["measures"][0]["actuals"][2026] == 41.25


def test_restated_actual_is_reported_and_written_only_when_asked(base_repo: Path) -> None:
    path = base_repo / "scorecard.yaml"
    before = path.read_text()
    repo = open_repo(base_repo)
    result = merge(repo, [ActualRow("F1-arr", Period(2026, 2), 46.0)])
    (change,) = result.changes
    assert (change.change, change.old, change.new) == (ChangeKind.RESTATED, 45, 46)
    assert change.to_dict() == {
        "id": "F1-arr",
        "kind": "measure",
        "path": "scorecard.yaml",
        "line": 8,
        "period": "2026-Q2",
        "change": "restated",
        "old": 45,
        "new": 46,
        "source": None,
    }
    assert write(repo, result) == []
    assert path.read_text() == before
    assert write(repo, result, restate=True) == ["scorecard.yaml"]
    assert "actuals: {2026-Q2: 46}" in path.read_text()


def test_the_last_row_for_a_key_wins(base_repo: Path) -> None:
    repo = open_repo(base_repo)
    rows = [ActualRow("L1-cert", Q3, 13), ActualRow("L1-cert", Q3, 14)]
    (change,) = merge(repo, rows).changes
    assert change.new == 14


def test_values_within_tolerance_are_unchanged(base_repo: Path) -> None:
    repo = open_repo(base_repo)
    (change,) = merge(repo, [ActualRow("F1-arr", Period(2026, 2), 45 + 1e-12)]).changes
    assert change.change is ChangeKind.UNCHANGED
    (change,) = merge(repo, [ActualRow("F1-arr", Period(2026, 2), 45 + 1e-6)]).changes
    assert change.change is ChangeKind.RESTATED


OKR = "okrs/2026/Q3/sales.yaml"


def test_checkins_insert_in_date_order_with_source_and_block_comments_kept(
    base_repo: Path,
) -> None:
    path = base_repo / OKR
    text = path.read_text().replace(
        "        checkins:\n",
        "        # weekly numbers\n        checkins:\n",
    )
    path.write_text(text)
    repo = open_repo(base_repo)
    rows = [
        CheckinRow("S1.1", dt.date(2026, 7, 20), 2.75, confidence=0.6, source="warehouse"),
        CheckinRow("S1.1", dt.date(2026, 7, 1), 2.0, source="warehouse"),
        CheckinRow("S1.1", dt.date(2026, 7, 13), 2.4, confidence=0.6, source="warehouse"),
    ]
    result = merge(repo, rows)
    assert [(c.key, c.change) for c in result.changes] == [
        ("2026-07-20", ChangeKind.ADDED),
        ("2026-07-01", ChangeKind.ADDED),
        ("2026-07-13", ChangeKind.UNCHANGED),
    ]
    write(repo, result)
    after = path.read_text()
    removed, added = diff_lines(text, after)
    assert removed == []
    assert added == [
        "          - {date: 2026-07-01, value: 2, source: warehouse}",
        "          - {date: 2026-07-20, value: 2.75, confidence: 0.6, source: warehouse}",
    ]
    lines = after.splitlines()
    assert lines.index(added[0]) < lines.index(
        "          - {date: 2026-07-06, value: 2.1, confidence: 0.7}"
    )
    assert "# weekly numbers" in after


def test_a_key_result_without_checkins_gets_a_list(base_repo: Path) -> None:
    path = base_repo / OKR
    before = path.read_text()
    repo = open_repo(base_repo)
    write(repo, merge(repo, [CheckinRow("S2.3", dt.date(2026, 8, 3), True, source="crm")]))
    removed, added = diff_lines(before, path.read_text())
    assert removed == ["      - {title: Reference customers, kind: binary, done: false}"]
    assert added == [  # SPEC 14.7: one line per check-in
        "      - title: Reference customers",
        "        kind: binary",
        "        done: false",
        "        checkins:",
        "          - {date: 2026-08-03, value: true, source: crm}",  # SPEC 14.5
    ]
    assert open_repo(base_repo).key_results_named("S2.3")[0][0].objective.key_results[2].checkins


def test_restated_checkin_takes_the_new_source_and_confidence(base_repo: Path) -> None:
    path = base_repo / OKR
    repo = open_repo(base_repo)
    result = merge(
        repo, [CheckinRow("S1.1", dt.date(2026, 7, 13), 2.4, confidence=0.9, source="wh")]
    )
    assert result.changes[0].change is ChangeKind.RESTATED
    write(repo, result, restate=True)
    assert "- {date: 2026-07-13, value: 2.4, confidence: 0.9, source: wh}" in path.read_text()


def test_rows_that_do_not_fit_are_errors_and_refuse_the_write(base_repo: Path) -> None:
    before = (base_repo / OKR).read_text()
    repo = open_repo(base_repo)
    rows = [
        CheckinRow("S9.9", dt.date(2026, 7, 1), 1, where="row 2"),
        CheckinRow("S2.3", dt.date(2026, 7, 1), 2, where="row 3"),
        CheckinRow("S1.1", dt.date(2026, 10, 1), 2, where="row 4"),
        CheckinRow("S1.1", dt.date(2026, 7, 1), float("nan"), where="row 5"),
        CheckinRow("S1.1", dt.date(2026, 7, 1), 2, confidence=3, where="row 6"),
        CheckinRow("S1.1", dt.date(2026, 7, 2), 2.2, where="row 7"),
        ActualRow("X-1", Q3, 1, where="row 8"),
    ]
    result = merge(repo, rows)
    messages = [str(e) for e in result.errors]
    assert messages == [
        "row 2: S9.9: no such key result in this repo",
        f"{OKR}:24: row 3: S2.3: a binary key result takes 0/1 or true/false, not 2",
        "row 4: S1.1: 2026-10-01 lies outside the key result's period (2026-Q3)",
        f"{OKR}:9: row 5: S1.1: value nan is not a finite number",
        f"{OKR}:9: row 6: S1.1: confidence 3 is outside 0..1 (confidence_scale)",
        "row 8: X-1: no such measure in the scorecard",
    ]
    assert len(result.changes) == 1
    with pytest.raises(DataError):
        write(repo, result)
    assert (base_repo / OKR).read_text() == before
    assert write(repo, result, partial=True) == [OKR]


def test_a_file_edited_since_it_was_read_is_refused(base_repo: Path) -> None:
    repo = open_repo(base_repo)
    result = merge(repo, [CheckinRow("S1.1", dt.date(2026, 7, 20), 3)])
    path = base_repo / OKR
    edited = path.read_text() + "# edited\n"
    path.write_text(edited)
    with pytest.raises(DataError, match="changed while"):
        write(repo, result)
    assert path.read_text() == edited
