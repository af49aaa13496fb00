"""Lint reading again only the files that changed gives exactly the findings of a cold run."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from okrbsc.cli import app
from okrbsc.lint import incremental

from .conftest import EXAMPLES

AS_OF = "2026-11-20"


def lint(root: Path, *extra: str) -> tuple[int, Any]:
    result = CliRunner().invoke(
        app, ["lint", "--repo", str(root), "--as-of", AS_OF, "--format", "json", *extra]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(result.stdout)


def both(root: Path) -> tuple[tuple[int, str], tuple[int, str]]:
    """The warm run (the cache as the last run left it) and a cold one, as printed."""
    return _printed(root), _printed(root, "--no-cache")


def _printed(root: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        app, ["lint", "--repo", str(root), "--as-of", AS_OF, "--format", "json", *extra]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def entries(xdg: Path) -> list[Path]:
    return sorted((xdg / "okrbsc" / f"files-v{incremental.FORMAT}").rglob("*.json"))


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES, root)
    return root


class Reads:
    """The data files validated (not stood in for), by path."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.paths: list[str] = []
        real = incremental.data_from

        def counted(rel: str, loaded: Any) -> Any:
            self.paths.append(rel)
            return real(rel, loaded)

        monkeypatch.setattr(incremental, "data_from", counted)


# --- edits a user makes -------------------------------------------------------------

Edit = Callable[[Path, Path, int], None]  # (repo, file, a number to vary names by)


def _sub(pattern: str, repl: str) -> Edit:
    def edit(root: Path, file: Path, n: int) -> None:
        text = file.read_text(encoding="utf-8")
        file.write_text(re.sub(pattern, repl.replace("{n}", str(n)), text, count=1, flags=re.M))

    return edit


def _append(extra: str) -> Edit:
    def edit(root: Path, file: Path, n: int) -> None:
        file.write_text(file.read_text(encoding="utf-8") + extra.replace("{n}", str(n)))

    return edit


def _delete(root: Path, file: Path, n: int) -> None:
    file.unlink()


def _copy(root: Path, file: Path, n: int) -> None:
    if file.name != f"copy{n}.yaml":
        shutil.copy(file, file.with_name(f"copy{n}.yaml"))


def _restore(root: Path, file: Path, n: int) -> None:
    original = EXAMPLES / file.relative_to(root)
    if original.exists():
        shutil.copy(original, file)


def _id_of_another_file(root: Path, file: Path, n: int) -> None:
    """The first objective takes an id another file of the repo uses (E004, E005 elsewhere)."""
    others = [p for p in sorted((root / "okrs").rglob("*.yaml")) if p != file]
    ids = [m for p in others for m in re.findall(r"^  - id: (\S+)", p.read_text("utf-8"), re.M)]
    if ids:
        _sub(r"^(  - id: )\S+", r"\g<1>" + ids[n % len(ids)])(root, file, n)


EDITS: dict[str, Edit] = {
    "comment": _append("# edited {n}\n"),
    "objective renamed": _sub(r"^(  - id: )(\S+)", r"\g<1>\g<2>x{n}"),
    "id of another file": _id_of_another_file,
    "alignment dropped": _sub(r"^(\s*)aligns_to: \[[^\]]*\]\n", ""),
    "alignment to nothing": _sub(r"aligns_to: \[", "aligns_to: [NOPE{n}, "),
    "dependency added": _sub(r"^(  - id: \S+\n)", r"\g<1>    depends_on: [people]\n"),
    "dependency on nothing": _sub(r"^(  - id: \S+\n)", r"\g<1>    depends_on: [ghost{n}]\n"),
    "team changed": _sub(r"^team: \S+", "team: engineering"),
    "unknown team": _sub(r"^team: \S+", "team: team{n}"),
    "period changed": _sub(r"^period: \S+", "period: 2026-Q2"),
    "directive": _sub(r"\A", "# okrbsc: disable-file=O105,E005\n"),
    "yaml broken": _append("  - [unclosed {n}\n"),
    "schema broken": _sub(r"^(  - id: \S+\n)", r"\g<1>    colour: red\n"),
    "objective removed": _sub(r"^  - id: [^\n]*\n(?:    [^\n]*\n)*", ""),
    "deleted": _delete,
    "copied": _copy,
    "restored": _restore,
}


def _files(root: Path) -> list[Path]:
    return sorted(root.glob("*.yaml")) + sorted((root / "okrs").rglob("*.yaml"))


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(sorted(EDITS)), st.integers(0, 50), st.integers(0, 7)),
        min_size=1,
        max_size=4,
    )
)
def test_edits_linted_warm_give_the_findings_of_a_cold_run(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[str, int, int]]
) -> None:
    base = tmp_path_factory.mktemp("edits")
    root = base / "repo"
    shutil.copytree(EXAMPLES, root)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(base / "xdg"))
        assert lint(root) == lint(root, "--no-cache")  # fills the cache
        for name, file_pick, n in steps:
            files = _files(root)
            EDITS[name](root, files[file_pick % len(files)], n)
            warm, cold = both(root)
            assert warm == cold, (name, steps)


def test_a_change_reads_only_the_changed_file_and_the_scorecard(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lint(repo)
    reads = Reads(monkeypatch)
    sales = repo / "okrs/2026/Q4/sales.yaml"
    sales.write_text(sales.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    code, out = lint(repo)
    assert (code, out["findings"]) == (0, [])
    assert sorted(reads.paths) == ["okrs/2026/Q4/sales.yaml", "scorecard.yaml"]


def test_a_finding_a_change_causes_in_an_unchanged_file_is_at_its_place(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Renaming an annual objective leaves the quarter files that align to it dangling:
    their E005 is reported at the reference, read from the unchanged file then."""
    lint(repo)
    annual = repo / "okrs/2026/annual.yaml"
    first = re.search(r"^  - id: (\S+)", annual.read_text("utf-8"), re.M)
    assert first is not None
    ident = first.group(1)
    annual.write_text(annual.read_text("utf-8").replace(f"id: {ident}\n", "id: RENAMED\n", 1))
    reads = Reads(monkeypatch)
    warm = lint(repo)
    dangling = [f for f in warm[1]["findings"] if f["code"] == "E005"]
    assert dangling and all(ident in f["message"] for f in dangling)
    assert {f["path"] for f in dangling} - {"okrs/2026/annual.yaml"}  # in other files too
    assert warm == lint(repo, "--no-cache")
    for finding in dangling:
        line = (repo / finding["path"]).read_text("utf-8").splitlines()[finding["line"] - 1]
        assert ident in line[finding["column"] - 1 :]
    # the annual file and the scorecard were validated, and each file holding a finding
    assert set(reads.paths) == {"okrs/2026/annual.yaml", "scorecard.yaml"} | {
        f["path"] for f in dangling
    }


def _forge(entry: bytes, edit: Callable[[Any], None]) -> bytes:
    head, _, payload = entry.partition(b"\n")
    body = json.loads(payload)
    edit(body)
    raw = json.dumps(body).encode()
    header = {**json.loads(head), "sum": hashlib.blake2b(raw).hexdigest()}
    return json.dumps(header).encode() + b"\n" + raw


def _swap_first_id(body: Any) -> None:
    body["skeleton"]["objectives"][0][0] = "FORGED"


def _drop_objective(body: Any) -> None:
    body["skeleton"]["objectives"].pop()


def _false_finding(body: Any) -> None:
    body["findings"].append([body["path"], 1, 1, "E009", "forged", "made-up", "warning"])


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "truncated": lambda e: e[: len(e) // 2],
    "flipped byte": lambda e: e[:-5] + bytes([e[-5] ^ 0x20]) + e[-4:],
    "not JSON": lambda e: b"\x80\x81 not json",
    "finding of an unknown rule name, checksum matched": lambda e: _forge(e, _false_finding),
    "skeleton id swapped, checksum matched": lambda e: _forge(e, _swap_first_id),
    "skeleton objective dropped, checksum matched": lambda e: _forge(e, _drop_objective),
}


@pytest.mark.parametrize("how", list(DAMAGE))
def test_a_damaged_file_entry_gives_the_findings_of_a_cold_run(
    repo: Path, tmp_path: Path, how: str
) -> None:
    """A damaged or forged entry is a miss, or its skeleton is found not to match its
    file where a finding needs a position: the run is then linted cold."""
    annual = repo / "okrs/2026/annual.yaml"
    text = annual.read_text("utf-8")
    lint(repo)
    for entry in entries(tmp_path / "xdg"):
        entry.write_bytes(DAMAGE[how](entry.read_bytes()))
    annual.write_text(re.sub(r"^(  - id: )(\S+)", r"\g<1>\g<2>x", text, count=1, flags=re.M))
    warm, cold = both(repo)
    assert cold[0] == 1 and warm == cold


def test_entries_are_kept_in_the_user_cache_folder_as_json_only(repo: Path, tmp_path: Path) -> None:
    lint(repo)
    kept = entries(tmp_path / "xdg")
    okr_files = list((repo / "okrs").rglob("*.yaml"))
    assert len(kept) == len(okr_files)  # one per clean OKR file (the scorecard is always read)
    for entry in kept:
        head, _, payload = entry.read_bytes().partition(b"\n")
        assert json.loads(head)["okrbsc"] == incremental.FORMAT
        assert json.loads(payload)["path"].startswith("okrs/")
    assert not [p for p in repo.rglob("*") if "okrbsc" in p.name and p.is_dir()]


def test_a_warm_run_as_a_process_matches_a_cold_one(repo: Path, tmp_path: Path) -> None:
    """A scorecard objective renamed: the OKR files aligned to it, unchanged, now dangle."""
    env_cmd = [sys.executable, "-m", "okrbsc", "lint", "--repo", str(repo), "--as-of", AS_OF]
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    subprocess.run([*env_cmd, "-q"], env=env, check=True, capture_output=True)
    scorecard = repo / "scorecard.yaml"
    scorecard.write_text(
        re.sub(
            r"^(  - id: )(\S+)", r"\g<1>\g<2>z", scorecard.read_text("utf-8"), count=1, flags=re.M
        )
    )
    warm = subprocess.run([*env_cmd, "--format", "json"], env=env, capture_output=True, text=True)
    cold = subprocess.run(
        [*env_cmd, "--format", "json", "--no-cache"], env=env, capture_output=True, text=True
    )
    assert warm.returncode == cold.returncode == 1
    assert warm.stdout == cold.stdout and warm.stderr == cold.stderr == ""
    assert "E005" in warm.stdout
