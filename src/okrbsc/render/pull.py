"""What `okrbsc pull` did, as text or as the JSON of SPEC 8.3."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def visible(text: str) -> str:
    """Control characters from data shown escaped, so no value starts a line of its own."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


@dataclass
class PullReport:
    changes: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    timings: list[str] = field(default_factory=list)


def to_json(report: PullReport) -> str:
    return json.dumps({"changes": report.changes, "errors": report.errors}, indent=2)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def text_lines(report: PullReport, *, mode: str, restate: bool, verbose: bool) -> list[str]:
    """One line per added or restated value (unchanged ones with --verbose), then a summary."""
    lines = []
    counts = {"added": 0, "unchanged": 0, "restated": 0}
    for c in report.changes:
        counts[c["change"]] += 1
        if c["change"] == "unchanged" and not verbose:
            continue
        key = c.get("period") or c.get("date")
        what = f"{c['change']} {_value(c['new'])}"
        if c["change"] == "restated":
            what = f"restated {_value(c['old'])} -> {_value(c['new'])}"
            if not restate:
                what += " (not written: pass --restate)"
        source = f" from {c['source']}" if c["source"] else ""
        note = f": {c['note']}" if c.get("note") else ""
        lines.append(visible(f"{c['path']}:{c['line']}: {c['id']} {key}: {what}{source}{note}"))
        if verbose:  # a tracker's items counted (SPEC 17.2)
            lines += [
                visible(f"    {i['ref']} {i['state']} {i['at'][:10]} {i['title']}")
                for i in c.get("items", ())
            ]
    summary = (
        f"{counts['added']} added, {counts['unchanged']} unchanged, {counts['restated']} restated"
    )
    if mode == "dry-run":
        summary += "; dry run: nothing written"
    elif mode == "check":
        summary += "; check: nothing written"
    else:
        written = len(report.written)
        summary += f"; {written} {'file' if written == 1 else 'files'} written"
    if report.errors:
        summary += f"; {len(report.errors)} failed"
    lines.append(summary)
    return lines


def error_lines(report: PullReport) -> list[str]:
    return [
        visible(f"{e['path']}:{e['line']}: {e['id']}: source {e['source']}: {e['message']}")
        for e in report.errors
    ]
