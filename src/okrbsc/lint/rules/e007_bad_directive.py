"""An `# okrbsc:` comment is malformed or names an unknown rule.

A directive that silently does nothing leaves findings you meant to silence,
or worse, a typo that you think silences one rule. Directives are
`# okrbsc: disable=CODE[,CODE]` (this line or the next) and
`# okrbsc: disable-file=CODE[,CODE]`, by code or by name.

Fails:

    target: 3.5  # okrbsc: disabel=O104

Passes:

    target: 3.5  # okrbsc: disable=O104
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.directives import directives_of
from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.repo import Repo

CODE = "E007"
NAME = "bad-directive"
SEVERITY = Severity.WARNING
PER_FILE = True


def check(repo: Repo) -> Iterator[Hit]:
    for file in repo.all_files:
        for problem in directives_of(file).problems:
            yield hit(file, (problem.line, problem.column), problem.message)
