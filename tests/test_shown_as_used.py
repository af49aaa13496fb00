"""SPEC 14.5: binary values are true/false in every path; diff and history speak YAML."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from .conftest import run_cli

OKR = "okrs/2026/Q3/sales.yaml"
BINARY = "      - {title: Reference customers, kind: binary, done: false}"


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.email=t@example.org", "-c", "user.name=t", *args],
        cwd=root, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip


def test_checkin_of_a_binary_key_result_writes_true(base_repo: Path) -> None:
    done = run_cli("checkin", "S2.3", "1", "--as-of", "2026-07-20", cwd=base_repo)
    assert done.returncode == 0, done.stderr
    assert "S2.3 = true on 2026-07-20" in done.stdout
    assert "          - {date: 2026-07-20, value: true}\n" in (base_repo / OKR).read_text()
    done = run_cli("checkin", "S2.3", "no", "--date", "2026-07-21", "--as-of", "2026-07-27",
                   cwd=base_repo)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "          - {date: 2026-07-21, value: false}\n" in (base_repo / OKR).read_text()


def test_import_of_a_binary_key_result_writes_true_and_false(
    base_repo: Path, tmp_path: Path
) -> None:
    sheet = tmp_path / "checkins.csv"
    sheet.write_text("key_result,date,value\nS2.3,2026-07-13,0\nS2.3,2026-07-20,TRUE\n")
    done = run_cli(
        "import", str(sheet), "--repo", str(base_repo), "--as-of", "2026-07-20", "--format", "json"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert [c["new"] for c in json.loads(done.stdout)["changes"]] == [False, True]
    text = (base_repo / OKR).read_text()
    assert "          - {date: 2026-07-13, value: false}\n" in text
    assert "          - {date: 2026-07-20, value: true}\n" in text
    again = run_cli("import", str(sheet), "--repo", str(base_repo), "--as-of", "2026-07-20")
    assert again.returncode == 0 and "0 added, 2 unchanged" in again.stdout, again.stdout
    assert (base_repo / OKR).read_text() == text


def test_pull_of_a_binary_key_result_writes_true(base_repo: Path) -> None:
    import sqlite3

    (base_repo / "data").mkdir()
    db = sqlite3.connect(base_repo / "data/crm.sqlite")
    db.execute("create table refs(d, v)")
    db.executemany("insert into refs values (?, ?)", [("2026-07-13", 0), ("2026-07-20", 1)])
    db.commit()
    db.close()
    with (base_repo / "okrbsc.yaml").open("a") as f:
        f.write('sources:\n  crm: {url: "sqlite:///data/crm.sqlite"}\n')
    okr = base_repo / OKR
    okr.write_text(
        okr.read_text().replace(
            BINARY, BINARY[:-1] + ', source: {from: crm, query: "select d, v from refs"}}'
        )
    )
    done = run_cli("pull", "--as-of", "2026-07-20", cwd=base_repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "added false" in done.stdout and "added true" in done.stdout
    assert done.stdout.splitlines()[-1].endswith("; 1 file written")
    text = okr.read_text()
    assert "          - {date: 2026-07-13, value: false, source: crm}\n" in text
    assert "          - {date: 2026-07-20, value: true, source: crm}\n" in text


def test_diff_and_history_print_yaml_not_python(base_repo: Path) -> None:
    git(base_repo, "init", "-q", "-b", "main")
    git(base_repo, "add", "-A")
    git(base_repo, "commit", "-qm", "base")
    card = base_repo / "scorecard.yaml"
    card.write_text(
        card.read_text().replace(
            "target: 52, actuals:", "target: 52, targets: {2027-Q1: 19.5, 2027-Q2: 21.0}, actuals:"
        )
    )
    one = run_cli("diff", "--as-of", "2026-07-20", cwd=base_repo)
    assert one.returncode == 0, one.stderr
    assert "measure F1-arr: targets – → 2027-Q1: 19.5, 2027-Q2: 21.0" in one.stdout
    assert one.stdout.splitlines()[-1] == "1 change: 1 changed"
    okr = base_repo / OKR
    okr.write_text(
        okr.read_text().replace(
            BINARY,
            BINARY.replace(
                "done: false}", "done: true, checkins: [{date: 2026-07-13, value: true}]}"
            ),
        )
    )
    out = run_cli("diff", "--as-of", "2026-07-20", cwd=base_repo).stdout
    assert "key result S2.3 (2026-Q3): done false → true" in out
    assert "check-in added 2026-07-13: + true" in out
    md = run_cli("diff", "--as-of", "2026-07-20", "--format", "md", cwd=base_repo).stdout
    history = run_cli("history", "F1-arr", "--as-of", "2026-07-20", cwd=base_repo).stdout
    assert "targets – → 2027-Q1: 19.5, 2027-Q2: 21.0" in history
    for text in (out, md, history):
        assert "True" not in text and "False" not in text and "{'" not in text, text
