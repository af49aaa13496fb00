"""`okrbsc history ID`: one objective, key result or measure through the git history.

Every commit that touched the strategy root is read (files are parsed once per
content, so a long history costs little more than its changed files), then the
working tree. Between consecutive states the thing and its parts (an
objective's key results, a scorecard objective's measures) are compared with
the semantic diff, so each change of definition is tied to its commit. The
values over time are the check-ins (or a measure's actuals) of the newest
state, each with the revision that first recorded it as it stands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from okrbsc.errors import OkrbscError
from okrbsc.history.diff import Change, Entity, compare, entities, jsonable, lifecycle
from okrbsc.history.git import Commit, GitError, GitRepo
from okrbsc.strategy.periods import Period, bare_half, bare_quarter
from okrbsc.strategy.repo import CONFIG_NAME, ParseCache, Repo, RepoError, no_gc

Key = tuple[str, ...]
T = TypeVar("T")
# (key, date) -> the value as it stands, the first revision holding it, its entity then
Recorded = dict[tuple[Key, str], tuple[Any, "Revision", Entity]]


class HistoryError(OkrbscError):
    """No such id, or an ambiguous one: a usage error (exit 2)."""


@dataclass(frozen=True)
class Revision:
    """A state of the strategy: a commit, or the working tree (``sha`` None)."""

    sha: str | None
    author: str
    date: dt.date
    subject: str

    @property
    def short(self) -> str:
        return self.sha[:7] if self.sha else "working tree"

    def to_dict(self) -> dict[str, Any]:
        return {
            "commit": self.sha,
            "author": self.author,
            "date": self.date.isoformat(),
            "subject": self.subject,
        }


@dataclass(frozen=True)
class Event:
    """A change of definition (or a rewritten check-in), and the revision that made it."""

    revision: Revision
    change: Change

    @property
    def easier(self) -> bool | None:
        return self.change.easier

    def to_dict(self) -> dict[str, Any]:
        c = self.change
        return {
            **self.revision.to_dict(),
            "kind": c.kind,
            "id": c.id,
            "change": c.change,
            "field": c.field,
            "old": jsonable(c.old),
            "new": jsonable(c.new),
            "easier": self.easier,
        }


@dataclass(frozen=True)
class Point:
    """One value in time: a check-in, or a measure's actual for a period."""

    date: str
    value: Any
    confidence: float | None
    # toward the target as defined when the value was recorded (a measure: achievement)
    progress: float | None
    status: str | None  # measures: green, amber, red
    recorded: Revision | None  # the first revision holding this value as it is now
    against: dict[str, Any] | None = None  # the goal fields in force then (SPEC 10.7)
    definition_changed: bool = False  # ... which differ from the newest definition

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date,
            "value": jsonable(self.value),
            "confidence": self.confidence,
            "progress": self.progress,
            "status": self.status,
            "recorded": self.recorded.to_dict() if self.recorded else None,
            "against": jsonable(self.against),
            "definition_changed": self.definition_changed,
        }


# what a value's progress (a measure's status) is computed from
GOAL_FIELDS = {
    "key result": ("kind", "start", "target", "direction"),
    "measure": ("baseline", "target", "red_flag", "direction", "bands", "targets"),
}


def goal_fields(e: Entity) -> dict[str, Any]:
    return {name: e.fields.get(name) for name in GOAL_FIELDS.get(e.kind, ())}


@dataclass(frozen=True)
class Series:
    entity: Entity  # its newest definition
    points: tuple[Point, ...]


@dataclass(frozen=True)
class History:
    subject: Entity  # the newest definition found
    present: bool  # still there in the working tree
    own: Series | None  # a key result's check-ins, a measure's actuals
    parts: tuple[Series, ...]  # an objective's key results, a scorecard objective's measures
    progress: tuple[tuple[str, float], ...]  # an objective's progress by check-in date
    events: tuple[Event, ...]
    commits: int  # commits read
    other_periods: tuple[str, ...]
    shallow: bool = False  # a shallow clone: the history starts at its oldest commit

    @property
    def first_seen(self) -> Revision | None:
        return next(
            (
                e.revision
                for e in self.events
                if e.change.change == "added" and e.change.id == self.subject.id
            ),
            None,
        )

    def to_dict(self) -> dict[str, Any]:
        s = self.subject
        parts_name = "key_results" if s.kind == "objective" else "measures"
        out: dict[str, Any] = {
            "id": s.id,
            "kind": s.kind,
            "period": s.period,
            "path": s.path,
            "line": s.line,
            "present": self.present,
            "definition": jsonable(s.fields),
            "values": [p.to_dict() for p in self.own.points] if self.own else [],
        }
        if s.kind == "objective":
            out["progress"] = [{"date": d, "progress": v} for d, v in self.progress]
        if s.kind in ("objective", "scorecard objective"):
            out[parts_name] = [
                {
                    "id": part.entity.id,
                    "definition": jsonable(part.entity.fields),
                    "values": [p.to_dict() for p in part.points],
                }
                for part in self.parts
            ]
        out["changes"] = [e.to_dict() for e in self.events]
        out["commits"] = self.commits
        out["shallow"] = self.shallow
        out["other_periods"] = list(self.other_periods)
        return out


# --- walking the history ---------------------------------------------------------------


def states(
    strategy: Repo, git_repo: GitRepo, ident: str | None = None
) -> Iterator[tuple[Revision, dict[Key, Entity]]]:
    """The entities of every committed state touching the strategy, oldest first, then
    those of the working tree (``strategy`` as opened).

    With ``ident``, a committed state holds only the files that can define it or its
    parts (those whose text names it, or the objective of a `S1.2`-style id). A file
    is read once per content, and only the files of the current state are kept (with
    the entities `diff.entities` keeps for them)."""
    cache = ParseCache()
    for file in strategy.files:
        cache.files[(file.path, file.text.encode())] = file
    blobs: dict[str, bytes] = {}
    needles = _needles(ident) if ident is not None else None
    for chunk in _chunks(_walk_commits(git_repo), 256):
        # the blobs this stretch of history adds, in one `git cat-file --batch`
        fresh = dict.fromkeys(b for _, listing in chunk for b in listing.values() if b not in blobs)
        blobs.update(git_repo.read_blobs(list(fresh)))
        for commit, listing in chunk:
            texts = {
                name: blobs[blob]
                for name, blob in listing.items()
                if needles is None or name == CONFIG_NAME or any(n in blobs[blob] for n in needles)
            }
            revision = Revision(commit.sha, commit.author, commit.date, commit.subject)
            try:
                state = Repo.from_texts(strategy.root, texts, strategy.as_of, cache)
            except RepoError:  # no okrbsc.yaml in that commit: nothing to see there
                yield revision, {}
                continue
            kept = set(texts.items())
            cache.files = {k: f for k, f in cache.files.items() if k in kept}
            yield revision, entities(state)
        last = set(chunk[-1][1].values())
        blobs = {b: text for b, text in blobs.items() if b in last}
    yield Revision(None, "(uncommitted)", strategy.as_of, ""), entities(strategy)


def _needles(ident: str) -> tuple[bytes, ...]:
    """What a file defining ``ident`` must contain: the id, or for an id like `S1.2`
    (which may be implied by its position) also its objective's id."""
    head = ident.rsplit(".", 1)[0] if "." in ident else ident
    return tuple(dict.fromkeys([ident.encode(), head.encode()]))


def _walk_commits(git_repo: GitRepo) -> Iterator[tuple[Commit, dict[str, str]]]:
    try:
        git_repo.commit("HEAD")
    except GitError:
        return  # a repository without commits yet: only the working tree
    yield from git_repo.walk()


def _chunks(items: Iterator[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def matches(ident: str, ents: dict[Key, Entity]) -> list[Key]:
    return [key for key, e in ents.items() if e.id == ident]


def members(subject: Key, ents: dict[Key, Entity]) -> dict[Key, Entity]:
    """The subject and its parts in one state."""
    kind, ident = subject[0], subject[-1]
    period = subject[1] if len(subject) == 3 else None
    part_kind = {"objective": "key result", "scorecard objective": "measure"}.get(kind)
    return {
        key: e
        for key, e in ents.items()
        if key == subject or (e.kind == part_kind and e.parent == ident and e.period == period)
    }


def _in(period: str, wanted: str) -> bool:
    """``period`` is the one asked for: `2026-Q3`, `2026-H1`, `2026`, or any year's
    bare `Q3` or `H2`."""
    quarter = bare_quarter(wanted)
    if quarter is not None:
        return Period.parse(period).quarter == quarter
    half = bare_half(wanted)
    if half is not None:
        return Period.parse(period).half == half
    return period == str(Period.parse(wanted))


def choose(
    ident: str, seen: list[dict[Key, Entity]], period: str | None, known: set[str]
) -> tuple[Key, list[str]]:
    """The key ``ident`` names: newest state first, then the latest period."""
    found: dict[Key, int] = {}
    for age, ents in enumerate(reversed(seen)):
        for key in matches(ident, ents):
            found.setdefault(key, age)
    if not found:
        from okrbsc.strategy.validate import did_you_mean

        raise HistoryError(
            f"no objective, key result or measure {ident!r} in the history"
            f"{did_you_mean(ident, sorted(known))}"
        )
    if period is not None:
        periods = sorted({k[1] for k in found if len(k) == 3})
        found = {k: age for k, age in found.items() if len(k) == 3 and _in(k[1], period)}
        if not found:
            where = f" (it is in {', '.join(periods)})" if periods else " (it has no period)"
            raise HistoryError(f"{ident!r} is not in {period}{where}")
    # the newest state that has it, then the latest period
    chosen = max(found, key=lambda k: (-found[k], _period_order(k)))
    others = sorted({k[1] for k in found if len(k) == 3 and k != chosen})
    return chosen, others


def _period_order(key: Key) -> tuple[int, int]:
    if len(key) != 3:
        return (0, 0)
    p = Period.parse(key[1])
    return (p.year, p.quarter or (5 if p.half else 6))  # a year after its halves and quarters


def build(root: Path, as_of: dt.date, ident: str, period: str | None) -> History:
    """The history of ``ident`` (in ``period``: `2026-Q3`, `2026` or `Q3`, the latest)
    in the strategy repo at ``root``, from its git history and working tree.

    Only files that can define ``ident`` are read; when it is nowhere, everything is
    read again to suggest a near id."""
    git_repo = GitRepo.of(root)
    needles = _needles(ident)
    strategy = Repo.open(root, as_of, only=lambda raw: any(n in raw for n in needles))
    walked, known = _walk(strategy, git_repo, ident, narrow=True)
    if not any(matches(ident, ents) for _, ents in walked):
        strategy = Repo.open(root, as_of)
        walked, known = _walk(strategy, git_repo, ident, narrow=False)  # every id, to suggest
    key, others = choose(ident, [ents for _, ents in walked], period, known)
    events: list[Event] = []
    recorded: Recorded = {}
    before: dict[Key, Entity] = {}
    newest: dict[Key, Entity] = {}
    for revision, ents in walked:
        now = members(key, ents)
        events += _events(revision, before, now)
        for k, e in now.items():
            newest[k] = e
            for date, value in (e.checkins or {}).items():
                if recorded.get((k, date), (None,))[0] != value:
                    recorded[(k, date)] = (value, revision, e)  # and the definition then
        before = now
    present = key in walked[-1][1]
    final = walked[-1][1] if present else _last_with(key, walked)
    commits = len(walked) - 1  # the last state is the working tree
    return _history(
        strategy, key, newest, final, recorded, events, commits, others, present, git_repo.shallow()
    )


def _walk(
    strategy: Repo, git_repo: GitRepo, ident: str, narrow: bool
) -> tuple[list[tuple[Revision, dict[Key, Entity]]], set[str]]:
    """Each state reduced to what ``ident`` can name (things with that id, and their
    parts), and every id seen."""
    walked: list[tuple[Revision, dict[Key, Entity]]] = []
    known: set[str] = set()
    with no_gc():
        for revision, ents in states(strategy, git_repo, ident if narrow else None):
            walked.append(
                (revision, {k: e for k, e in ents.items() if e.id == ident or e.parent == ident})
            )
            known.update(e.id for e in ents.values())
    return walked, known


def _last_with(key: Key, walked: list[tuple[Revision, dict[Key, Entity]]]) -> dict[Key, Entity]:
    return next(ents for _, ents in reversed(walked) if key in ents)


def _events(revision: Revision, before: dict[Key, Entity], now: dict[Key, Entity]) -> list[Event]:
    out = []
    for key, e in now.items():
        if key not in before:
            out.append(Event(revision, lifecycle(e, "added")))
            continue
        for change in compare(before[key], e):
            if change.change.endswith(" added"):
                continue  # a new check-in or actual is a value, shown on the chart
            out.append(Event(revision, change))
    for key, e in before.items():
        if key not in now:
            out.append(Event(revision, lifecycle(e, "removed")))
    return out


def _history(
    strategy: Repo,
    key: Key,
    newest: dict[Key, Entity],
    final: dict[Key, Entity],
    recorded: Recorded,
    events: list[Event],
    commits: int,
    others: list[str],
    present: bool,
    shallow: bool,
) -> History:
    subject = newest[key]
    parts = [k for k in members(key, final) if k != key]

    def series(k: Key) -> Series:
        e = final[k]
        points = []
        for date, value in _chronological(strategy, e):
            _, revision, then = recorded.get((k, date), (None, None, e))
            points.append(_point(strategy, e, then, date, value, revision))
        return Series(e, tuple(points))

    own = series(key) if subject.kind in ("key result", "measure") else None
    part_series = tuple(series(k) for k in parts)
    progress = _objective_progress(part_series) if subject.kind == "objective" else ()
    return History(
        subject, present, own, part_series, progress, tuple(events), commits, tuple(others), shallow
    )


def _chronological(strategy: Repo, e: Entity) -> list[tuple[str, tuple[Any, Any]]]:
    items = list((e.checkins or {}).items())
    if e.kind == "measure":
        return sorted(items, key=lambda kv: strategy.calendar.end(Period.parse(kv[0])))
    return sorted(items, key=lambda kv: kv[0])


def _point(
    strategy: Repo,
    e: Entity,
    then: Entity,
    date: str,
    value: tuple[Any, Any],
    revision: Revision | None,
) -> Point:
    """A value judged against the definition in force when it was recorded (``then``):
    a lowered target never rewrites the past (SPEC 10.7)."""
    number, confidence = value
    against = goal_fields(then)
    changed = against != goal_fields(e)
    if e.kind == "measure":
        status, achieved = _measure_status(strategy, then, date, number)
        return Point(date, number, None, achieved, status, revision, against, changed)
    progress = _progress(then.fields, number)
    return Point(date, number, confidence, progress, None, revision, against, changed)


def _progress(fields: dict[str, Any], value: Any) -> float | None:
    """Progress toward the target as the key result is defined now (SPEC 4.1)."""
    from okrbsc.scoring.engine import progress
    from okrbsc.strategy.models import KeyResult

    kr = KeyResult.model_construct(**{k: v for k, v in fields.items() if v is not None})
    if kr.kind != "binary" and not isinstance(value, int | float):
        return None
    return progress(kr, value)


def _measure_status(
    strategy: Repo, e: Entity, period: str, value: Any
) -> tuple[str | None, float | None]:
    """Status and achievement (SPEC 4.4, 10.6) of the actual of ``period`` against the
    measure ``e`` as it was defined (its target for that period)."""
    from okrbsc.strategy.measures import goal, verdict
    from okrbsc.strategy.models import Measure

    if not isinstance(e.node, Measure) or not isinstance(value, int | float | str):
        return None, None
    tolerance = strategy.config.scoring.measure_tolerance
    g = goal(e.node, tolerance, Period.parse(period), strategy.calendar)
    # a binary actual stays true/false and an ordinal one a word (SPEC 15.1)
    status, share = verdict(g, value if isinstance(value, bool | str) else float(value))
    return status.value, share


def _objective_progress(parts: tuple[Series, ...]) -> tuple[tuple[str, float], ...]:
    """The objective's progress on each check-in date: the weighted mean of its key
    results' progress (each clamped to 0..1, at its latest check-in by then)."""
    from okrbsc.scoring.engine import clamp, weighted_mean

    dates = sorted({p.date for s in parts for p in s.points})
    out = []
    for date in dates:
        pairs = []
        for s in parts:
            seen = [p for p in s.points if p.date <= date and p.progress is not None]
            reached = seen[-1].progress if seen else 0.0
            assert reached is not None
            pairs.append((clamp(reached), float(s.entity.fields.get("weight") or 1.0)))
        value = weighted_mean(pairs)
        if value is not None:
            out.append((date, value))
    return tuple(out)
