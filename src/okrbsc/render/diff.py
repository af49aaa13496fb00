"""The semantic diff of the strategy as text, Markdown (for a pull request) and JSON."""

from __future__ import annotations

from collections.abc import Callable

from okrbsc.history.diff import Change, fmt, summary
from okrbsc.render.text import count, json_text, md_code, md_text, visible, visible_lines


def as_json(changes: list[Change], base: str, head: str) -> str:
    return json_text(
        {
            "base": base,
            "head": head,
            "changes": [c.to_dict() for c in changes],
            "summary": summary(changes),
        }
    )


def as_text(changes: list[Change], base: str, head: str) -> str:
    if not changes:
        return visible(f"No change to the strategy between {base} and {head}.")
    lines = [f"{c.path}:{c.line}: {c.describe()}" for c in changes]
    return visible_lines([*lines, _summary_line(changes)])


def _summary_line(changes: list[Change]) -> str:
    kinds = ", ".join(f"{n} {k}" for k, n in summary(changes).items())
    return f"{count(len(changes), 'change')}: {kinds}"


def markdown(changes: list[Change], base: str, head: str) -> str:
    head_line = f"### Strategy changes ({md_text(base)} → {md_text(head)})\n"
    if not changes:
        return head_line + "\nNo change to the strategy.\n"
    rows = [
        "| what | id | period | change | before | after | file |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in changes:
        field = f" {md_code(c.field)}" if c.field else ""
        field += " **(easier)**" if c.easier else ""
        rows.append(
            f"| {c.kind} | {md_text(c.id)} | {md_text(c.period or '')} | {c.change}{field} | "
            f"{md_text(fmt(c.old)) if c.change not in ('added',) else ''} | "
            f"{md_text(fmt(c.new)) if c.change not in ('removed',) else ''} | "
            f"{md_text(c.path)}:{c.line} |"
        )
    return head_line + "\n" + "\n".join(rows) + f"\n\n{_summary_line(changes)}.\n"


RENDERERS: dict[str, Callable[[list[Change], str, str], str]] = {
    "text": as_text,
    "md": markdown,
    "json": as_json,
}
