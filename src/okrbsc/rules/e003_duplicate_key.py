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

from ..findings import Hit, Severity
from ..repo import Repo
from ._common import reading_problems

CODE = "E003"
NAME = "duplicate-key"
SEVERITY = Severity.ERROR


def check(repo: Repo) -> Iterator[Hit]:
    return reading_problems(repo, CODE)
