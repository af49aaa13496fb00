"""Start-up (issue 32): a run of one command builds that command alone and loads only
what it needs, without changing a byte of what it prints."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app
from okrbsc.cli.app import only_command

COMMANDS = [
    c.name or c.callback.__name__.replace("_", "-")  # type: ignore[union-attr]
    for c in app.registered_commands
]


def test_every_command_is_found_by_its_name() -> None:
    assert {"lint", "score", "status", "report", "import", "checkin"} <= set(COMMANDS)
    for name in COMMANDS:
        narrowed = only_command([name, "--help"])
        assert narrowed is not app
        assert len(narrowed.registered_commands) == 1
        assert narrowed.registered_groups == []
    # the app itself is left whole
    assert len(app.registered_commands) == len(COMMANDS)
    assert app.registered_groups


@pytest.mark.parametrize(
    "argv",
    [[], ["--help"], ["--version"], ["units", "lock"], ["lnt"], ["--", "lint"]],
)
def test_anything_else_gets_the_whole_app(argv: list[str]) -> None:
    assert only_command(argv) is app


def test_a_shell_asking_for_completions_gets_the_whole_app(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("_OKRBSC_COMPLETE", "complete_bash")
    assert only_command(["lint"]) is app


@pytest.mark.parametrize("name", COMMANDS)
def test_help_of_a_command_built_alone_is_the_same(name: str) -> None:
    runner = CliRunner()
    whole = runner.invoke(app, [name, "--help"], prog_name="okrbsc")
    alone = runner.invoke(only_command([name]), [name, "--help"], prog_name="okrbsc")
    assert whole.exit_code == alone.exit_code == 0
    assert f"Usage: okrbsc {name} [OPTIONS]" in whole.output
    assert alone.output == whole.output


def test_a_usage_error_of_a_command_built_alone_is_the_same() -> None:
    runner = CliRunner()
    argv = ["lint", "--bogus"]
    whole = runner.invoke(app, argv, prog_name="okrbsc")
    alone = runner.invoke(only_command(argv), argv, prog_name="okrbsc")
    assert whole.exit_code == alone.exit_code == 2
    assert "No such option: --bogus" in whole.output
    assert alone.output == whole.output
