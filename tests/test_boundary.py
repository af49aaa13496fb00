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
        config.read_text(encoding="utf-8") + "lint:\n  max_file_mib: 0.0005\n", encoding="utf-8"
    )
    size = (base_repo / SALES).stat().st_size
    assert size > 0.0005 * (1 << 20)
    _, findings = lint_json(base_repo)
    [message] = [f["message"] for f in findings if f["path"] == SALES]
    assert str(message).startswith("too large: 0.00") and message.endswith(" MiB, limit 0.0005")
