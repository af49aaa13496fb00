"""A reference (`aligns_to`, `drives`, `depends_on`, `team`, `perspective`) names nothing.

A dangling reference breaks the chain from a team's quarter to the strategy:
the objective looks aligned but traces to nothing. `aligns_to` of a quarterly
objective looks for an objective or a key result in the same quarter, then in
the annual OKRs of its fiscal year, then for a scorecard objective;
`depends_on` names a team or an objective of the same period; `drives` names
scorecard objectives; `team` and a team's `parent` name teams of okrbsc.yaml;
`perspective` names a scorecard perspective; `source.from` of a measure or key
result names a connection of `sources:` in okrbsc.yaml, of the kind its source
is written for: a query for a database, `repo` for GitHub, `project` for
GitLab, `jql` for Jira (trackers feed key results only).

Fails:

    kind: okrs
    team: sales
    period: 2026-Q3
    objectives:
      - {id: S1, title: Win the mid-market, aligns_to: [C9]}

Passes:

    kind: okrs
    team: sales
    period: 2026-Q3
    objectives:
      - {id: S1, title: Win the mid-market, aligns_to: [C1]}
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules._common import objectives
from okrbsc.lint.rules._gaps import gaps
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.models import Node, Source
from okrbsc.strategy.repo import OkrRef, Repo, SourceFile
from okrbsc.strategy.validate import did_you_mean

CODE = "E005"
NAME = "unknown-reference"
SEVERITY = Severity.ERROR


def check(repo: Repo) -> Iterator[Hit]:
    yield from _config(repo)
    yield from _scorecard(repo)
    for file, doc in repo.okr_files:
        if doc.team not in repo.teams and not gaps(repo).config_unread:
            hint = did_you_mean(doc.team, repo.teams)
            msg = f"team {doc.team!r} is not a team of okrbsc.yaml{hint}"
            yield hit(file, file.at(doc, "team"), msg)
    for ref in objectives(repo):
        yield from _alignments(repo, ref)
        yield from _dependencies(repo, ref)
    yield from _sources(repo)
    yield from _unit_references(repo)


_UnitRef = tuple[SourceFile, Node, str, int, str, str]


def _unit_references(repo: Repo) -> Iterator[Hit]:
    """`UNIT:ID` in a group repo (SPEC 18.2): a unit of okrbsc.yaml, and an id of that
    unit at its locked commit (`rollup.of` a measure; `depends_on` an objective)."""
    items = _unit_ref_items(repo)
    if not items:
        return  # no unit named anywhere: the portfolio code is not even loaded
    from okrbsc.units.portfolio import nearest, split_ref, units_of

    declared = [u.id for u in repo.config.units]
    read = {u.unit.id: u.repo for u in units_of(repo, locked_only=True)}
    for file, node, key, i, text, what in items:
        parts = split_ref(text)
        assert parts is not None  # the model's pattern
        unit, ident = parts
        if unit not in declared:
            close = nearest(unit, declared)
            hint = f" (nearest units: {', '.join(close)})" if close else ""
            listed = f"; units: {', '.join(declared)}" if declared and not close else ""
            msg = f"{text!r} names unit {unit!r}, which is no unit of okrbsc.yaml{hint}{listed}"
            yield hit(file, file.item_at(node, key, i), msg)
            continue
        if unit not in read:
            continue  # not locked: U701 says so
        missing = _missing_in_unit(read[unit], text, unit, ident, what)
        if missing is not None:
            yield hit(file, file.item_at(node, key, i), missing)


def _unit_ref_items(repo: Repo) -> list[_UnitRef]:
    """Every `UNIT:ID` written: each measure's `rollup.of`, and (with units configured)
    each objective's `depends_on` of that form: (file, node, key, index, text, what)."""
    items: list[_UnitRef] = []
    for ref, measure in repo.measures.values():
        if measure.rollup is not None:
            for i, text in enumerate(measure.rollup.of):
                items.append((ref.file, measure.rollup, "of", i, text, "measure"))
    if repo.config.units:
        from okrbsc.units.portfolio import split_ref

        for oref in objectives(repo):
            for i, text in enumerate(oref.objective.depends_on):
                if split_ref(text) is not None:
                    items.append((oref.file, oref.objective, "depends_on", i, text, "objective"))
    return items


def _missing_in_unit(unit_repo: Repo, text: str, unit: str, ident: str, what: str) -> str | None:
    """The message when the unit at its locked commit has no such measure or objective."""
    from okrbsc.units.portfolio import nearest, unit_ids

    if what == "measure":
        found = ident in unit_repo.measures
        choices = list(unit_repo.measures)
    else:
        found = ident in unit_ids(unit_repo)
        choices = unit_ids(unit_repo)
    if found:
        return None
    close = nearest(ident, choices)
    hint = f" (nearest: {', '.join(f'{unit}:{c}' for c in close)})" if close else ""
    return f"{text!r}: unit {unit!r} has no {what} {ident!r} at its locked commit{hint}"


def _sources(repo: Repo) -> Iterator[Hit]:
    """`source.from` names a connection of okrbsc.yaml (SPEC 8.2)."""
    known = repo.config.sources
    items: list[tuple[SourceFile, str, Source | None, bool]] = [
        (ref.file, measure.id, measure.source, True) for ref, measure in repo.measures.values()
    ]
    items += [
        (ref.file, ref.objective.kr_id(i), kr.source, False)
        for ref in objectives(repo)
        for i, kr in enumerate(ref.objective.key_results)
        if kr.source is not None  # the id only of a key result that is pulled
    ]
    for file, ident, source, measure in items:
        if source is not None and source.from_ not in known:
            hint = did_you_mean(source.from_, known)
            msg = (
                f"{ident!r} is pulled from {source.from_!r}, "
                f"which is no connection of `sources:` in okrbsc.yaml{hint}"
            )
            yield hit(file, file.at(source, "from"), msg)
        elif source is not None:
            tracker = known[source.from_].tracker
            problem = _kind_problem(tracker, source, measure)
            if problem is not None:
                what = f"{ident!r} is pulled from {source.from_!r}, "
                yield hit(file, file.at(source, "from"), what + problem)


_NEEDS = {"github": "repo", "gitlab": "project", "jira": "jql"}


def _kind_problem(tracker: str | None, source: Source, measure: bool) -> str | None:
    """What is wrong with a source written for another kind of connection (SPEC 17)."""
    if tracker is None:
        return None if source.query is not None else "a database: its source needs a query"
    if measure:
        return f"a {tracker} connection: trackers feed key results only"
    needed = _NEEDS[tracker]
    if source.query is not None:
        return f"a {tracker} connection: its source takes {needed}, not a query"
    given = next((k for k in _NEEDS.values() if getattr(source, k) is not None), None)
    if given is not None and given != needed:
        return f"a {tracker} connection: its source takes {needed}, not {given}"
    return None


def _config(repo: Repo) -> Iterator[Hit]:
    for team in repo.config.teams:
        if team.parent is not None and team.parent not in repo.teams:
            hint = did_you_mean(team.parent, repo.teams)
            msg = f"parent {team.parent!r} of team {team.id!r} is not a team{hint}"
            yield hit(repo.config_file, repo.config_file.at(team, "parent"), msg)


def _scorecard(repo: Repo) -> Iterator[Hit]:
    ranks = repo.perspective_rank
    for file, card in repo.scorecards:
        for obj in card.objectives:
            if obj.perspective not in ranks:
                hint = did_you_mean(obj.perspective, ranks)
                msg = f"objective {obj.id!r}: unknown perspective {obj.perspective!r}{hint}"
                yield hit(file, file.at(obj, "perspective"), msg)
            for i, target in enumerate(obj.drives):
                if target not in repo.sc_objectives and target not in gaps(repo).ids:
                    hint = did_you_mean(target, repo.sc_objectives)
                    msg = f"{obj.id!r} drives {target!r}, which is no scorecard objective{hint}"
                    yield hit(file, file.item_at(obj, "drives", i), msg)


def _alignments(repo: Repo, ref: OkrRef) -> Iterator[Hit]:
    for i, ident in enumerate(ref.objective.aligns_to):
        if repo.resolve_alignment(ref, ident) is None and ident not in gaps(repo).ids:
            hint = did_you_mean(ident, _alignable(repo, ref))
            msg = f"{ref.id!r} aligns to {ident!r}, which names no objective or key result{hint}"
            yield hit(ref.file, ref.file.item_at(ref.objective, "aligns_to", i), msg)


def _alignable(repo: Repo, ref: OkrRef) -> Iterable[str]:
    periods = [ref.period, *ref.period.enclosing]
    names = [
        ident
        for period in periods
        for r in repo.periods.get(period, [])
        for ident in (r.id, *(r.objective.kr_id(i) for i in range(len(r.objective.key_results))))
    ]
    return names + list(repo.sc_objectives)


def _dependencies(repo: Repo, ref: OkrRef) -> Iterator[Hit]:
    for i, ident in enumerate(ref.objective.depends_on):
        if repo.config.units and ":" in ident:
            continue  # a unit's objective: `_unit_references`
        if ident in repo.teams or repo.okr_objective(ref.period, ident) is not None:
            continue
        if ident in gaps(repo).ids or gaps(repo).config_unread:
            continue
        choices = [*repo.teams, *(r.id for r in repo.periods.get(ref.period, []))]
        hint = did_you_mean(ident, choices)
        msg = f"{ref.id!r} depends on {ident!r}, which is no team or objective of {ref.period}"
        yield hit(ref.file, ref.file.item_at(ref.objective, "depends_on", i), msg + hint)
