"""`okrbsc rules` and `okrbsc schema`: what okrbsc checks, for people and for editors."""

from __future__ import annotations

import enum
from typing import Annotated

import typer

from okrbsc.cli.app import app
from okrbsc.cli.options import AsOfOpt, DocFormat, NoColorOpt, QuietOpt, RepoOpt
from okrbsc.errors import UsageError


@app.command()
def rules(
    explain: Annotated[
        str | None,
        typer.Option("--explain", metavar="CODE", help="Explain one rule, by code or name."),
    ] = None,
    output_format: Annotated[
        DocFormat, typer.Option("--format", "-f", help="Output format.")
    ] = DocFormat.text,
    everything: Annotated[
        bool, typer.Option("--all", help="With --format md: the full reference (docs/rules.md).")
    ] = False,
    repo: RepoOpt = None,
    as_of: AsOfOpt = None,
    quiet: QuietOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """List the lint rules, or explain one with a failing and a passing example.

    Examples:

      okrbsc rules

      okrbsc rules --explain O106

      okrbsc rules --explain stale-kr
    """
    from okrbsc.render.ruledocs import explain_rule, list_rules, reference_markdown

    if everything:
        typer.echo(reference_markdown(), nl=False)
        return
    if explain is None:
        typer.echo(list_rules(output_format.value))
        return
    text = explain_rule(explain, output_format.value)
    if text is None:
        raise UsageError(f"no rule {explain!r}: see `okrbsc rules` for the list")
    typer.echo(text)


class SchemaKind(enum.StrEnum):
    data = "data"
    config = "config"


@app.command()
def schema(
    which: Annotated[
        SchemaKind, typer.Argument(help="data: scorecard and OKR files; config: okrbsc.yaml.")
    ] = SchemaKind.data,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="Output format (json only).")
    ] = "json",
    repo: RepoOpt = None,
    as_of: AsOfOpt = None,
    quiet: QuietOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Print a JSON Schema (draft-07) for editors and check-jsonschema.

    Unknown keys are rejected, as lint rejects them; cross-file checks stay
    with lint.

    Examples:

      okrbsc schema > .okrbsc/data.schema.json

      okrbsc schema config > .okrbsc/config.schema.json

      check-jsonschema --schemafile .okrbsc/data.schema.json okrs/2026/Q3/*.yaml
    """
    from okrbsc.strategy.schema import render

    if output_format != "json":
        raise UsageError(f"--format {output_format}: a schema is printed as json only")
    typer.echo(render(which.value))
