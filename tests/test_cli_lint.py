"""`okrbsc lint` end to end: through Typer's runner and as a real process."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app
from okrbsc.lint.rules import RULES

from .conftest import BASE, BASE_AS_OF, CODE_ENV, EXAMPLES, need_tool, run_cli

EXAMPLES_AS_OF = "2026-11-20"
LINE = re.compile(
    r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]\d{3}) .+ \[[a-z-]+\]$"
)


def lint(runner: CliRunner, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["lint", *args])
    return result.exit_code, result.output


@pytest.fixture
def broken(examples_copy: Path) -> Path:
    """A copy of examples/ with an error."""
    root = examples_copy
    sales = root / "okrs/2026/Q4/sales.yaml"
    text = sales.read_text(encoding="utf-8")
    text = text.replace("aligns_to: [", "aligns_to: [NOPE, ", 1)
    sales.write_text(text, encoding="utf-8")
    return root


def test_examples_lint_clean(runner: CliRunner) -> None:
    code, out = lint(runner, "--repo", str(EXAMPLES), "--as-of", EXAMPLES_AS_OF)
    assert code == 0, out
    assert out.strip() == "All checks passed: no findings in 11 files."


def test_examples_lint_clean_in_json(runner: CliRunner) -> None:
    code, out = lint(runner, "--repo", str(EXAMPLES), "--as-of", EXAMPLES_AS_OF, "--format", "json")
    assert code == 0
    assert json.loads(out) == {
        "findings": [],
        "summary": {"errors": 0, "warnings": 0, "files": 11, "unreadable": 0},
    }


def test_broken_copy_names_file_line_and_column(runner: CliRunner, broken: Path) -> None:
    code, out = lint(runner, "--repo", str(broken), "--as-of", EXAMPLES_AS_OF)
    assert code == 1
    first = out.splitlines()[0]
    match = LINE.match(first)
    assert match, first
    assert match["path"] == "okrs/2026/Q4/sales.yaml" and match["code"] == "E005"
    line_text = (broken / match["path"]).read_text().splitlines()[int(match["line"]) - 1]
    assert line_text[int(match["col"]) - 1 :].startswith("NOPE")
    assert "names no objective" in first
    assert out.splitlines()[-1].startswith("Found 1 error")


def test_repo_found_by_walking_up(broken: Path) -> None:
    proc = run_cli("lint", "--as-of", EXAMPLES_AS_OF, cwd=broken / "okrs" / "2026")
    assert proc.returncode == 1
    assert proc.stdout.startswith("okrs/2026/Q4/sales.yaml:")


def test_no_repo_is_a_usage_error(tmp_path: Path) -> None:
    proc = run_cli("lint", cwd=tmp_path)
    assert proc.returncode == 2
    assert "no okrbsc.yaml found" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_bad_as_of_is_a_usage_error(runner: CliRunner) -> None:
    code, out = lint(runner, "--repo", str(EXAMPLES), "--as-of", "2026-13-01")
    assert code == 2
    assert "YYYY-MM-DD" in out


def test_paths_limit_findings_but_rules_see_the_whole_repo(runner: CliRunner, broken: Path) -> None:
    other = str(broken / "okrs/2026/Q4/product.yaml")
    code, out = lint(runner, other, "--repo", str(broken), "--as-of", EXAMPLES_AS_OF)
    assert (code, out.strip()) == (0, "All checks passed: no findings in 1 file.")
    folder = str(broken / "okrs/2026/Q4")
    code, out = lint(runner, folder, "--repo", str(broken), "--as-of", EXAMPLES_AS_OF, "-q")
    assert code == 1 and out.startswith("okrs/2026/Q4/sales.yaml:")


def test_path_outside_data_files_is_a_usage_error(runner: CliRunner, broken: Path) -> None:
    code, out = lint(runner, str(broken / "README.md"), "--repo", str(broken))
    assert code == 2 and "not a data file" in out


def test_strict_fails_on_warnings(runner: CliRunner, base_repo: Path) -> None:
    (base_repo / "okrbsc.yaml").write_text(
        (BASE / "okrbsc.yaml").read_text() + "lint:\n  rules: {O107: warning}\n"
    )
    sales = base_repo / "okrs/2026/Q3/sales.yaml"
    sales.write_text(sales.read_text().replace("Win the mid-market", "Win 3 segments"))
    args = ["--repo", str(base_repo), "--as-of", BASE_AS_OF]
    assert lint(runner, *args)[0] == 0
    assert lint(runner, *args, "--strict")[0] == 1


def test_config_rule_off_and_unknown_rule(runner: CliRunner, base_repo: Path) -> None:
    (base_repo / "okrbsc.yaml").write_text(
        (BASE / "okrbsc.yaml").read_text() + "lint:\n  rules:\n    objective-has-numbr: off\n"
    )
    code, out = lint(runner, "--repo", str(base_repo), "--as-of", BASE_AS_OF, "-q")
    assert code == 1
    assert out.startswith("okrbsc.yaml:8:5: E002 lint.rules: unknown rule 'objective-has-numbr'")
    assert "did you mean 'objective-has-number'?" in out


def test_github_format_escapes_workflow_commands(runner: CliRunner, base_repo: Path) -> None:
    sales = base_repo / "okrs/2026/Q3/sales.yaml"
    sales.write_text(sales.read_text().replace("aligns_to: [A1]", "aligns_to: ['100%,a:b']"))
    code, out = lint(runner, "--repo", str(base_repo), "--as-of", BASE_AS_OF, "--format", "github")
    assert code == 1
    errors = [line for line in out.splitlines() if line.startswith("::error")]
    assert len(errors) == 1
    assert errors[0].startswith("::error file=okrs/2026/Q3/sales.yaml,line=7,col=17,title=E005::")
    assert "100%25,a:b" in errors[0]  # message text: % escaped, , and : kept
    assert out.splitlines()[-1].startswith("Found 1 error")


def test_github_property_values_are_escaped() -> None:
    from okrbsc.render.lint_formats import _gh_property

    assert _gh_property("a,b:c%\nd") == "a%2Cb%3Ac%25%0Ad"


def test_gitlab_report_fields(runner: CliRunner, broken: Path) -> None:
    code, out = lint(runner, "--repo", str(broken), "--as-of", EXAMPLES_AS_OF, "--format", "gitlab")
    issues = json.loads(out)
    assert code == 1 and len(issues) == 1
    issue = issues[0]
    assert issue["check_name"] == "E005 unknown-reference"
    assert issue["severity"] == "major"
    assert issue["location"]["path"] == "okrs/2026/Q4/sales.yaml"
    assert isinstance(issue["location"]["lines"]["begin"], int)
    assert len({i["fingerprint"] for i in issues}) == len(issues)


def _sarif_schema() -> Path | None:
    env = os.environ.get("OKRBSC_SARIF_SCHEMA")
    if env and Path(env).is_file():
        return Path(env)
    local = Path(
        "/tmp/npmtools/node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"
    )
    return local if local.is_file() else None


def test_sarif_validates_against_the_official_schema(
    runner: CliRunner, broken: Path, tmp_path: Path
) -> None:
    found = _sarif_schema()
    schema = Path(
        need_tool(
            str(found) if found else None,
            "the SARIF schema (OKRBSC_SARIF_SCHEMA; npm i @microsoft/jest-sarif)",
            "npm",
        )
    )
    code, out = lint(runner, "--repo", str(broken), "--as-of", EXAMPLES_AS_OF, "--format", "sarif")
    assert code == 1
    sarif = json.loads(out)
    run = sarif["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [r.code for r in RULES]
    result = run["results"][0]
    assert result["ruleId"] == "E005" and result["level"] == "error"
    assert (
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        == "okrs/2026/Q4/sales.yaml"
    )
    target = tmp_path / "out.sarif"
    target.write_text(out)
    checker = Path(sys.executable).parent / "check-jsonschema"
    proc = subprocess.run(
        [str(checker), "--regex-variant", "python", "--schemafile", str(schema), str(target)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # and the validator does reject a broken document
    sarif["runs"][0]["results"][0]["level"] = "fatal"
    target.write_text(json.dumps(sarif))
    proc = subprocess.run(
        [str(checker), "--regex-variant", "python", "--schemafile", str(schema), str(target)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1


def test_colour_only_when_forced(broken: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "FORCE_COLOR": "1", **CODE_ENV}
    args = [sys.executable, "-m", "okrbsc", "lint", "--as-of", EXAMPLES_AS_OF]
    forced = subprocess.run(args, cwd=broken, env=env, capture_output=True, text=True, timeout=60)
    assert "\x1b[" in forced.stdout
    plain = subprocess.run(
        args,
        cwd=broken,
        env={"PATH": "/usr/bin:/bin", **CODE_ENV},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "\x1b[" not in plain.stdout and plain.stdout.startswith("okrs/")
    off = subprocess.run(
        [*args, "--no-color"], cwd=broken, env=env, capture_output=True, text=True, timeout=60
    )
    assert "\x1b[" not in off.stdout


def test_rules_lists_and_explains(runner: CliRunner) -> None:
    listing = runner.invoke(app, ["rules"])
    assert listing.exit_code == 0
    assert [line.split()[0] for line in listing.output.splitlines()] == [r.code for r in RULES]
    explained = runner.invoke(app, ["rules", "--explain", "kr-is-activity"])
    assert explained.exit_code == 0
    assert explained.output.startswith("O106 kr-is-activity (default: warning)")
    assert "Fails:" in explained.output and "Passes:" in explained.output
    unknown = runner.invoke(app, ["rules", "--explain", "Z999"])
    assert unknown.exit_code == 2


def test_help_teaches_with_examples(runner: CliRunner) -> None:
    for command in ("lint", "rules"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0 and "Examples:" in result.output


def test_verbose_says_what_was_read() -> None:
    proc = run_cli("lint", "--repo", str(EXAMPLES), "--as-of", EXAMPLES_AS_OF, "--verbose")
    assert proc.returncode == 0
    assert "read 11 files in" in proc.stderr and "2026-Q4" in proc.stderr
    assert proc.stdout.strip() == "All checks passed: no findings in 11 files."


def test_every_command_help_has_an_example(runner: CliRunner) -> None:
    for command in ("lint", "score", "status", "report", "checkin", "init", "schema", "rules"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0 and "Examples:" in result.output, command
        assert f"okrbsc {command}" in result.output, command
