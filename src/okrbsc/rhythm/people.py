"""Who answers for a key result, and who stands above them (SPEC 16.1).

A key result **answers to** its ``owner``, else its objective's ``owner``,
else its team's ``lead``. Above that person stand the lead of the key
result's team, then the lead of each parent team in turn. A person met twice
is skipped (and the next one above takes that place), as is a team without a
lead; a cycle of parents (E005's business) ends the chain.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from okrbsc.strategy.models import KeyResult, Person
from okrbsc.strategy.repo import OkrRef, Repo


class Because(enum.StrEnum):
    """Why a person is told of a key result."""

    OWNER = "owner"  # the person the key result answers to
    TEAM_LEAD = "team lead"
    PARENT_LEAD = "parent lead"


@dataclass(frozen=True)
class Link:
    """One person of a key result's chain, and why they are in it."""

    person: str
    because: Because


def answers_to(repo: Repo, ref: OkrRef, kr: KeyResult) -> str | None:
    """The key result's owner, else its objective's, else its team's lead."""
    if kr.owner:
        return kr.owner
    if ref.objective.owner:
        return ref.objective.owner
    team = repo.teams.get(ref.team)
    return team.lead if team is not None and team.lead else None


def team_leads(repo: Repo, team_id: str) -> list[tuple[str, Because]]:
    """The lead of ``team_id``, then the lead of each parent team in turn (teams
    without a lead left out); stops at a team met twice (a cycle of parents)."""
    out: list[tuple[str, Because]] = []
    seen: set[str] = set()
    current: str | None = team_id
    because = Because.TEAM_LEAD
    while current is not None and current not in seen:
        seen.add(current)
        team = repo.teams.get(current)
        if team is None:
            break
        if team.lead:
            out.append((team.lead, because))
        because = Because.PARENT_LEAD
        current = team.parent
    return out


def chain(repo: Repo, ref: OkrRef, kr: KeyResult) -> list[Link]:
    """The people a key result escalates through, level 1 first (SPEC 16.1, 16.2).

    The first is the person it answers to (``owner``); when nobody is, the first
    lead above takes level 1 for the reason they are there."""
    candidates: list[tuple[str, Because]] = []
    first = answers_to(repo, ref, kr)
    if first is not None:
        candidates.append((first, Because.OWNER))
    candidates += team_leads(repo, ref.team)
    out: list[Link] = []
    for person, because in candidates:
        if all(link.person != person for link in out):
            out.append(Link(person, because))
    return out


def leads_of(repo: Repo, person: str) -> list[str]:
    """The teams ``person`` leads, in config order."""
    return [team.id for team in repo.config.teams if team.lead == person]


def person(repo: Repo, ident: str) -> Person | None:
    """The entry of ``people`` for ``ident``, if there is one."""
    people = repo.config.people or {}
    return people.get(ident)


def display_name(repo: Repo, ident: str) -> str:
    """A person's ``name``, defaulting to the id."""
    found = person(repo, ident)
    return found.name if found is not None and found.name else ident


def person_order(repo: Repo) -> dict[str, int]:
    """The order of ``people`` in okrbsc.yaml: people listed there come first."""
    return {ident: index for index, ident in enumerate(repo.config.people or {})}
