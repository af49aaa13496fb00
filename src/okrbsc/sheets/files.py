"""Sheets written as files: a workbook (xlsxwriter) or UTF-8 CSV files.

Writing returns bytes; the command writes them atomically.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from okrbsc.errors import DataError, ExitCode
from okrbsc.sheets.table import Cell, Sheet

EXTRA = 'pip install "okrbsc[xlsx]"'
SHARES = frozenset({"progress", "score", "achievement"})  # computed fractions


class MissingExtra(DataError):
    exit_code = ExitCode.USAGE


def module(name: str) -> Any:
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError:
        raise MissingExtra(
            f"workbooks need the spreadsheet extra ({name} is not installed): {EXTRA}, "
            "or use CSV (--format csv, or a folder of CSV files)"
        ) from None


# --- writing ------------------------------------------------------------------------


def xlsx_bytes(sheets: list[Sheet], as_of: dt.date) -> bytes:
    """One workbook: a sheet per table, a bold frozen header, dates as dates."""
    xlsxwriter = module("xlsxwriter")
    buffer = io.BytesIO()
    options = {
        "in_memory": True,
        "strings_to_formulas": False,  # no cell is ever a formula (SPEC 13.1)
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    book = xlsxwriter.Workbook(buffer, options)
    book.set_properties({"created": dt.datetime.combine(as_of, dt.time())})
    bold = book.add_format({"bold": True})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    share = book.add_format({"num_format": "0.00"})  # shown rounded; the value is exact
    for sheet in sheets:
        page = book.add_worksheet(sheet.name)
        page.write_row(0, 0, sheet.header, bold)
        shares = {i for i, name in enumerate(sheet.header) if name in SHARES}
        for r, row in enumerate(sheet.rows, start=1):
            for c, cell in enumerate(row):
                _put(page, r, c, cell, day, share if c in shares else None)
        page.freeze_panes(1, 0)
        page.set_landscape()  # printed: one page wide, the header on every page
        page.fit_to_pages(1, 0)
        page.repeat_rows(0)
        page.autofilter(0, 0, max(len(sheet.rows), 1), len(sheet.header) - 1)
        _widths(page, sheet)
    book.close()
    return buffer.getvalue()


def _put(page: Any, r: int, c: int, cell: Cell, day: Any, share: Any) -> None:
    if cell is None:
        return
    if isinstance(cell, str):
        page.write_string(r, c, cell)
    elif isinstance(cell, dt.date):
        page.write_datetime(r, c, dt.datetime.combine(cell, dt.time()), day)
    else:
        page.write_number(r, c, cell, share)


def _widths(page: Any, sheet: Sheet) -> None:
    for c, name in enumerate(sheet.header):
        longest = max([len(name)] + [len(_text(row[c])) for row in sheet.rows[:200]])
        page.set_column(c, c, min(max(longest, 6), 60) + 1)


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, dt.date):
        return cell.isoformat()
    if isinstance(cell, float):
        return repr(cell)
    return str(cell)


def csv_bytes(sheet: Sheet) -> bytes:
    """UTF-8 with a byte-order mark, CRLF lines, dates YYYY-MM-DD: the same bytes every time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(sheet.header)
    writer.writerows([_text(cell) for cell in row] for row in sheet.rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
