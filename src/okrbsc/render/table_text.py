"""Borderless tables as the exact text rich prints for them, without rich's layout.

rich lays out every cell of a table through several renderables (Padding, Text,
Lines, Segments): on a 1,000-team `status` that was most of the run, piped or on
a terminal. The tables `status` prints are all of one shape: no box, no padding
at the edges, one space either side of every inner column, fixed column widths,
a header row in the theme's header style, an unstyled title above. A cell is a
str or a Text with one style for all of it (no spans). For those this module
writes what rich writes:

* each cell cut into lines on words as rich cuts them (``rich/_wrap.py``'s
  ``divide_line``), its trailing spaces beyond the width dropped, each line
  padded to the column's width on the right (left-justified) or stripped and
  padded on the left (right-justified);
* a row as tall as its tallest cell: the others get blank lines below (the
  header's get them above, rich aligns a header to the bottom);
* every piece rich renders as one segment written as rich writes a segment:
  the style's codes, the text, a reset; the padding either side of a header
  cell is its own segment of the header's style.

It answers None wherever rich would do more: a word longer than its column
(rich folds it), a line that would have to be cut, a cell with spans, its own
justify, overflow or wrap setting, tabs, newlines and other control characters,
a zero-width joiner or variation selector (whose widths rich does not add up
character by character), a column 0 wide. The caller then lets rich print
that table. tests/test_table_text.py holds it to rich's bytes.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.text import Text

from okrbsc.render.fit import Cell, Column, cells

_WORD = re.compile(r"\s*\S+\s*")  # rich's word: leading spaces, the word, its trailing spaces
_TRAILING = re.compile(r"\s+$")
# Controls rich strips, expands or splits on; the joiner and selector whose widths it
# does not add up character by character.
_RICH_ONLY = re.compile("[\x00-\x1f\x7f-\x9f\u200d\ufe0f]")


class Ink:
    """The codes a console writes before and after a segment of each style.

    Worked out once per style by letting the console print one segment of it, so
    its colour system, NO_COLOR (colours dropped, bold kept) and theme all count.
    """

    def __init__(self, console: Any) -> None:
        self.plain = console is None or console.color_system is None
        self._console = console
        self._codes: dict[object, tuple[str, str]] = {}

    def __call__(self, style: object) -> tuple[str, str]:
        codes = self._codes.get(style)
        if codes is None:
            codes = self._codes[style] = ("", "") if self.plain else self._work_out(style)
        return codes

    def _work_out(self, style: object) -> tuple[str, str]:
        from rich.segment import Segment, Segments

        console = self._console
        with console.capture() as captured:
            segment = Segment("\0", console.get_style(style))
            console.print(Segments([segment]), end="", crop=False)
        before, _, after = captured.get().partition("\0")
        return before, after


PLAIN = Ink(None)
_INKS: weakref.WeakKeyDictionary[Any, Ink] = weakref.WeakKeyDictionary()


def ink_of(console: Any) -> Ink:
    """The (cached) :class:`Ink` of ``console``."""
    ink = _INKS.get(console)
    if ink is None:
        ink = _INKS[console] = Ink(console)
    return ink


def _cut(text: str, size: int) -> list[str] | None:
    """``text`` cut into lines as rich wraps it in ``size`` cells, trailing spaces
    beyond ``size`` dropped; None when a word or a line would not fit."""
    breaks: list[int] = []
    offset = 0
    for match in _WORD.finditer(text):
        word = match[0]
        length = cell_len(word.rstrip())
        if length > size:
            return None  # rich folds the word across lines
        if size - offset >= length:
            offset += cell_len(word)
        elif offset and match.start():
            breaks.append(match.start())
            offset = cell_len(word)
    lines = [text[a:b] for a, b in zip([0, *breaks], [*breaks, len(text)], strict=True)]
    for n, line in enumerate(lines):
        excess = len(line) - size
        if excess > 0:
            spaces = _TRAILING.search(line)
            if spaces is not None:
                lines[n] = line[: len(line) - min(excess, len(spaces[0]))]
        if cell_len(lines[n]) > size:
            return None  # rich would cut it
    return lines


def cell_lines(text: str, size: int, justify: str, wrap: bool) -> list[str] | None:
    """The lines rich shows of a cell's ``text`` in a column ``size`` cells wide."""
    if (not text.isprintable() or "\ufe0f" in text) and _RICH_ONLY.search(text):
        return None
    length = cells(text)
    if length <= size and (not wrap or len(text) <= size):  # one line, the common case
        if justify == "left":
            return [text + " " * (size - length)]
        stripped = text.rstrip()
        length = length if len(stripped) == len(text) else cells(stripped)
        return [" " * (size - length) + stripped] if justify == "right" else None
    lines = _cut(text, size) if wrap else None
    if lines is None:
        return None
    if justify == "left":
        return [line + " " * (size - cells(line)) for line in lines]
    if justify == "right":
        return [" " * (size - cells(s)) + s for s in (line.rstrip() for line in lines)]
    return None


def _content(cell: Cell) -> tuple[str, object] | None:
    """(text, style) of a cell of one style; None for a Text rich would treat otherwise."""
    if not isinstance(cell, Text):
        return cell, ""
    if cell.spans or cell.justify or cell.overflow or cell.no_wrap is not None:
        return None
    return (cell.plain, cell.style) if cell.end == "\n" else None


def _title(title: Text, width: int, ink: Ink) -> list[str] | None:
    """The title's lines, each ``width`` wide (rich ignores title_style for a Text)."""
    if not title.plain:
        return []
    if title.justify or title.overflow or title.no_wrap is not None or title.end != "\n":
        return None
    if not ink.plain and (title.spans or title.style):
        return None
    lines: list[str] = []
    for part in title.plain.split("\n"):
        cut = cell_lines(part, width, "left", wrap=True) if part else [" " * width]
        if cut is None:
            return None
        lines += cut
    return lines


NONE = ("", "")


def _painted(text: str, codes: tuple[str, str]) -> str:
    return f"{codes[0]}{text}{codes[1]}" if text and codes is not NONE and any(codes) else text


Layout = list[tuple[int, int, str, bool, int, int]]  # column, size, justify, wrap, pads


def _tall_row(
    cells: Sequence[tuple[list[str], tuple[str, str]]],
    layout: Layout,
    pad: tuple[str, str],
    header: bool,
) -> str:
    """A row of cells of several lines: shorter cells filled with blank lines (below,
    or above in the header: rich aligns a header to the bottom)."""
    height = max(len(lines) for lines, _ in cells)
    out: list[str] = []
    for n in range(height):
        for (lines, codes), (_, size, _, _, left, right) in zip(cells, layout, strict=True):
            at = n - (height - len(lines)) if header else n
            if at < 0 or at >= len(lines):
                out.append(_painted(" " * (left + size + right), pad))
                continue
            out.append(_painted(" " * left, pad) + _painted(lines[at], codes))
            out.append(_painted(" " * right, pad))
        out.append("\n")
    return "".join(out)


def _row(
    row: Sequence[Cell], layout: Layout, ink: Ink, header: tuple[str, str] | None
) -> str | None:
    """One row's text; ``header`` is the header's style codes, None in the body."""
    cells: list[tuple[list[str], tuple[str, str]]] = []
    tall = header is not None
    for i, size, justify, wrap, _, _ in layout:
        cell = row[i]
        content = (cell, "") if isinstance(cell, str) else _content(cell)
        if content is None:
            return None
        lines = cell_lines(content[0], size, justify, wrap)
        if lines is None:
            return None
        tall = tall or len(lines) > 1
        style = content[1]
        cells.append((lines, header or (ink(style) if style else NONE)))
    if tall:
        return _tall_row(cells, layout, header or NONE, header is not None)
    parts = [  # one line of unstyled padding around each cell: the common row, fast
        f"{' ' * left}{codes[0]}{lines[0]}{codes[1]}{' ' * right}"
        for (lines, codes), (_, _, _, _, left, right) in zip(cells, layout, strict=True)
    ]
    return "".join(parts) + "\n"


def table_text(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    sizes: dict[int, int],
    title: Text,
    ink: Ink = PLAIN,
) -> str | None:
    """What rich prints for ``fit.build(columns, rows, sizes, title=title,
    title_justify="left", box=None, pad_edge=False)`` at its own width on a console
    that writes styles with ``ink``; None when that needs rich (see above)."""
    if not sizes or min(sizes.values()) < 1:
        return None
    width = sum(sizes.values()) + 2 * (len(sizes) - 1)
    heading = _title(title, width, ink)
    last = len(sizes) - 1
    layout = [
        (i, size, columns[i].justify, columns[i].wrap, int(j > 0), int(j < last))
        for j, (i, size) in enumerate(sizes.items())
    ]
    head = _row([c.name for c in columns], layout, ink, ink("table.header"))
    if heading is None or head is None:
        return None
    out = [*(line + "\n" for line in heading), head]
    for row in rows:
        text = _row(row, layout, ink, None)
        if text is None:
            return None
        out.append(text)
    return "".join(out)
