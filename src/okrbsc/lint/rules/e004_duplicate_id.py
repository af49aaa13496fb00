"""An id repeats within its scope.

References (`aligns_to`, `drives`, `depends_on`, check-ins on the command
line) name things by id, so an id must say one thing. Scorecard objective and
measure ids are unique across the repo; OKR objective and key result ids
(including the default `S1.2` ids) are unique within their period, across all
teams, and must not repeat a scorecard id; team and perspective ids are unique.

Fails:

    kind: okrs
    team: sales
    period: 2026-Q3
    objectives:
      - {id: S1, title: Win the mid-market}
      - {id: S1, title: Keep our best customers}

Passes:

    kind: okrs
    team: sales
    period: 2026-Q3
    objectives:
      - {id: S1, title: Win the mid-market}
      - {id: S2, title: Keep our best customers}
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.loader import Pos
from okrbsc.strategy.models import Node
from okrbsc.strategy.repo import OkrRef, Repo, SourceFile

CODE = "E004"
NAME = "duplicate-id"
SEVERITY = Severity.ERROR

Where = tuple[SourceFile, Node, str | None]
"""An id's file, and the node and key whose position (``node.at(key)``) is asked only
for a finding: nearly every id is used once."""
Seen = dict[str, Where]


def _pos(where: Where) -> Pos:
    return where[0].at(where[1], where[2])


def _claim(seen: Seen, ident: str, where: Where, what: str) -> Iterator[Hit]:
    first = seen.setdefault(ident, where)
    if first is where:
        return
    place = f"{first[0].path}:{_pos(first)[0]}"
    yield hit(where[0], _pos(where), f"duplicate {what} id {ident!r} (first used at {place})")


def check(repo: Repo) -> Iterator[Hit]:
    teams: Seen = {}
    for team in repo.config.teams:
        yield from _claim(teams, team.id, (repo.config_file, team, "id"), "team")
    scorecard: Seen = {}
    for file, card in repo.scorecards:
        perspectives: Seen = {}
        for persp in card.perspectives or []:
            yield from _claim(perspectives, persp.id, (file, persp, "id"), "perspective")
        for obj in card.objectives:
            yield from _claim(scorecard, obj.id, (file, obj, "id"), "scorecard")
            for measure in obj.measures:
                yield from _claim(scorecard, measure.id, (file, measure, "id"), "scorecard")
    for refs in repo.periods.values():
        okrs: Seen = {}
        for ref in refs:
            yield from _objective(scorecard, okrs, ref)


def _objective(scorecard: Seen, okrs: Seen, ref: OkrRef) -> Iterator[Hit]:
    okr = ref.objective
    clash = list(_okr_id(scorecard, okrs, okr.id, (ref.file, okr, "id")))
    yield from clash
    for index, kr in enumerate(okr.key_results):
        if clash and kr.id is None:
            continue  # default ids of a repeated objective id repeat by themselves
        where = (ref.file, kr, "id" if kr.id else None)
        yield from _okr_id(scorecard, okrs, okr.kr_id(index), where)


def _okr_id(scorecard: Seen, okrs: Seen, ident: str, where: Where) -> Iterator[Hit]:
    first = scorecard.get(ident)
    if first is not None:
        place = f"{first[0].path}:{_pos(first)[0]}"
        yield hit(where[0], _pos(where), f"OKR id {ident!r} repeats a scorecard id (at {place})")
        return
    yield from _claim(okrs, ident, where, "OKR")
