"""Tables that never cut a cell (SPEC 10.8).

A table is fitted to a width: first at its natural width (every cell on one
line), then by wrapping its wrappable columns down to their floors, then by
dropping whole columns in their drop order; the caller says which were
dropped. Without a width (output that is not a terminal, no COLUMNS) every
row is printed whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.text import Text

Cell = Text | str


@dataclass(frozen=True)
class Column:
    name: str
    justify: str = "left"
    wrap: bool = False  # may wrap onto more lines, on words
    floor: int = 0  # narrowest a wrapping column is made (never below its longest word)
    drop: int = 0  # 0: always kept; otherwise dropped lowest number first


def _text(cell: Cell) -> str:
    return cell.plain if isinstance(cell, Text) else cell


def _natural(col: Column, cells: list[Cell]) -> int:
    lines = [line for c in cells for line in _text(c).split("\n")]
    return max([cell_len(col.name), *(cell_len(line) for line in lines)])


def _least(col: Column, cells: list[Cell]) -> int:
    natural = _natural(col, cells)
    if not col.wrap:
        return natural
    words = [w for c in cells for w in _text(c).split()] + col.name.split()
    longest = max([1, *(cell_len(w) for w in words)])
    return min(natural, max(longest, col.floor))


def choose(
    columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: int | None, gap: int
) -> list[int]:
    """Indexes of the columns kept to fit ``width`` (``gap`` cells between columns)."""
    kept = list(range(len(columns)))
    if width is None:
        return kept
    by_col = [[row[i] for row in rows] for i in range(len(columns))]
    least = [_least(c, by_col[i]) for i, c in enumerate(columns)]
    droppable = sorted((c.drop, i) for i, c in enumerate(columns) if c.drop)
    while sum(least[i] for i in kept) + gap * (len(kept) - 1) > width and droppable:
        kept.remove(droppable.pop(0)[1])
    return kept


def widths(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    kept: list[int],
    gap: int,
    width: int | None,
) -> dict[int, int]:
    """Each kept column's width: natural, then the widest wrapping column narrowed
    first, one cell at a time, until the table fits (or none can narrow further)."""
    by_col = {i: [row[i] for row in rows] for i in kept}
    out = {i: _natural(columns[i], by_col[i]) for i in kept}
    if width is None:
        return out
    least = {i: _least(columns[i], by_col[i]) for i in kept}
    excess = sum(out.values()) + gap * (len(kept) - 1) - width
    while excess > 0:
        narrowable = [i for i in kept if out[i] > least[i]]
        if not narrowable:
            break
        widest = max(narrowable, key=lambda i: (out[i] - least[i], out[i]))
        out[widest] -= 1
        excess -= 1
    return out


def build(
    columns: Sequence[Column], rows: Sequence[Sequence[Cell]], sizes: dict[int, int], **table: Any
) -> Any:
    """A rich Table of the sized columns; wrapping columns fold a word too long to fit."""
    from rich.table import Table

    out = Table(**table)
    for i, size in sizes.items():
        col = columns[i]
        out.add_column(
            col.name,
            justify=col.justify,  # type: ignore[arg-type]
            no_wrap=not col.wrap,
            overflow="fold",
            width=size,
        )
    for row in rows:
        out.add_row(*(row[i] for i in sizes))
    return out


def dropped_note(columns: Sequence[Column], kept: list[int], width: int | None) -> str | None:
    gone = [c.name for i, c in enumerate(columns) if i not in kept]
    if not gone:
        return None
    return f"Left out to fit {width} columns: {', '.join(gone)} (a wider window shows them)."


UNBOUNDED = 10_000  # a console this wide prints whole rows (not a terminal, no COLUMNS)


def fit_width(console: Any) -> int | None:
    """The width to fit, or None for whole rows."""
    width = int(console.width)
    return None if width >= UNBOUNDED else width


def fitted(
    console: Any,
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    *,
    boxed: bool = False,
    kept: list[int] | None = None,
    **table: Any,
) -> tuple[Any, int, list[int]]:
    """(table, width to print it at, kept columns) for ``console``."""
    width = fit_width(console)
    gap, edges = (3, 4) if boxed else (2, 0)
    room = None if width is None else width - edges
    if kept is None:
        kept = choose(columns, rows, room, gap)
    sizes = widths(columns, rows, kept, gap, room)
    total = sum(sizes.values()) + gap * (len(kept) - 1) + edges
    return build(columns, rows, sizes, **table), total, kept
