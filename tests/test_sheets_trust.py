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
    sheet.write_text("measure,period,value\nF1-arr,2026-Q9,\n")  # a bad period, no value
    done = run_cli("import", str(sheet), "--repo", str(base_repo), "--as-of", "2026-07-24")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "actuals.csv:2:2:" in done.stderr and "actuals.csv:2:3:" in done.stderr


def read_csv(folder: Path, name: str) -> list[dict[str, str]]:
    import csv
    import io

    text = (folder / f"{name}.csv").read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_export_gives_the_periods_target_and_rounded_computed_columns(
    base_repo: Path, tmp_path: Path
) -> None:
    card = base_repo / "scorecard.yaml"
    card.write_text(
        card.read_text().replace(
            "baseline: 40, target: 52, actuals: {2026-Q2: 45}}",
            "baseline: 40, target: 52, targets: {2026-Q3: 47.5, 2026-Q4: 50},"
            " actuals: {2026-Q2: 45, 2026-Q3: 46}}",
        )
    )
    okr = base_repo / OKR
    okr.write_text(  # progress (2.4 - 2.0) / (3.5 - 2.0) = 0.26666…
        okr.read_text().replace("target: 3.5\n", "target: 3.5\n        weight: 3\n")
    )
    out = tmp_path / "out"
    done = run_cli(
        "export", "2026-Q3", "--format", "csv", "--out", str(out), "--as-of", "2026-07-20",
        cwd=base_repo,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    arr = next(r for r in read_csv(out, "measures") if r["id"] == "F1-arr")
    assert arr["target"] == "47.5"  # the 2026-Q3 entry of its trajectory, not 52
    assert arr["baseline"] == "40" and arr["actual"] == "46"
    assert arr["achievement"] == str(round((46 - 40) / (47.5 - 40), 4))  # 0.8
    kr = next(r for r in read_csv(out, "key_results") if r["id"] == "S1.1")
    assert kr["progress"] == "0.2667" and kr["score"] == "0.2667"
    assert kr["target"] == "3.5" and kr["start"] == "2"
    for row in read_csv(out, "key_results") + read_csv(out, "objectives"):
        for column in ("progress", "score", "confidence"):
            value = row.get(column) or ""
            assert len(value.partition(".")[2]) <= 4, (row["id"], column, value)


def test_a_severity_off_passes_strict_lint(base_repo: Path) -> None:
    """SPEC 14.5: `O106: off`, as the docs write it, draws no E009 (so --strict passes)."""
    config = base_repo / "okrbsc.yaml"
    config.write_text(config.read_text() + "lint:\n  rules:\n    O106: off\n    C202: off\n")
    done = run_cli("lint", "--strict", "--as-of", "2026-07-20", cwd=base_repo)
    assert done.returncode == 0, done.stdout + done.stderr
    config.write_text(config.read_text().replace("Base Co", "yes", 1))
    done = run_cli("lint", "--strict", "--as-of", "2026-07-20", cwd=base_repo)
    assert done.returncode == 1 and "okrbsc.yaml:1:15: E009 'yes'" in done.stdout, done.stdout
