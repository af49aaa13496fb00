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
* the cells of each sheet that hold a formula with no cached value are found
  here, so import can name them (a formula counts by its cached value).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO
from xml.etree import ElementTree

from okrbsc.errors import DataError

BUDGET = 64 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 10_000
CHUNK = 1 << 20
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
            return Checked(_uncached_cells(archive))
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
    with archive.open(info) as stream:
        tail = b""
        first = True
        while chunk := stream.read(CHUNK):
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


def _uncached_cells(archive: zipfile.ZipFile) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    names = set(archive.namelist())
    for sheet, part in sheet_parts(archive).items():
        if part in names:
            with archive.open(part) as stream:
                cells = _uncached_in(stream)
            if cells:
                out[sheet] = cells
    return out


def _uncached_in(stream: IO[bytes]) -> list[str]:
    found: list[str] = []
    for _, element in ElementTree.iterparse(stream, events=("end",)):
        if element.tag == f"{NS}c":
            formula = element.find(f"{NS}f")
            value = element.find(f"{NS}v")
            text_type = element.get("t") in ("str", "inlineStr")
            empty = value is None or (not value.text and not text_type)
            if formula is not None and empty:
                found.append(element.get("r", "?"))
            element.clear()
        elif element.tag == f"{NS}row":
            element.clear()
    return found
