"""A key result's target equals its start, or lies behind it.

Keeping a number where it is ("hold uptime at 99.9%") is a health metric:
track it as a scorecard measure. A key result should describe a change. A
target behind the start in the key result's `direction` (`start: 10.8,
target: 10, direction: up`, as a rollover can leave) asks for no change at
all. Only a `start` written in the file is judged: a key result without one
(a threshold, "p99 below 3 s") takes its start from the data.

Fails:

    key_results:
      - {title: Uptime, start: 99.9, target: 99.9, direction: up}

Passes:

    key_results:
      - {title: Uptime, start: 99.5, target: 99.9}
      - {title: p99 latency in seconds, target: 3, direction: down}
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
PER_FILE = True


def check(repo: Repo) -> Iterator[Hit]:
    for ref, index, kr in key_results(repo):
        if kr.kind != "metric" or kr.start is None or kr.target is None:
            continue
        if kr.start == kr.target:
            kr_id = ref.objective.kr_id(index)
            msg = (
                f"key result {kr_id!r} keeps {kr.start:g}: a health metric belongs on the scorecard"
            )
            yield hit(ref.file, ref.file.at(kr, "target"), msg)
        elif _behind(kr.start, kr.target, kr.direction):
            kr_id = ref.objective.kr_id(index)
            msg = (
                f"key result {kr_id!r} starts at {kr.start:g}, already past its target "
                f"{kr.target:g} ({kr.direction}): raise the target, or leave `start` out "
                "to make it a threshold"
            )
            yield hit(ref.file, ref.file.at(kr, "target"), msg)


def _behind(start: float, target: float, direction: str | None) -> bool:
    """The target lies behind the start in an explicit direction."""
    return (direction == "up" and target < start) or (direction == "down" and target > start)
