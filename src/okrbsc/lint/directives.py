"""Inline `# okrbsc: disable=...` comments, applied as a filter after the rules run.

Each file's comments are parsed once (:func:`directives_of`), for both the
filter and E007; the registry hands over its rule table when it is built
(:func:`use_rules`), so nothing here imports the registry.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from okrbsc.lint.findings import Finding
from okrbsc.strategy.loader import Problem
from okrbsc.strategy.repo import SourceFile

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


_RULES: dict[str, Any] = {}
_PARSED: weakref.WeakKeyDictionary[SourceFile, Directives] = weakref.WeakKeyDictionary()


def use_rules(rules: Mapping[str, Any]) -> None:
    """The registry's codes and names -> rules, which directives are resolved against."""
    _RULES.clear()
    _RULES.update(rules)


def directives_of(file: SourceFile) -> Directives:
    """The directives of one file, parsed once while the file lives."""
    found = _PARSED.get(file)
    if found is None:
        found = _PARSED[file] = parse_directives(file.text, _RULES)
    return found


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
