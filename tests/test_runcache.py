"""The whole-run lint cache: nothing changed, nothing re-run; anything changed, a fresh run."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app
from okrbsc.lint import incremental

from .conftest import BASE, BASE_AS_OF


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    return root


class Counted:
    """The lint of a snapshot (its rules), counting its calls."""

    def __init__(self) -> None:
        self.calls = 0
        self.real = incremental.run

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.real(*args, **kwargs)


def lint(root: Path, *extra: str, as_of: str = BASE_AS_OF) -> tuple[int, str]:
    result = CliRunner().invoke(
        app, ["lint", "--repo", str(root), "--as-of", as_of, "--format", "json", *extra]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stdout


def entries(root: Path) -> list[Path]:
    return sorted((root.parent / "xdg" / "okrbsc" / "runs-v2").rglob("*.json"))


def test_nothing_changed_runs_no_rule_and_gives_the_same_output(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted = Counted()
    monkeypatch.setattr(incremental, "run", counted)
    first = lint(repo)
    assert counted.calls == 1 and len(entries(repo)) == 1
    assert lint(repo) == first and counted.calls == 1
    lint(repo, str(repo / "okrs"))  # PATH arguments: a key of their own
    assert counted.calls == 2 and len(entries(repo)) == 2
    assert (
        lint(repo, "--no-cache") == first and counted.calls == 2
    )  # (the cold path, not the cache)


def test_a_changed_file_a_new_file_or_another_day_runs_afresh(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted = Counted()
    monkeypatch.setattr(incremental, "run", counted)
    code, out = lint(repo)
    assert code == 0 and json.loads(out)["findings"] == []
    sales = repo / "okrs/2026/Q3/sales.yaml"
    sales.write_text(sales.read_text(encoding="utf-8") + "  - id: S1\n    title: Again\n")
    code, out = lint(repo)
    assert code == 1 and "E004" in {f["code"] for f in json.loads(out)["findings"]}
    (repo / "okrs/2026/Q3/new.yaml").write_text("kind: okrs\nteam: nobody\n", encoding="utf-8")
    code, out = lint(repo)
    assert "okrs/2026/Q3/new.yaml" in {f["path"] for f in json.loads(out)["findings"]}
    lint(repo, as_of="2026-12-31")
    assert counted.calls == 4


def _forge(entry: bytes, edit: Any) -> bytes:
    head, _, raw = entry.partition(b"\n")
    payload = json.dumps(edit(json.loads(raw))).encode()
    header = {**json.loads(head), "sum": hashlib.blake2b(payload).hexdigest()}
    return json.dumps(header).encode() + b"\n" + payload


def _rename_rule(body: Any) -> Any:
    body["findings"][0][5] = "made-up"
    return body


def _drop_sort(body: Any) -> Any:
    body["findings"].reverse()
    return body


DAMAGE = {
    "truncated": lambda e: e[: len(e) // 2],
    "flipped byte": lambda e: e[:-5] + bytes([e[-5] ^ 0x20]) + e[-4:],
    "finding removed, checksum stale": lambda e: e.replace(b'"findings":[[', b'"findings":[[[],'),
    "unknown rule name, checksum matched": lambda e: _forge(e, _rename_rule),
    "out of order, checksum matched": lambda e: _forge(e, _drop_sort),
}


@pytest.mark.parametrize("how", list(DAMAGE))
def test_a_damaged_run_entry_gives_the_cold_findings(repo: Path, how: str) -> None:
    sales = repo / "okrs/2026/Q3/sales.yaml"
    text = sales.read_text(encoding="utf-8")
    sales.write_text(text + "  - id: S1\n    title: on\n  - id: S1\n", encoding="utf-8")
    cold = lint(repo, "--no-cache")
    assert len(json.loads(cold[1])["findings"]) >= 2
    assert lint(repo) == cold
    (entry,) = entries(repo)
    entry.write_bytes(DAMAGE[how](entry.read_bytes()))
    assert lint(repo) == cold
