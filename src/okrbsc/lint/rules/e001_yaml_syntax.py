"""The file is not valid YAML, or not UTF-8.

A file that cannot be read cannot be checked: nothing else is reported for it
until it parses. Also covers YAML that okrbsc refuses to expand: aliases that
grow into huge data, aliases that refer to themselves, and nesting deeper than
64 levels (block or flow or both, at any depth: reported at the bracket or
indicator that opens level 65).

Fails:

    kind: okrs
    team: sales
    objectives: [
      {id: S1, title: Win the mid-market

Passes:

    kind: okrs
    team: sales
    period: 2026-Q3
    objectives:
      - {id: S1, title: Win the mid-market}
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules._common import reading_problems
from okrbsc.strategy.repo import Repo

CODE = "E001"
NAME = "yaml-syntax"
SEVERITY = Severity.ERROR
PER_FILE = True


def check(repo: Repo) -> Iterator[Hit]:
    return reading_problems(repo, CODE)
