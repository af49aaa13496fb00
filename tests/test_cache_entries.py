"""The lint cache never hangs (SPEC 12.3): an entry that is not a regular file (a FIFO,
a link to a device) is a miss and is never opened; the cache folder is created with
mode 0700; an entry that cannot be read or parsed is a miss. Every kind of entry (read
cache, whole-run, per-file) is planted at once, and lint runs as a subprocess with a
time limit."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import CODE_ENV, EXAMPLES

AS_OF = "2026-11-20"


def lint(repo: Path, cache: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "XDG_CACHE_HOME": str(cache), **CODE_ENV}
    return subprocess.run(
        [sys.executable, "-m", "okrbsc", "lint", "--repo", str(repo), "--as-of", AS_OF,
         "--format", "json", *extra],
        capture_output=True, text=True, timeout=30, env=env,
    )  # fmt: skip


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """examples/ with one file the fast reader declines (an anchor): it gets a read entry."""
    dest = tmp_path / "strategy"
    shutil.copytree(EXAMPLES, dest)
    sales = next(dest.glob("okrs/**/Q4/*.yaml"))
    sales.write_text(sales.read_text(encoding="utf-8") + "# &anchor\n", encoding="utf-8")
    return dest


def entries(cache: Path) -> list[Path]:
    return sorted(p for p in cache.rglob("*") if p.is_file() and not p.is_symlink())


def kinds(cache: Path, found: list[Path]) -> set[str]:
    return {p.relative_to(cache / "okrbsc").parts[0].split("-v")[0] for p in found}


def test_fifos_planted_as_every_entry_do_not_hang_lint(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cold = lint(repo, cache)
    assert cold.returncode in (0, 1), cold.stderr
    found = entries(cache)
    assert kinds(cache, found) == {"read", "runs", "files"}
    for entry in found:
        entry.unlink()
        os.mkfifo(entry)
    warm = lint(repo, cache)  # a FIFO opened for reading would block here (timeout 30 s)
    assert (warm.returncode, warm.stdout) == (cold.returncode, cold.stdout)
    assert entries(cache) == found  # each a miss, made again as a regular file


def test_entries_linked_to_a_device_or_unreadable_or_garbage_are_misses(
    repo: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    cold = lint(repo, cache)
    found = entries(cache)
    for number, entry in enumerate(found):
        entry.unlink()
        if number % 3 == 0:
            entry.symlink_to("/dev/zero")  # read whole, it would never end
        elif number % 3 == 1:
            entry.write_bytes(b"\xff\xfe not json\n{")
        else:
            entry.mkdir()
    warm = lint(repo, cache)
    assert (warm.returncode, warm.stdout) == (cold.returncode, cold.stdout)
    assert "Traceback" not in warm.stderr


def test_the_cache_folder_is_created_private(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "xdg"
    old = os.umask(0o022)
    try:
        assert lint(repo, cache).returncode in (0, 1)
    finally:
        os.umask(old)
    folders = [cache / "okrbsc", *[p for p in (cache / "okrbsc").rglob("*") if p.is_dir()]]
    assert len(folders) >= 3
    assert {stat.S_IMODE(p.stat().st_mode) for p in folders} == {0o700}


def test_read_entry_never_opens_a_fifo(tmp_path: Path) -> None:
    """Unit: the read itself refuses, with no writer at the other end."""
    from okrbsc.strategy.cache import read_entry

    fifo = tmp_path / "entry.json"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="not a regular file"):
        read_entry(fifo)
    regular = tmp_path / "ok.json"
    regular.write_bytes(b"{}")
    assert read_entry(regular) == b"{}"
