"""The texts `okrbsc init` writes for the user to replace: kept apart from the
scaffold, so lint's B308 reads them without loading the writing code."""

MISSION_PLACEHOLDER = "Placeholder: why the organisation exists, in one sentence"
VISION_PLACEHOLDER = "Placeholder: where it will be in three to five years"
PLACEHOLDERS = (
    MISSION_PLACEHOLDER,
    VISION_PLACEHOLDER,
    # what earlier versions of `okrbsc init` wrote
    "Say in one sentence why the organisation exists",
    "Say where it will be in three to five years",
)
"""Texts `okrbsc init` writes for the user to replace (lint B308 finds them)."""
