"""A semantic diff of the strategy between two states of the repo.

Things are matched by id (and period), not by file, so a file moved between
folders is not a delete plus an add: only its path changes.
"""

from __future__ import annotations

import datetime as dt
import json
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from okrbsc.strategy.loader import Pos
from okrbsc.strategy.models import Objective, OkrFile, Scorecard
from okrbsc.strategy.repo import Repo, SourceFile

CheckinMap = dict[str, tuple[Any, Any]]  # date -> (value, confidence)

#: a key result's goalposts: changing them after the period started is G501
GOALPOSTS = ("start", "target", "direction")


@dataclass(frozen=True)
class Entity:
    kind: str  # scorecard objective | measure | objective | key result
    id: str
    period: str | None
    path: str
    line: int
    fields: dict[str, Any]
    checkins: CheckinMap | None = None  # a measure's actuals: period -> (value, None)
    committed: bool = False
    parent: str | None = None  # a key result's objective, a measure's scorecard objective
    node: Any = field(default=None, compare=False, repr=False)  # the model, for positions

    @property
    def title(self) -> str:
        """Its title (a measure: its name)."""
        return str(self.fields.get("title") or self.fields.get("name") or "")

    def pos(self, name: str | None = None) -> Pos:
        """Line and column of the thing, or of one of its fields."""
        if self.node is None:
            return (self.line, 1)
        at: Pos = self.node.at(name)
        return at

    def checkin_pos(self, date: str) -> Pos:
        """Where the check-in of ``date`` is (a measure: its actuals)."""
        if self.kind == "measure" or self.node is None:
            return self.pos("actuals")
        for index, checkin in enumerate(self.node.checkins):
            if str(checkin.date) == date:
                at: Pos = self.node.item_at("checkins", index)
                return at
        return self.pos("checkins")


@dataclass(frozen=True)
class Change:
    kind: str
    id: str
    period: str | None
    change: str  # added | removed | moved | changed | check-in (actual) added | edited | removed
    path: str
    line: int
    field: str | None = None
    old: Any = None
    new: Any = None
    column: int = 1
    easier: bool | None = None  # a key result's goalposts moved: does it now ask for less?

    def describe(self) -> str:
        where = f" ({self.period})" if self.period else ""
        head = f"{self.kind} {self.id}{where}"
        if self.change in ("added", "removed"):
            return f"{head} {self.change}"
        if self.change == "moved":
            return f"{head} moved from {self.old} to {self.new}"
        if self.change.startswith(("check-in", "actual")):
            verb = self.change.split()[-1]
            detail = {
                "added": f"+ {self.new}",
                "removed": f"- {self.old}",
                "edited": f"{self.old} → {self.new}",
            }[verb]
            return f"{head}: {self.change} {self.field}: {detail}"
        easier = " (easier)" if self.easier else ""
        return f"{head}: {self.field} {fmt(self.old)} → {fmt(self.new)}{easier}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "period": self.period,
            "change": self.change,
            "field": self.field,
            "old": jsonable(self.old),
            "new": jsonable(self.new),
            "easier": self.easier,
            "path": self.path,
            "line": self.line,
            "column": self.column,
        }


def fmt(value: Any) -> str:
    """A value as YAML spells it, for people (SPEC 14.5): `false`, `[C1, A1]`,
    `2027-Q1: 19.5, 2027-Q2: 21.0`; never Python's `False` or `{'2027-Q1': 19.5}`.
    A whole number on its own reads as a person types it (`3`, `1234567`), other
    numbers in full (`0.123456789`, `1.0e+20`)."""
    if value is None:
        return "–"
    if isinstance(value, dict):
        return ", ".join(f"{_flow(k)}: {_flow(v)}" for k, v in value.items())
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, tuple):  # a range target (SPEC 15.2): [98, 100]
        return "[" + ", ".join(fmt(v) for v in value) + "]"
    return _flow(value)


def _flow(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        shown = repr(value)  # 21.0 as written; 1e+20 as okrbsc writes it, 1.0e+20
        if "e" not in shown:
            return shown
        mantissa, exponent = shown.split("e")
        return f"{mantissa if '.' in mantissa else mantissa + '.0'}e{exponent}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_flow(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def entities(repo: Repo) -> dict[tuple[str, ...], Entity]:
    """Every scorecard objective, measure, objective and key result of ``repo``: the
    scorecards first, then the OKR files by period; the first of a repeated id wins.

    Each file's entities are kept while the file lives, so states of a repo that
    share files (the history rules, `okrbsc history`) share that work."""
    okr_files = sorted(repo.okr_files, key=lambda pair: pair[1].period)
    out: dict[tuple[str, ...], Entity] = {}
    for file in [f for f, _ in repo.scorecards] + [f for f, _ in okr_files]:
        found = _BY_FILE.get(file)
        if found is None:
            found = _BY_FILE[file] = file_entities(file)
        for key, e in found.items():
            out.setdefault(key, e)
    return out


_BY_FILE: weakref.WeakKeyDictionary[SourceFile, dict[tuple[str, ...], Entity]] = (
    weakref.WeakKeyDictionary()
)


def file_entities(file: SourceFile) -> dict[tuple[str, ...], Entity]:
    """The entities one scorecard or OKR file defines."""
    model = file.model
    if isinstance(model, Scorecard):
        found = _scorecard_entities(file.path, model)
    elif isinstance(model, OkrFile):
        found = _okr_entities(file.path, model)
    else:
        return {}
    out: dict[tuple[str, ...], Entity] = {}
    for key, e in found:
        out.setdefault(key, e)
    return out


Keyed = Iterator[tuple[tuple[str, ...], Entity]]


def _scorecard_entities(path: str, card: Scorecard) -> Keyed:
    for sc in card.objectives:
        fields: dict[str, Any] = {
            "title": sc.title,
            "perspective": sc.perspective,
            "drives": list(sc.drives),
        }
        yield (
            ("scorecard objective", sc.id),
            Entity("scorecard objective", sc.id, None, path, sc.at()[0], fields, node=sc),
        )
        for m in sc.measures:
            measure: dict[str, Any] = {
                "name": m.name,
                "type": m.type,
                "unit": m.unit,
                "baseline": m.baseline,
                "target": m.target,
                "red_flag": m.red_flag,
                "direction": m.direction,
                "bands": m.bands.model_dump() if m.bands is not None else None,
                "targets": {str(k): v for k, v in m.targets.items()} or None,
            }
            if m.kind != "metric":  # binary and ordinal measures (SPEC 15.1)
                measure |= {"kind": m.kind, "scale": m.scale}
            actuals = {str(k): (v, None) for k, v in m.actuals.items()}
            entity = Entity(
                "measure", m.id, None, path, m.at()[0], measure, actuals, parent=sc.id, node=m
            )
            yield ("measure", m.id), entity


def _okr_entities(path: str, okrs: OkrFile) -> Keyed:
    period = str(okrs.period)
    for obj in okrs.objectives:
        fields: dict[str, Any] = {
            "title": obj.title,
            "type": obj.type,
            "owner": obj.owner,
            "aligns_to": list(obj.aligns_to),
            "depends_on": list(obj.depends_on),
            "weight": obj.weight,
            "score": obj.score,
        }
        yield (
            ("objective", period, obj.id),
            Entity("objective", obj.id, period, path, obj.at()[0], fields, node=obj),
        )
        for index in range(len(obj.key_results)):
            yield _kr_entity(path, period, obj, index)


def _kr_entity(
    path: str, period: str, obj: Objective, index: int
) -> tuple[tuple[str, ...], Entity]:
    kr, kr_id = obj.key_results[index], obj.kr_id(index)
    fields: dict[str, Any] = {
        "title": kr.title,
        "kind": kr.kind,
        "start": kr.start,
        "target": kr.target,
        "direction": kr.direction,
        "unit": kr.unit,
        "weight": kr.weight,
        "score": kr.score,
        "done": kr.done,
    }
    checkins = {str(c.date): (c.value, c.confidence) for c in kr.checkins}
    entity = Entity(
        "key result",
        kr_id,
        period,
        path,
        kr.at()[0],
        fields,
        checkins,
        committed=obj.type == "committed",
        parent=obj.id,
        node=kr,
    )
    return ("key result", period, kr_id), entity


def kept_key_results(before: Repo, after: Repo) -> Iterator[tuple[Entity, Entity]]:
    """(then, now) of every key result present in both states."""
    old, new = entities(before), entities(after)
    for key, now in new.items():
        then = old.get(key)
        if now.kind == "key result" and then is not None:
            yield then, now


def diff(before: Repo, after: Repo) -> list[Change]:
    old, new = entities(before), entities(after)
    changes: list[Change] = []
    for key, e in new.items():
        if key not in old:
            changes.append(lifecycle(e, "added"))
    for key, e in old.items():
        if key not in new:
            changes.append(lifecycle(e, "removed"))
    for key in old.keys() & new.keys():
        changes += compare(old[key], new[key])
    order = {k: i for i, k in enumerate([*new, *old])}
    return sorted(changes, key=lambda c: (order.get(_key(c), 0), c.change != "moved"))


def _key(c: Change) -> tuple[str, ...]:
    return (c.kind, c.period, c.id) if c.period else (c.kind, c.id)


def lifecycle(e: Entity, change: str) -> Change:
    """``e`` added or removed (where it is, or was)."""
    line, column = e.pos()
    return Change(e.kind, e.id, e.period, change, e.path, line, column=column)


def easier(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """A key result's new target asks for less than the old one."""
    o_start, o_target, n_target = old["start"], old["target"], new["target"]
    numbers = [
        v
        for v in (o_start, o_target, n_target)
        if isinstance(v, int | float) and not isinstance(v, bool)
    ]
    if len(numbers) < 3:
        return False
    o_start, o_target, n_target = numbers
    up = old["direction"] != "down" and o_target >= o_start
    return bool(n_target < o_target if up else n_target > o_target)


def compare(a: Entity, b: Entity) -> list[Change]:
    out = []
    if a.path != b.path:
        line, column = b.pos()
        out.append(
            Change(b.kind, b.id, b.period, "moved", b.path, line, None, a.path, b.path, column)
        )
    for name, value in b.fields.items():
        if a.fields.get(name) != value:
            line, column = b.pos(name)
            made_easier = None
            if b.kind == "key result" and name in GOALPOSTS:
                made_easier = easier(a.fields, b.fields)
            out.append(
                Change(
                    b.kind,
                    b.id,
                    b.period,
                    "changed",
                    b.path,
                    line,
                    name,
                    a.fields.get(name),
                    value,
                    column,
                    made_easier,
                )
            )
    if a.checkins is not None and b.checkins is not None:
        out += compare_checkins(a, b)
    return out


def compare_checkins(a: Entity, b: Entity) -> list[Change]:
    """Check-ins (a measure's actuals) added, edited or removed between two states."""
    assert a.checkins is not None and b.checkins is not None
    what = "actual" if b.kind == "measure" else "check-in"
    out = []

    def change(verb: str, date: str, old: Any, new: Any, at: Pos) -> Change:
        return Change(
            b.kind, b.id, b.period, f"{what} {verb}", b.path, at[0], date, old, new, at[1]
        )

    for date, value in b.checkins.items():
        if date not in a.checkins:
            out.append(change("added", date, None, _checkin(value), b.checkin_pos(date)))
        elif a.checkins[date] != value:
            out.append(
                change(
                    "edited", date, _checkin(a.checkins[date]), _checkin(value), b.checkin_pos(date)
                )
            )
    for date, value in a.checkins.items():
        if date not in b.checkins:
            gone = b.pos("actuals" if b.kind == "measure" else "checkins")
            out.append(change("removed", date, _checkin(value), None, gone))
    return out


def _checkin(value: tuple[Any, Any]) -> str:
    number, confidence = value
    text = fmt(number)
    return f"{text} (confidence {fmt(confidence)})" if confidence is not None else text


def summary(changes: list[Change]) -> dict[str, int]:
    out: dict[str, int] = {}
    for c in changes:
        out[c.change] = out.get(c.change, 0) + 1
    return out
