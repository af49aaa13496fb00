"""Lint output formats, one class each behind one protocol, chosen by name."""

from __future__ import annotations

import hashlib
from typing import Any

from okrbsc import __version__
from okrbsc.lint.engine import LintResult
from okrbsc.lint.findings import Finding, Severity
from okrbsc.lint.rules import RULES, Rule
from okrbsc.render.text import json_text, visible

DOCS_URL = "https://github.com/okrbsc/okrbsc/blob/main/docs/rules.md"
HOME_URL = "https://github.com/okrbsc/okrbsc"


class Reporter:
    """Turns a lint result into the text of one output format."""

    def __init__(self, *, quiet: bool = False) -> None:
        self.quiet = quiet

    def render(self, result: LintResult) -> str:
        raise NotImplementedError


def summary_line(result: LintResult) -> str:
    files = f"{result.files} file{'s' if result.files != 1 else ''}"
    if not result.findings:
        return f"All checks passed: no findings in {files}."
    errors = f"{result.errors} error{'s' if result.errors != 1 else ''}"
    warnings = f"{result.warnings} warning{'s' if result.warnings != 1 else ''}"
    found = f"Found {errors} and {warnings} in {files}"
    if result.unreadable:
        unread = "1 file" if result.unreadable == 1 else f"{result.unreadable} files"
        return (
            f"{found}; {unread} could not be read: fix that first, the findings "
            "that depend on its contents follow once it reads."
        )
    return found + "."


def text_line(f: Finding) -> str:
    """One finding on one line: a file name or message from data is escaped."""
    return visible(f"{f.path}:{f.line}:{f.column}: {f.code} {f.message} [{f.name}]")


class TextReporter(Reporter):
    def render(self, result: LintResult) -> str:
        lines = [text_line(f) for f in result.findings]
        if not self.quiet:
            lines.append(summary_line(result))
        return "\n".join(lines)


class JsonReporter(Reporter):
    def render(self, result: LintResult) -> str:
        data = {
            "findings": [f.to_dict() for f in result.findings],
            "summary": {
                "errors": result.errors,
                "warnings": result.warnings,
                "files": result.files,
                "unreadable": result.unreadable,
            },
        }
        return json_text(data)


def _gh_data(text: str) -> str:
    """A workflow command's message: escapes first (no ESC reaches the log), then
    GitHub's own %-encoding, under which a line break stays a line break of the
    annotation and can never start a command of its own."""
    text = visible(text, keep="\r\n")
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(Reporter):
    """GitHub Actions workflow commands: one annotation per finding, then a summary."""

    def __init__(self, *, quiet: bool = False) -> None:
        self.quiet = quiet

    def render(self, result: LintResult) -> str:
        lines = []
        for f in result.findings:
            level = "error" if f.severity is Severity.ERROR else "warning"
            props = ",".join(
                f"{key}={_gh_property(str(value))}"
                for key, value in (
                    ("file", f.path),
                    ("line", f.line),
                    ("col", f.column),
                    ("title", f.code),
                )
            )
            lines.append(f"::{level} {props}::{_gh_data(f'{f.message} [{f.name}]')}")
        if not self.quiet:
            lines.append(summary_line(result))
        return "\n".join(lines)


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.OFF: "none"}


class SarifReporter(Reporter):
    """SARIF 2.1.0 for GitHub code scanning and other static-analysis hosts."""

    def render(self, result: LintResult) -> str:
        index = {rule.code: i for i, rule in enumerate(RULES)}
        driver = {
            "name": "okrbsc",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": HOME_URL,
            "rules": [_sarif_rule(rule) for rule in RULES],
        }
        sarif = {
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {"driver": driver},
                    "results": [_sarif_result(f, index[f.code]) for f in result.findings],
                }
            ],
        }
        return json_text(sarif)


def _sarif_rule(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.rationale},
        "helpUri": f"{DOCS_URL}#{rule.code.lower()}",
        "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
    }


def _sarif_result(f: Finding, rule_index: int) -> dict[str, Any]:
    location = {
        "artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": f.line, "startColumn": f.column},
    }
    return {
        "ruleId": f.code,
        "ruleIndex": rule_index,
        "level": _SARIF_LEVEL[f.severity],
        "message": {"text": f.message},
        "locations": [{"physicalLocation": location}],
    }


_GITLAB_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.OFF: "info"}


class GitlabReporter(Reporter):
    """GitLab Code Quality report (a JSON list of issues)."""

    def render(self, result: LintResult) -> str:
        issues: list[dict[str, Any]] = []
        seen: dict[str, int] = {}
        for f in result.findings:
            base = hashlib.sha256(
                f"{f.code}\0{f.path}\0{f.message}".encode("utf-8", "surrogateescape")
            ).hexdigest()
            count = seen.get(base, 0)
            seen[base] = count + 1
            if count:  # the same finding twice in a file still needs unique fingerprints
                base = hashlib.sha256(f"{base}{count}".encode()).hexdigest()
            fingerprint = base
            issues.append(
                {
                    "description": f"{f.code} {f.message}",
                    "check_name": f"{f.code} {f.name}",
                    "fingerprint": fingerprint,
                    "severity": _GITLAB_SEVERITY[f.severity],
                    "location": {"path": f.path, "lines": {"begin": f.line}},
                }
            )
        return json_text(issues)


REPORTERS: dict[str, type[Reporter]] = {
    "text": TextReporter,
    "json": JsonReporter,
    "github": GithubReporter,
    "sarif": SarifReporter,
    "gitlab": GitlabReporter,
}
