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


def _room(console: Any, boxed: bool) -> tuple[int | None, int, int]:
    """(the width inside the table's edges or None, cells between columns, edge cells)."""
    width = fit_width(console)
    gap, edges = (3, 4) if boxed else (2, 0)
    return (None if width is None else width - edges), gap, edges


def kept_columns(
    console: Any, columns: Sequence[Column], rows: Sequence[Sequence[Cell]], *, boxed: bool = False
) -> list[int]:
    """The columns :func:`fitted` keeps for ``rows`` on ``console``."""
    room, gap, _ = _room(console, boxed)
    return choose(columns, rows, room, gap)


def sized(
    console: Any,
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    *,
    boxed: bool = False,
    kept: list[int] | None = None,
) -> tuple[dict[int, int], int, list[int]]:
    """(each kept column's width, the table's width, kept columns) for ``console``."""
    room, gap, edges = _room(console, boxed)
    if kept is None:
        kept = choose(columns, rows, room, gap)
    sizes = widths(columns, rows, kept, gap, room)
    total = sum(sizes.values()) + gap * (len(kept) - 1) + edges
    return sizes, total, kept


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
    sizes, total, kept = sized(console, columns, rows, boxed=boxed, kept=kept)
    return build(columns, rows, sizes, **table), total, kept


# --- borderless tables without rich -----------------------------------------------
#
# Rich lays out every cell of a table through several renderables: on a 1,000-team
# status that is most of the run. A borderless table (box=None, pad_edge=False)
# printed without styles (no colour system: piped output, TERM=dumb) whose every
# cell is one printable line that fits its column is plain text: each cell padded
# to its column's width (a right-justified one stripped on the right first, as
# rich does), one space between columns, the title left-justified above. Anything
# else (colour, a cell that wraps, a Text with its own justify) is left to rich.


def plain_output(console: Any, width: int) -> bool:
    """Whether ``console`` prints a table ``width`` wide as unstyled, uncut text."""
    return console.color_system is None and width <= console.width


def _padded(cell: Cell, size: int, justify: str) -> str | None:
    """``cell`` as rich shows it on one line of ``size`` cells; None when it would not."""
    if isinstance(cell, Text):
        if cell.justify or cell.overflow or cell.no_wrap is not None:
            return None
        cell = cell.plain
    if len(cell) > size or not cell.isprintable() or cell_len(cell) > size:
        return None
    if justify == "left":
        return cell + " " * (size - cell_len(cell))
    if justify == "right":
        cell = cell.rstrip()
        return " " * (size - cell_len(cell)) + cell
    return None


def plain_table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    sizes: dict[int, int],
    title: Text,
) -> str | None:
    """The text rich prints for a borderless table of the sized columns under
    ``title``, or None when rich is needed (see above)."""
    width = sum(sizes.values()) + 2 * (len(sizes) - 1)
    heading = [_padded(line, width, "left") for line in title.plain.split("\n")]
    if not sizes or title.justify or None in heading:
        return None
    last = len(sizes) - 1
    spec = [
        (i, size, columns[i].justify, j > 0, j < last) for j, (i, size) in enumerate(sizes.items())
    ]
    lines: list[str] = [line for line in heading if line is not None]
    for row in [[c.name for c in columns], *rows]:
        parts = []
        for i, size, justify, left, right in spec:
            text = _padded(row[i], size, justify)
            if text is None:
                return None
            parts.append((" " if left else "") + text + (" " if right else ""))
        lines.append("".join(parts))
    return "\n".join(lines) + "\n"
