"""The example repo's numbers come from examples/data/ (SPEC 8): a dry run shows the
idea, a real pull into a copy writes only what the data adds, and a second one nothing."""

from __future__ import annotations

import difflib
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from .conftest import EXAMPLES, run_cli

AS_OF = "2026-11-20"


def pull(root: Path, *args: str, as_of: str = AS_OF) -> subprocess.CompletedProcess[str]:
    return run_cli("pull", "--repo", str(root), "--as-of", as_of, *args)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.yaml")}


def test_every_measure_and_two_key_results_have_a_source() -> None:
    import yaml

    card = yaml.safe_load((EXAMPLES / "scorecard.yaml").read_text(encoding="utf-8"))
    measures = [m for o in card["objectives"] for m in o["measures"]]
    assert measures and all(m["source"]["from"] == "files" for m in measures)
    sales = yaml.safe_load((EXAMPLES / "okrs/2026/Q4/sales.yaml").read_text(encoding="utf-8"))
    sourced = {
        kr["id"]: kr["source"]["from"]
        for o in sales["objectives"]
        for kr in o["key_results"]
        if "source" in kr
    }
    assert sourced == {"SL1.1": "files", "SL1.2": "crm"}


def test_dry_run_on_the_examples_shows_the_additions_and_writes_nothing(
    examples_copy: Path,
) -> None:
    before = snapshot(examples_copy)
    proc = pull(examples_copy, "--dry-run", "--format", "json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    assert report["errors"] == []
    added = [(c["id"], c.get("period") or c.get("date"), c["new"]) for c in report["changes"]
             if c["change"] == "added"]  # fmt: skip
    assert added == [("F1-arr", "2025-Q3", 38.6), ("F1-arr", "2025-Q4", 40)]
    assert {c["change"] for c in report["changes"]} == {"added", "unchanged"}
    kinds = {(c["id"], c["source"]) for c in report["changes"] if c["kind"] == "key result"}
    assert kinds == {("SL1.1", "files"), ("SL1.2", "crm")}
    assert len([c for c in report["changes"] if c["kind"] == "key result"]) == 14
    assert snapshot(examples_copy) == before


def test_a_real_pull_into_a_copy_is_idempotent_and_lints_clean(examples_copy: Path) -> None:
    card = examples_copy / "scorecard.yaml"
    before = card.read_text(encoding="utf-8")
    first = pull(examples_copy)
    assert first.returncode == 0, first.stdout + first.stderr
    assert first.stdout.splitlines()[-1] == "2 added, 78 unchanged, 0 restated; 1 file written"
    after = card.read_text(encoding="utf-8")
    changed = [
        (a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b
    ]
    assert changed == [
        (
            "        actuals: {2025: 40.0, 2026-Q1: 42.5, 2026-Q2: 45.0, 2026-Q3: 47.2}",
            "        actuals: {2025: 40.0, 2025-Q3: 38.6, 2025-Q4: 40, 2026-Q1: 42.5,"
            " 2026-Q2: 45.0, 2026-Q3: 47.2}",
        )
    ]
    files = snapshot(examples_copy)
    second = pull(examples_copy)
    assert second.stdout.splitlines()[-1] == "0 added, 80 unchanged, 0 restated; 0 files written"
    assert snapshot(examples_copy) == files
    check = pull(examples_copy, "--check")
    assert check.returncode == 0, check.stdout
    lint = run_cli("lint", "--repo", str(examples_copy), "--as-of", AS_OF)
    assert lint.returncode == 0 and "no findings" in lint.stdout, lint.stdout


def test_next_monday_adds_a_check_in_to_each_sourced_key_result(examples_copy: Path) -> None:
    """Only the new lines appear: the `source:` blocks (a comment after the key, a
    folded query) keep their indentation."""
    sales = examples_copy / "okrs/2026/Q4/sales.yaml"
    before = sales.read_text(encoding="utf-8")
    proc = pull(examples_copy, as_of="2026-11-23")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "scorecard.yaml:24: F1-arr 2025-Q3: added 38.6 from files",
        "scorecard.yaml:24: F1-arr 2025-Q4: added 40 from files",
        "okrs/2026/Q4/sales.yaml:16: SL1.1 2026-11-23: added 1.76 from files",
        "okrs/2026/Q4/sales.yaml:37: SL1.2 2026-11-23: added 7 from crm",
        "4 added, 78 unchanged, 0 restated; 2 files written",
    ]
    diff = list(difflib.ndiff(before.splitlines(), sales.read_text(encoding="utf-8").splitlines()))
    assert [d for d in diff if d[:2] in ("- ", "+ ")] == [
        "+           - {date: 2026-11-23, value: 1.76, source: files}",
        "+           - {date: 2026-11-23, value: 7, source: crm}",
    ]


def test_the_data_script_makes_the_shipped_files(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "data/make_data.py", tmp_path)
    subprocess.run([sys.executable, str(tmp_path / "make_data.py")], check=True, timeout=60)
    shipped = EXAMPLES / "data"
    assert (tmp_path / "bookings.csv").read_bytes() == (shipped / "bookings.csv").read_bytes()

    def deals(path: Path) -> list[tuple[object, ...]]:
        con = sqlite3.connect(path)
        try:
            return con.execute("select * from deals order by rowid").fetchall()
        finally:
            con.close()

    assert deals(tmp_path / "crm.sqlite") == deals(shipped / "crm.sqlite")
