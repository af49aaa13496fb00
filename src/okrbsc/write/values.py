"""The one engine that merges incoming values into the files (SPEC 8.3, 13.2).

Every command that brings numbers from elsewhere (``pull`` from a database,
``import`` from a spreadsheet, ``checkin`` of a measure's actual) hands this
module *rows* and gets back *changes*; nothing else writes actuals or
check-ins from outside data. Two writers for one job is the thing to avoid.

API (kept stable; callers build rows, never edit YAML themselves)::

    from okrbsc.write.values import ActualRow, CheckinRow, merge, write

    rows = [
        ActualRow("F1-arr", Period.parse("2026-Q3"), 47.5, source="files"),
        CheckinRow("S1.1", dt.date(2026, 7, 6), 2.1, confidence=0.7, source="warehouse"),
    ]
    result = merge(repo, rows)          # a Merge: changes + errors; writes nothing
    written = write(repo, result, restate=False)   # the repo-relative paths written

* :class:`ActualRow` ``(measure, period, value)``: an actual of a scorecard
  measure for a period (quarter or fiscal year).
* :class:`CheckinRow` ``(key_result, date, value, confidence, source, note,
  period)``: a check-in of a key result. ``period`` picks the key result
  when its id is in several periods; without it, the key result whose
  period contains ``date`` is meant. ``source`` is the connection name
  (written as ``source:`` on new and restated check-ins), None for rows
  typed or imported by a person. ``note`` is written on new check-ins only.
* ``where`` on either row names it in errors ("row 3", "plan.xlsx!checkins!C14").
* Matching: an actual matches the same period key; a check-in matches the
  last check-in of the same date in the file. Two rows for the same target
  and key: the last row wins. Each row gives one :class:`Change`:
  ``added`` (no match), ``unchanged`` (value, and confidence when the row
  has one, equal within 1e-9) or ``restated`` (anything else; written only
  with ``restate=True``).
* :func:`write` edits each file once through :func:`okrbsc.write.safe.edit_yaml`
  (minimal text edits, every other byte kept, atomic, under the lock, refused on
  a file that does not load cleanly), inserting new entries in period and
  date order in the block or flow style around them; values are written as
  a person types them (integers without ``.0``, binary key results' and binary
  measures' values true/false, an ordinal measure's word, unquoted
  period keys and dates). Unchanged data changes no byte. It refuses a file
  that changed on disk since the repo was read (run again).
* A row that names no measure or key result, or a value that does not fit
  (a bool for a metric, 2 for a binary key result, NaN), is a
  :class:`RowError` in ``Merge.errors``; ``write`` refuses a merge that has
  errors unless ``partial=True`` (``pull`` writes what it can, ``import`` is
  all or nothing).
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from okrbsc.errors import DataError
from okrbsc.strategy.measurekinds import on_scale
from okrbsc.strategy.models import CheckIn, KeyResult, Measure, Node
from okrbsc.strategy.periods import Period
from okrbsc.strategy.repo import OkrRef, Repo, ScRef
from okrbsc.write.safe import (
    WriteError,
    edit_yaml,
    problems_of,
    refuse_odd_okr_paths,
    repo_lock,
    write_all,
)
from okrbsc.write.scalars import LARGEST_WHOLE
from okrbsc.write.splice import Doc

TOLERANCE = 1e-9
Value = int | float | bool | str


@dataclass(frozen=True, slots=True)
class ActualRow:
    measure: str
    period: Period
    value: Value
    source: str | None = None
    where: str = ""


@dataclass(frozen=True, slots=True)
class CheckinRow:
    key_result: str
    date: dt.date
    value: Value
    confidence: float | None = None
    source: str | None = None
    note: str | None = None
    period: Period | None = None
    where: str = ""


Row = ActualRow | CheckinRow
Located = tuple[Node, str | None, Node | None]
"""An item (measure or key result), the key whose line is its line, its file's model."""


class ChangeKind(enum.StrEnum):
    ADDED = "added"
    UNCHANGED = "unchanged"
    RESTATED = "restated"


@dataclass(frozen=True, slots=True)  # an import makes one per sheet row
class Change:
    """What one row does to the files; ``old`` is None for ``added``."""

    id: str
    kind: Literal["measure", "key result"]
    path: str
    _item: Located = field(compare=False, repr=False)
    key: str  # the period (measures) or the date (key results)
    change: ChangeKind
    old: Value | None
    new: Value
    source: str | None
    old_confidence: float | None = None
    new_confidence: float | None = None
    # where in the file (for write): scorecard objective / measure, or objective / KR index
    _place: tuple[int, int] = (0, 0)
    _row: Row | None = field(default=None, compare=False, repr=False)  # what write needs

    @property
    def line(self) -> int:
        """The line of the item's `id`, worked out when first asked: a position means
        reading the file again, which a merge whose changes nobody shows never needs."""
        item, key, within = self._item
        return item.at(key, within)[0]

    def to_dict(self) -> dict[str, Any]:
        key = "period" if self.kind == "measure" else "date"
        return {
            "id": self.id,
            "kind": self.kind,
            "path": self.path,
            "line": self.line,
            key: self.key,
            "change": str(self.change),
            "old": self.old,
            "new": self.new,
            "source": self.source,
        }


@dataclass(frozen=True)
class RowError:
    where: str
    id: str
    message: str
    path: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        at = f"{self.path}:{self.line or 1}: " if self.path else ""
        where = f"{self.where}: " if self.where else ""
        return f"{at}{where}{self.id}: {self.message}"


@dataclass
class Merge:
    changes: list[Change] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def of(self, kind: ChangeKind) -> list[Change]:
        return [c for c in self.changes if c.change is kind]


# --- matching -----------------------------------------------------------------------


def merge(repo: Repo, rows: Iterable[Row]) -> Merge:
    """Compare rows with the files; the last row for the same target and key wins."""
    out = Merge()
    changes: list[Change | None] = []
    # each target's keys (periods, dates) -> the place of their change; a later row for
    # the same target and key takes the later place (rows are let go as they are read:
    # an unchanged row's change does not keep it)
    places: dict[tuple[Any, ...], dict[Any, int]] = {}
    shared = _Shared()
    for row in rows:
        key = _target_key(repo, row, out)
        if key is None:
            continue
        if isinstance(row, ActualRow):
            change = _actual_change(repo, row)
        else:
            change = _checkin_change(key[1], row, shared)
        keys = places.setdefault(key[:-1], {})
        if key[-1] in keys:
            changes[keys[key[-1]]] = None
        keys[key[-1]] = len(changes)
        changes.append(change)
    out.changes = [c for c in changes if c is not None]
    return out


def _target_key(repo: Repo, row: Row, out: Merge) -> tuple[Any, ...] | None:
    problem = _value_problem(repo, row)
    if isinstance(row, ActualRow):
        if row.measure not in repo.measures:
            out.errors.append(RowError(row.where, row.measure, "no such measure in the scorecard"))
            return None
        if problem:
            out.errors.append(RowError(row.where, row.measure, problem))
            return None
        card, measure = repo.measures[row.measure]
        unfit = measure_value(measure, row.value)[1]
        if unfit:
            line = measure.at("id")[0]
            out.errors.append(RowError(row.where, row.measure, unfit, card.file.path, line))
            return None
        return ("measure", row.measure, row.period)
    target = _key_result(repo, row)
    if isinstance(target, str):
        out.errors.append(RowError(row.where, row.key_result, target))
        return None
    ref, index = target
    kr = ref.objective.key_results[index]
    problem = problem or _kr_value_problem(kr, row.value)
    if problem:
        line = (kr.at("id") if kr.id is not None else kr.at())[0]
        out.errors.append(RowError(row.where, row.key_result, problem, ref.file.path, line))
        return None
    return ("key result", (ref, index), row.date)


def _value_problem(repo: Repo, row: Row) -> str | None:
    if isinstance(row.value, float) and not math.isfinite(row.value):
        return f"value {row.value} is not a finite number"
    if isinstance(row, CheckinRow) and row.confidence is not None:
        scale = repo.config.confidence_scale
        if not (math.isfinite(row.confidence) and 0 <= row.confidence <= scale):
            return f"confidence {row.confidence:g} is outside 0..{scale} (confidence_scale)"
    return None


_YES = frozenset(["true", "yes", "done", "1"])
_NO = frozenset(["false", "no", "not done", "0"])


def measure_value(measure: Measure, given: Value) -> tuple[Value | None, str | None]:
    """``given`` as an actual of ``measure``'s kind (SPEC 15.1), or why it cannot be one:
    a binary measure takes true/false (yes/no, done, 1/0), an ordinal one a word (on
    its scale, in the scale's spelling), a metric one a number."""
    if measure.kind == "binary":
        word = given if isinstance(given, str) else str(typed(given)).lower()
        if isinstance(given, bool):
            return given, None
        if word.strip().lower() in _YES | _NO:
            return word.strip().lower() in _YES, None
        return None, f"a binary measure takes true or false (yes/no, done), not {word!r}"
    if measure.kind == "ordinal":
        if isinstance(given, bool):
            return None, "an ordinal measure takes a word, not true/false"
        word = given.strip() if isinstance(given, str) else str(typed(given))
        if measure.scale is None:
            return (word, None) if word else (None, "an ordinal measure takes a word")
        at = on_scale(word, measure.scale)
        if at is None:
            return None, f"{word!r} is not on the measure's scale ({', '.join(measure.scale)})"
        return measure.scale[at], None
    if isinstance(given, bool):
        return None, "a measure's value is a number, not a boolean"
    if isinstance(given, str):
        return None, f"a metric measure's value is a number, not {given!r}"
    return given, None


def _kr_value_problem(kr: KeyResult, value: Value) -> str | None:
    if kr.kind == "binary":
        if value not in (0, 1):
            return f"a binary key result takes 0/1 or true/false, not {value!r}"
    elif isinstance(value, bool):
        return f"a metric key result takes a number, not {str(value).lower()}"
    return None


def _key_result(repo: Repo, row: CheckinRow) -> tuple[OkrRef, int] | str:
    found = repo.key_results_named(row.key_result)
    if not found:
        return "no such key result in this repo"
    if row.period is not None:  # (the tuples themselves: a merge keeps one per row)
        found = [target for target in found if target[0].period == row.period]
        if not found:
            return f"no such key result in {row.period}"
    cal = repo.calendar
    inside = [target for target in found if cal.contains(target[0].period, row.date)]
    if not inside:
        periods = ", ".join(sorted({str(ref.period) for ref, _ in found}))
        return f"{row.date} lies outside the key result's period ({periods})"
    if len(inside) > 1:
        periods = ", ".join(str(ref.period) for ref, _ in inside)
        return f"the id is in several periods containing {row.date} ({periods})"
    return inside[0]


def same(a: Value | None, b: Value | None) -> bool:
    if a is None or b is None:
        return a is b
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return abs(float(a) - float(b)) <= TOLERANCE


def _actual_change(repo: Repo, row: ActualRow) -> Change:
    ref, measure = repo.measures[row.measure]
    old = _actual_in(measure, row.period)
    value = measure_value(measure, row.value)[0]
    assert value is not None  # rows whose value does not fit are errors (_target_key)
    value = value if isinstance(value, bool | str) else typed(value)
    kind = _kind(old, value, None, None)
    obj_index = _position(ref.objective.measures, measure)
    sc_index = _sc_index(ref)
    where = (measure, "id", ref.file.model)
    return Change(
        row.measure, "measure", ref.file.path, where, str(row.period), kind,
        old[1] if old else None, value, row.source,
        _place=(sc_index, obj_index), _row=None if kind is ChangeKind.UNCHANGED else row,
    )  # fmt: skip


def _sc_index(ref: ScRef) -> int:
    card = ref.file.model
    return _position(getattr(card, "objectives", []), ref.objective)


def _position(items: list[Any], item: Any) -> int:
    """The index of ``item`` by identity (``list.index`` compares models field by field)."""
    return next(i for i, o in enumerate(items) if o is item)


def _actual_in(measure: Measure, period: Period) -> tuple[Any, Value] | None:
    """(the file's key, its value) of the actual for ``period``, if any."""
    found = None
    for key, value in measure.actuals.items():
        if Period.parse(key) == period:
            found = (key, value if isinstance(value, bool | str) else typed(value))
    return found


def _checkin_change(target: tuple[OkrRef, int], row: CheckinRow, shared: _Shared) -> Change:
    ref, index = target
    kr = ref.objective.key_results[index]
    old = _checkin_on(kr, row.date)
    binary = kr.kind == "binary"  # true/false, as checkin writes it (SPEC 14.5)
    new = bool(row.value) if binary else typed(row.value)
    before = None if old is None else bool(old.value) if binary else typed(old.value)
    kind = _kind(old, new, old.confidence if old else None, row.confidence)
    where, place = shared.of(ref, index)
    return Change(
        ref.objective.kr_id(index), "key result", ref.file.path, where, shared.day(row.date),
        kind, before, new, row.source,
        old_confidence=old.confidence if old else None, new_confidence=row.confidence,
        _place=place, _row=None if kind is ChangeKind.UNCHANGED else row,
    )  # fmt: skip


class _Shared:
    """What the changes of one key result (or of one date) share, made once: an import
    of an export of 250,000 check-ins makes as many changes."""

    def __init__(self) -> None:
        self.index: dict[int, int] = {}  # each objective's index in its file, by identity
        self.items: dict[int, tuple[Located, tuple[int, int]]] = {}
        self.days: dict[dt.date, str] = {}

    def of(self, ref: OkrRef, index: int) -> tuple[Located, tuple[int, int]]:
        """The key result (for `Change.line`) and its place in its file."""
        kr = ref.objective.key_results[index]
        found = self.items.get(id(kr))
        if found is None:
            where = (kr, "id" if kr.id is not None else None, ref.doc)
            found = self.items[id(kr)] = (where, (self._objective(ref), index))
        return found

    def _objective(self, ref: OkrRef) -> int:
        found = self.index.get(id(ref.objective))
        if found is None:
            for i, objective in enumerate(ref.doc.objectives):
                self.index.setdefault(id(objective), i)
            found = self.index[id(ref.objective)]
        return found

    def day(self, day: dt.date) -> str:
        found = self.days.get(day)
        if found is None:
            found = self.days[day] = day.isoformat()
        return found


def _checkin_on(kr: KeyResult, day: dt.date) -> CheckIn | None:
    return next((c for c in reversed(kr.checkins) if c.date == day), None)


def _kind(old: Any, new: Value, old_conf: float | None, new_conf: float | None) -> ChangeKind:
    if old is None:
        return ChangeKind.ADDED
    value = old.value if isinstance(old, CheckIn) else old[1]
    if same(value, new) and (new_conf is None or same(old_conf, new_conf)):
        return ChangeKind.UNCHANGED
    return ChangeKind.RESTATED


def typed(value: Value) -> Value:
    """A value as a person types it: 3, not 3.0; true/false stay as they are."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) <= LARGEST_WHOLE:
        return int(value)
    return value


# --- writing ------------------------------------------------------------------------


def write(
    repo: Repo,
    result: Merge,
    *,
    restate: bool = False,
    partial: bool = False,
    create: dict[str, str] | None = None,
) -> list[str]:
    """Write ``added`` (and with ``restate`` the ``restated``) changes; returns the paths.

    A merge with errors is refused (nothing written) unless ``partial``.
    ``create`` maps repo paths of new files (``import``'s new team files) to
    their text; they must not exist yet. All files are written at once, or
    none is.
    """
    if result.errors and not partial:
        raise DataError(f"{len(result.errors)} rows cannot be used, so nothing was written")
    wanted = {ChangeKind.ADDED, ChangeKind.RESTATED} if restate else {ChangeKind.ADDED}
    by_file: dict[str, list[Change]] = {}
    for change in result.changes:
        if change.change in wanted:
            by_file.setdefault(change.path, []).append(change)
    texts = {f.path: f.text for f in repo.files}
    created = create or {}
    with repo_lock(repo.root):
        _new_files_absent(repo, created)
        collected: list[tuple[Path, str, str | bytes]] = []
        for path, changes in by_file.items():
            _unchanged_since_read(repo, path, texts.get(path))

            def keep(target: Path, text: str | bytes, label: str = path) -> None:
                collected.append((target, label, text))

            edit_yaml(repo.root / path, path, _editor(changes), write=keep)
        collected += [(repo.root / path, path, text) for path, text in created.items()]
        write_all(repo.root, collected, new=False)
    return list(by_file) + list(created)


def _new_files_absent(repo: Repo, created: dict[str, str]) -> None:
    refuse_odd_okr_paths(repo.root, list(created))
    for path, text in created.items():
        target = repo.root / path
        if target.exists() or target.is_symlink():
            raise WriteError(f"{path} exists: refused to overwrite it, nothing was written")
        problems = problems_of(text.encode("utf-8"), path)
        if problems:  # never write what we could not read back
            raise WriteError(f"{path}: the new file would not load cleanly:", details=problems)


def _editor(changes: list[Change]) -> Any:
    def edit(doc: Doc) -> None:
        groups: dict[tuple[str, tuple[int, int]], list[Change]] = {}
        for change in changes:
            groups.setdefault((change.kind, change._place), []).append(change)
        for (kind, place), group in groups.items():
            if kind == "measure":
                _write_actuals(doc, place, group)
            else:
                _write_checkins(doc, place, group)

    return edit


def _unchanged_since_read(repo: Repo, path: str, expected: str | None) -> None:
    """The changes point at items by position: refuse a file edited since it was read."""
    try:
        now = (repo.root / path).read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return  # edit_yaml reports it
    if expected is not None and now != expected:
        raise WriteError(f"{path} changed while okrbsc was reading it: run the command again")


def _write_actuals(doc: Doc, place: tuple[int, int], changes: list[Change]) -> None:
    """The actuals of one measure, in period order, in the style around them."""
    node = ("objectives", place[0], "measures", place[1])
    changes = sorted(changes, key=lambda c: Period.parse(c.key))
    if not isinstance(doc.original_at(node).get("actuals"), dict):
        new = {_period_key(Period.parse(c.key)): c.new for c in changes}
        doc.set(node, "actuals", new, before=("source",))
        return
    where = (*node, "actuals")
    keys = list(doc.original_at(where))
    for change in changes:
        period = Period.parse(change.key)
        existing = [k for k in keys if _period_or_none(k) == period]
        if existing:
            doc.set(where, existing[-1], change.new)
            continue
        later = [i for i, k in enumerate(keys) if (_period_or_none(k) or period) > period]
        doc.insert(where, _period_key(period), change.new, later[0] if later else None)


def _period_key(period: Period) -> str | int:
    return period.year if period.quarter is None else str(period)


def _period_or_none(key: Any) -> Period | None:
    try:
        return Period.parse(key)
    except ValueError:
        return None


def _write_checkins(doc: Doc, place: tuple[int, int], changes: list[Change]) -> None:
    """The check-ins of one key result: restated in place, added in date order."""
    from okrbsc.write.checkin import add_checkins

    kr = ("objectives", place[0], "key_results", place[1])
    listed = doc.original_at(kr).get("checkins")
    old = listed if isinstance(listed, list) else []
    added: list[tuple[int | None, Any]] = []
    for change in sorted(changes, key=lambda c: c.key):
        row = change._row
        assert isinstance(row, CheckinRow)
        if change.change is ChangeKind.RESTATED:
            match = [i for i, c in enumerate(old) if _date_of(c) == row.date]
            _restate(doc, (*kr, "checkins", match[-1]), change, row)
            continue
        later = [i for i, c in enumerate(old) if (_date_of(c) or row.date) > row.date]
        added.append((later[0] if later else None, _entry(change, row)))
    if added:
        add_checkins(doc, kr, added)


def _restate(doc: Doc, entry: tuple[str | int, ...], change: Change, row: CheckinRow) -> None:
    doc.set(entry, "value", change.new)
    if row.confidence is not None:
        doc.set(entry, "confidence", typed(row.confidence), ("note", "source"))
    if row.source is not None:
        doc.set(entry, "source", row.source)
    elif "source" in doc.original_at(entry):
        doc.delete(entry, "source")


def _entry(change: Change, row: CheckinRow) -> dict[str, Any]:
    entry: dict[str, Any] = {"date": row.date, "value": change.new}
    if row.confidence is not None:
        entry["confidence"] = typed(row.confidence)
    if row.note:
        entry["note"] = row.note
    if row.source is not None:
        entry["source"] = row.source
    return entry


def _date_of(entry: Any) -> dt.date | None:
    found = entry.get("date") if isinstance(entry, dict) else None
    if isinstance(found, dt.datetime):
        return found.date()
    return found if isinstance(found, dt.date) else None
