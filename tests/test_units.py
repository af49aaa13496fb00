"""SPEC 18: a group repo and three business units, each a real git repository built here
(one reached by a file:// URL): lock, update, sync, reading at the locked commit,
U701, calendar mismatch, and that no command but `units …` touches a unit's repo.

The units are built once for the module (`template`) and each test works on its own
copy of them, beside a group repo of its own. Each command runs once or more as a
real subprocess (`ok`, `run_cli`); the others run in this process (`ok_here`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import BASE, in_process, run_cli

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
perspectives:
  - {{id: financial, name: Financial}}
objectives:
  - id: G1
    perspective: financial
    title: Grow the group's recurring revenue
    measures:
      - id: G1-arr
        name: Group ARR
        type: lag
        baseline: {baseline}
        target: {target}
        rollup: {{of: [emea:F1-arr, apac:F1-arr, amer:F1-arr], by: {by}{weights}}}
"""


def make_group(
    where: Path, by: str = "sum", weights: str = "", baseline: float = 120, target: float = 156
) -> Path:
    group = where / "group"
    group.mkdir()
    apac_url = (where / "apac").resolve().as_uri()
    (group / "okrbsc.yaml").write_text(GROUP_CONFIG.format(apac_url=apac_url), encoding="utf-8")
    card = GROUP_CARD.format(by=by, weights=weights, baseline=baseline, target=target)
    (group / "scorecard.yaml").write_text(card, "utf-8")
    git(group, "init", "-q", "-b", "main")
    commit_all(group, "group strategy")
    return group


def make_units(where: Path) -> None:
    make_unit(where, "emea", "{2026-Q2: 45, 2026-Q3: 50}")
    make_unit(where, "apac", "{2026-Q3: 30}")  # nothing for 2026-Q2
    make_unit(where, "amer", "{2026-Q2: 60, 2026-Q3: 61.5}")


UNITS = ("emea", "apac", "amer")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three units, built once, and a group locked and synced against them. A unit
    holds no path of its own, so a copy of it is the same repository, same commits."""
    where = tmp_path_factory.mktemp("units")
    make_units(where)
    synced(make_group(where))
    return where


def units_in(template: Path, where: Path) -> None:
    """Copies of the template's units in ``where``, for a group made there."""
    for name in UNITS:
        shutil.copytree(template / name, where / name, symlinks=True)


def presynced(template: Path, group: Path) -> Path:
    """What `units lock` and `units sync` leave in ``group`` (its units copied from the
    template): the template group's bare clones, which hold no path, and its
    units.lock with apac's file:// URL made this copy's."""
    source = template / "group"
    shutil.copytree(source / ".okrbsc", group / ".okrbsc", symlinks=True)
    lock = (source / "units.lock").read_bytes()
    old = (template / "apac").resolve().as_uri().encode()
    assert lock.count(old) == 1, lock
    new = (group.parent / "apac").resolve().as_uri().encode()
    (group / "units.lock").write_bytes(lock.replace(old, new))
    return group


@pytest.fixture
def world(template: Path, tmp_path: Path) -> Path:
    units_in(template, tmp_path)
    return make_group(tmp_path)


@pytest.fixture
def synced_world(template: Path, world: Path) -> Path:
    """The world as `units lock` then `units sync` leave it."""
    return presynced(template, world)


def ok(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    done = run_cli(*args, cwd=cwd)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def ok_here(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`ok`, in this process."""
    done = in_process(*args, cwd=cwd)
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


def test_a_presynced_group_is_what_lock_and_sync_leave(synced_world: Path) -> None:
    """The copy the tests start from (`presynced`) is what `units lock` and `units sync`
    make in the same place: units.lock byte for byte, and the refs of each clone."""

    def refs() -> dict[str, str]:
        return {u: git(synced_world / ".okrbsc" / "units" / u, "for-each-ref") for u in UNITS}

    copied, copied_refs = (synced_world / "units.lock").read_bytes(), refs()
    (synced_world / "units.lock").unlink()
    shutil.rmtree(synced_world / ".okrbsc")
    synced(synced_world)
    assert (synced_world / "units.lock").read_bytes() == copied
    assert refs() == copied_refs
    assert all("refs/okrbsc/commits/" in text for text in copied_refs.values())


def test_update_moves_only_the_named_unit_and_keeps_other_entries_byte_for_byte(
    world: Path,
) -> None:
    tmp = world.parent
    ok_here("units", "lock", cwd=world)
    before = (world / "units.lock").read_text(encoding="utf-8").splitlines()
    for name in ("emea", "apac"):
        set_arr(tmp / name, "{2026-Q2: 45, 2026-Q3: 51}")
        commit_all(tmp / name, "Q3 actual", "2026-10-05T09:30:00+02:00")
    ok_here("units", "lock", cwd=world)  # lock keeps units that are locked
    assert (world / "units.lock").read_text(encoding="utf-8").splitlines() == before
    done = ok("units", "update", "apac", cwd=world)
    assert "locked apac" in done.stdout
    after = (world / "units.lock").read_text(encoding="utf-8").splitlines()
    assert after[0:3] == before[0:3] and after[4:] == before[4:]  # emea, amer as they were
    assert after[3] != before[3]
    apac = lock_entries(world)[1]
    assert apac["commit"] == git(tmp / "apac", "rev-parse", "HEAD")
    assert apac["date"] == "2026-10-05T09:30:00+02:00"
    ok_here("units", "update", cwd=world)
    assert lock_entries(world)[0]["commit"] == git(tmp / "emea", "rev-parse", "HEAD")


def test_unknown_unit_to_update_names_the_nearest(world: Path) -> None:
    done = in_process("units", "update", "apak", cwd=world)
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
    ok_here("units", "lock", cwd=world)
    config = world / "okrbsc.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  - {id: amer, name: Acme Americas, repo: ../amer}\n", ""))
    done = in_process("lint", "--as-of", AS_OF, "--format", "json", cwd=world)
    findings = [f for f in json.loads(done.stdout)["findings"] if f["code"] == "U701"]
    assert [(f["path"], f["line"]) for f in findings] == [("units.lock", 5)]
    assert "amer" in findings[0]["message"]


def test_sync_fetches_the_locked_commit_and_a_failure_names_the_unit(world: Path) -> None:
    tmp = world.parent
    ok_here("units", "lock", cwd=world)
    shutil.rmtree(world / ".okrbsc")
    done = ok("units", "sync", cwd=world)
    assert "fetched emea" in done.stdout
    done = ok_here("units", "sync", cwd=world)
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
    ok_here("units", "lock", cwd=world)
    done = in_process("units", "sync", cwd=world)
    assert done.returncode == 1
    assert "'apac'" in done.stderr
    assert "fiscal_year_start: 4" in done.stderr and "fiscal_year_start: 1" in done.stderr
    assert (world / ".okrbsc" / "units" / "apac" / "HEAD").is_file()  # still fetched
    for args in (("score", "2026-Q3"), ("status", "2026-Q3")):
        done = in_process(*args, "--as-of", AS_OF, cwd=world)
        assert done.returncode == 1
        assert "'apac'" in done.stderr and "fiscal_year_start: 4" in done.stderr


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


def group_measure(group: Path, period: str) -> dict[str, object]:
    done = ok_here("score", period, "--as-of", AS_OF, "--format", "json", cwd=group)
    measure: dict[str, object] = json.loads(done.stdout)["scorecard"][0]["measures"][0]
    return measure


def synced(group: Path) -> Path:
    ok_here("units", "lock", cwd=group)
    ok_here("units", "sync", cwd=group)
    return group


# by, weights, baseline, target, period: actual, status, achievement, coverage have, missing
ROLLUPS = [
    # every unit has a Q3 actual: 50 + 30 + 61.5
    ("sum", "", 120, 156, "2026-Q3", 141.5, "amber", 21.5 / 36, 3, []),
    # apac has none for Q2: 45 + 60, red at or below the baseline
    ("sum", "", 120, 156, "2026-Q2", 105.0, "red", 0.0, 2, ["apac:F1-arr"]),
    # a partial sum past its target is amber: a missing part could be any size
    ("sum", "", 80, 100, "2026-Q2", 105.0, "amber", 1.0, 2, ["apac:F1-arr"]),
    ("mean", "", 40, 52, "2026-Q3", 141.5 / 3, "amber", (141.5 / 3 - 40) / 12, 3, []),
    # a partial mean is judged as usual: (45 + 60) / 2 = 52.5 meets 52
    ("mean", "", 40, 52, "2026-Q2", 52.5, "green", 1.0, 2, ["apac:F1-arr"]),
    ("weighted_mean", ", weights: [2, 1, 1]", 40, 52, "2026-Q3", 191.5 / 4, "amber",
     (191.5 / 4 - 40) / 12, 3, []),
    # (2 x 45 + 1 x 60) / 3 over the parts that have an actual
    ("weighted_mean", ", weights: [2, 1, 1]", 40, 52, "2026-Q2", 50.0, "amber", 10 / 12, 2,
     ["apac:F1-arr"]),
    ("min", "", 40, 52, "2026-Q3", 30.0, "red", 0.0, 3, []),
    ("min", "", 40, 52, "2026-Q2", 45.0, "amber", 5 / 12, 2, ["apac:F1-arr"]),
    ("max", "", 40, 52, "2026-Q3", 61.5, "green", 1.0, 3, []),
    ("max", "", 40, 70, "2026-Q2", 60.0, "amber", 20 / 30, 2, ["apac:F1-arr"]),
    # no unit has an actual for Q1
    ("sum", "", 120, 156, "2026-Q1", None, "unknown", None, 0,
     ["emea:F1-arr", "apac:F1-arr", "amer:F1-arr"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("by", "weights", "baseline", "target", "period", "actual", "status", "achieved", "have",
     "missing"),
    ROLLUPS,
)  # fmt: skip
def test_rollup_by_each_rule(
    template: Path,
    tmp_path: Path,
    by: str,
    weights: str,
    baseline: float,
    target: float,
    period: str,
    actual: float | None,
    status: str,
    achieved: float | None,
    have: int,
    missing: list[str],
) -> None:
    units_in(template, tmp_path)
    group = presynced(template, make_group(tmp_path, by, weights, baseline, target))
    measure = group_measure(group, period)
    assert measure["actual"] == (None if actual is None else pytest.approx(actual))
    assert measure["status"] == status
    assert measure["achievement"] == (None if achieved is None else pytest.approx(achieved))
    assert measure["coverage"] == {"have": have, "of": 3, "missing": missing}
    assert measure["rollup"] == by


def test_partial_actual_is_said_in_text(synced_world: Path) -> None:
    world = synced_world
    done = ok("score", "2026-Q2", "--as-of", AS_OF, cwd=world)
    assert "105 in 2026-Q2, 2 of 3 units: apac missing" in " ".join(done.stdout.split())


def test_unit_scores_in_the_group_equal_each_units_own(synced_world: Path) -> None:
    world = synced_world
    tmp = world.parent
    done = ok("score", "2026-Q3", "--as-of", AS_OF, "--format", "json", cwd=world)
    units = json.loads(done.stdout)["units"]
    assert [u["id"] for u in units] == ["emea", "apac", "amer"]
    assert units[1]["name"] == "Acme APAC"
    for unit in units:
        own_score = ok_here(
            "score", "2026-Q3", "--as-of", AS_OF, "--format", "json", cwd=tmp / unit["id"]
        )
        own = json.loads(own_score.stdout)
        assert unit["commit"] == git(tmp / unit["id"], "rev-parse", "HEAD")
        assert unit["score"] == own["score"]
        assert unit["perspectives"] == [
            {k: p[k] for k in ("id", "okr_score", "achievement", "status")}
            for p in own["perspectives"]
        ]
        krs = [k for t in own["teams"] for o in t["objectives"] for k in o["key_results"]]
        assert unit["at_risk"] == sum(1 for k in krs if k["at_risk"])
        assert unit["no_data"] == sum(1 for k in krs if not k["has_data"])
        assert unit["no_data"] > 0  # the base fixture has key results without check-ins


def test_a_unit_is_read_at_its_lock_not_from_its_working_tree(synced_world: Path) -> None:
    world = synced_world
    tmp = world.parent
    emea = tmp / "emea"
    set_arr(emea, "{2026-Q3: 9999}")  # dirty working tree
    set_arr(tmp / "amer", "{2026-Q3: 1}")
    commit_all(tmp / "amer", "a commit after the lock", "2026-10-09T00:00:00+00:00")
    shutil.rmtree(tmp / "apac")  # the remote is gone
    git(emea, "remote", "add", "origin", "file:///nonexistent/emea.git")
    measure = group_measure(world, "2026-Q3")
    assert measure["actual"] == pytest.approx(141.5)
    for args in (
        ("status", "2026-Q3"),
        ("report", "2026-Q3", "--format", "md", "--out", str(tmp / "out")),
        ("lint",),
    ):
        done = in_process(*args, "--as-of", AS_OF, cwd=world)
        assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr
        assert "error:" not in done.stderr, done.stderr
    lint = json.loads(ok_here("lint", "--as-of", AS_OF, "--format", "json", cwd=world).stdout)
    assert lint["findings"] == [] or all(f["code"] != "U701" for f in lint["findings"])


def test_a_unit_not_synced_is_an_error_naming_units_sync(world: Path) -> None:
    ok_here("units", "lock", cwd=world)
    group_measure(world, "2026-Q3")  # scored once: the units' scores are cached by commit
    shutil.rmtree(world / ".okrbsc" / "units" / "emea")
    done = run_cli("score", "2026-Q3", "--as-of", AS_OF, cwd=world)
    assert done.returncode == 1
    assert "'emea'" in done.stderr and "okrbsc units sync" in done.stderr


def test_unknown_unit_and_unknown_id_are_e005_with_the_nearest(world: Path) -> None:
    card = world / "scorecard.yaml"
    text = card.read_text(encoding="utf-8")
    card.write_text(text.replace("apac:F1-arr, amer:F1-arr", "apak:F1-arr, amer:F1-ar"))
    (world / "okrs" / "2026" / "Q3").mkdir(parents=True)
    (world / "okrs" / "2026" / "Q3" / "group.yaml").write_text(
        "kind: okrs\nteam: group\nperiod: 2026-Q3\nobjectives:\n"
        "  - id: G1\n    title: Grow together\n    aligns_to: [G1]\n"
        "    depends_on: [emea:S1, emea:S9]\n",
        encoding="utf-8",
    )
    synced(world)
    done = in_process("lint", "--as-of", AS_OF, "--format", "json", cwd=world)
    found = [f for f in json.loads(done.stdout)["findings"] if f["code"] == "E005"]
    assert [(f["path"], f["line"]) for f in found] == [
        ("okrs/2026/Q3/group.yaml", 8),
        ("scorecard.yaml", 15),
        ("scorecard.yaml", 15),
    ]
    assert "'S9'" in found[0]["message"] and "emea:S1" in found[0]["message"]
    assert "'apak'" in found[1]["message"] and "apac" in found[1]["message"]
    assert "amer:F1-arr" in found[2]["message"]


def test_a_rollup_of_another_unit_of_measure_is_e002(world: Path) -> None:
    tmp = world.parent
    set_arr(tmp / "amer", "{2026-Q3: 61.5}", unit="USD m")
    commit_all(tmp / "amer", "in dollars")
    synced(world)
    done = in_process("lint", "--as-of", AS_OF, "--format", "json", cwd=world)
    found = [f for f in json.loads(done.stdout)["findings"] if f["code"] == "E002"]
    assert [(f["path"], f["line"]) for f in found] == [("scorecard.yaml", 15)]
    assert "amer:F1-arr" in found[0]["message"] and "USD m" in found[0]["message"]


def test_a_rollup_with_actuals_or_wrong_weights_is_e002(world: Path) -> None:
    card = world / "scorecard.yaml"
    text = card.read_text(encoding="utf-8")
    card.write_text(
        text.replace(
            "by: sum}", "by: weighted_mean, weights: [1, 2]}\n        actuals: {2026-Q3: 1}"
        )
    )
    synced(world)
    done = in_process("lint", "--as-of", AS_OF, "--format", "json", cwd=world)
    found = [f for f in json.loads(done.stdout)["findings"] if f["code"] == "E002"]
    assert found, done.stdout
    text = " ".join(f["message"] for f in found)
    assert "2 weights for 3" in text or "actuals from the units" in text


def test_units_diff_groups_each_changed_units_semantic_diff(world: Path) -> None:
    tmp = world.parent
    (world / ".gitignore").write_text("/.okrbsc/units/\n", encoding="utf-8")
    synced(world)
    commit_all(world, "lock the units")
    card = tmp / "apac" / "scorecard.yaml"
    card.write_text(card.read_text(encoding="utf-8").replace("target: 52", "target: 48", 1))
    old = git(tmp / "apac", "rev-parse", "HEAD")
    new = commit_all(tmp / "apac", "lower the ARR target", "2026-10-06T00:00:00+00:00")
    ok_here("units", "update", cwd=world)
    text = ok("units", "diff", cwd=world).stdout
    assert f"unit apac: {old[:12]} → {new[:12]}" in text
    assert "measure F1-arr: target 52 → 48" in text
    assert "emea" not in text and "amer" not in text
    md = ok_here("units", "diff", "HEAD", "--format", "md", cwd=world).stdout
    assert "## Unit apac" in md and "| measure | F1-arr |" in md
    data = json.loads(ok_here("units", "diff", "--format", "json", cwd=world).stdout)
    assert [(u["id"], u["from"], u["to"]) for u in data["units"]] == [("apac", old, new)]
    change = data["units"][0]["changes"][0]
    assert (change["id"], change["field"], change["old"], change["new"]) == (
        "F1-arr", "target", 52, 48,
    )  # fmt: skip
    shutil.rmtree(world / ".okrbsc")  # the older commit is fetched again
    again = json.loads(ok_here("units", "diff", "--format", "json", cwd=world).stdout)
    assert again["units"] == data["units"]
    commit_all(world, "apac moved")
    assert (
        "No unit's locked commit changed since HEAD" in ok_here("units", "diff", cwd=world).stdout
    )


def test_status_and_report_show_the_portfolio(synced_world: Path) -> None:
    world = synced_world
    status = ok("status", "2026-Q2", "--as-of", AS_OF, cwd=world).stdout
    assert "Portfolio: 3 units" in status
    assert "emea 45 (2026-Q2); apac missing; amer 60 (2026-Q2)" in " ".join(status.split())
    out = world.parent / "reports"
    ok("report", "2026-Q2", "--as-of", AS_OF, "--out", str(out), cwd=world)
    md = (out / "2026-Q2.md").read_text(encoding="utf-8")
    assert "| apac Acme APAC |" in md
    assert "105 in 2026-Q2, 2 of 3 units: apac missing" in md
    assert "emea 45 (2026-Q2); apac missing; amer 60 (2026-Q2)" in md
    html = (out / "2026-Q2.html").read_text(encoding="utf-8")
    assert html.index('id="title"') < html.index('id="portfolio-title"')
    assert "apac missing" in html


def test_checkin_refuses_a_rolled_up_measure(synced_world: Path) -> None:
    world = synced_world
    before = (world / "scorecard.yaml").read_bytes()
    done = run_cli("checkin", "G1-arr", "150", "--period", "2026-Q3", "--as-of", AS_OF, cwd=world)
    assert done.returncode == 1
    assert "rolled up" in done.stderr and "emea:F1-arr" in done.stderr
    assert (world / "scorecard.yaml").read_bytes() == before


def test_u702_only_with_units_fresh_which_fetches(world: Path) -> None:
    """U702 (SPEC 18.1): `lint --units-fresh` fetches each unit's ref and counts the
    commits past its lock; plain `lint` never fetches, so it says nothing of them."""
    tmp = world.parent
    ok_here("units", "lock", cwd=world)
    ok_here("units", "sync", cwd=world)
    for n in range(3):
        set_arr(tmp / "apac", f"{{2026-Q3: {31 + n}}}")
        commit_all(tmp / "apac", f"apac {n}", "2026-10-08T12:00:00+00:00")
    plain = in_process("lint", "--as-of", AS_OF, "--format", "json", cwd=world)
    assert [f for f in json.loads(plain.stdout)["findings"] if f["code"] == "U702"] == []
    fresh = run_cli("lint", "--units-fresh", "--as-of", AS_OF, "--format", "json", cwd=world)
    found = [f for f in json.loads(fresh.stdout)["findings"] if f["code"] == "U702"]
    assert [(f["path"], f["line"]) for f in found] == [("okrbsc.yaml", 6)]
    assert "moved 3 commits past the locked" in found[0]["message"]
    assert "okrbsc units update apac" in found[0]["message"]
    assert fresh.returncode == 0  # a warning
    ok_here("units", "update", "apac", cwd=world)
    again = in_process("lint", "--units-fresh", "--as-of", AS_OF, "--format", "json", cwd=world)
    assert [f for f in json.loads(again.stdout)["findings"] if f["code"] == "U702"] == []
