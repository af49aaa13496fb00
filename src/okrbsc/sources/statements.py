"""A query is one statement (SPEC 12.3): text holding a second one never reaches the engine.

The text is split at each ``;`` that lies outside strings, quoted names and
comments, read the way the engine reads them:

* SQLite: ``'…'`` (``''`` inside), ``"…"``, ```…```, ``[…]``, ``--`` and
  ``/* */`` comments;
* PostgreSQL: ``'…'``, ``E'…'`` (backslash escapes), ``$tag$…$tag$``,
  ``"…"``, ``--`` and nested ``/* */`` comments;
* any other dialect: every reading above and MySQL's (backslash escapes in
  every quote, ``#`` comments, ``/*! … */`` that runs), and the text is
  refused when *any* reading finds a second statement.

This only counts statements; what a statement may do is the engine's to
refuse (read-only connections), never judged from its words.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

_DOLLAR = re.compile(r"\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$")
_WORD = re.compile(r"[A-Za-z0-9_$\u0080-\uffff]")


@dataclass(frozen=True)
class Lexis:
    """How one engine reads quotes and comments."""

    backslash: bool = False  # a backslash escapes the next character in every quote
    e_strings: bool = False  # E'…' has backslash escapes (PostgreSQL)
    dollar: bool = False  # $tag$…$tag$ (PostgreSQL)
    nested: bool = False  # /* /* */ */ nests (PostgreSQL)
    brackets: bool = False  # [name] (SQLite, SQL Server)
    backticks: bool = True
    hash_comments: bool = False  # MySQL
    bang_runs: bool = False  # MySQL runs the text of /*! … */


SQLITE = Lexis(brackets=True)
POSTGRESQL = Lexis(e_strings=True, dollar=True, nested=True, backticks=False)
_ANY = tuple(
    Lexis(b, True, d, n, k, True, h, True)  # every reading, MySQL's included
    for b, d, n, k, h in itertools.product((False, True), repeat=5)
)


def lexes_for(dialect: str) -> tuple[Lexis, ...]:
    if dialect == "sqlite":
        return (SQLITE,)
    if dialect == "postgresql":
        return (POSTGRESQL,)
    return _ANY


def statements(text: str, lexis: Lexis) -> int:
    """How many statements ``text`` holds, read with ``lexis``."""
    return len(_ends(text, lexis))


def first_end(text: str, lexis: Lexis) -> int:
    """Where the first statement ends: its closing ``;``, or the end of the text."""
    ends = _ends(text, lexis)
    return ends[0] if ends else len(text)


def _ends(text: str, lexis: Lexis) -> list[int]:
    """The end of each statement that holds more than spaces and comments."""
    ends: list[int] = []
    pending, i, n = False, 0, len(text)
    while i < n:
        ch = text[i]
        if ch == ";":
            if pending:
                ends.append(i)
            pending = False
            i += 1
        elif ch.isspace():
            i += 1
        elif text.startswith("--", i) or (lexis.hash_comments and ch == "#"):
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif text.startswith("/*", i) and not (lexis.bang_runs and text.startswith("/*!", i)):
            i = _comment_end(text, i, lexis.nested)
        else:
            pending = True
            i = _token_end(text, i, lexis)
    if pending:
        ends.append(n)
    return ends


def _comment_end(text: str, i: int, nested: bool) -> int:
    depth, i = 1, i + 2
    while i < len(text) and depth:
        if text.startswith("*/", i):
            depth, i = depth - 1, i + 2
        elif nested and text.startswith("/*", i):
            depth, i = depth + 1, i + 2
        else:
            i += 1
    return i


def _token_end(text: str, i: int, lexis: Lexis) -> int:
    """Where the token starting at ``i`` ends (a whole quoted string or name, or one character)."""
    ch = text[i]
    after_word = i > 0 and _WORD.match(text[i - 1]) is not None
    if ch in "Ee" and lexis.e_strings and text.startswith("'", i + 1) and not after_word:
        return _quote_end(text, i + 1, "'", backslash=True)
    if ch in "'\"" or (ch == "`" and lexis.backticks):
        return _quote_end(text, i, ch, backslash=lexis.backslash)
    if ch == "[" and lexis.brackets:
        end = text.find("]", i + 1)
        return len(text) if end < 0 else end + 1
    if ch == "$" and lexis.dollar and not after_word:
        tag = _DOLLAR.match(text, i)
        if tag is not None:
            end = text.find(tag.group(0), tag.end())
            return len(text) if end < 0 else end + len(tag.group(0))
    return i + 1


def _quote_end(text: str, i: int, quote: str, *, backslash: bool) -> int:
    """After the quote opening at ``i`` closes (a doubled quote stays inside)."""
    j = i + 1
    while j < len(text):
        if backslash and text[j] == "\\":
            j += 2
        elif text[j] == quote:
            if text.startswith(quote, j + 1):
                j += 2
            else:
                return j + 1
        else:
            j += 1
    return len(text)


def count(text: str, dialect: str) -> int:
    """The most statements any reading of ``dialect`` finds in ``text``."""
    return max(statements(text, lexis) for lexis in lexes_for(dialect))
