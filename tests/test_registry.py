"""The rule registry is complete, consistent and documented."""

from __future__ import annotations

import re
from pathlib import Path

import okrbsc.lint.rules as rules_pkg
from okrbsc.lint.findings import Severity
from okrbsc.lint.rules import MODULES, RULES, find_rule

SPEC_CODES = [
    "E001",
    "E002",
    "E003",
    "E004",
    "E005",
    "E006",
    "O101",
    "O102",
    "O103",
    "O104",
    "O105",
    "O106",
    "O107",
    "O108",
    "O109",
    "C201",
    "C202",
    "C203",
    "B301",
    "B302",
    "B303",
    "B304",
    "B305",
    "B306",
    "B307",
    "B308",
    "A401",
    "A402",
    "A403",
]


def test_every_rule_module_is_registered() -> None:
    folder = Path(rules_pkg.__file__).parent
    on_disk = {p.stem for p in folder.glob("[a-z][0-9][0-9][0-9]_*.py")}
    registered = {m.__name__.rsplit(".", 1)[1] for m in MODULES}
    assert on_disk == registered


def test_codes_and_names_are_unique_and_match_module_names() -> None:
    assert len({r.code for r in RULES}) == len(RULES)
    assert len({r.name for r in RULES}) == len(RULES)
    for module, rule in zip(MODULES, RULES, strict=True):
        stem = module.__name__.rsplit(".", 1)[1]
        assert stem == f"{rule.code.lower()}_{rule.name.replace('-', '_')}"


def test_spec_catalogue_is_covered_with_its_default_severities() -> None:
    assert set(SPEC_CODES) <= {r.code for r in RULES}
    warnings = {
        "O101",
        "O102",
        "O103",
        "O104",
        "O105",
        "O106",
        "O107",
        "O108",
        "C201",
        "C202",
        "B302",
        "B303",
        "B305",
        "B306",
        "B307",
        "B308",
        "A401",
        "A402",
        "A403",
    }
    for rule in RULES:
        if rule.code in SPEC_CODES:
            expected = Severity.WARNING if rule.code in warnings else Severity.ERROR
            assert rule.severity is expected, rule.code


def test_every_rule_is_documented_with_examples() -> None:
    for rule in RULES:
        assert re.match(r"^[A-Z`]", rule.summary), rule.code
        assert len(rule.rationale.splitlines()) >= 3, rule.code
        examples = rule.examples()
        assert examples.get("fails") and examples.get("passes"), rule.code


def test_rules_are_found_by_code_or_name() -> None:
    assert find_rule("o106") is find_rule("kr-is-activity") is find_rule("O106")
    assert find_rule("nope") is None


def test_docs_rules_reference_is_fresh() -> None:
    from okrbsc.render.ruledocs import reference_markdown

    docs = Path(__file__).parent.parent / "docs" / "rules.md"
    assert docs.read_text(encoding="utf-8") == reference_markdown(), (
        "docs/rules.md is stale: run `okrbsc rules --format md --all > docs/rules.md`"
    )
