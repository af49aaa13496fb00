"""The group's business units: locking, syncing and reading them at their locked commits
(SPEC 18.1). Reading never fetches and never looks at a unit's working tree: a unit
is read from its bare clone in `.okrbsc/units/<id>/`, at the commit `units.lock`
names, through `git ls-tree` and `git cat-file` (cached by commit, `units.cache`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from okrbsc.errors import DataError, OkrbscError, UsageError
from okrbsc.history.git import GitRepo
from okrbsc.strategy.models import Config, Unit
from okrbsc.strategy.repo import Repo
from okrbsc.strategy.validate import did_you_mean
from okrbsc.units import fetch
from okrbsc.units.lock import LOCK_NAME, LockEntry, lock_path, read_lock, render_lock


@dataclass(frozen=True)
class LockReport:
    locked: list[str]  # ids locked anew (a commit that changed, or a new entry)
    kept: list[str]  # ids whose entry was kept as it was


def _chosen(config: Config, ids: Sequence[str]) -> list[Unit]:
    known = {u.id: u for u in config.units}
    for ident in ids:
        if ident not in known:
            listed = ", ".join(known) or "none"
            hint = did_you_mean(ident, known) or f" (units: {listed})"
            raise UsageError(f"{ident!r} is no unit of okrbsc.yaml{hint}")
    return [known[i] for i in dict.fromkeys(ids)] if ids else list(config.units)


def lock(repo: Repo, ids: Sequence[str], *, update: bool) -> LockReport:
    """`units lock` (units without an entry, or with another repo or ref; with IDs, those
    units) and `units update` (every unit, or those named): resolve and write units.lock.
    An entry not resolved again, or resolved to the same commit, is kept byte for byte."""
    from okrbsc.write.safe import atomic_write, inside, repo_lock

    config = repo.config
    if not config.units:
        raise UsageError("okrbsc.yaml lists no `units`: nothing to lock")
    named = _chosen(config, ids)
    with repo_lock(repo.root):
        old = {e.id: e for e in read_lock(repo.root) or []}
        entries: list[LockEntry] = []
        locked: list[str] = []
        kept: list[str] = []
        for unit in config.units:
            before = old.get(unit.id)
            ref = fetch.default_ref(unit)
            moved = before is None or (before.repo, before.ref) != (unit.repo, ref)
            again = moved or ((update or bool(ids)) and unit in named)
            if not again and before is not None:
                entries.append(before)
                kept.append(unit.id)
                continue
            commit, date = fetch.resolve(repo.root, unit)
            if before is not None and (before.repo, before.ref, before.commit, before.date) == (
                unit.repo, ref, commit, date,
            ):  # fmt: skip
                entries.append(before)
                kept.append(unit.id)
                continue
            entries.append(LockEntry(unit.id, unit.repo, ref, commit, date))
            locked.append(unit.id)
        target = inside(repo.root, lock_path(repo.root), LOCK_NAME)
        atomic_write(target, render_lock(entries))
    return LockReport(locked, kept)


@dataclass(frozen=True)
class SyncReport:
    fetched: list[str]
    present: list[str]
    mismatched: list[str]  # calendar mismatches, as messages


def sync(repo: Repo) -> SyncReport:
    """Fetch every unit at its locked commit; a fetch failure names the unit (exit 2).
    A calendar mismatch is reported after every unit is fetched (exit 1)."""
    entries = locked_entries(repo)
    fetched: list[str] = []
    present: list[str] = []
    mismatched: list[str] = []
    for unit in repo.config.units:
        entry = entries[unit.id]
        (fetched if fetch.sync(repo.root, unit, entry.commit) else present).append(unit.id)
        unit_repo = read_unit(repo, unit, entry.commit)
        problem = calendar_mismatch(repo, unit, unit_repo)
        if problem:
            mismatched.append(problem)
    return SyncReport(fetched, present, mismatched)


def locked_entries(repo: Repo) -> dict[str, LockEntry]:
    """The lock entry of every unit; a unit without one is an error naming `units lock`."""
    entries = {e.id: e for e in read_lock(repo.root) or []}
    missing = [u.id for u in repo.config.units if u.id not in entries]
    if missing:
        raise DataError(
            f"unit {missing[0]!r} has no entry in {LOCK_NAME}: run okrbsc units lock"
            + (f" (also: {', '.join(missing[1:])})" if missing[1:] else "")
        )
    return entries


def calendar_mismatch(group: Repo, unit: Unit, unit_repo: Repo) -> str | None:
    for key in ("fiscal_year_start", "fiscal_year_named_by"):
        mine, theirs = getattr(group.config, key), getattr(unit_repo.config, key)
        if mine != theirs:
            return (
                f"unit {unit.id!r} has {key}: {theirs}, the group {key}: {mine}: a unit's "
                "fiscal calendar must equal the group's"
            )
    return None


@dataclass(frozen=True)
class UnitRead:
    unit: Unit
    commit: str
    repo: Repo


def read_unit(group: Repo, unit: Unit, commit: str, as_of: dt.date | None = None) -> Repo:
    """The unit's strategy at ``commit`` from its clone (never its working tree)."""
    from okrbsc.units.cache import texts_at

    if not fetch.has_commit(group.root, unit.id, commit):
        raise DataError(
            f"unit {unit.id!r} is not synced at its locked commit {commit[:12]}: "
            "run okrbsc units sync"
        )
    folder = fetch.clone_dir(group.root, unit.id)
    texts = texts_at(GitRepo(folder, ""), commit)
    try:
        unit_repo = Repo.from_texts(folder, texts, as_of or group.as_of)
    except OkrbscError as exc:  # no okrbsc.yaml at that commit
        raise DataError(f"unit {unit.id!r} at {commit[:12]}: {exc}") from None
    unit_repo.revision = commit
    return unit_repo


_READ: dict[tuple[str, str, str], list[UnitRead]] = {}


def units_of(group: Repo, *, locked_only: bool = False) -> list[UnitRead]:
    """Every unit of the group, read at its locked commit; errors (exit 1) for a unit
    not locked, not synced, unreadable, or with another fiscal calendar. With
    ``locked_only`` (lint, where U701 reports them), units without a lock entry are
    left out instead."""
    if not group.config.units:
        return []
    if locked_only:
        entries = {e.id: e for e in read_lock(group.root) or []}
    else:
        entries = locked_entries(group)
    commits = [(u.id, entries[u.id].commit) for u in group.config.units if u.id in entries]
    key = (str(group.root), group.as_of.isoformat(), repr(commits))
    if key in _READ:
        return _READ[key]
    out = []
    for unit in group.config.units:
        if unit.id not in entries:
            continue
        commit = entries[unit.id].commit
        unit_repo = read_unit(group, unit, commit)
        problem = calendar_mismatch(group, unit, unit_repo)
        if problem:
            raise DataError(problem)
        out.append(UnitRead(unit, commit, unit_repo))
    _READ[key] = out
    return out


def unit_path(root: Path, unit_id: str) -> Path:
    return fetch.clone_dir(root, unit_id)


def nearest(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    import difflib

    return difflib.get_close_matches(word, list(dict.fromkeys(choices)), n=n, cutoff=0.5)


def unit_ids(unit_repo: Repo) -> list[str]:
    """What `UNIT:ID` may name in a unit (SPEC 18.2): its scorecard objectives and
    measures, and its objectives and key results (of any period)."""
    ids = [*unit_repo.sc_objectives, *unit_repo.measures]
    for refs in unit_repo.periods.values():
        for ref in refs:
            ids.append(ref.id)
            ids += [ref.objective.kr_id(i) for i in range(len(ref.objective.key_results))]
    return list(dict.fromkeys(i for i in ids if i))


def split_ref(text: str) -> tuple[str, str] | None:
    unit, sep, ident = text.partition(":")
    return (unit, ident) if sep and unit and ident else None


@dataclass(frozen=True)
class UnitDiff:
    id: str
    old: str | None  # the commit at REV (None: the unit is new)
    new: str | None  # the commit now (None: no longer locked)
    changes: list[Any]  # history.diff.Change, as `okrbsc diff` gives them


def lock_at(group: Repo, rev: str) -> list[LockEntry]:
    """units.lock as committed at ``rev`` of the group repo (none there: empty)."""
    from okrbsc.history.git import GitError, git
    from okrbsc.units.lock import parse_lock

    top = GitRepo.of(group.root)
    sha = top.commit(rev)
    try:
        raw = git(top.top, "show", f"{sha}:{top.prefix}{LOCK_NAME}")
    except GitError:
        return []
    return parse_lock(raw.decode("utf-8", "replace"))


def diff_units(group: Repo, rev: str) -> list[UnitDiff]:
    """SPEC 18.3: for each unit whose locked commit changed since ``rev``, the semantic
    diff of the unit between the two commits (fetching an older one when missing)."""
    from okrbsc.history.diff import diff

    before = {e.id: e for e in lock_at(group, rev)}
    now = {e.id: e for e in read_lock(group.root) or []}
    units = {u.id: u for u in group.config.units}
    out = []
    for ident in [*now, *(i for i in before if i not in now)]:
        old, new = before.get(ident), now.get(ident)
        if old is not None and new is not None and old.commit == new.commit:
            continue
        unit = units.get(ident)
        if unit is None:
            raise DataError(
                f"{ident!r} is locked but no unit of okrbsc.yaml: run okrbsc units lock"
            )
        for entry in (old, new):
            if entry is not None:
                fetch.sync(group.root, unit, entry.commit)
        empty = Repo.from_texts(group.root, {"okrbsc.yaml": b"organisation: none\n"}, group.as_of)
        a = read_unit(group, unit, old.commit) if old else empty
        b = read_unit(group, unit, new.commit) if new else empty
        old_commit = old.commit if old else None
        out.append(UnitDiff(ident, old_commit, new.commit if new else None, diff(a, b)))
    return out
