"""The exported workbook opened by a real spreadsheet program: LibreOffice headless turns
it into a PDF whose text has the sheets' headers, titles and numbers. Skipped, loudly,
where LibreOffice is not installed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app

from .conftest import EXAMPLES

SOFFICE = shutil.which("soffice")
PDFTOTEXT = shutil.which("pdftotext")


@pytest.mark.skipif(
    SOFFICE is None or PDFTOTEXT is None,
    reason="LOUD SKIP: soffice (LibreOffice) or pdftotext (poppler) is not installed, "
    "so the export was not opened by a spreadsheet program",
)
def test_libreoffice_opens_the_export(tmp_path: Path) -> None:
    assert SOFFICE is not None and PDFTOTEXT is not None
    book = tmp_path / "acme.xlsx"
    result = CliRunner().invoke(
        app, ["export", "Q4", "--repo", str(EXAMPLES), "--as-of", "2026-11-20", "--out", str(book)]
    )
    assert result.exit_code == 0, result.output
    profile = (tmp_path / "profile").as_uri()  # our own LibreOffice profile: no clash
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(book)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    pdf = tmp_path / "acme.pdf"
    text = subprocess.run(
        [PDFTOTEXT, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    for expected in (
        "key_result", "confidence", "Close the year as the mid-market leader",
        "2026-11-16", "SL1.1", "F1-arr", "EUR m",
    ):  # fmt: skip
        assert expected in text, expected
    assert "#NAME?" not in text and "Err:" not in text  # no cell was taken for a formula
