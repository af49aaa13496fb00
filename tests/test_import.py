"""`okrbsc import` (SPEC 13.2): real workbooks written by the export and edited with
openpyxl the way Excel leaves them, CSV files as spreadsheets save them, a migration of
an outline sheet, and the round trip that changes no byte."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from okrbsc.cli import app
from okrbsc.strategy.repo import Repo

from .conftest import BASE, EXAMPLES, TESTS

AS_OF = "2026-11-20"
SALES = "okrs/2026/Q4/sales.yaml"


def cli(root: Path, *args: str, as_of: str = AS_OF) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--repo", str(root), "--as-of", as_of])
    return result.exit_code, result.stdout, result.stderr


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def exported(root: Path, out: Path, *args: str, as_of: str = AS_OF) -> Path:
    code, _, err = cli(root, "export", *args, "--out", str(out), as_of=as_of)
    assert code == 0, err
    return out


# --- the round trip ---------------------------------------------------------------------

REPOS = [
    (EXAMPLES, "2026-11-20"),
    *[(p, "2026-10-15") for p in sorted((TESTS / "fixtures").iterdir()) if p.is_dir()],
]


@pytest.mark.parametrize(("source", "as_of"), REPOS, ids=lambda v: getattr(v, "name", v))
def test_export_then_import_changes_no_byte(source: Path, as_of: str, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(source, root)
    before = snapshot(root)
    found = [str(p) for p in Repo.open(root, dt.date.fromisoformat(as_of)).periods]
    periods: list[str | None] = [*found] or [None]  # a scorecard alone: the default quarter
    for period in periods:
        given = () if period is None else (period,)
        name = period or "default"
        book = exported(root, tmp_path / f"{name}.xlsx", *given, as_of=as_of)
        folder = exported(root, tmp_path / f"{name}-csv", *given, "--format", "csv", as_of=as_of)
        for sheets in (book, folder):
            code, out, err = cli(root, "import", str(sheets), as_of=as_of)
            assert code == 0, (period, out, err)
            assert "0 added" in out and "0 restated" in out, out
            assert "unchanged" in out
    assert snapshot(root) == before


# --- a workbook edited as Excel leaves it -----------------------------------------------


@pytest.fixture
def repo(examples_copy: Path) -> Path:
    return examples_copy


@pytest.fixture
def book(repo: Path, tmp_path: Path) -> Path:
    return exported(repo, tmp_path / "plan.xlsx", "Q4")


def edit(path: Path, rows: list[list[Any]], sheet: str = "checkins") -> int:
    """Append rows as a person in Excel would; returns the row number of the first."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    first = ws.max_row + 1
    for row in rows:
        ws.append(row)
    wb.save(path)
    return first


def added_lines(before: bytes, after: bytes) -> list[str]:
    import difflib

    diff = difflib.ndiff(before.decode().splitlines(), after.decode().splitlines())
    lines = list(diff)
    assert not [d for d in lines if d.startswith("- ")]
    return [d[2:] for d in lines if d.startswith("+ ")]


def test_a_checkin_added_in_the_sheet_is_one_new_line(repo: Path, book: Path) -> None:
    before = (repo / SALES).read_bytes()
    edit(book, [["SL1.1", dt.datetime(2026, 11, 23), 1.8, 0.7, "two renewals signed"]])
    code, out, err = cli(repo, "import", str(book), as_of="2026-11-24")
    assert code == 0, err
    assert f"{SALES}:16: SL1.1 2026-11-23: added 1.8" in out
    assert added_lines(before, (repo / SALES).read_bytes()) == [
        "          - {date: 2026-11-23, value: 1.8, confidence: 0.7, note: two renewals signed}"
    ]
    code, out, _ = cli(repo, "import", str(book), as_of="2026-11-24")  # again: nothing new
    assert code == 0 and "0 added" in out


def test_dates_as_text_and_numbers_as_floats(repo: Path, book: Path) -> None:
    before = (repo / SALES).read_bytes()
    edit(book, [["SL1.2", "2026-11-23", 7.0, None, None], ["SL1.3", " 2026-11-23", "26.8", 0.5]])
    code, _, err = cli(repo, "import", str(book), as_of="2026-11-24")
    assert code == 0, err
    assert added_lines(before, (repo / SALES).read_bytes()) == [
        "          - {date: 2026-11-23, value: 7}",
        "          - {date: 2026-11-23, value: 26.8, confidence: 0.5}",
    ]


def _cache_formula(path: Path, cell: str, value: str) -> None:
    """Give a formula the cached value Excel stores when it saves (openpyxl cannot)."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet3.xml":
                text = data.decode()
                start = text.index(f'<c r="{cell}"')
                end = text.index("</c>", start)
                part = (
                    text[start:end]
                    .replace("<v />", f"<v>{value}</v>")
                    .replace("<v></v>", f"<v>{value}</v>")
                )
                data = (text[:start] + part + text[end:]).encode()
            dst.writestr(info, data)
    tmp.replace(path)


def test_a_formula_counts_by_its_cached_value(repo: Path, book: Path) -> None:
    row = edit(book, [["SL1.2", dt.date(2026, 11, 23), "=6+1", 0.6]])
    _cache_formula(book, f"C{row}", "7")
    code, out, err = cli(repo, "import", str(book), as_of="2026-11-24")
    assert code == 0, err
    assert "SL1.2 2026-11-23: added 7" in out


def test_a_formula_without_a_cached_value_is_an_error_at_its_cell(repo: Path, book: Path) -> None:
    before = snapshot(repo)
    row = edit(
        book, [["SL1.1", dt.date(2026, 11, 23), 1.8], ["SL1.2", dt.date(2026, 11, 23), "=6+1"]]
    )
    code, _, err = cli(repo, "import", str(book), as_of="2026-11-24")
    assert code == 1
    assert f"plan.xlsx!checkins!C{row + 1}: a formula with no computed value" in err
    assert snapshot(repo) == before  # all or nothing: the good row is not written either


def test_every_error_at_its_cell_and_nothing_written(repo: Path, book: Path) -> None:
    before = snapshot(repo)
    row = edit(
        book,
        [["SL1.1", "23/11/2026", 1.8], ["NOPE", "2026-11-23", 1], ["SL1.2", "2026-11-23", "seven"]],
    )
    code, _, err = cli(repo, "import", str(book), as_of="2026-11-24")
    assert code == 1
    assert f"plan.xlsx!checkins!B{row}: '23/11/2026' is not a date: write YYYY-MM-DD" in err
    assert f"plan.xlsx!checkins!C{row + 1}: NOPE: no such key result in this repo" in err
    assert f"plan.xlsx!checkins!C{row + 2}: 'seven' is not a number" in err
    assert snapshot(repo) == before


def test_a_restatement_needs_restate(repo: Path, book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    ws = wb["checkins"]
    target = next(
        r for r in ws.iter_rows(min_row=2) if r[0].value == "SL1.1" and r[2].value == 1.55
    )
    target[2].value = 1.6
    wb.save(book)
    before = (repo / SALES).read_bytes()
    code, out, _ = cli(repo, "import", str(book))
    assert code == 1 and "restated 1.55 -> 1.6 (not written: pass --restate)" in out
    assert (repo / SALES).read_bytes() == before
    code, out, _ = cli(repo, "import", str(book), "--restate")
    assert code == 0
    after = (repo / SALES).read_text()
    assert "{date: 2026-11-16, value: 1.6, confidence: 0.6}" in after
    assert after.count("\n") == before.decode().count("\n")


def test_definitions_are_compared_never_written(repo: Path, book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    wb["objectives"]["D2"] = "Be the leader"
    wb["key_results"]["H2"] = 4.0  # target of SL1.1 (3 in the file)
    wb["key_results"]["M3"] = None  # an empty weight is the default 1: no difference
    wb.save(book)
    edit(book, [["SL1.1", dt.date(2026, 11, 23), 1.8]])
    before = snapshot(repo)
    code, out, _ = cli(repo, "import", str(book), as_of="2026-11-24")
    assert code == 1
    assert (
        "plan.xlsx!objectives!D2: SL1 title is 'Be the leader' in the sheet, "
        "'Close the year as the mid-market leader' in the files "
        "(definitions change in the YAML, reviewed in a pull request)"
    ) in out
    assert "plan.xlsx!key_results!H2: SL1.1 target is 4 in the sheet, 3 in the files" in out
    assert "M3" not in out
    assert snapshot(repo) == before


def test_json_lists_changes_differences_and_errors(repo: Path, book: Path) -> None:
    edit(book, [["SL1.1", dt.date(2026, 11, 23), 1.8]])
    code, out, _ = cli(
        repo, "import", str(book), "--dry-run", "--format", "json", as_of="2026-11-24"
    )
    assert code == 0
    data = json.loads(out)
    assert data["errors"] == [] and data["differences"] == [] and data["created"] == []
    added = [c for c in data["changes"] if c["change"] == "added"]
    assert added == [{"id": "SL1.1", "kind": "key result", "path": SALES, "line": 16,
                      "date": "2026-11-23", "change": "added", "old": None, "new": 1.8,
                      "source": None}]  # fmt: skip


def test_a_missing_column_names_the_sheet(repo: Path, tmp_path: Path) -> None:
    path = tmp_path / "checkins.csv"
    path.write_text("key_result,day,value\nSL1.1,2026-11-23,1.8\n")
    code, _, err = cli(repo, "import", str(path))
    assert code == 1
    assert (
        "checkins.csv:1: sheet checkins has no column date (it needs key_result, date, value)"
        in err
    )


def test_a_workbook_without_the_extra_names_it(
    repo: Path, book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "python_calamine", None)
    code, _, err = cli(repo, "import", str(book))
    assert code == 2 and 'pip install "okrbsc[xlsx]"' in err


# --- CSV as spreadsheets save it --------------------------------------------------------


def test_csv_with_and_without_a_bom(repo: Path, tmp_path: Path) -> None:
    for i, bom in enumerate(("\ufeff", "")):
        path = tmp_path / str(i) / "checkins.csv"
        path.parent.mkdir()
        path.write_text(f"{bom}Key_Result,Value,Date,extra\r\nSL1.1,1.8,2026-11-2{3 + i},x\r\n")
        code, out, err = cli(repo, "import", str(path), as_of="2026-11-25")
        assert code == 0, err
        assert f"SL1.1 2026-11-2{3 + i}: added 1.8" in out


def test_semicolons_and_decimal_commas_are_read(repo: Path, tmp_path: Path) -> None:
    path = tmp_path / "checkins.csv"
    path.write_text("\ufeffkey_result;date;value;confidence\r\nSL1.1;2026-11-23;1,8;0,7\r\n")
    code, _, err = cli(repo, "import", str(path), as_of="2026-11-24")
    assert code == 0, err
    assert "{date: 2026-11-23, value: 1.8, confidence: 0.7}" in (repo / SALES).read_text()


def test_a_decimal_comma_in_a_comma_file_is_refused_at_its_cell(repo: Path, tmp_path: Path) -> None:
    path = tmp_path / "checkins.csv"
    path.write_text('key_result,date,value\nSL1.1,2026-11-23,1.8\nSL1.2,2026-11-23,"7,5"\n')
    before = snapshot(repo)
    code, _, err = cli(repo, "import", str(path), as_of="2026-11-24")
    assert code == 1
    assert "checkins.csv:3:3: '7,5' is not a number: write it with a decimal point (7.5)" in err
    assert snapshot(repo) == before


def test_actuals_from_a_csv(repo: Path, tmp_path: Path) -> None:
    path = tmp_path / "actuals.csv"
    path.write_text("measure,period,value\nF1-arr,2026-Q4,49.5\nF1-arr,2026-Q3,47.2\n")
    code, out, err = cli(repo, "import", str(path))
    assert code == 0, err
    assert "F1-arr 2026-Q4: added 49.5" in out and "1 unchanged" in out
    assert "2026-Q4: 49.5" in (repo / "scorecard.yaml").read_text()


# --- a migration --------------------------------------------------------------------------

OUTLINE = [
    ["#", "Title", "Type", "Owner", "Start", "Target", "Current", "Unit", "Done"],
    ["1", "Make every delivery boringly reliable", "Objective", "omar"],
    [1.1, "Cut late deliveries from 12% to 4%", "Key result", "omar", 12, 4, 9, "%"],
    [
        1.2,
        "Raise first-time-right installs from 80% to 95%",
        "Key result",
        "omar",
        80,
        95,
        None,
        "%",
    ],
    ["2", "Run the warehouse peak without overtime", "objective", "lena"],
    [
        "2.1",
        "Cut overtime hours from 900 to 300 a month",
        "key result",
        "lena",
        900,
        300,
        700,
        "hours",
    ],
    ["2.2", "Hire and train 12 seasonal pickers", None, "lena", 0, 12, 5, "people"],
    ["3", "Know our costs per order", None, "omar"],
    ["3.1", "Publish the cost-per-order dashboard", "KR", "omar", None, None, None, None, "no"],
    ["3.2", "Cut cost per order from EUR 9 to EUR 7", "kr", "omar", 9, 7, 8.5, "EUR"],
    ["4", "Keep every site safe", None, "lena"],
    ["4.1", "Go 90 days without a lost-time incident", None, "lena", 0, 90, 40, "days"],
    ["4.2", "Run a safety walk at every site", None, "lena", None, None, None, None, "yes"],
    ["5", "Make the team's work visible", None, "omar"],
    ["5.1", "Weekly ops review attended by 90% of leads", None, "omar", 50, 90, 70, "%"],
    ["5.2", "Share a one-page ops report every month", None, "omar", 0, 3, 1, "reports"],
]


def test_an_outline_sheet_becomes_a_team_file_that_lints_clean(repo: Path, tmp_path: Path) -> None:
    config = repo / "okrbsc.yaml"
    ops = "teams:\n  - {id: ops, name: Operations, parent: company}\n"
    config.write_text(config.read_text().replace("teams:\n", ops, 1))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "OKRs"
    for row in OUTLINE:
        ws.append(row)
    path = tmp_path / "okrs.xlsx"
    wb.save(path)
    args = ("import", str(path), "--layout", "outline", "--team", "ops", "--period", "2026-Q4")
    code, out, err = cli(repo, *args, "--dry-run")
    assert code == 0, err
    assert not (repo / "okrs/2026/Q4/ops.yaml").exists()
    code, out, err = cli(repo, *args)
    assert code == 0, err
    assert "okrs/2026/Q4/ops.yaml: new file" in out
    text = (repo / "okrs/2026/Q4/ops.yaml").read_text()
    assert text.startswith("kind: okrs\nteam: ops\nperiod: 2026-Q4\nobjectives:\n  - id: O1\n")
    assert "      - id: O3.1\n        title: Publish the cost-per-order dashboard\n" \
           "        kind: binary\n        done: false\n" in text  # fmt: skip
    assert "      - id: O1.2\n" in text and "    title: Make the team's work visible\n" in text
    code, out, _ = cli(repo, "lint", "--format", "json")
    findings = json.loads(out)["findings"] if out.strip().startswith("{") else json.loads(out)
    assert not [f for f in findings if f["severity"] == "error"], findings
    code, out, _ = cli(repo, *args)  # again: the file exists, definitions compared: none differ
    assert code == 0, out


def test_an_outline_for_a_team_missing_from_the_config_names_the_row(
    repo: Path, tmp_path: Path
) -> None:
    path = tmp_path / "okrs.csv"
    path.write_text("no,title\n1,Be great\n1.1,Score 10 of 10\n")
    before = snapshot(repo)
    code, _, err = cli(repo, "import", str(path), "--layout", "outline", "--team", "ops",
                       "--period", "2026-Q4")  # fmt: skip
    assert code == 1
    assert "okrs.csv:2:1: team 'ops' is not in okrbsc.yaml" in err
    assert snapshot(repo) == before


def test_new_team_files_from_the_okrbsc_layout(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    (tmp_path / "sheets").mkdir()
    (tmp_path / "sheets/objectives.csv").write_text(
        "id,team,period,title,type,aligns_to\nS1,sales,2026-Q4,Grow the pipeline,committed,A1\n"
    )
    (tmp_path / "sheets/key_results.csv").write_text(
        "id,objective,title,start,target,unit\nS1.1,S1,Grow pipeline to EUR 4m,2,4,EUR m\n"
    )
    (tmp_path / "sheets/checkins.csv").write_text(
        "key_result,date,value,confidence\nS1.1,2026-10-05,2.2,0.6\n"
    )
    code, out, err = cli(root, "import", str(tmp_path / "sheets"), as_of="2026-10-15")
    assert code == 0, (out, err)
    text = (root / "okrs/2026/Q4/sales.yaml").read_text()
    assert "    type: committed\n    aligns_to: [A1]\n" in text
    assert "          - {date: 2026-10-05, value: 2.2, confidence: 0.6}\n" in text


# --- tried as a new user would ----------------------------------------------------------


def test_a_checkin_from_the_sheet_is_one_line_in_git_diff(repo: Path, book: Path) -> None:
    from .conftest import commit_all, git

    git(repo, "init", "-q", "-b", "main")
    commit_all(repo, "Q4 plan", "Dana Okafor", "2026-11-16T09:00")
    edit(book, [["SL2.1", dt.date(2026, 11, 23), 0.9, 0.6, "renewal call done"]])
    code, _, err = cli(repo, "import", str(book), as_of="2026-11-24")
    assert code == 0, err
    numstat = git(repo, "diff", "--numstat").strip()
    assert numstat == f"1\t0\t{SALES}"
    patch = git(repo, "diff", "-U0")
    assert (
        "+          - {date: 2026-11-23, value: 0.9, confidence: 0.6, note: renewal call done}"
        in patch
    )
