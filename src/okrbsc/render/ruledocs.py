"""Rule documentation generated from the registry: `okrbsc rules` and docs/rules.md."""

from __future__ import annotations

import json

from okrbsc.lint.rules import RULES, Rule, find_rule
from okrbsc.render.text import visible


def list_rules(fmt: str = "text") -> str:
    if fmt == "json":
        return json.dumps([_as_dict(rule) for rule in RULES], indent=2)
    if fmt == "md":
        rows = ["| code | name | default | what it finds |", "|---|---|---|---|"]
        rows += [
            f"| [{r.code}](#{r.code.lower()}) | {r.name} | {r.severity.value} | {r.summary} |"
            for r in RULES
        ]
        return "\n".join(rows)
    width = max(len(r.name) for r in RULES)
    return "\n".join(
        visible(f"{r.code}  {r.name:<{width}}  {r.severity.value:<7}  {r.summary}") for r in RULES
    )


def explain_rule(key: str, fmt: str = "text") -> str | None:
    rule = find_rule(key)
    if rule is None:
        return None
    if fmt == "json":
        return json.dumps(_as_dict(rule), indent=2)
    examples = rule.examples()
    if fmt == "md":
        parts = [f"## {rule.code}", "", f"**{rule.name}** (default: {rule.severity.value})", ""]
        parts.append(rule.rationale)
        for label in ("fails", "passes"):
            if label in examples:
                parts += ["", f"{label.capitalize()}:", "", "```yaml", examples[label], "```"]
        return "\n".join(parts)
    parts = [f"{rule.code} {rule.name} (default: {rule.severity.value})", "", rule.rationale]
    for label in ("fails", "passes"):
        if label in examples:
            parts += ["", f"{label.capitalize()}:", "", _indent(examples[label])]
    parts += ["", f"Configure in okrbsc.yaml: lint: {{rules: {{{rule.code}: error|warning|off}}}}"]
    parts += [f"Silence one place: # okrbsc: disable={rule.code}"]
    return visible("\n".join(parts), keep="\n")


def reference_markdown() -> str:
    """docs/rules.md: the table and every rule explained (a test keeps it fresh)."""
    parts = [
        "# Rules reference",
        "",
        "<!-- Generated from the rule registry by `okrbsc rules --format md --all`;"
        " do not edit by hand. -->",
        "",
        "Configure a rule in `okrbsc.yaml` under `lint.rules` by code or name"
        " (`error`, `warning` or `off`); silence one place with"
        " `# okrbsc: disable=CODE` on the line or the line above, or a whole file"
        " with `# okrbsc: disable-file=CODE`.",
        "",
        list_rules("md"),
    ]
    for rule in RULES:
        parts += ["", explain_rule(rule.code, "md") or ""]
    return "\n".join(parts) + "\n"


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.splitlines())


def _as_dict(rule: Rule) -> dict[str, object]:
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity.value,
        "summary": rule.summary,
        "rationale": rule.rationale,
        "examples": rule.examples(),
    }
