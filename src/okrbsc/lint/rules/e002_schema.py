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
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.repo import Repo

CODE = "E002"
NAME = "schema"
SEVERITY = Severity.ERROR
PER_FILE = True


def check(repo: Repo) -> Iterator[Hit]:
    yield from reading_problems(repo, CODE)
    if repo.config.units:  # SPEC 18.2: of the scorecard only, which is always read
        from okrbsc.units.rollup import rollup_problems

        for file, measure, i, msg in rollup_problems(repo):
            assert measure.rollup is not None
            yield hit(file, file.item_at(measure.rollup, "of", i), msg)
