"""A value has the wrong type or range, a required key is missing, or a key is unknown.

Every key of every file is checked against the file format (SPEC section 2);
misspelt keys get a did-you-mean hint. Empty files, files without `kind`,
documents that are not mappings, unknown kinds, unsupported YAML tags,
huge integers, NaN and infinity are all schema errors.

Fails:

    kind: okrs
    team: sales
    period: 2026-Q3
    objectives:
      - id: S1
        title: Win the mid-market
        aligns_too: [C1]

Passes:

    kind: okrs
    team: sales
    period: 2026-Q3
    objectives:
      - id: S1
        title: Win the mid-market
        aligns_to: [C1]
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules._common import reading_problems
from okrbsc.strategy.repo import Repo

CODE = "E002"
NAME = "schema"
SEVERITY = Severity.ERROR
PER_FILE = True


def check(repo: Repo) -> Iterator[Hit]:
    return reading_problems(repo, CODE)
