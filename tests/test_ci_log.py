"""SPEC 12.2: no value from a repo can start a line of its own in a CI log. A file
name, perspective or title holding a newline followed by a GitHub workflow
command (`::error …`, `::set-env …`) never puts that command at the start of a
line: not in lint's text or GitHub output, not in the errors `report` and
`score` print on stderr (the Action's summary step), not in `diff` or
`history` text."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from . import hostile_repos
from .conftest import BASE, BASE_AS_OF, commit_all, git, run_cli

COMMAND = "\n::error file=a.yaml,line=1::pwned"
SET_ENV = "\n::set-env name=NODE_OPTIONS::--require=/tmp/x"


def commands_at_line_start(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("::")]


def test_a_file_name_with_a_newline_in_lint_text(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    bad = root / f"okrs/2026/Q3/x{COMMAND}.yaml"
    bad.write_text("kind: okrs\nteam: sales\nperiod: 2026-Q3\nobjectives: 5\n", "utf-8")
    proc = run_cli("lint", "--repo", str(root), "--as-of", BASE_AS_OF)
    assert proc.returncode == 1
    assert commands_at_line_start(proc.stdout + proc.stderr) == []
    assert "x\\n::error file=a.yaml,line=1::pwned.yaml:4:13: E002" in proc.stdout


def test_a_file_name_with_a_newline_in_github_annotations(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    bad = root / f"okrs/2026/Q3/x{COMMAND}.yaml"
    bad.write_text("kind: okrs\nteam: sales\nperiod: 2026-Q3\nobjectives: 5\n", "utf-8")
    proc = run_cli("lint", "--repo", str(root), "--as-of", BASE_AS_OF, "--format", "github")
    annotations = commands_at_line_start(proc.stdout)
    assert len(annotations) == 1, proc.stdout  # okrbsc's own, the file name inside it encoded
    assert annotations[0].startswith("::error file=okrs/2026/Q3/x%0A%3A%3Aerror file=a.yaml")


def test_a_perspective_name_with_a_newline_in_lint_text(tmp_path: Path) -> None:
    root = hostile_repos.build(tmp_path / "repo", with_git=False, texts=hostile_repos.PLAIN)
    card = root / "scorecard.yaml"
    data = yaml.safe_load(card.read_text("utf-8"))
    data["perspectives"].append({"id": "partners", "name": f"Partners{SET_ENV}"})
    card.write_text(yaml.safe_dump(data, sort_keys=False, width=1000), "utf-8")
    proc = run_cli("lint", "--repo", str(root), "--as-of", BASE_AS_OF)
    assert "Partners\\n::set-env" in proc.stdout, proc.stdout  # named by a finding, escaped
    assert commands_at_line_start(proc.stdout + proc.stderr) == []


def test_errors_of_report_and_score_on_stderr(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    card = root / "scorecard.yaml"
    perspective = hostile_repos.yaml_text(f"financial{SET_ENV}")
    card.write_text(
        card.read_text("utf-8").replace("perspective: financial", f"perspective: {perspective}", 1),
        "utf-8",
    )
    (root / f"okrs/2026/Q3/y{COMMAND}.yaml").write_text("kind: okrs\nteam: [\n", "utf-8")
    for args in (["score", "2026-Q3"], ["report", "2026-Q3", "--out", str(tmp_path / "out")]):
        proc = run_cli(*args, "--repo", str(root), "--as-of", BASE_AS_OF)
        assert proc.returncode == 1, proc.stderr
        assert "\\n::set-env name=NODE_OPTIONS" in proc.stderr
        assert "y\\n::error file=a.yaml" in proc.stderr
        assert commands_at_line_start(proc.stdout + proc.stderr) == [], proc.stderr


def test_diff_and_history_text(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "start", f"Dana{SET_ENV}", "2026-07-01")
    sales = root / hostile_repos.SALES
    title = hostile_repos.yaml_text(f"Win rate{COMMAND}{SET_ENV}")
    sales.write_text(
        sales.read_text("utf-8").replace("title: Win rate", f"title: {title}"), "utf-8"
    )
    commit_all(root, "rename", f"Dana{COMMAND}", "2026-07-20")
    diff = run_cli("diff", "HEAD~1", "HEAD", "--repo", str(root), "--as-of", BASE_AS_OF)
    assert diff.returncode == 0, diff.stderr
    assert "Win rate\\n::error file=a.yaml,line=1::pwned\\n::set-env" in diff.stdout
    assert commands_at_line_start(diff.stdout + diff.stderr) == []
    history = run_cli("history", "S1.2", "--repo", str(root), "--as-of", BASE_AS_OF)
    assert history.returncode == 0, history.stderr
    assert "::set-env" in history.stdout  # the title is shown, escaped
    assert commands_at_line_start(history.stdout + history.stderr) == []
