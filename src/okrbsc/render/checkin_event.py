"""What `okrbsc checkin --from-event` did with each line of a comment (SPEC 16.5).

``md`` is the reply a workflow posts under the comment. Everything that came
from the comment (its lines, the author's login, a key-result id as typed) is
written with `md_text`, and an ``@`` never starts a mention: a word joiner
follows it, so nobody is pinged, nothing links and nothing formats.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from okrbsc.render.text import json_text, md_text, visible

if TYPE_CHECKING:
    from okrbsc.rhythm.event import EventResult, Outcome

_JOINER = "\u2060"  # WORD JOINER: invisible, and `@\u2060name` is no mention


def _md(text: object) -> str:
    return md_text(str(text).replace("@", "@" + _JOINER))


def _headline(result: EventResult) -> str:
    counts: dict[str, int] = {}
    for outcome in result.outcomes:
        counts[outcome.status.value] = counts.get(outcome.status.value, 0) + 1
    told = ", ".join(f"{n} {status}" for status, n in counts.items())
    if any(o.status.value == "refused" for o in result.outcomes):
        return f"{told}: nothing was written (a comment is applied whole)"
    if result.dry_run:
        return f"{told} (dry run: nothing was written)"
    return told


def render_text(result: EventResult) -> str:
    if result.skip is not None:
        return visible(result.skip)
    lines = [visible(f"check-ins from the comment by {result.comment.author}: ")]
    lines[0] += visible(_headline(result))
    for outcome in result.outcomes:
        lines.append(visible(f"  line {outcome.command.line}: {_said(outcome)}"))
    return "\n".join(lines)


def _said(outcome: Outcome) -> str:
    where = f" ({outcome.path})" if outcome.path and outcome.status.value != "refused" else ""
    return f"{outcome.status.value}: {outcome.detail}{where}"


def render_md(result: EventResult) -> str:
    if result.skip is not None:
        return _md(result.skip) + "\n"
    out = [
        f"**okrbsc check-in** from the comment by {_md(result.comment.author)}: "
        f"{_md(_headline(result))}",
        "",
        "| Line | Command | Result |",
        "|---:|---|---|",
    ]
    for outcome in result.outcomes:
        line, text = outcome.command.line, _md(outcome.command.text)
        out.append(f"| {line} | {text} | {_md(_said(outcome))} |")
    return "\n".join(out) + "\n"


def render_json(result: EventResult) -> str:
    data: dict[str, Any] = {
        "platform": result.comment.platform,
        "author": result.comment.author,
        "person": result.person,
        "skipped": result.skip,
        "dry_run": result.dry_run,
        "written": any(o.status.value == "recorded" for o in result.outcomes),
        "commands": [
            {
                "line": o.command.line,
                "command": o.command.text,
                "key_result": o.key_result,
                "status": o.status.value,
                "detail": o.detail,
                "path": o.path,
            }
            for o in result.outcomes
        ],
    }
    return json_text(data)


RENDERERS = {"text": render_text, "md": render_md, "json": render_json}
