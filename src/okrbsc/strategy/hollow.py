"""Positions of a file the fast reader took, read again at a fraction of the cost.

A finding in a file read without positions has the positioned reader read it
again (`models.Sources`). Most of a real file's nodes sit in one-line flow
collections (a check-in: ``{date: 2026-07-06, value: 10.0, confidence: 0.7}``),
and composing them is most of the cost, while a finding rarely points inside
one. So the file is read again with the inside of each such collection made
spaces: ``{date: ..., value: ...}`` becomes ``{`` spaces ``}``, an empty
collection of the same width. Every other offset, line and column stays;
whether a ``{`` opens a flow collection depends on the text before it alone,
which is unchanged, and a collection holding no bracket, quote or ``#`` ends
at its first closing bracket, so the rest reads as before. Each made-empty
collection must then be found where it was made empty, as an empty mapping
or list; if one is not (the bracket was text), the file is read whole.

The inside of a made-empty collection is read (on its own, at its own line
and column) when it is first asked: :func:`fill` -- for a position asked of
a model, its mapping and the mappings and lists right under it; for a
mapping handed out (`Node.origin`), everything under it.
"""

from __future__ import annotations

import re
from typing import Any

from okrbsc.strategy.loader import PosDict, PosList, load_text

Holes = dict[int, int]
"""Each made-empty collection (by id) with the offset of its text, to read when asked."""

# A flow collection alone at the end of its line (a comment may follow), with
# nothing inside that could nest, quote or comment.
_LEAF_FLOW = re.compile(
    r"(?<= )(?:\{[^\[\]{}'\x22#\n]+\}|\[[^\[\]{}'\x22#\n]+\])(?= *(?:#[^\n]*)?$)", re.M
)


def read(text: str) -> tuple[PosDict | None, Holes]:
    """The positioned data of ``text``, its one-line flow collections left empty."""
    spans: dict[tuple[int, int], tuple[str, int]] = {}
    line, last = 1, 0

    def hollowed(match: re.Match[str]) -> str:
        nonlocal line, last
        start, found = match.start(), match.group()
        line += text.count("\n", last, start)
        last = start
        spans[line, start - text.rfind("\n", 0, start)] = found[0], start
        return found[0] + " " * (len(found) - 2) + found[-1]

    thin = _LEAF_FLOW.sub(hollowed, text)
    data = load_text(thin).data if spans else None
    holes = _holes(data, spans) if isinstance(data, PosDict) else None
    if holes is None:
        whole = load_text(text).data
        return (whole if isinstance(whole, PosDict) else None), {}
    return data, holes


def _holes(data: PosDict, spans: dict[tuple[int, int], tuple[str, int]]) -> Holes | None:
    """Each made-empty collection of ``data`` with its inside, or None if one of
    ``spans`` is not an empty collection of its kind where it was made empty."""
    holes: Holes = {}
    stack: list[Any] = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        else:
            continue
        found = spans.get((value.line, value.col))
        if found is not None and not value and (found[0] == "{") is isinstance(value, dict):
            holes[id(value)] = found[1]
    return holes if len(holes) == len(spans) else None


def fill(data: PosDict, holes: Holes, text: str, deep: bool) -> None:
    """Read the inside of ``data`` if it was left empty, and of what is right under
    it (``deep``: of everything under it); ``text`` is the file's."""
    stack: list[Any] = [data]
    while stack and holes:
        value = stack.pop()
        start = holes.pop(id(value), None)
        if start is not None:
            found = _LEAF_FLOW.match(text, start)
            assert found is not None
            _read_inside(value, found.group())
        if deep or value is data:
            children = value.values() if isinstance(value, dict) else value
            stack.extend(v for v in children if isinstance(v, (dict, list)))


def _read_inside(empty: PosDict | PosList, found: str) -> None:
    """Put into ``empty`` what the collection ``found`` holds, with its positions
    (read on its own, at its line and column: so the same as read in its file)."""
    whole = load_text("\n" * (empty.line - 1) + " " * (empty.col - 1) + found + "\n").data
    if isinstance(empty, PosDict) and isinstance(whole, PosDict):
        empty.update(whole)
        empty.kpos, empty.vpos = whole.kpos, whole.vpos
    elif isinstance(empty, PosList) and isinstance(whole, PosList):
        empty.extend(whole)
        empty.ipos[:] = whole.ipos
