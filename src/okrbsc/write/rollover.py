"""`okrbsc rollover FROM TO`: start the next quarter (or half, SPEC 15.4) from what the
last one left open.

For every team with OKRs in FROM, a file for TO: objectives that did not reach
green are carried over (each key result starts from the value reached, keeps
its target, and loses its check-ins and recorded scores); green ones are left
for the team to replace. Alignment and dependencies are kept where they still
name something in TO. Nothing is ever overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass

from okrbsc.errors import OkrbscError
from okrbsc.scoring.engine import KrScore, ObjectiveScore, score_period
from okrbsc.strategy.periods import Period
from okrbsc.strategy.repo import OkrRef, Repo
from okrbsc.write.safe import refuse_odd_okr_paths, write_all
from okrbsc.write.scalars import LARGEST_WHOLE, real, text


class RolloverError(OkrbscError):
    """Refused: a usage error (nothing was written)."""


@dataclass(frozen=True)
class Planned:
    path: str
    text: str
    carried: list[str]
    left: list[str]


def q(value: str) -> str:
    """A YAML scalar for any text, read back as that text (SPEC 12.2)."""
    return text(value)


def number(value: float) -> str:
    if float(value).is_integer() and abs(value) <= LARGEST_WHOLE:
        return str(int(value))
    return real(round(value, 6))


def plan(repo: Repo, source: Period, target: Period) -> list[Planned]:
    if source.is_year or source.is_quarter != target.is_quarter or target.is_year:
        raise RolloverError(
            "rollover goes from a quarter to a quarter (2026-Q3 2026-Q4) "
            "or from a half to a half (2026-H1 2026-H2)"
        )
    if not source < target:
        raise RolloverError(f"{target} does not come after {source}")
    if source not in repo.periods:
        raise RolloverError(f"no OKR files for {source}")
    result = score_period(repo, source)
    refs = {(r.file.path, r.id): r for r in repo.periods[source]}
    carried_ids = {o.id for o in result.objectives() if o.grade != "green"}
    known = _resolvable(repo, target) | carried_ids
    out = []
    for team in result.teams:
        keep = [o for o in team.objectives if o.grade != "green"]
        left = [o.id for o in team.objectives if o.grade == "green"]
        path = f"okrs/{target.folder}/{team.team}.yaml"
        body = [_objective(o, refs[(o.path, o.id)], known, repo) for o in keep]
        text = _header(source, target, team.team, keep, left) + "".join(body)
        out.append(Planned(path, text, [o.id for o in keep], left))
    return out


def write(repo: Repo, planned: list[Planned]) -> list[str]:
    refuse_odd_okr_paths(repo.root, [p.path for p in planned])
    clashes = [p.path for p in planned if (repo.root / p.path).exists()]
    if clashes:
        raise RolloverError("these files exist and would be overwritten: " + ", ".join(clashes))
    files = [(repo.root / p.path, p.path, p.text) for p in planned]
    write_all(repo.root, files, new=True)  # inside the repo, all or nothing
    return [p.path for p in planned]


def _resolvable(repo: Repo, target: Period) -> set[str]:
    longer = {r.id for p in target.enclosing for r in repo.periods.get(p, [])}  # half, year
    return longer | set(repo.sc_objectives) | set(repo.teams)


def _header(
    source: Period, target: Period, team: str, keep: list[ObjectiveScore], left: list[str]
) -> str:
    lines = [
        f"# Rolled over from {source} by `okrbsc rollover {source} {target}`.",
        "# Carried over: objectives that did not reach green, each key result starting",
        "# from the value it reached; check-ins and recorded scores dropped.",
    ]
    if left:
        done = ", ".join(left)
        lines.append(f"# Reached green in {source}, left for the team to replace: {done}.")
    lines += [
        "# The team writes its new objectives here; until then the count rule is off:",
        "# okrbsc: disable-file=O101",
        "kind: okrs",
        f"team: {team}",
        f"period: {target}",
    ]
    lines.append("objectives:" if keep else "objectives: []")
    return "\n".join(lines) + "\n"


def _objective(o: ObjectiveScore, ref: OkrRef, known: set[str], repo: Repo) -> str:
    obj = ref.objective
    aligns = [i for i in obj.aligns_to if i in known]
    depends = [i for i in obj.depends_on if i in known]
    lines = [
        f"  - id: {q(o.id)}",
        f"    title: {q(o.title)}",
        f"    # {o.type}; scored {o.score:.2f} ({o.grade}) in {ref.period}",
        f"    type: {o.type}",
    ]
    if obj.owner:
        lines.append(f"    owner: {q(obj.owner)}")
    if obj.weight != 1:
        lines.append(f"    weight: {number(obj.weight)}")
    lines.append(f"    aligns_to: [{', '.join(q(i) for i in aligns)}]")
    dropped = [i for i in obj.aligns_to if i not in known]
    if dropped:
        lines.append(f"    # no longer aligned to {', '.join(dropped)} (not in the new quarter)")
    if depends:
        lines.append(f"    depends_on: [{', '.join(q(i) for i in depends)}]")
    lines.append("    key_results:")
    for index, k in enumerate(o.key_results):
        lines += _key_result(k, obj.key_results[index].id is not None, obj.key_results[index].owner)
    return "\n".join(lines) + "\n"


def _key_result(k: KrScore, explicit_id: bool, owner: str | None) -> list[str]:
    lines = [f"      - title: {q(k.title)}"]
    if explicit_id:
        lines.insert(0, f"      - id: {q(k.id)}")
        lines[1] = f"        title: {q(k.title)}"
    if k.kind == "binary":
        lines += ["        kind: binary", f"        done: {'true' if k.current else 'false'}"]
    else:
        assert k.target is not None and not isinstance(k.current, bool)
        if k.current is not None:  # without data there is no start to carry (SPEC 10.3)
            lines.append(f"        start: {number(k.current)}")
        lines.append(f"        target: {number(k.target)}")
        if k.progress >= 1.0:
            lines.append("        # target reached last quarter: raise it, or drop this key result")
        if k.direction is not None:
            lines.append(f"        direction: {k.direction}")
        if k.unit:
            lines.append(f"        unit: {q(k.unit)}")
    if owner:
        lines.append(f"        owner: {q(owner)}")
    if k.weight != 1:
        lines.append(f"        weight: {number(k.weight)}")
    return lines
