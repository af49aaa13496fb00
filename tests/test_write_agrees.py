"""Writes agree with the reader (issue 12): whatever lint accepts, checkin, score --write
and rollover write with only the intended lines changed, every other byte kept.

Each repository is built once for the module and each test writes in its own copy.
okrbsc runs in this process, but for the case REAL, where every command runs as a
real subprocess, and for the refused check-in."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from okrbsc.strategy.loader import load_bytes

from .conftest import BASE, commit_all, git, in_process, run_cli

OKR = "okrs/2026/Q3/sales.yaml"
AS_OF = "2026-07-20"
SALES = (BASE / OKR).read_text()

FLOW = """{kind: okrs, team: sales, period: 2026-Q3,
 objectives: [
  {id: S1, title: Win the mid-market, aligns_to: [A1],
   key_results: [
    {id: S1.1, title: Qualified pipeline, start: 2.0, target: 3.5,
     checkins: [{date: 2026-07-06, value: 2.1, confidence: 0.7},
                {date: 2026-07-13, value: 2.4, confidence: 0.6}]},
    {title: Win rate, start: 18, target: 25}]},
  {id: S2, title: Keep our best customers, aligns_to: [C1],
   key_results: [{title: Net revenue retention, start: 100, target: 110}]}]}
"""

FOLDED = "    title: >-\n      Keep our best\n      customers\n"
EXPLICIT = "    ? title\n    : Win the mid-market\n"
INDENTLESS = (
    "        checkins:\n"
    "        - {date: 2026-07-06, value: 2.1, confidence: 0.7}\n"
    "        - {date: 2026-07-13, value: 2.4, confidence: 0.6}\n"
)
BLOCK_CHECKINS = (
    "        checkins:\n"
    "          - {date: 2026-07-06, value: 2.1, confidence: 0.7}\n"
    "          - {date: 2026-07-13, value: 2.4, confidence: 0.6}\n"
)

CASES = {
    "tab after title:": SALES.replace("title: Win the mid-market", "title:\tWin the mid-market"),
    "all flow style": FLOW,
    "folded title": SALES.replace("    title: Keep our best customers\n", FOLDED),
    "crlf": SALES.replace("\n", "\r\n"),
    "explicit key": SALES.replace("    title: Win the mid-market\n", EXPLICIT),
    "indentless sequence": SALES.replace(BLOCK_CHECKINS, INDENTLESS),
    "bom": "\ufeff" + SALES,
}
#: the case whose commands run okrbsc as a real subprocess
REAL = "crlf"


def make_repo(tmp_path: Path, text: str) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    (root / OKR).write_bytes(text.encode("utf-8"))
    git(root, "init", "-q")
    commit_all(root, "start", "Dana", "2026-07-01")
    return root


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """The repository `make_repo` makes of a text, made once for the module."""
    built: dict[str, Path] = {}

    def of(text: str) -> Path:
        if text not in built:
            built[text] = make_repo(tmp_path_factory.mktemp("made"), text)
        return built[text]

    return of


@pytest.fixture
def repo_of(made: Callable[[str], Path], tmp_path: Path) -> Callable[[str], Path]:
    """A copy of `make_repo`'s repository of a text, the test's own to write in."""

    def copy(text: str) -> Path:
        root = tmp_path / "repo"
        shutil.copytree(made(text), root, symlinks=True)
        return root

    return copy


def okrbsc(root: Path, *args: str, real: bool = False) -> subprocess.CompletedProcess[str]:
    """okrbsc on ``root``, in this process, or with ``real`` as a subprocess."""
    result = (run_cli if real else in_process)(*args, "--repo", str(root), "--as-of", AS_OF)
    assert "internal error" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result


def numstat(root: Path) -> list[str]:
    return git(root, "diff", "--numstat").splitlines()


@pytest.mark.parametrize("case", list(CASES))
def test_checkin_adds_one_line_and_keeps_every_other_byte(
    repo_of: Callable[[str], Path], case: str
) -> None:
    text = CASES[case]
    root = repo_of(text)
    real = case == REAL
    lint = okrbsc(root, "lint", real=real)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    result = okrbsc(root, "checkin", "S1.1", "2.6", "--date", "2026-07-20", real=real)
    assert result.returncode == 0, result.stdout + result.stderr
    raw = (root / OKR).read_bytes()
    old_lines = text.encode("utf-8").splitlines(keepends=True)
    new_lines = raw.splitlines(keepends=True)
    if case == "all flow style":  # one line changes: the new item goes into its list
        assert numstat(root) == [f"1\t1\t{OKR}"]
        assert b"confidence: 0.6}, {date: 2026-07-20, value: 2.6}]},\n" in raw
    else:
        assert numstat(root) == [f"1\t0\t{OKR}"]
        added = [line for line in new_lines if line not in old_lines]
        assert len(added) == 1 and b"{date: 2026-07-20, value: 2.6}" in added[0]
        assert added[0].endswith(b"\r\n" if case == "crlf" else b"\n")
        assert added[0].endswith(b"\r\n") == (case == "crlf")
    assert raw.startswith(b"\xef\xbb\xbf") == (case == "bom")
    loaded = load_bytes(raw)
    assert loaded.problems == []
    checkins = loaded.data["objectives"][0]["key_results"][0]["checkins"]
    assert [c["value"] for c in checkins] == [2.1, 2.4, 2.6]
    assert okrbsc(root, "lint", real=real).returncode == 0


def test_folded_title_comes_back_byte_identical(repo_of: Callable[[str], Path]) -> None:
    root = repo_of(CASES["folded title"])
    assert okrbsc(root, "checkin", "S1.1", "2.6").returncode == 0
    assert FOLDED in (root / OKR).read_text()
    assert okrbsc(root, "score", "2026-Q3", "--write", "--force", "-q").returncode == 0
    assert FOLDED in (root / OKR).read_text()


@pytest.mark.parametrize("case", list(CASES))
def test_score_write_changes_only_score_lines(repo_of: Callable[[str], Path], case: str) -> None:
    text = CASES[case]
    root = repo_of(text)
    real = case == REAL
    result = okrbsc(root, "score", "2026-Q3", "--write", "--force", "-q", real=real)
    assert result.returncode == 0, result.stdout + result.stderr
    raw = (root / OKR).read_bytes()
    old_lines = text.encode("utf-8").splitlines(keepends=True)
    new_lines = raw.splitlines(keepends=True)
    removed = [line for line in old_lines if line not in new_lines]
    added = [line for line in new_lines if line not in old_lines]
    assert added and all(b"score: " in line for line in added)
    # a changed line is an old one with `score: ...` spliced in, nothing else
    assert all(any(b"score: " in new for new in added) for _ in removed)
    assert all(line.endswith(b"\r\n") == (case == "crlf") for line in new_lines)
    loaded = load_bytes(raw)
    assert loaded.problems == []
    assert all("score" in o for o in loaded.data["objectives"])
    assert okrbsc(root, "lint", real=real).returncode == 0


@pytest.mark.parametrize("case", list(CASES))
def test_rollover_of_any_readable_file_loads(repo_of: Callable[[str], Path], case: str) -> None:
    root = repo_of(CASES[case])
    result = okrbsc(root, "rollover", "2026-Q3", "2026-Q4", real=case == REAL)
    assert result.returncode == 0, result.stdout + result.stderr
    new = load_bytes((root / "okrs/2026/Q4/sales.yaml").read_bytes())
    assert new.problems == [] and new.data["period"] == "2026-Q4"


def test_refusal_names_the_file_and_leaves_it_untouched(tmp_path: Path) -> None:
    """Two key results share one anchored list of check-ins: a check-in spliced into
    it would land in both, so the write is refused, exit 1, the file as it was."""
    text = SALES.replace("        checkins:\n", "        checkins: &weekly\n").replace(
        "{title: Win rate, start: 18, target: 25}",
        "{title: Win rate, start: 18, target: 25, checkins: *weekly}",
    )
    root = make_repo(tmp_path, text)
    assert okrbsc(root, "lint").returncode == 0
    before = (root / OKR).read_bytes()
    result = okrbsc(root, "checkin", "S1.2", "19", "--date", "2026-07-20", real=True)
    assert result.returncode == 1, result.stdout + result.stderr
    assert OKR in result.stderr and "left unchanged" in result.stderr
    assert (root / OKR).read_bytes() == before
