"""A mapping repeats a key.

YAML keeps only the last of two equal keys, so the first value silently
disappears: almost always a copy-paste slip.

Fails:

    kind: okrs
    team: sales
    period: 2026-Q3
    team: marketing

Passes:

    kind: okrs
    team: sales
    period: 2026-Q3
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules._common import reading_problems
from okrbsc.strategy.repo import Repo

CODE = "E003"
NAME = "duplicate-key"
SEVERITY = Severity.ERROR
PER_FILE = True


def check(repo: Repo) -> Iterator[Hit]:
    return reading_problems(repo, CODE)
