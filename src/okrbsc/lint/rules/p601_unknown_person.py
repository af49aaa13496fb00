"""An owner or a team lead names no one listed under `people`.

Once okrbsc.yaml lists `people`, `okrbsc remind` and `okrbsc digest` use it to
reach whoever owes a check-in: by e-mail, by their chat handle, or up the
team tree to their lead. An `owner` (of an objective, key result, scorecard
objective, measure or initiative) or a team's `lead` that names no person is
someone nobody can remind: usually a typo or someone not yet added. The rule
says nothing while `people` is absent.

Fails:

    # okrbsc.yaml
    people:
      dana: {name: Dana Ruiz, email: dana@acme.example}
    # okrs/2026/Q3/sales.yaml
    objectives:
      - {id: S1, title: Win the mid-market, owner: dnaa}

Passes:

    # okrbsc.yaml
    people:
      dana: {name: Dana Ruiz, email: dana@acme.example}
    # okrs/2026/Q3/sales.yaml
    objectives:
      - {id: S1, title: Win the mid-market, owner: dana}
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.models import Initiative, Node, OkrFile, Scorecard
from okrbsc.strategy.repo import Repo, SourceFile

CODE = "P601"
NAME = "unknown-person"
SEVERITY = Severity.WARNING
PER_FILE = True  # a file's owners against okrbsc.yaml's people, nothing else


def check(repo: Repo) -> Iterator[Hit]:
    people = repo.config.people
    if people is None:
        return
    known = list(people)
    config = repo.config_file
    for team in repo.config.teams:
        if team.lead is not None and team.lead not in people:
            what = f"lead {team.lead!r} of team {team.id!r}"
            yield hit(config, config.at(team, "lead"), _message(what, team.lead, known))
    for file in repo.files:
        for node, label in _owned(file):
            owner = getattr(node, "owner", None)
            if owner is not None and owner not in people:
                what = f"owner {owner!r} of {label}"
                yield hit(file, file.at(node, "owner"), _message(what, owner, known))


def _message(what: str, name: str, known: list[str]) -> str:
    near = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    if near:
        hint = "nearest: " + ", ".join(repr(n) for n in near)
    else:
        hint = "add it under `people:` in okrbsc.yaml"
    return f"{what} names no person of `people` ({hint})"


def _owned(file: SourceFile) -> Iterator[tuple[Node, str]]:
    """Every model of the file that can have an owner, with how to name it."""
    model = file.model
    if isinstance(model, Scorecard):
        for sc in model.objectives:
            yield sc, f"scorecard objective {sc.id!r}"
            for measure in sc.measures:
                yield measure, f"measure {measure.id!r}"
            yield from _initiatives(sc.initiatives, sc.id)
    elif isinstance(model, OkrFile):
        for obj in model.objectives:
            yield obj, f"objective {obj.id!r}"
            for index, kr in enumerate(obj.key_results):
                yield kr, f"key result {obj.kr_id(index)!r}"
            yield from _initiatives(obj.initiatives, obj.id)


def _initiatives(items: Iterable[Initiative], parent: str) -> Iterator[tuple[Node, str]]:
    for index, item in enumerate(items, start=1):
        name = repr(item.id) if item.id else f"#{index} of {parent!r}"
        yield item, f"initiative {name}"
