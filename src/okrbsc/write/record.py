"""`okrbsc score --write`: record computed KR and objective scores in the YAML (the freeze)."""

from __future__ import annotations

from collections.abc import Callable

from okrbsc.errors import UsageError
from okrbsc.scoring.engine import ObjectiveScore, PeriodScore
from okrbsc.strategy.periods import Period
from okrbsc.strategy.repo import OkrRef, Repo
from okrbsc.write.safe import edit_all
from okrbsc.write.splice import Doc


def refuse_before_the_end(repo: Repo, period: Period) -> None:
    """Recorded scores are final (they win over computed ones): not before the last day."""
    last = repo.calendar.end(period)
    if repo.as_of < last:
        days = (last - repo.as_of).days
        raise UsageError(
            f"{period} runs until {last}, {days} day{'s' if days != 1 else ''} after "
            f"{repo.as_of}: recorded scores are final and win over computed ones, so "
            f"--write would freeze {period} mid-way; run it on or after {last}, or pass "
            "--force to record them now (nothing was written)"
        )


def record_scores(repo: Repo, result: PeriodScore, team: str | None = None) -> list[str]:
    """Write `score` on every objective and KR of the period; returns the files written."""
    scored = {(o.path, o.id): o for o in result.objectives()}
    by_file: dict[str, list[tuple[int, ObjectiveScore]]] = {}
    refs: list[OkrRef] = repo.periods.get(result.period, [])
    for ref in refs:
        if team is not None and ref.team != team:
            continue
        found = scored.get((ref.file.path, ref.id))
        if found is not None:
            index = ref.doc.objectives.index(ref.objective)
            by_file.setdefault(ref.file.path, []).append((index, found))
    edits = [(repo.root / path, path, _writer(items)) for path, items in by_file.items()]
    return edit_all(repo.root, edits)  # every file, or none (SPEC 12.1)


def _writer(items: list[tuple[int, ObjectiveScore]]) -> Callable[[Doc], None]:
    return lambda doc: _write(doc, items)


def _write(doc: Doc, items: list[tuple[int, ObjectiveScore]]) -> None:
    """Each score as the shortest decimal that reads back as the same float (repr,
    `write.scalars.real`): `score` then gives the same numbers after the write as
    before it (SPEC 14.2)."""
    for index, obj in items:
        where = ("objectives", index)
        doc.set(where, "score", obj.score, ("key_results", "initiatives"))
        for k, kr in enumerate(obj.key_results):
            kr_where = (*where, "key_results", k)
            doc.set(kr_where, "score", kr.score, ("checkins",))
