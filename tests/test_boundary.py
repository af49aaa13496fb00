"""SPEC 12.1: the repo is a boundary. A hostile corpus of repos built here
(symlinks out of the repo, FIFOs, globs that climb out, huge files, odd years)
must never make okrbsc read or write outside its root, block, or crash."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app

from .conftest import BASE, BASE_AS_OF, run_cli

SECRET = "ghp_SECRETTOKEN123"
SALES = "okrs/2026/Q3/sales.yaml"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, Path]:
    """(repo, outside): a clean repo next to a folder it must never reach."""
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(f"kind: {SECRET}\ntoken: {SECRET}\n", encoding="utf-8")
    shutil.copyfile(root / SALES, outside / "sales.yaml")
    return root, outside


def lint_json(root: Path) -> tuple[int, list[dict[str, object]]]:
    code, out, _ = invoke("lint", "--repo", str(root), "--as-of", BASE_AS_OF, "--format", "json")
    return code, json.loads(out)["findings"]


# --- reading -----------------------------------------------------------------


def test_a_file_linked_outside_is_one_e001_and_its_content_appears_nowhere(
    hostile: tuple[Path, Path],
) -> None:
    root, outside = hostile
    (root / "okrs/2026/Q3/evil.yaml").symlink_to(outside / "secret.yaml")
    code, findings = lint_json(root)
    assert code == 1
    here = [f for f in findings if f["path"] == "okrs/2026/Q3/evil.yaml"]
    assert [(f["code"], f["message"]) for f in here] == [
        ("E001", "points outside the repo: not read")
    ]
    for args in (
        ["lint"],
        ["lint", "--format", "sarif"],
        ["lint", "--format", "github"],
        ["score", "2026-Q3"],
        ["score", "2026-Q3", "--format", "json"],
        ["status", "2026-Q3"],
    ):
        proc = run_cli(*args, "--repo", str(root), "--as-of", BASE_AS_OF)
        assert SECRET not in proc.stdout + proc.stderr, args
        assert "Traceback" not in proc.stderr


def test_an_absolute_link_to_a_system_file_is_not_read(hostile: tuple[Path, Path]) -> None:
    root, _ = hostile
    (root / "okrs/2026/Q3/passwd.yaml").symlink_to("/etc/passwd")
    _, findings = lint_json(root)
    here = [f for f in findings if f["path"] == "okrs/2026/Q3/passwd.yaml"]
    assert [f["message"] for f in here] == ["points outside the repo: not read"]
    assert "root:" not in json.dumps(findings)


def test_a_folder_linked_outside_is_not_read(hostile: tuple[Path, Path]) -> None:
    root, outside = hostile
    (root / "okrs/2026/Q4").symlink_to(outside, target_is_directory=True)
    _, findings = lint_json(root)  # `**` does not walk into a linked folder
    assert not [f for f in findings if "Q4" in str(f["path"])]
    config = root / "okrbsc.yaml"
    config.write_text(
        config.read_text(encoding="utf-8") + 'files:\n  okrs: ["okrs/2026/*/*.yaml"]\n',
        encoding="utf-8",
    )
    _, findings = lint_json(root)  # a `*` does: each file is refused
    paths = {f["path"]: f["message"] for f in findings if f["code"] == "E001"}
    assert SECRET not in json.dumps(findings)
    assert paths == {
        "okrs/2026/Q4/sales.yaml": "points outside the repo: not read",
        "okrs/2026/Q4/secret.yaml": "points outside the repo: not read",
    }


def test_a_link_inside_the_repo_is_read(hostile: tuple[Path, Path]) -> None:
    root, _ = hostile
    (root / "okrs/2026/Q3/alias.yaml").symlink_to("sales.yaml")
    _, findings = lint_json(root)
    assert not [f for f in findings if f["code"] == "E001"]
    # read as a second copy: the same ids twice (E004), proof that it was read
    assert any(f["code"] == "E004" and "alias.yaml" in str(f["message"]) for f in findings)


def test_a_fifo_is_one_e001_and_never_blocks(hostile: tuple[Path, Path]) -> None:
    root, _ = hostile
    os.mkfifo(root / "okrs/2026/Q3/pipe.yaml")
    proc = run_cli("lint", "--repo", str(root), "--as-of", BASE_AS_OF, "--format", "json")
    assert proc.returncode == 1, proc.stderr
    here = [f for f in json.loads(proc.stdout)["findings"] if f["path"].endswith("pipe.yaml")]
    assert [(f["code"], f["line"]) for f in here] == [("E001", 1)]
    assert "not a regular file" in here[0]["message"]


def test_a_device_is_not_read(hostile: tuple[Path, Path]) -> None:
    root, _ = hostile
    (root / "okrs/2026/Q3/zero.yaml").symlink_to("/dev/zero")
    proc = run_cli("lint", "--repo", str(root), "--as-of", BASE_AS_OF, "--format", "json")
    here = [f for f in json.loads(proc.stdout)["findings"] if f["path"].endswith("zero.yaml")]
    assert [f["code"] for f in here] == ["E001"]


def test_a_broken_link_is_one_e001(hostile: tuple[Path, Path]) -> None:
    root, _ = hostile
    (root / "okrs/2026/Q3/gone.yaml").symlink_to("nowhere.yaml")
    _, findings = lint_json(root)
    assert [f["code"] for f in findings if f["path"] == "okrs/2026/Q3/gone.yaml"] == ["E001"]


@pytest.mark.parametrize(
    "glob",
    ["../outside/*.yaml", "/etc/*.yaml", "okrs/../../outside/*.yaml", "/**/*.yaml"],
)
def test_a_glob_out_of_the_repo_is_e002_at_its_line_and_not_followed(
    hostile: tuple[Path, Path], glob: str
) -> None:
    root, _ = hostile
    config = root / "okrbsc.yaml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + f'files:\n  okrs:\n    - "okrs/**/*.yaml"\n    - "{glob}"\n',
        encoding="utf-8",
    )
    line = len(config.read_text(encoding="utf-8").splitlines())
    code, findings = lint_json(root)
    assert code == 1
    assert [(f["code"], f["path"], f["line"]) for f in findings] == [("E002", "okrbsc.yaml", line)]
    assert "inside the repo" in str(findings[0]["message"]) or "absolute" in str(
        findings[0]["message"]
    )
    assert SECRET not in json.dumps(findings)
    # score refuses the same way, naming the line; no internal error
    code, _, err = invoke("score", "2026-Q3", "--repo", str(root), "--as-of", BASE_AS_OF)
    assert code == 1
    assert f"okrbsc.yaml:{line}:" in err


def test_a_file_over_the_size_limit_is_one_e001_and_not_parsed(base_repo: Path) -> None:
    big = base_repo / "okrs/2026/Q3/big.yaml"
    with big.open("w", encoding="utf-8") as handle:
        handle.write("kind: okrs\nteam: product\nperiod: 2026-Q3\nobjectives:\n")
        handle.write('  - {id: X, title: "' + "x" * (9 << 20) + '"}\n')
    code, findings = lint_json(base_repo)
    assert code == 1
    here = [(f["code"], f["message"]) for f in findings if f["path"] == "okrs/2026/Q3/big.yaml"]
    assert here == [("E001", "too large: 9.01 MiB, limit 8")]


def test_the_size_limit_is_a_setting(base_repo: Path) -> None:
    config = base_repo / "okrbsc.yaml"
    config.write_text(
        config.read_text(encoding="utf-8") + "lint:\n  max_file_mib: 1\n", encoding="utf-8"
    )
    sales = base_repo / SALES
    text = sales.read_text(encoding="utf-8") + "# "
    text += "x" * ((3 << 19) - len(text) - 1) + "\n"  # exactly 1.5 MiB
    sales.write_text(text, encoding="utf-8")
    assert sales.stat().st_size == 3 << 19
    _, findings = lint_json(base_repo)
    [message] = [f["message"] for f in findings if f["path"] == SALES]
    assert message == "too large: 1.5 MiB, limit 1"


@pytest.mark.parametrize("limit", ["0.5", "0", "65", "100000", "-1"])
def test_the_size_limit_is_from_1_to_64(base_repo: Path, limit: str) -> None:
    config = base_repo / "okrbsc.yaml"
    text = config.read_text(encoding="utf-8") + f"lint:\n  max_file_mib: {limit}\n"
    config.write_text(text, encoding="utf-8")
    line = text.count("\n")
    code, findings = lint_json(base_repo)
    assert code == 1
    [e002] = [f for f in findings if f["path"] == "okrbsc.yaml"]
    assert (e002["code"], e002["line"]) == ("E002", line)
    assert "MemoryError" not in str(e002["message"])


# --- writing -----------------------------------------------------------------


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def test_rollover_through_a_folder_linked_outside_is_refused(hostile: tuple[Path, Path]) -> None:
    root, outside = hostile
    (outside / "sales.yaml").unlink()
    (root / "okrs/2026/Q4").symlink_to(outside, target_is_directory=True)
    before, inside_before = tree(outside), tree(root)
    code, _, err = invoke(
        "rollover", "2026-Q3", "2026-Q4", "--repo", str(root), "--as-of", BASE_AS_OF
    )
    assert code == 1, err
    assert "okrs/2026/Q4 is a link to" in err and "outside the repo" in err
    assert "nothing was written" in err
    assert tree(outside) == before
    assert tree(root) == inside_before


def test_init_through_a_folder_linked_outside_writes_nothing(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    target = tmp_path / "new"
    target.mkdir()
    (target / "okrs").symlink_to(outside, target_is_directory=True)
    code, _, err = invoke("init", str(target), "--organisation", "Acme", "--as-of", "2026-10-01")
    assert code == 1, err
    assert "okrs is a link to" in err
    assert list(outside.iterdir()) == []
    assert sorted(p.name for p in target.iterdir()) == ["okrs"]


def test_checkin_through_a_link_inside_the_repo_writes_the_target_and_keeps_the_link(
    base_repo: Path,
) -> None:
    real = base_repo / "data" / "sales.yaml"
    real.parent.mkdir()
    (base_repo / SALES).rename(real)
    (base_repo / SALES).symlink_to(Path("../../../data/sales.yaml"))
    code, _, err = invoke(
        "checkin", "S1.1", "2.9", "--repo", str(base_repo), "--as-of", "2026-07-20"
    )
    assert code == 0, err
    assert (base_repo / SALES).is_symlink()
    assert "value: 2.9" in real.read_text(encoding="utf-8")


def test_an_edit_through_a_link_swapped_to_outside_is_refused(hostile: tuple[Path, Path]) -> None:
    from okrbsc.write.safe import WriteError, edit_all

    root, outside = hostile
    before = (outside / "sales.yaml").read_bytes()
    (root / SALES).unlink()
    (root / SALES).symlink_to(outside / "sales.yaml")  # after okrbsc read the repo
    with pytest.raises(WriteError, match="outside the repo: refused, nothing was written"):
        edit_all(root, [(root / SALES, SALES, lambda data: data.update(team="x"))])
    assert (outside / "sales.yaml").read_bytes() == before


PRODUCT = """kind: okrs
team: product
period: 2026-Q3
objectives:
  - id: P1
    title: Ship what sales sells
    aligns_to: [A1]
    key_results:
      - {title: Releases, start: 0, target: 6}
      - {title: Uptime, start: 99, target: 99.9}
      - {title: Bugs, start: 40, target: 10}
"""


def _limited(limit: int) -> None:  # in the child: no file larger than ``limit`` bytes
    import resource
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_score_write_is_all_or_nothing(base_repo: Path) -> None:
    """The second file cannot be written (the process may write no file that large,
    as on a full disk): the first is not written either, and the message says so."""
    import subprocess
    import sys

    big = PRODUCT + "# " + "padding " * 2000 + "\n"
    (base_repo / "okrs/2026/Q3/zz-product.yaml").write_text(big, encoding="utf-8")
    before = tree(base_repo)
    args = ["score", "2026-Q3", "--write", "--repo", str(base_repo), "--as-of", BASE_AS_OF]
    proc = subprocess.run(
        [sys.executable, "-m", "okrbsc", *args],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: _limited(len(big) - 100),
    )
    assert proc.returncode == 2, proc.stderr  # unwritable output (SPEC 3, 12.3)
    assert "nothing was written (of 2 files, none was changed)" in proc.stderr
    assert "zz-product.yaml" in proc.stderr
    assert tree(base_repo) == before  # no score in sales.yaml, no temporary file left
    ok = run_cli("score", "2026-Q3", "--write", "--repo", str(base_repo), "--as-of", BASE_AS_OF)
    assert ok.returncode == 0, ok.stderr
    assert "score:" in (base_repo / SALES).read_text(encoding="utf-8")
    assert "score:" in (base_repo / "okrs/2026/Q3/zz-product.yaml").read_text(encoding="utf-8")


def test_the_next_write_removes_a_killed_writes_temporary_files(base_repo: Path) -> None:
    folder = base_repo / "okrs/2026/Q3"
    left = folder / ".okrbsc-sales.yaml.k1ll3d.tmp"
    left.write_text("half a file", encoding="utf-8")
    users = folder / ".sales.yaml.mine.tmp"  # not okrbsc's: kept
    users.write_text("mine", encoding="utf-8")
    code, _, err = invoke(
        "checkin", "S1.1", "2.9", "--repo", str(base_repo), "--as-of", "2026-07-20"
    )
    assert code == 0, err
    assert not left.exists()
    assert users.exists()
    assert sorted(p.name for p in folder.iterdir()) == [".sales.yaml.mine.tmp", "sales.yaml"]


def test_a_killed_checkin_leaves_the_file_whole(base_repo: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    import yaml

    path = base_repo / SALES
    args = [sys.executable, "-m", "okrbsc", "checkin", "S1.1", "3", "--repo", str(base_repo)]
    for delay in (0.25, 0.35, 0.45, 0.55, 0.65, 0.8):
        proc = subprocess.Popen([*args, "--as-of", "2026-07-20"], stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert yaml.safe_load(path.read_text(encoding="utf-8"))["kind"] == "okrs"
        names = {p.name for p in path.parent.iterdir()} - {"sales.yaml"}
        assert all(n.startswith(".okrbsc-sales.yaml.") for n in names), names
    code, _, err = invoke("checkin", "S1.1", "3", "--repo", str(base_repo), "--as-of", "2026-07-21")
    assert code == 0, err
    assert [p.name for p in path.parent.iterdir()] == ["sales.yaml"]


HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def _hold_lock(root: Path, seconds: float) -> object:
    import subprocess
    import sys

    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(root), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    return holder


def test_a_waiting_write_says_so_after_a_second_and_then_lands(base_repo: Path) -> None:
    """The lock is let go as soon as the waiting writer has said so, not after a fixed
    time: the writer then takes it and lands its check-in."""
    import select
    import subprocess
    import sys
    import time

    from .conftest import CODE_ENV

    holder = _hold_lock(base_repo, 120)
    assert isinstance(holder, subprocess.Popen)
    args = ["checkin", "S1.1", "2.9", "--repo", str(base_repo), "--as-of", "2026-07-20"]
    env = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1", **CODE_ENV}
    started = time.monotonic()
    writer = subprocess.Popen(
        [sys.executable, "-m", "okrbsc", *args], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        assert writer.stderr is not None
        told = select.select([writer.stderr], [], [], 60)[0]  # never a hang, if it is not said
        said = writer.stderr.readline() if told else ""
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    stdout, stderr = writer.communicate(timeout=60)
    assert writer.returncode == 0, said + stderr
    assert said.startswith(
        f"okrbsc: waiting for the lock on {base_repo.resolve()} (held by process {holder.pid})"
    ), said
    assert waited >= 1.0, waited  # after a second of waiting, not at once
    assert stdout == "okrs/2026/Q3/sales.yaml: checked in S1.1 = 2.9 on 2026-07-20\n", stdout
    assert "value: 2.9" in (base_repo / SALES).read_text(encoding="utf-8")


def test_a_write_gives_up_waiting_with_exit_2_and_changes_nothing(
    base_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    from okrbsc.write import safe

    monkeypatch.setattr(safe, "LOCK_GIVE_UP_AFTER", 1.5)
    before = tree(base_repo)
    holder = _hold_lock(base_repo, 4)
    assert isinstance(holder, subprocess.Popen)
    try:
        code, _, err = invoke(
            "checkin", "S1.1", "2.9", "--repo", str(base_repo), "--as-of", "2026-07-20"
        )
    finally:
        holder.kill()
        holder.wait()
    assert code == 2
    assert "gave up after 1.5 s waiting for the lock" in err and "nothing was changed" in err
    assert tree(base_repo) == before


# --- git runs nothing from the repo's config ----------------------------------

FAKE_GPG = """#!/bin/sh
# signs anything (so the test can make a signed commit) and leaves a mark when run
echo ran >> "$0.ran"
cat > /dev/null
echo "[GNUPG:] SIG_CREATED D 1 8 00 0 ABCDEF" >&2
printf -- '-----BEGIN PGP SIGNATURE-----\\n\\nAAAA\\n-----END PGP SIGNATURE-----\\n'
"""


def test_history_never_runs_the_repos_gpg_program_pager_or_fsmonitor(
    base_repo: Path, tmp_path: Path
) -> None:
    from .conftest import git

    fake = tmp_path / "fake-gpg"
    fake.write_text(FAKE_GPG, encoding="utf-8")
    fake.chmod(0o755)
    marks = tmp_path / "marks"
    hook = tmp_path / "hook"
    hook.write_text(f"#!/bin/sh\necho ran >> {marks}\n", encoding="utf-8")
    hook.chmod(0o755)
    git(base_repo, "init", "-q")
    git(base_repo, "config", "gpg.program", str(fake))
    git(base_repo, "add", "-A")
    git(base_repo, "commit", "-q", "-S", "-m", "signed")
    signed = Path(f"{fake}.ran")
    assert signed.exists()  # the fake signer works: git did sign with it
    signed.unlink()
    for key, value in (
        ("log.showSignature", "true"),
        ("core.pager", str(hook)),
        ("core.fsmonitor", str(hook)),
        ("diff.external", str(hook)),
    ):
        git(base_repo, "config", key, value)
    assert "ABCDEF" in git(base_repo, "log", "-1", "--format=%GK")  # plain git verifies
    signed.unlink(missing_ok=True)
    proc = run_cli("history", "S1.1", "--repo", str(base_repo), "--as-of", BASE_AS_OF)
    assert proc.returncode == 0, proc.stderr
    assert not signed.exists(), "okrbsc ran gpg.program"
    assert not marks.exists(), "okrbsc ran a pager, fsmonitor or external diff"
    proc = run_cli("diff", "HEAD", "--repo", str(base_repo), "--as-of", BASE_AS_OF)
    assert proc.returncode in (0, 1), proc.stderr
    assert not signed.exists() and not marks.exists()
