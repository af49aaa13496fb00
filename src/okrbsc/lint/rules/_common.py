"""Helpers shared by several rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from okrbsc.lint.findings import Hit
from okrbsc.lint.rules.base import hit

if TYPE_CHECKING:
    from okrbsc.strategy.models import KeyResult
    from okrbsc.strategy.repo import OkrRef, Repo


def reading_problems(repo: Repo, code: str) -> Iterator[Hit]:
    """The problems the reader and validator found, for the rules that own them."""
    for file in repo.all_files:
        for problem in file.problems:
            if problem.code == code:
                yield hit(file, (problem.line, problem.column), problem.message)


def objectives(repo: Repo) -> Iterator[OkrRef]:
    for refs in repo.periods.values():
        yield from refs


def key_results(repo: Repo) -> Iterator[tuple[OkrRef, int, KeyResult]]:
    for ref in objectives(repo):
        for index, kr in enumerate(ref.objective.key_results):
            yield ref, index, kr


def count(number: int, noun: str, plural: str | None = None) -> str:
    """``1 objective``, ``2 key results``: a count in good English."""
    if number == 1:
        return f"1 {noun}"
    return f"{number} {plural or noun + 's'}"


def calendar_today() -> dt.date:
    """The machine's calendar date, whatever `--as-of` says (C204). The lint caches
    put it into their keys, so a kept finding never outlives the day it was made."""
    return dt.date.today()
