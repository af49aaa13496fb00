"""One problem, one finding (SPEC 11): a new user's mistakes, and okrbsc's own words.

Each mistake of tests/corpus/cascade/manifest.yaml, made once in the clean
base fixture, gives exactly one finding at its cause with the fix in its
message. No message, over that corpus and the hostile one, quotes the
validation library.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from okrbsc.cli import app

from .conftest import BASE, BASE_AS_OF, run_cli

CASCADE = Path(__file__).parent / "corpus" / "cascade"
HOSTILE = Path(__file__).parent / "corpus" / "hostile"
CASES: dict[str, dict[str, Any]] = yaml.safe_load(
    (CASCADE / "manifest.yaml").read_text(encoding="utf-8")
)
LIBRARY_WORDS = (
    "input should be",
    "input is too short",
    "field required",
    "validation error",
    "pydantic",
    "type=",
    "value error",
    "errors.pydantic.dev",
    "for further information",
    "unable to interpret input",
    "exceeds the limit",
)


def broken(tmp_path: Path, name: str) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    for rel, (old, new) in CASES[name]["patch"].items():
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (name, rel, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


def lint_json(root: Path) -> dict[str, Any]:
    result = CliRunner().invoke(
        app, ["lint", "--repo", str(root), "--as-of", BASE_AS_OF, "--format", "json"]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


def test_the_corpus_has_every_mistake_of_the_issue() -> None:
    wanted = {"wrong-period-line", "tab-in-the-scorecard", "percent-sign-on-a-target"}
    wanted |= {"missing-colon", "kind-typo", "bad-indent", "duplicate-key"}
    assert wanted <= set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_one_mistake_one_finding_with_its_fix(tmp_path: Path, name: str) -> None:
    expect = CASES[name]["expect"]
    findings = lint_json(broken(tmp_path, name))["findings"]
    got = [(f["code"], f["path"], f["line"]) for f in findings]
    assert got == [(expect["code"], expect["path"], expect["line"])], findings
    assert expect["fix"] in findings[0]["message"], findings[0]["message"]


def test_the_summary_says_a_file_could_not_be_read(tmp_path: Path) -> None:
    proc = run_cli(
        "lint", "--repo", str(broken(tmp_path, "tab-in-the-scorecard")), "--as-of", BASE_AS_OF
    )
    assert proc.returncode == 1
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith("Found 1 error and 0 warnings in 4 files; 1 file could not be read"), (
        last
    )
    data = lint_json(broken(tmp_path / "again", "kind-typo"))
    assert data["summary"]["unreadable"] == 1


def test_without_the_mistake_the_base_is_clean(tmp_path: Path) -> None:
    shutil.copytree(BASE, tmp_path / "repo")
    data = lint_json(tmp_path / "repo")
    assert data["findings"] == []
    assert data["summary"]["unreadable"] == 0


def _messages(root: Path) -> list[str]:
    return [f["message"] for f in lint_json(root)["findings"]]


def test_no_message_quotes_the_validation_library(tmp_path: Path) -> None:
    messages: list[str] = []
    for name in sorted(CASES):
        messages += _messages(broken(tmp_path / name, name))
    for path in sorted(HOSTILE.glob("*.yaml")):
        if path.name == "manifest.yaml":
            continue
        root = tmp_path / "hostile" / path.stem
        shutil.copytree(BASE, root)
        shutil.copyfile(path, root / "okrs/2026/Q3" / path.name)
        messages += _messages(root)
    assert len(messages) > len(CASES)
    bad = [m for m in messages if any(word in m.lower() for word in LIBRARY_WORDS)]
    assert bad == []


def _checkin(root: Path, *args: str) -> Any:
    return CliRunner().invoke(app, ["checkin", *args, "--repo", str(root), "--as-of", "2026-11-20"])


def test_command_line_numbers_in_okrbsc_words(examples_copy: Path) -> None:
    before = (examples_copy / "okrs/2026/Q4/sales.yaml").read_bytes()
    result = _checkin(examples_copy, "SL1.1", "2", "--confidence", "70%")
    assert result.exit_code == 2
    assert "--confidence: expected a number, got '70%': write 0.7" in result.output
    result = _checkin(examples_copy, "SL1.1", "88%")
    assert result.exit_code == 2
    assert "expected a number, got '88%': write 88" in result.output
    assert (examples_copy / "okrs/2026/Q4/sales.yaml").read_bytes() == before


def test_an_unknown_id_on_the_command_line_suggests_the_nearest(examples_copy: Path) -> None:
    result = _checkin(examples_copy, "SL1.9", "2")
    assert result.exit_code == 2
    assert (
        "no key result or measure 'SL1.9' in this repo (did you mean 'SL1.3', 'SL1.2', 'SL1.1'?)"
        in result.output
    )


def test_an_unknown_team_on_the_command_line_suggests_the_nearest(examples_copy: Path) -> None:
    for command in ("score", "status"):
        proc = run_cli(command, "2026-Q4", "--team", "slaes", "--repo", str(examples_copy),
                       "--as-of", "2026-11-20")  # fmt: skip
        assert proc.returncode == 2, proc.stderr
        assert "team 'slaes' has no OKRs in 2026-Q4 (did you mean 'sales'?)" in proc.stderr
    proc = run_cli("score", "2026-Q4", "--team", "zzz", "--repo", str(examples_copy),
                   "--as-of", "2026-11-20")  # fmt: skip
    assert proc.returncode == 2
    assert "team 'zzz' has no OKRs in 2026-Q4 (teams with OKRs in 2026-Q4: " in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_write_to_a_file_that_does_not_load_names_it_and_its_first_error(
    examples_copy: Path,
) -> None:
    path = examples_copy / "okrs/2026/Q4/sales.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("period: 2026-Q4", "period: Q4"))
    before = path.read_bytes()
    proc = run_cli("checkin", "SL1.1", "2", "--repo", str(examples_copy), "--as-of", "2026-11-20")
    assert proc.returncode == 1, proc.stderr
    assert "okrs/2026/Q4/sales.yaml does not load cleanly" in proc.stderr
    assert "okrs/2026/Q4/sales.yaml:7:9: E002 period: not a period: 'Q4'" in proc.stderr
    assert "not in" not in proc.stderr
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("name", "line"),
    [("nan-target.yaml", 12), ("inf-start.yaml", 11), ("huge-integer.yaml", 12)],
)
def test_an_unreadable_number_is_one_finding_not_also_a_missing_one(
    tmp_path: Path, name: str, line: int
) -> None:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    shutil.copyfile(HOSTILE / name, root / "okrs/2026/Q3" / name)
    here = [f for f in lint_json(root)["findings"] if f["path"].endswith(name)]
    assert [(f["code"], f["line"]) for f in here] == [("E002", line)], here
    assert "is not a finite, sane value" in here[0]["message"]
