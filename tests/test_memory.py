"""Repeated in-process `lint` of the same repo keeps its memory flat.

Reading a repo freezes what it read (``gc.freeze``, so the collector skips it);
each command hands it back when done. Before that, every run in one process
(a test runner, a library user) kept its whole repo for good: about 0.9 MB
(some 2,800 objects) a run of examples/.
"""

from __future__ import annotations

import gc

from typer.testing import CliRunner

from okrbsc.cli import app
from tests.conftest import EXAMPLES

LINT = ["lint", "--repo", str(EXAMPLES), "--as-of", "2026-11-20", "--no-cache"]


def _live_objects() -> int:
    """Objects the collector tracks, the frozen ones included."""
    gc.collect()
    return len(gc.get_objects()) + gc.get_freeze_count()


def test_a_lint_leaves_nothing_frozen() -> None:
    result = CliRunner().invoke(app, LINT)
    assert result.exit_code == 0, result.output
    assert gc.get_freeze_count() == 0


def test_200_lints_in_one_process_do_not_grow() -> None:
    runner = CliRunner()
    for _ in range(20):  # warm-up: imports, bounded caches
        assert runner.invoke(app, LINT).exit_code == 0
    before = _live_objects()
    for _ in range(200):
        result = runner.invoke(app, LINT)
        assert result.exit_code == 0, result.output
    grown = _live_objects() - before
    # the leak this guards against kept ~2,800 objects a run: 560,000 over 200 runs;
    # without it 200 runs grow by about 1,400 (7 a run). The bound: 100 a run.
    assert grown < 20_000, f"200 lints left {grown} more live objects"
