"""A key result's title starts with an activity verb: it reads like an initiative.

"Launch the partner portal" is work to do; the key result is what that work
should change ("Partner-sourced pipeline from 0.5 to 1.5 EUR m"). The verbs
are configurable with `lint.activity_verbs`.

Fails:

    key_results:
      - {title: Launch the partner portal, kind: binary, done: false}

Passes:

    key_results:
      - {title: Partner-sourced pipeline, start: 0.5, target: 1.5}
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules._common import key_results
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.repo import Repo

CODE = "O106"
NAME = "kr-is-activity"
SEVERITY = Severity.WARNING


def leading_verb(title: str, verbs: list[str]) -> str | None:
    """The activity verb ``title`` starts with, as a whole word, if any."""
    words = title.strip().lower().split()
    for verb in verbs:
        parts = verb.lower().split()
        if parts and words[: len(parts)] == parts:
            return verb
    return None


def check(repo: Repo) -> Iterator[Hit]:
    verbs = repo.config.lint.activity_verbs
    for ref, index, kr in key_results(repo):
        verb = leading_verb(kr.title, verbs)
        if verb is not None:
            msg = (
                f"key result {ref.objective.kr_id(index)!r} starts with {verb!r}: "
                "it reads like an initiative; state the outcome it should change"
            )
            yield hit(ref.file, kr.at("title"), msg)
