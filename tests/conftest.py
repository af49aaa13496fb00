from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

TESTS = Path(__file__).parent
ROOT = TESTS.parent
BASE = TESTS / "fixtures" / "base"
EXAMPLES = ROOT / "examples"
BASE_AS_OF = "2026-10-15"


def need_tool(found: str | None, what: str, part: str) -> str:
    """The outside tool a test needs, or the reason it cannot run.

    Outside CI a missing tool skips the test. In CI it fails, unless `.ci/run`
    tried to install that part and could not: it then names the part in
    OKRBSC_CI_UNAVAILABLE (npm, chromium, java, postgresql) and the test skips,
    loudly, on stderr and as a warning in pytest's summary.
    """
    if found is not None:
        return found
    if os.environ.get("CI") == "true":
        unavailable = os.environ.get("OKRBSC_CI_UNAVAILABLE", "").split()
        if part not in unavailable:
            pytest.fail(f"CI must provide {what}")
        message = f"LOUD SKIP: {what} could not be installed in CI ({part}); this test did not run"
        warnings.warn(message, stacklevel=2)
        print(f"\n!!! {message}", file=sys.stderr)
        pytest.skip(message)
    pytest.skip(f"{what} is not installed")


#: The tests that take the most CPU (seconds measured, 2 workers), longest first. They
#: run first: with `--dist worksteal` (pyproject) a worker that runs out of tests takes
#: the other's last ones, so a run ends on short tests instead of one worker running a
#: long test alone at the end. A name missing here only costs time, never a test.
LONGEST_FIRST = (
    "test_write_fuzz.py::test_every_file_lint_accepts_is_written_exactly_or_refused",  # 12
    "test_incremental.py::test_edits_linted_warm_give_the_findings_of_a_cold_run",  # 12
    "test_templates_bounded.py::test_a_runaway_loop_stops_after_10_s_of_cpu",  # 11
    "test_ci_integration.py::test_pre_commit_installs_the_hook_from_a_config_and_runs_it",  # 11
    "test_memory.py::test_200_lints_in_one_process_do_not_grow",  # 10
    "test_fastread.py::test_generated_documents_read_alike_spaced",  # 10
    "test_fastread.py::test_generated_documents_read_alike_with_windows_line_ends",  # 9
    "test_fastread.py::test_generated_documents_read_alike",  # 8
    "test_fastread.py::test_generated_documents_read_alike_emptied",  # 8
    "test_fuzz.py::test_generated_documents",  # 7
    "test_fuzz.py::test_mutated_valid_file",  # 7
    "test_fuzz.py::test_random_bytes",  # 6
    "test_table_text.py::test_table_text_is_what_rich_prints",  # 6
    "test_report.py::test_hostile_text_is_escaped_everywhere",  # 6
    "test_review.py::test_hostile_titles_stay_text_in_the_review",  # 6
    "test_cache.py::test_warm_equals_cold_on_generated_documents",  # 5
    "test_checkin_exact.py::test_any_value_accepted_reads_back_equal_and_any_other_is_refused",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest tests first (LONGEST_FIRST), every other in collection order."""
    rank = {name: n for n, name in enumerate(LONGEST_FIRST)}
    last = len(rank)

    def key(item: pytest.Item) -> int:
        name = getattr(item, "originalname", item.name)
        return rank.get(f"{item.path.name}::{name}", last)

    items.sort(key=key)


@pytest.fixture(autouse=True, scope="session")
def _own_read_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Commands fill the user's read cache: in tests, a folder of the test run's own."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))


@pytest.fixture
def base_repo(tmp_path: Path) -> Path:
    """A copy of the minimal clean repo, to break in a test."""
    dest = tmp_path / "repo"
    shutil.copytree(BASE, dest)
    return dest


@pytest.fixture
def examples_copy(tmp_path: Path) -> Path:
    """A copy of examples/, to edit or break in a test."""
    dest = tmp_path / "strategy"
    shutil.copytree(EXAMPLES, dest)
    return dest


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """okrbsc as a real subprocess, from this checkout's src/, in an environment of
    PATH and NO_COLOR only (or ``env`` instead) and the test run's read cache."""
    given = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1"} if env is None else env
    return subprocess.run(
        [sys.executable, "-m", "okrbsc", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        env={**_own_cache(), **given, **CODE_ENV},
    )


def _own_cache() -> dict[str, str]:
    """The test run's read cache (see _own_read_cache) for a child okrbsc, as
    in_process gives its commands: never the user's ~/.cache, and one cache for
    the real and the in-process runs of a test."""
    cache = os.environ.get("XDG_CACHE_HOME")
    return {"XDG_CACHE_HOME": cache} if cache else {}


def in_process(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """What `run_cli` gives, from okrbsc run by Typer's runner in this process: the
    command the console script would run, in ``cwd``, in the environment run_cli gives
    its child (PATH and NO_COLOR only, or ``env`` instead; the test run's own read
    cache unless ``env`` names another). It skips starting Python and importing
    okrbsc again, most of what a short command costs; each command path run this way
    keeps a test that runs it as a real subprocess. A crash raises, where a process
    would print "internal error"."""
    from okrbsc.cli.app import only_command

    given = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1"} if env is None else env
    only = dict.fromkeys(os.environ) | {"XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]} | given
    with contextlib.chdir(cwd or Path.cwd()):
        result = CliRunner(env=only).invoke(only_command(list(args)), list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(list(args), result.exit_code, result.stdout, result.stderr)


# the okrbsc under test: the source tree the tests run with, not whichever is installed
#: a child okrbsc runs the code under test (this checkout's src/), not an installed copy
CODE_ENV = {"PYTHONPATH": str(ROOT / "src")}


GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "Dana",
    "GIT_AUTHOR_EMAIL": "dana@example.com",
    "GIT_COMMITTER_NAME": "Dana",
    "GIT_COMMITTER_EMAIL": "dana@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """git in a test repository, as Dana unless ``env`` says otherwise."""
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**GIT_ENV, **(env or {})},
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout


def commit_all(top: Path, message: str, author: str, when: str) -> str:
    """Commit everything in ``top`` as ``author`` at ``when`` (a date, or a date and
    time, UTC); the new commit's sha. Same inputs, same sha, on any machine."""
    stamp = (when if "T" in when else f"{when}T12:00") + ":00+00:00"
    git(top, "add", "-A")
    git(
        top,
        "commit",
        "-qm",
        message,
        env={"GIT_AUTHOR_NAME": author, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp},
    )
    return git(top, "rev-parse", "HEAD").strip()


def changed_lines(root: Path) -> list[str]:
    """The changed lines of the work tree against the last commit, as - and + lines."""
    out = git(root, "diff", "--unified=0", "--no-color")
    return [
        line
        for line in out.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
