"""Lint reading again only the files that changed gives exactly the findings of a cold run."""

from __future__ import annotations

import datetime as dt
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
from okrbsc.lint import engine, incremental
from okrbsc.lint.findings import Finding
from okrbsc.lint.rules import RULES
from okrbsc.strategy.repo import Repo

from . import hostile_repos
from .conftest import BASE, BASE_AS_OF, EXAMPLES, TESTS
from .rules.test_rule_cases import _cases as rule_cases
from .rules.test_rule_cases import apply as apply_case
from .test_cascade import CASES

AS_OF = "2026-11-20"


def lint(root: Path, *extra: str) -> tuple[int, Any]:
    code, output = _printed(root, *extra)
    return code, json.loads(output)


def both(root: Path) -> tuple[tuple[int, str], tuple[int, str]]:
    """The warm run (the cache as the last run left it) and a cold one, as printed."""
    return _printed(root), _printed(root, "--no-cache")


def _printed(root: Path, *extra: str, as_of: str = AS_OF) -> tuple[int, str]:
    """Exit code and output of `lint --format json`."""
    result = CliRunner().invoke(
        app, ["lint", "--repo", str(root), "--as-of", as_of, "--format", "json", *extra]
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


CORPORA = [
    (EXAMPLES, AS_OF),
    *((path, BASE_AS_OF) for path in sorted((TESTS / "fixtures").iterdir()) if path.is_dir()),
    (TESTS / "corpus" / "false-alarms", AS_OF),
]


@pytest.mark.parametrize("source,as_of", CORPORA, ids=lambda v: getattr(v, "name", v))
def test_each_file_changed_alone_gives_the_findings_of_a_cold_run(
    source: Path, as_of: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every other file stands in: the findings (their positions too) are a cold run's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    root = tmp_path / "repo"
    shutil.copytree(source, root)
    _each_file_alone(root, as_of)


def test_each_file_of_the_hostile_repo_changed_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    _each_file_alone(hostile_repos.build(tmp_path / "hostile", with_git=False), BASE_AS_OF)


def _each_file_alone(root: Path, as_of: str) -> None:
    def run(*extra: str) -> tuple[int, str]:
        return _printed(root, *extra, as_of=as_of)

    assert run()[0] in (0, 1)  # a repo (it fills the cache)
    files = [p for p in sorted(root.rglob("*.yaml")) if p.is_file() and not p.is_symlink()]
    assert files
    for number, path in enumerate(files[:12]):
        with path.open("ab") as handle:
            handle.write(f"\n# edit {number}\n".encode())
        assert run() == run("--no-cache"), path


def _assert_per_file_rules_keep_to_their_file(root: Path, as_of: str) -> None:
    """Each per-file rule finds in each file alone what it finds in the whole repo."""
    whole = Repo.open(root, dt.date.fromisoformat(as_of))
    everywhere = _per_file_findings(whole)
    for file in whole.files:
        alone = Repo(whole.root, whole.config_file, whole.config, [file], whole.as_of)
        mine = [f for f in _per_file_findings(alone) if f.path == file.path]
        assert mine == [f for f in everywhere if f.path == file.path], file.path


def _per_file_findings(repo: Repo) -> list[Finding]:
    levels, _ = engine.severities(repo)
    return engine.findings_of(repo, levels, [r for r in RULES if r.per_file])


@pytest.mark.parametrize("source,as_of", [*CORPORA, ("hostile", BASE_AS_OF)], ids=str)
def test_a_per_file_rule_finds_in_a_file_alone_what_it_finds_in_the_whole_repo(
    source: Path | str, as_of: str, tmp_path: Path
) -> None:
    """The promise of PER_FILE: a file's findings do not depend on the other files (here
    with a copy of one OKR file beside it, so ids repeat across files, and one aligned
    to nothing, so what it could align to matters)."""
    root = tmp_path / "repo"
    if source == "hostile":
        hostile_repos.build(root, with_git=False)
    else:
        shutil.copytree(source, root)
    okr_files = sorted((root / "okrs").rglob("*.yaml")) if (root / "okrs").is_dir() else []
    if okr_files and okr_files[0].is_file():
        shutil.copy(okr_files[0], okr_files[0].with_name("twin.yaml"))
        text = okr_files[-1].read_text(encoding="utf-8", errors="surrogateescape")
        unaligned = re.sub(r"^\s*aligns_to:.*\n", "", text, flags=re.M)
        okr_files[-1].with_name("unaligned.yaml").write_text(
            unaligned, encoding="utf-8", errors="surrogateescape"
        )
    _assert_per_file_rules_keep_to_their_file(root, as_of)


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_new_users_mistake_made_and_undone_gives_the_findings_of_a_cold_run(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each mistake of tests/corpus/cascade, made in a repo linted warm, then undone."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)

    def run(*extra: str) -> tuple[int, str]:
        return _printed(root, *extra, as_of=BASE_AS_OF)

    clean = run()
    assert clean[0] == 0
    originals = {rel: (root / rel).read_bytes() for rel in CASES[name]["patch"]}
    for rel, (old, new) in CASES[name]["patch"].items():
        path = root / rel
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    broken = run()
    assert broken[0] == 1 and broken == run("--no-cache")
    for rel, raw in originals.items():
        (root / rel).write_bytes(raw)
    assert run() == clean == run("--no-cache")


# history rules (`before`) and rules that fetch units (`units`, only with --units-fresh)
# never read the cache
RULE_CASES = [case for case in rule_cases() if not {"before", "units"} & set(case.values[1])]


@pytest.mark.parametrize(("code", "case"), RULE_CASES)
def test_every_rule_case_linted_warm_gives_the_findings_of_a_cold_run(
    code: str, case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The base fixture linted (the cache filled), then the case's edits made: the
    warm run, with the untouched files standing in, is a cold one to the byte; and
    each per-file rule finds in each file alone what it finds in the whole repo."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    as_of = str(case.get("as_of", BASE_AS_OF))

    def run(*extra: str) -> tuple[int, str]:
        return _printed(root, *extra, as_of=as_of)

    assert run()[0] in (0, 1)
    apply_case(root, case)
    warm = run()
    assert warm == run("--no-cache")
    if case["expect"]:
        assert f'"code": "{code}"' in warm[1]  # the case's own finding was compared
    _assert_per_file_rules_keep_to_their_file(root, as_of)
