"""Published practice draws only the findings a coach would make (SPEC 11).

tests/corpus/false-alarms is a strategy written the way published OKR sets
are written; every finding a coach would sign is marked on its line with
`# coach: CODE`. Linting it must give exactly those findings: a false alarm
(an unmarked finding) or a missed one fails the test.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from typer.testing import CliRunner

from okrbsc.cli import app
from okrbsc.lint import engine
from okrbsc.strategy.repo import Repo

CORPUS = Path(__file__).parent / "corpus" / "false-alarms"
AS_OF = "2026-08-20"
_MARK = re.compile(r"#\s*coach:\s*([A-Z0-9, ]+)")


def marked() -> set[tuple[str, int, str]]:
    out = set()
    for path in sorted(CORPUS.rglob("*.yaml")):
        rel = path.relative_to(CORPUS).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = _MARK.search(line)
            if match:
                for code in match.group(1).split(","):
                    out.add((rel, number, code.strip()))
    return out


def test_the_corpus_is_the_size_the_spec_asks() -> None:
    repo = Repo.open(CORPUS, dt.date.fromisoformat(AS_OF))
    objectives = [ref for refs in repo.periods.values() for ref in refs]
    key_results = [kr for ref in objectives for kr in ref.objective.key_results]
    assert len(objectives) >= 15
    assert len(key_results) >= 40
    assert all(f.problems == [] for f in repo.all_files)  # it reads cleanly


def test_exactly_the_findings_a_coach_would_make() -> None:
    result = engine.run(Repo.open(CORPUS, dt.date.fromisoformat(AS_OF)))
    got = {(f.path, f.line, f.code) for f in result.findings}
    messages = {(f.path, f.line, f.code): f.message for f in result.findings}
    false_alarms = sorted(got - marked())
    missed = sorted(marked() - got)
    assert false_alarms == [], [f"{k}: {messages[k]}" for k in false_alarms]
    assert missed == []


def test_through_the_cli_they_are_warnings_only() -> None:
    result = CliRunner().invoke(
        app, ["lint", "--repo", str(CORPUS), "--as-of", AS_OF, "--format", "json"]
    )
    assert result.exit_code == 0, result.output  # published practice does not fail CI
    data = json.loads(result.output)
    assert {f["severity"] for f in data["findings"]} == {"warning"}
    assert len(data["findings"]) == len(marked())
