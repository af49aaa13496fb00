"""Untrusted workbooks (SPEC 13.2): a zip bomb, a billion-laughs sharedStrings.xml, an
external link and a macro are each refused with a message before any parser reads them,
in a process whose memory is capped, and nothing is written."""

from __future__ import annotations

import resource
import subprocess
import sys
import zipfile
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
