"""SPEC 18: a group repo and three business units, each a real git repository built here
(one reached by a file:// URL): lock, update, sync, reading at the locked commit,
U701, calendar mismatch, and that no command but `units …` touches a unit's repo."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import BASE, run_cli

AS_OF = "2026-10-15"
GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_GLOBAL": "/dev/null",
}


def git(cwd: Path, *args: str) -> str:
    out = subprocess.run(
        ["git", *args], cwd=cwd, env=GIT_ENV, check=True, capture_output=True, text=True
    )
    return out.stdout.strip()


def commit_all(repo: Path, message: str, date: str = "2026-10-01T12:00:00+00:00") -> str:
    env_date = {"GIT_COMMITTER_DATE": date, "GIT_AUTHOR_DATE": date}
    subprocess.run(["git", "add", "-A"], cwd=repo, env=GIT_ENV, check=True)
    subprocess.run(
        ["git", "commit", "-qm", message], cwd=repo, env={**GIT_ENV, **env_date}, check=True
    )
    return git(repo, "rev-parse", "HEAD")


def set_arr(repo: Path, actuals: str, unit: str = "") -> None:
    card = repo / "scorecard.yaml"
    text = card.read_text(encoding="utf-8")
    start = text.index("      - {id: F1-arr")
    end = text.index("\n", start)
    extra = f", unit: {unit}" if unit else ""
    line = (
        f"      - {{id: F1-arr, name: ARR, type: lag, baseline: 40, target: 52{extra}, "
        f"actuals: {actuals}}}"
    )
    card.write_text(text[:start] + line + text[end:], encoding="utf-8")


def make_unit(where: Path, name: str, actuals: str) -> Path:
    repo = where / name
    shutil.copytree(BASE, repo)
    (repo / "okrbsc.yaml").write_text(
        (repo / "okrbsc.yaml").read_text(encoding="utf-8").replace("Base Co", f"Acme {name}", 1),
        encoding="utf-8",
    )
    set_arr(repo, actuals)
    git(repo, "init", "-q", "-b", "main")
    commit_all(repo, f"{name} strategy")
    return repo


GROUP_CONFIG = """\
organisation: Acme Group
teams:
  - {{id: group, name: Acme Group}}
units:
  - {{id: emea, name: Acme EMEA, repo: ../emea}}
  - {{id: apac, name: Acme APAC, repo: "{apac_url}", ref: main}}
  - {{id: amer, name: Acme Americas, repo: ../amer}}
"""

GROUP_CARD = """\
kind: scorecard
mission: One group, many units
objectives:
  - id: G1
    perspective: financial
    title: Grow the group's recurring revenue
    measures:
      - id: G1-arr
        name: Group ARR
        type: lag
        baseline: 120
        target: 156
        rollup: {{of: [emea:F1-arr, apac:F1-arr, amer:F1-arr], by: {by}{weights}}}
"""


def make_group(where: Path, by: str = "sum", weights: str = "") -> Path:
    group = where / "group"
    group.mkdir()
    apac_url = (where / "apac").resolve().as_uri()
    (group / "okrbsc.yaml").write_text(GROUP_CONFIG.format(apac_url=apac_url), encoding="utf-8")
    (group / "scorecard.yaml").write_text(GROUP_CARD.format(by=by, weights=weights), "utf-8")
    git(group, "init", "-q", "-b", "main")
    commit_all(group, "group strategy")
    return group


@pytest.fixture
def world(tmp_path: Path) -> Path:
    make_unit(tmp_path, "emea", "{2026-Q2: 45, 2026-Q3: 50}")
    make_unit(tmp_path, "apac", "{2026-Q2: 30}")
    make_unit(tmp_path, "amer", "{2026-Q3: 60}")
    return make_group(tmp_path)


def ok(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    done = run_cli(*args, cwd=cwd)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def lock_entries(group: Path) -> list[dict[str, str]]:
    import yaml

    data = yaml.safe_load((group / "units.lock").read_text(encoding="utf-8"))
    entries: list[dict[str, str]] = data["units"]
    return entries


def test_lock_pins_each_unit_at_its_ref(world: Path) -> None:
    tmp = world.parent
    ok("units", "lock", cwd=world)
    entries = lock_entries(world)
    assert [e["id"] for e in entries] == ["emea", "apac", "amer"]
    for entry in entries:
        assert entry["commit"] == git(tmp / entry["id"], "rev-parse", "HEAD")
        assert entry["date"] == "2026-10-01T12:00:00+00:00"
    assert entries[0]["ref"] == "HEAD" and entries[1]["ref"] == "main"
    assert entries[1]["repo"].startswith("file://")
    assert (world / ".okrbsc" / "units" / "apac" / "HEAD").is_file()
    assert not (world / ".okrbsc" / "units" / "apac" / "scorecard.yaml").exists()  # bare


def test_update_moves_only_the_named_unit_and_keeps_other_entries_byte_for_byte(
    world: Path,
) -> None:
    tmp = world.parent
    ok("units", "lock", cwd=world)
    before = (world / "units.lock").read_text(encoding="utf-8").splitlines()
    for name in ("emea", "apac"):
        set_arr(tmp / name, "{2026-Q2: 45, 2026-Q3: 51}")
        commit_all(tmp / name, "Q3 actual", "2026-10-05T09:30:00+02:00")
    ok("units", "lock", cwd=world)  # lock keeps units that are locked
    assert (world / "units.lock").read_text(encoding="utf-8").splitlines() == before
    done = ok("units", "update", "apac", cwd=world)
    assert "locked apac" in done.stdout
    after = (world / "units.lock").read_text(encoding="utf-8").splitlines()
    assert after[0:3] == before[0:3] and after[4:] == before[4:]  # emea, amer as they were
    assert after[3] != before[3]
    apac = lock_entries(world)[1]
    assert apac["commit"] == git(tmp / "apac", "rev-parse", "HEAD")
    assert apac["date"] == "2026-10-05T09:30:00+02:00"
    ok("units", "update", cwd=world)
    assert lock_entries(world)[0]["commit"] == git(tmp / "emea", "rev-parse", "HEAD")


def test_unknown_unit_to_update_names_the_nearest(world: Path) -> None:
    done = run_cli("units", "update", "apak", cwd=world)
    assert done.returncode == 2
    assert "apac" in done.stderr and "apak" in done.stderr


def test_u701_unit_without_entry_and_entry_without_unit(world: Path) -> None:
    done = run_cli("lint", "--as-of", AS_OF, "--format", "json", cwd=world)
    findings = [f for f in json.loads(done.stdout)["findings"] if f["code"] == "U701"]
    assert [(f["path"], f["line"]) for f in findings] == [
        ("okrbsc.yaml", 5),
        ("okrbsc.yaml", 6),
        ("okrbsc.yaml", 7),
    ]
    assert done.returncode == 1
    ok("units", "lock", cwd=world)
    config = world / "okrbsc.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  - {id: amer, name: Acme Americas, repo: ../amer}\n", ""))
    done = run_cli("lint", "--as-of", AS_OF, "--format", "json", cwd=world)
    findings = [f for f in json.loads(done.stdout)["findings"] if f["code"] == "U701"]
    assert [(f["path"], f["line"]) for f in findings] == [("units.lock", 5)]
    assert "amer" in findings[0]["message"]


def test_sync_fetches_the_locked_commit_and_a_failure_names_the_unit(world: Path) -> None:
    tmp = world.parent
    ok("units", "lock", cwd=world)
    shutil.rmtree(world / ".okrbsc")
    done = ok("units", "sync", cwd=world)
    assert "fetched emea" in done.stdout
    done = ok("units", "sync", cwd=world)
    assert "up to date: emea, apac, amer" in done.stdout
    shutil.rmtree(world / ".okrbsc" / "units" / "amer")
    shutil.rmtree(tmp / "amer")
    done = run_cli("units", "sync", cwd=world)
    assert done.returncode == 2
    assert "'amer'" in done.stderr and "../amer" in done.stderr


def test_calendar_mismatch_names_the_unit_and_both_values(world: Path) -> None:
    tmp = world.parent
    config = tmp / "apac" / "okrbsc.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "fiscal_year_start: 4\n")
    commit_all(tmp / "apac", "fiscal year from April")
    ok("units", "lock", cwd=world)
    done = run_cli("units", "sync", cwd=world)
    assert done.returncode == 1
    assert "'apac'" in done.stderr
    assert "fiscal_year_start: 4" in done.stderr and "fiscal_year_start: 1" in done.stderr
    assert (world / ".okrbsc" / "units" / "apac" / "HEAD").is_file()  # still fetched


def test_a_disallowed_protocol_is_never_fetched(world: Path) -> None:
    config = world / "okrbsc.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("repo: ../amer", 'repo: "ext::sh -c touch% /tmp/okrbsc-pwned"'))
    done = run_cli("units", "lock", "amer", cwd=world)
    assert done.returncode == 2
    assert "'amer'" in done.stderr
    assert not Path("/tmp/okrbsc-pwned").exists()


def test_init_ignores_the_unit_clones(tmp_path: Path) -> None:
    ok("init", "--organisation", "Acme", "--as-of", AS_OF, cwd=tmp_path)
    assert "/.okrbsc/units/" in (tmp_path / ".gitignore").read_text(encoding="utf-8").splitlines()
