"""status's tables written without rich (render/table_text.py) are rich's, byte for byte.

Random tables of status's shape (borderless, fixed column widths, left- and
right-justified columns that wrap or not) with random cells (words of every
length, wide, combining and invisible characters, emoji, spaces at either end,
empty cells, styled and unstyled Text), random titles (unicode, longer than the
table), columns narrower than their text, on consoles of every kind status can
have (COLUMNS 40..200, colour systems, NO_COLOR, FORCE_COLOR, TERM=dumb, a
terminal or not): whenever `table_text` answers, the console prints exactly what
rich prints for the same table. It answers for the tables status prints.
"""

from __future__ import annotations

import io

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment, Segments
from rich.text import Text

from okrbsc.render.fit import Column, build
from okrbsc.render.table_text import cell_lines, ink_of, table_text

WORDS = ["a", "bc", "Metric", "improves", "T12O3K4", "0.40", "漢字", "e\u0301", "→", "█░│"]
WORDS += ["·", "—", "▅▆↓", "😀", "a-longer-word", "", "\xa0", "ünïcödé", "\u2003", "\u200b"]
ODD = ["\t", "\n", "\x1b", "\x85", "\u200d", "\ufe0f", "x" * 30]  # declined
SPACES = st.sampled_from([" ", " ", " ", "  ", ""])
TEXT = st.lists(st.tuples(st.sampled_from(WORDS), SPACES), max_size=7).map(
    lambda parts: "".join(w + s for w, s in parts)
)
ODD_TEXT = st.tuples(TEXT, st.sampled_from(ODD), TEXT).map("".join)
STYLES = ["", "bold", "bold red", "green", "yellow", "dim", "red", "italic on blue"]
CELL = st.one_of(TEXT, st.builds(Text, TEXT, style=st.sampled_from(STYLES)))
ODD_CELL = st.one_of(
    ODD_TEXT,
    st.builds(Text, ODD_TEXT, style=st.sampled_from(STYLES)),
    st.builds(lambda t: Text.assemble(("x", "bold"), t), TEXT),  # spans
    st.builds(lambda t: Text(t, justify="right"), TEXT),  # a justify of its own
)
COLUMN = st.builds(
    Column,
    name=st.sampled_from(["id", "key result", "now → end", "conf.", "a b c", "värde", "漢"]),
    justify=st.sampled_from(["left", "right"]),
    wrap=st.booleans(),
)
ENV = st.fixed_dictionaries(
    {},
    optional={
        "NO_COLOR": st.just("1"),
        "FORCE_COLOR": st.just("1"),
        "TERM": st.sampled_from(["xterm-256color", "dumb", "xterm"]),
        "COLORTERM": st.just("truecolor"),
    },
)


def _plain(cell: object) -> str:
    return cell.plain if isinstance(cell, Text) else str(cell)


def console(out: io.StringIO, env: dict[str, str], width: int, system: str, tty: bool) -> Console:
    """A console set up as okrbsc's (cli/options.py), in the environment ``env``."""
    return Console(
        file=out,
        width=width,
        color_system=system,  # type: ignore[arg-type]
        force_terminal=True if tty else None,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=False,
        _environ=env,
    )


def printed(
    how: str, columns: list[Column], rows: list[list[object]], sizes: dict[int, int], **kw: object
) -> tuple[str, str | None]:
    """What a console prints for the table: through rich, or through table_text."""
    title = kw.pop("title")
    assert isinstance(title, Text)
    out = io.StringIO()
    con = console(out, **kw)  # type: ignore[arg-type]
    width = sum(sizes.values()) + 2 * (len(sizes) - 1)
    if how == "rich":
        table = build(
            columns, rows, sizes, title=title, title_justify="left", box=None, pad_edge=False
        )
        con.print(table, width=width)
        return out.getvalue(), None
    if width > con.width:  # a dumb terminal is 80 wide whatever it is told: status asks rich
        return out.getvalue(), None
    text = table_text(columns, rows, sizes, title, ink_of(con))
    if text is not None:
        con.print(Segments([Segment(text)]), crop=False)
    return out.getvalue(), text


def _words(text: str) -> int:
    """The widest word as rich wraps: the first with the spaces before it."""
    words = text.split()
    if words:
        words[0] = text[: len(text) - len(text.lstrip())] + words[0]
    return max([1, *(cell_len(w) for w in words)])


@settings(max_examples=500, deadline=None)
@given(st.data())
def test_table_text_is_what_rich_prints(data: st.DataObject) -> None:
    odd = data.draw(st.integers(0, 5)) == 0  # now and then a cell only rich can print
    columns = data.draw(st.lists(COLUMN, min_size=1, max_size=5))
    cell = st.one_of(CELL, CELL, CELL, ODD_CELL) if odd else CELL
    rows = data.draw(st.lists(st.lists(cell, min_size=len(columns), max_size=len(columns))))
    kept = data.draw(st.lists(st.sampled_from(range(len(columns))), min_size=1, unique=True))
    sizes = {}
    for i in sorted(kept):  # from the longest word (or 1) to a little wider than the text
        texts = [_plain(r[i]) for r in [[c.name for c in columns], *rows]]
        natural = max(cell_len(t) for t in texts)
        least = min(natural, max(_words(t) for t in texts)) if columns[i].wrap else natural
        least = 1 if odd else least  # narrower: rich cuts or folds, we decline
        sizes[i] = data.draw(st.integers(max(1, least), max(1, natural + 3)))
    need = sum(sizes.values()) + 2 * (len(sizes) - 1)
    assume(need <= 200)
    width = data.draw(st.integers(min_value=max(40, need), max_value=200))  # status's condition
    title = data.draw(st.one_of(TEXT, ODD_TEXT) if odd else TEXT)
    title = Text.assemble("\n", Text(title, style="bold" if odd else ""))
    setting = {
        "title": title,
        "env": data.draw(ENV) | {"COLUMNS": str(width)},
        "width": width,
        "system": data.draw(st.sampled_from(["auto", "standard", "256", "truecolor"])),
        "tty": data.draw(st.booleans()),
    }
    fast, text = printed("fast", columns, rows, sizes, **setting)
    texts = [title.plain, *(_plain(cell) for row in rows for cell in row)]
    wide = any(cell_len(c) > 1 for t in texts for c in t)  # a space after a wide one is cut
    folds = cell_len(title.plain) > need  # a title wider than the table: words may fold
    dumb = need > 80 and setting["tty"] and setting["env"].get("TERM") == "dumb"
    assert text is not None or odd or folds or wide or dumb  # declined only where rich cuts
    if text is not None:
        assert fast == printed("rich", columns, rows, sizes, **setting)[0]


STATUS_COLUMNS = [
    Column("id"),
    Column("key result", wrap=True, floor=20),
    Column("value", justify="right", wrap=True, floor=12),
    Column("conf.", justify="right"),
]
OBJECTIVE = ["T1O1", "Make the customer experience better", "0.73"]
STATUS_ROWS: list[list[object]] = [
    [*(Text(t, style="bold") for t in OBJECTIVE), ""],
    ["T1O1K1", Text("Metric number 1 improves"), Text("17.67 of 23 pct"), Text("0.40", "bold red")],
    ["T1O1K2", Text("Ship it · due 2026-09-30"), Text("no data (target 5)"), Text("–")],
]


def test_it_answers_for_status_tables_wrapped_or_not() -> None:
    """The fast path is taken for status's tables, on any console, whole or wrapped."""
    for sizes in ({0: 6, 1: 35, 2: 18, 3: 5}, {0: 6, 1: 20, 2: 12, 3: 5}):
        for system, tty, env in [
            ("truecolor", True, {}),
            ("standard", True, {"NO_COLOR": "1"}),
            ("auto", False, {}),
        ]:
            setting = {"title": Text("\nTeam 1 — 0.75 · check-ins 100% of weeks")}
            setting |= {"env": env, "width": 80, "system": system, "tty": tty}
            fast, text = printed("fast", STATUS_COLUMNS, STATUS_ROWS, sizes, **setting)
            assert text is not None
            assert fast == printed("rich", STATUS_COLUMNS, STATUS_ROWS, sizes, **setting)[0]
            tall = sizes[1] == 20
            assert (len(fast.splitlines()) > 2 + 1 + len(STATUS_ROWS)) == tall


def test_it_declines_what_only_rich_can_print() -> None:
    assert cell_lines("a-very-long-word", 5, "left", wrap=True) is None  # rich folds it
    assert cell_lines("too long", 5, "left", wrap=False) is None  # rich cuts it
    assert cell_lines("a\tb", 5, "left", wrap=False) is None  # rich expands the tab
    assert cell_lines("two words", 5, "left", wrap=True) == ["two  ", "words"]
    assert cell_lines("two words ", 5, "right", wrap=True) == ["  two", "words"]
