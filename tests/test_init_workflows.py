"""The GitHub workflows `okrbsc init` writes (SPEC 16.5), judged by their real consumers.

Every workflow passes the GitHub workflow JSON Schema, actionlint and
`zizmor --offline` (no finding of medium severity or above; only
`dangerous-triggers` silenced, inline, with its reason). The check-in
workflow's own shell steps are then run as Actions would run them, against a
real git remote, with a comment whose text tries to run a command.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import GIT_ENV, git, need_tool

BIN = Path(sys.executable).parent
WORKFLOWS = ("okrbsc.yml", "okrbsc-pull.yml", "okrbsc-checkin.yml", "okrbsc-remind.yml")


@pytest.fixture(scope="module")
def scaffold(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("init") / "strategy"
    subprocess.run(
        [sys.executable, "-m", "okrbsc", "init", str(root), "--org", "Acme", "-q"],
        check=True,
        timeout=60,
    )
    return root


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    return need_tool(found, name, "python")


def workflow(root: Path, name: str) -> dict[Any, Any]:
    data = yaml.safe_load((root / ".github/workflows" / name).read_text())
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize("name", WORKFLOWS)
def test_schema_actionlint_and_zizmor_pass(scaffold: Path, name: str) -> None:
    path = scaffold / ".github/workflows" / name
    schema = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert schema.returncode == 0, schema.stdout
    lint = subprocess.run(
        [tool("actionlint"), "-no-color", str(path)], capture_output=True, text=True, timeout=120
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    audit = subprocess.run(
        [tool("zizmor"), "--offline", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=scaffold,
    )
    findings = json.loads(audit.stdout)
    assert audit.returncode == 0 and findings == [], audit.stdout + audit.stderr
    ignores = re.findall(r"zizmor: ignore\[([^\]]+)\]\s*(.*)", path.read_text())
    assert all(rule == "dangerous-triggers" and len(why) > 40 for rule, why in ignores)


def test_every_action_is_pinned_by_commit_with_its_release(scaffold: Path) -> None:
    uses = []
    for name in WORKFLOWS:
        text = (scaffold / ".github/workflows" / name).read_text()
        uses += re.findall(r"uses: (\S+)(.*)", text)
    assert len(uses) == 9
    for ref, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", ref), ref
        assert re.fullmatch(r" # v\d+\.\d+\.\d+", comment), comment


def test_the_checkin_workflow(scaffold: Path) -> None:
    flow = workflow(scaffold, "okrbsc-checkin.yml")
    assert flow[True] == {"issue_comment": {"types": ["created"]}}  # YAML 1.1 reads `on` as True
    assert flow["permissions"] == {}
    job = flow["jobs"]["checkin"]
    assert "contains(github.event.comment.body, '/checkin')" in job["if"]
    assert job["permissions"] == {"contents": "write", "issues": "write"}
    runs = [step.get("run", "") for step in job["steps"]]
    assert not any("${{" in run for run in runs)  # no event text inside a script
    assert any(
        'okrbsc checkin --from-event "$GITHUB_EVENT_PATH" --format md' in run for run in runs
    )
    commit = next(s for s in job["steps"] if "git commit" in s.get("run", ""))
    assert commit["env"]["AUTHOR"] == "${{ github.event.comment.user.login }}"
    assert any("gh issue comment" in run for run in runs)


def test_the_remind_workflow(scaffold: Path) -> None:
    flow = workflow(scaffold, "okrbsc-remind.yml")
    assert flow[True]["schedule"] == [{"cron": "23 7 * * 1"}]
    job = flow["jobs"]["remind"]
    assert job["permissions"] == {"contents": "read", "issues": "write"}
    script = "\n".join(step.get("run", "") for step in job["steps"])
    assert "okrbsc remind --send" in script and "okrbsc digest --send" in script
    assert 'title="Weekly check-in $(date -u +%G-W%V)"' in script
    assert "okrbsc remind --format md" in script and "gh issue create" in script
    assert not any("${{" in step.get("run", "") for step in job["steps"])


def test_the_checkin_workflow_steps_record_commit_and_push(tmp_path: Path) -> None:
    """The record and commit steps, run as Actions runs them, on a clone of a real remote."""
    work = tmp_path / "work"
    subprocess.run(
        [sys.executable, "-m", "okrbsc", "init", str(work), "--org", "Acme", "-q"],
        check=True,
        timeout=60,
    )
    config = work / "okrbsc.yaml"
    config.write_text(
        config.read_text().replace("parent: company}", "parent: company, lead: dana}")
        + "people:\n  dana: {name: Dana Ruiz, github: Dana-R}\n"
    )
    git(work, "init", "-q", "-b", "main")
    git(work, "add", "-A")
    git(work, "commit", "-qm", "init")
    remote = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(work), str(remote))
    checkout = tmp_path / "checkout"
    git(tmp_path, "clone", "-q", str(remote), str(checkout))
    planted = tmp_path / "planted"
    body = (
        "On it.\r\n"
        f"/checkin TQ1.1 22 confidence 0.6 replace note $(touch {planted}) `touch {planted}`\r\n"
    )
    event = tmp_path / "event.json"
    event.write_text(
        json.dumps(
            {
                "action": "created",
                "issue": {"number": 12},
                "comment": {"body": body, "user": {"login": "dana-r", "type": "User"}},
            }
        )
    )
    output = tmp_path / "output"
    output.write_text("")
    env = {
        **{k: v for k, v in GIT_ENV.items() if not k.endswith(("_NAME", "_EMAIL"))},
        "PATH": f"{BIN}:{os.environ['PATH']}",
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_SERVER_URL": "https://github.com",
        "RUNNER_TEMP": str(tmp_path),
        "AUTHOR": "dana-r",
        "ISSUE": "12",
        "BRANCH": "main",
        "GH_TOKEN": "not-a-token",
    }
    steps = workflow(work, "okrbsc-checkin.yml")["jobs"]["checkin"]["steps"]
    record = next(s for s in steps if s.get("id") == "checkin")
    commit = next(s for s in steps if "git commit" in s.get("run", ""))

    def run(step: dict[str, Any]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-e", "-c", step["run"]],
            cwd=checkout,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    recorded = run(record)
    assert recorded.returncode == 0, recorded.stdout + recorded.stderr
    assert output.read_text() == "code=0\n"
    reply = (tmp_path / "okrbsc-reply.md").read_text()
    assert "| 2 |" in reply and "recorded: replaces the check-in of TQ1.1" in reply
    pushed = run(commit)
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    log = git(remote, "log", "-1", "--format=%s%n%an", "main").splitlines()
    assert log == ["Check-ins by dana-r (comment on issue #12)", "github-actions[bot]"]
    changed = git(remote, "show", "--format=", "main").splitlines()
    today = dt.date.today().isoformat()
    assert any(
        line.startswith(f"+          - {{date: {today}, value: 22, confidence: 0.6,")
        for line in changed
    )
    assert not planted.exists()  # the comment's text never ran
    again = run(record)
    assert (
        again.returncode == 0 and "already recorded" in (tmp_path / "okrbsc-reply.md").read_text()
    )
    assert run(commit).returncode == 0  # nothing to commit
    assert git(remote, "rev-list", "--count", "main").strip() == "2"
