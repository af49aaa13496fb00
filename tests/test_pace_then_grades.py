"""SPEC 14.4: grades at the end, pace on the way.

A small repo whose numbers are worked by hand. 2026-Q3 runs 2026-07-01 to
2026-09-30 (92 days). On 2026-08-15 (day 46, expected progress 46/92 = 0.5):

* K1 5 of 10: 0.5 >= 0.95 x 0.5 -> on track; K2 4 of 10: 0.4 >= 0.75 x 0.5 -> behind;
* O1 computed (0.5 + 0.4) / 2 = 0.45 < 0.475, >= 0.375 -> behind;
* K3 and O2: 0.1 -> off track; K4 and O3: no data.

On 2026-09-30 (the last day; check-ins of 2026-09-20 count): K1 0.8 green,
K2 0.4 yellow, O1 0.6 yellow, K3 and O2 0.1 red, K4 and O3 no data.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app

from .conftest import EXAMPLES, run_cli

CONFIG = "organisation: Pace Co\nteams:\n  - {id: ops, name: Ops}\n"
OKRS = """\
kind: okrs
team: ops
period: 2026-Q3
objectives:
  - id: O1
    title: Run a calm operation
    key_results:
      - {id: K1, title: Lift uptime, start: 0, target: 10, checkins: [{date: 2026-07-06, value: 2}, {date: 2026-08-14, value: 5}, {date: 2026-09-20, value: 8}]}
      - {id: K2, title: Cut pages, start: 0, target: 10, checkins: [{date: 2026-08-14, value: 4}, {date: 2026-09-20, value: 4}]}
  - id: O2
    title: Ship the status page
    key_results:
      - {id: K3, title: Pages live, start: 0, target: 10, checkins: [{date: 2026-08-14, value: 1}, {date: 2026-09-20, value: 1}]}
  - id: O3
    title: Learn from incidents
    key_results:
      - {id: K4, title: Reviews held, start: 0, target: 10}
"""
RUNNING, LAST_DAY = "2026-08-15", "2026-09-30"
ANSI = {"32": "green", "33": "yellow", "31": "red", "2": "dim"}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "okrs/2026/Q3").mkdir(parents=True)
    (tmp_path / "okrbsc.yaml").write_text(CONFIG, "utf-8")
    (tmp_path / "okrs/2026/Q3/ops.yaml").write_text(OKRS, "utf-8")
    return tmp_path


def invoke(*args: str, colour: bool = False) -> str:
    env = {"FORCE_COLOR": "1", "COLUMNS": "160"} if colour else {"NO_COLOR": "1", "COLUMNS": "160"}
    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


def score(repo: Path, as_of: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        invoke("score", "2026-Q3", "--repo", str(repo), "--as-of", as_of, "--format", "json")
    )
    return data


def coloured(out: str, ident: str) -> tuple[str, str]:
    """(words, colour) of the coloured pace or grade cell in the row of ``ident``."""
    line = next(
        ln for ln in out.splitlines() if re.sub(r"\x1b\[[0-9;]*m", "", ln).startswith(ident + " ")
    )
    cells = re.findall(r"\x1b\[(32|33|31|2)m([a-z ]+?)\s*\x1b\[0m", line)
    assert len(cells) == 1, (ident, line)
    return cells[0][1], ANSI[cells[0][0]]


def test_score_json_gives_every_objective_a_pace(repo: Path) -> None:
    running = {o["id"]: o["pace"] for o in score(repo, RUNNING)["teams"][0]["objectives"]}
    assert running == {"O1": "behind", "O2": "off_track", "O3": "no_data"}
    ended = score(repo, LAST_DAY)["teams"][0]["objectives"]
    # 0.6 of 1.0 expected: 0.6 < 0.75 -> off track (pace stays defined at the end)
    assert [(o["id"], o["grade"], o["pace"]) for o in ended] == [
        ("O1", "yellow", "off_track"),
        ("O2", "red", "off_track"),
        ("O3", "red", "no_data"),
    ]


def test_forecasts_only_while_the_period_runs(repo: Path) -> None:
    k1 = score(repo, RUNNING)["teams"][0]["objectives"][0]["key_results"][0]
    # a line through (07-06, 2) and (08-14, 5): 3/39 a day, 2 + 86 x 3/39 on 09-30
    assert k1["forecast"] == pytest.approx(2 + 86 * 3 / 39)
    assert k1["forecast_progress"] == pytest.approx((2 + 86 * 3 / 39) / 10)
    for day in (LAST_DAY, "2026-10-20"):
        krs = [k for o in score(repo, day)["teams"][0]["objectives"] for k in o["key_results"]]
        assert all(k["forecast"] is None and k["forecast_progress"] is None for k in krs)


def test_status_colours_by_pace_while_running(repo: Path) -> None:
    out = invoke("status", "2026-Q3", "--repo", str(repo), "--as-of", RUNNING, colour=True)
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert re.search(r"^id .* pace .*weeks", plain, re.M) and " grade " not in plain
    assert coloured(out, "O1") == ("behind", "yellow")
    assert coloured(out, "K1") == ("on track", "green")
    assert coloured(out, "K2") == ("behind", "yellow")
    assert coloured(out, "O2") == ("off track", "red")
    assert coloured(out, "O3") == ("no data", "dim")
    assert "0.45 yellow" not in plain  # no grade word on the way


def test_status_colours_by_grade_from_the_last_day(repo: Path) -> None:
    for day in (LAST_DAY, "2026-10-05"):
        out = invoke("status", "2026-Q3", "--repo", str(repo), "--as-of", day, colour=True)
        plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
        assert re.search(r"^id .* grade .*weeks", plain, re.M), plain
        assert coloured(out, "O1") == ("yellow", "yellow")
        assert coloured(out, "K1") == ("green", "green")
        assert coloured(out, "O2") == ("red", "red")
        assert coloured(out, "K4") == ("no data", "dim")


def test_the_report_labels_the_column_pace_then_grade(repo: Path, tmp_path: Path) -> None:
    for day, label, o1, k1 in (
        (RUNNING, "pace", "behind", "on track"),
        (LAST_DAY, "grade", "yellow", "green"),
    ):
        out = tmp_path / day
        invoke(
            "report",
            "2026-Q3",
            "--repo",
            str(repo),
            "--as-of",
            day,
            "--out",
            str(out),
            "--format",
            "both",
        )
        md = (out / "2026-Q3.md").read_text("utf-8")
        assert f"| score | confidence | {label} |" in md
        assert re.search(rf"^\| \*\*O1\*\* .*\| {o1} \|$", md, re.M), md
        assert re.search(rf"^\| K1 .*\| {k1} \|$", md, re.M)
        html = (out / "2026-Q3.html").read_text("utf-8")
        assert f'<th scope="col">{label.capitalize()}</th>' in html
        colour = {"behind": "amber", "yellow": "yellow"}[o1]
        assert re.search(rf'<td>O1</td>.*?<span class="pill s-{colour}">{o1}</span>', html)
        assert '<span class="pill s-unknown">no data</span>' in html


def test_review_of_a_running_quarter_says_so_first(tmp_path: Path) -> None:
    proc = run_cli("review", "2026-Q4", "--repo", str(EXAMPLES), "--as-of", "2026-10-26")
    assert proc.returncode == 0, proc.stderr
    body = proc.stdout.split("\n", 2)[2]  # after the title and its blank line
    # 2026-10-01 to 2026-10-26 is day 26 of 92
    assert body.startswith(
        "**2026-Q4 runs until 2026-12-31, day 26 of 92: verdicts are provisional.**"
    )
    data = json.loads(
        run_cli(
            "review",
            "2026-Q4",
            "--repo",
            str(EXAMPLES),
            "--as-of",
            "2026-10-26",
            "--format",
            "json",
        ).stdout
    )
    assert (data["running"], data["elapsed"]) == (True, pytest.approx(26 / 92))
    ended = run_cli(
        "review", "2026-Q3", "--repo", str(EXAMPLES), "--as-of", "2026-09-30", "--format", "json"
    )
    assert (json.loads(ended.stdout)["running"], json.loads(ended.stdout)["elapsed"]) == (
        False,
        1.0,
    )
    md = run_cli("review", "2026-Q3", "--repo", str(EXAMPLES), "--as-of", "2026-09-30").stdout
    assert "provisional" not in md
