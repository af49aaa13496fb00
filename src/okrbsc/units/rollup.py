"""Roll-ups and the portfolio (SPEC 18.2, 18.3): a group measure's parts from its units'
measures, each unit's actual by its own rule, and each unit scored by its own files."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from okrbsc.errors import DataError
from okrbsc.scoring.engine import PerspectiveScore, RollupPart, UnitScore, score_period
from okrbsc.strategy.measures import assess
from okrbsc.strategy.models import Measure, Unit
from okrbsc.strategy.periods import Period
from okrbsc.strategy.repo import Repo, SourceFile
from okrbsc.units.cache import get_summary, put_summary
from okrbsc.units.fetch import clone_dir, has_commit
from okrbsc.units.portfolio import locked_entries, read_unit, split_ref, units_of


def attach(group: Repo) -> None:
    """Let scoring read the parts of the group's rolled-up measures from its units
    (read when a roll-up is first scored, never fetched)."""

    def parts(measure: Measure, period: Period) -> list[RollupPart]:
        assert measure.rollup is not None
        found = {s["id"]: s for s in summaries(group, period)}
        return [_part(found, ref) for ref in measure.rollup.of]

    group.rollup_parts = parts


def _part(found: dict[str, dict[str, Any]], ref: str) -> RollupPart:
    unit_id, ident = split_ref(ref) or ("", ref)
    summary = found.get(unit_id)
    part = None if summary is None else summary["measures"].get(ident)
    if part is None:
        raise DataError(f"{ref!r} names no measure of a unit at its locked commit: run okrbsc lint")
    actual, since, unit = part
    return RollupPart(ref, actual, since, unit)


@functools.cache
def _code() -> str:
    """What decides a unit's scores besides its files: okrbsc and its scoring code."""
    from okrbsc import __version__
    from okrbsc.scoring import engine
    from okrbsc.strategy import measures
    from okrbsc.strategy.cache import fingerprint

    digest = hashlib.blake2b(fingerprint(), digest_size=16)
    for module in (engine, measures):
        digest.update(Path(str(module.__file__)).read_bytes())
    return f"{__version__}:{digest.hexdigest()}"


_SUMMARIES: dict[tuple[str, str, str], list[dict[str, Any]]] = {}


def summaries(group: Repo, period: Period) -> list[dict[str, Any]]:
    """Each unit at its locked commit for ``period``: its calendar, scores and measures'
    actuals, kept by commit (with as-of, period and okrbsc's scoring code) in the user's
    cache, so a unit whose lock entry did not change is not read again (SPEC 18.3).
    A unit with another fiscal calendar is an error naming both values (exit 1)."""
    entries = locked_entries(group)
    memo = (str(group.root), f"{group.as_of}/{period}", repr(sorted(entries)))
    if memo in _SUMMARIES:
        return _SUMMARIES[memo]
    out = []
    for unit in group.config.units:
        commit = entries[unit.id].commit
        if not has_commit(group.root, unit.id, commit):
            raise DataError(
                f"unit {unit.id!r} is not synced at its locked commit {commit[:12]}: "
                "run okrbsc units sync"
            )
        key = "\0".join(
            (str(clone_dir(group.root, unit.id).resolve()), commit, group.as_of.isoformat(),
             str(period), _code())
        )  # fmt: skip
        data = get_summary(key)
        if data is None:
            data = _summarise(group, unit, commit, period)
            put_summary(key, data)
        for name in ("fiscal_year_start", "fiscal_year_named_by"):
            mine = getattr(group.config, name)
            if data[name] != mine:
                raise DataError(
                    f"unit {unit.id!r} has {name}: {data[name]}, the group {name}: {mine}: "
                    "a unit's fiscal calendar must equal the group's"
                )
        out.append({**data, "id": unit.id, "name": unit.name or data["organisation"]})
    _SUMMARIES[memo] = out
    return out


def _summarise(group: Repo, unit: Unit, commit: str, period: Period) -> dict[str, Any]:
    repo = read_unit(group, unit, commit)
    problems = [p.at(f.path) for f in repo.all_files for p in f.problems]
    if problems:
        raise DataError(
            f"unit {unit.id!r} at {commit[:12]} has errors, so it cannot be scored "
            "(run okrbsc lint in the unit's repo):",
            details=problems[:10],
        )
    scored = score_period(repo, period)
    krs = [k for _, _, k in scored.key_results()]
    tolerance = repo.config.scoring.measure_tolerance
    measures: dict[str, list[Any]] = {}
    for ident, (_, measure) in repo.measures.items():
        seen = assess(measure, period, repo.calendar, tolerance)
        value = seen.actual
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        since = str(seen.actual_period) if ok and seen.actual_period is not None else None
        measures[ident] = [float(value) if ok else None, since, measure.unit]  # type: ignore[arg-type]
    return {
        "commit": commit,
        "organisation": repo.config.organisation,
        "fiscal_year_start": repo.config.fiscal_year_start,
        "fiscal_year_named_by": repo.config.fiscal_year_named_by,
        "score": scored.score,
        "perspectives": [
            [p.id, p.name, p.okr_score, p.achievement, p.status] for p in scored.perspectives
        ],
        "at_risk": sum(1 for k in krs if k.at_risk),
        "no_data": sum(1 for k in krs if not k.has_data),
        "measures": measures,
    }


def unit_scores(group: Repo, period: Period) -> tuple[UnitScore, ...]:
    """Each unit scored for ``period`` by its own files and settings at its lock."""
    return tuple(
        UnitScore(
            id=s["id"],
            name=s["name"],
            commit=s["commit"],
            score=s["score"],
            perspectives=tuple(PerspectiveScore(*p) for p in s["perspectives"]),
            at_risk=s["at_risk"],
            no_data=s["no_data"],
        )
        for s in summaries(group, period)
    )


def rollup_problems(group: Repo) -> Iterator[tuple[SourceFile, Measure, int, str]]:
    """E002 at `rollup` (SPEC 18.2): a part whose unit of measure differs from the
    group measure's (one side with a `unit` and the other none counts too)."""
    if not any(m.rollup is not None for _, m in group.measures.values()):
        return
    read = {u.unit.id: u for u in units_of(group, locked_only=True)}
    for ref, measure in group.measures.values():
        if measure.rollup is None:
            continue
        for i, text in enumerate(measure.rollup.of):
            unit_id, ident = split_ref(text) or ("", text)
            unit = read.get(unit_id)
            found = None if unit is None else unit.repo.measures.get(ident)
            if found is None:
                continue  # E005
            theirs = found[1].unit
            if theirs != measure.unit:
                mine = f"`unit: {measure.unit}`" if measure.unit else "no unit"
                other = f"`unit: {theirs}`" if theirs else "no unit"
                yield (
                    ref.file,
                    measure,
                    i,
                    (
                        f"{measure.id!r} rolls up {text!r}, which has {other} while {measure.id!r} "
                        f"has {mine}: a roll-up converts nothing, so the units must be the same"
                    ),
                )
