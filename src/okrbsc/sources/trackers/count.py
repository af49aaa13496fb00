"""Counting a tracker's items as of a day (SPEC 17.2), from their own timestamps.

An item exists from the UTC date of its creation; it is closed (merged, done)
at as-of when the UTC date of its ``closed_at`` / ``merged_at`` /
``resolutiondate`` is on or before as-of *and* it is closed now. So an earlier
as-of gives that day's number from today's data, up to items reopened since
(a reopened item counts as open on every day).

``within: period`` keeps the items alive in the key result's period (open at
its first day, or created inside it up to as-of); closed or merged ones count
only when that happened inside the period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

State = Literal["closed", "merged", "open", "all"]


@dataclass(frozen=True)
class TrackerItem:
    """One issue, pull or merge request, or Jira issue, as read now."""

    ref: str  # acme/app#12, group/app!7, ONB-4
    title: str
    created: dt.datetime
    done: dt.datetime | None  # closed_at / merged_at / resolutiondate, if closed (merged, done) now
    url: str
    merged: bool = False  # a pull or merge request merged (done is then its merged_at)

    def done_on(self, day: dt.date) -> bool:
        return self.done is not None and utc_date(self.done) <= day

    def exists_on(self, day: dt.date) -> bool:
        return utc_date(self.created) <= day


@dataclass(frozen=True)
class Counted:
    count: int
    of: int  # the items that existed (or were alive in the period) at as-of
    value: float | None  # count, or 100 * count / of (None when of is 0)
    items: list[tuple[TrackerItem, str, dt.datetime]]  # counted: (item, state at as-of, time used)


def utc_date(moment: dt.datetime) -> dt.date:
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(dt.UTC).date()


def count(
    found: list[TrackerItem],
    state: State,
    as_of: dt.date,
    value: Literal["count", "percent"],
    period: tuple[dt.date, dt.date] | None = None,
) -> Counted:
    """The key result's value at ``as_of``; ``period`` (first, last day) for ``within: period``."""
    universe = []
    for item in found:
        if not item.exists_on(as_of):
            continue
        if period is not None and item.done is not None and utc_date(item.done) < period[0]:
            continue  # closed before the period began (and still closed): not part of it
        universe.append(item)
    counted: list[tuple[TrackerItem, str, dt.datetime]] = []
    for item in universe:
        done = item.done_on(as_of)
        now = ("merged" if item.merged else "closed") if done else "open"
        if state == "all":
            hit = True
        elif state == "open":
            hit = not done
        elif state == "merged":
            hit = done and item.merged
        else:
            hit = done
        if hit:
            at = item.done if done and item.done is not None else item.created
            counted.append((item, now, at))
    n, m = len(counted), len(universe)
    if value == "percent":
        return Counted(n, m, None if m == 0 else 100.0 * n / m, counted)
    return Counted(n, m, float(n), counted)


def state_word(state: State, tracker: str) -> str:
    if state == "closed":
        return "done" if tracker == "jira" else "closed"
    return "" if state == "all" else state


def labels_text(labels: Sequence[str]) -> str:
    """Where the items came from, said of their labels: "label bug", "labels bug, p1"."""
    return ("labels " if len(labels) > 1 else "label ") + ", ".join(labels)


def note(counted: Counted, noun: str, state: State, tracker: str, where: str, show_of: bool) -> str:
    """``31 of 40 issues closed (acme/app milestone v2.0)``; ``6 pull requests merged (...)``."""
    many = counted.of if show_of else counted.count
    plural = noun if many != 1 else noun.removesuffix("s").replace("requests", "request")
    head = f"{counted.count} of {counted.of} {plural}" if show_of else f"{counted.count} {plural}"
    word = state_word(state, tracker)
    text = f"{head} {word} ({where})" if word else f"{head} ({where})"
    return " ".join(text.split())
