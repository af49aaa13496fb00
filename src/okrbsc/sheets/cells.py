"""One cell of an imported sheet read as the type its column wants, or a message why not.

Text cells lose the leading `'` that export adds (SPEC 13.1). Numbers may be
numbers or text; in a `;`-separated CSV (what a spreadsheet in a
decimal-comma locale saves) `0,5` is read as 0.5, and anywhere else a comma in
a number is refused with the fix. Dates may be dates or `YYYY-MM-DD` text. A
formula with no cached value is refused at its cell.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from typing import Any

from okrbsc.sheets.read import Table
from okrbsc.sheets.table import DANGEROUS

NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
COMMA_NUMBER = re.compile(r"[+-]?\d+,\d+")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
TRUE = {"true", "yes", "done", "x"}
FALSE = {"false", "no", "not done"}


class CellError(ValueError):
    """A cell that cannot be read; the message says what to write instead."""


def raw(table: Table, row: int, col: int) -> Any:
    """The cell's value; a formula without a cached value is an error."""
    value = table.rows[row][col]
    if table.workbook and value in ("", None) and _ref(table, row, col) in table.uncached:
        raise CellError(
            "a formula with no computed value: open and save the workbook in Excel or "
            "LibreOffice so it is computed, or type the value"
        )
    return value


def _ref(table: Table, row: int, col: int) -> str:
    return table.where(row, col).rsplit("!", 1)[-1]


def text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    found = str(value).strip()
    if found.startswith("'") and found[1:2] and found[1:2] in DANGEROUS:
        found = found[1:]  # the `'` export put before text a spreadsheet would run
    return found or None


def verbatim(value: Any) -> str | None:
    """Free text (a title, a name, a note) exactly as the cell holds it: its first
    spaces and line breaks are part of it (SPEC 12.3); only the `'` export put
    before text a spreadsheet would run is removed. Blank is empty."""
    if not isinstance(value, str):
        return text(value)
    if not value.strip():
        return None
    if value.startswith("'") and value[1:2] and value[1:2] in (*DANGEROUS, "'"):
        return value[1:]
    return value


def number(value: Any, decimal_comma: bool) -> float | int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, dt.date):
        raise CellError(f"{value.isoformat()} is a date, not a number")
    found = str(value).strip().replace("\u00a0", "")
    if decimal_comma and COMMA_NUMBER.fullmatch(found):
        found = found.replace(",", ".")
    if NUMBER.fullmatch(found):
        result = float(found)
        return int(result) if result.is_integer() and "." not in found else result
    if "," in found:
        raise CellError(
            f"{found!r} is not a number: write it with a decimal point ({found.replace(',', '.')})"
            "; a decimal comma is read only in a ';'-separated CSV file"
        )
    raise CellError(f"{found!r} is not a number")


def value(cell: Any, decimal_comma: bool) -> float | int | bool | None:
    """A check-in's or an actual's value: a number, or true/false for a binary key result."""
    if isinstance(cell, str) and cell.strip().lower() in TRUE | FALSE:
        return cell.strip().lower() in TRUE
    if isinstance(cell, bool):
        return cell
    return number(cell, decimal_comma)


_RANGE = re.compile(r"\[\s*([^,\]]+?)\s*,\s*([^,\]]+?)\s*\]")


def measure_value(
    cell: Any, decimal_comma: bool, *, range_ok: bool = False
) -> float | int | bool | str | tuple[float | int, float | int] | None:
    """A measure's actual, target or red flag (SPEC 15.1, 15.2): a number, true/false,
    a word, or (``range_ok``) a range `[LOW, HIGH]` as export writes it."""
    if isinstance(cell, bool):
        return cell
    with contextlib.suppress(CellError):
        return number(cell, decimal_comma)
    found = text(cell)
    bounds = _RANGE.fullmatch(found or "") if range_ok else None
    if bounds is not None:
        low, high = number(bounds[1], False), number(bounds[2], False)
        if low is not None and high is not None:
            return (low, high)
    return found


def date(cell: Any) -> dt.date | None:
    if cell is None or cell == "":
        return None
    if isinstance(cell, dt.datetime):
        if cell.time() != dt.time():
            raise CellError(f"{cell.isoformat(sep=' ')} has a time of day: give the date only")
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if isinstance(cell, bool):
        shown = "TRUE" if cell else "FALSE"
        raise CellError(f"{shown} is a yes/no value, not a date: write the date as YYYY-MM-DD")
    if isinstance(cell, int | float):
        raise CellError(
            f"{cell:g} is a number, not a date: format the cell as a date or write YYYY-MM-DD"
        )
    found = str(cell).strip()
    if ISO_DATE.fullmatch(found):
        try:
            return dt.date.fromisoformat(found)
        except ValueError:
            pass
    raise CellError(f"{found!r} is not a date: write YYYY-MM-DD")


def flag(cell: Any) -> bool | None:
    if cell is None or cell == "":
        return None
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, int | float) and cell in (0, 1):
        return bool(cell)
    found = str(cell).strip().lower()
    if found in TRUE | {"1"} or found in FALSE | {"0"}:
        return found in TRUE | {"1"}
    raise CellError(f"{cell!r} is not yes or no")
