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

import json
import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

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


# --- Markdown ---------------------------------------------------------------------

# Characters that can open Markdown or HTML anywhere in a line: escapes, code spans,
# emphasis, links and images, tags and autolinks, table cells, strikethrough, GitHub
# math, headings, an `&` that starts an entity and the `:` of a bare `http://` link.
# A backslash before any ASCII punctuation is the literal character in CommonMark.
_MD_ANYWHERE = re.compile(r"([\\`*_\[\]<>!|~$#]|&(?=#?\w+;)|:(?=//))")
# At the start of a line, also lists, block quotes (escaped above), setext underlines,
# thematic breaks and ordered lists (`1.`); `www.` would be an extended autolink.
_MD_LINE_START = re.compile(r"^([-+=])(?=[ +=-]|$)|^(\d+)([.)])(?= |$)")
_WWW = re.compile(r"(www)\.", re.IGNORECASE)
# GitHub's e-mail autolinks (cmark-gfm) are found after parsing, in the text itself, so
# no escape stops them (`\@` and `&#64;` are an `@` by then). An `@` between a
# character of an address's local part and one of a domain gets an empty HTML comment
# before it: the text is then two runs and neither is an address; the comment shows
# nothing where HTML renders. (An `@` followed by a word joiner, as the rhythm's and
# check-in replies' Markdown write it against mentions, is no address already.)
_MAIL_AT = re.compile(r"(?<=[A-Za-z0-9.+_:-])@(?=[A-Za-z0-9._-])")
MD_BREAK = "<!-- -->"


def md_text(text: object) -> str:
    """Text from data, for Markdown: renders as exactly ``visible(text)`` and nothing else.

    One line (line breaks and control characters are shown escaped, as in text
    output), every character that could start markup backslash-escaped, so a
    title is never an image, link, tag, heading, list, code span, emphasis,
    strikethrough or an extra table cell -- in a table cell, a paragraph or a
    heading alike, under CommonMark and GitHub's renderer (with its autolinks of
    URLs, `www.` names and e-mail addresses) alike.
    """
    out = _MD_ANYWHERE.sub(r"\\\1", visible(text))
    out = _MD_LINE_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", out)
    out = _WWW.sub(r"\1\\.", out)
    if "@" in out:
        out = _MAIL_AT.sub(MD_BREAK + "@", out)
    stripped = out.lstrip(" ")  # four leading spaces would open a code block
    return "&#32;" * (len(out) - len(stripped)) + stripped


_PLAIN_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")


def md_code(text: object) -> str:
    """An identifier as a Markdown code span when it is plain; otherwise escaped text."""
    shown = str(text)
    return f"`{shown}`" if _PLAIN_CODE.match(shown) else md_text(shown)


# --- Mermaid ----------------------------------------------------------------------

# Mermaid's own entity codes (`#quot;`, `#35;`): `#` first, so the codes stay codes.
# `%` stops a `%%{init}%%` directive or a `%%` comment, a backtick a Markdown string,
# `&amp;` an HTML entity, `<` and `>` tags, `"` the end of the label.
_MERMAID = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "%": "#37;"}
_MERMAID |= {"`": "#96;", "&": "#38;", ":": "#58;"}  # `classDef x fill:#f00;` eats the `;`
_MERMAID["$"] = "#36;"  # `$$...$$` is KaTeX math in a label (`\href` and all): shown as text
_MERMAID_CHARS = re.compile(r'[#"<>%`:$]|&(?=#?\w+;)')  # `&` only where it opens an entity


def mermaid_label(text: object) -> str:
    """A double-quoted Mermaid string that shows exactly ``visible(text)``.

    The one label function of every Mermaid block (strategy maps, review maps,
    history charts): one line, control characters shown escaped, and every
    character Mermaid or the browser could act on written as Mermaid's entity
    code, so brackets, `:::`, `click` or `classDef` stay inside the quotes.
    """
    return '"' + _MERMAID_CHARS.sub(lambda m: _MERMAID[m[0]], visible(text)) + '"'


# --- JSON -------------------------------------------------------------------------

_SURROGATE = re.compile("[\ud800-\udfff]")


def json_text(data: Any, indent: int | None = 2) -> str:
    """``data`` as JSON that is valid UTF-8 whatever the file names hold (SPEC 12.2).

    A file name's bytes that are not UTF-8 reach okrbsc as lone surrogates
    (surrogateescape); each is written as the text ``\\xff`` (a backslash, x and
    the byte in hex), as text output shows it, instead of an unencodable character.
    """
    text = json.dumps(data, ensure_ascii=False) if indent is None else _indented(data, indent)
    return _SURROGATE.sub(_json_byte, text)


class _NotPlain(Exception):
    """A value :func:`_indented` leaves to the json module (which then says what is wrong)."""


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (math.inf, -math.inf):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


_SCALARS: dict[type, Callable[[Any], str]] = {
    str: json.encoder.encode_basestring,
    int: int.__repr__,
    float: _float,
    bool: lambda value: "true" if value else "false",
    type(None): lambda _: "null",
}


def _indented(data: Any, indent: int) -> str:
    """``json.dumps(data, indent=indent, ensure_ascii=False)``, the same text, without
    the json module's pure-Python generators (its C encoder does not indent): 16 MB of
    scores in a third of the time."""
    out: list[str] = []
    try:
        _write(data, "\n", " " * indent, out, {})
    except _NotPlain:
        return json.dumps(data, indent=indent, ensure_ascii=False)
    return "".join(out)


def _write(value: Any, newline: str, step: str, out: list[str], keys: dict[Any, str]) -> None:
    scalar = _SCALARS.get(type(value))
    if scalar is not None:
        out.append(scalar(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner, sep = newline + step, "{"
        for key, item in value.items():
            name = keys.get(key)  # the names of str keys, each written once
            if name is None:
                name = _key(key)
                if type(key) is str:
                    keys[key] = name
            out.append(f"{sep}{inner}{name}: ")
            sep = ","
            scalar = _SCALARS.get(type(item))
            if scalar is not None:
                out.append(scalar(item))
            else:
                _write(item, inner, step, out, keys)
        out.append(newline + "}")
    elif isinstance(value, list | tuple):
        if not value:
            out.append("[]")
            return
        inner, sep = newline + step, "["
        for item in value:
            out.append(sep + inner)
            sep = ","
            _write(item, inner, step, out, keys)
        out.append(newline + "]")
    else:
        _write_other(value, out)


def _write_other(value: Any, out: list[str]) -> None:
    """Subclasses of the JSON types, written as the json module writes them."""
    if isinstance(value, str):
        out.append(_SCALARS[str](value))
    elif isinstance(value, int) and not isinstance(value, bool):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(_float(value))
    else:
        raise _NotPlain


def _key(key: Any) -> str:
    """A dict key as the json module writes it: a string, or a number, true, false, null."""
    if isinstance(key, str):
        text = key
    elif isinstance(key, float):
        text = _float(key)
    elif key is True or key is False or key is None:
        text = _SCALARS[type(key)](key)
    elif isinstance(key, int):
        text = int.__repr__(key)
    else:
        raise _NotPlain
    return str(_SCALARS[str](text))


def _json_byte(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\\\u{code:04x}"


def count(number: int, noun: str, plural: str | None = None) -> str:
    """``1 file``, ``2 differences``: a count that agrees in number (SPEC 14.5)."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"
