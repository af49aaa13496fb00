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


def cells(text: str) -> int:
    """rich's ``cell_len``: printable ASCII, the common case, is one cell a character
    (rich's own shortcut too) and is measured without a call into rich."""
    return len(text) if text.isascii() and text.isprintable() else cell_len(text)


def _natural(name: str, texts: set[str]) -> int:
    lines = (
        [line for t in texts for line in t.split("\n")] if any("\n" in t for t in texts) else texts
    )
    return max([cells(name), *map(cells, lines)])


def _least(col: Column, texts: set[str], natural: int) -> int:
    if not col.wrap:
        return natural
    words = {w for t in texts for w in t.split()} | set(col.name.split())
    longest = max([1, *map(cells, words)])
    return min(natural, max(longest, col.floor))


def _texts(rows: Sequence[Sequence[Cell]], i: int) -> set[str]:
    """The distinct texts of column ``i`` (repeated ones measured once)."""
    return {cell.plain if isinstance(cell := row[i], Text) else cell for row in rows}


def choose(
    columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: int | None, gap: int
) -> list[int]:
    """Indexes of the columns kept to fit ``width`` (``gap`` cells between columns)."""
    kept = list(range(len(columns)))
    if width is None:
        return kept
    least = []
    for i, col in enumerate(columns):
        texts = _texts(rows, i)
        least.append(_least(col, texts, _natural(col.name, texts)))
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
    by_col = {i: _texts(rows, i) for i in kept}
    out = {i: _natural(columns[i].name, by_col[i]) for i in kept}
    if width is None:
        return out
    least = {i: _least(columns[i], by_col[i], out[i]) for i in kept}
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
# status that was most of the run. render/table_text.py writes the text rich prints
# for status's borderless tables (box=None, pad_edge=False), styled or not, wrapped
# or not, and declines anything it cannot write exactly; rich prints that.
