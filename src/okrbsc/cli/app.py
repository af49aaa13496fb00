"""The Typer application, its error handling and the entry point."""

from __future__ import annotations

import copy
import gc
import importlib
import os
import sys
import types
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from okrbsc import __version__
from okrbsc.errors import ExitCode, OkrbscError


class Group(TyperGroup):
    """Reports an :class:`OkrbscError` from any command once, with its exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except OkrbscError as exc:
            typer.echo(error_text(exc), err=True)
            raise typer.Exit(int(exc.exit_code)) from None
        finally:
            # Reading a repo freezes what it read (`strategy.repo.no_gc`): frozen
            # objects are never collected, so each command run in one process (a
            # test, a library user) would keep its repo for good. Hand them back to
            # the collector once the command is done; the console entry point then
            # leaves with os._exit, before any pass over them.
            gc.unfreeze()


def error_text(exc: OkrbscError) -> str:
    """``okrbsc: error: …`` and each detail indented below, every line escaped."""
    from okrbsc.render.text import visible

    lines = [f"okrbsc: error: {visible(exc.headline)}"]
    lines += [f"  {visible(detail)}" for detail in exc.details]
    return "\n".join(lines)


app = typer.Typer(
    name="okrbsc",
    cls=Group,
    help=(
        "Balanced Scorecard and OKRs as code: lint, score and report a strategy repo "
        "kept as YAML in git.\n\n"
        "Run `okrbsc lint` in CI, `okrbsc rules` to see what is checked."
    ),
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"okrbsc {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Balanced Scorecard and OKRs as code."""


def _exit_now(done: SystemExit) -> None:
    """Exit with ``done``'s status without tearing down what the command built.

    A big repo leaves millions of objects that the interpreter would free one
    by one on the way out (about half a second for 1,000 teams): flush the
    output and leave at once. Anything the flush cannot write (a closed pipe)
    takes the ordinary way out. Only the console entry point does this; the
    library and the test runner never exit.
    """
    code = done.code
    if code is not None and not isinstance(code, int):
        raise done  # a message for stderr: let Python print it
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        raise done from None
    os._exit(code or 0)


def _group_name(group: Any) -> object:
    """The name a group of commands is called by (Typer's placeholder unwrapped)."""
    name = group.name or group.typer_instance.info.name
    return getattr(name, "value", name)


def _command_name(command: Any) -> str:
    return str(command.name or typer.main.get_command_name(command.callback.__name__))


def only_command(argv: list[str]) -> typer.Typer:
    """:data:`app` with only the command that ``argv`` (the arguments) names.

    Typer builds the options of every command before it parses the command line:
    for twenty commands that is a fifth of the start-up of `okrbsc lint` on a small
    repo, and a run of one command needs its own alone. The whole app whenever the
    first argument is no command's name (``--help``, ``--version``, a group of
    commands, a typo to suggest for) or a shell asks for completions.
    """
    if not argv or any(k.startswith("_") and k.endswith("_COMPLETE") for k in os.environ):
        return app
    commands = [c for c in app.registered_commands if _command_name(c) == argv[0]]
    if len(commands) != 1 or argv[0] in {_group_name(g) for g in app.registered_groups}:
        return app
    narrowed = copy.copy(app)
    narrowed.registered_commands, narrowed.registered_groups = commands, []
    return narrowed


PLUGINS_OFF = ("__all__", "1", "true")  # the values of PYDANTIC_DISABLE_PLUGINS that turn all off
_PLUGIN_LOADER = "pydantic.plugin._loader"


class NoPydanticPlugins(types.ModuleType):
    """Stands in for pydantic's plugin loader while its plugins are all turned off.

    pydantic asks that module for its plugins when it builds a model's validator;
    the module imports importlib.metadata as it loads (about 13 ms of CPU: the
    e-mail parser, zipfile, csv), to scan entry points that, with every plugin off,
    it never scans. This answers no plugins without that import, as the real
    :func:`get_plugins` does then; if the setting has changed since, and for
    anything else asked of it, it hands over to the real module.
    """

    def get_plugins(self) -> Any:
        if os.environ.get("PYDANTIC_DISABLE_PLUGINS") in PLUGINS_OFF:
            return ()
        return self.real().get_plugins()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # what tools ask of every module (inspect: __file__)
            raise AttributeError(name)
        return getattr(self.real(), name)

    def real(self) -> types.ModuleType:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return importlib.import_module(self.__name__)


def no_pydantic_plugins() -> None:
    """Turn pydantic's plugins off (a user's own setting wins), and with them all off
    leave its plugin loader unloaded (:class:`NoPydanticPlugins`)."""
    # pydantic looks for plugins of its own by scanning the entry points of every
    # installed distribution when it builds the first model (0.09 s of the 1.7 s
    # command of `lint examples/` under cProfile); okrbsc uses none.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if os.environ["PYDANTIC_DISABLE_PLUGINS"] in PLUGINS_OFF and _PLUGIN_LOADER not in sys.modules:
        sys.modules[_PLUGIN_LOADER] = NoPydanticPlugins(_PLUGIN_LOADER)


def main() -> None:
    """Entry point: no traceback ever reaches the user unless OKRBSC_DEBUG is set."""
    no_pydantic_plugins()
    try:
        only_command(sys.argv[1:])()
    except SystemExit as done:
        _exit_now(done)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # the last line of defence
        if os.environ.get("OKRBSC_DEBUG"):
            raise
        from okrbsc.render.text import visible

        typer.echo(
            f"okrbsc: internal error: {type(exc).__name__}: {visible(exc)}\n"
            "This is a bug in okrbsc; run again with OKRBSC_DEBUG=1 for details and report it.",
            err=True,
        )
        sys.exit(int(ExitCode.USAGE))
