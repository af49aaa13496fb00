"""JSON Schemas (draft-07) of the data files and of okrbsc.yaml, from the models.

Editors (yaml-language-server) and check-jsonschema use them; unknown keys are
rejected as lint rejects them. Cross-file rules (references, counts) are lint's
job, not the schema's.
"""

from __future__ import annotations

import json
from typing import Any

from okrbsc import __version__
from okrbsc.strategy.models import Config, OkrFile, Scorecard

DRAFT_07 = "http://json-schema.org/draft-07/schema#"


def _draft07(schema: dict[str, Any]) -> dict[str, Any]:
    """Pydantic writes 2020-12 `$defs`; draft-07 tools know `definitions`."""
    text = json.dumps(schema).replace('"#/$defs/', '"#/definitions/')
    out: dict[str, Any] = json.loads(text)
    if "$defs" in out:
        out["definitions"] = out.pop("$defs")
    return out


def config_schema() -> dict[str, Any]:
    schema = _draft07(Config.model_json_schema())
    return {
        "$schema": DRAFT_07,
        "$id": f"okrbsc-{__version__}-config.json",
        "title": "okrbsc.yaml",
        "description": "Configuration of an okrbsc strategy repo.",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def data_schema() -> dict[str, Any]:
    """One schema for every data file, discriminated by `kind`."""
    definitions: dict[str, Any] = {}
    branches = []
    for kind, model in (("scorecard", Scorecard), ("okrs", OkrFile)):
        schema = _draft07(model.model_json_schema())
        definitions.update(schema.pop("definitions", {}))
        definitions[model.__name__] = schema
        branches.append(  # if/then, not oneOf: errors then speak of the right kind
            {
                "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
                "then": {"$ref": f"#/definitions/{model.__name__}"},
            }
        )
    return {
        "$schema": DRAFT_07,
        "$id": f"okrbsc-{__version__}-data.json",
        "title": "okrbsc data file",
        "description": "A scorecard (kind: scorecard) or OKR file (kind: okrs) of okrbsc.",
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"enum": ["scorecard", "okrs"]}},
        "allOf": branches,
        "definitions": definitions,
    }


SCHEMAS = {"data": data_schema, "config": config_schema}


def render(which: str) -> str:
    return json.dumps(SCHEMAS[which](), indent=2)
