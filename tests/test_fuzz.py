"""Fuzzing every input path: lint, score, status, report and checkin on mutated files.

Each example writes one generated or mutated OKR file into a copy of the base
repo and runs the commands in process; any exception other than a clean exit
fails. The example count is bounded for CI; run longer with
OKRBSC_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz.py.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from okrbsc.cli import app
from okrbsc.lint import engine as lint
from okrbsc.strategy.repo import Repo

from .conftest import BASE, BASE_AS_OF

EXAMPLES = int(os.environ.get("OKRBSC_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SALES = (BASE / "okrs/2026/Q3/sales.yaml").read_text(encoding="utf-8")

KEYS = [
    "id",
    "title",
    "kind",
    "start",
    "target",
    "current",
    "direction",
    "unit",
    "weight",
    "score",
    "done",
    "checkins",
    "date",
    "value",
    "confidence",
    "note",
    "aligns_to",
    "depends_on",
    "type",
    "rewards",
    "key_results",
    "objectives",
    "team",
    "period",
    "owner",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["2026-Q3", "2026-07-06", "S1", "binary", "up", "sales", "C1"]),
    st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31)),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=6)
    ),
    max_leaves=25,
)


def documents() -> st.SearchStrategy[Any]:
    """OKR-shaped documents with random values in random places."""
    checkin = st.fixed_dictionaries(
        {"date": values, "value": values}, optional={"confidence": values, "note": values}
    )
    kr = st.fixed_dictionaries(
        {"title": values, "start": values, "target": values},
        optional={
            "id": values,
            "kind": values,
            "done": values,
            "checkins": st.lists(checkin, max_size=3),
            "weight": values,
        },
    )
    objective = st.fixed_dictionaries(
        {"id": values, "title": values},
        optional={
            "aligns_to": values,
            "depends_on": values,
            "key_results": st.lists(kr, max_size=4),
            "score": values,
        },
    )
    return st.fixed_dictionaries(
        {
            "kind": st.sampled_from(["okrs", "okrs", "scorecard", "nope"]),
            "team": values,
            "period": values,
            "objectives": st.lists(objective, max_size=4),
        },
        optional={"extra": values},
    )


def _edited(edits: list[tuple[int, int, bytes]]) -> bytes:
    data = bytearray(SALES.encode("utf-8"))
    for at, cut, insert in edits:
        data[at : at + cut] = insert
    return bytes(data)


def mutated_sales() -> st.SearchStrategy[bytes]:
    """The base repo's sales file with up to six bytes cuts and insertions."""
    edit = st.tuples(st.integers(0, len(SALES)), st.integers(0, 8), st.binary(max_size=6))
    return st.lists(edit, min_size=1, max_size=6).map(_edited)


def exercise(text: bytes) -> None:
    """Every command over a repo holding the fuzzed file: clean exits only."""
    root = Path(tempfile.mkdtemp(prefix="okrbsc-fuzz-"))
    try:
        repo_dir = root / "repo"
        shutil.copytree(BASE, repo_dir)
        (repo_dir / "okrs/2026/Q3/fuzz.yaml").write_bytes(text)
        lint.run(Repo.open(repo_dir, dt.date.fromisoformat(BASE_AS_OF)))
        runner = CliRunner()
        common = ["--repo", str(repo_dir), "--as-of", BASE_AS_OF]
        for args in (
            ["score", "2026-Q3", "--format", "json"],
            ["status", "2026-Q3"],
            ["report", "2026-Q3", "--out", str(root / "out")],
            ["checkin", "S1.1", "3", "--period", "2026-Q3", "--date", "2026-09-01"],
            ["lint", "--format", "sarif"],
        ):
            result = runner.invoke(app, [*args, *common])
            assert result.exit_code in (0, 1, 2), (args, result.output)
            assert result.exception is None or isinstance(result.exception, SystemExit), (
                args,
                repr(result.exception),
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)


@FUZZ
@given(documents())
def test_generated_documents(document: Any) -> None:
    exercise(yaml.safe_dump(document, allow_unicode=True).encode("utf-8"))


@FUZZ
@given(mutated_sales())
def test_mutated_valid_file(raw: bytes) -> None:
    exercise(raw)


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes(raw: bytes) -> None:
    exercise(raw)


def test_killed_writers_never_tear_the_file(tmp_path: Path) -> None:
    """Kill checkin processes at random moments: the file is always the old or the new one."""
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    path = root / "okrs/2026/Q3/sales.yaml"
    rng = random.Random(7)
    landed = 0
    for attempt in range(int(os.environ.get("OKRBSC_KILL_ROUNDS", "12"))):
        before = path.read_text(encoding="utf-8")
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "okrbsc",
                "checkin",
                "S1.1",
                str(attempt),
                "--repo",
                str(root),
                "--as-of",
                "2026-09-30",
                "--date",
                "2026-09-30",
                "--quiet",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.05, 0.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        after = path.read_text(encoding="utf-8")
        if after != before:
            added = [line for line in after.splitlines() if line not in before.splitlines()]
            assert len(after.splitlines()) == len(before.splitlines()) + 1, "torn write"
            assert added == [f"          - {{date: 2026-09-30, value: {attempt}}}"]
            landed += 1
    final = Repo.open(root, dt.date(2026, 9, 30))
    assert all(not f.problems for f in final.all_files)
    print(f"{landed} of the killed writers had landed their check-in")
