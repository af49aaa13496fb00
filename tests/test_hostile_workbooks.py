"""Untrusted workbooks (SPEC 13.2): a zip bomb, a billion-laughs sharedStrings.xml, an
external link and a macro are each refused with a message before any parser reads them,
in a process whose memory is capped, and nothing is written."""

from __future__ import annotations

import re
import resource
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app

from .conftest import EXAMPLES, ROOT

AS_OF = "2026-11-20"
MEMORY_CAP = 1 << 30  # 1 GiB of address space for the importing process

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">
<si><t>&lol9;</t></si></sst>
"""


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def book(tmp_path: Path) -> Path:
    out = tmp_path / "plan.xlsx"
    result = CliRunner().invoke(
        app, ["export", "Q4", "--repo", str(EXAMPLES), "--as-of", AS_OF, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out


def rebuilt(book: Path, name: str, replace: dict[str, bytes], add: dict[str, bytes]) -> Path:
    """The exported workbook with some parts replaced and some added."""
    out = book.with_name(name)
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info)))
        for part, data in add.items():
            dst.writestr(part, data)
    return out


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def refused(repo: Path, path: Path) -> str:
    """Import ``path`` in a memory-capped process: exit 1, a message, nothing written."""
    before = snapshot(repo)
    done = subprocess.run(
        [sys.executable, "-m", "okrbsc", "import", str(path), "--repo", str(repo),
         "--as-of", AS_OF],
        capture_output=True, text=True, timeout=300, preexec_fn=_cap_memory,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "PYTHONPATH": str(ROOT / "src")},
    )  # fmt: skip
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert snapshot(repo) == before
    return done.stderr


def test_a_zip_bomb_is_refused_by_its_declared_size(examples_copy: Path, book: Path) -> None:
    bomb = book.with_name("bomb.xlsx")
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet3.xml":
                dst.writestr(info.filename, src.read(info))
        with dst.open("xl/worksheets/sheet3.xml", "w", force_zip64=True) as part:
            zeros = b"0" * (1 << 20)
            for _ in range(200):  # 200 MiB of "0", about 200 KiB compressed
                part.write(zeros)
    assert bomb.stat().st_size < 2 << 20
    err = refused(examples_copy, bomb)
    assert "bomb.xlsx declares 200 MiB uncompressed, more than the 64 MiB" in err


def test_a_zip_bomb_under_the_budget_is_refused_by_its_ratio(
    examples_copy: Path, book: Path
) -> None:
    bomb = rebuilt(book, "dense.xlsx", {"xl/worksheets/sheet3.xml": b" " * (40 << 20)}, {})
    err = refused(examples_copy, bomb)
    assert "dense.xlsx!xl/worksheets/sheet3.xml compresses" in err and "zip bomb" in err


def test_billion_laughs_is_refused_never_expanded(examples_copy: Path, book: Path) -> None:
    with zipfile.ZipFile(book) as z:
        assert "xl/sharedStrings.xml" in z.namelist()
    laughs = rebuilt(book, "laughs.xlsx", {"xl/sharedStrings.xml": LAUGHS.encode()}, {})
    err = refused(examples_copy, laughs)
    assert "laughs.xlsx!xl/sharedStrings.xml declares a document type or an entity" in err


def test_an_external_link_is_refused(examples_copy: Path, book: Path) -> None:
    link = (
        b'<?xml version="1.0"?><externalLink xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><externalBook r:id="rId1" xmlns:r="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/relationships"/></externalLink>'
    )
    linked = rebuilt(book, "linked.xlsx", {}, {"xl/externalLinks/externalLink1.xml": link})
    err = refused(examples_copy, linked)
    assert "linked.xlsx links to other workbooks (xl/externalLinks/externalLink1.xml)" in err


def test_a_macro_is_refused(examples_copy: Path, book: Path) -> None:
    macro = rebuilt(book, "macro.xlsx", {}, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + bytes(508)})
    err = refused(examples_copy, macro)
    assert "macro.xlsx contains macros (xl/vbaProject.bin)" in err


@pytest.mark.parametrize("suffix", [".xlsm", ".xls", ".xlsb"])
def test_macro_and_old_formats_are_refused_by_name(
    examples_copy: Path, book: Path, suffix: str
) -> None:
    other = book.with_suffix(suffix)
    other.write_bytes(book.read_bytes())
    err = refused(examples_copy, other)
    assert f"plan{suffix} is a" in err and "save it as an Excel workbook (.xlsx)" in err


def test_a_file_that_is_not_a_zip_is_refused(examples_copy: Path, tmp_path: Path) -> None:
    fake = tmp_path / "fake.xlsx"
    fake.write_text("id,title\n")
    err = refused(examples_copy, fake)
    assert "fake.xlsx is not an .xlsx workbook" in err


# --- bounded by content, not by declared size (SPEC 12.3) ---------------------------------

PEAK_LIMIT_MIB = 256
TIME_LIMIT_S = 10.0


def far_cell_book(folder: Path, name: str, row: int, col: int, *, fmt: str | None = None,
                  value: float = 1, dimension: str | None = None,
                  ref: str | None = None) -> Path:  # fmt: skip
    """A small checkins workbook (xlsxwriter) with one more cell at (row, col), 0-based;
    ``dimension`` rewrites its `<dimension ref>`, ``ref`` the far cell's reference."""
    import xlsxwriter

    path = folder / name
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    sheet = book.add_worksheet("checkins")
    sheet.write_row(0, 0, ["key_result", "date", "value"])
    style = book.add_format({"num_format": fmt}) if fmt else None
    sheet.write_number(row, col, value, style)
    book.close()
    if dimension is None and ref is None:
        return path
    with zipfile.ZipFile(path) as src:
        parts = {info.filename: src.read(info) for info in src.infolist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    if dimension is not None:
        xml = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="{dimension}"/>', xml)
    if ref is not None:
        xml = re.sub(r'<c r="[A-Z]+[0-9]+"( s="[0-9]+")?><v>', f'<c r="{ref}"\\1><v>', xml)
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for part, data in parts.items():
            dst.writestr(part, data)
    return path


LAUNCHER = """
import json, resource, subprocess, sys, time
cap = 1 << 30  # a safety net: 1 GiB of address space for okrbsc
started = time.monotonic()
done = subprocess.run(sys.argv[2:], preexec_fn=lambda: resource.setrlimit(
    resource.RLIMIT_AS, (cap, cap)))
seconds = time.monotonic() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
json.dump({"code": done.returncode, "peak_kib": peak, "seconds": seconds}, open(sys.argv[1], "w"))
"""


def measured_refusal(repo: Path, path: Path) -> tuple[str, float, float]:
    """Import ``path`` as a process started by a small launcher (so its peak memory is
    its own, not a fork of this test process): exit 1, nothing written. Its stderr,
    peak memory (MiB) and seconds."""
    import json

    before = snapshot(repo)
    figures = path.with_suffix(".json")
    command = [sys.executable, "-m", "okrbsc", "import", str(path), "--repo", str(repo),
               "--as-of", AS_OF]  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", LAUNCHER, str(figures), *command],
        capture_output=True, text=True, timeout=300,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "PYTHONPATH": str(ROOT / "src")},
    )  # fmt: skip
    measured = json.loads(figures.read_text())
    peak, seconds = measured["peak_kib"] / 1024, measured["seconds"]
    assert measured["code"] == 1, done.stderr
    assert "Traceback" not in done.stderr and "panicked" not in done.stderr, done.stderr
    assert snapshot(repo) == before
    assert peak < PEAK_LIMIT_MIB, peak
    assert seconds < TIME_LIMIT_S, seconds
    print(f"\n{path.name}: {path.stat().st_size} bytes, peak {peak:.1f} MiB, {seconds:.2f} s")
    return done.stderr, peak, seconds


def test_one_cell_at_xfd1048576_is_refused_before_its_cells_are_read(
    examples_copy: Path, tmp_path: Path
) -> None:
    """Today's reader aborts the process (SIGABRT) on this 5 KB workbook."""
    path = far_cell_book(tmp_path, "far.xlsx", 1048575, 16383)
    assert path.stat().st_size < 8 << 10
    err, _, _ = measured_refusal(examples_copy, path)
    assert (
        "far.xlsx!checkins: its dimension A1:XFD1048576 makes its used range 1,048,576 rows "
        "by 16,384 columns; a sheet may have at most 100 columns: refused before its cells "
        "are read"
    ) in err


def test_one_cell_at_xfd6000_is_refused_before_its_cells_are_read(
    examples_copy: Path, tmp_path: Path
) -> None:
    """Today's reader takes 3.9 GB for this 5 KB workbook."""
    path = far_cell_book(tmp_path, "wide.xlsx", 5999, 16383)
    err, _, _ = measured_refusal(examples_copy, path)
    assert "wide.xlsx!checkins: its dimension A1:XFD6000 makes its used range 6,000 rows" in err


@pytest.mark.parametrize(
    ("name", "row", "col", "dimension", "ref", "says"),
    [
        ("lying.xlsx", 5, 2, "A1:C2", "XFD6000", "a cell at XFD6000 makes its used range 6,000"),
        ("letters.xlsx", 5, 2, "A1:C2", "ZZZZ2", "a cell at ZZZZ2 makes its used range"),
        (
            "deep.xlsx",
            100_000,
            0,
            None,
            None,
            "100,001 rows by 3 columns; a sheet may have at most 100,000 rows in a workbook "
            "under 1 MiB",
        ),
        ("area.xlsx", 99_999, 99, None, None, "at most 2,000,000 cells (rows x columns)"),
    ],
)
def test_a_used_range_too_large_by_its_dimension_or_its_cells_is_refused(
    examples_copy: Path, tmp_path: Path, name: str, row: int, col: int,
    dimension: str | None, ref: str | None, says: str,
) -> None:  # fmt: skip
    path = far_cell_book(tmp_path, name, row, col, dimension=dimension, ref=ref)
    assert path.stat().st_size < 1 << 20
    err, _, _ = measured_refusal(examples_copy, path)
    assert f"{name}!checkins: " in err and says in err, err


def test_a_used_range_inside_the_limits_is_read(examples_copy: Path, tmp_path: Path) -> None:
    """50,000 rows by 40 columns (2,000,000 cells): read, and no row of data in it."""
    path = far_cell_book(tmp_path, "edge.xlsx", 49_999, 39, value=0)
    result = CliRunner().invoke(
        app, ["import", str(path), "--repo", str(examples_copy), "--as-of", AS_OF, "--dry-run"]
    )
    assert "refused before its cells are read" not in result.stderr
    assert "edge.xlsx!checkins!A50000" in result.stderr  # the far row, read: no key_result


def test_a_panic_of_the_native_reader_is_an_error_naming_the_file(
    examples_copy: Path, tmp_path: Path
) -> None:
    """A date cell holding -1e308 makes python-calamine panic (PanicException)."""
    path = far_cell_book(tmp_path, "panic.xlsx", 1, 1, fmt="yyyy-mm-dd", value=-1e308)
    err, _, _ = measured_refusal(examples_copy, path)
    assert "panic.xlsx cannot be read as a workbook: the spreadsheet reader failed" in err
    assert "RUST_BACKTRACE" not in err and "pyo3_runtime" not in err


def test_too_many_shared_strings_are_refused(examples_copy: Path, book: Path) -> None:
    strings = b"".join(b"<si><t>%x</t></si>" % i for i in range(1_000_001))
    xml = (
        b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main">' + strings + b"</sst>"
    )
    many = rebuilt(book, "strings.xlsx", {"xl/sharedStrings.xml": xml}, {})
    err = refused(examples_copy, many)
    assert "strings.xlsx holds more than 1,000,000 shared strings: refused" in err


def _rebuilt_sheet(path: Path, edit: Callable[[str], str]) -> Path:
    with zipfile.ZipFile(path) as src:
        parts = {info.filename: src.read(info) for info in src.infolist()}
    parts["xl/worksheets/sheet1.xml"] = edit(parts["xl/worksheets/sheet1.xml"].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for part, data in parts.items():
            dst.writestr(part, data)
    return path


def test_cells_that_do_not_name_their_place_are_counted_in_order(
    examples_copy: Path, tmp_path: Path
) -> None:
    """101 cells in a row without `r`: the 101st is in column CW."""
    path = far_cell_book(tmp_path, "unnamed.xlsx", 1, 0)
    cells = "".join(f"<c><v>{i}</v></c>" for i in range(101))
    _rebuilt_sheet(path, lambda xml: xml.replace("</sheetData>", f"<row>{cells}</row></sheetData>"))
    err, _, _ = measured_refusal(examples_copy, path)
    assert "unnamed.xlsx!checkins: a cell at 3 makes its used range 3 rows by 101 columns" in err


def test_a_far_cell_behind_a_quoted_angle_bracket_is_still_found(
    examples_copy: Path, tmp_path: Path
) -> None:
    path = far_cell_book(tmp_path, "hidden.xlsx", 1, 0)
    far = '<row r="9"><c a=">" r="XFD9"><v>1</v></c></row>'
    _rebuilt_sheet(path, lambda xml: xml.replace("</sheetData>", far + "</sheetData>"))
    err, _, _ = measured_refusal(examples_copy, path)
    assert "hidden.xlsx!checkins: a cell at XFD9 makes its used range" in err


def test_a_dense_workbook_of_about_1_mib_is_read_within_the_bounds(
    examples_copy: Path, tmp_path: Path
) -> None:
    """14,000 rows by 20 columns (280,000 cells, ~1 MiB): read in full, each row an error
    at its cell (no such key result), within 256 MiB and 10 s."""
    import xlsxwriter

    path = tmp_path / "dense.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("checkins")
    sheet.write_row(0, 0, ["key_result", "date", "value"] + [f"c{i}" for i in range(17)])
    for r in range(1, 14_000):
        day = f"2026-10-{1 + r % 28:02d}"
        sheet.write_row(r, 0, [f"X{r % 50}.1", day, r % 97] + [(r * c) % 13 for c in range(17)])
    book.close()
    assert 900_000 < path.stat().st_size < 1.1 * (1 << 20)
    err, _, _ = measured_refusal(examples_copy, path)
    assert "dense.xlsx!checkins!C14000: X49.1: no such key result" in err


# --- more than 100,000 rows: only when held, in a workbook of 1 MiB or more ---------------


def _noise(path: Path, size: int) -> Path:
    """``path`` with an incompressible part of ``size`` bytes added (a larger file)."""
    import random

    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as dst:
        dst.writestr("xl/media/noise.bin", random.Random(7).randbytes(size))
    return path


def test_a_million_dense_tiny_rows_under_1_mib_are_refused_within_the_bounds(
    examples_copy: Path, tmp_path: Path
) -> None:
    """1,000,000 rows of one cell each (no `r`, ~25 MiB of XML) fit in 0.85 MiB: each row
    is held, but a workbook under 1 MiB may not have more than 100,000 of them."""
    import random

    digits = random.Random(7).choices("0123456789", k=1_000_000)
    rows = "".join(f"<row><c><v>{d}</v></c></row>" for d in digits)
    path = far_cell_book(tmp_path, "tiny.xlsx", 1, 0)
    _rebuilt_sheet(path, lambda xml: re.sub("<sheetData>.*</sheetData>",
                                            f"<sheetData>{rows}</sheetData>", xml))  # fmt: skip
    assert path.stat().st_size < 1 << 20
    err, _, _ = measured_refusal(examples_copy, path)
    assert (
        "tiny.xlsx!checkins: a cell at 100001 makes its used range 100,001 rows by 3 columns; "
        "a sheet may have at most 100,000 rows in a workbook under 1 MiB: refused before its "
        "cells are read"
    ) in err


@pytest.mark.parametrize("noise", [0, 1 << 20])
def test_rows_1_and_500000_are_refused_within_the_bounds(
    examples_copy: Path, tmp_path: Path, noise: int
) -> None:
    """Under 1 MiB the far row is refused as met; in a workbook of 1 MiB or more, once the
    sheet is streamed: 2 rows of 500,000 hold a cell."""
    path = far_cell_book(tmp_path, "sparse.xlsx", 499_999, 0)
    if noise:
        _noise(path, noise)
    err, _, _ = measured_refusal(examples_copy, path)
    if noise:
        says = (
            "sparse.xlsx!checkins: its used range is 500,000 rows by 3 columns and 2 of the "
            "rows hold a cell; a sheet may have more than 100,000 rows only when at least 9 "
            "in 10 of them hold a cell: refused before its cells are read"
        )
    else:
        says = "a sheet may have at most 100,000 rows in a workbook under 1 MiB: refused"
    assert says in err, err


def test_a_dimension_of_more_rows_than_are_held_is_refused(
    examples_copy: Path, tmp_path: Path
) -> None:
    """A workbook of 1 MiB or more whose dimension claims 600,000 rows it does not hold."""
    path = _noise(far_cell_book(tmp_path, "claims.xlsx", 1, 0, dimension="A1:C600000"), 1 << 20)
    err, _, _ = measured_refusal(examples_copy, path)
    assert "claims.xlsx!checkins: its used range is 600,000 rows by 3 columns and 2 of" in err


def test_more_than_100000_held_rows_in_a_workbook_of_1_mib_are_read(
    examples_copy: Path, tmp_path: Path
) -> None:
    """120,000 rows (one in ten without a cell: 9 in 10 hold one) in a 1.3 MiB workbook
    are read: the import's error is that it has no sheet to import, not the size."""
    import random

    import xlsxwriter

    path = tmp_path / "held.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("notes")
    rng = random.Random(7)
    for r in range(120_000):
        if r % 10 != 5:
            sheet.write_row(r, 0, [rng.randint(0, 10**6), rng.randint(0, 10**6)])
    book.close()
    assert path.stat().st_size >= 1 << 20
    result = CliRunner().invoke(
        app, ["import", str(path), "--repo", str(examples_copy), "--as-of", AS_OF, "--dry-run"]
    )
    assert "refused" not in result.stderr, result.stderr
    assert "no sheet named objectives, key_results, checkins, measures, actuals (sheets: " \
        "notes)" in result.stderr  # fmt: skip
