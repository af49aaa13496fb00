"""`okrbsc export` (SPEC 13.1): real workbooks and CSV files, read back with openpyxl
and python-calamine, compared with `okrbsc score --format json`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine
from typer.testing import CliRunner

from okrbsc.cli import app
from okrbsc.sheets.table import COLUMNS

from .conftest import EXAMPLES, ROOT

AS_OF = "2026-11-20"
SHEETS = ["objectives", "key_results", "checkins", "measures", "actuals"]


def export(repo: Path, *args: str) -> None:
    result = CliRunner().invoke(app, ["export", *args, "--repo", str(repo), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output


def score_json(repo: Path, period: str) -> dict[str, Any]:
    result = CliRunner().invoke(
        app, ["score", period, "--repo", str(repo), "--as-of", AS_OF, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def records(header: list[Any], rows: list[list[Any]]) -> list[dict[str, Any]]:
    return [dict(zip(header, row, strict=True)) for row in rows]


def computed_from_json(data: dict[str, Any]) -> dict[str, list[tuple[Any, ...]]]:
    """The computed columns as `score --format json` gives them, rounded to 4 decimals
    as export writes them (SPEC 14.5)."""

    def r4(value: Any) -> Any:
        return round(value, 4) if isinstance(value, float) else value

    objectives = [o for t in data["teams"] for o in t["objectives"]]
    return {
        "objectives": [(o["id"], r4(o["score"]), o["grade"]) for o in objectives],
        "key_results": [
            (k["id"], r4(k["progress"]), r4(k["score"]), k["grade"], r4(k["confidence"]))
            for o in objectives
            for k in o["key_results"]
        ],
        "measures": [
            (m["id"], r4(m["actual"]), m["status"], r4(m["achievement"]))
            for s in data["scorecard"]
            for m in s["measures"]
        ],
    }


def computed_from_sheets(tables: dict[str, list[dict[str, Any]]]) -> dict[str, list[Any]]:
    def blank(v: Any) -> Any:
        return None if v in ("", None) else v

    return {
        "objectives": [(r["id"], r["score"], r["grade"]) for r in tables["objectives"]],
        "key_results": [
            (r["id"], r["progress"], r["score"], r["grade"], blank(r["confidence"]))
            for r in tables["key_results"]
        ],
        "measures": [
            (r["id"], blank(r["actual"]), r["status"], blank(r["achievement"]))
            for r in tables["measures"]
        ],
    }


def assert_same(got: dict[str, list[Any]], want: dict[str, list[Any]], rel: float) -> None:
    assert got.keys() == want.keys()
    for name in want:
        assert len(got[name]) == len(want[name]), name
        for a, b in zip(got[name], want[name], strict=True):
            assert len(a) == len(b)
            for x, y in zip(a, b, strict=True):
                if isinstance(y, float) and not isinstance(x, str):
                    assert x == pytest.approx(y, rel=rel, abs=1e-15), (name, a, b)
                else:
                    assert x == y, (name, a, b)


@pytest.mark.parametrize("period", ["2026-Q3", "2026-Q4"])
def test_workbook_read_back_by_both_readers(tmp_path: Path, period: str) -> None:
    book = tmp_path / "acme.xlsx"
    export(EXAMPLES, period, "--out", str(book))
    # calamine: sheets in order, exact headers, computed columns equal score's JSON
    wb = python_calamine.CalamineWorkbook.from_path(str(book))
    assert wb.sheet_names == SHEETS
    tables = {}
    for name in SHEETS:
        cells = wb.get_sheet_by_name(name).to_python()
        assert tuple(cells[0]) == COLUMNS[name]
        tables[name] = records(cells[0], cells[1:])
    # a workbook stores a number as text of 16 significant digits (xlsxwriter, like Excel)
    want = computed_from_json(score_json(EXAMPLES, period))
    assert_same(computed_from_sheets(tables), want, rel=1e-15)
    assert len(tables["checkins"]) > 20 and len(tables["actuals"]) > 20
    # openpyxl: numbers are numbers, dates are dates, nothing is a formula
    xl = openpyxl.load_workbook(book)
    assert xl.sheetnames == SHEETS
    checkins = xl["checkins"]
    for row in checkins.iter_rows(min_row=2):
        assert row[1].is_date and isinstance(row[1].value, dt.datetime)
        assert row[2].data_type == "n"
    kr = xl["key_results"]
    assert {c.data_type for c in kr["H"][1:]} == {"n"}  # target
    for ws in xl.worksheets:
        assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_computed_columns_in_csv_equal_score_json(tmp_path: Path) -> None:
    out = tmp_path / "csv"
    export(EXAMPLES, "Q3", "--format", "csv", "--out", str(out))
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{s}.csv" for s in SHEETS)
    tables = {}
    for name in SHEETS:
        raw = (out / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        assert tuple(rows[0]) == COLUMNS[name]
        tables[name] = records(rows[0], rows[1:])

    def num(v: str) -> Any:
        try:
            return float(v)
        except ValueError:
            return v or None

    got = {
        k: [tuple(num(x) for x in row) for row in v]
        for k, v in computed_from_sheets(tables).items()
    }
    want = computed_from_json(score_json(EXAMPLES, "2026-Q3"))
    assert got == {k: [tuple(num(x) if isinstance(x, str) else x for x in row) for row in v]
                   for k, v in want.items()}  # fmt: skip
    assert tables["checkins"][0]["date"] == "2026-07-06"


def test_csv_is_byte_for_byte_reproducible(tmp_path: Path) -> None:
    export(EXAMPLES, "Q4", "--format", "csv", "--out", str(tmp_path / "a"))
    export(EXAMPLES, "Q4", "--format", "csv", "--out", str(tmp_path / "b"))
    for name in SHEETS:
        a = (tmp_path / "a" / f"{name}.csv").read_bytes()
        assert a == (tmp_path / "b" / f"{name}.csv").read_bytes()
        assert len(a.splitlines()) > 1


def test_formula_injection_is_defused(examples_copy: Path, tmp_path: Path) -> None:
    path = examples_copy / "okrs/2026/Q4/sales.yaml"
    text = path.read_text()
    hostile = {
        "Close the year as the mid-market leader": '\'=HYPERLINK("http://x.test","y")\'',
        "Sign twelve new mid-market logos": '"+1 more logo"',
        "Grow net new ARR booked from EUR 0 to EUR 3m": '"-5 days of churn"',
    }
    for old, new in hostile.items():
        text = text.replace(f"title: {old}", f"title: {new}")
    text = text.replace("owner: dana", 'owner: "@dana"', 1)
    path.write_text(text)
    book = tmp_path / "x.xlsx"
    export(examples_copy, "Q4", "--out", str(book))
    xl = openpyxl.load_workbook(book)
    titles = [c.value for c in xl["objectives"]["D"]] + [c.value for c in xl["key_results"]["E"]]
    assert '\'=HYPERLINK("http://x.test","y")' in titles
    assert "'+1 more logo" in titles and "'-5 days of churn" in titles
    assert "'@dana" in [c.value for c in xl["objectives"]["F"]]
    assert all(c.data_type != "f" for ws in xl.worksheets for row in ws.iter_rows() for c in row)
    export(examples_copy, "Q4", "--format", "csv", "--out", str(tmp_path / "c"))
    rows = list(csv.reader(io.StringIO((tmp_path / "c/objectives.csv").read_text("utf-8-sig"))))
    assert '\'=HYPERLINK("http://x.test","y")' in [r[3] for r in rows]


def test_workbook_without_the_extra_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "xlsxwriter", None)  # as if not installed
    result = CliRunner().invoke(
        app,
        ["export", "--repo", str(EXAMPLES), "--as-of", AS_OF, "--out", str(tmp_path / "x.xlsx")],
    )
    assert result.exit_code == 2
    assert 'pip install "okrbsc[xlsx]"' in result.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_export_as_a_subprocess_defaults_to_the_repos_reports(tmp_path: Path) -> None:
    repo = tmp_path / "strategy"
    shutil.copytree(EXAMPLES, repo)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "okrbsc", "export", "--repo", str(repo), "--as-of", AS_OF],
        capture_output=True, text=True, cwd=elsewhere, timeout=120,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "PYTHONPATH": str(ROOT / "src")},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "reports/2026-Q4.xlsx" in done.stdout
    assert (repo / "reports/2026-Q4.xlsx").read_bytes().startswith(b"PK")
    assert list(elsewhere.iterdir()) == []  # SPEC 12.3: the repo root's, wherever okrbsc runs


def test_lint_start_up_does_not_import_the_spreadsheet_packages(tmp_path: Path) -> None:
    code = (
        "import sys, okrbsc.cli\n"
        "from typer.testing import CliRunner\n"
        f"CliRunner().invoke(okrbsc.cli.app, ['lint', '--repo', {str(EXAMPLES)!r}])\n"
        "names = ('okrbsc.sheets', 'xlsxwriter', 'python_calamine', 'openpyxl')\n"
        "print([m for m in names if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT / "src")},
    )  # fmt: skip
    assert out.stdout.strip() == "[]"
