"""Roll-ups and the portfolio (SPEC 18.2, 18.3): a group measure's parts from its units'
measures, each unit's actual by its own rule, and each unit scored by its own files."""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.errors import DataError
from okrbsc.scoring.engine import RollupPart, UnitScore, score_period
from okrbsc.strategy.measures import assess
from okrbsc.strategy.models import Measure
from okrbsc.strategy.periods import Period
from okrbsc.strategy.repo import Repo, SourceFile
from okrbsc.units.portfolio import UnitRead, split_ref, units_of


def attach(group: Repo) -> None:
    """Let scoring read the parts of the group's rolled-up measures from its units
    (read when a roll-up is first scored, never fetched)."""

    def parts(measure: Measure, period: Period) -> list[RollupPart]:
        assert measure.rollup is not None
        read = {u.unit.id: u for u in units_of(group)}
        return [_part(read, ref, period) for ref in measure.rollup.of]

    group.rollup_parts = parts


def _part(read: dict[str, UnitRead], ref: str, period: Period) -> RollupPart:
    unit_id, ident = split_ref(ref) or ("", ref)
    unit = read.get(unit_id)
    found = None if unit is None else unit.repo.measures.get(ident)
    if unit is None or found is None:
        raise DataError(f"{ref!r} names no measure of a unit at its locked commit: run okrbsc lint")
    measure = found[1]
    tolerance = unit.repo.config.scoring.measure_tolerance
    seen = assess(measure, period, unit.repo.calendar, tolerance)
    value = seen.actual
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    since = None if seen.actual_period is None or number is None else str(seen.actual_period)
    return RollupPart(ref, None if number is None else float(number), since, measure.unit)


def unit_scores(group: Repo, period: Period) -> tuple[UnitScore, ...]:
    """Each unit scored for ``period`` by its own files and settings at its lock."""
    out = []
    for read in units_of(group):
        problems = [p.at(f.path) for f in read.repo.all_files for p in f.problems]
        if problems:
            raise DataError(
                f"unit {read.unit.id!r} at {read.commit[:12]} has errors, so it cannot be "
                "scored (run okrbsc lint in the unit's repo):",
                details=problems[:10],
            )
        scored = score_period(read.repo, period)
        krs = [k for _, _, k in scored.key_results()]
        out.append(
            UnitScore(
                id=read.unit.id,
                name=read.unit.name or read.repo.config.organisation,
                commit=read.commit,
                score=scored.score,
                perspectives=scored.perspectives,
                at_risk=sum(1 for k in krs if k.at_risk),
                no_data=sum(1 for k in krs if not k.has_data),
            )
        )
    return tuple(out)


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
