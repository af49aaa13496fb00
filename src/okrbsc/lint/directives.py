"""Inline `# okrbsc: disable=...` comments, applied as a filter after the rules run."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from okrbsc.lint.findings import Finding
from okrbsc.strategy.loader import Problem

_MARK = re.compile(r"#\s*okrbsc\s*:(.*)$")
_BODY = re.compile(r"^\s*(disable|disable-file)\s*=\s*([^\s,]+(?:\s*,\s*[^\s,]+)*)\s*$")


@dataclass
class Directives:
    """What one file's comments silence."""

    by_line: dict[int, set[str]] = field(default_factory=dict)  # line -> codes
    whole_file: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)

    def silences(self, finding: Finding) -> bool:
        if finding.code in self.whole_file:
            return True
        return any(
            finding.code in self.by_line.get(line, ()) for line in (finding.line, finding.line - 1)
        )


def parse_directives(text: str, rules: Mapping[str, Any]) -> Directives:
    """Read every directive of a file; ``rules`` maps codes and names to rules."""
    out = Directives()
    if "okrbsc" not in text:
        return out
    for number, line in enumerate(text.splitlines(), start=1):
        if "okrbsc" not in line:
            continue
        mark = _MARK.search(line)
        if mark is None:
            continue
        col = mark.start() + 1
        body = _BODY.match(mark.group(1))
        if body is None:
            out.problems.append(Problem("E007", _malformed(mark.group(1).strip()), number, col))
            continue
        codes = _codes(body.group(2).split(","), rules, number, col, out.problems)
        if body.group(1) == "disable-file":
            out.whole_file |= codes
        else:
            out.by_line.setdefault(number, set()).update(codes)
    return out


def _malformed(body: str) -> str:
    return (
        f"malformed okrbsc directive {body!r}: "
        "write `# okrbsc: disable=CODE[,CODE]` or `# okrbsc: disable-file=CODE`"
    )


def _codes(
    keys: Iterable[str], rules: Mapping[str, Any], line: int, col: int, problems: list[Problem]
) -> set[str]:
    codes: set[str] = set()
    for raw in keys:
        key = raw.strip()
        rule = rules.get(key.upper()) or rules.get(key.lower())
        if rule is None:
            from okrbsc.strategy.validate import did_you_mean

            hint = did_you_mean(key, rules)
            problems.append(Problem("E007", f"unknown rule {key!r} in directive{hint}", line, col))
        else:
            codes.add(rule.code)
    return codes
