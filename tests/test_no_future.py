"""SPEC 14.3: no value from the future."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app
from okrbsc.lint.rules import _common

from .conftest import run_cli

OKR = "okrs/2026/Q3/sales.yaml"


def test_checkin_dated_after_as_of_is_refused(base_repo: Path) -> None:
    before = (base_repo / OKR).read_bytes()
    done = run_cli(
        "checkin", "S1.1", "2.6", "--date", "2026-07-21", "--as-of", "2026-07-20", cwd=base_repo
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "2026-07-21 is after as-of (2026-07-20)" in done.stderr
    assert "nothing was written" in done.stderr
    assert (base_repo / OKR).read_bytes() == before
    same_day = run_cli(
        "checkin", "S1.1", "2.6", "--date", "2026-07-20", "--as-of", "2026-07-20", cwd=base_repo
    )
    assert same_day.returncode == 0, same_day.stderr


def test_import_refuses_a_checkin_dated_after_as_of_at_its_date_cell(
    base_repo: Path, tmp_path: Path
) -> None:
    before = (base_repo / OKR).read_bytes()
    sheet = tmp_path / "checkins.csv"
    sheet.write_text("key_result,date,value\nS1.1,2026-07-20,2.5\nS1.1,2026-07-27,2.7\n")
    done = run_cli("import", str(sheet), "--repo", str(base_repo), "--as-of", "2026-07-24")
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{sheet.name}:3:2: 2026-07-27 is after as-of (2026-07-24)" in done.stderr
    assert "S1.1" not in done.stderr.split("2026-07-20")[0]  # the good row is no error
    assert (base_repo / OKR).read_bytes() == before
    later = run_cli("import", str(sheet), "--repo", str(base_repo), "--as-of", "2026-07-27")
    assert later.returncode == 0, later.stdout + later.stderr


def test_import_takes_a_later_row_the_files_already_hold_as_unchanged(
    base_repo: Path, tmp_path: Path
) -> None:
    """An export imported unchanged at an earlier as-of: rows after as-of that the files
    already hold are no new values, so not errors; a changed one still is."""
    before = (base_repo / OKR).read_bytes()
    sheet = tmp_path / "checkins.csv"
    sheet.write_text("key_result,date,value\nS1.1,2026-07-27,2.7\n")
    assert (
        run_cli("import", str(sheet), "--repo", str(base_repo), "--as-of", "2026-07-27").returncode
        == 0
    )
    written = (base_repo / OKR).read_bytes()
    assert written != before
    again = run_cli("import", str(sheet), "--repo", str(base_repo), "--as-of", "2026-07-24")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "1 unchanged" in again.stdout
    assert (base_repo / OKR).read_bytes() == written
    sheet.write_text("key_result,date,value\nS1.1,2026-07-27,2.9\n")
    changed = run_cli("import", str(sheet), "--repo", str(base_repo), "--as-of", "2026-07-24")
    assert changed.returncode == 1
    assert "2026-07-27 is after as-of (2026-07-24)" in changed.stderr
    assert (base_repo / OKR).read_bytes() == written


def c204(root: Path, as_of: str, *extra: str) -> list[int]:
    result = CliRunner().invoke(
        app, ["lint", "--repo", str(root), "--as-of", as_of, "--format", "json", *extra]
    )
    found = json.loads(result.output)["findings"]
    return [f["line"] for f in found if f["code"] == "C204" and f["path"] == OKR]


def test_c204_compares_with_the_calendar_whatever_as_of_says(base_repo: Path) -> None:
    path = base_repo / OKR
    path.write_text(path.read_text().replace("{date: 2026-07-13", "{date: 2999-07-13"))
    done = run_cli("lint", "--as-of", "3000-01-01", "--format", "json", cwd=base_repo)
    found = [f for f in json.loads(done.stdout)["findings"] if f["code"] == "C204"]
    assert [(f["path"], f["line"], f["severity"]) for f in found] == [(OKR, 15, "warning")]
    assert "2999-07-13, after today" in found[0]["message"]


def test_c204_kept_by_the_cache_only_for_the_day_it_was_found(
    base_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The per-file and whole-run caches hold the calendar date in their keys."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    path = base_repo / OKR
    path.write_text(path.read_text().replace("{date: 2026-07-13", "{date: 2026-09-13"))
    monkeypatch.setattr(_common, "calendar_today", lambda: dt.date(2026, 9, 1))
    assert c204(base_repo, "2026-09-20") == [15]
    assert c204(base_repo, "2026-09-20") == [15]  # warm
    # another file changed: the whole run is linted again, the sales file stands in
    other = base_repo / "okrs/2026/annual.yaml"
    other.write_text(other.read_text() + "\n")
    monkeypatch.setattr(_common, "calendar_today", lambda: dt.date(2026, 9, 13))
    assert c204(base_repo, "2026-09-20") == []
    assert c204(base_repo, "2026-09-20", "--no-cache") == []
    other.write_text(other.read_text() + "\n")
    monkeypatch.setattr(_common, "calendar_today", lambda: dt.date(2026, 9, 1))
    assert c204(base_repo, "2026-09-20") == [15]
