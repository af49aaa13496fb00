"""G503 checkin-backdated (SPEC 9.3) on real git repositories built by the tests:
the commit that added a check-in, its author date in its own time zone, the
working tree, and edits that are G502's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .conftest import BASE, commit_all, git, run_cli

SALES = "okrs/2026/Q3/sales.yaml"
LAST = "          - {date: 2026-07-13, value: 2.4, confidence: 0.6}\n"


@pytest.fixture
def strategy(tmp_path: Path) -> Path:
    root = tmp_path / "strategy"
    shutil.copytree(BASE, root)
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "The quarter's OKRs", "Dana", "2026-07-14")
    return root


def add_checkin(root: Path, line: str) -> None:
    path = root / SALES
    text = path.read_text()
    assert LAST in text
    path.write_text(text.replace(LAST, LAST + line, 1))


def commit_at(root: Path, stamp: str) -> str:
    git(root, "add", "-A")
    git(
        root,
        "commit",
        "-qm",
        "check-in",
        env={"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp},
    )
    return git(root, "rev-parse", "HEAD").strip()


def g503(root: Path, as_of: str, since: str = "HEAD~1") -> list[dict[str, object]]:
    proc = run_cli("lint", "--repo", str(root), "--as-of", as_of, "--since", since, "-f", "json")
    assert proc.returncode in (0, 1), proc.stderr
    return [f for f in json.loads(proc.stdout)["findings"] if f["code"] == "G503"]


NEW = "          - {date: 2026-07-20, value: 2.6, confidence: 0.6}\n"


def test_a_checkin_committed_nine_days_late(strategy: Path) -> None:
    add_checkin(strategy, NEW)
    sha = commit_at(strategy, "2026-07-29T12:00:00+00:00")
    found = g503(strategy, "2026-07-30")
    assert [(f["path"], f["line"], f["severity"]) for f in found] == [(SALES, 16, "warning")]
    message = str(found[0]["message"])
    assert "2026-07-20" in message and "9 days later" in message
    assert f"commit {sha[:7]} of 2026-07-29" in message


def test_a_checkin_committed_on_time(strategy: Path) -> None:
    add_checkin(strategy, NEW)
    commit_at(strategy, "2026-07-21T09:00:00+00:00")
    assert g503(strategy, "2026-09-30") == []  # as-of does not matter once committed


def test_days_count_in_the_authors_time_zone(strategy: Path) -> None:
    add_checkin(strategy, NEW)
    # 2026-07-28 07:30 UTC, but the author's calendar said 2026-07-27: 7 days, allowed
    commit_at(strategy, "2026-07-27T23:30:00-08:00")
    assert g503(strategy, "2026-08-01") == []


def test_a_far_east_author_a_day_later(strategy: Path) -> None:
    add_checkin(strategy, NEW)
    # 2026-07-27 10:30 UTC, but 2026-07-28 where the author was: 8 days
    commit_at(strategy, "2026-07-28T00:30:00+14:00")
    found = g503(strategy, "2026-08-01")
    assert len(found) == 1 and "8 days later" in str(found[0]["message"])


def test_uncommitted_checkins_count_from_as_of(strategy: Path) -> None:
    add_checkin(strategy, NEW)
    assert g503(strategy, "2026-07-25", since="HEAD") == []
    found = g503(strategy, "2026-07-31", since="HEAD")
    assert len(found) == 1 and "not committed yet (as of 2026-07-31)" in str(found[0]["message"])


def test_the_commit_that_added_it_counts_not_a_later_one(strategy: Path) -> None:
    add_checkin(strategy, NEW)
    commit_at(strategy, "2026-07-21T09:00:00+00:00")
    (strategy / "okrs/2026/annual.yaml").write_text(
        (strategy / "okrs/2026/annual.yaml").read_text() + "# reviewed\n"
    )
    commit_at(strategy, "2026-09-01T09:00:00+00:00")
    assert g503(strategy, "2026-09-02", since="HEAD~2") == []


def test_an_edited_date_is_g502_not_g503(strategy: Path) -> None:
    path = strategy / SALES
    path.write_text(path.read_text().replace("date: 2026-07-13", "date: 2026-07-12"))
    commit_at(strategy, "2026-08-20T09:00:00+00:00")
    proc = run_cli(
        "lint", "--repo", str(strategy), "--as-of", "2026-08-21", "--since", "HEAD~1", "-f", "json"
    )
    codes = [f["code"] for f in json.loads(proc.stdout)["findings"]]
    assert "G502" in codes and "G503" not in codes


def test_backdate_days_is_configurable(strategy: Path) -> None:
    config = strategy / "okrbsc.yaml"
    config.write_text(config.read_text() + "lint:\n  backdate_days: 10\n")
    add_checkin(strategy, NEW)
    commit_at(strategy, "2026-07-29T12:00:00+00:00")
    assert g503(strategy, "2026-07-30") == []


def test_a_new_key_result_brings_its_checkins(strategy: Path) -> None:
    path = strategy / SALES
    text = path.read_text().replace(
        "      - {title: Win rate, start: 18, target: 25}\n",
        "      - {title: Win rate, start: 18, target: 25}\n"
        "      - id: S1.9\n        title: Partner pipeline\n        start: 0\n        target: 5\n"
        "        checkins:\n          - {date: 2026-07-06, value: 1}\n",
    )
    path.write_text(text)
    commit_at(strategy, "2026-07-30T12:00:00+00:00")
    found = g503(strategy, "2026-07-31")
    assert [f["line"] for f in found] == [22] and "'S1.9'" in str(found[0]["message"])
