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
from okrbsc.strategy.repo import Repo, SourceFile

CODE = "E004"
NAME = "duplicate-id"
SEVERITY = Severity.ERROR

Seen = dict[str, tuple[SourceFile, Pos]]


def _claim(seen: Seen, ident: str, file: SourceFile, pos: Pos, what: str) -> Iterator[Hit]:
    first = seen.get(ident)
    if first is None:
        seen[ident] = (file, pos)
        return
    where = f"{first[0].path}:{first[1][0]}"
    yield hit(file, pos, f"duplicate {what} id {ident!r} (first used at {where})")


def check(repo: Repo) -> Iterator[Hit]:
    teams: Seen = {}
    for team in repo.config.teams:
        yield from _claim(teams, team.id, repo.config_file, team.at("id"), "team")
    scorecard: Seen = {}
    for file, card in repo.scorecards:
        perspectives: Seen = {}
        for persp in card.perspectives or []:
            yield from _claim(perspectives, persp.id, file, persp.at("id"), "perspective")
        for obj in card.objectives:
            yield from _claim(scorecard, obj.id, file, obj.at("id"), "scorecard")
            for measure in obj.measures:
                yield from _claim(scorecard, measure.id, file, measure.at("id"), "scorecard")
    for refs in repo.periods.values():
        okrs: Seen = {}
        for ref in refs:
            okr = ref.objective
            clash = list(_okr_id(scorecard, okrs, ref.file, okr.id, okr.at("id")))
            yield from clash
            for index, kr in enumerate(okr.key_results):
                if clash and kr.id is None:
                    continue  # default ids of a repeated objective id repeat by themselves
                pos = kr.at("id") if kr.id else kr.at()
                yield from _okr_id(scorecard, okrs, ref.file, okr.kr_id(index), pos)


def _okr_id(scorecard: Seen, okrs: Seen, file: SourceFile, ident: str, pos: Pos) -> Iterator[Hit]:
    if ident in scorecard:
        first = scorecard[ident]
        where = f"{first[0].path}:{first[1][0]}"
        yield hit(file, pos, f"OKR id {ident!r} repeats a scorecard id (at {where})")
        return
    yield from _claim(okrs, ident, file, pos, "OKR")
