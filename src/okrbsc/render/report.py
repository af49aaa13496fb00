"""`okrbsc report`: the plan on a page, in Markdown and self-contained HTML.

This module builds the template context -- numbers, the strategy map's
geometry, chart coordinates -- and renders the Jinja templates of the
project's `templates/` (or of `--templates DIR`, falling back to the shipped
ones for any template the folder lacks). Every piece of user text is escaped
by the templates: HTML autoescape, and the `md` and `mermaid` filters.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup, _escape_inner  # type: ignore[attr-defined]

from okrbsc import __version__
from okrbsc.render.score import (
    PACE_TEXT,
    STATUS_TEXT,
    actual_text,
    bar,
    judged_by,
    judgement,
    kr_grade,
    kr_progress,
    kr_summary,
    kr_value,
    left_out,
    measure_status,
    measure_summary,
    num,
    pct,
    quantity,
    red_flag_text,
)
from okrbsc.render.text import md_text, mermaid_label
from okrbsc.scoring.engine import KrScore, ObjectiveScore, PeriodScore
from okrbsc.strategy.periods import Period
from okrbsc.strategy.repo import OkrRef, Repo, ScRef

FORMATS = ("md", "html")


# --- the strategy map -----------------------------------------------------------------


@dataclass
class MapNode:
    id: str
    key: str  # a safe node id for Mermaid and SVG
    title: str
    perspective: str
    status: str
    achievement: float | None
    x: float = 0.0
    y: float = 0.0

    @property
    def lines(self) -> list[str]:
        """The title in at most two lines that fit the box."""
        lines = textwrap.wrap(self.title, 27) or [""]
        if len(lines) > 2:
            lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), 27, placeholder="…")]
        return lines


@dataclass
class MapBand:
    id: str
    name: str
    y: float
    height: float
    status: str
    nodes: list[MapNode] = field(default_factory=list)


@dataclass
class StrategyMap:
    width: float
    height: float
    node_width: float
    node_height: float
    bands: list[MapBand]
    edges: list[tuple[MapNode, MapNode, str]]  # cause, effect, SVG path


NODE_W, NODE_H, BAND_H, GAP, LABEL_W = 170.0, 54.0, 86.0, 18.0, 120.0


def strategy_map(repo: Repo, result: PeriodScore) -> StrategyMap:
    """Perspectives as bands, effects on top; objectives as boxes; drives as arrows."""
    scores = {s.id: s for s in result.scorecard}
    status = {p.id: p.status for p in result.perspectives}
    order = list(reversed(repo.perspectives))  # financial first: drawn at the top
    per_band = max([1] + [sum(1 for s in scores.values() if s.perspective == p.id) for p in order])
    width = LABEL_W + per_band * (NODE_W + GAP) + GAP
    bands: list[MapBand] = []
    nodes: dict[str, MapNode] = {}
    for row, persp in enumerate(order):
        band = MapBand(persp.id, persp.name, row * BAND_H, BAND_H, status.get(persp.id, "unknown"))
        mine = [s for s in scores.values() if s.perspective == persp.id]
        offset = LABEL_W + GAP + (per_band - len(mine)) * (NODE_W + GAP) / 2
        for col, s in enumerate(mine):
            node = MapNode(
                s.id,
                f"n{len(nodes)}",
                s.title,
                s.perspective,
                s.status,
                s.achievement,
                offset + col * (NODE_W + GAP),
                band.y + (BAND_H - NODE_H) / 2,
            )
            band.nodes.append(node)
            nodes[s.id] = node
        bands.append(band)
    edges = []
    for ref in repo.sc_objectives.values():
        for target in ref.objective.drives:
            if ref.id in nodes and target in nodes:
                cause, effect = nodes[ref.id], nodes[target]
                edges.append((cause, effect, _arrow(cause, effect)))
    return StrategyMap(width, len(bands) * BAND_H, NODE_W, NODE_H, bands, edges)


def _arrow(cause: MapNode, effect: MapNode) -> str:
    x1, x2 = cause.x + NODE_W / 2, effect.x + NODE_W / 2
    if abs(cause.y - effect.y) < 1:  # same band: side to side
        y = cause.y + NODE_H / 2
        left, right = (cause.x + NODE_W, effect.x) if x1 < x2 else (cause.x, effect.x + NODE_W)
        return f"M{left:.1f},{y:.1f} L{right:.1f},{y:.1f}"
    up = effect.y < cause.y
    y1 = cause.y if up else cause.y + NODE_H
    y2 = effect.y + NODE_H + 4 if up else effect.y - 4
    mid = (y1 + y2) / 2
    return f"M{x1:.1f},{y1:.1f} C{x1:.1f},{mid:.1f} {x2:.1f},{mid:.1f} {x2:.1f},{y2:.1f}"


# --- charts ------------------------------------------------------------------------------


@dataclass
class Chart:
    """A KR's check-ins (value) and confidence as polylines in a 0..W x 0..H box."""

    width: int
    height: int
    values: str
    confidence: str
    target_y: float
    start_y: float
    points: list[tuple[float, float, str]]  # x, y, tooltip
    summary: str

    @property
    def dots(self) -> Markup:
        """The points as SVG circles with their tooltip, the markup a template's loop
        over them writes (``{{ x }}`` of a float is its ``str``): made here, as it was
        a quarter of the rendering of a 1,000-team HTML report; made when read, not
        kept (23 MiB for 1,000 teams)."""
        return Markup(
            "".join(
                [
                    f'<circle cx="{x}" cy="{y}" r="1.8" fill="#2f5d9e">'
                    f"<title>{_escape_inner(tip)}</title></circle>"
                    for x, y, tip in self.points
                ]
            )
        )


@dataclass
class ChartDays:
    """Where a check-in's day falls on the x axis of a KR's chart, with its texts, and
    the text of a check-in's value: each made once for all the charts of a report
    (their check-ins share few days, and many values)."""

    start: dt.date
    days: int  # in the period
    width: int = 160
    seen: dict[dt.date, tuple[float, str, str]] = field(default_factory=dict)
    amounts: dict[tuple[float, str | None], str] = field(default_factory=dict)

    def amount(self, value: float, unit: str | None) -> str:
        """``quantity(value, unit)``. A number equal to another has its text (an int
        is formatted as the equal float), but for -0.0 ("-0") and 0.0 ("0")."""
        if not value or (type(value) is not float and type(value) is not int):
            return quantity(value, unit)
        found = self.amounts.get((value, unit))
        if found is None:
            found = self.amounts[value, unit] = quantity(value, unit)
        return found

    def at(self, day: dt.date) -> tuple[float, str, str]:
        """x; x to 1 decimal; the day as text."""
        found = self.seen.get(day)
        if found is None:
            x = (day - self.start).days / max(1, self.days - 1) * (self.width - 4) + 2
            found = self.seen[day] = (x, f"{x:.1f}", str(day))
        return found


def kr_chart(
    k: KrScore,
    period_start: dt.date,
    period_days: int,
    w: int = 160,
    h: int = 44,
    axis: ChartDays | None = None,
) -> Chart | None:
    """The chart of ``k``; ``axis``, when given, is of the same start, days and ``w``."""
    if k.kind == "binary" or not k.values or k.start is None or k.target is None:
        return None
    axis = axis if axis is not None else ChartDays(period_start, period_days, w)
    low = min(k.start, k.target, *k.values)
    high = max(k.start, k.target, *k.values)
    span, top, tall = (high - low) or 1.0, h - 3, h - 6
    marks = [
        (axis.at(d), top - (v - low) / span * tall, v)
        for d, v in zip(k.checkin_dates, k.values, strict=False)
    ]
    conf = k.confidences
    conf_marks = (
        [(x, top - c * tall) for (x, _, _), c in zip(marks[-len(conf) :], conf, strict=False)]
        if conf
        else []
    )
    points = [(x[0], y, f"{x[2]}: {axis.amount(v, k.unit)}") for x, y, v in marks]
    return Chart(
        w,
        h,
        " ".join([f"{x[1]},{y:.1f}" for x, y, _ in marks]),
        " ".join([f"{x[1]},{y:.1f}" for x, y in conf_marks]),
        top - (k.target - low) / span * tall,
        top - (k.start - low) / span * tall,
        points,
        _summary(k, len(points)),
    )


def _summary(k: KrScore, count: int) -> str:
    conf = k.confidences
    return (
        f"{count} check-ins from {quantity(k.values[0], k.unit)} to "
        f"{quantity(k.values[-1], k.unit)} (target {quantity(k.target, k.unit)})"
        + (f"; confidence {num(conf[0])} to {num(conf[-1])}" if conf else "")
    )


class Charts(Mapping[tuple[str, str], Chart | None]):
    """The chart of each key result by (file path, KR id), drawn when a template first
    asks for it: the Markdown report draws none (they were most of its context)."""

    def __init__(self, result: PeriodScore, start: dt.date, days: int) -> None:
        self.krs = {(o.path, k.id): k for _, o, k in result.key_results()}
        self.axis = ChartDays(start, days)
        self.drawn: dict[tuple[str, str], Chart | None] = {}

    def __getitem__(self, key: tuple[str, str]) -> Chart | None:
        if key in self.drawn:
            return self.drawn[key]
        axis = self.axis
        chart = self.drawn[key] = kr_chart(self.krs[key], axis.start, axis.days, axis=axis)
        return chart

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.krs)

    def __len__(self) -> int:
        return len(self.krs)

    def __repr__(self) -> str:
        return repr(dict(self.items()))


# --- alignment and dependencies -----------------------------------------------------------


@dataclass
class AlignmentRow:
    team: str
    objective: ObjectiveScore
    chain: list[str]  # e.g. ["A1 Win the mid-market", "F1 Grow revenue"]
    perspectives: list[str]


@dataclass
class DependencyRow:
    team: str
    objective: ObjectiveScore
    on: str
    on_team: str
    answered: bool


def alignment(repo: Repo, result: PeriodScore) -> list[AlignmentRow]:
    names = {p.id: p.name for p in repo.perspectives}
    refs = {(r.file.path, r.id): r for r in repo.periods.get(result.period, [])}
    rows = []
    for team in result.teams:
        for obj in team.objectives:
            ref = refs[(obj.path, obj.id)]
            chain = _chain(repo, ref)
            reached = [names.get(p, p) for p in obj.perspectives]
            rows.append(AlignmentRow(team.name, obj, chain, reached))
    return rows


def _title(target: OkrRef | ScRef) -> str:
    return target.objective.title


def _chain(repo: Repo, ref: OkrRef) -> list[str]:
    """What ``ref`` aligns to, each "id title"; a key result (SPEC 10.5) names its objective."""
    out = []
    for ident in ref.objective.aligns_to:
        target = repo.resolve_alignment(ref, ident)
        if target is None:
            continue
        if isinstance(target, OkrRef) and target.id != ident:
            obj = target.objective
            kr = next(k for i, k in enumerate(obj.key_results) if obj.kr_id(i) == ident)
            out.append(f"{ident} {kr.title} (key result of {target.id})")
        else:
            out.append(f"{target.id} {_title(target)}")
    return out


def dependencies(repo: Repo, result: PeriodScore) -> list[DependencyRow]:
    refs = {(r.file.path, r.id): r for r in repo.periods.get(result.period, [])}
    rows = []
    for team in result.teams:
        for obj in team.objectives:
            ref = refs[(obj.path, obj.id)]
            for ident in obj.depends_on:
                other = repo.dependency_team(ref, ident) or ident
                answered = repo.dependency_answered(ref, other)
                info = repo.teams.get(other)
                name = info.name if info is not None and info.name else other
                rows.append(DependencyRow(team.name, obj, ident, name, answered))
    return rows


# --- context and rendering -----------------------------------------------------------------


def _heading(repo: Repo, result: PeriodScore) -> dict[str, Any]:
    """Who and when: the organisation, its mission and vision, the period and as-of."""
    card = repo.scorecards[0][1] if repo.scorecards else None
    period: Period = result.period
    return {
        "organisation": repo.config.organisation,
        "mission": card.mission if card else None,
        "vision": card.vision if card else None,
        "period": str(period),
        "period_start": repo.calendar.start(period),
        "period_end": repo.calendar.end(period),
        "as_of": result.as_of,
    }


def context(repo: Repo, result: PeriodScore) -> dict[str, Any]:
    cal = repo.calendar
    period: Period = result.period
    at_risk = [(t, o, k) for t, o, k in result.key_results() if k.at_risk]
    risky = Counter(id(t) for t, _, _ in at_risk)
    persp_names = {p.id: p.name for p in repo.perspectives}
    balance_total = max(1, len(result.objectives()))
    return {
        **_heading(repo, result),
        "result": result,
        "map": strategy_map(repo, result),
        "at_risk": at_risk,
        "risk_counts": {t.team: risky[id(t)] for t in result.teams},
        "alignment": alignment(repo, result),
        "dependencies": dependencies(repo, result),
        "charts": Charts(result, cal.start(period), cal.days(period)),
        "perspective_names": persp_names,
        "balance": [
            (p, sum(1 for o in result.objectives() if p.id in o.perspectives), balance_total)
            for p in result.perspectives
        ],
        "version": __version__,
        "pace_text": PACE_TEXT,
        "left_out": left_out(result),
        "kr_summary": kr_summary(result),
        "measure_summary": measure_summary(result),
        "actuals_from": actuals_from(result),
        "status_text": STATUS_TEXT,
        "grade_bands": repo.config.scoring,
        # SPEC 14.4: key results and objectives coloured by pace while the period
        # runs, by grade from its last day on; (text, colour) of each
        "judged_by": judged_by(result),
        "judged": judgements(result),
        **_portfolio(result),
    }


def _portfolio(result: PeriodScore) -> dict[str, Any]:
    """SPEC 18.3: a group's units x perspectives and rolled-up measures (empty without)."""
    if not result.units:
        return {"portfolio": None}
    from okrbsc.render import portfolio

    persp = portfolio.perspectives(result)
    return {
        "portfolio": {
            "perspectives": [name for _, name in persp],
            "units": [(u, [portfolio.cell(u, ident) for ident, _ in persp]) for u in result.units],
            "measures": [
                (m, [portfolio.part_text(p) for p in m.parts]) for m in portfolio.rolled(result)
            ],
        }
    }


def judgements(result: PeriodScore) -> dict[tuple[str, str, str], tuple[str, str]]:
    """(path, objective id, KR id or "") -> (text, colour) of `render.score.judgement`."""
    out = {}
    for o in result.objectives():
        out[(o.path, o.id, "")] = judgement(result, o)
        out.update({(o.path, o.id, k.id): judgement(result, k) for k in o.key_results})
    return out


def shipped_templates() -> Path:
    """The templates okrbsc ships: a source checkout's own `templates/` (beside `src/`),
    else the installed package `okrbsc.templates`. (An editable install maps that
    package to the checkout it was installed from, which may not be this one.)"""
    from importlib.resources import files

    checkout = Path(__file__).resolve().parents[3] / "templates"
    if (checkout / "report.html.j2").is_file() and (checkout / "__init__.py").is_file():
        return checkout
    return Path(str(files("okrbsc.templates")))


def actuals_from(result: PeriodScore) -> str:
    """The periods of the actuals the map colours, most used first: "2026-Q3", or
    "2026-Q3 (12 measures), 2025 (1 measure)"; "no actual" when none has one."""
    counts: dict[str, int] = {}
    for s in result.scorecard:
        for m in s.measures:
            if m.actual_period is not None:
                counts[m.actual_period] = counts.get(m.actual_period, 0) + 1
    if len(counts) <= 1:
        return next(iter(counts), "no actual")
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return ", ".join(f"{p} ({n} measure{'s' if n != 1 else ''})" for p, n in ranked)


def _report_data() -> dict[type, frozenset[str]]:
    """The report's own dataclasses and their fields: the data its templates read most."""
    from dataclasses import fields

    from okrbsc.scoring import engine

    classes: list[Any] = [MapNode, MapBand, StrategyMap, Chart, AlignmentRow, DependencyRow]
    classes += [engine.PeriodScore, engine.TeamScore, engine.ObjectiveScore, engine.KrScore]
    classes += [engine.MeasureScore, engine.ScorecardObjectiveScore, engine.PerspectiveScore]
    classes += [engine.UnitScore, engine.Coverage, engine.RollupPart]  # SPEC 18.3
    return {c: frozenset(f.name for f in fields(c) if not f.name.startswith("_")) for c in classes}


def _sandbox() -> type:
    """The bounded sandbox (render/sandbox.py), reading a field of the report's
    dataclasses directly.

    The sandbox lets a template read any attribute that does not start with an
    underscore of an object that is not a function, method, type, frame or the
    like: every such field passes its check, which is a third of the rendering
    of a 1,000-team report (~800,000 reads). Everything else is checked as before.
    """
    from okrbsc.render.sandbox import BoundedSandbox
    from okrbsc.render.sandbox import template_class as bounded

    data = _report_data()

    class ReportSandbox(BoundedSandbox):
        template_class = bounded(_template_class())

        def getattr(self, obj: Any, attribute: str) -> Any:
            if attribute in data.get(type(obj), ()):
                return getattr(obj, attribute)
            return super().getattr(obj, attribute)

    return ReportSandbox


def _template_class() -> type:
    """Jinja's Template, its compiled code escaping with a faster ``escape``.

    Every ``{{ value }}`` of an HTML template is ``escape(value)``, a name the
    compiled code imports from Jinja (markupsafe's escape): 650,000 calls in a
    1,000-team report. Where it is that function, it is replaced by the same
    escaping: for a str its escaped text, for an int or float its ``str`` (digits,
    ``.``, ``-``, ``+``, ``e``, ``inf``, ``nan``: nothing to escape); anything else,
    a subclass too (it may have ``__html__``), goes to markupsafe's escape. The
    compiled code calls ``escape`` only on what it writes out (a block, macro or
    filter body it collects is made Markup whole), so the text is all that counts:
    a plain str, not a Markup, saves making one for each value."""
    import markupsafe
    from jinja2 import Template

    escape = markupsafe.escape

    def fast_escape(value: Any) -> Any:
        kind = type(value)
        if kind is str:
            return _escape_inner(value)
        if kind is float or kind is int:
            return str(value)
        return escape(value)

    class ReportTemplate(Template):
        @classmethod
        def _from_namespace(cls, environment: Any, namespace: Any, globals: Any) -> Any:
            if namespace.get("escape") is escape:
                namespace["escape"] = fast_escape
            return super()._from_namespace(environment, namespace, globals)

    return ReportTemplate


def _trusted() -> type:
    """Jinja's plain environment, for the templates okrbsc ships and nothing else.

    Those are part of okrbsc, as trusted as its code: they render without the
    sandbox's check of every attribute read, call and operator, and without the
    output counter and the timer, which took about half of the rendering of a
    1,000-team report. They escape as in the sandbox (the same autoescape, filters
    and ``escape``), so the text is the same."""
    from jinja2 import Environment

    class ReportEnvironment(Environment):
        template_class = _template_class()

    return ReportEnvironment


def environment(templates: Path | None) -> Any:
    """The environment of a report's templates: okrbsc's own without a sandbox; with
    ``--templates DIR``, every template of the render (the folder's and ours that it
    falls back to) in the bounded sandbox (SPEC 12.3)."""
    from jinja2 import ChoiceLoader, StrictUndefined

    from okrbsc.render.sandbox import loaders

    env = (_trusted() if templates is None else _sandbox())(
        loader=ChoiceLoader(loaders(templates, shipped_templates())),
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        md=md_text,
        mermaid=mermaid_label,
        num=num,
        quantity=quantity,
        bar=bar,
        kr_value=kr_value,
        kr_progress=kr_progress,
        kr_grade=kr_grade,
        actual_text=actual_text,
        red_flag_text=red_flag_text,
        measure_status=measure_status,
        pct=lambda v: pct(v, least=0.0),
    )
    if templates is not None:
        env.limited = True  # the user's templates: time, output, memory bounded
    return env


def template_failure(exc: Exception) -> str:
    """What went wrong in a template, naming the template and its line (SPEC 12.1, 12.3)."""
    from okrbsc.render.sandbox import failure

    return failure(exc)


def render(repo: Repo, result: PeriodScore, fmt: str, templates: Path | None = None) -> str:
    """The plan on a page of one scored period, as ``fmt`` (md or html)."""
    from okrbsc.render.sandbox import render as bounded

    return bounded(environment(templates), f"report.{fmt}.j2", context(repo, result))


def render_index(
    repo: Repo, results: list[PeriodScore], fmt: str, templates: Path | None = None
) -> str:
    from okrbsc.render.sandbox import render as bounded

    rows = [(str(r.period), r) for r in results]
    data = {"organisation": repo.config.organisation, "rows": rows, "as_of": repo.as_of}
    return bounded(environment(templates), f"index.{fmt}.j2", {**data, "fmt": fmt})


def documents(
    repo: Repo,
    results: list[PeriodScore],
    formats: tuple[str, ...],
    templates: Path | None = None,
) -> list[tuple[str, str]]:
    """(file name, text) of every report, each period scored once by the caller;
    several periods get an index. A period's context is made once for all formats
    (templates only read it), and one environment compiles each template once."""
    from okrbsc.render.sandbox import render as bounded

    env = environment(templates)
    out = []
    for r in results:
        data = context(repo, r)
        out += [(f"{r.period}.{fmt}", bounded(env, f"report.{fmt}.j2", data)) for fmt in formats]
    if len(results) > 1:
        out += [(f"index.{fmt}", render_index(repo, results, fmt, templates)) for fmt in formats]
    return out
