"""`okrbsc units diff` (SPEC 18.3): each changed unit's semantic diff, as `diff` prints it."""

from __future__ import annotations

from collections.abc import Callable

from okrbsc.render.diff import RENDERERS
from okrbsc.render.text import json_text, md_text, visible
from okrbsc.units.portfolio import UnitDiff


def _short(commit: str | None) -> str:
    return commit[:12] if commit else "not locked"


def as_text(diffs: list[UnitDiff], rev: str) -> str:
    if not diffs:
        return visible(f"No unit's locked commit changed since {rev}.")
    parts = []
    for d in diffs:
        head = visible(f"unit {d.id}: {_short(d.old)} → {_short(d.new)}")
        parts.append(head + "\n" + RENDERERS["text"](d.changes, _short(d.old), _short(d.new)))
    return "\n\n".join(parts)


def markdown(diffs: list[UnitDiff], rev: str) -> str:
    if not diffs:
        return f"No unit's locked commit changed since {md_text(rev)}.\n"
    parts = []
    for d in diffs:
        parts.append(
            f"## Unit {md_text(d.id)}\n\n"
            + RENDERERS["md"](d.changes, _short(d.old), _short(d.new))
        )
    return "\n".join(parts)


def as_json(diffs: list[UnitDiff], rev: str) -> str:
    return json_text(
        {
            "base": rev,
            "units": [
                {
                    "id": d.id,
                    "from": d.old,
                    "to": d.new,
                    "changes": [c.to_dict() for c in d.changes],
                }
                for d in diffs
            ],
        }
    )


UNITS_DIFF: dict[str, Callable[[list[UnitDiff], str], str]] = {
    "text": as_text,
    "md": markdown,
    "json": as_json,
}
