"""SPEC 14.5 and 14.6 for spreadsheets: every bad cell named, exports as used."""

from __future__ import annotations

from pathlib import Path

from .conftest import run_cli

OKR = "okrs/2026/Q3/sales.yaml"


def test_import_lists_every_bad_cell_of_a_row(base_repo: Path, tmp_path: Path) -> None:
    before = (base_repo / OKR).read_bytes()
    sheet = tmp_path / "checkins.csv"
    sheet.write_text(
        "key_result,date,value,confidence\nS1.1,someday,lots,sure\n,2026-07-20,2.5,0.5\n"
    )
    done = run_cli("import", str(sheet), "--repo", str(base_repo), "--as-of", "2026-07-24")
    assert done.returncode == 1, done.stdout + done.stderr
    cells = [line.split(": ")[2] for line in done.stderr.splitlines() if "checkins.csv:" in line]
    assert cells == ["checkins.csv:2:2", "checkins.csv:2:3", "checkins.csv:2:4", "checkins.csv:3:1"]
    assert "'someday' is not a date" in done.stderr
    assert "'lots' is not a number" in done.stderr and "'sure' is not a number" in done.stderr
    assert "key_result is empty" in done.stderr
    assert (base_repo / OKR).read_bytes() == before


def test_import_lists_every_bad_cell_of_an_actuals_row(base_repo: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "actuals.csv"
    sheet.write_text("measure,period,value\nF1-arr,2026-Q9,much\n")
    done = run_cli("import", str(sheet), "--repo", str(base_repo), "--as-of", "2026-07-24")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "actuals.csv:2:2:" in done.stderr and "actuals.csv:2:3:" in done.stderr
