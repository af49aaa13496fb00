"""Names are not paths (SPEC 12.3): a team id names a file, so it is a name, never a
path. A bad id is E002 where it is declared and where a file names it; `rollover`,
`import` and `init` refuse to create an OKR file outside `okrs/` or inside `.git/` or
`.github/`, and then write none of their files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import xlsxwriter
from typer.testing import CliRunner

from okrbsc.cli import app

from .conftest import BASE, in_process, run_cli

SALES = "okrs/2026/Q3/sales.yaml"
EVIL = "../../../.github/workflows/ci"
BAD_IDS = [EVIL, "..", ".", "a/b", ".hidden", "-rf", "a\\b", "x:y", "ünï"]


def cli(root: Path, *args: str, as_of: str = "2026-10-02") -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--repo", str(root), "--as-of", as_of])
    return result.exit_code, result.stdout, result.stderr


def tree(root: Path) -> dict[str, bytes]:
    """Every file under the folder above the repo (a write may try to climb out)."""
    top = root.parent
    return {str(p.relative_to(top)): p.read_bytes() for p in top.rglob("*") if p.is_file()}


def repo_with_team(tmp_path: Path, team: str, *, declared: bool = True) -> Path:
    """The base repo whose okrbsc.yaml declares ``team`` and a Q3 file names it."""
    root = tmp_path / "a" / "b" / "repo"
    shutil.copytree(BASE, root)
    if declared:
        config = root / "okrbsc.yaml"
        quoted = json.dumps(team)
        config.write_text(
            config.read_text() + f"  - {{id: {quoted}, name: Evil, parent: company}}\n"
        )
    text = (root / SALES).read_text().replace("team: sales", f"team: {json.dumps(team)}")
    (root / "okrs/2026/Q3/evil.yaml").write_text(text.replace("id: S", "id: E"))
    return root


@pytest.mark.parametrize("team", BAD_IDS)
def test_a_team_id_that_is_not_a_name_is_e002_where_declared_and_where_named(
    tmp_path: Path, team: str
) -> None:
    root = repo_with_team(tmp_path, team)
    run = run_cli if team == EVIL else in_process  # the first case as a real process
    result = run("lint", "--repo", str(root), "--format", "json", "--as-of", "2026-10-02")
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)
    findings = findings["findings"] if isinstance(findings, dict) else findings
    e002 = {(f["path"], f["line"]) for f in findings if f["code"] == "E002"}
    declared_line = (root / "okrbsc.yaml").read_text().count("\n")
    assert ("okrbsc.yaml", declared_line) in e002
    assert ("okrs/2026/Q3/evil.yaml", 2) in e002  # `team:` is its second line
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("team", ["sales", "Team_2", "eu-west.ops", "9lives", "A"])
def test_names_that_are_names_are_kept(tmp_path: Path, team: str) -> None:
    root = repo_with_team(tmp_path, team)
    _, out, _ = cli(root, "lint", "--format", "json")
    findings = json.loads(out)
    findings = findings["findings"] if isinstance(findings, dict) else findings
    assert not [f for f in findings if f["code"] == "E002"], findings


def test_rollover_with_a_team_id_that_climbs_into_github_writes_nothing(tmp_path: Path) -> None:
    root = repo_with_team(tmp_path, EVIL)
    before = tree(root)
    result = run_cli("rollover", "2026-Q3", "2026-Q4", "--repo", str(root), "--as-of", "2026-10-02")
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "evil.yaml" in result.stderr and "E002" in result.stderr
    assert tree(root) == before
    assert not (tmp_path / ".github").exists() and not (root / ".github").exists()


def test_rollover_refuses_a_planned_file_outside_okrs_and_writes_none(tmp_path: Path) -> None:
    """The write itself refuses, whatever reached it (the id check is the first gate)."""
    import datetime as dt

    from okrbsc.strategy.repo import Repo
    from okrbsc.write.rollover import Planned, write
    from okrbsc.write.safe import WriteError

    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    repo = Repo.open(root, dt.date(2026, 10, 2))
    before = tree(root)
    for odd in (
        f"okrs/2026/Q4/{EVIL}.yaml",
        "okrs/.git/hooks/x.yaml",
        "okrs/2026/.github/x.yaml",
        ".github/workflows/ci.yaml",
        "elsewhere/sales.yaml",
        "okrs/../okrbsc.yaml",
    ):
        good = Planned("okrs/2026/Q4/sales.yaml", "kind: okrs\n", [], [])
        bad = Planned(odd, "kind: okrs\n", [], [])
        with pytest.raises(WriteError) as caught:
            write(repo, [good, bad])
        assert caught.value.exit_code == 1
        assert odd in caught.value.details
        assert tree(root) == before


def test_a_link_named_okrs_into_git_is_refused(tmp_path: Path) -> None:
    from okrbsc.write.safe import WriteError, refuse_odd_okr_paths

    root = tmp_path / "repo"
    (root / ".git" / "hooks").mkdir(parents=True)
    (root / "okrs").mkdir()
    (root / "okrs" / "2026").symlink_to(root / ".git" / "hooks")
    with pytest.raises(WriteError):
        refuse_odd_okr_paths(root, ["okrs/2026/sales.yaml"])
    refuse_odd_okr_paths(root, ["okrs/2027/Q1/sales.yaml"])  # a plain path is fine


def planted_book(path: Path, team: str) -> Path:
    """A workbook whose objectives sheet plants ``team`` for a new team file."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    sheet = book.add_worksheet("objectives")
    sheet.write_row(0, 0, ["id", "team", "period", "title"])
    sheet.write_row(1, 0, ["E1", team, "2026-Q4", "Own the build"])
    sheet = book.add_worksheet("key_results")
    sheet.write_row(0, 0, ["id", "objective", "title", "start", "target"])
    sheet.write_row(1, 0, ["E1.1", "E1", "Green builds", 1, 10])
    book.close()
    return path


@pytest.mark.parametrize("declared", [True, False])
def test_import_of_a_workbook_planting_a_path_as_team_writes_nothing(
    tmp_path: Path, declared: bool
) -> None:
    root = tmp_path / "a" / "b" / "repo"
    shutil.copytree(BASE, root)
    if declared:  # okrbsc.yaml declares it too: the repo does not load
        config = root / "okrbsc.yaml"
        config.write_text(config.read_text() + f'  - {{id: "{EVIL}", name: E, parent: company}}\n')
    book = planted_book(tmp_path / "plan.xlsx", EVIL)
    before = tree(root)
    code, out, err = cli(root, "import", str(book), as_of="2026-10-15")
    assert code == 1, (out, err)
    if declared:
        assert "okrbsc.yaml" in err and "E002" in err
    else:
        assert "plan.xlsx!objectives!B2: a team id names files" in err
    assert tree(root) == before
    assert not list(tmp_path.rglob("ci.yaml"))


def test_import_outline_with_a_path_as_team_option_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    sheet = tmp_path / "okrs.csv"
    sheet.write_text("no,title\n1,Be great\n1.1,Score 10 of 10\n")
    before = tree(root)
    code, _, err = cli(root, "import", str(sheet), "--layout", "outline", "--team", EVIL,
                       "--period", "2026-Q4")  # fmt: skip
    assert code == 2
    assert "--team: a team id names files" in err
    assert tree(root) == before


def test_import_write_refuses_a_new_file_outside_okrs(tmp_path: Path) -> None:
    import datetime as dt

    from okrbsc.strategy.repo import Repo
    from okrbsc.write.safe import WriteError
    from okrbsc.write.values import Merge, write

    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    repo = Repo.open(root, dt.date(2026, 10, 2))
    before = tree(root)
    created = {
        "okrs/2026/Q4/product.yaml": "kind: okrs\nteam: product\nperiod: 2026-Q4\n",
        f"okrs/2026/Q4/{EVIL}.yaml": "kind: okrs\nteam: product\nperiod: 2026-Q4\n",
    }
    with pytest.raises(WriteError) as caught:
        write(repo, Merge(), create=created)
    assert f"okrs/2026/Q4/{EVIL}.yaml" in caught.value.details
    assert tree(root) == before


@pytest.mark.parametrize("team", [EVIL, "..", "a/b"])
def test_init_with_a_path_as_team_writes_nothing(tmp_path: Path, team: str) -> None:
    target = tmp_path / "new"
    run = run_cli if team == EVIL else in_process  # the first case as a real process
    result = run("init", str(target), "--org", "Acme", "--team", team, "--as-of", "2026-10-02")
    assert result.returncode == 2
    assert "--team: a team id names files" in result.stderr
    assert not target.exists() or not any(target.rglob("*"))
    assert not (tmp_path / ".github").exists()
