"""Output folders stay where they seem, and a CSV export is written whole (SPEC 12.3).

The default `reports/` is the repo root's wherever okrbsc runs, and is used only when
it resolves inside the repo; an explicit `--out` writes where the user says. `export
--format csv` renames a finished temporary folder into place, so a full disk (a real
small tmpfs when the tests run as root, a file-size limit on the process otherwise,
and an OSError injected at the file-writing layer) leaves no partial folder and no
temporary one."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app

from .conftest import CODE_ENV, EXAMPLES, in_process, run_cli

AS_OF = "2026-11-20"
SHEETS = ["actuals", "checkins", "key_results", "measures", "objectives"]


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--as-of", AS_OF])
    return result.exit_code, result.stdout, result.stderr


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    dest = tmp_path / "strategy"
    shutil.copytree(EXAMPLES, dest)
    return dest


# --- where the default output goes -------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "written"),
    [
        (["export", "Q4"], ["2026-Q4.xlsx"]),
        (["export", "Q4", "--format", "csv"], [f"2026-Q4-csv/{s}.csv" for s in SHEETS]),
        (["report", "Q4"], ["2026-Q4.html", "2026-Q4.md"]),
    ],
)
def test_the_default_reports_is_the_repo_roots_wherever_okrbsc_runs(
    repo: Path, tmp_path: Path, command: list[str], written: list[str]
) -> None:
    for where in (tmp_path / "elsewhere", repo / "okrs" / "2026"):
        where.mkdir(exist_ok=True)
        before = set(where.rglob("*"))
        result = in_process(*command, "--repo", str(repo), "--as-of", AS_OF, cwd=where)
        assert result.returncode == 0, result.stderr
        assert sorted(str(p.relative_to(repo / "reports")) for p in (repo / "reports").rglob("*")
                      if p.is_file()) == sorted(written)  # fmt: skip
        assert set(where.rglob("*")) == before
        shutil.rmtree(repo / "reports")


@pytest.mark.parametrize(
    "command", [["export", "Q4"], ["export", "Q4", "--format", "csv"], ["report", "Q4"]]
)
def test_a_reports_link_out_of_the_repo_is_refused(
    repo: Path, tmp_path: Path, command: list[str]
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (repo / "reports").symlink_to(outside)
    before = tree(repo)
    result = run_cli(*command, "--repo", str(repo), "--as-of", AS_OF)
    assert result.returncode == 2, result.stderr
    assert f"{repo}/reports is a link to {outside}, outside the repo: refused" in result.stderr
    assert list(outside.iterdir()) == []
    assert tree(repo) == before


@pytest.mark.parametrize(("fmt", "name"), [("xlsx", "2026-Q4.xlsx"), ("csv", "2026-Q4-csv")])
def test_a_link_in_reports_out_of_the_repo_is_refused(
    repo: Path, tmp_path: Path, fmt: str, name: str
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (repo / "reports").mkdir()
    (repo / "reports" / name).symlink_to(outside / name)
    code, _, err = cli("export", "Q4", "--format", fmt, "--repo", str(repo))
    assert code == 2
    assert f"reports/{name} is a link to" in err and "outside the repo" in err
    assert list(outside.iterdir()) == []


def test_a_reports_link_inside_the_repo_is_followed(repo: Path) -> None:
    (repo / "out").mkdir()
    (repo / "reports").symlink_to(repo / "out")
    code, _, err = cli("export", "Q4", "--repo", str(repo))
    assert code == 0, err
    assert (repo / "out" / "2026-Q4.xlsx").read_bytes().startswith(b"PK")


def test_an_explicit_out_writes_where_the_user_says(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "public"
    (repo / "reports").symlink_to(tmp_path)  # not used: --out wins
    for command in (["report", "Q4", "--format", "md"], ["export", "Q4", "--format", "csv"]):
        code, _, err = cli(*command, "--repo", str(repo), "--out", str(outside / command[0]))
        assert code == 0, err
    assert (outside / "report" / "2026-Q4.md").is_file()
    assert sorted(p.name for p in (outside / "export").iterdir()) == [f"{s}.csv" for s in SHEETS]


def test_review_without_out_prints_and_writes_nothing(repo: Path, tmp_path: Path) -> None:
    before = tree(repo)
    result = run_cli("review", "2026-Q3", "--repo", str(repo), "--as-of", AS_OF, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("#")
    assert tree(repo) == before
    assert [p.name for p in tmp_path.iterdir()] == ["strategy"]


# --- a CSV folder written whole -------------------------------------------------------------


def test_csv_export_replaces_its_own_folder_whole(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "csv"
    assert cli("export", "Q3", "--format", "csv", "--repo", str(repo), "--out", str(out))[0] == 0
    q3 = tree(out)
    assert cli("export", "Q4", "--format", "csv", "--repo", str(repo), "--out", str(out))[0] == 0
    assert sorted(tree(out)) == sorted(q3) and tree(out) != q3
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".okrbsc-")] == []


def test_csv_export_never_replaces_a_folder_holding_other_files(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    code, _, err = cli("export", "Q4", "--format", "csv", "--repo", str(repo), "--out", str(out))
    assert code == 2
    assert "holds other files (notes.txt): refused" in err
    assert tree(out) == {"notes.txt": b"keep me"}


def _limited(limit: int) -> None:  # in the child: no file larger than ``limit`` bytes
    import resource
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def _export_q4_csv_limited(repo: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """`export Q4 --format csv --out OUT` in a process that may write no file over 2 KiB."""
    args = ["export", "Q4", "--format", "csv", "--repo", str(repo), "--as-of", AS_OF]
    return subprocess.run(
        [sys.executable, "-m", "okrbsc", *args, "--out", str(out)],
        capture_output=True, text=True, timeout=120, env={"PATH": "/usr/bin:/bin", **CODE_ENV},
        preexec_fn=lambda: _limited(2048),
    )  # fmt: skip


def test_csv_export_that_cannot_write_a_file_leaves_nothing(repo: Path, tmp_path: Path) -> None:
    """The process may write no file over 2 KiB (as on a full disk): the first sheets are
    written, a later one fails; no folder and no temporary folder is left, exit 2."""
    out = tmp_path / "csv"
    proc = _export_q4_csv_limited(repo, out)
    assert proc.returncode == 2, proc.stderr
    assert f"cannot write {out}: File too large; nothing was written" in proc.stderr
    assert list(tmp_path.iterdir()) == [repo]


def test_csv_export_over_an_old_folder_on_failure_keeps_the_old_one(
    repo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "csv"
    assert cli("export", "Q3", "--format", "csv", "--repo", str(repo), "--out", str(out))[0] == 0
    old = tree(out)
    proc = _export_q4_csv_limited(repo, out)
    assert proc.returncode == 2, proc.stderr
    assert tree(out) == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["csv", "strategy"]


@contextlib.contextmanager
def small_tmpfs(folder: Path, size: str, *, options: str = "") -> Iterator[Path]:
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}{options}", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(
            "a tmpfs cannot be mounted here (needs root): the file-size limit test covers it"
        )
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")
def test_csv_export_on_a_full_disk_leaves_no_partial_and_no_temporary_folder(
    repo: Path, tmp_path: Path
) -> None:
    with small_tmpfs(tmp_path / "disk", "12k") as disk:  # three 4 KiB pages
        code, _, err = cli("export", "Q4", "--format", "csv", "--repo", str(repo),
                           "--out", str(disk / "csv"))  # fmt: skip
        assert code == 2, err
        assert "No space left on device; nothing was written" in err
        assert list(disk.iterdir()) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")
def test_score_write_on_a_full_disk_exits_2_and_changes_nothing(tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "disk", "64k") as disk:
        from .conftest import BASE

        root = disk / "repo"
        shutil.copytree(BASE, root)
        before = tree(root)
        filler = disk / "filler"
        with contextlib.suppress(OSError), filler.open("wb") as handle:
            while True:
                handle.write(b"x" * 1024)
                handle.flush()
        result = run_cli("score", "2026-Q3", "--write", "--repo", str(root), "--as-of",
                         "2026-10-15")  # fmt: skip
        assert result.returncode == 2, result.stderr
        assert "No space left on device" in result.stderr
        assert "nothing was written" in result.stderr
        assert tree(root) == before


def test_an_oserror_at_the_file_writing_layer_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unit: the third file's write fails; the temporary folder is removed, the old
    folder stays as it was."""
    import errno

    from okrbsc.write import safe

    out = tmp_path / "csv"
    safe.atomic_folder(out, [("a.csv", b"old a"), ("b.csv", b"old b")])
    real = safe._write_synced
    calls: list[Path] = []

    def failing(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data)

    monkeypatch.setattr(safe, "_write_synced", failing)
    with pytest.raises(OSError, match="No space left"):
        safe.atomic_folder(out, [("a.csv", b"new a"), ("b.csv", b"new b"), ("c.csv", b"c")])
    assert len(calls) == 3
    assert tree(out) == {"a.csv": b"old a", "b.csv": b"old b"}
    assert [p.name for p in tmp_path.iterdir()] == ["csv"]


def test_a_killed_exports_temporary_folder_is_removed_by_the_next(
    repo: Path, tmp_path: Path
) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    left = tmp_path / f".okrbsc-csv.{dead}.k1ll3d"
    left.mkdir()
    (left / "objectives.csv").write_text("half")
    mine = tmp_path / ".okrbsc-csv.notes"  # not a pid: not ours to remove
    mine.mkdir()
    assert cli("export", "Q4", "--format", "csv", "--repo", str(repo), "--out",
               str(tmp_path / "csv"))[0] == 0  # fmt: skip
    assert not left.exists() and mine.exists()


@contextlib.contextmanager
def read_only_folder(folder: Path) -> Iterator[Path]:
    """A folder nothing can be written in: a read-only tmpfs as root (who ignores modes),
    else mode 0555."""
    if os.geteuid() == 0:
        with small_tmpfs(folder, "64k", options=",ro") as mounted:
            yield mounted
        return
    folder.mkdir()
    folder.chmod(0o555)
    try:
        yield folder
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_into_a_read_only_folder_exits_2_and_leaves_nothing(
    repo: Path, tmp_path: Path, fmt: str
) -> None:
    with read_only_folder(tmp_path / "ro") as folder:
        out = folder / ("csv" if fmt == "csv" else "plan.xlsx")
        result = in_process("export", "Q4", "--format", fmt, "--out", str(out), "--repo",
                            str(repo), "--as-of", AS_OF)  # fmt: skip
        assert result.returncode == 2, result.stderr
        assert f"cannot write {out}: Read-only file system" in result.stderr or (
            f"cannot write {out}: Permission denied" in result.stderr
        )
        assert "nothing was written" in result.stderr
        assert list(folder.iterdir()) == []
