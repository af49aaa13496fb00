"""Schema validation: positions, hints, and pruning so one typo does not hide a file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from okrbsc.lint import engine as lint
from okrbsc.strategy.loader import load_text
from okrbsc.strategy.models import Config, OkrFile
from okrbsc.strategy.repo import Repo
from okrbsc.strategy.validate import validate_as, validate_data

from .conftest import BASE_AS_OF

OKR = """kind: okrs
team: sales
period: 2026-Q3
objectives:
  - id: S1
    title: Win the mid-market
    aligns_to: [C1]
    key_results:
      - title: Pipeline
        start: 2
        target: ten
      - {title: Win rate, start: 18, target: 25, wieght: 2}
  - id: S2
    title: Keep customers
    aligns_to: [C1]
"""


def test_errors_are_positioned_with_hints_and_the_rest_survives() -> None:
    model, problems = validate_data(load_text(OKR).data)
    found = [(p.line, p.column, p.message) for p in problems]
    assert (
        11,
        17,
        "objectives[0].key_results[0].target: expected a number, got 'ten'",
    ) in found
    assert any(
        line == 12 and "unknown key 'wieght'" in msg and "did you mean 'weight'" in msg
        for line, _, msg in found
    )
    assert isinstance(model, OkrFile)
    assert [o.id for o in model.objectives] == ["S1", "S2"]  # pruned, not dropped


def test_unknown_top_level_key_hint() -> None:
    _, problems = validate_as(Config, load_text("organisation: X\nfiscal_yaer_start: 4\n").data)
    assert [(p.line, p.message) for p in problems] == [
        (2, "unknown key 'fiscal_yaer_start' (did you mean 'fiscal_year_start'?)")
    ]


def test_binary_checkin_value_is_positioned() -> None:
    text = OKR.replace(
        "start: 2\n        target: ten",
        "kind: binary\n        done: false\n        checkins: [{date: 2026-07-06, value: 7}]",
    )
    _, problems = validate_data(load_text(text).data)
    assert [(p.line, p.message) for p in problems if "binary" in p.message] == [
        (12, "a binary key result's check-in value is 0 or 1")
    ]


def test_pruned_file_still_feeds_cross_file_rules(base_repo: Path) -> None:
    sales = base_repo / "okrs/2026/Q3/sales.yaml"
    text = (
        sales.read_text()
        .replace("start: 2.0", "start: lots")
        .replace("aligns_to: [C1]", "aligns_to: [C9]")
    )
    sales.write_text(text)
    result = lint.run(Repo.open(base_repo, dt.date.fromisoformat(BASE_AS_OF)))
    assert {f.code for f in result.findings} >= {"E002", "E005"}
