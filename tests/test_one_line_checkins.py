"""SPEC 14.7: one check-in, one line, whichever command writes it."""

from __future__ import annotations

import datetime as dt
import difflib
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app
from okrbsc.strategy.loader import load_text

from .conftest import BASE, in_process, run_cli

OKR = "okrs/2026/Q3/sales.yaml"


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.email=t@example.org", "-c", "user.name=t", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    removed, added = [], []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


@pytest.fixture
def new_repo(tmp_path: Path) -> Path:
    """A new user's repo: `okrbsc init`, committed."""
    root = tmp_path / "strategy"
    done = run_cli("init", str(root), "--org", "Acme", "--team", "sales", "--as-of", "2027-01-04")
    assert done.returncode == 0, done.stderr
    git(root, "init", "-q", ".")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "init")
    return root


@pytest.mark.parametrize("kr", ["SQ1.1", "A1.1"])
def test_twelve_weekly_checkins_are_one_line_each(new_repo: Path, kr: str) -> None:
    """SQ1.1 has init's check-in list; A1.1 is a fresh one-line key result of the annual
    file (`- {title: …, start: 20, target: 40}`): its first check-in makes it a block."""
    stats = []
    runner = CliRunner()
    for week in range(12):
        day = (dt.date(2027, 1, 11) + dt.timedelta(days=7 * week)).isoformat()
        args = ["checkin", kr, f"{20 + week / 2:g}", "--as-of", day]
        if week in (0, 1, 11):  # as a user runs it: a process in the repo
            done = run_cli(*args, cwd=new_repo)
            assert done.returncode == 0, done.stderr
        else:  # the weeks between in process (a process each cost 0.4 s of CPU)
            result = runner.invoke(app, [*args, "--repo", str(new_repo)])
            assert result.exit_code == 0, result.output
        stats.append(git(new_repo, "diff", "--shortstat").strip())
        git(new_repo, "commit", "-qam", f"week {week}")
    one = "1 file changed, 1 insertion(+)"
    if kr == "SQ1.1":
        assert stats == [one] * 12
    else:  # the flow mapping unfolds once: 5 lines for one, then one line a week
        assert stats == ["1 file changed, 5 insertions(+), 1 deletion(-)"] + [one] * 11
    text = (new_repo / "okrs/2027/annual.yaml").read_text()
    if kr == "A1.1":
        assert "      - title: Net promoter score\n        start: 20\n        target: 40\n" in text
        assert "        checkins:\n          - {date: 2027-01-11, value: 20}\n" in text
        assert "          - {date: 2027-03-29, value: 25.5}\n" in text
    lint = run_cli("lint", "--as-of", "2027-03-29", "--format", "json", cwd=new_repo)
    assert '"severity": "error"' not in lint.stdout


def test_a_block_key_result_gets_a_block_list(base_repo: Path) -> None:
    path = base_repo / OKR
    before = path.read_text()
    path.write_text(
        before.replace(
            "      - {title: Win rate, start: 18, target: 25}",
            "      - title: Win rate\n        start: 18\n        target: 25  # %",
        )
    )
    before = path.read_text()
    done = in_process("checkin", "S1.2", "19", "--as-of", "2026-07-20", cwd=base_repo)
    assert done.returncode == 0, done.stderr
    removed, added = changed_lines(before, path.read_text())
    assert removed == []
    assert added == ["        checkins:", "          - {date: 2026-07-20, value: 19}"]


def long_flow(base_repo: Path, values: int) -> str:
    """S1.1's check-ins as one flow list of ``values`` items."""
    items = ", ".join(f"{{date: 2026-07-{6 + 7 * i:02d}, value: 2.{i}}}" for i in range(values))
    path = base_repo / OKR
    text = path.read_text()
    old = (
        "        checkins:\n"
        "          - {date: 2026-07-06, value: 2.1, confidence: 0.7}\n"
        "          - {date: 2026-07-13, value: 2.4, confidence: 0.6}\n"
    )
    assert old in text
    path.write_text(text.replace(old, f"        checkins: [{items}]  # weekly\n"))
    return path.read_text()


def test_a_flow_list_that_would_pass_100_characters_goes_block(base_repo: Path) -> None:
    before = long_flow(base_repo, 2)  # 84 characters: one more item fits only as a block
    assert max(len(line) for line in before.splitlines()) <= 100
    done = in_process("checkin", "S1.1", "2.5", "--as-of", "2026-07-20", cwd=base_repo)
    assert done.returncode == 0, done.stderr
    after = (base_repo / OKR).read_text()
    removed, added = changed_lines(before, after)
    assert removed == [
        "        checkins: [{date: 2026-07-06, value: 2.0}, {date: 2026-07-13, value: 2.1}]  # weekly"
    ]
    assert added == [
        "        checkins:",
        "          - {date: 2026-07-06, value: 2.0}",
        "          - {date: 2026-07-13, value: 2.1}",
        "          - {date: 2026-07-20, value: 2.5}  # weekly",
    ]
    assert load_text(after).problems == []


def test_a_flow_list_that_stays_short_keeps_its_style(base_repo: Path) -> None:
    before = long_flow(base_repo, 1)
    done = in_process("checkin", "S1.1", "2.5", "--as-of", "2026-07-20", cwd=base_repo)
    assert done.returncode == 0, done.stderr
    removed, added = changed_lines(before, (base_repo / OKR).read_text())
    assert added == [
        "        checkins: [{date: 2026-07-06, value: 2.0}, {date: 2026-07-20, value: 2.5}]  # weekly"
    ]
    assert len(removed) == 1


def test_import_into_a_fresh_key_result_writes_one_line_per_checkin(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    path = root / OKR
    before = path.read_text()
    sheet = tmp_path / "checkins.csv"
    sheet.write_text(
        "key_result,date,value\nS1.3,2026-07-06,88\nS1.3,2026-07-13,85\nS1.3,2026-07-20,84\n"
    )
    done = run_cli("import", str(sheet), "--repo", str(root), "--as-of", "2026-07-20")
    assert done.returncode == 0, done.stdout + done.stderr
    removed, added = changed_lines(before, path.read_text())
    assert removed == ["      - {title: Sales cycle days, start: 90, target: 60}"]
    assert added == [
        "      - title: Sales cycle days",
        "        start: 90",
        "        target: 60",
        "        checkins:",
        "          - {date: 2026-07-06, value: 88}",
        "          - {date: 2026-07-13, value: 85}",
        "          - {date: 2026-07-20, value: 84}",
    ]


def test_a_long_flow_key_result_unfolds_with_its_list(base_repo: Path) -> None:
    """What earlier versions wrote: a one-line key result holding a flow list."""
    path = base_repo / OKR
    text = path.read_text()
    old = "      - {title: Win rate, start: 18, target: 25}"
    path.write_text(
        text.replace(
            old,
            "      - {title: Win rate, start: 18, target: 25, checkins: [{date: 2026-07-06, value: 19},"
            " {date: 2026-07-13, value: 20}], weight: 2}",
        )
    )
    before = path.read_text()
    done = in_process("checkin", "S1.2", "21", "--as-of", "2026-07-20", cwd=base_repo)
    assert done.returncode == 0, done.stderr
    after = path.read_text()
    removed, added = changed_lines(before, after)
    assert len(removed) == 1
    assert added == [
        "      - title: Win rate",
        "        start: 18",
        "        target: 25",
        "        checkins:",
        "          - {date: 2026-07-06, value: 19}",
        "          - {date: 2026-07-13, value: 20}",
        "          - {date: 2026-07-20, value: 21}",
        "        weight: 2",
    ]
    assert load_text(after).problems == []
