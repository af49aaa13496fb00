"""`okrbsc status` on a terminal shows the same cells as piped (issue 32).

Piped (no COLUMNS) every row is whole; on a terminal (FORCE_COLOR=1, COLUMNS
80 or 120, through the CLI: one case as a subprocess, the others in process) it
is coloured, long cells wrap onto more lines and columns may be dropped. With the
colour codes stripped, each table's rows are read back into cells by the columns' positions (the gaps
every line of the table leaves blank), a wrapped cell's lines joined: every
table, row and kept column holds the same text in the same order. A cell the
terminal ended with an ellipsis must be one longer than its column, and begin
with what the terminal showed.

And on a real terminal (a pty of 120, 70, 80 columns; NO_COLOR; 256 colours)
status prints the very bytes it printed when rich laid out every table.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from okrbsc.render.status import KR_COLUMNS, MEASURE_COLUMNS

from .conftest import EXAMPLES, ROOT, in_process, run_cli

ANSI = re.compile(r"\x1b\[[0-9;]*m")
WRAPS = {c.name for c in (*KR_COLUMNS, *MEASURE_COLUMNS) if c.wrap}
Row = dict[str, str]


def status(repo: Path, as_of: str, *args: str, env: dict[str, str], process: bool) -> str:
    """status's stdout with ``env`` added to a bare one: a real subprocess, or (not
    ``process``) in this process."""
    command = ["status", *args, "--repo", str(repo), "--as-of", as_of]
    bare = {"PATH": "/usr/bin:/bin", **env}
    proc = (run_cli if process else in_process)(*command, env=bare)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _is_header(line: str) -> bool:
    return (line.startswith("id ") and "key result" in line) or line.startswith("measure  ")


def blocks(out: str) -> list[tuple[str, list[str]]]:
    """(title, [header, row lines...]) of each table, colour codes stripped."""
    lines = ANSI.sub("", out).splitlines()
    found = []
    for at, line in enumerate(lines):
        if not _is_header(line):
            continue
        end = at + 1
        while end < len(lines) and lines[end].strip() and not lines[end].startswith("Left out"):
            end += 1
        found.append((lines[at - 1].strip(), lines[at:end]))
    return found


def spans(block: list[str]) -> list[tuple[int, int]]:
    """Each column's (start, end): runs of text between gaps of 2+ cells blank in every line."""
    width = max(len(line) for line in block)
    blank = [all(p >= len(line) or line[p] == " " for line in block) for p in range(width)]
    out: list[tuple[int, int]] = []
    p = 0
    while p < width:
        if blank[p]:
            p += 1
            continue
        start = p
        while p < width and not (blank[p] and (p + 1 >= width or blank[p + 1])):
            p += 1
        out.append((start, p))
    return out


def rows(block: list[str]) -> tuple[list[str], list[int], list[Row]]:
    """(column names, column widths, rows): a row starts where a column that never
    wraps has text; a wrapping cell's lines are joined with a space."""
    places = spans(block)
    names = [block[0][a:b].strip() for a, b in places]
    assert names == re.split(r" {2,}", block[0].strip()), "columns not read apart"
    found: list[Row] = []
    for line in block[1:]:
        cells = [line[a:b].strip() for a, b in places]
        starts = any(c for n, c in zip(names, cells, strict=True) if n not in WRAPS)
        if starts or not found:
            found.append(dict(zip(names, cells, strict=True)))
            continue
        for name, cell in zip(names, cells, strict=True):
            found[-1][name] = " ".join(filter(None, [found[-1][name], cell]))
    return names, [b - a for a, b in places], found


def same_cells(piped: str, terminal: str) -> int:
    """Asserts the terminal's tables hold the piped tables' cells; the rows it wrapped."""
    whole, shown = blocks(piped), blocks(terminal)
    assert [t for t, _ in shown] == [t for t, _ in whole]
    wrapped = 0
    for (_, a), (_, b) in zip(whole, shown, strict=True):
        names, _, want = rows(a)
        kept, sizes, got = rows(b)
        assert set(kept) <= set(names) and len(got) == len(want)
        wrapped += len(b) - len(got) - 1
        for row_want, row_got in zip(want, got, strict=True):
            for name, size in zip(kept, sizes, strict=True):
                text, seen = row_want[name], row_got[name]
                if seen.endswith("…"):  # cut: only a cell longer than its column
                    assert cell_len(text) > size and text.startswith(seen[:-1].rstrip())
                else:
                    assert " ".join(seen.split()) == " ".join(text.split())
    return wrapped


def _generated(root: Path) -> Path:
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks/generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate(root, 12)
    return root


@pytest.mark.parametrize("columns", ["80", "120"])
@pytest.mark.parametrize("repo", ["examples", "generated"])
def test_terminal_and_piped_status_show_the_same_cells(
    repo: str, columns: str, tmp_path: Path
) -> None:
    if repo == "examples":
        where, as_of, period = EXAMPLES, "2026-11-20", []
    else:
        where, as_of, period = _generated(tmp_path / "repo"), "2026-10-15", ["2026-Q3"]
    real = (repo, columns) == ("examples", "80")  # one case as real processes
    piped = status(where, as_of, *period, env={}, process=real)
    colour = {"FORCE_COLOR": "1", "COLUMNS": columns}
    terminal = status(where, as_of, *period, env=colour, process=real)
    assert "\x1b[" in terminal and "\x1b[" not in piped
    assert len(blocks(piped)) >= 2
    assert same_cells(piped, terminal) > 0  # some cells wrapped: the comparison saw them


def tables_written_as(text: str) -> str:
    """status's code with every table it writes itself written as ``text`` (None: by rich)."""
    return (
        f"import okrbsc.render.status as s; s.table_text = lambda *a, **k: {text!r}; "
        "from okrbsc.cli.app import main; main()"
    )


def on_a_pty(code: list[str], env: dict[str, str], columns: int) -> bytes:
    """What ``python code...`` writes to a real terminal ``columns`` wide."""
    import fcntl
    import os
    import struct
    import termios

    main, child = os.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    base = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT / "src"), "TERM": "xterm"}
    proc = subprocess.Popen(
        [sys.executable, *code], stdin=child, stdout=child, stderr=child, env=base | env
    )
    os.close(child)
    out = bytearray()
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:  # EIO: the terminal's last writer is gone
            break
        if not data:
            break
        out += data
    os.close(main)
    assert proc.wait(timeout=300) == 0, out.decode(errors="replace")[-2000:]
    return bytes(out)


@pytest.mark.parametrize(
    ("env", "columns"),
    [({}, 120), ({}, 70), ({"NO_COLOR": "1"}, 100), ({"TERM": "xterm-256color"}, 80)],
    ids=["120", "70", "NO_COLOR", "256-colour-80"],
)
def test_on_a_terminal_status_prints_what_rich_printed(env: dict[str, str], columns: int) -> None:
    """At 70 columns one table is wider than the terminal: rich prints that one."""
    args = ["status", "--repo", str(EXAMPLES), "--as-of", "2026-11-20", "--no-cache"]
    ours = on_a_pty(["-m", "okrbsc", *args], env, columns)
    assert b"\x1b[1m" in ours  # a terminal: bold even with NO_COLOR
    assert (b"\x1b[32m" in ours) == ("NO_COLOR" not in env)
    assert ours == on_a_pty(["-c", tables_written_as(None), *args], env, columns)
    marked = on_a_pty(["-c", tables_written_as("TABLE\n"), *args], env, columns)
    assert marked.count(b"TABLE\r\n") == 6 - (columns == 70)  # ours, not rich's, compared
