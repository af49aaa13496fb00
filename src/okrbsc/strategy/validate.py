"""Validate loaded data against the models; turn every error into a positioned problem.

When a file is partly wrong, the offending keys and items are pruned and the
rest is validated again, so one typo does not hide the whole file from the
cross-file rules.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from okrbsc.strategy.loader import PosDict, PosList, Problem
from okrbsc.strategy.models import (
    DATA_KINDS,
    Node,
    OkrFile,
    Scorecard,
    Sources,
    positions_within,
)
from okrbsc.strategy.urls import hide_password

M = TypeVar("M", bound=Node)
_PRUNE_ROUNDS = 8


def validate_data(data: Any) -> tuple[Node | None, list[Problem]]:
    """Validate a data file's content, dispatching on its ``kind``."""
    if data is None:
        return None, [Problem("E002", "the file is empty: a data file needs `kind`", 1, 1)]
    if not isinstance(data, PosDict):
        line, col = getattr(data, "line", 1), getattr(data, "col", 1)
        return None, [Problem("E002", "a data file must be a mapping with `kind`", line, col)]
    kind = data.get("kind")
    if "kind" not in data:
        return None, [Problem("E002", "missing required key 'kind' (scorecard or okrs)", 1, 1)]
    model = DATA_KINDS.get(kind) if isinstance(kind, str) else None
    if model is None:
        hint = did_you_mean(str(kind), DATA_KINDS)
        msg = f"unknown kind {kind!r}: expected scorecard or okrs{hint}"
        return None, [Problem("E002", msg, *data.vpos["kind"])]
    result, problems = validate_as(model, data)
    if isinstance(result, OkrFile | Scorecard):
        with positions_within(result):
            problems += [Problem("E002", msg, *pos) for pos, msg in result.kind_problems()]
    return result, problems


def validate_clean(data: Any, model: type[Node] | None = None) -> Node | None:
    """The model of plain (unpositioned) data that validates with no problem at all.

    None when anything would be reported: the caller then reads the file with
    positions and validates that (`validate_data`, `validate_as`), so every
    problem is found, and placed, by one path only.
    """
    if not isinstance(data, dict):
        return None
    kind = data.get("kind")
    chosen = model or (DATA_KINDS.get(kind) if isinstance(kind, str) else None)
    if chosen is None:
        return None
    try:
        result = chosen.model_validate(data)
    except ValidationError:
        return None
    if isinstance(result, OkrFile | Scorecard):
        with positions_within(None):  # a problem is enough: the positioned path places it
            if next(result.kind_problems(), None):
                return None
    return result


def validate_as(model: type[M], data: Any) -> tuple[M | None, list[Problem]]:
    """Validate, pruning what fails, and return the model of what is left."""
    if not isinstance(data, PosDict):
        line, col = getattr(data, "line", 1), getattr(data, "col", 1)
        return None, [Problem("E002", "expected a mapping at the top of the file", line, col)]
    problems: list[Problem] = []
    for round_ in range(_PRUNE_ROUNDS):
        try:
            result = model.model_validate(data)
            Sources(result, "", data)  # its positions are the (pruned) positioned data
            return result, problems
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
            if round_ == 0:
                problems = [_problem(model, data, err) for err in errors]
            if not _prune(data, errors):
                break
    return None, problems


def _problem(model: type[BaseModel], data: PosDict, err: Any) -> Problem:
    loc = tuple(err["loc"])
    kind = err["type"]
    line, col = _position(data, loc, key=kind == "extra_forbidden" or "[key]" in loc)
    original = loc
    if loc[:1] == ("sources",):  # a URL written where it does not belong: never its password
        loc, err = _without_passwords(loc, err)
    path = _dotted(loc)
    if kind == "extra_forbidden":
        key = str(loc[-1])
        hint = _split_query(loc, key) or did_you_mean(key, _fields_at(model, loc[:-1]))
        where = f" in {_dotted(loc[:-1])}" if len(loc) > 1 else ""
        return Problem("E002", f"unknown key {key!r}{where}{hint}", line, col)
    if kind == "missing":
        return Problem("E002", f"missing required key {str(loc[-1])!r} in {path}", line, col)
    msg = _own_words(kind, err, loc)
    line, col = _empty_value_named(data, original, msg) or (line, col)
    return Problem("E002", f"{path}: {msg}" if path else msg, line, col)


def _split_query(loc: tuple[Any, ...], key: str) -> str:
    """`source: {from: db, query: select a, b from t}`: YAML ends the query at the comma
    and reads `b from t` as a key of its own (SPEC 14.6)."""
    if loc[-2:-1] != ("source",) or not key.strip() or " " not in key.strip():
        return ""
    return (
        ": the query holds a comma, which ends a value in a {…} mapping, so the rest "
        'became a key; quote the query (query: "select a, b from t")'
    )


def _without_passwords(loc: tuple[Any, ...], err: Any) -> tuple[tuple[Any, ...], Any]:
    """``loc`` and ``err`` with every URL's password shown as ``***`` (SPEC 12.3)."""
    hidden = tuple(hide_password(p) if isinstance(p, str) else p for p in loc)
    value = err.get("input")
    if isinstance(value, str):
        shown = hide_password(value)
        err = {**err, "input": shown, "msg": str(err["msg"]).replace(value, shown)}
    return hidden, err


def _empty_value_named(data: PosDict, loc: tuple[Any, ...], msg: str) -> tuple[int, int] | None:
    """Where a key the message names was written but holds nothing (null, or a value
    the reader could not read): the problem belongs there, where the reader's is."""
    node: Any = data
    for part in loc:
        in_dict = isinstance(node, PosDict) and part in node
        in_list = isinstance(node, PosList) and isinstance(part, int) and 0 <= part < len(node)
        if not (in_dict or in_list):
            return None
        node = node[part]
    if not isinstance(node, PosDict):
        return None
    for key, value in node.items():
        if value is None and isinstance(key, str) and re.search(rf"\b{re.escape(key)}\b", msg):
            pos: tuple[int, int] = node.vpos[key]
            return pos
    return None


_PERCENT = re.compile(r"^\s*([-+]?\d+(?:[.,]\d+)?)\s*%\s*$")
_TYPE_WORDS = {
    "bool": "true or false",
    "string": "text",
    "int": "a whole number",
    "float": "a number",
    "list": "a list",
    "dict": "a mapping",
    "model": "a mapping",
    "model_attributes": "a mapping",
    "date": "a date YYYY-MM-DD",
    "datetime": "a date YYYY-MM-DD",
    "date_from_datetime": "a date YYYY-MM-DD",
}


def percent_hint(value: object, thing: str = "key result") -> str | None:
    """``'88%'``: the number without its sign, and where the unit goes."""
    match = _PERCENT.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    number = match.group(1).replace(",", ".")
    return f"expected a number, got {value!r}: write {number} and put unit: '%' on the {thing}"


def _confidence_hint(value: object) -> str | None:
    """``confidence: 60%``: a confidence has no unit; 0.6 on the default scale (SPEC 14.6)."""
    match = _PERCENT.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    number = float(match.group(1).replace(",", "."))
    return (
        f"expected a number, got {value!r}: write {number / 100:g} "
        f"(or {number / 10:g} with confidence_scale: 10)"
    )


def _own_words(kind: str, err: Any, loc: tuple[Any, ...]) -> str:
    """A validation error in okrbsc's words: what was expected, what was found."""
    value = err.get("input")
    thing = "measure" if "measures" in loc else "key result"
    hint = _confidence_hint(value) if loc[-1:] == ("confidence",) else percent_hint(value, thing)
    if hint is not None:
        return hint
    msg = str(err["msg"]).removeprefix("Value error, ")
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"expected {expected}, got {_short(value)}"
    if kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        msg = msg.replace("Input should be", "must be")
        return f"{msg}, got {_short(value)}"
    for suffix in ("_type", "_parsing", "_from_datetime_parsing", "_from_datetime_inexact"):
        base = kind.removesuffix(suffix)
        if kind.endswith(suffix) and base in _TYPE_WORDS:
            return f"expected {_TYPE_WORDS[base]}, got {_short(value)}"
    if kind == "value_error":
        return _GOT_TYPE.sub(r"got ", msg)
    msg = msg.replace("Input should be", "expected").split(", input is")[0]
    return f"{msg}, got {_short(value)}"


_GOT_TYPE = re.compile(r"got (?:str|int|float) (?=')")


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part == "[key]" or "[" in str(part):
            continue  # pydantic's internal markers (union members, validators)
        else:
            out += f".{part}" if out else str(part)
    return out


def _position(data: Any, loc: tuple[Any, ...], *, key: bool) -> tuple[int, int]:
    """Walk ``loc`` through the positioned data as far as it goes."""
    node, pos = data, (data.line, data.col)
    for i, part in enumerate(loc):
        last = i == len(loc) - 1 or all(p == "[key]" for p in loc[i + 1 :])
        if isinstance(node, PosDict) and part in node.kpos:
            pos = node.kpos[part] if (key and last) else node.vpos[part]
            node = node[part]
        elif isinstance(node, PosList) and isinstance(part, int) and 0 <= part < len(node):
            pos = node.ipos[part]
            node = node[part]
        elif isinstance(node, PosDict) and isinstance(part, str) and part.isdigit():
            number = int(part)  # dict keys that YAML read as numbers come back as text
            if number in node.kpos:
                pos = node.kpos[number] if key else node.vpos[number]
                node = node[number]
    return pos


def _prune(data: PosDict, errors: list[Any]) -> bool:
    """Delete what each error is about; return False when nothing could be deleted."""
    targets: dict[tuple[Any, ...], tuple[Any, Any]] = {}
    for err in errors:
        found = _deepest(data, tuple(err["loc"]), missing=err["type"] == "missing")
        if found is not None:
            path, container, member = found
            targets[path] = (container, member)
    if not targets:
        return False
    for path in sorted(targets, key=_sort_key, reverse=True):
        container, member = targets[path]
        if isinstance(container, PosList):
            del container[member]
            del container.ipos[member]
        else:
            container.pop(member, None)
    return True


def _sort_key(path: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple((0, p) if isinstance(p, int) else (1, str(p)) for p in path)


def _deepest(data: Any, loc: tuple[Any, ...], *, missing: bool) -> Any:
    """(path, container, member) of the innermost existing element named by ``loc``."""
    node: Any = data
    path: tuple[Any, ...] = ()
    found: tuple[tuple[Any, ...], Any, Any] | None = None
    for part in loc[:-1] if missing else loc:
        inside_dict = isinstance(node, PosDict) and part in node
        inside_list = isinstance(node, PosList) and isinstance(part, int) and 0 <= part < len(node)
        if inside_dict or inside_list:
            path = (*path, part)
            found = (path, node, part)
            node = node[part]
    return found


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names of the model found at ``loc`` (for did-you-mean hints)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or part == "[key]":
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = current.model_fields.get(str(part))
        if field is None:
            return []
        current = _inner_model(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or name for name, f in current.model_fields.items()]  # `from`, not `from_`
    return []


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    if isinstance(annotation, types.UnionType):  # pragma: no cover - covered by get_args
        return None
    return None


def did_you_mean(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def nearest(word: str, choices: Any, n: int = 3) -> str:
    """`` (did you mean 'sales' or 'sales-emea'?)``: up to ``n`` ids nearest to ``word``."""
    close = difflib.get_close_matches(word, list(dict.fromkeys(choices)), n=n, cutoff=0.6)
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
