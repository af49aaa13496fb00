"""When each check-in was written (SPEC 9.3): the commit that added it, from git.

A check-in is *added* since a revision when its list entry is new: an entry
whose date or value changed is an edit (G502), not an addition. The commit
that added it is the first-parent commit from which on, through HEAD, the key
result has a check-in of that date; one only in the working tree was added
"now" (the as-of date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from okrbsc.history.diff import Entity, entities
from okrbsc.history.git import GitRepo, first_parent_commits
from okrbsc.strategy.repo import ParseCache, Repo

Key = tuple[str, ...]


@dataclass(frozen=True)
class Added:
    """A check-in added since the revision, and when its commit was authored."""

    kr: Entity
    date: str  # the check-in's date, YYYY-MM-DD
    written: dt.date  # the author date's calendar day, in its recorded time zone
    commit: str | None  # None: not committed yet (written is the as-of date)


def new_entries(old: list[tuple[str, Any]], new: list[tuple[str, Any]]) -> list[str]:
    """Dates of the entries of ``new`` (date, value) that are not entries of ``old``.

    Entries match by date; an old entry left unmatched was re-dated (or removed),
    so it takes one unmatched new entry: the one with the same value if any, else
    the first left."""
    old_dates = {d for d, _ in old}
    left_new = [(d, v) for d, v in new if d not in old_dates]
    new_dates = {d for d, _ in new}
    for _, value in [(d, v) for d, v in old if d not in new_dates]:
        if not left_new:
            break
        same = next((e for e in left_new if e[1] == value), left_new[0])
        left_new.remove(same)
    return [d for d, _ in left_new]


def _checkins(e: Entity | None) -> list[tuple[str, Any]]:
    if e is None or e.checkins is None:
        return []
    return list(e.checkins.items())


def added_checkins(baseline: Repo, repo: Repo) -> list[tuple[Entity, str]]:
    """(key result now, date) of every check-in entry added since ``baseline``."""
    old, new = entities(baseline), entities(repo)
    out = []
    for key, now in new.items():
        if now.kind != "key result":
            continue
        for date in new_entries(_checkins(old.get(key)), _checkins(now)):
            out.append((now, date))
    return out


def _key(e: Entity) -> Key:
    return ("key result", e.period or "", e.id)


def when_added(baseline: Repo, repo: Repo, revision: str) -> Iterator[Added]:
    """Each check-in added since ``revision`` (the commit of ``baseline``), with the
    author date of the commit that added it."""
    added = added_checkins(baseline, repo)
    if not added:
        return
    git = GitRepo.of(repo.root)
    cache = ParseCache()
    # key -> dates present, per first-parent commit after the revision, oldest first
    states: list[tuple[str, dt.date, dict[Key, set[str]]]] = []
    for sha, day, texts in first_parent_commits(git, revision):
        state = Repo.from_texts(repo.root, texts, repo.as_of, cache)
        present = {
            k: set(e.checkins or {}) for k, e in entities(state).items() if e.kind == "key result"
        }
        states.append((sha, day, present))
    for kr, date in added:
        origin: tuple[str, dt.date] | None = None
        for sha, day, present in reversed(states):
            if date not in present.get(_key(kr), set()):
                break
            origin = (sha, day)
        if origin is None:
            yield Added(kr, date, repo.as_of, None)
        else:
            yield Added(kr, date, origin[1], origin[0])
