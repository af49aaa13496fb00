"""`okrbsc review`: the quarterly strategy review as JSON (SPEC 9.1), Markdown and HTML.

The JSON is exactly SPEC 9.1's shape. Markdown and HTML are a quarterly
business review rendered from the project's `templates/` (review.md.j2,
review.html.j2) in the report's environment (okrbsc's own templates: no sandbox),
with its escaping filters: verdicts worst first with their evidence, the strategy map with weak
links drawn as such, and the questions the board should ask. The words here
are plain text; the templates escape them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from okrbsc import __version__
from okrbsc.render.report import MapNode, environment, strategy_map
from okrbsc.render.score import quantity
from okrbsc.render.text import json_text
from okrbsc.scoring.review import LinkReview, ObjectiveReview, Review, TeamCalibration, Verdict
from okrbsc.strategy.periods import Period
from okrbsc.strategy.repo import Repo

FORMATS = ("md", "html", "json")

VERDICT_TEXT = {
    Verdict.EXECUTION_GAP: "execution gap",
    Verdict.ASSUMPTION_IN_QUESTION: "assumption in question",
    Verdict.UNADDRESSED: "unaddressed",
    Verdict.UNKNOWN: "unknown",
    Verdict.IMPROVING: "improving",
    Verdict.WORKING: "working",
    Verdict.STEADY: "steady",
}
#: colour class of a verdict in HTML (the word is always printed too)
VERDICT_TONE = {
    Verdict.EXECUTION_GAP: "red",
    Verdict.ASSUMPTION_IN_QUESTION: "red",
    Verdict.UNADDRESSED: "red",
    Verdict.UNKNOWN: "unknown",
    Verdict.IMPROVING: "amber",
    Verdict.WORKING: "green",
    Verdict.STEADY: "green",
}
#: a Brier score above this is worse than always saying 50%
BRIER_CHANCE = 0.25


# --- JSON (SPEC 9.1) -------------------------------------------------------------------


def to_json(result: Review) -> dict[str, Any]:
    return {
        "period": str(result.period),
        "previous": str(result.previous) if result.previous.in_range else None,  # before 0001-Q1
        # SPEC 14.4: the quarter runs until its last day; elapsed as 4.1's expected progress
        "running": not result.as_of_score.final,
        "elapsed": result.as_of_score.expected,
        "objectives": [
            {
                "id": o.id,
                "perspective": o.perspective,
                "status": o.status,
                "achievement": o.achievement,
                "previous_achievement": o.previous_achievement,
                "movement": o.movement,
                "okrs": list(o.okrs),
                "okr_score": o.okr_score,
                "verdict": o.verdict.value,
            }
            for o in result.objectives
        ],
        "links": [
            {
                "from": link.cause,
                "to": link.effect,
                "observations": link.observations,
                "agreement": link.agreement,
                "weak": link.weak,
            }
            for link in result.links
        ],
        "calibration": [
            {"team": c.team, "checkins": c.checkins, "brier": c.brier} for c in result.calibration
        ],
    }


# --- words -----------------------------------------------------------------------------


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def points(movement: float | None) -> str:
    """A movement of achievement in percentage points: +12 pts, -3 pts, 0 pts."""
    if movement is None:
        return "–"
    value = round(movement * 100)
    return f"{value:+d} pts" if value else "0 pts"


def _moved(o: ObjectiveReview) -> str:
    if o.movement is None:
        return "its movement is not known"
    if o.movement > 1e-9:
        return f"its achievement rose {points(o.movement)[1:]}"
    if o.movement < -1e-9:
        return f"its achievement fell {points(o.movement)[1:]}"
    return "its achievement did not move"


def _first_up(text: str) -> str:
    return text[:1].upper() + text[1:]


def explain(o: ObjectiveReview, result: Review) -> str:
    """One sentence of evidence for the verdict."""
    okr = f"{o.okr_score:.2f}" if o.okr_score is not None else "–"
    green = f"{result.green:.2f}"
    n = len(o.okrs)
    aimed = f"the {n} OKR{'s' if n != 1 else ''} aimed at it"
    return {
        Verdict.WORKING: f"{_first_up(aimed)} scored {okr} (green is {green}) and {_moved(o)}.",
        Verdict.ASSUMPTION_IN_QUESTION: (
            f"{_first_up(aimed)} were delivered ({okr}, green is {green}) but {_moved(o)}: "
            "revisit the strategy map's cause-and-effect assumption."
        ),
        Verdict.IMPROVING: f"{_first_up(_moved(o))} though {aimed} scored only {okr}.",
        Verdict.EXECUTION_GAP: (
            f"{_first_up(aimed)} scored {okr}, below {green}, and {_moved(o)}."
        ),
        Verdict.UNADDRESSED: f"No {result.period} OKR aims at it, and it is {o.status}.",
        Verdict.STEADY: "It is green and no OKR aims at it.",
        Verdict.UNKNOWN: (
            f"{_first_up(aimed)} scored {okr}, but its achievement in "
            f"{result.period if o.achievement is None else result.previous} is not known "
            "(no actual with a target)."
        ),
    }[o.verdict]


def questions(result: Review, names: dict[str, str]) -> list[str]:
    """What the board should ask, worst first."""
    out = [ask for o in result.worst_first() if (ask := _question(o, cycle(result.period)))]
    for link in result.links:
        if link.weak:
            cause, effect = names.get(link.cause, link.cause), names.get(link.effect, link.effect)
            out.append(
                f"{link.cause} {cause} → {link.effect} {effect}: over {link.observations} "
                f"{PLURAL[cycle(result.period)]} the effect followed the cause in only "
                f"{pct(link.agreement)}. "
                "Is this link of the strategy map real?"
            )
    for c in result.calibration:
        if c.brier is not None and c.brier > BRIER_CHANCE:
            out.append(
                f"{c.name}: its check-in confidence foretold outcomes poorly (Brier "
                f"{c.brier:.2f}; always saying 50% scores 0.25). Are its check-ins candid?"
            )
    return out


def _question(o: ObjectiveReview, step: str = "quarter") -> str:
    """The board's question about one scorecard objective, or "" when its verdict asks none."""
    head = f"{o.id} {o.title}"
    if o.verdict is Verdict.EXECUTION_GAP:
        if o.okr_score is None:
            return ""
        return (
            f"{head}: its OKRs scored {o.okr_score:.2f} and it did not improve. What "
            f"stands in the way of delivery, and what changes next {step}?"
        )
    return {
        Verdict.ASSUMPTION_IN_QUESTION: (
            f"{head}: its OKRs were delivered and the measures did not move. Do "
            f"{', '.join(o.okrs)} really drive it, or should the strategy map change?"
        ),
        Verdict.UNADDRESSED: (
            f"{head} is {o.status} and no OKR aims at it. Who owns it next {step}?"
        ),
        Verdict.UNKNOWN: (
            f"{head}: when will it be measured? Without an actual in both {PLURAL[step]} "
            "the review cannot judge its OKRs."
        ),
        Verdict.IMPROVING: (
            f"{head} improved while its OKRs fell short. What moved it, and are the "
            "OKRs aimed at the right lever?"
        ),
    }.get(o.verdict, "")


# --- Markdown and HTML ---------------------------------------------------------------


@dataclass
class MapEdge:
    cause: MapNode
    effect: MapNode
    path: str
    link: LinkReview | None
    mid: tuple[float, float]


def _edges(result: Review, nodes: list[tuple[MapNode, MapNode, str]]) -> list[MapEdge]:
    by_pair = {(lk.cause, lk.effect): lk for lk in result.links}
    out = []
    for cause, effect, path in nodes:
        mid = ((cause.x + effect.x) / 2 + 85, (cause.y + effect.y) / 2 + 27)
        out.append(MapEdge(cause, effect, path, by_pair.get((cause.id, effect.id)), mid))
    return out


def provisional(repo: Repo, result: Review) -> str | None:
    """SPEC 14.4: "2026-Q2 runs until 2026-09-30, day 26 of 92: verdicts are
    provisional" for a quarter whose last day is after as-of; None once it ended."""
    if result.as_of_score.final:
        return None
    start, end = repo.calendar.bounds(result.period)
    days = (end - start).days + 1
    day = max(0, min(days, (result.as_of_score.as_of - start).days + 1))
    return f"{result.period} runs until {end}, day {day} of {days}: verdicts are provisional"


def cycle(period: Period) -> str:
    """What one step of the review is called: quarter, half or year (SPEC 15.5)."""
    return "quarter" if period.is_quarter else "half" if period.is_half else "year"


CYCLE_TITLE = {"quarter": "quarterly", "half": "half-year", "year": "annual"}
PLURAL = {"quarter": "quarters", "half": "halves", "year": "years"}


def context(repo: Repo, result: Review) -> dict[str, Any]:
    score = result.as_of_score
    drawn = strategy_map(repo, score)
    names = {o.id: o.title for o in result.objectives}
    verdicts = {o.id: o for o in result.objectives}
    counts = [
        (v, sum(1 for o in result.objectives if o.verdict is v))
        for v in Verdict
        if any(o.verdict is v for o in result.objectives)
    ]
    return {
        "organisation": repo.config.organisation,
        "period": str(result.period),
        "cycle": cycle(result.period),
        "cycle_title": CYCLE_TITLE[cycle(result.period)],
        "cycles": PLURAL[cycle(result.period)],
        "provisional": provisional(repo, result),
        "previous": str(result.previous),
        "as_of": score.as_of,
        "score": score,
        "green": result.green,
        "window": [str(q) for q in result.window],
        "objectives": result.worst_first(),
        "verdict_counts": counts,
        "verdicts": verdicts,
        "verdict_text": {v: VERDICT_TEXT[v] for v in Verdict},
        "verdict_tone": {v: VERDICT_TONE[v] for v in Verdict},
        "explain": {o.id: explain(o, result) for o in result.objectives},
        "links": result.links,
        "weak_links": [lk for lk in result.links if lk.weak],
        "names": names,
        "calibration": result.calibration,
        "brier_chance": BRIER_CHANCE,
        "map": drawn,
        "edges": _edges(result, drawn.edges),
        "questions": questions(result, names),
        "perspective_names": {p.id: p.name for p in repo.perspectives},
        "version": __version__,
    }


def environment_for_review() -> Any:
    env = environment(None)
    env.filters.update(points=points, pctn=pct, quantity=quantity)
    return env


def render(repo: Repo, result: Review, fmt: str) -> str:
    """The review of one quarter as ``fmt``: json, md or html."""
    if fmt == "json":
        return json_text(to_json(result)) + "\n"
    from okrbsc.render.sandbox import render as bounded

    return bounded(environment_for_review(), f"review.{fmt}.j2", context(repo, result))


__all__ = ["FORMATS", "TeamCalibration", "render", "to_json"]
