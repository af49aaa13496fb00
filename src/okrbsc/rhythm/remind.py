"""Who owes a check-in, and how loudly to ask (SPEC 16.2).

A key result is **owed** a check-in when its period runs at as-of, it is not
finished (SPEC 14.1), and its **age** -- the days from its latest check-in on
or before as-of (else from its period's first day) to as-of -- is at least
`rhythm.due_after_days`. Its **level** is 1, plus one for each
`escalate_after_days` threshold the age reaches; level N tells the first N
people of its chain (`rhythm.people.chain`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from okrbsc.rhythm.people import Because, Link, chain, display_name, person, person_order
from okrbsc.scoring.freshness import is_finished
from okrbsc.strategy.models import KeyResult
from okrbsc.strategy.periods import Period
from okrbsc.strategy.repo import OkrRef, Repo


def finished(repo: Repo, ref: OkrRef, kr: KeyResult) -> bool:
    """SPEC 14.1's one test of *finished*: nothing is owed on a finished key result."""
    return is_finished(repo, ref, kr)


@dataclass(frozen=True)
class Owed:
    """A key result that is owed a check-in."""

    key_result: str
    title: str
    team: str
    period: Period
    path: str
    line: int  # the line of its `id` (of the key result, when it has no `id`)
    last_checkin: dt.date | None
    age_days: int
    level: int
    pulled: bool  # it has a `source`: its feed has stopped
    told: tuple[Link, ...]  # the first `level` people of its chain
    command: str  # the `okrbsc checkin` line that records it
    slash: str  # the `/checkin` line of a comment (SPEC 16.5)


@dataclass(frozen=True)
class Item:
    """One key result in one person's block, and why they are told."""

    owed: Owed
    because: Because


@dataclass(frozen=True)
class Block:
    """Everything one person is told (``person`` None: a key result nobody answers for)."""

    person: str | None
    name: str | None
    email: str | None
    github: str | None
    gitlab: str | None
    slack: str | None
    known: bool  # listed under `people` (or the repo lists no people at all)
    items: tuple[Item, ...]

    @property
    def level(self) -> int:
        return max(item.owed.level for item in self.items)


@dataclass(frozen=True)
class Reminders:
    as_of: dt.date
    organisation: str
    due_after_days: int
    hint: str | None
    owed: tuple[Owed, ...]  # every key result owed, worst first
    blocks: tuple[Block, ...]  # in text order (SPEC 16.2)

    def entries(self) -> list[tuple[Block, Item]]:
        """One per person and key result, in text order (the JSON `reminders`)."""
        return [(block, item) for block in self.blocks for item in block.items]


def age_of(repo: Repo, period: Period, kr: KeyResult) -> tuple[dt.date | None, int]:
    """The latest check-in's date on or before as-of, and the age in days (counted
    from the period's first day when there is none)."""
    dates = [c.date for c in kr.checkins if c.date <= repo.as_of]
    last = max(dates) if dates else None
    since = last if last is not None else repo.calendar.start(period)
    return last, (repo.as_of - since).days


def level_of(repo: Repo, age: int) -> int:
    """1, plus one for each escalation threshold reached (0: not owed)."""
    if age < repo.config.rhythm.due_after_days:
        return 0
    return 1 + sum(1 for days in repo.config.escalation_days() if age >= days)


def owed(repo: Repo, period: Period | None = None, team: str | None = None) -> list[Owed]:
    """Every key result owed a check-in at as-of, in the order of the repo (periods,
    then files, then key results); ``period`` and ``team`` narrow it."""
    out = []
    for candidate, refs in repo.periods.items():
        if not repo.running(candidate) or (period is not None and candidate != period):
            continue
        for ref in refs:
            if team is None or ref.team == team:
                out += _owed_of(repo, ref)
    return out


def _owed_of(repo: Repo, ref: OkrRef) -> list[Owed]:
    out = []
    for index, kr in enumerate(ref.objective.key_results):
        if finished(repo, ref, kr):
            continue
        last, age = age_of(repo, ref.period, kr)
        level = level_of(repo, age)
        if level == 0:
            continue
        ident = ref.objective.kr_id(index)
        line = ref.file.at(kr, "id")[0] if kr.id is not None else ref.file.at(kr)[0]
        command, slash = _commands(repo, ident, ref.period)
        out.append(
            Owed(
                key_result=ident,
                title=kr.title,
                team=ref.team,
                period=ref.period,
                path=ref.file.path,
                line=line,
                last_checkin=last,
                age_days=age,
                level=level,
                pulled=kr.source is not None,
                told=tuple(chain(repo, ref, kr)[:level]),
                command=command,
                slash=slash,
            )
        )
    return out


def _commands(repo: Repo, ident: str, period: Period) -> tuple[str, str]:
    """The command line and the comment line that record a check-in of ``ident``;
    ``--period`` when the id names key results of several periods."""
    periods = {ref.period for ref, _ in repo.key_results_named(ident)}
    where = f" --period {period}" if len(periods) > 1 else ""
    return (
        f"okrbsc checkin {ident} VALUE --confidence C{where}",
        f"/checkin {ident} VALUE confidence C",
    )


def remind(repo: Repo, period: Period | None = None, team: str | None = None) -> Reminders:
    """The reminders of SPEC 16.2 at the repo's as-of."""
    found = owed(repo, period, team)
    found.sort(key=lambda o: (-o.level, -o.age_days))  # stable: repo order within
    return Reminders(
        as_of=repo.as_of,
        organisation=repo.config.organisation,
        due_after_days=repo.config.rhythm.due_after_days,
        hint=repo.config.rhythm.checkin_hint,
        owed=tuple(found),
        blocks=tuple(blocks(repo, found)),
    )


def blocks(repo: Repo, found: list[Owed]) -> list[Block]:
    """One block per person: worst level first, then people in `people` order, then
    people not listed there by id, then key results nobody answers for."""
    items: dict[str | None, list[Item]] = {}
    for o in found:  # worst first already
        if not o.told:
            items.setdefault(None, []).append(Item(o, Because.OWNER))
        for link in o.told:
            items.setdefault(link.person, []).append(Item(o, link.because))
    order = person_order(repo)
    out = [make_block(repo, ident, tuple(its)) for ident, its in items.items()]

    def key(block: Block) -> tuple[bool, int, bool, int, str]:
        rank = order.get(block.person or "")
        return (
            block.person is None,
            -block.level,
            rank is None,
            rank if rank is not None else 0,
            block.person or "",
        )

    return sorted(out, key=key)


def make_block(repo: Repo, ident: str | None, items: tuple[Item, ...]) -> Block:
    if ident is None:
        return Block(None, None, None, None, None, None, False, items)
    entry = person(repo, ident)
    return Block(
        person=ident,
        name=display_name(repo, ident),
        email=entry.email if entry is not None else None,
        github=entry.github if entry is not None else None,
        gitlab=entry.gitlab if entry is not None else None,
        slack=entry.slack if entry is not None else None,
        known=entry is not None or repo.config.people is None,
        items=items,
    )
