"""The borderless tables status prints without rich (render/fit.py) are rich's, byte for byte.

Random cells (wide, combining and invisible characters, spaces at either end,
text too long for its column) in random column widths: whenever `plain_table`
answers, its text is what rich prints for the same table; when it declines,
rich prints it.
"""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from okrbsc.render.fit import Column, build, plain_output, plain_table

PIECES = ["a", "b", "Z", "7", " ", "  ", "漢", "e\u0301", "→", "█"] * 8
PIECES += ["\t", "\n", "\xa0", "\x1b", "\u200b"]  # rarer: tab, newline, NBSP, ESC, ZWSP
TEXT = st.lists(st.sampled_from(PIECES), max_size=8).map("".join)
CELL = st.one_of(TEXT, TEXT.map(Text), TEXT.map(lambda t: Text(t, style="bold red")))
COLUMN = st.builds(
    Column,
    name=st.text("abc →", min_size=1, max_size=8),
    justify=st.sampled_from(["left", "right"]),
    wrap=st.booleans(),
)


def _plain(cell: object) -> str:
    return cell.plain if isinstance(cell, Text) else str(cell)


def rich_prints(
    columns: list[Column], rows: list[list[object]], sizes: dict[int, int], title: Text
) -> str:
    out = io.StringIO()
    console = Console(file=out, width=10_000, color_system=None, markup=False, emoji=False)
    table = build(columns, rows, sizes, title=title, title_justify="left", box=None, pad_edge=False)
    console.print(table, width=sum(sizes.values()) + 2 * (len(sizes) - 1))
    return out.getvalue()


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_plain_tables_are_what_rich_prints(data: st.DataObject) -> None:
    columns = data.draw(st.lists(COLUMN, min_size=1, max_size=4))
    rows = data.draw(
        st.lists(st.lists(CELL, min_size=len(columns), max_size=len(columns)), max_size=4)
    )
    kept = data.draw(st.lists(st.sampled_from(range(len(columns))), min_size=1, unique=True))
    slack = st.integers(min_value=-2, max_value=3)  # around the widest cell: fits or not
    sizes = {
        i: max(1, max(cell_len(_plain(r[i])) for r in [[c.name for c in columns], *rows]))
        + data.draw(slack)
        for i in sorted(kept)
    }
    title = Text.assemble("\n", Text(data.draw(TEXT.map(lambda t: t[:4])), style="bold"))
    text = plain_table(columns, rows, sizes, title)
    if text is not None:
        assert text == rich_prints(columns, rows, sizes, title)


def test_only_unstyled_output_that_fits_is_plain() -> None:
    assert plain_output(Console(file=io.StringIO(), width=80, color_system=None), 80)
    assert not plain_output(Console(file=io.StringIO(), width=79, color_system=None), 80)
    assert not plain_output(Console(file=io.StringIO(), width=80, color_system="truecolor"), 80)


def test_a_cell_that_wraps_is_left_to_rich() -> None:
    columns = [Column("id"), Column("key result", wrap=True)]
    title = Text("\nTeam")
    assert plain_table(columns, [["K1", "short"]], {0: 2, 1: 10}, title) is not None
    assert plain_table(columns, [["K1", "a longer title"]], {0: 2, 1: 10}, title) is None
