"""Fitting into CI: GitHub auto-detection, the pre-commit manifest and hook."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import BASE, BASE_AS_OF, CODE_ENV, EXAMPLES, GIT_ENV, ROOT, git

BIN = Path(sys.executable).parent


def test_github_format_is_picked_inside_github_actions(base_repo: Path) -> None:
    sales = base_repo / "okrs/2026/Q3/sales.yaml"
    sales.write_text(sales.read_text().replace("aligns_to: [A1]", "aligns_to: [NOPE]"))
    env = {"PATH": os.environ["PATH"], "GITHUB_ACTIONS": "true", **CODE_ENV}
    args = [sys.executable, "-m", "okrbsc", "lint", "--repo", str(base_repo), "--as-of", BASE_AS_OF]
    inside = subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)
    assert inside.returncode == 1
    assert inside.stdout.startswith("::")
    assert "::error file=okrs/2026/Q3/sales.yaml,line=7," in inside.stdout
    outside = subprocess.run(
        args,
        env={"PATH": os.environ["PATH"], **CODE_ENV},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert outside.stdout.startswith("okrs/") and "okrs/2026/Q3/sales.yaml:7:" in outside.stdout
    explicit = subprocess.run(
        [*args, "--format", "text"], env=env, capture_output=True, text=True, timeout=60
    )
    assert explicit.stdout.startswith("okrs/")


def _pre_commit() -> str:
    found = shutil.which("pre-commit", path=str(BIN)) or shutil.which("pre-commit")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must install pre-commit (the test extra)")
        pytest.skip("pre-commit is not installed")
    return found


def test_pre_commit_manifest_is_valid() -> None:
    proc = subprocess.run(
        [_pre_commit(), "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_pre_commit_installs_the_hook_from_a_config_and_runs_it(tmp_path: Path) -> None:
    """pre-commit installs okrbsc from this checkout into its own env and runs the hook,
    from a strategy repo's .pre-commit-config.yaml as the README shows (the checkout
    as the repo, its commit as the rev). The second run takes the env the first
    installed, as a user's next commit does (try-repo would install it again)."""
    pre_commit = _pre_commit()
    project = tmp_path / "okrbsc"
    shutil.copytree(
        ROOT,
        project,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "node_modules", "*.egg-info", "__pycache__", ".*_cache", "build"
        ),
    )
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "snapshot")
    rev = git(project, "rev-parse", "HEAD").strip()
    strategy = tmp_path / "strategy"
    shutil.copytree(BASE, strategy)
    (strategy / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {project}\n    rev: {rev}\n    hooks:\n      - id: okrbsc-lint\n"
    )
    git(strategy, "init", "-q")
    git(strategy, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")}
    hook = [pre_commit, "run", "okrbsc-lint", "--all-files"]
    clean = subprocess.run(hook, cwd=strategy, capture_output=True, text=True, timeout=600, env=env)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "okrbsc lint" in clean.stdout and "Passed" in clean.stdout, clean.stdout
    assert "Installing environment" in clean.stdout + clean.stderr  # from this checkout
    sales = strategy / "okrs/2026/Q3/sales.yaml"
    sales.write_text(sales.read_text().replace("aligns_to: [A1]", "aligns_to: [NOPE]"))
    git(strategy, "add", "-A")
    broken = subprocess.run(
        hook, cwd=strategy, capture_output=True, text=True, timeout=600, env=env
    )
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "okrs/2026/Q3/sales.yaml:7:" in broken.stdout
    assert "Installing environment" not in broken.stdout + broken.stderr  # the first run's env


def test_action_and_workflow_files_are_valid(tmp_path: Path) -> None:
    checker = str(BIN / "check-jsonschema")
    proc = subprocess.run(
        [checker, "--builtin-schema", "vendor.github-actions", str(ROOT / "action.yml")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout
    subprocess.run(
        [sys.executable, "-m", "okrbsc", "init", str(tmp_path), "--org", "X", "-q"],
        check=True,
        timeout=60,
    )
    proc = subprocess.run(
        [
            checker,
            "--builtin-schema",
            "vendor.github-workflows",
            str(tmp_path / ".github/workflows/okrbsc.yml"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout
    gitlab = subprocess.run(
        [checker, "--builtin-schema", "vendor.gitlab-ci", str(ROOT / "docs/ci/gitlab-ci.yml")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert gitlab.returncode == 0, gitlab.stdout


def test_composite_action_steps_annotate_and_summarise(tmp_path: Path) -> None:
    """Run the action's own shell steps (after its install step) as Actions would."""
    import yaml

    steps = yaml.safe_load((ROOT / "action.yml").read_text())["runs"]["steps"]
    lint_step, summary_step = steps[2], steps[3]
    strategy = tmp_path / "strategy"
    shutil.copytree(BASE, strategy)
    sales = strategy / "okrs/2026/Q3/sales.yaml"
    sales.write_text(sales.read_text().replace("Win the mid-market", "Win 3 segments"))
    summary = tmp_path / "summary.md"
    env = {
        "PATH": f"{BIN}:{os.environ['PATH']}",
        "GITHUB_ACTIONS": "true",
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_STEP_SUMMARY": str(summary),
        "OKRBSC_REPO": str(strategy),
        "OKRBSC_STRICT": "true",
        "OKRBSC_PERIOD": "2026-Q3",
    }
    lint = subprocess.run(
        ["bash", "-e", "-c", lint_step["run"]], env=env, capture_output=True, text=True, timeout=120
    )
    assert lint.returncode == 1  # --strict: the O107 warning fails the step
    assert "::warning file=okrs/2026/Q3/sales.yaml,line=6," in lint.stdout
    done = subprocess.run(
        ["bash", "-e", "-c", summary_step["run"]],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    text = summary.read_text()
    assert text.startswith("# Base Co — plan on a page, 2026-Q3") and "## OKRs" in text


def test_composite_action_holds_a_pull_request_against_its_base(tmp_path: Path) -> None:
    """With `since` (the PR base by default), the action fetches the base into a
    shallow checkout, runs the history rules and puts the strategy diff in the summary."""
    import yaml

    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["inputs"]["since"]["default"] == "${{ github.event.pull_request.base.sha }}"
    lint_step, summary_step = action["runs"]["steps"][2], action["runs"]["steps"][3]
    origin = tmp_path / "origin"
    shutil.copytree(BASE, origin)
    git(origin, "init", "-q", "-b", "main")
    git(origin, "add", "-A")
    git(origin, "commit", "-qm", "base")
    base_sha = git(origin, "rev-parse", "HEAD").strip()
    sales = origin / "okrs/2026/Q3/sales.yaml"
    sales.write_text(sales.read_text().replace("target: 3.5", "target: 3.0", 1))
    git(origin, "commit", "-qam", "lower S1.1")
    checkout = tmp_path / "checkout"  # as actions/checkout leaves it: one commit deep
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", origin.as_uri(), str(checkout)],
        check=True,
        env=GIT_ENV,
        capture_output=True,
        timeout=60,
    )
    assert (
        subprocess.run(
            ["git", "cat-file", "-e", f"{base_sha}^{{commit}}"], cwd=checkout, capture_output=True
        ).returncode
        != 0
    )
    summary = tmp_path / "summary.md"
    env = {
        **GIT_ENV,
        "PATH": f"{BIN}:{os.environ['PATH']}",
        "GITHUB_ACTIONS": "true",
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_STEP_SUMMARY": str(summary),
        "OKRBSC_REPO": str(checkout),
        "OKRBSC_STRICT": "false",
        "OKRBSC_PERIOD": "2026-Q3",
        "OKRBSC_SINCE": base_sha,
    }
    lint = subprocess.run(
        ["bash", "-e", "-c", lint_step["run"]], env=env, capture_output=True, text=True, timeout=120
    )
    assert "file=okrs/2026/Q3/sales.yaml,line=12,col=17,title=G501::" in lint.stdout, lint.stderr
    assert "target 3.5 → 3 (easier)" in lint.stdout
    done = subprocess.run(
        ["bash", "-e", "-c", summary_step["run"]],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    text = summary.read_text()
    assert text.startswith(f"### Strategy changes ({base_sha} → working tree)")
    assert "| key result | S1.1 | 2026-Q3 | changed `target` **(easier)** | 3.5 | 3 |" in text
    assert "# Base Co — plan on a page, 2026-Q3" in text


def _pulled_examples(tmp_path: Path) -> Path:
    """examples/ in a git repo of its own, as a scheduled workflow checks it out."""
    strategy = tmp_path / "strategy"
    shutil.copytree(EXAMPLES, strategy)
    git(strategy, "init", "-q", "-b", "main")
    git(strategy, "add", "-A")
    git(strategy, "commit", "-qm", "strategy")
    return strategy


def _steps(path: Path) -> dict[str, Any]:
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_init_writes_a_weekly_pull_workflow_that_opens_a_pull_request(tmp_path: Path) -> None:
    repo = tmp_path / "new"
    subprocess.run(
        [sys.executable, "-m", "okrbsc", "init", str(repo), "--org", "X", "-q"],
        check=True,
        timeout=60,
    )
    workflow = repo / ".github/workflows/okrbsc-pull.yml"
    checker = str(BIN / "check-jsonschema")
    proc = subprocess.run(
        [checker, "--builtin-schema", "vendor.github-workflows", str(workflow)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout
    flow = _steps(workflow)
    triggers = flow[True] if True in flow else flow["on"]  # YAML 1.1 reads `on` as true
    minute, hour, day, month, weekday = triggers["schedule"][0]["cron"].split()
    assert minute.isdigit() and hour.isdigit() and (day, month) == ("*", "*")
    assert weekday.isdigit()  # once a week, at a fixed time
    assert flow["permissions"] == {"contents": "write", "pull-requests": "write"}
    steps = flow["jobs"]["pull"]["steps"]
    assert [s for s in steps if s.get("run") == 'pip install "okrbsc[data,trackers]"']
    opener = next(s for s in steps if "create-pull-request" in s.get("uses", ""))
    assert opener["with"]["body-path"] == "${{ runner.temp }}/okrbsc-pull.md"
    # the pull step, run as Actions runs it (bash -e), on a copy of the examples
    pull_step = next(s for s in steps if s.get("id") == "pull")
    strategy = _pulled_examples(tmp_path)
    output = tmp_path / "output"
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}", "RUNNER_TEMP": str(tmp_path),
           "GITHUB_OUTPUT": str(output), **CODE_ENV}  # fmt: skip
    done = subprocess.run(["bash", "-e", "-c", pull_step["run"]], cwd=strategy, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert output.read_text() == "code=0\n"
    body = (tmp_path / "okrbsc-pull.md").read_text()
    assert "scorecard.yaml:24: F1-arr 2025-Q3: added 38.6 from files" in body
    assert body.startswith("Numbers fetched by `okrbsc pull` on ")
    changed = git(strategy, "status", "--porcelain").split()
    assert "scorecard.yaml" in changed  # left for create-pull-request to commit
    # the CI workflow's gate passes on the pulled repo and fails on a hand-edited number
    ci = _steps(repo / ".github/workflows/okrbsc.yml")["jobs"]["okrbsc"]["steps"]
    gate = next(s for s in ci if s.get("run") == "okrbsc pull --check")
    assert ci[ci.index(gate) - 1]["run"] == 'pip install "okrbsc[data,trackers]"'
    ok = subprocess.run(["bash", "-e", "-c", gate["run"]], cwd=strategy, env=env,
                        capture_output=True, text=True, timeout=120)  # fmt: skip
    assert ok.returncode == 0, ok.stdout + ok.stderr
    card = strategy / "scorecard.yaml"
    card.write_text(card.read_text().replace("2026-Q3: 108.0}", "2026-Q3: 109.0}", 1))
    bad = subprocess.run(["bash", "-e", "-c", gate["run"]], cwd=strategy, env=env,
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert bad.returncode == 1
    assert "F1-nrr 2026-Q3: restated 109 -> 108" in bad.stdout


def test_composite_action_pull_mode(tmp_path: Path) -> None:
    """`command: pull` skips the lint steps and runs `okrbsc pull` with `args`."""
    action = _steps(ROOT / "action.yml")
    assert action["inputs"]["command"]["default"] == "lint"
    steps = action["runs"]["steps"]
    assert steps[2]["if"] == "inputs.command != 'pull'"
    assert steps[3]["if"] == "always() && inputs.command != 'pull'"
    pull_step = next(s for s in steps if s.get("if") == "inputs.command == 'pull'")
    strategy = _pulled_examples(tmp_path)
    summary = tmp_path / "summary.md"
    env = {
        "PATH": f"{BIN}:{os.environ['PATH']}",
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_STEP_SUMMARY": str(summary),
        "OKRBSC_REPO": str(strategy),
        "OKRBSC_PERIOD": "",
        "OKRBSC_ARGS": "--check --as-of 2026-11-20",
        **CODE_ENV,
    }

    def run(args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["bash", "-e", "-c", pull_step["run"]], env={**env, "OKRBSC_ARGS": args},
                              capture_output=True, text=True, timeout=120)  # fmt: skip

    check = run("--check --as-of 2026-11-20")
    assert check.returncode == 1  # finance's 2025 quarters are not in the file yet
    assert "2 added, 78 unchanged, 0 restated; check: nothing written" in check.stdout
    wrote = run("--as-of 2026-11-20")
    assert wrote.returncode == 0, wrote.stderr
    assert git(strategy, "status", "--porcelain").strip() == "M scorecard.yaml"
    assert run("--check --as-of 2026-11-20").returncode == 0
    text = summary.read_text()
    assert text.startswith("## okrbsc pull\n\n```\n")
    assert "2 added, 78 unchanged, 0 restated; 1 file written" in text
    install = steps[1]
    bogus = subprocess.run(["bash", "-e", "-c", install["run"]], capture_output=True, text=True,
                           env={"PATH": os.environ["PATH"], "OKRBSC_COMMAND": "deploy"}, timeout=60)  # fmt: skip
    assert bogus.returncode == 2
    assert "command must be lint or pull, not 'deploy'" in bogus.stdout


def test_composite_action_fences_pull_output_that_holds_backticks(tmp_path: Path) -> None:
    """The pull step's report goes into the job summary inside a code fence longer than
    any run of backticks in it: text from a source cannot close the fence and turn into
    Markdown. (The step's shell is what is tested: an `okrbsc` on PATH prints the text.)"""
    import yaml
    from markdown_it import MarkdownIt

    steps = yaml.safe_load((ROOT / "action.yml").read_text())["runs"]["steps"]
    (pull_step,) = [s for s in steps if "okrbsc pull" in s.get("run", "")]
    fake = tmp_path / "bin"
    fake.mkdir()
    printed = "S1.1 added 3 from crm:\n```\n# not a heading\n`````\n[link](https://x.example)\n"
    (fake / "okrbsc").write_text(f"#!/bin/sh\ncat <<'OUT'\n{printed}OUT\n")
    (fake / "okrbsc").chmod(0o755)
    summary = tmp_path / "summary.md"
    env = {
        "PATH": f"{fake}:/usr/bin:/bin",
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_STEP_SUMMARY": str(summary),
        "OKRBSC_REPO": ".",
        "OKRBSC_PERIOD": "",
        "OKRBSC_ARGS": "",
    }
    done = subprocess.run(
        ["bash", "-e", "-c", pull_step["run"]], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    html = MarkdownIt("commonmark").render(summary.read_text())
    assert "<h1>" not in html and "<a " not in html
    assert html.count("<pre>") == 1 and "# not a heading" in html
