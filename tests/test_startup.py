"""Start-up (issue 32): a run of one command builds that command alone and loads only
what it needs, without changing a byte of what it prints."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app
from okrbsc.cli.app import NoPydanticPlugins, only_command

from .conftest import EXAMPLES

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


# What `okrbsc lint` on a small repo must not load: the renderers' and writers'
# libraries, the engines of `pull`, and okrbsc's own code for other commands.
NOT_FOR_LINT = (
    "rich",
    "jinja2",
    "ruamel",
    "httpx",
    "duckdb",
    "sqlalchemy",
    "okrbsc.history.diff",
    "okrbsc.history.backdate",
    "okrbsc.history.git",
    "okrbsc.units.fetch",
    "okrbsc.units.portfolio",
    "okrbsc.write.scaffold",
    "okrbsc.write.safe",
    "okrbsc.scoring.engine",
    # pydantic's plugin loader imports it, for plugins okrbsc turns off
    "importlib.metadata",
    "email",
)

# Run the console entry point in a fresh interpreter and list, as it leaves (it
# leaves with os._exit), the modules it loaded.
LOADED = """
import os, sys
leave = os._exit
def listed(code):
    print(" ".join(sys.modules), file=sys.stderr, flush=True)
    leave(code)
os._exit = listed
sys.argv = ["okrbsc", *sys.argv[1:]]
from okrbsc.cli import main
main()
"""


def loaded_by(*argv: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_COMPLETE")}
    out = subprocess.run(
        [sys.executable, "-c", LOADED, *argv], capture_output=True, text=True, env=env, timeout=120
    )
    return out, set(out.stderr.split())


@pytest.mark.parametrize("cache", [[], ["--no-cache"]])
def test_lint_of_examples_loads_nothing_it_does_not_need(cache: list[str]) -> None:
    out, modules = loaded_by("lint", "--repo", str(EXAMPLES), "--as-of", "2026-11-20", *cache)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "All checks passed: no findings in 11 files.\n"
    assert "okrbsc.lint.engine" in modules  # the list is of a real run
    heavy = {m for m in modules if m in NOT_FOR_LINT or m.split(".")[0] in NOT_FOR_LINT}
    assert heavy == set()


def test_the_stand_in_for_the_plugin_loader_answers_as_pydantic_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pydantic.plugin import _loader

    stand_in = NoPydanticPlugins(_loader.__name__)
    for off in ("__all__", "1", "true"):
        monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", off)
        assert tuple(stand_in.get_plugins()) == tuple(_loader.get_plugins()) == ()
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "some-plugin")  # then the real one answers
    assert list(stand_in.get_plugins()) == list(_loader.get_plugins())
    assert stand_in.PYDANTIC_ENTRY_POINT_GROUP == _loader.PYDANTIC_ENTRY_POINT_GROUP
    assert not hasattr(stand_in, "__file__")  # inspect asks every module: never the real one


STAND_IN = """
import sys
from okrbsc.cli.app import no_pydantic_plugins
no_pydantic_plugins()
loader = type(sys.modules.get("pydantic.plugin._loader")).__name__
from okrbsc.strategy.models import Config
print(loader, Config.model_validate({"organisation": "Acme"}).organisation,
      "importlib.metadata" in sys.modules)
"""


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        (None, "NoPydanticPlugins Acme False"),
        ("1", "NoPydanticPlugins Acme False"),
        ("some-plugin", "NoneType Acme True"),  # a user's own setting: pydantic's own loader
    ],
)
def test_the_plugin_loader_stands_in_only_while_plugins_are_off(
    setting: str | None, expected: str
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if setting is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = setting
    out = subprocess.run(
        [sys.executable, "-c", STAND_IN], capture_output=True, text=True, env=env, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == expected
