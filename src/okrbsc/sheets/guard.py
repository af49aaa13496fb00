"""A workbook is untrusted (SPEC 13.2): checked before any parser reads it.

* the zip's members may declare at most :data:`BUDGET` bytes uncompressed in
  all, and none may compress more than :data:`MAX_RATIO` to 1 (a zip bomb);
  every member is then read here through :mod:`zipfile`, which stops at the
  declared size, so what a parser reads later is bounded too;
* no part may hold a document type declaration or an entity (billion laughs,
  external entities): they are refused, never expanded;
* macros (``vbaProject.bin``, macro sheets) and external links
  (``xl/externalLinks/``) are refused, as are ``.xlsm``, ``.xlsb`` and ``.xls``
  files;
* a sheet's used range (its ``<dimension ref>``, and the cells it holds, found
  by streaming the sheet's XML) may span at most :data:`MAX_COLUMNS` columns and
  :data:`MAX_CELLS` cells: the native reader holds every cell of the used range
  in memory (SPEC 12.3). It may span more than :data:`MAX_ROWS` rows only when
  those rows are really held: at least 9 in 10 of them hold a cell (counted while
  streaming), in a workbook of at least :data:`SMALL` bytes (under that size a
  workbook must keep okrbsc within 256 MiB and 10 s, SPEC 12.3);
* the shared strings may number at most :data:`MAX_STRINGS`;
* the cells of each sheet that hold a formula with no cached value are found
  here, so import can name them (a formula counts by its cached value).
"""

from __future__ import annotations

import re
import zipfile
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO
from xml.etree import ElementTree

from okrbsc.errors import DataError

BUDGET = 64 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 10_000
CHUNK = 1 << 20
MAX_ROWS = 100_000  # more only when held (HELD), in a workbook of SMALL bytes or more
HELD = (9, 10)  # the share of the used range's rows that must hold a cell beyond MAX_ROWS
SMALL = 1 << 20
MAX_COLUMNS = 100
MAX_CELLS = 2_000_000  # rows x columns of the used range: ~40 bytes each in the reader
MAX_STRINGS = 1_000_000
CELL_REF = re.compile(r"\$?([A-Za-z]+)\$?([0-9]+)")
NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
REFUSED_SUFFIXES = {
    ".xlsm": "a macro-enabled workbook (.xlsm)",
    ".xlsb": "a binary workbook (.xlsb)",
    ".xls": "an Excel 97-2003 workbook (.xls)",
    ".ods": "an OpenDocument spreadsheet (.ods)",
}


class UnsafeWorkbook(DataError):
    """The workbook was refused before it was parsed; nothing was written."""


@dataclass
class Checked:
    """What the checks found: each sheet's cells with a formula and no cached value."""

    uncached: dict[str, list[str]] = field(default_factory=dict)


def refuse_suffix(path: Path) -> None:
    what = REFUSED_SUFFIXES.get(path.suffix.lower())
    if what:
        raise UnsafeWorkbook(
            f"{path.name} is {what}: okrbsc reads .xlsx workbooks and CSV files only; "
            "save it as an Excel workbook (.xlsx) and import that"
        )


def check(path: Path) -> Checked:
    """Refuse an unsafe workbook (UnsafeWorkbook naming why); else what import must know."""
    refuse_suffix(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            _budget(path.name, members)
            _no_active_parts(path.name, members)
            for info in members:
                _scan(path.name, archive, info)
            rows = MAX_ROWS if path.stat().st_size < SMALL else MAX_CELLS
            return Checked(_uncached_cells(path.name, archive, rows))
    except zipfile.BadZipFile as exc:
        raise UnsafeWorkbook(f"{path.name} is not an .xlsx workbook (a zip file): {exc}") from None
    except (OSError, EOFError, ElementTree.ParseError) as exc:
        raise UnsafeWorkbook(f"{path.name} cannot be read as a workbook: {exc}") from None


def _budget(name: str, members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_MEMBERS:
        raise UnsafeWorkbook(f"{name} has {len(members)} parts (more than {MAX_MEMBERS}): refused")
    total = sum(i.file_size for i in members)
    if total > BUDGET:
        raise UnsafeWorkbook(
            f"{name} declares {total / 2**20:.0f} MiB uncompressed, more than the "
            f"{BUDGET // 2**20} MiB a workbook may hold: refused before reading it"
        )
    for info in members:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > CHUNK and ratio > MAX_RATIO:
            raise UnsafeWorkbook(
                f"{name}!{info.filename} compresses {ratio:.0f} to 1 (a zip bomb?): refused"
            )


def _no_active_parts(name: str, members: list[zipfile.ZipInfo]) -> None:
    for info in members:
        part = info.filename.lower()
        if part.endswith("vbaproject.bin") or "/macrosheets/" in part:
            raise UnsafeWorkbook(f"{name} contains macros ({info.filename}): refused")
        if part.startswith("xl/externallinks/"):
            raise UnsafeWorkbook(
                f"{name} links to other workbooks ({info.filename}): refused; "
                "copy the values in (Paste Special > Values) and save again"
            )


def _scan(name: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Read the whole member (bounded by its declared size); refuse DTDs and entities."""
    if info.is_dir():
        return
    strings = info.filename.lower() == "xl/sharedstrings.xml"
    count = 0
    with archive.open(info) as stream:
        tail = b""
        first = True
        while chunk := stream.read(CHUNK):
            if strings:
                count += (tail[-3:] + chunk).count(b"<si")
                if count > MAX_STRINGS:
                    raise UnsafeWorkbook(
                        f"{name} holds more than {MAX_STRINGS:,} shared strings: refused "
                        "before reading them"
                    )
            if first and chunk[:2] in (b"\xff\xfe", b"\xfe\xff"):
                raise UnsafeWorkbook(f"{name}!{info.filename} is not UTF-8 XML: refused")
            first = False
            if DECLARATION.search(tail + chunk):
                raise UnsafeWorkbook(
                    f"{name}!{info.filename} declares a document type or an entity: "
                    "refused (entities are never expanded)"
                )
            tail = chunk[-16:]


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part (``xl/worksheets/sheet1.xml``), from the workbook's relations."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{PKG_NS}Relationship")}
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    out: dict[str, str] = {}
    for sheet in book.iter(f"{NS}sheet"):
        target = targets.get(sheet.get(f"{REL_NS}id"), "")
        part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl", target))
        out[sheet.get("name", "")] = part
    return out


def _uncached_cells(name: str, archive: zipfile.ZipFile, rows: int) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    names = set(archive.namelist())
    for sheet, part in sheet_parts(archive).items():
        if part in names:
            with archive.open(part) as stream:
                cells = _sheet_cells(f"{name}!{sheet}", stream, rows)
            if cells:
                out[sheet] = cells
    return out


FIX = "(delete the far cells, or keep only the sheets to import)"


class _Extent:
    """The used range of a sheet so far; refused as soon as it is too large. ``limit``:
    the rows it may span (MAX_ROWS in a small workbook, else as many as it holds)."""

    def __init__(self, label: str, limit: int = MAX_ROWS) -> None:
        self.label, self.limit = label, limit
        self.rows = self.columns = 0

    def cover(self, row: int, column: int, what: str) -> None:
        if row <= self.rows and column <= self.columns:
            return
        self.rows, self.columns = max(self.rows, row), max(self.columns, column)
        if self.columns > MAX_COLUMNS:
            limit = f"at most {MAX_COLUMNS} columns"
        elif self.rows * self.columns > MAX_CELLS:
            limit = f"at most {MAX_CELLS:,} cells (rows x columns)"
        elif self.rows > self.limit:
            limit = f"at most {MAX_ROWS:,} rows in a workbook under 1 MiB"
        else:
            return
        raise UnsafeWorkbook(
            f"{self.label}: {what} makes its used range {self.rows:,} rows by "
            f"{self.columns:,} columns; a sheet may have {limit}: refused before its "
            f"cells are read {FIX}"
        )

    def held(self, rows: int) -> None:
        """The whole sheet streamed: more than MAX_ROWS rows must be held (hold a cell)."""
        if self.rows > MAX_ROWS and rows * HELD[1] < self.rows * HELD[0]:
            raise UnsafeWorkbook(
                f"{self.label}: its used range is {self.rows:,} rows by {self.columns:,} "
                f"columns and {rows:,} of the rows hold a cell; a sheet may have more than "
                f"{MAX_ROWS:,} rows only when at least 9 in 10 of them hold a cell: refused "
                f"before its cells are read {FIX}"
            )


def _position(ref: str | None) -> tuple[int, int] | None:
    found = CELL_REF.fullmatch(ref or "")
    if not found or len(ref or "") > 40:  # past any limit either way: read as far out
        return (MAX_CELLS + 1, 1) if found else None
    return int(found.group(2)), _column(found.group(1).upper())


def _column(letters: str | bytes) -> int:
    column = 0
    for letter in letters.encode() if isinstance(letters, str) else letters:
        column = column * 26 + letter - 64
    return column


_ATTRS = rb"""((?:[^>"']|"[^"]*"|'[^']*')*?)"""
_TAG = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?(?:(row)\b" + _ATTRS + rb">|(dimension)\b" + _ATTRS + rb"/?>"
    rb"|(c)\b" + _ATTRS + rb"(?:/>|>(.*?)</(?:[A-Za-z_][\w.-]*:)?c\s*>))",
    re.DOTALL,
)
_ATTR = re.compile(rb"""\b(r|t|ref)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REF = re.compile(rb"""\br\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f\b")
_VALUE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v\s*>\s*[^<\s]")


_P = rb"(?:[A-Za-z_][\w.-]*:)?"  # a namespace prefix
_ROW_END = re.compile(rb"</" + _P + rb"row\s*>")
_CELL_START = re.compile(rb"<" + _P + rb"c[\s/>]")
_CELL_REFS = re.compile(  # a `>` quoted in an attribute hides r: the counts differ, tag by tag
    rb"<" + _P + rb"""c\s[^>]*?\br\s*=\s*["']\$?([A-Za-z]{1,8})\$?([0-9]{1,12})["']"""
)
_PLAIN_CELL_REFS = re.compile(  # _CELL_REFS where no tag has a prefix
    rb"""<c\s[^>]*?\br\s*=\s*["']\$?([A-Za-z]{1,8})\$?([0-9]{1,12})["']"""
)
_DIMENSION = re.compile(rb"<" + _P + rb"dimension\b" + _ATTRS + rb"/?>")
_CELL_END = re.compile(rb"</" + _P + rb"c\s*>")


def _attrs(raw: bytes) -> dict[bytes, str]:
    return {m[1]: (m[2] or m[3] or b"").decode("utf-8", "replace") for m in _ATTR.finditer(raw)}


def _sheet_cells(label: str, stream: IO[bytes], rows: int = MAX_ROWS) -> list[str]:
    """Stream one sheet's XML in chunks (no tree is built, a regular expression finds
    the tags): refuse a used range beyond the limits (its dimension, then each cell as
    met, then the rows holding a cell); the cells holding a formula with no cached
    value. ``rows``: the rows the used range may span (see `_Extent`)."""
    scan = _SheetScan(label, rows)
    tail = b""
    while chunk := stream.read(CHUNK):
        tail = scan.feed(tail + chunk)
    scan.extent.held(scan.held)
    return scan.found


class _SheetScan:
    def __init__(self, label: str, rows: int = MAX_ROWS) -> None:
        self.extent = _Extent(label, rows)
        self.row = self.column = 0
        self.found: list[str] = []
        self.cells = 0
        self.held = self.top = 0  # rows holding a cell (each counted once, in order); the last

    def feed(self, data: bytes) -> bytes:
        """Take every whole row of ``data`` (the rest is returned): at C speed when its
        cells all name their place, else tag by tag (which also names a refused cell)."""
        ends = deque(_ROW_END.finditer(data, max(0, len(data) - CHUNK - 64)), maxlen=1)
        if not ends:
            return self._tags(data)
        part, rest = data[: ends[0].end()], data[ends[0].end() :]
        if not self._fast(part):
            self._tags(part)
        return rest

    def _fast(self, part: bytes) -> bool:
        """Cover the rows of ``part`` from its cell references alone; False (nothing
        taken) when a cell has none, a dimension is there, or a limit would be passed."""
        if b":c" in part:  # a cell tag may have a namespace prefix
            refs, count = _CELL_REFS.findall(part), len(_CELL_START.findall(part))
        else:  # the same, faster
            refs, count = _PLAIN_CELL_REFS.findall(part), part.count(b"<c")
            if count != part.count(b"<c "):  # a `<col`, or a `<c` and a tab, a `>`...
                count = sum(part.count(b"<c" + bytes([after])) for after in b" \t\n\r\f\v/>")
        if count != len(refs) or self.cells + count > MAX_CELLS:
            return False
        if b"dimension" in part:
            for match in _DIMENSION.finditer(part):
                _dimension(self.extent, _attrs(match[1]).get(b"ref", ""))
        if refs:
            letters, rows = zip(*refs, strict=True)
            distinct = {name.upper() for name in set(letters)}
            widest = max(map(len, distinct))
            columns = _column(max(name for name in distinct if len(name) == widest))
            extent = self.extent
            numbers = set(map(int, set(rows)))
            new_rows = max(extent.rows, max(numbers))
            new_columns = max(extent.columns, columns)
            too_many = new_rows * new_columns > MAX_CELLS
            if new_rows > extent.limit or new_columns > MAX_COLUMNS or too_many:
                return False
            extent.rows, extent.columns = new_rows, new_columns
            self.row, self.column = int(rows[-1]), _column(letters[-1].upper())
            self._count_held(numbers)
        self.cells += count
        if _FORMULA.search(part):
            for piece in _CELL_END.split(part):  # each piece ends with one cell's content
                if b"<f" in piece or b":f" in piece:
                    self._formula_cell(piece)
        return True

    def _count_held(self, numbers: set[int]) -> None:
        """Rows holding a cell: ``numbers``, the rows named by the cells of whole rows,
        past the last row counted so far (a row met again after it is not counted
        again: never more than the used range)."""
        top = self.top
        fresh = len(numbers) if min(numbers) > top else sum(1 for n in numbers if n > top)
        self.held, self.top = self.held + fresh, max(top, max(numbers))

    def _formula_cell(self, piece: bytes) -> None:
        start = max(piece.rfind(b"<c "), piece.rfind(b"<c>"), piece.rfind(b":c "))
        head, _, body = piece[start:].partition(b">")
        if not _FORMULA.search(body) or _VALUE.search(body):
            return
        attrs = _attrs(head)
        if not (attrs.get(b"t") in ("str", "inlineStr") and b"<v" in body):
            self.found.append(attrs.get(b"r") or "?")

    def _tags(self, data: bytes) -> bytes:
        """Take every whole tag of ``data``; the rest (a tag cut by the chunk) is returned."""
        done = 0
        for match in _TAG.finditer(data):
            done = match.end()
            if match[5] is not None:
                self._cell(match[6], match[7] or b"")
            elif match[1] is not None:
                given = _attrs(match[2]).get(b"r", "")
                self.row, self.column = (int(given) if given.isdigit() else self.row + 1), 0
            else:
                _dimension(self.extent, _attrs(match[4]).get(b"ref", ""))
        return data[done:]

    def _cell(self, raw: bytes, body: bytes) -> None:
        self.cells += 1
        found = _REF.search(raw)
        ref = (found[1] or found[2]).decode("ascii", "replace") if found else None
        at = _position(ref)
        self.row, self.column = at if at else (max(self.row, 1), self.column + 1)
        self.extent.cover(self.row, self.column, f"a cell at {ref or self.row}")
        if self.row > self.top:
            self.held, self.top = self.held + 1, self.row
        if self.cells > MAX_CELLS:
            raise UnsafeWorkbook(
                f"{self.extent.label} holds more than {MAX_CELLS:,} cells: refused before "
                "its cells are read"
            )
        if b"f" in body and _FORMULA.search(body) and not _VALUE.search(body):
            text_type = _attrs(raw).get(b"t") in ("str", "inlineStr") and b"<v" in body
            if not text_type:
                self.found.append(ref or "?")


def _dimension(extent: _Extent, ref: str) -> None:
    corners = [_position(part) for part in ref.split(":")]
    for corner in corners:
        if corner is not None:
            extent.cover(*corner, what=f"its dimension {ref}")
