"""SPEC 14.1: one meaning of *stale* and *finished* for every command.

Over every fixture repo (tests/fixtures/*, examples/, the corpora of
tests/corpus/*) and many as-of dates, a key result has the at-risk cause
``stale`` exactly when C202 reports it; each kind of finished key result
(binary done, a value at its target, a recorded score in force on it or on
its objective) is met in the sweep, and none of them is ever stale.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app
from okrbsc.lint.engine import findings_of
from okrbsc.lint.findings import Severity
from okrbsc.lint.rules import find_rule
from okrbsc.scoring.engine import score_period
from okrbsc.scoring.freshness import (
    has_recorded_score,
    is_finished,
    is_stale,
    latest_checkin,
    meets_target,
)
from okrbsc.strategy.repo import Repo

from .conftest import EXAMPLES, TESTS
from .hostile_repos import build
from .test_cascade import CASES, broken

FIXTURES = sorted(p for p in (TESTS / "fixtures").iterdir() if (p / "okrbsc.yaml").exists())
CORPUS = sorted(p for p in (TESTS / "corpus").iterdir() if (p / "okrbsc.yaml").exists())
C202 = find_rule("C202")
_KR_ID = re.compile(r"key result '([^']+)'")

# A repo with each kind of finished key result, none checked in lately, and one
# stale key result beside them: quarter 2026-Q3, stale_after_days 14.
FINISHED = {
    "okrbsc.yaml": "organisation: Finished Co\nteams:\n  - {id: ops, name: Ops}\n",
    "okrs/2026/Q3/ops.yaml": """\
kind: okrs
team: ops
period: 2026-Q3
objectives:
  - id: O1
    title: Run a calm operation
    key_results:
      - {id: O1.1, kind: binary, title: Launch the status page, checkins: [{date: 2026-07-03, value: 1}]}
      - {id: O1.2, title: Cut paging to 4 a week, start: 20, target: 4, checkins: [{date: 2026-07-03, value: 3}]}
      - {id: O1.3, title: Lift uptime to 99.9, start: 99, target: 99.9, score: 0.6, checkins: [{date: 2026-07-03, value: 99.2}]}
      - {id: O1.4, title: Lift NPS to 40, start: 20, target: 40, checkins: [{date: 2026-07-03, value: 25}]}
      - {id: O1.5, kind: binary, title: Retire the pager, done: true}
  - id: O2
    title: Keep the lights on
    score: 0.7
    key_results:
      - {id: O2.1, title: Lift coverage to 80, start: 50, target: 80, checkins: [{date: 2026-07-03, value: 55}]}
      - {id: O2.2, title: Cut costs to 10, start: 20, target: 10, current: 12}
""",
}


def _finished_repo(root: Path) -> Path:
    for rel, text in FINISHED.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def repos(tmp: Path) -> dict[str, Path]:
    """Every fixture repo, each mistake of the cascade corpus made in the base fixture,
    the hostile repo, and the repo of finished key results."""
    out = {f"fixtures/{p.name}": p for p in FIXTURES}
    out["examples"] = EXAMPLES
    out |= {f"corpus/{p.name}": p for p in CORPUS}
    for name in sorted(CASES):
        out[f"corpus/cascade/{name}"] = broken(tmp / "cascade" / name, name)
    out["corpus/hostile"] = build(tmp / "hostile", with_git=False)
    out["finished"] = _finished_repo(tmp / "finished")
    return out


def as_of_dates(repo: Repo) -> list[dt.date]:
    """Every 4th day from a week before the first period to a week after the last,
    and each period's edges: its first and last day, and the days around the
    `stale_after_days` threshold."""
    days = repo.config.lint.stale_after_days
    bounds = [repo.calendar.bounds(p) for p in repo.periods]
    if not bounds:
        return [dt.date(2026, 7, 1), dt.date(2026, 9, 30)]
    first = min(b[0] for b in bounds) - dt.timedelta(days=7)
    last = max(b[1] for b in bounds) + dt.timedelta(days=7)
    out = {first + dt.timedelta(days=n) for n in range(0, (last - first).days + 1, 4)}
    for start, end in bounds:
        step = dt.timedelta(days=1)
        out |= {start, end, end - step, end + step}
        out |= {start + dt.timedelta(days=days + k) for k in (0, 1, 2)}
    return sorted(out)


def c202_findings(repo: Repo) -> set[tuple[str, str]]:
    """(path, KR id) of every C202 finding, the rule on at its default severity."""
    assert C202 is not None
    found = findings_of(repo, {"C202": Severity.WARNING}, [C202])
    out = set()
    for f in found:
        match = _KR_ID.search(f.message)
        assert match, f.message
        out.add((f.path, match.group(1)))
    return out


def stale_risks(repo: Repo) -> set[tuple[str, str]]:
    """(path, KR id) of every key result whose at-risk causes include ``stale``."""
    out = set()
    for period in repo.periods:
        for obj in score_period(repo, period).objectives():
            out |= {(obj.path, k.id) for k in obj.key_results if "stale" in k.risks}
    return out


def misplaced(repo: Repo) -> set[str]:
    """Files whose `period` disagrees with their folders: E006 is their one finding
    (SPEC 11), so C202 does not judge them in a period they may not belong to."""
    from okrbsc.lint.rules._gaps import gaps

    return gaps(repo).misplaced


def kinds_of_finished(repo: Repo) -> Counter[str]:
    """How many key results of a running period are finished, by kind, and not
    checked in for longer than `stale_after_days` (so only finishing keeps them
    from being stale)."""
    seen: Counter[str] = Counter()
    days = repo.config.lint.stale_after_days
    for period, refs in repo.periods.items():
        start, end = repo.calendar.bounds(period)
        if not (start <= repo.as_of <= end and (repo.as_of - start).days > days):
            continue
        for ref in refs:
            for kr in ref.objective.key_results:
                last = latest_checkin(kr, repo.as_of)
                if last is not None and (repo.as_of - last.date).days <= days:
                    continue
                if not is_finished(repo, ref, kr):
                    seen["unfinished"] += 1
                    assert is_stale(repo, ref, kr)
                    continue
                assert not is_stale(repo, ref, kr), (ref.file.path, kr.title)
                if has_recorded_score(repo, ref, kr):
                    seen["recorded-objective" if kr.score is None else "recorded-kr"] += 1
                elif meets_target(kr, last):
                    seen["done" if kr.kind == "binary" else "at-target"] += 1
    return seen


def test_stale_risk_is_c202_over_every_repo_and_many_dates(tmp_path: Path) -> None:
    kinds: Counter[str] = Counter()
    compared = stale_seen = 0
    for name, root in repos(tmp_path).items():
        opened = Repo.open(root, dt.date(2026, 7, 1))
        for day in as_of_dates(opened):
            repo = Repo(opened.root, opened.config_file, opened.config, opened.files, day)
            lint, risk = c202_findings(repo), stale_risks(repo)
            away = misplaced(repo)
            risk = {(path, kr) for path, kr in risk if path not in away}
            assert lint == risk, (name, day, lint ^ risk)
            kinds += kinds_of_finished(repo)
            compared += 1
            stale_seen += len(lint)
    assert compared > 500 and stale_seen > 50, (compared, stale_seen)
    for kind in ("done", "at-target", "recorded-kr", "recorded-objective", "unfinished"):
        assert kinds[kind] > 0, kinds


def _cli_json(*args: str) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(app, [*args, "--format", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


@pytest.mark.parametrize("as_of", ["2026-07-16", "2026-08-20", "2026-09-30", "2026-11-20"])
def test_through_the_cli_lint_and_score_agree_on_stale(as_of: str, base_repo: Path) -> None:
    """`lint` and `score` as a user runs them, on examples/ and the base fixture (with
    C202 on in its annual file: a directive silences a finding, not the risk)."""
    annual = base_repo / "okrs" / "2026" / "annual.yaml"
    annual.write_text(annual.read_text("utf-8").replace("disable-file=C202", ""), "utf-8")
    for root in (EXAMPLES, base_repo):
        common = ["--repo", str(root), "--as-of", as_of]
        lint = _cli_json("lint", *common)
        named = {
            _KR_ID.search(f["message"]).group(1)  # type: ignore[union-attr]
            for f in lint["findings"]
            if f["code"] == "C202"
        }
        quarter = "2026-Q3" if as_of < "2026-10-01" else "2026-Q4"
        stale = {
            k["id"]
            for period in (quarter, "2026")
            for t in _cli_json("score", period, *common)["teams"]
            for o in t["objectives"]
            for k in o["key_results"]
            if "stale" in k["risks"]
        }
        assert named == stale, (root, as_of, named ^ stale)
        if as_of == "2026-08-20":
            assert named, root  # some are stale mid-quarter: the comparison can fail


def test_a_recorded_score_before_its_period_ends_does_not_finish(tmp_path: Path) -> None:
    """SPEC 14.2: before the last day the recorded score is not in force, so a key
    result with one and no recent check-in is stale; on the last day it is finished."""
    root = _finished_repo(tmp_path / "finished")
    for day, stale in ((dt.date(2026, 9, 29), True), (dt.date(2026, 9, 30), False)):
        repo = Repo.open(root, day)
        ref = repo.periods[next(iter(repo.periods))][0]
        kr = ref.objective.key_results[2]  # O1.3: a recorded score, not at target
        assert is_stale(repo, ref, kr) is stale
        assert is_finished(repo, ref, kr) is not stale
    shutil.rmtree(root)
