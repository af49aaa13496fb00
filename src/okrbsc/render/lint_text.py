"""Coloured terminal output of lint findings (rich; only used on a terminal)."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from okrbsc.lint.engine import LintResult
from okrbsc.lint.findings import Severity
from okrbsc.render.lint_formats import summary_line
from okrbsc.render.text import visible


def print_findings(result: LintResult, *, quiet: bool = False) -> None:
    console = Console(highlight=False, soft_wrap=True, markup=False, emoji=False)
    for f in result.findings:
        colour = "red" if f.severity is Severity.ERROR else "yellow"
        line = Text()
        line.append(visible(f"{f.path}:{f.line}:{f.column}:"), style="bold")
        line.append(" ")
        line.append(f.code, style=f"bold {colour}")
        line.append(f" {visible(f.message)} ")
        line.append(f"[{f.name}]", style="dim")
        console.print(line)
    if not quiet:
        style = "bold red" if result.errors else ("yellow" if result.warnings else "green")
        console.print(Text(summary_line(result), style=style))
