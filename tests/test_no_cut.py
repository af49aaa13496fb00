"""SPEC 10.8: `status` and the `score` table never cut a cell.

At COLUMNS=80, 120 and 160 every line fits and no cell ends in an ellipsis;
columns that do not fit are dropped whole, and the output says which. Piped
without COLUMNS, every row is whole: each key result's title on one line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.text import Text

from okrbsc.render.fit import Column, choose, widths

from .conftest import EXAMPLES, in_process, run_cli

OKRS_ONLY = Path(__file__).parent / "fixtures" / "okrs-only"
CASES = [(EXAMPLES, "2026-11-20"), (OKRS_ONLY, "2026-08-20")]


def okrbsc(*args: str, columns: int | None, process: bool = False) -> str:
    """okrbsc's stdout, COLUMNS set or not; as a real process writing to a pipe when
    ``process``, else run by Typer's runner in this process in the same environment
    (stdout is no terminal there either)."""
    env = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1"}
    if columns is not None:
        env["COLUMNS"] = str(columns)
    proc = (run_cli if process else in_process)(*args, env=env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def titles(repo: Path, as_of: str) -> list[str]:
    data = json.loads(
        okrbsc("score", "--repo", str(repo), "--as-of", as_of, "-f", "json", columns=None)
    )
    return [k["title"] for t in data["teams"] for o in t["objectives"] for k in o["key_results"]]


@pytest.mark.parametrize("command", ["status", "score"])
@pytest.mark.parametrize("columns", [80, 120, 160])
@pytest.mark.parametrize(("repo", "as_of"), CASES, ids=["examples", "okrs-only"])
def test_every_line_fits_and_no_cell_is_cut(
    command: str, columns: int, repo: Path, as_of: str
) -> None:
    out = okrbsc(command, "--repo", str(repo), "--as-of", as_of, columns=columns)
    assert "…" not in out
    too_wide = [line for line in out.splitlines() if cell_len(line.rstrip()) > columns]
    assert too_wide == []
    words = set(out.split())
    for title in titles(repo, as_of):  # wrapped, maybe, but every word of it there
        assert set(title.split()) <= words, title


def test_at_80_columns_status_says_which_columns_it_left_out() -> None:
    out = okrbsc("status", "--repo", str(EXAMPLES), "--as-of", "2026-11-20", columns=80)
    assert "Left out to fit 80 columns: now → end, trend, weeks, team" in " ".join(out.split())
    wide = okrbsc("status", "--repo", str(EXAMPLES), "--as-of", "2026-11-20", columns=160)
    assert "Left out" not in wide and "trend" in wide and "weeks" in wide


@pytest.mark.parametrize("command", ["status", "score"])
@pytest.mark.parametrize(("repo", "as_of"), CASES, ids=["examples", "okrs-only"])
def test_piped_without_columns_every_row_is_whole(command: str, repo: Path, as_of: str) -> None:
    out = okrbsc(command, "--repo", str(repo), "--as-of", as_of, columns=None, process=True)
    assert "…" not in out and "Left out" not in out
    lines = out.splitlines()
    for title in titles(repo, as_of):
        assert any(title in line for line in lines), title


# --- the fitting itself, by hand -----------------------------------------------------------


COLS = (
    Column("id"),
    Column("title", wrap=True, floor=6),
    Column("a", drop=2),
    Column("b", drop=1),
)
ROWS = [["K1", "alpha beta gamma", "xxxx", "yy"], ["K2", "delta", "x", "yyyyy"]]
# natural widths: id 2, title 16, a 4, b 5; least: title 6 ("alpha", floor 6)


def test_choose_keeps_all_that_fit_and_drops_in_order() -> None:
    assert choose(COLS, ROWS, None, 2) == [0, 1, 2, 3]
    assert choose(COLS, ROWS, 2 + 6 + 4 + 5 + 3 * 2, 2) == [0, 1, 2, 3]  # 23: wrapping is enough
    assert choose(COLS, ROWS, 22, 2) == [0, 1, 2]  # b goes first
    assert choose(COLS, ROWS, 11, 2) == [0, 1]
    assert choose(COLS, ROWS, 3, 2) == [0, 1]  # never below the kept columns


def test_widths_narrow_the_wrapping_column_only() -> None:
    assert widths(COLS, ROWS, [0, 1, 2, 3], 2, None) == {0: 2, 1: 16, 2: 4, 3: 5}
    assert widths(COLS, ROWS, [0, 1, 2, 3], 2, 23) == {0: 2, 1: 6, 2: 4, 3: 5}
    assert widths(COLS, [[Text("K"), Text("a b"), "", ""]], [0, 1], 2, 40) == {0: 2, 1: 5}
