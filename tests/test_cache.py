"""The read cache: a warm run reads what a cold run reads; a bad entry is only a miss.

The cache keeps what the positioned reader reads; a file the fast reader takes
(`strategy.fastread`) never needs an entry. So most tests here turn the fast
path off (OKRBSC_READER=positioned), to put every file through the cache; the
last ones check the two together.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from okrbsc.lint import engine as lint
from okrbsc.strategy.cache import ReadCache
from okrbsc.strategy.loader import Loaded, PosDict, PosList, load_bytes
from okrbsc.strategy.repo import Repo

from .conftest import BASE, BASE_AS_OF, EXAMPLES, TESTS, in_process
from .test_fuzz import SALES, documents, mutated_sales

EXAMPLES_AS_OF = "2026-11-20"
CORPUS = sorted(
    p
    for folder in (EXAMPLES, TESTS / "fixtures", TESTS / "corpus")
    for p in folder.rglob("*")
    if p.suffix in (".yaml", ".yml") and p.is_file()
)


POSITIONED = {"OKRBSC_READER": "positioned"}


@pytest.fixture(autouse=True)
def _positioned(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if "fast_path" not in request.keywords:
        monkeypatch.setenv("OKRBSC_READER", "positioned")


def same(a: Any, b: Any) -> bool:
    """Equal values of equal types, with equal positions all the way down."""
    if type(a) is not type(b):
        return False
    if isinstance(a, PosDict):
        return (
            (a.line, a.col, a.kpos, a.vpos) == (b.line, b.col, b.kpos, b.vpos)
            and list(a) == list(b)
            and all(same(k, k2) and same(a[k], b[k2]) for k, k2 in zip(a, b, strict=True))
        )
    if isinstance(a, PosList):
        return (a.line, a.col, a.ipos) == (b.line, b.col, b.ipos) and all(
            same(x, y) for x, y in zip(a, b, strict=True)
        )
    return bool(a == b)


def same_loaded(a: Loaded, b: Loaded) -> bool:
    return same(a.data, b.data) and (a.problems, a.notes, a.text) == (b.problems, b.notes, b.text)


def round_trip(raw: bytes, folder: Path) -> tuple[Loaded, Loaded, Loaded, ReadCache]:
    """Cold, first cached read (a miss that fills), second cached read (a hit)."""
    cache = ReadCache(folder)
    return load_bytes(raw), cache.load(raw), cache.load(raw), cache


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: str(p.relative_to(TESTS.parent)))
def test_warm_reads_equal_cold_reads_over_examples_fixtures_and_corpus(
    path: Path, tmp_path: Path
) -> None:
    cold, first, warm, cache = round_trip(path.read_bytes(), tmp_path)
    assert same_loaded(cold, first) and same_loaded(cold, warm)
    assert cache.misses == 1
    if "billion" not in path.name and "recursive" not in path.name:
        assert cache.hits == 1  # only data shared through aliases is never cached


FUZZ = settings(
    max_examples=int(os.environ.get("OKRBSC_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@FUZZ
@given(documents())
def test_warm_equals_cold_on_generated_documents(tmp_path: Path, document: Any) -> None:
    raw = yaml.safe_dump(document, allow_unicode=True).encode("utf-8")
    cold, first, warm, _ = round_trip(raw, tmp_path)
    assert same_loaded(cold, first) and same_loaded(cold, warm)


@FUZZ
@given(mutated_sales())
def test_warm_equals_cold_on_mutated_files(tmp_path: Path, raw: bytes) -> None:
    cold, first, warm, _ = round_trip(raw, tmp_path)
    assert same_loaded(cold, first) and same_loaded(cold, warm)


# --- a bad entry is a miss --------------------------------------------------------


def _entry_of(folder: Path, raw: bytes) -> Path:
    cache = ReadCache(folder)
    cache.load(raw)
    path = cache.path(cache.key(raw))
    assert path.is_file()
    return path


def _forged(entry: bytes, edit: Any) -> bytes:
    """The entry with its payload edited and a checksum that matches again."""
    import hashlib

    head, _, raw = entry.partition(b"\n")
    body = edit(json.loads(raw))
    payload = json.dumps(body, separators=(",", ":")).encode()
    header = json.loads(head)
    header["sum"] = hashlib.blake2b(payload).hexdigest()
    return json.dumps(header).encode() + b"\n" + payload


def _drop_problems(body: Any) -> Any:
    return [body[0], [], []]


def _bad_position(body: Any) -> Any:
    body[0]["m"] = [0, "1"]
    return body


def _extra_shape(body: Any) -> Any:
    body[0]["x"] = 1
    return body


TAMPERINGS = {
    "truncated": lambda e: e[: len(e) // 2],
    "empty": lambda e: b"",
    "garbage": lambda e: b"\x00\xff not json",
    "flipped byte": lambda e: e[:-10] + bytes([e[-10] ^ 0x01]) + e[-9:],
    "value changed, checksum stale": lambda e: e.replace(
        b"Win the mid-market", b"Win the Mid-market"
    ),
    "other key in the header": lambda e: e.replace(b'"key": "', b'"key": "0', 1),
    "bad position, checksum matched": lambda e: _forged(e, _bad_position),
    "unknown shape, checksum matched": lambda e: _forged(e, _extra_shape),
}


@pytest.mark.parametrize("how", list(TAMPERINGS))
def test_a_corrupt_or_tampered_entry_gives_the_cold_findings(
    tmp_path: Path, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    sales = root / "okrs/2026/Q3/sales.yaml"
    sales.write_text(SALES + "  - id: S1\n    title: on\n", encoding="utf-8")  # E004, E009
    day = dt.date.fromisoformat(BASE_AS_OF)
    cold = lint.run(Repo.open(root, day)).findings
    assert {f.code for f in cold} >= {"E004", "E009"}
    folder = tmp_path / "cache"
    entry = _entry_of(folder, sales.read_bytes())
    entry.write_bytes(TAMPERINGS[how](entry.read_bytes()))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # the cache is tmp_path/okrbsc
    folder.rename(tmp_path / "okrbsc")
    warm = lint.run(Repo.open(root, day, cached=True)).findings
    assert warm == cold
    again = lint.run(Repo.open(root, day, cached=True)).findings  # the entry was rewritten
    assert again == cold


def test_a_forged_entry_with_a_valid_shape_and_checksum_is_the_one_thing_it_trusts(
    tmp_path: Path,
) -> None:
    """What the checksum is for: stating the limit. Someone who can write the user's
    own cache folder can also replace okrbsc itself; the repo cannot (next test)."""
    raw = (BASE / "okrs/2026/Q3/sales.yaml").read_bytes()
    entry = _entry_of(tmp_path, raw)
    entry.write_bytes(_forged(entry.read_bytes(), _drop_problems))
    assert ReadCache(tmp_path).load(raw).problems == []


def _lint_args(root: Path, *extra: str) -> list[str]:
    as_of = EXAMPLES_AS_OF if root == EXAMPLES else BASE_AS_OF
    return ["lint", "--repo", str(root), "--as-of", as_of, "--format", "json", *extra]


def _lint_env(env: dict[str, str]) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
        "OKRBSC_READER": os.environ.get("OKRBSC_READER", ""),
        **env,
    }


def _lint_cli(root: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "okrbsc", *_lint_args(root, *extra)],
        capture_output=True,
        text=True,
        env=_lint_env(env),
        timeout=120,
    )


def _lint_here(root: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    """`_lint_cli` in this process."""
    return in_process(*_lint_args(root, *extra), env=_lint_env(env))


def test_a_repo_cannot_plant_a_cache_entry(tmp_path: Path) -> None:
    """HOME (or XDG_CACHE_HOME) inside the repo: the cache is off, so an entry the
    repo brings along (here one that hides the duplicate id) is never read."""
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    sales = root / "okrs/2026/Q3/sales.yaml"
    sales.write_text(SALES + "  - id: S1\n    title: Again\n", encoding="utf-8")
    planted = _entry_of(root / ".cache" / "okrbsc", sales.read_bytes())
    planted.write_bytes(_forged(planted.read_bytes(), _drop_problems))
    before = planted.read_bytes()
    for env in ({"HOME": str(root)}, {"HOME": str(tmp_path), "XDG_CACHE_HOME": str(root / "x")}):
        proc = _lint_cli(root, env)
        assert proc.returncode == 1, proc.stderr
        assert any(f["code"] == "E004" for f in json.loads(proc.stdout)["findings"])
    assert planted.read_bytes() == before and not (root / "x").exists()


def test_an_unwritable_cache_folder_still_lints(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    cold = _lint_cli(EXAMPLES, {"HOME": str(tmp_path)}, "--no-cache")
    proc = _lint_cli(EXAMPLES, {"HOME": str(tmp_path), "XDG_CACHE_HOME": str(blocker / "x")})
    assert (proc.returncode, proc.stdout, proc.stderr) == (cold.returncode, cold.stdout, "")


def test_warm_cli_runs_equal_cold_and_no_cache_writes_nothing(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path / "home"), "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    off = _lint_here(EXAMPLES, env, "--no-cache")
    also_off = _lint_here(EXAMPLES, {**env, "OKRBSC_NO_CACHE": "1"})
    assert not (tmp_path / "xdg").exists() and not (tmp_path / "home").exists()
    cold = _lint_here(EXAMPLES, env)
    entries = sorted((tmp_path / "xdg" / "okrbsc" / "read-v1").rglob("*.json"))
    assert len(entries) == len(list(EXAMPLES.rglob("*.yaml")))  # every file, the config too
    warm = _lint_cli(EXAMPLES, env)  # a later process reads what the first one wrote
    assert off.stdout == also_off.stdout == cold.stdout == warm.stdout
    assert sorted((tmp_path / "xdg" / "okrbsc" / "read-v1").rglob("*.json")) == entries
    assert cold.returncode == warm.returncode == 0 and json.loads(warm.stdout)["findings"] == []


@pytest.mark.fast_path
def test_with_the_fast_path_only_declined_files_make_entries(tmp_path: Path) -> None:
    """A clean file is read fast, with no entry; one the fast path declines (here
    for a YAML 1.1 value, E009) is cached, and its warm read equals its cold one."""
    assert os.environ.get("OKRBSC_READER", "") != "positioned"
    clean = (BASE / "okrs/2026/Q3/sales.yaml").read_bytes()
    odd = clean.replace(b"kind: okrs", b"kind: okrs\nrewards_note: yes", 1)
    cache = ReadCache(tmp_path)
    assert cache.load(clean).fast and cache.misses == cache.hits == 0
    assert not list(tmp_path.rglob("*.json"))
    cold, first, warm = load_bytes(odd), cache.load(odd), cache.load(odd)
    assert [n.code for n in cold.notes] == ["E009"]
    assert same_loaded(cold, first) and same_loaded(cold, warm)
    assert (cache.misses, cache.hits, len(list(tmp_path.rglob("*.json")))) == (1, 1, 1)


@pytest.mark.fast_path
def test_warm_cli_runs_with_the_fast_path_equal_cold(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path / "home"), "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    off = _lint_here(EXAMPLES, env, "--no-cache")
    cold, warm = _lint_here(EXAMPLES, env), _lint_cli(EXAMPLES, env)  # warm: a later process
    positioned = _lint_here(EXAMPLES, {**env, **POSITIONED, "OKRBSC_NO_CACHE": "1"})
    assert off.stdout == cold.stdout == warm.stdout == positioned.stdout
    entries = list((tmp_path / "xdg" / "okrbsc" / "read-v1").rglob("*.json"))
    assert len(entries) < len(list(EXAMPLES.rglob("*.yaml")))  # the clean ones need none
