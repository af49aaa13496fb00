"""The text of a new OKR file, in the style `okrbsc init` writes (block mappings, flow
check-ins, plain scalars where YAML 1.1 and 1.2 read them alike, else quoted)."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from okrbsc.sheets.imports import Record
    from okrbsc.strategy.periods import Period

PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _.,()/%&+'-]*")
OBJECTIVE_KEYS = ("title", "type", "owner", "aligns_to", "weight")
KR_KEYS = ("title", "kind", "start", "target", "current", "done", "unit", "direction",
           "owner", "weight", "due")  # fmt: skip
DEFAULTS = {"type": "aspirational", "kind": "metric", "weight": 1}


def scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    text = str(value)
    plain = PLAIN.fullmatch(text) and not text.endswith((" ", ":"))
    if plain and ": " not in text and " #" not in text and _reads_as(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _reads_as(text: str) -> bool:
    try:
        return bool(yaml.safe_load(text) == text)
    except yaml.YAMLError:
        return False


def okr_file(team: str, period: Period, objectives: list[Record]) -> str:
    out = [f"kind: okrs\nteam: {scalar(team)}\nperiod: {period}\nobjectives:\n"]
    for obj in objectives:
        out.append(f"  - id: {scalar(obj.id)}\n")
        out += _keys(obj.values, OBJECTIVE_KEYS, "    ")
        krs: list[Record] = obj.values.get("key_results", [])
        if krs:
            out.append("    key_results:\n")
        for kr in krs:
            out.append(f"      - id: {scalar(kr.id)}\n")
            out += _keys(_binary(kr.values), KR_KEYS, "        ")
            if kr.checkins:
                out.append("        checkins:\n")
            for c in sorted(kr.checkins, key=lambda c: c["date"]):
                parts = [f"{k}: {scalar(v)}" for k, v in c.items() if v is not None]
                out.append("          - {" + ", ".join(parts) + "}\n")
    return "".join(out)


def _binary(values: dict[str, Any]) -> dict[str, Any]:
    """A binary key result is done or not: its `current` 0/1 is written as `done`."""
    if values.get("kind") != "binary":
        return values
    out = dict(values)
    current = out.pop("current", None)
    if current is not None and out.get("done") is None:
        out["done"] = bool(current)
    return out


def _keys(values: dict[str, Any], keys: tuple[str, ...], indent: str) -> list[str]:
    out = []
    for key in keys:
        found = values.get(key)
        if found is None or found == () or (key in DEFAULTS and found == DEFAULTS[key]):
            continue
        out.append(f"{indent}{key}: {scalar(found)}\n")
    return out
