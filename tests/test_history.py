"""`okrbsc history ID` on real git repositories built here: values over time and
every change of definition, tied to the commit, author and date that made it.

The story's repository is built once for the module and each test works on its own
copy (a copy of a repository is the same repository: same commits, same work tree).
`history` runs as a real subprocess in some tests and in this process in the others."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app

from .conftest import EXAMPLES, GIT_ENV, commit_all, git, in_process, run_cli
from .test_report import mermaid_check

AS_OF = "2026-11-20"
SALES = "okrs/2026/Q4/sales.yaml"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


@pytest.fixture(scope="module")
def story_made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """examples/ (as a subfolder of a project) through a quarter of commits, and an
    uncommitted check-in on top. Returns the strategy root and the commits by name."""
    top = tmp_path_factory.mktemp("story") / "project"
    root = top / "strategy"
    shutil.copytree(EXAMPLES, root)
    (top / "README.md").write_text("not strategy\n")
    git(top, "init", "-q", "-b", "main")
    shas = {"start": commit_all(top, "Strategy 2026", "Dana", "2026-10-01")}
    sales = root / SALES
    edit(sales, "target: 3.0\n", "target: 2.5\n")  # SL1.1 lowered mid-quarter
    edit(sales, "{date: 2026-10-12, value: 0.47,", "{date: 2026-10-12, value: 0.9,")
    shas["lower"] = commit_all(top, "Lower the ARR target", "Sam", "2026-11-18")
    edit(sales, "title: Sign twelve new mid-market logos", "title: Sign ten new logos")
    (root / "okrs/2026/Q4/teams").mkdir()
    shutil.move(str(root / "okrs/2026/Q4/people.yaml"), root / "okrs/2026/Q4/teams/people.yaml")
    edit(root / "scorecard.yaml", "2026-Q3: 47.2}", "2026-Q3: 47.5}")
    shas["tidy"] = commit_all(top, "Tidy up", "Lee", "2026-11-19")
    (top / "README.md").write_text("still not strategy\n")
    commit_all(top, "Docs", "Lee", "2026-11-19")  # does not touch the strategy root
    edit(
        sales,
        "          - {date: 2026-11-16, value: 1.55, confidence: 0.6}\n",
        "          - {date: 2026-11-16, value: 1.55, confidence: 0.6}\n"
        "          - {date: 2026-11-23, value: 1.7, confidence: 0.5}\n",
    )
    return root, shas


@pytest.fixture
def story(story_made: tuple[Path, dict[str, str]], tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """The story, a copy of its own for the test to change."""
    root, shas = story_made
    top = tmp_path / "project"
    shutil.copytree(root.parent, top, symlinks=True)
    return top / root.name, dict(shas)


def history(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("history", *args, "--repo", str(root), "--as-of", AS_OF)


def history_here(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`history`, in this process."""
    return in_process("history", *args, "--repo", str(root), "--as-of", AS_OF)


def history_json(root: Path, *args: str, real: bool = False) -> dict:  # type: ignore[type-arg]
    """The JSON of `history`, in this process, or with ``real`` as a subprocess."""
    proc = (history if real else history_here)(root, *args, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def test_key_result_values_and_moved_goalposts(story: tuple[Path, dict[str, str]]) -> None:
    root, shas = story
    data = history_json(root, "SL1.1", real=True)
    assert (data["kind"], data["period"], data["present"]) == ("key result", "2026-Q4", True)
    assert data["commits"] == 3  # the README-only commit does not touch the strategy
    assert data["definition"]["target"] == 2.5
    changes = [c for c in data["changes"] if c["change"] != "added"]
    target = next(c for c in changes if c["field"] == "target")
    assert (target["old"], target["new"], target["easier"]) == (3.0, 2.5, True)
    assert (target["commit"], target["author"], target["date"]) == (
        shas["lower"],
        "Sam",
        "2026-11-18",
    )
    rewrite = next(c for c in changes if c["change"] == "check-in edited")
    assert (rewrite["field"], rewrite["commit"]) == ("2026-10-12", shas["lower"])
    assert rewrite["old"].startswith("0.47") and rewrite["new"].startswith("0.9")
    added = next(c for c in data["changes"] if c["change"] == "added")
    assert (added["commit"], added["author"], added["date"]) == (
        shas["start"],
        "Dana",
        "2026-10-01",
    )
    values = {v["date"]: v for v in data["values"]}
    assert values["2026-10-05"]["recorded"]["commit"] == shas["start"]
    assert values["2026-10-12"]["value"] == 0.9
    assert values["2026-10-12"]["recorded"]["commit"] == shas["lower"]  # the rewrite is the record
    assert values["2026-11-23"]["recorded"]["commit"] is None  # still uncommitted
    # SPEC 10.7: each value against the definition in force when it was recorded
    then = values["2026-11-16"]  # recorded at the start, when the target was 3.0
    assert then["progress"] == pytest.approx(1.55 / 3.0)
    assert then["against"]["target"] == 3.0 and then["definition_changed"] is True
    rewritten = values["2026-10-12"]  # rewritten in the commit that lowered the target
    assert rewritten["progress"] == pytest.approx(0.9 / 2.5)
    assert rewritten["definition_changed"] is False
    assert values["2026-11-23"]["progress"] == pytest.approx(1.7 / 2.5)  # uncommitted: today's
    assert [v["date"] for v in data["values"]] == sorted(values)


def test_text_chart_tells_the_story(story: tuple[Path, dict[str, str]]) -> None:
    root, shas = story
    proc = history(root, "SL1.1", "--no-color")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.startswith("key result SL1.1 (2026-Q4) · Grow net new ARR booked")
    assert "start 0 → target 2.5 EUR m" in out and "3 commits read" in out
    lines = out.splitlines()
    marker = next(i for i, line in enumerate(lines) if "◆ SL1.1: target 3 → 2.5 (easier)" in line)
    assert lines[marker].startswith("2026-11-18") and f"{shas['lower'][:7]} Sam" in lines[marker]
    before = next(i for i, line in enumerate(lines) if line.startswith("2026-11-16"))
    after = next(i for i, line in enumerate(lines) if line.startswith("2026-11-23"))
    assert before < marker < after  # the change sits on the timeline between check-ins
    assert "uncommitted" in lines[after]
    assert "█" in lines[before]
    assert "◇ against target 3" in lines[before]  # 1.55 of the 3.0 asked then: 52%
    assert "52%" in lines[before] and "◇" not in lines[after]
    assert "◇ judged against the definition in force when the value was recorded" in out
    assert "Changes (3)" in out and "Lower the ARR target" in out


def test_markdown_has_a_valid_chart_and_the_changes(
    story: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    root, _ = story
    proc = history(root, "SL1.1", "--format", "md")
    assert proc.returncode == 0, proc.stderr
    md = proc.stdout
    assert md.startswith("### History of key result `SL1.1` (2026-Q4)")
    assert "xychart-beta" in md and "line [0.29, 0.9, 0.67" in md
    assert "| 2026-11-18 |" in md and "**(easier)**" in md
    path = tmp_path / "history.md"
    path.write_text(md)
    checked = mermaid_check(path)
    assert checked.returncode == 0, checked.stderr


def test_objective_shows_its_key_results_and_progress(story: tuple[Path, dict[str, str]]) -> None:
    root, _ = story
    data = history_json(root, "SL1")
    assert data["kind"] == "objective"
    assert [k["id"] for k in data["key_results"]] == ["SL1.1", "SL1.2", "SL1.3"]
    assert data["key_results"][1]["definition"]["title"] == "Sign ten new logos"
    retitled = next(c for c in data["changes"] if c["field"] == "title")
    assert (retitled["id"], retitled["old"], retitled["author"]) == (
        "SL1.2",
        "Sign twelve new mid-market logos",
        "Lee",
    )
    progress = data["progress"]
    assert progress[0]["date"] == "2026-10-05" and progress[-1]["date"] == "2026-11-23"
    assert all(0 <= p["progress"] <= 1 for p in progress)
    assert progress[-1]["progress"] > progress[0]["progress"]


def test_a_moved_file_is_a_move_not_a_delete_and_add(story: tuple[Path, dict[str, str]]) -> None:
    root, shas = story
    data = history_json(root, "PP1")
    kinds = [(c["id"], c["change"]) for c in data["changes"]]
    assert kinds.count(("PP1", "added")) == 1 and ("PP1", "removed") not in kinds
    moved = next(c for c in data["changes"] if c["change"] == "moved" and c["id"] == "PP1")
    assert (moved["old"], moved["new"]) == (
        "okrs/2026/Q4/people.yaml",
        "okrs/2026/Q4/teams/people.yaml",
    )
    assert moved["commit"] == shas["tidy"]
    assert data["path"] == "okrs/2026/Q4/teams/people.yaml"


def test_measure_actuals_and_an_edited_actual(story: tuple[Path, dict[str, str]]) -> None:
    root, shas = story
    data = history_json(root, "F1-arr")
    assert [v["date"] for v in data["values"]] == ["2025", "2026-Q1", "2026-Q2", "2026-Q3"]
    statuses = [v["status"] for v in data["values"]]
    assert statuses == ["red", "red", "amber", "amber"]  # baseline 40, red flag 44, target 52
    edited = next(c for c in data["changes"] if c["change"] == "actual edited")
    assert (edited["field"], edited["old"], edited["new"]) == ("2026-Q3", "47.2", "47.5")
    assert edited["commit"] == shas["tidy"]
    md = history_here(root, "F1-arr", "--format", "md").stdout
    assert "| 2026-Q3 | 47.5 |" in md


def test_a_removed_key_result_keeps_its_history(story: tuple[Path, dict[str, str]]) -> None:
    root, shas = story
    sales = root / SALES
    text = sales.read_text()
    start = text.index("      - id: SL1.3\n")
    end = text.index("    initiatives:", start)
    sales.write_text(text[:start] + text[end:])
    removed = commit_all(root.parent, "Drop the win-rate KR", "Sam", "2026-11-20")
    data = history_json(root, "SL1.3")
    assert data["present"] is False
    gone = next(c for c in data["changes"] if c["change"] == "removed")
    assert (gone["commit"], gone["author"]) == (removed, "Sam")
    assert data["values"][-1]["value"] == 26.5  # its last check-in before it went
    text_out = history_here(root, "SL1.3", "--no-color").stdout
    assert "removed (last in okrs/2026/Q4/sales.yaml)" in text_out
    assert shas["start"][:7] in text_out


def test_the_same_id_in_two_quarters(story: tuple[Path, dict[str, str]]) -> None:
    root, _ = story
    q3 = root / "okrs/2026/Q3/sales.yaml"
    ident = next(
        line.split("id:")[1].strip()
        for line in q3.read_text().splitlines()
        if line.strip().startswith("- id:")
    )
    text = (root / SALES).read_text()
    (root / SALES).write_text(text.replace("id: SL1\n", f"id: {ident}\n", 1))
    latest = history_json(root, ident)
    assert latest["period"] == "2026-Q4" and latest["other_periods"] == ["2026-Q3"]
    assert history_json(root, ident, "--period", "2026-Q3")["period"] == "2026-Q3"
    assert history_json(root, ident, "--period", "Q3")["period"] == "2026-Q3"
    proc = history_here(root, "SL1.1", "--period", "Q3")
    assert proc.returncode == 2 and "'SL1.1' is not in Q3 (it is in 2026-Q4)" in proc.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["F1-ar"],
            "no objective, key result or measure 'F1-ar' in the history (did you mean 'F1-arr'?)",
        ),
        (["SL1.1", "--period", "2026-Q9"], "not a period: '2026-Q9'"),
    ],
)
def test_usage_errors(story: tuple[Path, dict[str, str]], args: list[str], message: str) -> None:
    root, _ = story
    proc = history(root, *args)
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr


def test_not_a_git_repository(examples_copy: Path) -> None:
    proc = history(examples_copy, "SL1.1")
    assert proc.returncode == 2 and "not inside a git repository" in proc.stderr


def test_a_repository_without_commits_has_only_the_working_tree(
    examples_copy: Path, runner: CliRunner
) -> None:
    git(examples_copy, "init", "-q", "-b", "main")
    result = runner.invoke(
        app,
        ["history", "SL1.1", "--repo", str(examples_copy), "--as-of", AS_OF, "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["commits"] == 0
    assert data["changes"][0]["change"] == "added" and data["changes"][0]["commit"] is None
    assert len(data["values"]) == 7


def test_a_shallow_clone_says_its_history_is_cut(
    story: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    root, _ = story
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", root.parent.as_uri(), str(clone)],
        check=True,
        env=GIT_ENV,
        capture_output=True,
        timeout=60,
    )
    data = history_json(clone / "strategy", "SL1.1")
    assert data["shallow"] is True and data["commits"] == 1
    text_out = history_here(clone / "strategy", "SL1.1", "--no-color").stdout
    assert "a shallow clone: older history is missing" in text_out


def test_typer_runner_and_help(story: tuple[Path, dict[str, str]], runner: CliRunner) -> None:
    root, _ = story
    result = runner.invoke(
        app, ["history", "SL1.1", "--repo", str(root), "--as-of", AS_OF, "--no-color"]
    )
    assert result.exit_code == 0, result.output
    assert "target 3 → 2.5 (easier)" in result.stdout
    verbose = run_cli("history", "SL1.1", "--repo", str(root), "--as-of", AS_OF, "-v", "-f", "json")
    assert "read 3 commits and the working tree in" in verbose.stderr
    assert json.loads(verbose.stdout)["id"] == "SL1.1"  # stdout stays clean JSON
    help_text = runner.invoke(app, ["history", "--help"]).stdout
    assert "okrbsc history SL1.1" in help_text and "--period" in help_text


def test_a_merged_branch_is_one_step_and_states_never_interleave(tmp_path: Path) -> None:
    """Work on a branch and on main at interleaved dates, then a merge: the history
    follows main, so the branch's change arrives once, with the merge commit."""
    root = tmp_path / "strategy"
    shutil.copytree(EXAMPLES, root)
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "Q4 plan", "Dana", "2026-11-16")
    git(root, "switch", "-q", "-c", "lower-target")
    edit(root / SALES, "target: 3.0\n", "target: 2.5\n")
    commit_all(root, "Lower SL1.1", "Sam", "2026-11-17")
    git(root, "switch", "-q", "main")
    edit(root / "scorecard.yaml", "2026-Q3: 47.2}", "2026-Q3: 47.5}")
    commit_all(root, "Correct an actual", "Lee", "2026-11-18")
    stamp = "2026-11-19T12:00:00+00:00"
    git(
        root,
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge lower-target",
        "lower-target",
        env={"GIT_AUTHOR_NAME": "Noor", "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp},
    )
    merge = git(root, "rev-parse", "HEAD").strip()
    data = history_json(root, "SL1.1")
    assert data["commits"] == 3  # Q4 plan, the actual, the merge: the branch commit is inside
    changes = [(c["change"], c["field"], c["author"]) for c in data["changes"]]
    assert changes == [("added", None, "Dana"), ("changed", "target", "Noor")]
    assert data["changes"][1]["commit"] == merge

    from okrbsc.history.git import GitRepo

    repo = GitRepo.of(root)
    for commit, listing in repo.walk():  # the walk's states are the real trees
        assert listing == repo.blobs_at(commit.sha), commit.subject


def test_the_documented_json_shapes_are_the_real_ones(story: tuple[Path, dict[str, str]]) -> None:
    import re

    from .conftest import ROOT

    text = (ROOT / "docs/format.md").read_text(encoding="utf-8").split("## JSON of `diff`")[1]
    text = text.split("\n## ")[0]  # that section only
    diff_doc, history_doc = (json.loads(b) for b in re.findall(r"```json\n(.*?)```", text, re.S))
    root, _ = story
    diff_real = json.loads(
        run_cli("diff", "HEAD~2", "--repo", str(root), "--format", "json").stdout
    )
    assert set(diff_doc) == set(diff_real)
    assert set(diff_doc["changes"][0]) == set(diff_real["changes"][0])
    real = history_json(root, "SL1.1")
    assert set(history_doc) == set(real)
    assert set(history_doc["values"][0]) == set(real["values"][0])
    assert set(history_doc["values"][0]["recorded"]) == set(real["values"][0]["recorded"])
    assert set(history_doc["changes"][0]) == set(real["changes"][0])
    assert set(history_doc["definition"]) - {"…"} <= set(real["definition"])
