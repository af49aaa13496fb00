"""A title that begins with `=`, spaces or a line break survives `export` then `import`
unchanged, in a workbook and in CSV (SPEC 12.3); a bad byte in a CSV file is named at
its line; a TRUE in a date cell says it is not a date (SPEC 12.3, messages)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import xlsxwriter
from typer.testing import CliRunner

from okrbsc.cli import app

from .conftest import BASE, run_cli

AS_OF = "2026-10-15"
SALES = "okrs/2026/Q3/sales.yaml"
TITLES = [
    "=SUM(A1:A2) pipeline",
    "   three spaces first",
    "\nA line break first",
    "+1 more logo",
    "-minus first",
    "@team first",
    "'quoted' first",
    "\tA tab first",
    "trailing spaces   ",
]


def cli(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--repo", str(root), "--as-of", AS_OF])
    return result.exit_code, result.stdout, result.stderr


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The base repo with objective titles and a key-result title that begin oddly."""
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    text = (root / SALES).read_text(encoding="utf-8")
    for old, new in zip(
        ("Win the mid-market", "Keep our best customers", "Make every rep a product expert"),
        TITLES[:3],
        strict=True,
    ):
        text = text.replace(f"title: {old}", f"title: {json.dumps(new)}")
    text = text.replace("title: Qualified pipeline", f"title: {json.dumps(TITLES[3])}")
    text = text.replace("{title: Win rate,", f"{{title: {json.dumps(TITLES[4])},")
    text = text.replace("{title: Sales cycle days,", f"{{title: {json.dumps(TITLES[5])},")
    text = text.replace("{title: Net revenue retention,", f"{{title: {json.dumps(TITLES[6])},")
    text = text.replace("{title: Gross churn,", f"{{title: {json.dumps(TITLES[7])},")
    text = text.replace("{title: Reference customers,", f"{{title: {json.dumps(TITLES[8])},")
    (root / SALES).write_text(text, encoding="utf-8")
    _, out, _ = cli(root, "lint", "--format", "json")
    findings = json.loads(out)["findings"]
    assert not [f for f in findings if f["code"] in ("E001", "E002")], out
    return root


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_titles_that_begin_oddly_survive_export_then_import(
    repo: Path, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / ("plan.xlsx" if fmt == "xlsx" else "plan-csv")
    code, _, err = cli(repo, "export", "2026-Q3", "--format", fmt, "--out", str(out))
    assert code == 0, err
    before = tree(repo)
    code, stdout, err = cli(repo, "import", str(out), "--format", "json")
    found = json.loads(stdout)
    assert found["differences"] == [] and found["errors"] == [], found
    assert code == 0, err
    assert tree(repo) == before


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_changed_odd_title_is_still_a_difference(repo: Path, tmp_path: Path, fmt: str) -> None:
    """The comparison is exact: a title that lost its first spaces differs."""
    out = tmp_path / ("plan.xlsx" if fmt == "xlsx" else "plan-csv")
    assert cli(repo, "export", "2026-Q3", "--format", fmt, "--out", str(out))[0] == 0
    text = (repo / SALES).read_text(encoding="utf-8")
    (repo / SALES).write_text(text.replace('"   three spaces first"', "three spaces first"))
    code, stdout, _ = cli(repo, "import", str(out), "--format", "json")
    differences = json.loads(stdout)["differences"]
    assert code == 1
    assert len(differences) == 1 and "S2 title is" in differences[0], differences


def test_a_bad_byte_in_a_csv_is_named_at_its_line(repo: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "checkins.csv"
    sheet.write_bytes(
        b"\xef\xbb\xbfkey_result,date,value\r\nS1.1,2026-07-20,2.5\r\nS1.1,2026-07-27,2\xff\r\n"
    )
    before = tree(repo)
    result = run_cli("import", str(sheet), "--repo", str(repo), "--as-of", AS_OF)
    assert result.returncode == 1, result.stderr
    assert "checkins.csv:3:18: not UTF-8 (byte 0xff)" in result.stderr
    assert tree(repo) == before


def test_true_in_a_date_cell_says_it_is_not_a_date(repo: Path, tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("checkins")
    sheet.write_row(0, 0, ["key_result", "date", "value"])
    sheet.write_string(1, 0, "S1.1")
    sheet.write_boolean(1, 1, True)
    sheet.write_number(1, 2, 2.5)
    book.close()
    before = tree(repo)
    result = run_cli("import", str(path), "--repo", str(repo), "--as-of", AS_OF)
    assert result.returncode == 1
    assert "plan.xlsx!checkins!B2: TRUE is a yes/no value, not a date" in result.stderr
    assert "1 is a number" not in result.stderr
    assert tree(repo) == before
