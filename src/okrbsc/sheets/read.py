"""Sheets read back: a workbook (python-calamine, after :mod:`.guard`), a folder of CSV
files or one CSV file, as :class:`Table`\\ s: the header, the data rows as the file
holds them, and the place of every cell for messages (``plan.xlsx!checkins!C14``,
``checkins.csv:14:3``)."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from okrbsc.errors import DataError, UsageError
from okrbsc.sheets.files import module

LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")


@dataclass
class Table:
    """One sheet as read: its header, data rows and the place of each cell."""

    name: str  # the sheet's name, lower case
    label: str  # `plan.xlsx!checkins` or `checkins.csv`
    header: list[str]
    rows: list[tuple[Any, ...]]
    lines: list[int]  # each data row's row number (xlsx) or line (CSV)
    workbook: bool = True
    decimal_comma: bool = False
    uncached: set[str] = field(default_factory=set)

    def where(self, row: int, col: int) -> str:
        if self.workbook:
            return f"{self.label}!{column_letter(col)}{self.lines[row]}"
        return f"{self.label}:{self.lines[row]}:{col + 1}"

    def header_where(self) -> str:
        return f"{self.label}!1:1" if self.workbook else f"{self.label}:1"


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_workbook(path: Path) -> list[Table]:
    """Every sheet of a workbook that passed :func:`okrbsc.sheets.guard.check`; a
    failure of the native reader (a Rust panic is a BaseException) is an error
    naming the file, and what the reader prints meanwhile is not shown."""
    from okrbsc.sheets.guard import check

    checked = check(path)
    calamine = module("python_calamine")
    failed = f"{path.name} cannot be read as a workbook"
    try:
        with _native_stderr_hidden():
            return _sheets(calamine, path, checked.uncached)
    except calamine.CalamineError as exc:
        raise DataError(f"{failed}: {exc}") from None
    except MemoryError:
        raise DataError(f"{failed}: it needs more memory than okrbsc allows") from None
    except BaseException as exc:
        if type(exc).__name__ != "PanicException":
            raise
        why = str(exc).splitlines()[0] if str(exc) else "no reason given"
        raise DataError(
            f"{failed}: the spreadsheet reader failed on it ({why}); open it in Excel or "
            "LibreOffice, check the cells (a date far out of range?), save and import again"
        ) from None


def _sheets(calamine: Any, path: Path, uncached: dict[str, list[str]]) -> list[Table]:
    book = calamine.CalamineWorkbook.from_path(str(path))
    tables = []
    for name in book.sheet_names:
        table = _table(name, f"{path.name}!{name}", _rows(book.get_sheet_by_name(name)), 1)
        table.uncached = set(uncached.get(name, []))
        tables.append(table)
    return tables


def _rows(sheet: Any) -> Iterator[list[Any]]:
    """The rows of a sheet from A1, one at a time (``to_python(skip_empty_area=False)``
    makes them all at once; ``iter_rows`` starts at row 1 but at the first used column)."""
    start = sheet.start
    before = [""] * (start[1] if start else 0)
    for row in sheet.iter_rows():
        yield before + row if before else row


@contextlib.contextmanager
def _native_stderr_hidden() -> Iterator[None]:
    """File descriptor 2 goes to a scratch file: a native panic prints a backtrace there."""
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no stderr at all
        yield
        return
    with tempfile.TemporaryFile() as scratch:
        os.dup2(scratch.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def _table(name: str, label: str, cells: Iterable[list[Any]], first: int) -> Table:
    """The header and the rows with a cell; a text, date, time or number cell equal to one
    seen before is that one (a check-in sheet repeats its ids, dates and notes by the
    thousand: one string each keeps an export of 250,000 rows in tens of MB)."""
    rows_in = iter(cells)
    header = [str(c).strip().lower() for c in next(rows_in, [])]
    texts: dict[Any, Any] = {}  # texts, dates and times (a date never equals a datetime)
    floats: dict[float, float] = {}  # only floats: never 1 for 1.0 or True, -0.0 for 0.0
    seen, number = texts.setdefault, floats.setdefault
    rows: list[tuple[Any, ...]] = []
    lines = []
    for at, row in enumerate(rows_in, start=first + 1):
        if any(c not in ("", None) for c in row):
            held: list[Any] = [
                seen(c, c) if type(c) in SHARED else number(c, c) if type(c) is float and c else c
                for c in row
            ]
            rows.append(tuple(held) + ("",) * (len(header) - len(row)))
            lines.append(at)
    return Table(name.strip().lower(), label, header, rows, lines)


SHARED = frozenset({str, dt.date, dt.datetime})


def read_csv(path: Path) -> Table:
    """A CSV file: UTF-8 with or without a byte-order mark, `,` `;` or tab separated."""
    raw = path.read_bytes()
    body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        column = exc.start - (body.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DataError(
            f"{path.name}:{line}:{column}: not UTF-8 (byte 0x{body[exc.start]:02x}): "
            "save it as CSV UTF-8"
        ) from None
    end = text.find("\n")
    delimiter = max((",", ";", "\t"), key=(text if end < 0 else text[:end]).count)
    # lines as io.StringIO(text, newline="") gives them, without its copy (4 bytes a character)
    reader = csv.reader((m[0] for m in LINE.finditer(text)), delimiter=delimiter)
    del raw, body
    starts: list[int] = []  # each record's first line (a quoted cell may span lines)

    def records() -> Iterator[list[str]]:
        line = 0
        for row in reader:
            starts.append(line + 1)
            yield row
            line = reader.line_num

    try:
        table = _table(path.stem, path.name, records(), 1)
    except csv.Error as exc:
        raise DataError(f"{path.name}:{reader.line_num}: {exc}") from None
    table.lines = [starts[number - 1] for number in table.lines]
    table.workbook = False
    table.decimal_comma = delimiter == ";"
    return table


def read_folder(path: Path) -> list[Table]:
    files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv" and p.is_file())
    if not files:
        raise DataError(f"{path}: no CSV files in this folder")
    return [read_csv(p) for p in files]


def load(path: Path) -> list[Table]:
    """FILE of `okrbsc import`: a workbook, a folder of CSV files, or one CSV file."""
    from okrbsc.sheets.guard import refuse_suffix

    if path.is_dir():
        return read_folder(path)
    if not path.is_file():
        from okrbsc.strategy.paths import LOOP, is_link_loop

        raise UsageError(f"{path}: {LOOP if is_link_loop(path) else 'no such file or folder'}")
    refuse_suffix(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [read_csv(path)]
    if suffix == ".xlsx":
        return read_workbook(path)
    raise UsageError(f"{path.name}: import reads an .xlsx workbook, a .csv file or a folder")
