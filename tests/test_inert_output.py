"""SPEC 12.2: text output is inert. A hostile title, id, author or file name cannot
move the cursor, conceal text, plant a hyperlink, start a line of its own in a CI
log, reorder what a reviewer reads, or become rich markup."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app
from okrbsc.render.text import visible

from .conftest import BASE_AS_OF, commit_all, git, run_cli

SALES = "okrs/2026/Q3/sales.yaml"
CONCEAL = "\x1b[8m"
OSC8 = "\x1b]8;;http://evil/\x1b\\click\x1b]8;;\x1b\\"
# A title written with YAML escapes: conceal, an OSC 8 link, a bidi override and
# isolate, a C1 CSI, DEL, an injected workflow command, rich markup and an emoji code.
HOSTILE = (
    '"Pipe \\e[8mhidden\\e[0m \\e]8;;http://evil/\\e\\\\click\\e]8;;\\e\\\\ '
    '\\u202eevil\\u2066 \\x9b2J \\x7f\\n::error::pwned [bold]loud[/bold] :smile:"'
)
RAW = ("\x1b", "\u202e", "\u2066", "\x9b", "\x7f", "\n::error::pwned")
SHOWN = ("\\x1b[8m", "\\x1b]8;;http://evil/", "\\u202e", "\\u2066", "\\x9b2J", "\\x7f", "\\n")


def hostile_repo(base_repo: Path) -> Path:
    path = base_repo / SALES
    text = path.read_text()
    path.write_text(text.replace("title: Qualified pipeline", f"title: {HOSTILE}", 1))
    return base_repo


def assert_inert(out: str, *, colour: bool = False) -> None:
    data_out = re.sub(r"\x1b\[[0-9;]*m", "", out) if colour else out  # rich's own SGR codes
    for raw in RAW:
        assert raw not in data_out, (raw, out)
    for shown in SHOWN:
        assert shown in out, (shown, out)


# --- the one function -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a\x1b[31mb", "a\\x1b[31mb"),
        ("line\nnext\r", "line\\nnext\\r"),
        ("tab\there", "tab\\there"),
        ("nul\x00 bel\x07 del\x7f", "nul\\x00 bel\\x07 del\\x7f"),
        ("c1 \x85 \x9b \x9d", "c1 \\x85 \\x9b \\x9d"),
        ("\u202a\u202b\u202c\u202d\u202e", "\\u202a\\u202b\\u202c\\u202d\\u202e"),
        ("\u2066\u2067\u2068\u2069", "\\u2066\\u2067\\u2068\\u2069"),
        ("sep\u2028par\u2029", "sep\\u2028par\\u2029"),
        ("bad byte \udcff", "bad byte \\xff"),
    ],
)
def test_visible_escapes_every_control(text: str, shown: str) -> None:
    assert visible(text) == shown


def test_visible_keeps_text_as_it_is() -> None:
    for text in ("Win the mid-market", "Größe · 50 % — ✓", "كسب السوق", "日本語", "[bold] :x:"):
        assert visible(text) is text or visible(text) == text
    assert visible("a\nb\tc", keep="\n\t") == "a\nb\tc"
    assert visible("a\nb\x1b", keep="\n") == "a\nb\\x1b"


# --- every terminal renderer ------------------------------------------------------------


@pytest.mark.parametrize("command", ["score", "status"])
@pytest.mark.parametrize("colour", [False, True])
def test_score_and_status_show_a_hostile_title_escaped(
    base_repo: Path, command: str, colour: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = hostile_repo(base_repo)
    if colour:
        monkeypatch.setenv("FORCE_COLOR", "1")
    else:
        monkeypatch.setenv("NO_COLOR", "1")
    args = [command, "2026-Q3", "--repo", str(root), "--as-of", BASE_AS_OF]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    out = result.output
    if colour:
        assert "\x1b[" in out  # colour is on: rich's own codes, and only those
    if command == "score":  # status cuts long titles: the escapes before the cut must show
        assert_inert(out, colour=colour)
        assert "[bold]loud[/bold]" in out and ":smile:" in out  # markup and emoji stay text
    else:
        assert "\\x1b[8mhidden" in out
        for raw in RAW:
            assert raw not in (re.sub(r"\x1b\[[0-9;]*m", "", out) if colour else out)


def test_lint_text_and_rich_show_a_hostile_file_name_and_title(
    base_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = hostile_repo(base_repo)
    path = root / SALES
    text = path.read_text().replace("    title: Win the mid-market\n", "    title: Win Q3\n")
    evil = root / "okrs/2026/Q3/x\x1b[2J\u202e.yaml"
    evil.write_text(text.replace("team: sales", "team: sales"))
    path.unlink()
    for env in ({"NO_COLOR": "1"}, {"FORCE_COLOR": "1"}):
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        result = CliRunner().invoke(app, ["lint", "--repo", str(root), "--as-of", BASE_AS_OF])
        out = re.sub(r"\x1b\[[0-9;]*m", "", result.output)
        assert "okrs/2026/Q3/x\\x1b[2J\\u202e.yaml:6:" in out, result.output
        assert "\x1b[2J" not in out and "\u202e" not in out
        monkeypatch.delenv("NO_COLOR", raising=False)
        monkeypatch.delenv("FORCE_COLOR", raising=False)


def test_github_annotations_carry_no_escape_sequence(base_repo: Path) -> None:
    root = hostile_repo(base_repo)
    path = root / SALES
    path.write_text(path.read_text().replace("id: S1.1", 'id: "S1.1\\e[8m\\u202e"'))
    path.rename(root / "okrs/2026/Q3/sales\x1b[2J.yaml")
    result = CliRunner().invoke(
        app, ["lint", "--repo", str(root), "--as-of", BASE_AS_OF, "--format", "github"]
    )
    assert "\x1b" not in result.output and "\u202e" not in result.output
    lines = result.output.splitlines()
    assert all(line.startswith("::") or line.startswith("Found ") for line in lines), lines
    assert any("E008" in line and "\\x1b[8m" in line for line in lines), lines
    assert any("file=okrs/2026/Q3/sales\\x1b[2J.yaml" in line for line in lines), lines


def test_errors_on_stderr_are_escaped(base_repo: Path) -> None:
    proc = run_cli("checkin", "S9\x1b]0;title\x07\n::error::x", "1", "--repo", str(base_repo))
    assert proc.returncode == 2
    assert "\x1b" not in proc.stderr and "\x07" not in proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr  # one line: no injected second line
    assert "\\x1b]0;title\\x07\\n::error::x" in proc.stderr
    rules = run_cli("rules", "--explain", "\x1b[2Jwipe")
    assert rules.returncode == 2 and "\x1b" not in rules.stderr
    assert "\\x1b[2Jwipe" in rules.stderr


def test_refusal_details_are_escaped_one_per_line(base_repo: Path) -> None:
    path = base_repo / SALES
    path.write_text(path.read_text().replace("start: 2.0", 'start: "2\\e[8m\\nx"'))
    proc = run_cli("score", "2026-Q3", "--repo", str(base_repo), "--as-of", BASE_AS_OF)
    assert proc.returncode == 1, proc.stderr
    assert "\x1b" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert lines[0].startswith("okrbsc: error: the repo has errors")
    assert all(line.startswith("  ") for line in lines[1:]), lines


def test_diff_and_history_show_hostile_data_escaped(base_repo: Path) -> None:
    root = base_repo
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "start", "Dana", "2026-07-01")
    hostile_repo(root)
    commit_all(root, "retitle \x1b[8m", "Eve\x1b]8;;http://evil/\x1b\\", "2026-07-20")
    diff = run_cli("diff", "HEAD~1", "HEAD", "--repo", str(root), "--as-of", BASE_AS_OF)
    assert diff.returncode == 0, diff.stderr
    assert_inert(diff.stdout)
    assert diff.stdout.count("\n") == 2, diff.stdout  # one change and the summary
    hist = run_cli("history", "S1.1", "--repo", str(root), "--as-of", BASE_AS_OF)
    assert hist.returncode == 0, hist.stderr
    assert "\x1b" not in hist.stdout and "\u202e" not in hist.stdout
    assert "\\x1b[8mhidden" in hist.stdout and "Eve\\x1b]8;;" in hist.stdout


def test_rules_text_is_plain() -> None:
    proc = run_cli("rules")
    assert proc.returncode == 0 and "E008  bidi-control" in proc.stdout
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", proc.stdout)
