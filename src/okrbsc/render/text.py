"""The one escaping rule for every line okrbsc prints to a terminal or a log (SPEC 12.2).

Text from a repo (titles, ids, notes, file names) reaches terminals, CI logs
and reviewers' screens. A control character in it could move the cursor,
conceal text, plant an OSC 8 hyperlink, set the window title, start a line of
its own (``::error …`` in a GitHub log), or reorder what a reader sees
(bidirectional overrides, "Trojan Source", CVE-2021-42574). :func:`visible`
shows each such character as a visible escape (``\\x1b``, ``\\n``,
``\\u202e``) instead of emitting it; every text renderer and the error
reporter pass data through it, and rich output wraps it in
:func:`rich_text`, so markup in data (``[bold]``) prints as written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.text import Text

BIDI_CONTROLS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)]  # LRE RLE PDF LRO RLO
    + [chr(c) for c in range(0x2066, 0x206A)]  # LRI RLI FSI PDI
)
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _unsafe(code: int) -> bool:
    return (
        code < 0x20  # C0, ESC included
        or 0x7F <= code <= 0x9F  # DEL and C1 (CSI, OSC, ST ... as single characters)
        or code in (0x2028, 0x2029)  # line and paragraph separators
        or 0xD800 <= code <= 0xDFFF  # lone surrogates: undecodable bytes of a file name
        or chr(code) in BIDI_CONTROLS
    )


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte kept by surrogateescape: show the byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: object, keep: str = "") -> str:
    """``text`` with every control, C1, separator and bidi control character escaped.

    ``keep`` names the characters a renderer lets through as themselves: only
    tab and newline, and only where the output is meant to span lines.
    """
    text = str(text)
    if text.isprintable():  # the common case, fast (no Cc, Cf, Zl, Zp, Cs character)
        return text
    return "".join(
        _escape(char) if _unsafe(ord(char)) and char not in keep else char for char in text
    )


def visible_lines(lines: list[str]) -> str:
    """One line per item, each escaped: a newline in data never starts a line."""
    return "\n".join(visible(line) for line in lines)


def rich_text(text: object, style: str = "", **options: object) -> Text:
    """A rich ``Text`` of escaped data: never parsed as markup or emoji codes."""
    from rich.text import Text

    return Text(visible(text), style=style, **options)  # type: ignore[arg-type]
