"""Generate a synthetic strategy repo in the SPEC format, for benchmarks.

    python benchmarks/generate.py --teams 1000 /tmp/bench-1000

Per team one quarter file of 4 objectives x 4 KRs x 13 weekly check-ins; a
scorecard of 4 perspectives x 4 objectives x 3 measures; annual OKRs. With
--big-file, one extra team file of about 5 MB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

PERSPECTIVES = ("learning", "process", "customer", "financial")


def scorecard() -> str:
    out = ["kind: scorecard", "mission: Synthetic benchmark organisation", "objectives:"]
    for rank, persp in enumerate(PERSPECTIVES):
        for j in range(4):
            oid = f"{persp[0].upper()}{j}"
            out += [f"  - id: {oid}", f"    perspective: {persp}", f"    title: Objective {oid}"]
            if rank < 3:
                out.append(f"    drives: [{PERSPECTIVES[rank + 1][0].upper()}{j}]")
            out.append("    measures:")
            for k in range(3):
                kind = "lead" if k == 0 else "lag"
                out.append(
                    f"      - {{id: {oid}-m{k}, name: Measure {k}, type: {kind}, baseline: 10, "
                    f"target: 20, actuals: {{2026-Q1: 12, 2026-Q2: 15}}}}"
                )
    return "\n".join(out) + "\n"


def annual() -> str:
    out = [
        "kind: okrs",
        "team: company",
        "period: 2026",
        "# okrbsc: disable-file=C202",
        "objectives:",
    ]
    for i, persp in enumerate(PERSPECTIVES):
        out += [
            f"  - id: A{i}",
            f"    title: Annual focus on {persp}",
            f"    aligns_to: [{persp[0].upper()}{i}]",
            "    key_results:",
        ]
        out += [f"      - {{title: Annual metric {k}, start: 0, target: 10}}" for k in range(3)]
    return "\n".join(out) + "\n"


def team_file(team: int, objectives: int = 4, rng: random.Random | None = None) -> str:
    rng = rng or random.Random(team)
    out = ["kind: okrs", f"team: t{team}", "period: 2026-Q3", "objectives:"]
    for o in range(objectives):
        out += [
            f"  - id: T{team}O{o}",
            "    title: Make the customer experience better",
            f"    aligns_to: [A{o % 4}]",
            "    key_results:",
        ]
        for k in range(4):
            start, target = 10.0, 20.0 + k
            out += [
                f"      - id: T{team}O{o}K{k}",
                f"        title: Metric number {k} improves",
                f"        start: {start}",
                f"        target: {target}",
                "        unit: pct",
                "        checkins:",
            ]
            for week in range(13):
                day = dt.date(2026, 7, 6) + dt.timedelta(weeks=week)
                value = start + week * (target - start) / 13 * rng.uniform(0.5, 1.2)
                conf = rng.choice((0.4, 0.5, 0.6, 0.7, 0.8))
                out.append(
                    f"          - {{date: {day}, value: {value:.2f}, confidence: {conf}, "
                    f"note: week {week} update from the team}}"
                )
    return "\n".join(out) + "\n"


def generate(root: Path, teams: int, big_file: bool = False) -> None:
    (root / "okrs/2026/Q3").mkdir(parents=True, exist_ok=True)
    team_lines = "\n".join(
        f"  - {{id: t{i}, name: Team {i}, parent: company}}" for i in range(teams)
    )
    extra = "\n  - {id: big, name: Big team, parent: company}" if big_file else ""
    (root / "okrbsc.yaml").write_text(
        f"organisation: Benchmark\nteams:\n  - {{id: company, name: Benchmark}}\n{team_lines}{extra}\n"
        "lint:\n  key_results_per_objective: [3, 5]\n  objectives_per_team: [3, 1000]\n"
    )
    (root / "scorecard.yaml").write_text(scorecard())
    (root / "okrs/2026/annual.yaml").write_text(annual())
    for team in range(teams):
        (root / f"okrs/2026/Q3/t{team}.yaml").write_text(team_file(team))
    if big_file:
        text = team_file(99999, objectives=880).replace("team: t99999", "team: big")
        (root / "okrs/2026/Q3/big.yaml").write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--teams", type=int, default=100)
    parser.add_argument("--big-file", action="store_true", help="add one ~5 MB team file")
    args = parser.parse_args()
    generate(args.root, args.teams, args.big_file)


if __name__ == "__main__":
    main()
