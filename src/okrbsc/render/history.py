"""Render `okrbsc history`: a chart in the terminal (rich), Markdown, JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from okrbsc.history.diff import fmt
from okrbsc.history.timeline import Event, History, Point, Revision, Series
from okrbsc.render.score import STATUS_STYLE, bar, pct, quantity
from okrbsc.render.status import sparkline
from okrbsc.render.text import json_text, md_code, md_text, mermaid_label, rich_text

if TYPE_CHECKING:
    from rich.console import Console

BAR = 20


def to_json(h: History) -> str:
    return json_text(h.to_dict())


def who(revision: Revision | None) -> str:
    if revision is None:
        return ""
    if revision.sha is None:
        return "uncommitted"
    return f"{revision.short} {revision.author}"


def headline(h: History) -> str:
    s = h.subject
    where = f" ({s.period})" if s.period else ""
    return f"{s.kind} {s.id}{where} · {s.title}"


def facts(h: History) -> list[str]:
    """The line under the headline: where it lives, what it asks, how much was read."""
    s, f = h.subject, h.subject.fields
    out = []
    if s.parent:
        out.append(("objective " if s.kind == "key result" else "scorecard objective ") + s.parent)
    out.append(f"{s.path}:{s.line}" if h.present else f"removed (last in {s.path})")
    target = quantity(f.get("target"), f.get("unit"))
    if s.kind == "key result" and f.get("kind") != "binary":
        way = f" ({f['direction']})" if f.get("direction") else ""
        out.append(f"start {fmt(f.get('start'))} → target {target}{way}")
    elif s.kind == "measure":
        out.append(f"baseline {fmt(f.get('baseline'))} → target {target}")
    out.append(f"{h.commits} commit{'s' if h.commits != 1 else ''} read")
    if h.shallow:
        out.append("a shallow clone: older history is missing (git fetch --unshallow)")
    if h.other_periods:
        out.append("also in " + ", ".join(h.other_periods) + " (see --period)")
    return out


def value_text(point: Point, fields: dict[str, Any]) -> str:
    """A check-in's value or an actual: "done" for a binary key result, "%" kept."""
    if fields.get("kind") == "binary" or isinstance(point.value, bool):
        return quantity(bool(point.value))
    if isinstance(point.value, int | float):
        unit = fields.get("unit")
        return quantity(point.value, unit if unit == "%" else None)
    return str(point.value)


def then_text(point: Point, fields: dict[str, Any]) -> str:
    """How the definition a value was judged against differs from today's: "" when not."""
    if not point.definition_changed or point.against is None:
        return ""
    then = [
        f"{name.replace('_', ' ')} {fmt(value)}"
        for name, value in point.against.items()
        if value != fields.get(name)
    ]
    return "◇ against " + ", ".join(then) if then else ""


CHANGED_NOTE = (
    "◇ judged against the definition in force when the value was recorded, "
    "since changed (see the changes)"
)


def _recorded(point: Point, fields: dict[str, Any]) -> str:
    return " · ".join(x for x in (who(point.recorded), then_text(point, fields)) if x)


def latest_text(part: Series) -> str:
    """A part's latest value against its target: "5 of 12 customers", "done"."""
    f = part.entity.fields
    latest = part.points[-1] if part.points else None
    if f.get("kind") == "binary":
        return value_text(latest, f) if latest else quantity(bool(f.get("done")))
    now = value_text(latest, f) if latest else "–"
    return f"{now} of {quantity(f.get('target'), f.get('unit'))}"


def trend(part: Series) -> tuple[float, ...]:
    """Progress (or achievement) at each value, clamped for a sparkline."""
    return tuple(max(0.0, min(1.0, p.progress)) for p in part.points if p.progress is not None)


# --- terminal -------------------------------------------------------------------------


def print_history(h: History, console: Console) -> None:

    console.print(rich_text(headline(h), "bold"))
    console.print(rich_text("  " + " · ".join(facts(h))))
    console.print()
    if h.own is not None and h.subject.kind == "key result":
        _kr_chart(h, h.own, console)
    elif h.own is not None:
        _measure_chart(h.own, console)
    if h.subject.kind == "objective":
        _objective_chart(h, console)
    if h.parts:
        _parts_table(h, console)
    _changes_table(h, console)


def _table(*columns: str) -> Any:
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for name in columns:
        wraps = name in ("change", "commit message", "changes", "recorded in · changes", "title")
        wide = 10 if name in ("date", "period") else None
        table.add_column(name, no_wrap=not wraps, min_width=wide)
    return table


def _timeline(h: History, dated: list[tuple[str, list[Any]]], width: int) -> list[list[Any]]:
    """Rows by date, with a marker row (in the last column) for each change of
    definition on its commit date."""

    rows: list[tuple[str, int, list[Any]]] = [(d, 1, cells) for d, cells in dated]
    created = h.first_seen
    for e in h.events:
        if e.revision == created and e.change.change == "added":
            continue  # the subject and its parts as first written
        style = "bold red" if e.easier else "yellow"
        mark = rich_text("◆ " + _short(e), style)
        rows.append((e.revision.date.isoformat(), 0, [*[""] * (width - 1), mark]))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [[date, *cells] for date, _, cells in rows]


def _short(e: Event) -> str:
    """A change in a few words, for a marker on the timeline."""
    c = e.change
    if c.change in ("added", "removed"):
        text = f"{c.kind} {c.id} {c.change}"
    elif c.change == "moved":
        text = f"{c.id} moved to {c.new}"
    else:
        text = f"{c.id}: " + c.describe().split(": ", 1)[-1]
    return text + f" · {who(e.revision)}"


def _kr_chart(h: History, s: Series, console: Console) -> None:
    from rich.text import Text

    dated = []
    for p in s.points:
        progress = p.progress if p.progress is not None else 0.0
        dated.append(
            (
                p.date,
                [
                    rich_text(value_text(p, s.entity.fields)),
                    Text(bar(progress, None, BAR), style="green" if progress >= 0.7 else "cyan"),
                    pct(p.progress),
                    fmt(p.confidence),
                    rich_text(_recorded(p, s.entity.fields), "dim"),
                ],
            )
        )
    table = _table("date", "value", "progress", "", "confidence", "recorded in · changes")
    for row in _timeline(h, dated, 5):
        table.add_row(*row)
    if not s.points:
        console.print("  no check-ins yet")
    console.print(table)
    _changed_note(s, console)


def _changed_note(s: Series, console: Console) -> None:
    if any(p.definition_changed for p in s.points):
        console.print(rich_text("  " + CHANGED_NOTE, "dim"))


def _objective_chart(h: History, console: Console) -> None:
    from rich.text import Text

    dated = [
        (date, [Text(bar(value, None, BAR), style="cyan"), pct(value), ""])
        for date, value in h.progress
    ]
    table = _table("date", "objective progress", "", "changes")
    for row in _timeline(h, dated, 3):
        table.add_row(*row)
    console.print(table)


def _measure_chart(s: Series, console: Console) -> None:
    from rich.text import Text

    table = _table("period", "actual", "achievement", "", "status", "recorded in")
    for p in s.points:
        status = p.status or "unknown"
        style = STATUS_STYLE[status]
        achieved = p.progress
        table.add_row(
            rich_text(p.date),
            rich_text(value_text(p, s.entity.fields)),
            Text(bar(achieved or 0.0, None, BAR), style=style),
            pct(achieved),
            Text(status, style=style),
            rich_text(_recorded(p, s.entity.fields), "dim"),
        )
    if not s.points:
        console.print("  no actuals yet")
    console.print(table)
    _changed_note(s, console)


def _parts_table(h: History, console: Console) -> None:

    krs = h.subject.kind == "objective"
    table = _table(
        "key result" if krs else "measure",
        "title",
        "latest",
        "trend",
        "confidence" if krs else "status",
    )
    for part in h.parts:
        latest = part.points[-1] if part.points else None
        table.add_row(
            rich_text(part.entity.id),
            rich_text(part.entity.title, overflow="ellipsis"),
            rich_text(latest_text(part)),
            sparkline(trend(part), last=13),
            (fmt(latest.confidence) if krs else _status(latest.status)) if latest else "–",
        )
    console.print(table)


def _status(status: str | None) -> Any:
    from rich.text import Text

    return Text(status or "unknown", style=STATUS_STYLE[status or "unknown"])


def _changes_table(h: History, console: Console) -> None:
    from rich.text import Text

    if not h.events:
        console.print("  no change of definition")
        return
    table = _table("date", "commit", "author", "change", "commit message")
    for e in h.events:
        style = "bold red" if e.easier else ""
        table.add_row(
            e.revision.date.isoformat(),
            e.revision.short,
            rich_text(e.revision.author),
            rich_text(e.change.describe(), style),
            rich_text(e.revision.subject),
        )
    console.print()
    console.print(Text(f"Changes ({len(h.events)})", style="bold"))
    console.print(table)


# --- Markdown -------------------------------------------------------------------------


def markdown(h: History) -> str:
    s = h.subject
    where = f" ({s.period})" if s.period else ""
    out = [
        f"### History of {s.kind} {md_code(s.id)}{where}",
        "",
        f"**{md_text(s.title)}** · " + " · ".join(md_text(x) for x in facts(h)),
        "",
    ]
    chart = _mermaid(h)
    if chart:
        out += ["```mermaid", *chart, "```", ""]
    if h.own is not None:
        out += _md_points(h.own)
    if s.kind == "objective" and h.progress:
        out += ["| date | objective progress |", "|---|---|"]
        out += [f"| {d} | {_md_bar(v)} |" for d, v in h.progress]
        out.append("")
    if h.parts:
        out += _md_parts(h)
    out += ["#### Changes", ""]
    if not h.events:
        out += ["No change of definition.", ""]
    else:
        out += ["| date | commit | author | change | before | after |", "|---|---|---|---|---|---|"]
        for e in h.events:
            c = e.change
            what = md_text(f"{c.kind} {c.id} {c.change}") + (
                f" {md_code(c.field)}" if c.field else ""
            )
            what = what + (" **(easier)**" if e.easier else "")
            before = md_text(fmt(c.old)) if c.old is not None else ""
            after = md_text(fmt(c.new)) if c.new is not None else ""
            out.append(
                f"| {e.revision.date} | {md_text(e.revision.short)} | "
                f"{md_text(e.revision.author)} | {what} | {before} | {after} |"
            )
        out.append("")
    return "\n".join(out)


def _md_points(s: Series) -> list[str]:
    f = s.entity.fields
    if s.entity.kind == "measure":
        rows = ["| period | actual | achievement | status | recorded in |", "|---|---|---|---|---|"]
        rows += [
            f"| {p.date} | {md_text(value_text(p, f))} | {_md_bar(p.progress)} | "
            f"{p.status or 'unknown'} | {md_text(_recorded(p, f))} |"
            for p in s.points
        ]
    else:
        rows = ["| date | value | progress | confidence | recorded in |", "|---|---|---|---|---|"]
        rows += [
            f"| {p.date} | {md_text(value_text(p, f))} | {_md_bar(p.progress)} | "
            f"{fmt(p.confidence)} | {md_text(_recorded(p, f))} |"
            for p in s.points
        ]
    if any(p.definition_changed for p in s.points):
        rows += ["", CHANGED_NOTE + "."]
    return [*rows, ""] if s.points else ["No values yet.", ""]


def _md_bar(progress: float | None) -> str:
    return f"{bar(progress, None, BAR)} {pct(progress)}" if progress is not None else "–"


def _md_parts(h: History) -> list[str]:
    name = "key result" if h.subject.kind == "objective" else "measure"
    rows = [f"| {name} | title | latest | trend |", "|---|---|---|---|"]
    for part in h.parts:
        rows.append(
            f"| {md_text(part.entity.id)} | {md_text(part.entity.title)} | "
            f"{md_text(latest_text(part))} | {sparkline(trend(part), last=13)} |"
        )
    return [*rows, ""]


def _mermaid(h: History) -> list[str]:
    """An xychart of the values (key result, measure: with the target) or of an
    objective's progress; none for a scorecard objective, whose measures differ in unit."""
    s = h.subject
    if s.kind == "objective":
        if not h.progress:
            return []
        labels = [d for d, _ in h.progress]
        lines = [[round(v * 100, 1) for _, v in h.progress]]
        axis = f"{mermaid_label('progress %')} 0 --> 100"
    elif h.own is not None and h.own.points:
        points = [p for p in h.own.points if isinstance(p.value, int | float)]
        if not points:
            return []
        labels = [p.date for p in points]
        lines = [[float(p.value) for p in points]]
        target = s.fields.get("target")
        if isinstance(target, int | float) and not isinstance(target, bool):
            lines.append([float(target)] * len(points))
        axis = mermaid_label(s.fields.get("unit") or "value")
    else:
        return []
    out = [
        "xychart-beta",
        f"    title {mermaid_label(f'{s.id} over time')}",
        "    x-axis [" + ", ".join(mermaid_label(label) for label in labels) + "]",
        f"    y-axis {axis}",
    ]
    out += ["    line [" + ", ".join(f"{v:g}" for v in line) + "]" for line in lines]
    return out
