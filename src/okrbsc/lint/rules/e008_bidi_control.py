"""An id or title holds a bidirectional override or isolate character.

U+202A to U+202E and U+2066 to U+2069 make text display in a different order
than it is stored ("Trojan Source", CVE-2021-42574): a title that reads
"Cut churn to 5%" in a review can hold something else, and two ids that look
the same can differ. okrbsc shows them escaped in terminals (`\\u202e`); in
a report, a pull request page or an editor they act. Write the text without
them (right-to-left scripts need none of these to display correctly).

Fails:

    title: "Grow revenue \\u202e%05 yb"

Passes:

    title: Grow revenue by 50%
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from pydantic import BaseModel

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.loader import Pos
from okrbsc.strategy.models import Node
from okrbsc.strategy.repo import Repo, SourceFile

CODE = "E008"
NAME = "bidi-control"
SEVERITY = Severity.WARNING
PER_FILE = True

BIDI = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
FIELDS = ("id", "title", "name", "team")


def check(repo: Repo) -> Iterator[Hit]:
    for file in repo.all_files:
        if file.model is not None and _may_hold(file.text):
            for node, key, value in _texts(file.model):
                yield from _hits(file, node, key, value)


def _may_hold(text: str) -> bool:
    """As is, or as a double-quoted escape (\\u202e, \\U0000202E). A text without a
    backslash is not searched for the two-character escapes: looking for one
    character is a memchr, for two a slower search (20 us on a 23 KB file)."""
    if "\\" in text and ("\\u" in text or "\\U" in text):
        return True
    return any(ch in text for ch in BIDI)


def _texts(node: BaseModel) -> Iterator[tuple[Node, str, str]]:
    """Every id, title and name in the model, with the node that holds it."""
    for key, value in node:
        if isinstance(value, str) and key in FIELDS and isinstance(node, Node):
            yield node, key, value
        elif isinstance(value, BaseModel):
            yield from _texts(value)
        elif isinstance(value, list | tuple | dict):
            items = value.values() if isinstance(value, dict) else value
            for item in items:
                if isinstance(item, BaseModel):
                    yield from _texts(item)


def _hits(file: SourceFile, node: Node, key: str, value: str) -> Iterator[Hit]:
    found = [ch for ch in value if ch in BIDI]
    if not found:
        return
    names = ", ".join(dict.fromkeys(f"U+{ord(ch):04X} {unicodedata.name(ch)}" for ch in found))
    msg = (
        f"{key} {value!r} holds {names}: it may display in another order than it reads "
        "(Trojan Source); remove it"
    )
    yield hit(file, _where(file, file.at(node, key), found[0]), msg)


def _where(file: SourceFile, pos: Pos, char: str) -> Pos:
    """The character itself when it is written as is on the value's line, else the value."""
    lines = file.text.splitlines()
    line, col = pos
    if 0 < line <= len(lines):
        index = lines[line - 1].find(char, col - 1)
        if index >= 0:
            return (line, index + 1)
    return pos
