"""A key result's target equals its start.

Keeping a number where it is ("hold uptime at 99.9%") is a health metric:
track it as a scorecard measure. A key result should describe a change.

Fails:

    key_results:
      - {title: Uptime, start: 99.9, target: 99.9, direction: up}

Passes:

    key_results:
      - {title: Uptime, start: 99.5, target: 99.9}
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules._common import key_results
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.repo import Repo

CODE = "O104"
NAME = "kr-no-change"
SEVERITY = Severity.WARNING


def check(repo: Repo) -> Iterator[Hit]:
    for ref, index, kr in key_results(repo):
        if kr.kind == "metric" and kr.start is not None and kr.start == kr.target:
            msg = (
                f"key result {ref.objective.kr_id(index)!r} keeps {kr.start:g}: "
                "a health metric belongs on the scorecard"
            )
            yield hit(ref.file, kr.at("target"), msg)
