"""What a measure of each kind may hold (SPEC 15.1 and 15.2), as E002 problems.

A metric measure holds numbers (its target may be a range `[LOW, HIGH]`); a binary
one holds true/false actuals and no target; an ordinal one holds words, checked
against its `scale` when it has one. Each problem is placed at the value at fault.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from okrbsc.strategy.loader import Pos

if TYPE_CHECKING:
    from okrbsc.strategy.models import Measure

Problem = tuple[Pos, str]


def on_scale(word: str, scale: list[str]) -> int | None:
    """The position of ``word`` on ``scale`` (0 is best), compared case-insensitively."""
    folded = [w.casefold() for w in scale]
    folded_word = word.casefold()
    return folded.index(folded_word) if folded_word in folded else None


def _value_at(measure: Measure, key: str, inner: object) -> Pos:
    src = measure.origin()
    mapping = None if src is None else src.get(key)
    vpos = getattr(mapping, "vpos", None)
    if vpos is not None and inner in vpos:
        pos: Pos = vpos[inner]
        return pos
    return measure.at(key)


def problems(measure: Measure) -> Iterator[Problem]:
    if measure.kind == "binary":
        yield from _binary(measure)
    elif measure.kind == "ordinal":
        yield from _ordinal(measure)
    else:
        yield from _metric(measure)
    if measure.scale is not None and measure.kind != "ordinal":
        yield measure.at("scale"), "`scale` belongs to `kind: ordinal` measures (words, best first)"


def _metric(measure: Measure) -> Iterator[Problem]:
    hint = "for a word use `kind: ordinal`, for true/false `kind: binary`"
    targets: list[tuple[str, object, object]] = [("target", None, measure.target)] + [
        ("targets", k, v) for k, v in measure.targets.items()
    ]
    for key, inner, value in targets:
        at = measure.at(key) if inner is None else _value_at(measure, key, inner)
        if isinstance(value, str):
            from okrbsc.strategy.validate import percent_hint  # '50%': the percent advice

            percent = percent_hint(value, "measure")
            yield (
                at,
                percent
                or (f"a metric measure's target is a number or [LOW, HIGH], not {value!r}: {hint}"),
            )
        elif isinstance(value, tuple) and value[0] > value[1]:
            yield at, f"a range is [LOW, HIGH] with LOW <= HIGH: write [{value[1]:g}, {value[0]:g}]"
    if isinstance(measure.red_flag, str):
        yield measure.at("red_flag"), f"a metric measure's red flag is a number: {hint}"
    if isinstance(measure.target, tuple):
        for key in ("direction", "red_flag"):
            if key in measure.model_fields_set and getattr(measure, key) is not None:
                yield (
                    measure.at(key),
                    f"a range target takes no `{key}`: outside the range is off target "
                    "on either side; use `bands: {green: G, red: R}` to set how far",
                )
    for period, value in measure.actuals.items():
        if not isinstance(value, float | int) or isinstance(value, bool):
            yield (
                _value_at(measure, "actuals", period),
                f"a metric measure's actual is a number: {hint}",
            )


def _binary(measure: Measure) -> Iterator[Problem]:
    for key in ("target", "red_flag", "bands", "direction"):
        if getattr(measure, key) is not None:
            yield (
                measure.at(key),
                f"a binary measure takes no `{key}`: it is met when its actual is true",
            )
    for period, value in measure.actuals.items():
        if not isinstance(value, bool):
            yield (
                _value_at(measure, "actuals", period),
                "a binary measure's actual is true or false",
            )


def _ordinal(measure: Measure) -> Iterator[Problem]:
    scale = measure.scale
    if scale is not None and len({w.casefold() for w in scale}) < len(scale):
        yield measure.at("scale"), "a scale names each word once"
    for key in ("bands", "direction"):
        if getattr(measure, key) is not None:
            yield measure.at(key), f"an ordinal measure takes no `{key}`: its `scale` orders it"
    named: list[tuple[str, object, object]] = [
        ("target", None, measure.target),
        ("red_flag", None, measure.red_flag),
    ]
    named += [("targets", k, v) for k, v in measure.targets.items()]
    named += [("actuals", k, v) for k, v in measure.actuals.items()]
    for key, inner, value in named:
        if value is None:
            continue
        at = measure.at(key) if inner is None else _value_at(measure, key, inner)
        if not isinstance(value, str):
            yield at, f"an ordinal measure's {_what(key)} is a word (quote it: '{_plain(value)}')"
        elif scale is not None and on_scale(value, scale) is None:
            yield at, f"{value!r} is not on the measure's scale ({', '.join(scale)})"


def _what(key: str) -> str:
    return {"actuals": "actual", "targets": "target", "red_flag": "red flag"}.get(key, key)


def _plain(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
