"""Progress from the work (SPEC 17): key results fed by GitHub, GitLab and Jira.

:func:`fetch_group` reads the items of each key result whose ``source`` names a
tracker connection and counts them as of the pull's day (:mod:`.count`); each
gives one reading dated as-of with its note and the items counted. The HTTP
client (:mod:`.http`, httpx: the extra ``okrbsc[trackers]``) is imported here
only, when a tracker source is pulled. Tokens come from the environment and
are scrubbed from every message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from okrbsc.sources.pull import Fetched, Item, Reading, Timing
from okrbsc.sources.trackers.count import State, count, note
from okrbsc.sources.trackers.http import Client, ConnectionFailed, TrackerError
from okrbsc.strategy.models import Connection
from okrbsc.strategy.repo import Repo

_NOUNS = {
    "issues": "issues",
    "pull_requests": "pull requests",
    "merge_requests": "merge requests",
}
_FILTER = {"github": "repo", "gitlab": "project", "jira": "jql"}


def fetch_group(
    repo: Repo,
    name: str,
    connection: Connection,
    group: list[Item],
    env: Mapping[str, str],
    timing: Timing,
    everyone: Sequence[str] = (),
    check: bool = False,
) -> list[Fetched]:
    """Every item of one tracker connection; a failing connection fails the items left."""
    kind = connection.tracker
    assert kind is not None
    try:
        client, tracker = _open(name, connection, env)
        client.secrets += [s for s in everyone if s]  # no connection shows another's
    except TrackerError as exc:
        timing.failed = True
        return [Fetched(i, error=f"cannot connect: {exc}") for i in group]
    out: list[Fetched] = []
    failed: str | None = None
    try:
        for item in group:
            if failed is not None:
                out.append(Fetched(item, error=failed))
                continue
            try:
                fetched = _one(repo, kind, tracker, item, check)
            except ConnectionFailed as exc:
                timing.failed = True
                failed = client.scrub(str(exc))
                fetched = Fetched(item, error=failed)
            except TrackerError as exc:
                fetched = Fetched(item, error=client.scrub(str(exc)))
            timing.rows += len(fetched.items)
            out.append(fetched)
    finally:
        client.close()
        timing.requests = client.requests
    return out


def _open(name: str, connection: Connection, env: Mapping[str, str]) -> tuple[Client, Any]:
    from okrbsc.sources.trackers import github, gitlab, jira

    def var(variable: str) -> str:
        value = env.get(variable)
        if not value:
            raise TrackerError(f"the environment variable {variable} is not set")
        return value

    if connection.github is not None:
        gh = connection.github
        client = github.client(name, gh.api_url, var(gh.token_env), gh.token_env)
        return client, github.GitHub(client)
    if connection.gitlab is not None:
        gl = connection.gitlab
        client = gitlab.client(name, gl.url, var(gl.token_env), gl.token_env)
        return client, gitlab.GitLab(client)
    assert connection.jira is not None
    ji = connection.jira
    email = var(ji.email_env) if ji.email_env is not None else None
    client = jira.client(name, ji.url, email, var(ji.token_env), ji.token_env)
    return client, jira.Jira(client, ji.url)


def _recorded(repo: Repo, item: Item) -> dt.date | None:
    """The date of the key result's latest check-in pulled from its source, if any."""
    assert item.period is not None
    for ref in repo.periods.get(item.period, ()):
        if ref.file.path != item.path:
            continue
        for index, kr in enumerate(ref.objective.key_results):
            if ref.objective.kr_id(index) == item.id:
                days = [c.date for c in kr.checkins if c.source == item.source.from_]
                return max(days) if days else None
    return None


def _one(repo: Repo, kind: str, tracker: Any, item: Item, check: bool = False) -> Fetched:
    source = item.source
    _check_source(kind, item)
    assert item.period is not None
    first, last = repo.calendar.bounds(item.period)
    day = _count_day(repo, item, last, check)
    if day < first:
        return Fetched(item)  # the period has not begun: nothing to count yet
    if kind == "jira":
        found, where = tracker.items(source.jql)
    else:
        found, where = tracker.items(source)
    items = source.items or "issues"
    state: State = source.state or ("closed" if items == "issues" else "merged")
    within = (first, last) if source.within == "period" else None
    counted = count(found, state, day, source.value, within)
    if within is not None:
        where += f", {item.period}"
    text = note(
        counted,
        _NOUNS[items],
        state,
        kind,
        where,
        show_of=source.value == "percent" or within is None,
    )
    listed = [
        {"ref": i.ref, "title": i.title, "state": st, "at": _iso(at), "url": i.url}
        for i, st, at in counted.items
    ]
    if counted.value is None:
        return Fetched(item, items=listed, note=text)  # nothing existed: no value to write
    value = _value(item, counted.value, text)
    return Fetched(item, [Reading(day, value, None, "tracker", note=text)], items=listed, note=text)


def _check_source(kind: str, item: Item) -> None:
    """A tracker connection feeds key results, through the filter its kind needs."""
    needed = _FILTER[kind]
    if item.kind == "measure":
        raise TrackerError(f"a {kind} connection feeds key results only: a measure needs a query")
    if getattr(item.source, needed) is None:
        raise TrackerError(
            f"{item.source.from_!r} is a {kind} connection: the source needs {needed}"
        )


def _count_day(repo: Repo, item: Item, last: dt.date, check: bool) -> dt.date:
    """The day to count at: as-of, or a past period's last day; with --check, no later
    than the number recorded last, to see whether today's items reproduce it."""
    day = min(repo.as_of, last)
    if check:
        recorded = _recorded(repo, item)
        day = min(recorded, day) if recorded is not None else day
    return day


def _value(item: Item, counted: float, text: str) -> int | float | bool:
    """The number to write: a whole count, a percent to 2 places, or 0/1 as a bool for a
    binary key result."""
    value: int | float | bool = int(counted) if item.source.value == "count" else round(counted, 2)
    if item.binary:
        if value not in (0, 1):
            raise TrackerError(f"a binary key result takes 0/1; {text}")
        value = bool(value)
    return value


def _iso(moment: dt.datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
