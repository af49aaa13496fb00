"""The leaders' weekly page (SPEC 16.4).

Over the window from ``since`` (exclusive; default as-of minus 7 days) to
as-of (inclusive), for each team with key results in a running period: the
check-ins dated in the window, the key results at risk now that were not at
``since``, the key results owed a check-in (16.2), and each objective's score
at ``since`` and now. Then the scorecard's red measures that no running
objective reaches (A402's own code), and, in a git repository, the definition
changes committed in the window (targets moved, key results added or removed)
found by the same engine as `okrbsc diff`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from okrbsc.errors import OkrbscError
from okrbsc.history.diff import GOALPOSTS, Change, Entity, compare, lifecycle
from okrbsc.history.timeline import Event, Key
from okrbsc.lint.rules.a402_red_measure_unaddressed import unaddressed, why
from okrbsc.rhythm.remind import Block, Owed, make_block, owed
from okrbsc.scoring.engine import (
    KrScore,
    ObjectiveScore,
    PeriodScore,
    progress,
    score_period,
    start_used,
    team_order,
)
from okrbsc.strategy.models import CheckIn, KeyResult
from okrbsc.strategy.periods import Period
from okrbsc.strategy.repo import OkrRef, Repo

WEEK = 7
#: the fields of a measure whose change moves its target
MEASURE_TARGETS = ("target", "targets")


@dataclass(frozen=True)
class Checkin:
    """A check-in dated in the window, against the one before it."""

    key_result: str
    title: str
    date: dt.date
    previous: float | bool | None
    value: float | bool
    progress_before: float | None
    progress_after: float
    confidence: float | None
    confidence_change: float | None
    note: str | None


@dataclass(frozen=True)
class AtRisk:
    key_result: str
    title: str
    causes: tuple[str, ...]


@dataclass(frozen=True)
class ObjectiveMove:
    id: str
    title: str
    period: Period
    score_since: float | None  # None: no such objective at `since`
    score_now: float


@dataclass(frozen=True)
class TeamDigest:
    team: str
    name: str
    checkins: tuple[Checkin, ...]
    newly_at_risk: tuple[AtRisk, ...]
    owed: tuple[Owed, ...]
    objectives: tuple[ObjectiveMove, ...]


@dataclass(frozen=True)
class RedMeasure:
    id: str
    name: str
    objective: str  # the scorecard objective
    period: Period
    why: str


@dataclass(frozen=True)
class Digest:
    since: dt.date
    as_of: dt.date
    organisation: str
    teams: tuple[TeamDigest, ...]
    measures: tuple[RedMeasure, ...]
    changes: tuple[Event, ...]
    git: bool  # the repo is in git (else there are no changes to tell)

    @property
    def checkins(self) -> int:
        return sum(len(t.checkins) for t in self.teams)

    @property
    def teams_checked_in(self) -> int:
        return sum(1 for t in self.teams if t.checkins)

    @property
    def newly_at_risk(self) -> int:
        return sum(len(t.newly_at_risk) for t in self.teams)

    @property
    def silent_teams(self) -> list[str]:
        return [t.team for t in self.teams if not t.checkins]

    @property
    def days(self) -> int:
        return (self.as_of - self.since).days


def at(repo: Repo, day: dt.date) -> Repo:
    """The same files read as of another day."""
    return Repo(repo.root, repo.config_file, repo.config, repo.files, day, repo.revision)


def running(repo: Repo, period: Period | None) -> list[Period]:
    """The periods with OKR files running at as-of (``period`` narrows them)."""
    return [p for p in repo.periods if repo.running(p) and (period is None or p == period)]


def digest(
    repo: Repo,
    since: dt.date | None = None,
    period: Period | None = None,
    team: str | None = None,
) -> Digest:
    """The digest of SPEC 16.4 at the repo's as-of."""
    since = since if since is not None else repo.as_of - dt.timedelta(days=WEEK)
    periods = running(repo, period)
    then = at(repo, since)
    now_scores = {p: score_period(repo, p, team) for p in periods}
    then_scores = {p: score_period(then, p, team) for p in periods}
    refs = [r for p in periods for r in repo.periods[p] if team is None or r.team == team]
    owed_now = [o for p in periods for o in owed(repo, p, team)]
    scores = (now_scores, then_scores)
    teams = [
        _team(repo, name, since, [r for r in refs if r.team == name], owed_now, scores)
        for name in team_order(repo, refs)
    ]
    changes, in_git = definition_changes(repo, since)
    return Digest(
        since=since,
        as_of=repo.as_of,
        organisation=repo.config.organisation,
        teams=tuple(teams),
        measures=tuple(red_measures(repo, periods)),
        changes=tuple(changes),
        git=in_git,
    )


def _team(
    repo: Repo,
    name: str,
    since: dt.date,
    refs: list[OkrRef],
    owed_now: list[Owed],
    scores: tuple[dict[Period, PeriodScore], dict[Period, PeriodScore]],
) -> TeamDigest:
    now_scores, then_scores = scores
    info = repo.teams.get(name)
    checkins = [c for ref in refs for c in _checkins(repo, ref, since)]
    now_krs = _krs(now_scores, name)
    then_krs = _krs(then_scores, name)
    risky = [
        AtRisk(k.id, k.title, k.risks)
        for key, k in now_krs.items()
        if k.at_risk and not (key in then_krs and then_krs[key].at_risk)
    ]
    then_objectives = _objectives(then_scores, name)
    moves = [
        ObjectiveMove(o.id, o.title, period, _score(then_objectives.get((period, o.id))), o.score)
        for (period, _), o in _objectives(now_scores, name).items()
    ]
    return TeamDigest(
        team=name,
        name=info.name if info is not None and info.name else name,
        checkins=tuple(sorted(checkins, key=lambda c: c.date)),
        newly_at_risk=tuple(risky),
        owed=tuple(o for o in owed_now if o.team == name),
        objectives=tuple(moves),
    )


def _score(found: ObjectiveScore | None) -> float | None:
    return found.score if found is not None else None


def _krs(scores: dict[Period, PeriodScore], team: str) -> dict[tuple[Period, str], KrScore]:
    return {
        (period, k.id): k
        for period, result in scores.items()
        for t, _, k in result.key_results()
        if t.team == team
    }


def _objectives(
    scores: dict[Period, PeriodScore], team: str
) -> dict[tuple[Period, str], ObjectiveScore]:
    return {
        (period, o.id): o
        for period, result in scores.items()
        for t in result.teams
        if t.team == team
        for o in t.objectives
    }


def _checkins(repo: Repo, ref: OkrRef, since: dt.date) -> Iterator[Checkin]:
    """The check-ins of the objective's key results dated in the window."""
    for index, kr in enumerate(ref.objective.key_results):
        ordered = sorted(
            (c for c in kr.checkins if c.date <= repo.as_of), key=lambda c: c.date
        )  # same date: file order
        for position, checkin in enumerate(ordered):
            if checkin.date > since:
                before = ordered[position - 1] if position else None
                yield _checkin(repo, ref.objective.kr_id(index), kr, checkin, before)


def _checkin(
    repo: Repo, ident: str, kr: KeyResult, checkin: CheckIn, before: CheckIn | None
) -> Checkin:
    start = start_used(kr, repo.as_of)[0] if kr.kind == "metric" else None
    previous: float | bool | None = before.value if before is not None else None
    value: float | bool = checkin.value
    if kr.kind == "binary":  # done or not done (SPEC 14.5), never 0 or 1
        value = bool(value)
        previous = bool(previous) if previous is not None else kr.done
    elif previous is None:
        previous = kr.current if kr.current is not None else kr.start
    scale = repo.config.confidence_scale
    confidence = checkin.confidence
    change = None
    if confidence is not None and before is not None and before.confidence is not None:
        change = round((confidence - before.confidence) / scale, 10)
    return Checkin(
        key_result=ident,
        title=kr.title,
        date=checkin.date,
        previous=previous,
        value=value,
        progress_before=None if previous is None else progress(kr, previous, start),
        progress_after=progress(kr, value, start),
        confidence=None if confidence is None else confidence / scale,
        confidence_change=change,
        note=checkin.note,
    )


def red_measures(repo: Repo, periods: list[Period]) -> Iterator[RedMeasure]:
    """Measures red at a running quarter that no objective of it reaches (A402)."""
    for period in periods:
        if period.is_quarter:
            for sc_ref, measure, found in unaddressed(repo, period):
                yield RedMeasure(measure.id, measure.name, sc_ref.id, period, why(found))


def definition_changes(repo: Repo, since: dt.date) -> tuple[list[Event], bool]:
    """Targets moved and key results added or removed by the commits dated in the
    window, each with its commit and author; ([], False) outside git."""
    from okrbsc.history.git import GitRepo
    from okrbsc.history.timeline import states

    try:
        git_repo = GitRepo.of(repo.root)
    except OkrbscError:
        return [], False
    out: list[Event] = []
    before: dict[Key, Entity] = {}
    for revision, ents in states(repo, git_repo):
        if revision.sha is None:
            break  # the working tree: not committed
        if since < revision.date <= repo.as_of:
            out += [Event(revision, c) for c in _definition(before, ents)]
        before = ents
    return out, True


def _definition(before: dict[Key, Entity], now: dict[Key, Entity]) -> Iterator[Change]:
    for key, e in now.items():
        if e.kind != "key result" and e.kind != "measure":
            continue
        if key not in before:
            if e.kind == "key result":
                yield lifecycle(e, "added")
            continue
        for change in compare(before[key], e):
            fields = GOALPOSTS if e.kind == "key result" else MEASURE_TARGETS
            if change.change == "changed" and change.field in fields:
                yield change
    for key, e in before.items():
        if e.kind == "key result" and key not in now:
            yield lifecycle(e, "removed")


def recipients(repo: Repo, d: Digest) -> list[Block]:
    """Who gets the digest by e-mail: the leads of its teams (config order), then the
    people of `rhythm.digest_to`, each once."""
    ids: dict[str, None] = {}
    for t in d.teams:
        team = repo.teams.get(t.team)
        if team is not None and team.lead:
            ids.setdefault(team.lead)
    for ident in repo.config.rhythm.digest_to:
        ids.setdefault(ident)
    return [make_block(repo, ident, ()) for ident in ids]
