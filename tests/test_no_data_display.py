"""SPEC 10.4 as shown: no data is not failure.

`status` and the report show a key result without data as "no data" in a
neutral colour, count at risk, off track and without data apart, never say
every measure is green when none has an actual, mark derived red flags and
name the period of every actual; the map's caption names the actuals' period.
"""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from okrbsc.cli import app

from .conftest import EXAMPLES, run_cli

FIXTURES = Path(__file__).parent / "fixtures"
OKRS_ONLY = FIXTURES / "okrs-only"
CARD_ONLY = FIXTURES / "scorecard-only"
AS_OF = "2026-08-20"
# okrs-only at 2026-08-20 (55% of 2026-Q3 elapsed): H1.1 and H2.2 are stale
# (no check-in for 17 days, or at all; the limit is 14); H1.2 (2.5, target 3 down)
# is finished, so never stale (SPEC 14.1); H1.1 (7/19) and H2.1 (2/7) are below
# 0.75 x 0.55; H2.2 has no check-in at all
KR_COUNTS = "4 key results: 2 at risk, 2 off track, 1 without data."


def coloured_status(repo: Path, *args: str) -> str:
    env = {"PATH": "/usr/bin:/bin", "FORCE_COLOR": "1", "COLUMNS": "200"}
    proc = run_cli("status", *args, "--repo", str(repo), "--as-of", AS_OF, env=env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_status_counts_at_risk_off_track_and_without_data_apart() -> None:
    proc = run_cli("status", "--repo", str(OKRS_ONLY), "--as-of", AS_OF)
    assert proc.returncode == 0, proc.stderr
    assert KR_COUNTS in proc.stdout
    assert "No key result is at risk" not in proc.stdout


def test_a_key_result_without_data_is_no_data_in_a_neutral_colour() -> None:
    out = coloured_status(OKRS_ONLY)
    [row] = [line for line in out.splitlines() if "Partner workshops" in line][-1:]
    assert "no data" in row and "off track" not in row
    # the "no data" cell is dim (SGR 2), never red (SGR 31)
    cell = re.search(r"\x1b\[([0-9;]*)m\s*no data", row)
    assert cell is not None, row
    assert "2" in cell.group(1).split(";") and "31" not in cell.group(1).split(";")


def test_the_report_grades_a_key_result_without_data_as_no_data(tmp_path: Path) -> None:
    proc = run_cli("report", "--repo", str(OKRS_ONLY), "--as-of", AS_OF, "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    md = (tmp_path / "2026-Q3.md").read_text(encoding="utf-8")
    html = (tmp_path / "2026-Q3.html").read_text(encoding="utf-8")
    [row] = [line for line in md.splitlines() if line.startswith("| H2.2 ")]
    assert "| no data |" in row and "| red |" not in row and "off track" not in row
    assert md.count(KR_COUNTS) == 2  # the headline and the at-risk section
    assert KR_COUNTS in html
    assert '<span class="pill s-unknown">no data</span>' in html
    # why each key result is at risk: a team that stopped checking in shows
    assert "| stale |" in md


def test_no_measure_with_an_actual_is_never_all_green() -> None:
    result = CliRunner().invoke(app, ["status", "2023", "--repo", str(CARD_ONLY), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert "9 scorecard measures: 0 red, 0 amber, 0 green, 9 without data." in result.output
    assert "is green" not in result.output
    assert "unknown" not in result.output and "no data" in result.output


def test_derived_red_flags_are_marked_and_actuals_name_their_period() -> None:
    result = CliRunner().invoke(
        app, ["score", "--repo", str(CARD_ONLY), "--as-of", AS_OF, "--format", "md"]
    )
    assert result.exit_code == 0, result.output
    rows = {line.split(" | ")[1]: line for line in result.output.splitlines() if " | " in line}
    # no baseline or red_flag: 85 - 10% of 85, from measure_tolerance
    assert (
        "| 80% in 2025 | 85% | 76.5% (derived: target − 10%) | amber |"
        in rows["Calls answered within a minute"]
    )
    # bands: red at 40% below the target of 5
    assert (
        "| 4.6 EUR m in 2025 | 5 EUR m | 3 EUR m (derived: target − 40%) | green |"
        in rows["Usable reserves"]
    )
    # a written red flag is not marked
    assert "| 101.5% in 2025 | 100% | 103% | amber |" in rows["Spend against budget"]
    # a traffic light without a number names its period too
    assert "| rated amber in 2025 |" in rows["Street cleanliness (inspectors' rating)"]


def test_status_names_the_period_of_each_actual() -> None:
    proc = run_cli("status", "--repo", str(EXAMPLES), "--as-of", "2026-11-20")
    assert proc.returncode == 0, proc.stderr
    assert "47.2 EUR m in 2026-Q3" in proc.stdout  # 2026-Q4 is shown with Q3's actuals
    assert "17 scorecard measures:" in proc.stdout


def test_the_map_caption_names_the_period_of_its_actuals(tmp_path: Path) -> None:
    for repo, as_of, period, said in [
        (EXAMPLES, "2026-11-20", "2026-Q4", "from the actuals of 2026-Q3"),
        (CARD_ONLY, AS_OF, "2026-Q3", "from the actuals of 2025"),
    ]:
        out = tmp_path / repo.name
        proc = run_cli("report", "--repo", str(repo), "--as-of", as_of, "--out", str(out))
        assert proc.returncode == 0, proc.stderr
        html = (out / f"{period}.html").read_text(encoding="utf-8")
        caption = html.split("<figcaption>", 1)[1].split("</figcaption>", 1)[0]
        assert said in caption and "no data" in caption
        md = (out / f"{period}.md").read_text(encoding="utf-8")
        assert f"worst measure status {said}" in md


def test_a_map_of_mixed_periods_counts_them(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    for name in ("okrbsc.yaml", "scorecard.yaml"):
        text = (CARD_ONLY / name).read_text(encoding="utf-8")
        (root / name).write_text(text.replace("actuals: {2025: 55}", "actuals: {2026-Q2: 61}"))
    proc = run_cli("report", "--repo", str(root), "--as-of", AS_OF, "--out", str(tmp_path / "r"))
    assert proc.returncode == 0, proc.stderr
    md = (tmp_path / "r" / "2026-Q3.md").read_text(encoding="utf-8")
    assert "from the actuals of 2025 (6 measures), 2026-Q2 (1 measure)" in md
