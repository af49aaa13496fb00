"""SPEC 10.3 and 10.4 through the CLI: key results without `start`, thresholds,
`due`, `description`, binary without `done`, has_data, pace no_data and risks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app

WIN_RATE = "      - {title: Win rate, start: 18, target: 25}\n"


def with_kr(repo: Path, block: str) -> Path:
    """The base repo with its `Win rate` key result replaced by ``block``."""
    path = repo / "okrs" / "2026" / "Q3" / "sales.yaml"
    text = path.read_text()
    assert WIN_RATE in text
    path.write_text(text.replace(WIN_RATE, block))
    return path


def scored_kr(runner: CliRunner, repo: Path, as_of: str, kr_id: str = "S1.2") -> dict[str, Any]:
    result = runner.invoke(
        app, ["score", "2026-Q3", "--repo", str(repo), "--as-of", as_of, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    krs = {k["id"]: k for t in data["teams"] for o in t["objectives"] for k in o["key_results"]}
    return krs[kr_id]


FROM_CHECKIN = """\
      - title: Win rate
        target: 25
        direction: up
        checkins:
          - {date: 2026-07-06, value: 20, confidence: 0.8}
          - {date: 2026-08-03, value: 22, confidence: 0.8}
"""


def test_start_from_the_earliest_checkin(runner: CliRunner, base_repo: Path) -> None:
    with_kr(base_repo, FROM_CHECKIN)
    kr = scored_kr(runner, base_repo, "2026-08-10")
    # start 20 (first check-in), current 22, target 25: (22 - 20) / (25 - 20) = 0.4
    assert (kr["start"], kr["start_source"], kr["current"]) == (20.0, "checkin", 22.0)
    assert kr["progress"] == pytest.approx(0.4) and kr["has_data"] is True
    # as of the first check-in's week: start 20 and current 20, progress 0
    early = scored_kr(runner, base_repo, "2026-07-10")
    assert (early["start"], early["current"], early["progress"]) == (20.0, 20.0, 0.0)


def test_before_any_checkin_there_is_no_start_and_no_data(
    runner: CliRunner, base_repo: Path
) -> None:
    with_kr(base_repo, FROM_CHECKIN)
    kr = scored_kr(runner, base_repo, "2026-07-03")
    assert kr["start"] is None and kr["start_source"] is None and kr["current"] is None
    assert (kr["progress"], kr["score"], kr["grade"]) == (0.0, 0.0, "red")
    assert kr["has_data"] is False and kr["pace"] == "no_data"


def test_start_from_current(runner: CliRunner, base_repo: Path) -> None:
    with_kr(base_repo, "      - {title: Win rate, target: 25, direction: up, current: 21}\n")
    kr = scored_kr(runner, base_repo, "2026-08-10")
    assert (kr["start"], kr["start_source"], kr["progress"]) == (21.0, "current", 0.0)
    assert kr["has_data"] is True


def test_the_table_marks_a_start_taken_from_the_data(runner: CliRunner, base_repo: Path) -> None:
    with_kr(base_repo, FROM_CHECKIN)
    result = runner.invoke(
        app,
        ["score", "2026-Q3", "--repo", str(base_repo), "--as-of", "2026-08-10", "--format", "md"],
    )
    assert result.exit_code == 0
    assert "22 of 25 (from 20, first check-in)" in result.output


THRESHOLD = """\
      - title: p99 latency in seconds
        target: 3
        direction: down
        checkins:
          - {date: 2026-07-06, value: 2.5}
          - {date: 2026-08-03, value: 3.4}
"""


def test_a_met_threshold_has_progress_one(runner: CliRunner, base_repo: Path) -> None:
    with_kr(base_repo, THRESHOLD)
    met = scored_kr(runner, base_repo, "2026-07-10")
    # start 2.5 already meets "3 or below": progress is whether the value meets it
    assert (met["start"], met["current"], met["progress"], met["score"]) == (2.5, 2.5, 1.0, 1.0)
    missed = scored_kr(runner, base_repo, "2026-08-10")
    assert (missed["current"], missed["progress"]) == (3.4, 0.0)


def test_threshold_without_start_draws_no_o104(runner: CliRunner, base_repo: Path) -> None:
    with_kr(base_repo, THRESHOLD)
    result = runner.invoke(app, ["lint", "--repo", str(base_repo), "--as-of", "2026-08-10"])
    assert "O104" not in result.output and result.exit_code == 0, result.output


def test_o104_on_a_written_start_equal_or_past_the_target(
    runner: CliRunner, base_repo: Path
) -> None:
    with_kr(base_repo, "      - {title: Win rate, start: 10.8, target: 10, direction: up}\n")
    result = runner.invoke(app, ["lint", "--repo", str(base_repo), "--as-of", "2026-08-10"])
    assert "okrs/2026/Q3/sales.yaml:16:" in result.output
    assert "starts at 10.8, already past its target 10 (up)" in result.output


def test_no_start_needs_a_direction(runner: CliRunner, base_repo: Path) -> None:
    with_kr(base_repo, "      - {title: Win rate, target: 25}\n")
    result = runner.invoke(app, ["lint", "--repo", str(base_repo), "--as-of", "2026-08-10"])
    assert result.exit_code == 1
    line = next(x for x in result.output.splitlines() if "E002" in x)
    assert line.startswith("okrs/2026/Q3/sales.yaml:16:")
    assert "without `start` needs `direction: up` or `direction: down`" in line


DUE = """\
      - title: Win rate
        description: Won deals over all qualified deals closed in the quarter.
        start: 18
        target: 25
        due: 2026-08-15
        checkins:
          - {date: 2026-08-14, value: 21, confidence: 0.9}
"""


def test_overdue_is_a_risk_after_the_due_date(runner: CliRunner, base_repo: Path) -> None:
    with_kr(base_repo, DUE)
    on_day = scored_kr(runner, base_repo, "2026-08-15")
    assert on_day["due"] == "2026-08-15" and on_day["risks"] == [] and not on_day["at_risk"]
    after = scored_kr(runner, base_repo, "2026-08-16")
    assert after["risks"] == ["overdue"] and after["at_risk"] is True


def test_reaching_the_target_is_not_overdue(runner: CliRunner, base_repo: Path) -> None:
    with_kr(base_repo, DUE.replace("value: 21,", "value: 25,"))
    assert scored_kr(runner, base_repo, "2026-08-20")["risks"] == []


def test_status_shows_the_due_date(runner: CliRunner, base_repo: Path) -> None:
    with_kr(base_repo, DUE)
    result = runner.invoke(
        app,
        ["status", "2026-Q3", "--repo", str(base_repo), "--as-of", "2026-08-16"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "due 2026-08-15" in result.output


def test_stale_and_low_confidence_in_order(runner: CliRunner, base_repo: Path) -> None:
    # S1.1's last check-in is 2026-07-13 at confidence 0.6 after 0.7: as of 2026-08-10 it is
    # 28 days old (> 14): stale, nothing else
    kr = scored_kr(runner, base_repo, "2026-08-10", "S1.1")
    assert kr["risks"] == ["stale"] and kr["at_risk"] is True
    # on 2026-07-13 the period has run 12 days (not over 14): not stale
    assert scored_kr(runner, base_repo, "2026-07-13", "S1.1")["risks"] == []
    path = base_repo / "okrs" / "2026" / "Q3" / "sales.yaml"
    path.write_text(
        path.read_text().replace("value: 2.4, confidence: 0.6", "value: 2.4, confidence: 0.3")
    )
    # 0.3 < 0.4 and a fall of 0.4 from 0.7: both, then stale
    kr = scored_kr(runner, base_repo, "2026-08-10", "S1.1")
    assert kr["risks"] == ["low_confidence", "confidence_drop", "stale"]


def test_binary_without_done_has_no_data(runner: CliRunner, base_repo: Path) -> None:
    path = base_repo / "okrs" / "2026" / "Q3" / "sales.yaml"
    path.write_text(path.read_text().replace("kind: binary, done: false}", "kind: binary}"))
    lint = runner.invoke(app, ["lint", "--repo", str(base_repo), "--as-of", "2026-10-15"])
    assert lint.exit_code == 0, lint.output
    kr = scored_kr(runner, base_repo, "2026-08-10", "S2.3")
    assert (kr["has_data"], kr["pace"], kr["current"], kr["score"]) == (
        False,
        "no_data",
        False,
        0.0,
    )
