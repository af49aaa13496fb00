"""A mission, vision or title still holds the placeholder text `okrbsc init` wrote.

`okrbsc init` writes a repo that reads cleanly, with the mission and vision
left as placeholders for you to write; until they are, a report would print
them to your readers. Write what the organisation stands for instead.

Fails:

    kind: scorecard
    mission: "Placeholder: why the organisation exists, in one sentence"

Passes:

    kind: scorecard
    mission: Move goods across Europe without surprises
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules._common import objectives
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.models import Node
from okrbsc.strategy.repo import Repo, SourceFile
from okrbsc.write.placeholders import PLACEHOLDERS

CODE = "B308"
NAME = "placeholder-text"
SEVERITY = Severity.WARNING
PER_FILE = True

_KNOWN = {" ".join(text.casefold().split()) for text in PLACEHOLDERS}


def is_placeholder(text: str | None) -> bool:
    return text is not None and " ".join(text.casefold().split()) in _KNOWN


def _field(file: SourceFile, node: Node, key: str, what: str) -> Iterator[Hit]:
    if is_placeholder(getattr(node, key, None)):
        msg = f"the {what} still holds okrbsc init's placeholder text: replace it with your own"
        yield hit(file, file.at(node, key), msg)


def check(repo: Repo) -> Iterator[Hit]:
    for file, card in repo.scorecards:
        yield from _field(file, card, "mission", "mission")
        yield from _field(file, card, "vision", "vision")
        for obj in card.objectives:
            yield from _field(file, obj, "title", f"title of {obj.id!r}")
            for measure in obj.measures:
                yield from _field(file, measure, "name", f"name of {measure.id!r}")
    for ref in objectives(repo):
        okr = ref.objective
        yield from _field(ref.file, okr, "title", f"title of {okr.id!r}")
        for index, kr in enumerate(okr.key_results):
            if is_placeholder(kr.title):  # the id is made only for a finding
                yield from _field(ref.file, kr, "title", f"title of {okr.kr_id(index)!r}")
