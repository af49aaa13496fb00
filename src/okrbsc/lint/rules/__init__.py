"""The rule catalogue: an explicit registry, in code order."""

from __future__ import annotations

import importlib
from types import ModuleType

from okrbsc.lint.directives import use_rules
from okrbsc.lint.rules.base import Rule

__all__ = ["MODULES", "RULES", "RULES_BY_KEY", "Rule", "find_rule"]

# The registry, in catalogue order: one module per rule (see base.Rule).
_NAMES = (
    "e001_yaml_syntax",
    "e002_schema",
    "e003_duplicate_key",
    "e004_duplicate_id",
    "e005_unknown_reference",
    "e006_period_mismatch",
    "e007_bad_directive",
    "e008_bidi_control",
    "e009_yaml11_value",
    "o101_objective_count",
    "o102_key_result_count",
    "o103_binary_heavy",
    "o104_kr_no_change",
    "o105_objective_unaligned",
    "o106_kr_is_activity",
    "o107_objective_has_number",
    "o108_okr_rewards",
    "o109_alignment_cycle",
    "c201_checkin_order",
    "c202_stale_kr",
    "c203_confidence_range",
    "c204_checkin_in_future",
    "b301_perspective_empty",
    "b302_objective_without_measure",
    "b303_measure_without_target",
    "b304_map_cycle",
    "b305_map_downward",
    "b306_map_isolated",
    "b307_lead_lag_balance",
    "b308_placeholder_text",
    "a401_perspective_uncovered",
    "a402_red_measure_unaddressed",
    "a403_dependency_unanswered",
    "g501_target_moved",
    "g502_checkin_rewritten",
    "g503_checkin_backdated",
    "p601_unknown_person",
    "u701_unit_unlocked",
    "u702_unit_stale",
)

MODULES: tuple[ModuleType, ...] = tuple(importlib.import_module(f"{__name__}.{n}") for n in _NAMES)

RULES: tuple[Rule, ...] = tuple(Rule.from_module(m) for m in MODULES)
RULES_BY_KEY: dict[str, Rule] = {
    **{r.code.upper(): r for r in RULES},
    **{r.name: r for r in RULES},
}


use_rules(RULES_BY_KEY)


def find_rule(key: str) -> Rule | None:
    """A rule by code (any case) or name."""
    return RULES_BY_KEY.get(key.upper()) or RULES_BY_KEY.get(key.lower())
