"""SPEC 14.6: messages that lead to the fix, through the CLI."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .conftest import in_process, run_cli

OKR = "okrs/2026/Q3/sales.yaml"
AS_OF = "2026-07-20"


def lint(root: Path, *, process: bool = False) -> str:
    """lint's stdout in ``root``: in this process, or a real one with ``process``."""
    return (run_cli if process else in_process)("lint", "--as-of", AS_OF, cwd=root).stdout


def patch(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_a_percent_confidence_says_write_a_fraction(base_repo: Path) -> None:
    patch(base_repo / OKR, "value: 2.1, confidence: 0.7}", "value: 2.1, confidence: 60%}")
    out = lint(base_repo, process=True)
    assert (
        f"{OKR}:14:" in out
        and "confidence: expected a number, got '60%': write 0.6 (or 6 with confidence_scale: 10)"
        in out
    ), out
    assert "unit: '%'" not in out  # not the advice for a value


def test_a_query_split_at_a_comma_says_to_quote_it(base_repo: Path) -> None:
    with (base_repo / "okrbsc.yaml").open("a") as f:
        f.write('sources:\n  db: {url: "duckdb:"}\n')
    patch(
        base_repo / OKR,
        "      - {title: Win rate, start: 18, target: 25}",
        "      - {title: Win rate, start: 18, target: 25,"
        " source: {from: db, query: select day, rate from wins}}",
    )
    out = lint(base_repo)
    assert "unknown key 'rate from wins'" in out, out
    assert "the query holds a comma" in out and "quote the query" in out, out
    assert "did you mean" not in out


def test_an_indentation_slip_names_the_line_it_happened_on(base_repo: Path) -> None:
    # `target` slips back to the objective's keys (valid YAML), so libyaml complains
    # only on the next list item, one line later
    patch(base_repo / OKR, "        target: 3.5\n", "    target: 3.5\n")
    out = lint(base_repo)
    assert f"{OKR}:13:" in out, out
    assert "the indentation changes on line 12, above line 13" in out, out


def test_a_line_indented_under_a_value_names_that_line(base_repo: Path) -> None:
    patch(base_repo / OKR, "        target: 3.5\n", "          target: 3.5\n")
    out = lint(base_repo)
    assert "line 12 is indented deeper than line 11, which already holds a value" in out, out


def test_team_suggests_the_nearest_ids(examples_copy: Path) -> None:
    done = run_cli("status", "--team", "sale", "--as-of", "2026-11-20", cwd=examples_copy)
    assert done.returncode == 2
    assert "team 'sale' has no OKRs in 2026-Q4 (did you mean 'sales'?)" in done.stderr


def test_import_names_the_nearest_team(base_repo: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "objectives.csv"
    sheet.write_text("id,team,period,title\nP9,produkt,2026-Q3,Ship it\n")
    done = run_cli("import", str(sheet), "--repo", str(base_repo), "--as-of", AS_OF)
    assert done.returncode == 1
    assert "objectives.csv:2:2: team 'produkt' is not in okrbsc.yaml (did you mean " in done.stderr
    assert "'product'" in done.stderr


def test_checkin_period_takes_a_bare_quarter(examples_copy: Path) -> None:
    args = ("checkin", "SL1.1", "1.9", "--as-of", "2026-11-24")
    done = run_cli(*args, "--period", "Q4", cwd=examples_copy)
    assert done.returncode == 0, done.stderr
    assert "okrs/2026/Q4/sales.yaml: checked in SL1.1 = 1.9 on 2026-11-24" in done.stdout
    measure = in_process("checkin", "F1-arr", "50", "--period", "Q4", "--as-of", "2026-11-24",
                         cwd=examples_copy)  # fmt: skip
    assert measure.returncode == 0 and "in 2026-Q4" in measure.stdout, measure.stderr
    other = in_process(*args, "--period", "Q3", "--replace", cwd=examples_copy)
    assert other.returncode == 2 and "is not in 2026-Q3" in other.stderr


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.org", "-c", "user.name=t", *args],
        cwd=root, capture_output=True, check=True,
    )  # fmt: skip


def test_diff_without_main_says_what_it_tried_and_how_to_name_a_base(base_repo: Path) -> None:
    git(base_repo, "init", "-q", "-b", "trunk")
    git(base_repo, "add", "-A")
    git(base_repo, "commit", "-qm", "base")
    patch(base_repo / OKR, "target: 3.5", "target: 3.6")
    done = run_cli("diff", "--as-of", AS_OF, cwd=base_repo)
    assert done.returncode == 2 and done.stdout == ""
    assert "tried origin/main, origin/master, main and master" in done.stderr
    assert "(this is branch trunk)" in done.stderr and "`okrbsc diff BASE`" in done.stderr
    named = in_process("diff", "HEAD", "--as-of", AS_OF, cwd=base_repo)
    assert named.returncode == 0 and "target 3.5 → 3.6" in named.stdout


def test_diff_before_the_first_commit_says_so(base_repo: Path) -> None:
    git(base_repo, "init", "-q", "-b", "main")
    done = in_process("diff", "--as-of", AS_OF, cwd=base_repo)
    assert done.returncode == 2 and "has no commit yet" in done.stderr
