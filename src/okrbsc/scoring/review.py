"""The quarterly strategy review (SPEC 9.1): OKR scores against the scorecard's movement.

For each scorecard objective: how its achievement moved over the quarter, which
OKRs aimed at it and how they scored, and the verdict that follows. For each
strategy-map link: whether the cause's movements were followed, a quarter
later, by the effect's (lagged agreement). For each team: how well its
check-in confidence foretold its outcomes (Brier score). Pure maths over a
:class:`~okrbsc.strategy.repo.Repo`: no I/O.
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass

from okrbsc.scoring.engine import (
    PeriodScore,
    bands_for,
    mean,
    score_kr,
    score_period,
    score_scorecard,
    team_order,
)
from okrbsc.strategy.measures import TOLERANCE, actual_for
from okrbsc.strategy.periods import Period
from okrbsc.strategy.repo import Repo

#: agreement below this share, over at least WEAK_MIN observations, makes a link weak
WEAK_BELOW, WEAK_MIN = 0.5, 3


class Verdict(enum.StrEnum):
    """What the quarter says of a scorecard objective, worst first."""

    EXECUTION_GAP = "execution-gap"
    ASSUMPTION_IN_QUESTION = "assumption-in-question"
    UNADDRESSED = "unaddressed"
    UNKNOWN = "unknown"
    IMPROVING = "improving"
    WORKING = "working"
    STEADY = "steady"

    @property
    def rank(self) -> int:
        return list(Verdict).index(self)


def previous_quarter(period: Period) -> Period:
    """The period of the same length before (a quarter's quarter, a half's half, SPEC 15.5)."""
    return period.previous


def next_quarter(period: Period) -> Period:
    """The period of the same length after."""
    return period.following


def difference(later: float | None, earlier: float | None) -> float | None:
    return None if later is None or earlier is None else later - earlier


def verdict(
    status: str,
    achievement: float | None,
    movement: float | None,
    okr_score: float | None,
    green: float,
) -> Verdict:
    """SPEC 9.1, branch by branch; comparisons with 0 and green allow 1e-9."""
    if okr_score is None:
        return Verdict.STEADY if status == "green" else Verdict.UNADDRESSED
    if achievement is None or movement is None:
        return Verdict.UNKNOWN
    delivered = okr_score >= green - TOLERANCE
    moved = movement > TOLERANCE
    if delivered:
        return Verdict.WORKING if moved else Verdict.ASSUMPTION_IN_QUESTION
    return Verdict.IMPROVING if moved else Verdict.EXECUTION_GAP


def lagged_agreement(
    cause: list[float | None], effect: list[float | None]
) -> tuple[int, float | None]:
    """(observations, agreement) of two achievement series over the same quarters
    q0 … qn, q0 being the quarter before the first with an achievement.

    For t in q1 … q(n-1): the cause's movement at t against the effect's at t+1;
    an observation needs both non-null and non-zero (beyond 1e-9)."""
    observations = agreeing = 0
    for t in range(1, len(cause) - 1):
        moved = difference(cause[t], cause[t - 1])
        followed = difference(effect[t + 1], effect[t])
        if moved is None or followed is None:
            continue
        if abs(moved) <= TOLERANCE or abs(followed) <= TOLERANCE:
            continue
        observations += 1
        agreeing += (moved > 0) == (followed > 0)
    return observations, (agreeing / observations if observations else None)


def brier(pairs: list[tuple[float, int]]) -> float | None:
    """Mean of (confidence - outcome)^2; None for no pairs."""
    if not pairs:
        return None
    return sum((c - o) ** 2 for c, o in pairs) / len(pairs)


# --- results ---------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureTrack:
    """A measure's actual at each quarter of the review's window (carried forward)."""

    id: str
    name: str
    unit: str | None
    target: float | str | tuple[float, float] | None
    status: str
    actuals: tuple[float | bool | str | None, ...]
    recorded: tuple[bool, ...]  # an actual keyed at that very quarter (not carried)


@dataclass(frozen=True)
class OkrEvidence:
    id: str
    team: str
    title: str
    score: float
    grade: str


@dataclass(frozen=True)
class ObjectiveReview:
    id: str
    title: str
    perspective: str
    status: str
    achievement: float | None
    previous_achievement: float | None
    movement: float | None
    okrs: tuple[str, ...]
    okr_score: float | None
    verdict: Verdict
    evidence: tuple[OkrEvidence, ...]
    measures: tuple[MeasureTrack, ...]
    achievements: tuple[float | None, ...]  # over the review's window


@dataclass(frozen=True)
class LinkReview:
    cause: str
    effect: str
    observations: int
    agreement: float | None
    quarters: tuple[Period, ...]  # q1 … qn

    @property
    def weak(self) -> bool:
        return (
            self.observations >= WEAK_MIN
            and self.agreement is not None
            and self.agreement < WEAK_BELOW
        )


@dataclass(frozen=True)
class TeamCalibration:
    team: str
    name: str
    checkins: int
    brier: float | None


@dataclass(frozen=True)
class Review:
    period: Period
    previous: Period
    as_of_score: PeriodScore  # `score PERIOD` at the same as-of
    green: float
    window: tuple[Period, ...]  # the quarters the evidence shows, ending with period
    objectives: tuple[ObjectiveReview, ...]
    links: tuple[LinkReview, ...]
    calibration: tuple[TeamCalibration, ...]

    def worst_first(self) -> list[ObjectiveReview]:
        return sorted(self.objectives, key=lambda o: o.verdict.rank)


# --- achievements over quarters -------------------------------------------------


class Achievements:
    """Scorecard objective achievement per quarter (SPEC 4.4), each quarter once."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self._memo: dict[Period, dict[str, float | None]] = {}

    def at(self, quarter: Period) -> dict[str, float | None]:
        if quarter not in self._memo:
            scored = score_scorecard(self.repo, quarter)
            self._memo[quarter] = {s.id: s.achievement for s in scored}
        return self._memo[quarter]

    def of(self, ident: str, quarter: Period) -> float | None:
        return self.at(quarter).get(ident)

    def first_quarter(self, idents: list[str], until: Period) -> Period | None:
        """The first period of ``until``'s length (a quarter, half or year), up to
        ``until``, in which one of ``idents`` has an achievement."""
        ends = [
            self.repo.calendar.end(Period.parse(key))
            for ident in idents
            if ident in self.repo.sc_objectives
            for m in self.repo.sc_objectives[ident].objective.measures
            for key in m.actuals
        ]
        if not ends:
            return None
        quarter = self.repo.calendar.like(until, min(ends))
        while not until < quarter:
            if any(self.of(i, quarter) is not None for i in idents):
                return quarter
            quarter = next_quarter(quarter)
        return None


def quarters_between(first: Period, last: Period) -> list[Period]:
    out = []
    quarter = first
    while not last < quarter:
        out.append(quarter)
        quarter = next_quarter(quarter)
    return out


# --- the review ---------------------------------------------------------------------


WINDOW = 5  # quarters of evidence shown per objective, ending with the reviewed one


def review(repo: Repo, period: Period, okrs: PeriodScore | None = None) -> Review:
    """SPEC 9.1 and 15.5 for ``period`` (a quarter, a half or a year, compared with the
    one of the same length before); ``okrs`` is `score PERIOD` at the same as-of."""
    scored = okrs if okrs is not None else score_period(repo, period)
    previous = previous_quarter(period)
    green = repo.config.scoring.aspirational.green
    ach = Achievements(repo)
    window = tuple(_window(repo, ach, period))
    longer = [score_period(repo, p) for p in period.enclosing if repo.periods.get(p)]
    objectives = _objectives(repo, ach, [scored, *longer], previous, window, green)
    return Review(
        period=period,
        previous=previous,
        as_of_score=scored,
        green=green,
        window=window,
        objectives=objectives,
        links=tuple(links(repo, ach, period)),
        calibration=tuple(calibration(repo, period)),
    )


def _window(repo: Repo, ach: Achievements, period: Period) -> list[Period]:
    first = ach.first_quarter(list(repo.sc_objectives), period)
    quarters = quarters_between(first, period) if first is not None else [period]
    before = previous_quarter(period)
    if before not in quarters and before.in_range:
        quarters.insert(0, before)
    return quarters[-WINDOW:]


def _objectives(
    repo: Repo,
    ach: Achievements,
    cycles: list[PeriodScore],
    previous: Period,
    window: tuple[Period, ...],
    green: float,
) -> tuple[ObjectiveReview, ...]:
    """``cycles``: the reviewed period's scores, then those of the longer cycles running
    during it (its half, then its fiscal year), whose objectives follow its own (15.5)."""
    scored = cycles[0]
    reaching: dict[str, list[OkrEvidence]] = {}
    for cycle in cycles:
        for sc_id, found in reached_by(repo, cycle).items():
            reaching.setdefault(sc_id, []).extend(found)
    out = []
    for s in scored.scorecard:
        evidence = tuple(reaching.get(s.id, []))
        okr_score = mean(e.score for e in evidence)
        now, before = s.achievement, ach.of(s.id, previous)
        movement = difference(now, before)
        out.append(
            ObjectiveReview(
                id=s.id,
                title=s.title,
                perspective=s.perspective,
                status=s.status,
                achievement=now,
                previous_achievement=before,
                movement=movement,
                okrs=tuple(e.id for e in evidence),
                okr_score=okr_score,
                verdict=verdict(s.status, now, movement, okr_score, green),
                evidence=evidence,
                measures=tuple(_tracks(repo, s.id, window, scored)),
                achievements=tuple(ach.of(s.id, q) for q in window),
            )
        )
    return tuple(out)


def reached_by(repo: Repo, scored: PeriodScore) -> dict[str, list[OkrEvidence]]:
    """Scorecard objective id -> the period's objectives whose aligns_to reaches it,
    teams in config order and objectives in file order (as `score` orders them)."""
    refs = {(r.file.path, r.id): r for r in repo.periods.get(scored.period, [])}
    out: dict[str, list[OkrEvidence]] = {}
    for team in scored.teams:
        for obj in team.objectives:
            ref = refs.get((obj.path, obj.id))
            if ref is None:
                continue
            for sc_id in repo.scorecard_reach(ref):
                out.setdefault(sc_id, []).append(
                    OkrEvidence(obj.id, team.name, obj.title, obj.score, obj.grade)
                )
    return out


def _tracks(
    repo: Repo, ident: str, window: tuple[Period, ...], scored: PeriodScore
) -> list[MeasureTrack]:
    ref = repo.sc_objectives.get(ident)
    if ref is None:
        return []
    now = {m.id: m for s in scored.scorecard if s.id == ident for m in s.measures}
    out = []
    for m in ref.objective.measures:
        cal = repo.calendar
        ends = {cal.end(Period.parse(k)) for k in m.actuals}
        out.append(
            MeasureTrack(
                id=m.id,
                name=m.name,
                unit=m.unit,
                target=now[m.id].target if m.id in now else m.target,
                status=now[m.id].status if m.id in now else "unknown",
                actuals=tuple(actual_for(m, q, repo.calendar) for q in window),
                recorded=tuple(cal.end(q) in ends for q in window),
            )
        )
    return out


def links(repo: Repo, ach: Achievements, period: Period) -> list[LinkReview]:
    """Every `drives` link A -> B, in scorecard file order of A, then drives order."""
    out = []
    for ref in repo.sc_objectives.values():
        for effect in ref.objective.drives:
            if effect not in repo.sc_objectives:
                continue  # names nothing: E005 says so
            out.append(link(ach, ref.id, effect, period))
    return out


def link(ach: Achievements, cause: str, effect: str, period: Period) -> LinkReview:
    first = ach.first_quarter([cause, effect], period)
    if first is None:
        return LinkReview(cause, effect, 0, None, ())
    quarters = quarters_between(first, period)
    series = [previous_quarter(first), *quarters]
    observations, agreement = lagged_agreement(
        [ach.of(cause, q) for q in series], [ach.of(effect, q) for q in series]
    )
    return LinkReview(cause, effect, observations, agreement, tuple(quarters))


# --- calibration --------------------------------------------------------------------


def calibration(repo: Repo, period: Period) -> list[TeamCalibration]:
    """Per team: confidence of every check-in in its quarter against the outcome."""
    limit = repo.calendar.end(period)
    quarters = [q for q in repo.quarters() if repo.calendar.end(q) <= limit]
    pairs: dict[str, list[tuple[float, int]]] = {}
    scale = repo.config.confidence_scale
    for quarter in quarters:
        final = dataclasses.replace(repo, as_of=repo.calendar.end(quarter))
        for ref in final.periods.get(quarter, []):
            bands = bands_for(final, ref.objective)
            mine = pairs.setdefault(ref.team, [])
            for index, kr in enumerate(ref.objective.key_results):
                outcome = int(score_kr(final, ref, index, 1.0, bands).grade == "green")
                mine.extend(
                    (c.confidence / scale, outcome)
                    for c in kr.checkins
                    if c.confidence is not None and repo.calendar.contains(quarter, c.date)
                )
    refs = [r for q in quarters for r in repo.periods.get(q, []) if r.objective.key_results]
    return [
        TeamCalibration(team, team_name(repo, team), len(pairs[team]), brier(pairs[team]))
        for team in team_order(repo, refs)
    ]


def team_name(repo: Repo, team: str) -> str:
    info = repo.teams.get(team)
    return info.name if info is not None and info.name else team
