"""Every rule's failing and passing cases, kept as data in cases/<CODE>.yaml.

History rules (G5xx) take `before`, patches committed to a git repo first;
the case's edits are then linted against that commit. Unit rules that fetch
(U702) take `units`: `{ID: N}` makes unit ID a git repo beside the repo, locks
it and adds N commits after the lock; the case is linted with `--units-fresh`.

Each case starts from tests/fixtures/base (a minimal repo that lints clean at
2026-10-15), edits it -- `patch` replaces text in a file (each `[old, new]`
must match), `files` writes whole files, `remove` deletes them -- lints at
`as_of`, and compares the exact (path, line) list of the rule's findings with
`expect`.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from okrbsc.history.git import GitRepo
from okrbsc.lint import engine as lint
from okrbsc.lint.rules import RULES
from okrbsc.strategy.repo import Repo

from ..conftest import BASE, BASE_AS_OF

CASES = Path(__file__).parent / "cases"


def _cases() -> list[Any]:
    params = []
    for path in sorted(CASES.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            params.append(pytest.param(path.stem, case, id=f"{path.stem}-{case['name']}"))
    return params


GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
}


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, env=GIT_ENV, check=True, capture_output=True)
    return done.stdout.decode().strip()


def build(tmp_path: Path, case: dict[str, Any]) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    if "before" in case:  # history rules: commit the `before` state, then edit
        apply(root, {"patch": case["before"]})
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "before"]):
            _git(root, *args)
    if "units" in case:
        _units(tmp_path, root, case["units"])
    apply(root, case)
    return root


def _units(tmp_path: Path, root: Path, later: dict[str, int]) -> None:
    """Each unit a git repo beside ``root``, locked, then ``later[id]`` commits on."""
    config, lock = ["units:\n"], ["units:\n"]
    for unit, commits in later.items():
        repo = tmp_path / unit
        shutil.copytree(BASE, repo)
        for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "unit"]):
            _git(repo, *args)
        sha = _git(repo, "rev-parse", "HEAD")
        for n in range(commits):
            _git(repo, "commit", "-q", "--allow-empty", "-m", f"later {n}")
        config.append(f"  - {{id: {unit}, repo: ../{unit}}}\n")
        lock.append(
            f'  - {{id: "{unit}", repo: "../{unit}", ref: "HEAD", commit: "{sha}", '
            f'date: "2026-10-01T12:00:00+00:00"}}\n'
        )
    with (root / "okrbsc.yaml").open("a", encoding="utf-8") as f:
        f.write("".join(config))
    (root / "units.lock").write_text("".join(lock), encoding="utf-8")


def apply(root: Path, case: dict[str, Any]) -> None:
    for rel in case.get("remove", []):
        (root / rel).unlink()
    for rel, edits in (case.get("patch") or {}).items():
        target = root / rel
        text = target.read_text(encoding="utf-8")
        for old, new in edits:
            assert old in text, f"patch of {rel}: {old!r} not found"
            text = text.replace(old, new, 1)
        target.write_text(text, encoding="utf-8")
    for rel, text in (case.get("files") or {}).items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(("code", "case"), _cases())
def test_rule_case(tmp_path: Path, code: str, case: dict[str, Any]) -> None:
    root = build(tmp_path, case)
    as_of = case.get("as_of", BASE_AS_OF)
    day = as_of if isinstance(as_of, dt.date) else dt.date.fromisoformat(str(as_of))
    repo = Repo.open(root, day)
    baseline = GitRepo.of(root).repo_at("HEAD", root, day) if "before" in case else None
    result = lint.run(repo, baseline=baseline, fetch="units" in case)
    got = [(f.path, f.line) for f in result.findings if f.code == code]
    expected = [(e["path"], e["line"]) for e in case["expect"]]
    assert sorted(got) == sorted(expected), [f.message for f in result.findings]


def test_every_rule_has_a_failing_and_a_passing_case() -> None:
    by_code: dict[str, list[bool]] = {}
    for param in _cases():
        code, case = param.values
        by_code.setdefault(code, []).append(bool(case["expect"]))
    for rule in RULES:
        outcomes = by_code.get(rule.code, [])
        assert True in outcomes, f"{rule.code} has no failing case"
        assert False in outcomes, f"{rule.code} has no passing case"


def test_base_fixture_is_clean() -> None:
    result = lint.run(Repo.open(BASE, dt.date.fromisoformat(BASE_AS_OF)))
    assert [f"{f.path}:{f.line} {f.code}" for f in result.findings] == []
