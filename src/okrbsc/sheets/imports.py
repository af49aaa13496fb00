"""Imported sheets turned into what `okrbsc import` does (SPEC 13.2): rows for the values
engine, definitions compared with the files, and new team files for a migration.

:func:`plan` reads nothing but the tables and the repo and writes nothing: it
returns a :class:`Plan` whose ``rows`` go to :func:`okrbsc.write.values.merge`
(the engine `pull` uses), whose ``created`` are the texts of new OKR files, and
whose ``errors`` and ``differences`` (each at its cell) mean nothing is written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from okrbsc.sheets.cells import (
    CellError,
    date,
    flag,
    measure_value,
    number,
    raw,
    text,
    value,
    verbatim,
)
from okrbsc.sheets.read import Table
from okrbsc.sheets.yamltext import okr_file
from okrbsc.strategy.models import KeyResult
from okrbsc.strategy.periods import Period
from okrbsc.strategy.repo import OkrRef, Repo
from okrbsc.write.values import ActualRow, CheckinRow, Row, same

REVIEWED = "definitions change in the YAML, reviewed in a pull request"
REQUIRED = {
    "objectives": ("id", "team", "period", "title"),
    "key_results": ("id", "objective", "title"),
    "checkins": ("key_result", "date", "value"),
    "measures": ("id",),
    "actuals": ("measure", "period", "value"),
}
OBJECTIVE_FIELDS = {
    "title": ("verbatim", None), "type": ("text", "aspirational"), "owner": ("text", None),
    "aligns_to": ("list", ()), "weight": ("number", 1),
}  # fmt: skip
KR_FIELDS = {
    "title": ("verbatim", None), "kind": ("text", "metric"), "start": ("number", None),
    "target": ("number", None), "current": ("number", None), "unit": ("text", None),
    "direction": ("text", None), "owner": ("text", None), "weight": ("number", 1),
    "due": ("date", None),
}  # fmt: skip
MEASURE_FIELDS = {
    "name": ("verbatim", None), "unit": ("text", None), "type": ("text", "lag"),
    "direction": ("text", None), "baseline": ("number", None), "target": ("target", None),
    "red_flag": ("measure", None),
}  # fmt: skip


READ: tuple[Any, ...] = ()  # what is left of a table's row once read (see `lines`)


@dataclass
class Plan:
    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)
    created: dict[str, str] = field(default_factory=dict)  # repo path → YAML text

    def taken(self) -> Iterator[Row]:
        """The rows, each let go as it is taken (so :func:`merge` keeps only the rows of
        changes it writes: an export imported back has 250,000 unchanged ones)."""
        rows, self.rows = self.rows, []
        rows.reverse()
        while rows:
            yield rows.pop()


class Skip(Exception):
    """The row has an error (recorded); it is not used."""


@dataclass
class Line:
    """One data row of a table, its cells by column name.

    A bad or missing cell is recorded as an error and read as None, so that
    every bad cell of a row is listed (SPEC 14.6); :meth:`checked` then skips
    the row."""

    table: Table
    index: int
    columns: dict[str, int]
    plan: Plan
    failed: set[str] = field(default_factory=set)

    def where(self, name: str | None = None) -> str:
        col = self.columns.get(name, 0) if name else 0
        return self.table.where(self.index, col)

    def get(self, name: str, parse: Callable[[Any], Any] = text) -> Any:
        if name not in self.columns:
            return None
        try:
            return parse(raw(self.table, self.index, self.columns[name]))
        except CellError as exc:
            self.fail(name, str(exc))
            return None

    def need(self, name: str, parse: Callable[[Any], Any] = text) -> Any:
        found = self.get(name, parse)
        if found is None and name not in self.failed:
            self.fail(name, f"{name} is empty")
        return found

    def fail(self, name: str, message: str) -> None:
        self.plan.errors.append(f"{self.where(name)}: {message}")
        self.failed.add(name)

    def checked(self) -> None:
        """Every cell the row needs has been read: a row with a bad one is skipped."""
        if self.failed:
            raise Skip


@dataclass
class Record:
    """An objective or a key result as a sheet gives it."""

    kind: str  # "objective" | "key result"
    id: str
    team: str | None
    period: Period | None
    values: dict[str, Any]
    line: Line
    objective: str | None = None  # a key result's objective
    checkins: list[dict[str, Any]] = field(default_factory=list)
    outline: bool = False  # from --layout outline: only the columns it has are compared

    def compared(self, fields: dict[str, tuple[str, Any]]) -> list[tuple[str, Any]]:
        return [(n, d) for n, (_, d) in fields.items() if not self.outline or n in self.values]


def parser(kind: str, table: Table) -> Callable[[Any], Any]:
    return _parsers(table.decimal_comma)[kind]


@functools.cache
def _parsers(comma: bool) -> dict[str, Callable[[Any], Any]]:
    return {
        "text": text,
        "verbatim": verbatim,
        "number": lambda c: number(c, comma),
        "date": date,
        "list": lambda c: tuple(p.strip() for p in (text(c) or "").split(",") if p.strip()),
        "period": period_cell,
        "value": lambda c: value(c, comma),
        "flag": flag,
        "measure": lambda c: measure_value(c, comma),  # a number, true/false or a word
        "target": lambda c: measure_value(c, comma, range_ok=True),
    }


def team_cell(cell: Any) -> str | None:
    """A team id names a file (okrs/<year>/Q<n>/<team>.yaml): a name, never a path."""
    from okrbsc.strategy.models import check_file_identifier

    found = text(cell)
    if found is None:
        return None
    try:
        check_file_identifier(found)
    except ValueError as exc:
        raise CellError(str(exc)) from None
    return found


def period_cell(cell: Any) -> Period | None:
    found = text(cell)
    if found is None:
        return None
    try:
        return Period.parse(found)
    except ValueError as exc:
        raise CellError(str(exc)) from None


def lines(table: Table, plan: Plan, required: tuple[str, ...]) -> Iterable[Line]:
    """The data rows of ``table``, or none when it lacks a column of ``required`` (an
    error in ``plan``). They are made one at a time, and a row's cells are let go once
    the next is asked for: what was read of them is in the records and rows made."""
    columns: dict[str, int] = {}
    for i, name in enumerate(table.header):
        columns.setdefault(name, i)
    missing = [c for c in required if c not in columns]
    if missing:
        plan.errors.append(
            f"{table.header_where()}: sheet {table.name} has no column "
            + ", ".join(missing)
            + f" (it needs {', '.join(required)})"
        )
        return []
    return _one_by_one(table, columns, plan)


def _one_by_one(table: Table, columns: dict[str, int], plan: Plan) -> Iterator[Line]:
    for i in range(len(table.rows)):
        yield Line(table, i, columns, plan)
        table.rows[i] = READ


# --- the okrbsc layout ------------------------------------------------------------------


def plan(repo: Repo, tables: list[Table], *, force: bool = False) -> Plan:
    """The sheets of an export (any of them), read back. Without ``force``, a check-in
    row for a key result whose recorded score is final is an error (SPEC 14.2)."""
    out = Plan()
    by_name = {t.name: t for t in reversed(tables)}
    found: dict[str, Iterable[Line]] = {
        n: lines(by_name[n], out, REQUIRED[n]) for n in REQUIRED if n in by_name
    }
    if not found:
        names = ", ".join(t.name for t in tables) or "none"
        out.errors.append(f"no sheet named {', '.join(REQUIRED)} (sheets: {names})")
    records = [r for line in found.get("objectives", []) if (r := _objective(line))]
    records += [r for line in found.get("key_results", []) if (r := _key_result(line))]
    Definitions(repo, out, force=force).apply(records, found.get("checkins", []))
    for line in found.get("actuals", []):
        _actual(line)
    for line in found.get("measures", []):
        _measure(repo, line)
    return out


def _objective(line: Line) -> Record | None:
    try:
        fields = OBJECTIVE_FIELDS.items()
        ident, team = line.need("id"), line.need("team", team_cell)
        period = line.need("period", period_cell)
        values = {k: line.get(k, parser(kind, line.table)) for k, (kind, _) in fields}
        line.checked()
        return Record("objective", ident, team, period, values, line)
    except Skip:
        return None


def _key_result(line: Line) -> Record | None:
    try:
        ident, objective = line.need("id"), line.need("objective")
        team, period = line.get("team", team_cell), line.get("period", period_cell)
        values = {k: line.get(k, parser(kind, line.table)) for k, (kind, _) in KR_FIELDS.items()}
        line.checked()
        return Record("key result", ident, team, period, values, line, objective=objective)
    except Skip:
        return None


def _actual(line: Line) -> None:
    with contextlib.suppress(Skip):
        measure, period = line.need("measure"), line.need("period", period_cell)
        amount = line.need("value", parser("measure", line.table))
        line.checked()
        line.plan.rows.append(ActualRow(measure, period, amount, where=line.where("value")))


def _measure(repo: Repo, line: Line) -> None:
    try:
        ident = line.need("id")
        line.checked()
        if ident not in repo.measures:
            line.plan.differences.append(
                f"{line.where('id')}: {ident} is not a measure of the scorecard ({REVIEWED})"
            )
            return
        model = repo.measures[ident][1]
        for name, (kind, default) in MEASURE_FIELDS.items():
            if model.kind == "ordinal" and name in ("target", "red_flag"):
                kind = "text"  # a word, even one that reads as a number ("2")
            sheet = line.get(name, parser(kind, line.table))
            if name == "target" and _a_stated_target(sheet, model.targets.values()):
                continue  # export shows the target the period's actual uses (SPEC 15.3)
            if name not in line.failed:
                compare(line, ident, name, sheet, getattr(model, name), default)
    except Skip:
        pass


def _a_stated_target(sheet: Any, targets: Any) -> bool:
    """Whether a number in the sheet is one of the measure's `targets` entries."""
    if not isinstance(sheet, int | float) or isinstance(sheet, bool):
        return False
    return any(
        isinstance(t, int | float) and not isinstance(t, bool) and same(sheet, t) for t in targets
    )


def compare(line: Line, ident: str, name: str, sheet: Any, file: Any, default: Any) -> None:
    """A definition cell that differs from the file is reported, never written."""
    if name not in line.columns:
        return
    a = default if sheet is None else sheet
    b = default if file is None else file
    if isinstance(b, list):
        b = tuple(b)
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        equal = same(a, b)
    else:
        equal = a == b
    if not equal:
        line.plan.differences.append(
            f"{line.where(name)}: {ident} {name} is {shown(sheet)} in the sheet, "
            f"{shown(file)} in the files ({REVIEWED})"
        )


def shown(value: Any) -> str:
    if value is None or value == ():
        return "empty"
    if isinstance(value, tuple | list):
        return repr(", ".join(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return repr(value) if isinstance(value, str) else str(value)


# --- definitions: compared, or new files ------------------------------------------------


class Definitions:
    """Objectives and key results of the sheets against the files; new teams' files."""

    def __init__(self, repo: Repo, out: Plan, *, force: bool = False) -> None:
        self.repo, self.out, self.force = repo, out, force
        self.files = {(doc.team, doc.period): f.path for f, doc in repo.okr_files}
        self.new: dict[tuple[str, Period], list[Record]] = {}
        self.new_krs: dict[str, Record] = {}
        self.kr_period: dict[str, Period] = {}
        self.final: dict[str, list[tuple[OkrRef, KeyResult, str]]] = {}  # see _finals
        self.read: dict[str, Any] = {}  # dates read from text
        self.values: dict[tuple[str, bool], dict[str, Any]] = {}  # see _cached

    def apply(self, records: list[Record], checkins: Iterable[Line]) -> None:
        for rec in records:
            if rec.kind == "objective":
                self._objective(rec)
            else:
                self._key_result(rec)
        for line in checkins:
            self._checkin(line)
        for (team, period), objectives in self.new.items():
            path = new_path(team, period)
            self.out.created[path] = okr_file(team, period, objectives)

    def _objective(self, rec: Record) -> None:
        assert rec.team is not None and rec.period is not None
        ref = self.repo.okr_objective(rec.period, rec.id)
        if ref is not None:
            for name, default in rec.compared(OBJECTIVE_FIELDS):
                file = getattr(ref.objective, name)
                compare(rec.line, rec.id, name, rec.values.get(name), file, default)
            if ref.team != rec.team:
                compare(rec.line, rec.id, "team", rec.team, ref.team, None)
            return
        if (rec.team, rec.period) in self.files:
            self.out.differences.append(
                f"{rec.line.where('id')}: {rec.id} is a new objective for "
                f"{self.files[rec.team, rec.period]} ({REVIEWED})"
            )
        elif rec.team not in self.repo.teams:
            from okrbsc.strategy.validate import nearest

            self.out.errors.append(
                f"{rec.line.where('team')}: team {rec.team!r} is not in okrbsc.yaml"
                f"{nearest(rec.team, self.repo.teams)}: add it under teams: first"
            )
        elif rec.values["title"] is None:
            self.out.errors.append(f"{rec.line.where('title')}: title is empty")
        else:
            self.new.setdefault((rec.team, rec.period), []).append(rec)

    def _key_result(self, rec: Record) -> None:
        parent = self._new_objective(rec)
        if parent is not None:
            parent.values.setdefault("key_results", []).append(rec)
            self.new_krs[rec.id] = rec
            return
        found = [(r, i) for r, i in self.repo.key_results_named(rec.id)
                 if rec.period is None or r.period == rec.period]  # fmt: skip
        if not found:
            self.out.differences.append(
                f"{rec.line.where('id')}: {rec.id} is not a key result of the files ({REVIEWED})"
            )
            return
        ref, index = found[0]
        self.kr_period[rec.id] = ref.period
        kr = ref.objective.key_results[index]
        compare(rec.line, rec.id, "objective", rec.objective, ref.objective.id, None)
        for name, default in rec.compared(KR_FIELDS):
            file = getattr(kr, name) if name != "current" or kr.kind != "binary" else kr.done
            compare(rec.line, rec.id, name, rec.values.get(name), number_or(file), default)
        if rec.outline and rec.values.get("done") is not None:
            compare(rec.line, rec.id, "done", rec.values["done"], kr.done, None)

    def _new_objective(self, rec: Record) -> Record | None:
        for (team, period), objectives in self.new.items():
            if rec.team not in (None, team) or rec.period not in (None, period):
                continue
            for obj in objectives:
                if obj.id == rec.objective:
                    return obj
        return None

    def _checkin(self, line: Line) -> None:
        kr = line.need("key_result")
        day = line.need("date", self._date)
        amount = line.need("value", self._cached("value", line.table))
        confidence = line.get("confidence", self._cached("number", line.table))
        note = line.get("note", verbatim)
        if (
            day is not None
            and day > self.repo.as_of
            and self._new_to_files(kr, day, amount, confidence)
        ):
            # SPEC 14.3; a row the files already hold is no new value (an export imported
            # unchanged changes nothing, whatever the as-of)
            line.fail(
                "date",
                f"{day} is after as-of ({self.repo.as_of}): a check-in records a value "
                "already measured",
            )
        try:
            line.checked()
        except Skip:
            return
        if kr in self.new_krs:
            entry = {"date": day, "value": amount, "confidence": confidence, "note": note}
            self.new_krs[kr].checkins.append(entry)
            return
        if not self.force and self._final(line, kr, day, (amount, confidence)):
            return
        self.out.rows.append(
            CheckinRow(kr, day, amount, confidence, None, note, self.kr_period.get(kr),
                       where=line.where("value"))
        )  # fmt: skip

    def _date(self, cell: Any) -> Any:
        """A date cell read once per spelling (an export's dates repeat by the thousand)."""
        if type(cell) is not str:
            return date(cell)
        if cell not in self.read:
            self.read[cell] = date(cell)
        return self.read[cell]

    def _cached(self, kind: str, table: Table) -> Callable[[Any], Any]:
        """``parser(kind, table)`` reading a text cell once per spelling (an export's
        values and confidences repeat): only text, so a cell 1 is never read as True."""
        parse = parser(kind, table)
        cache = self.values.setdefault((kind, table.decimal_comma), {})

        def read(cell: Any) -> Any:
            if type(cell) is not str:
                return parse(cell)
            if cell not in cache:
                cache[cell] = parse(cell)
            return cache[cell]

        return read

    def _new_to_files(self, ident: Any, day: Any, amount: Any, confidence: Any) -> bool:
        """Whether a check-in row is not already held by the key result it names."""
        from okrbsc.scoring.freshness import would_change

        if not isinstance(amount, int | float) or ident in self.new_krs:
            return True
        return all(
            would_change(ref.objective.key_results[index], day, amount, confidence)
            for ref, index in self.repo.key_results_named(ident)
        )

    def _finals(self, ident: str) -> list[tuple[OkrRef, KeyResult, str]]:
        """The key results named ``ident`` whose recorded score is final, and why (once
        for all the check-ins of an id; most have none)."""
        from okrbsc.scoring.freshness import final_score

        found = self.final.get(ident)
        if found is None:
            found = self.final[ident] = []
            for ref, index in self.repo.key_results_named(ident):
                kr = ref.objective.key_results[index]
                why = final_score(self.repo, ref, kr)
                if why is not None:
                    found.append((ref, kr, why))
        return found

    def _final(self, line: Line, ident: str, day: Any, given: tuple[Any, Any]) -> bool:
        """SPEC 14.2: a new or changed check-in of a key result whose recorded score is
        in force is an error at its key_result cell (`import --force` writes it)."""
        from okrbsc.scoring.freshness import would_change

        period = self.kr_period.get(ident)
        for ref, kr, why in self._finals(ident):
            if (period is not None and ref.period != period) or not self.repo.calendar.contains(
                ref.period, day
            ):
                continue
            if would_change(kr, day, *given):
                self.out.errors.append(
                    f"{line.where('key_result')}: {ident} has {why}, final since "
                    f"{self.repo.calendar.end(ref.period)}: the check-in is not imported; "
                    "pass --force to import it (the recorded score stays)"
                )
                return True
        return False


def number_or(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    return value


def new_path(team: str, period: Period) -> str:
    return f"okrs/{period.folder}/{team}.yaml"


# --- the outline layout -----------------------------------------------------------------

OUTLINE_NUMBER = ("#", "no", "no.", "outline", "number")
OUTLINE_KR = {"key result", "key_result", "key-result", "kr", "keyresult"}
OUTLINE_OBJECTIVE = {"objective", "obj", "o"}


@dataclass(frozen=True)
class Defaults:
    """What `--team`, `--period` and `--prefix` supply for an outline sheet."""

    team: str | None = None
    period: Period | None = None
    prefix: str | None = None


def plan_outline(repo: Repo, tables: list[Table], given: Defaults) -> Plan:
    """One sheet in the layout other OKR tools export: `1`, `1.1`, … with titles."""
    out = Plan()
    table = tables[0]
    number_column = next((c for c in OUTLINE_NUMBER if c in table.header), None)
    if number_column is None:
        out.errors.append(
            f"{table.header_where()}: sheet {table.name} has no outline number column "
            f"(one of {', '.join(OUTLINE_NUMBER)})"
        )
        return out
    records = []
    for line in lines(table, out, (number_column, "title")):
        try:
            records.append(_outline_record(line, number_column, given))
        except Skip:
            continue
    Definitions(repo, out).apply(records, [])
    return out


def _outline_record(line: Line, number_column: str, given: Defaults) -> Record:
    outline = line.need(number_column)
    kind = (line.get("type") or "").lower()
    is_kr = kind in OUTLINE_KR or (kind not in OUTLINE_OBJECTIVE and "." in (outline or ""))
    team = line.get("team", team_cell) or given.team
    period = line.get("period", period_cell) or given.period
    for what, found in (("team", team), ("period", period)):
        if found is None and what not in line.failed:
            line.plan.errors.append(f"{line.where(number_column)}: no {what}: add a {what} "
                                    f"column or pass --{what}")  # fmt: skip
            line.failed.add(what)
    values: dict[str, Any] = {"title": line.need("title", verbatim), "owner": line.get("owner")}
    if not is_kr:
        line.checked()
        assert team is not None and period is not None
        prefix = given.prefix if given.prefix is not None else team[:1].upper()
        return Record("objective", prefix + outline, team, period, values, line, outline=True)
    for name in ("start", "target", "current"):
        values[name] = line.get(name, parser("number", line.table))
    values["unit"] = line.get("unit")
    done = line.get("done", flag)
    line.checked()
    if done is not None and values["target"] is None:
        values.update(kind="binary", done=done)
        del values["current"], values["start"], values["target"]
    assert team is not None and period is not None
    prefix = given.prefix if given.prefix is not None else team[:1].upper()
    parent = prefix + outline.split(".", 1)[0]
    return Record("key result", prefix + outline, team, period, values, line, parent, outline=True)
