"""`okrbsc checkin`: append one check-in to the file that holds the key result."""

from __future__ import annotations

import datetime as dt
import difflib
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from okrbsc.errors import DataError, OkrbscError
from okrbsc.strategy.models import KeyResult
from okrbsc.strategy.periods import Period
from okrbsc.strategy.repo import OkrRef, Repo
from okrbsc.write.safe import WriteError, edit_yaml
from okrbsc.write.scalars import LARGEST_WHOLE
from okrbsc.write.splice import Doc


class CheckinError(OkrbscError):
    """The check-in cannot be written as asked (a usage error)."""


@dataclass(frozen=True)
class Target:
    ref: OkrRef
    index: int

    @property
    def kr(self) -> KeyResult:
        return self.ref.objective.key_results[self.index]

    @property
    def kr_id(self) -> str:
        return self.ref.objective.kr_id(self.index)


def find_target(repo: Repo, kr_id: str, period: Period | None) -> Target:
    found = repo.key_results_named(kr_id)
    if not found:
        refuse_if_unreadable(repo, kr_id)
        known = [
            ref.objective.kr_id(i)
            for refs in repo.periods.values()
            for ref in refs
            for i in range(len(ref.objective.key_results))
        ] + list(repo.measures)
        close = difflib.get_close_matches(kr_id, sorted(set(known)), n=3, cutoff=0.5)
        hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
        raise CheckinError(f"no key result or measure {kr_id!r} in this repo{hint}")
    if period is not None:
        found = [(ref, i) for ref, i in found if ref.period == period]
        if not found:
            raise CheckinError(f"key result {kr_id!r} is not in {period}")
    else:
        running = [(ref, i) for ref, i in found if repo.running(ref.period)]
        if not running:
            periods = ", ".join(sorted({str(ref.period) for ref, _ in found}))
            raise CheckinError(
                f"key result {kr_id!r} is in no period running at {repo.as_of} "
                f"(it is in {periods}): pass --period"
            )
        found = running
    if len(found) > 1:
        periods = ", ".join(str(ref.period) for ref, _ in found)
        raise CheckinError(f"key result {kr_id!r} is in several periods ({periods}): pass --period")
    ref, index = found[0]
    return Target(ref, index)


def refuse_if_unreadable(repo: Repo, kr_id: str) -> None:
    """A key result we cannot find may sit in a file that does not load: say which (exit 1)."""
    for file in repo.files:
        bad = [p for p in file.problems if p.code in {"E001", "E002", "E003"}]
        if bad and kr_id in file.text:
            first = bad[0]
            raise WriteError(
                f"{file.path} does not load cleanly, so {kr_id!r} cannot be checked in; "
                f"first error: {file.path}:{first.line}:{first.column}: {first.code} "
                f"{first.message} (run okrbsc lint)"
            )


def _percent(text: str) -> float | None:
    word = text.strip()
    if not word.endswith("%"):
        return None
    try:
        return float(word[:-1].strip())
    except ValueError:
        return None


def parse_confidence(repo: Repo, text: str | None) -> float | None:
    """--confidence from the command line, in okrbsc's words when it is not a number."""
    if text is None:
        return None
    scale = repo.config.confidence_scale
    percent = _percent(text)
    if percent is not None:
        raise CheckinError(
            f"--confidence: expected a number, got {text!r}: write {percent / 100 * scale:g} "
            f"(confidence_scale is {scale}: 0 to {scale})"
        )
    try:
        number = float(text)
    except ValueError:
        raise CheckinError(
            f"--confidence: expected a number from 0 to {scale}, got {text!r}"
        ) from None
    check_confidence(repo, number)
    return number


def parse_value(kr: KeyResult, text: str) -> int | float | bool:
    """A check-in value from the command line: a number, or 0/1/true/false when binary."""
    word = text.strip().lower()
    if kr.kind == "binary":
        if word in {"1", "true", "yes", "done"}:
            return True
        if word in {"0", "false", "no"}:
            return False
        raise CheckinError(f"a binary key result takes 0/1 or true/false, not {text!r}")
    return parse_number(text, "the key result's unit")


def parse_number(text: str, unit: str = "the unit") -> int | float:
    """A finite number from the command line (``-3`` included), in okrbsc's words."""
    word = text.strip().lower()
    try:
        number: int | float = int(word)
    except ValueError:
        try:
            number = float(word)
        except ValueError:
            percent = _percent(text)
            if percent is not None:
                raise CheckinError(
                    f"expected a number, got {text!r}: write {percent:g} "
                    f"({unit} says what it counts)"
                ) from None
            raise CheckinError(f"expected a number, got {text!r}") from None
    return representable(number, text)


_INFINITE = "infinities are not values"
NOT_NUMBERS = {"inf": _INFINITE, "infinity": _INFINITE, "nan": "NaN (not a number) is not a value"}


def representable(number: int | float, text: str) -> int | float:
    """The number as okrbsc writes it and reads it back, exactly (SPEC 12.1, 12.3):
    whole numbers beyond 10**15 are written as floats when a float holds them
    exactly; a value that would be written as another number (``1e-400`` as 0.0,
    a 26-digit integer with its last digits lost), an infinity or NaN is refused,
    naming the value."""
    stripped = text.strip()
    shown = stripped if len(stripped) <= 40 else f"{stripped[:20]}… ({len(stripped)} digits)"
    kind = NOT_NUMBERS.get(stripped.lower().lstrip("+-"))
    if kind is not None:
        raise CheckinError(f"value {shown}: {kind}; give a finite number")
    try:
        written: int | float = number if isinstance(number, float) else _whole(number)
    except OverflowError:
        raise CheckinError(
            f"value {shown} is too large: okrbsc holds numbers up to about 1.8e+308"
        ) from None
    if not math.isfinite(written):
        raise CheckinError(f"value {shown} is too large: okrbsc holds numbers up to about 1.8e+308")
    if written != number or not _same_decimal(stripped, written):
        raise CheckinError(
            f"value {shown} cannot be written exactly: it would read back as "
            f"{_as_written(written)}; round it, or give it in a larger or smaller unit "
            "(nothing was written)"
        )
    return written


def _whole(number: int) -> int | float:
    return number if abs(number) <= LARGEST_WHOLE else float(number)


def _same_decimal(typed: str, written: int | float) -> bool:
    """Whether the number typed is the number written (``2.50`` is 2.5; ``1e-400`` is not 0)."""
    from decimal import Decimal, InvalidOperation

    try:
        return Decimal(typed) == Decimal(repr(written))
    except InvalidOperation:
        return False


def _as_written(value: int | float) -> str:
    from okrbsc.write.scalars import scalar

    return scalar(value)


def check_confidence(repo: Repo, confidence: float | None) -> None:
    scale = repo.config.confidence_scale
    if confidence is not None and not (math.isfinite(confidence) and 0 <= confidence <= scale):
        raise CheckinError(f"confidence {confidence:g} is outside 0..{scale} (confidence_scale)")


def append_checkin(
    repo: Repo,
    target: Target,
    value: int | float | bool,
    *,
    day: dt.date,
    confidence: float | None = None,
    note: str | None = None,
    replace: bool = False,
    force: bool = False,
) -> str:
    """Write the check-in (with ``replace``: over the one of the same date); returns
    the file's repo-relative path. A key result whose grade is final is refused
    unless ``force`` (SPEC 14.2)."""
    if not force:
        refuse_if_final(repo, target)
    path, label, edit = checkin_edit(
        repo, target, value, day=day, confidence=confidence, note=note, replace=replace
    )
    edit_yaml(path, label, edit)
    return label


def checkin_edit(
    repo: Repo,
    target: Target,
    value: int | float | bool,
    *,
    day: dt.date,
    confidence: float | None = None,
    note: str | None = None,
    replace: bool = False,
) -> tuple[Path, str, Callable[[Doc], None]]:
    """The check-in as an edit of its file, refused as `append_checkin` refuses it:
    (path, repo-relative path, edit), for `edit_yaml` or, with others, `edit_all`."""
    period, cal = target.ref.period, repo.calendar
    if not cal.contains(period, day):
        raise CheckinError(
            f"{day} lies outside {period} ({cal.start(period)} to {cal.end(period)}): pass --date"
        )
    if day > repo.as_of:
        raise CheckinError(
            f"--date {day} is after as-of ({repo.as_of}): a check-in records a value already "
            "measured; nothing was written"
        )
    check_confidence(repo, confidence)
    entry: dict[str, Any] = {"date": day, "value": value}
    if confidence is not None:
        entry["confidence"] = int(confidence) if confidence == int(confidence) else confidence
    if note:
        entry["note"] = note
    objective_index = target.ref.doc.objectives.index(target.ref.objective)
    path = repo.root / target.ref.file.path
    earlier = same_day(target, day, replace=replace)
    where = ("objectives", objective_index, "key_results", target.index)

    def edit(doc: Doc) -> None:
        if earlier is None:
            add_checkins(doc, where, [(None, entry)])
        else:
            _rewrite(doc, (*where, "checkins", earlier), entry)

    return path, target.ref.file.path, edit


class FinalScore(DataError):
    """The key result's grade is final: a recorded score is in force on it (exit 1)."""


def refuse_if_final(repo: Repo, target: Target) -> None:
    """Refuse a check-in on a key result whose grade is final (SPEC 14.2)."""
    from okrbsc.scoring.freshness import final_score

    why = final_score(repo, target.ref, target.kr)
    if why is not None:
        end = repo.calendar.end(target.ref.period)
        raise FinalScore(
            f"{target.kr_id} has {why}, final since {end} (the last day of "
            f"{target.ref.period}): a check-in would not change its score; pass --force "
            "to add it anyway (the recorded score stays; nothing was written)"
        )


class SameDayCheckin(DataError):
    """The key result already has a check-in on that date (exit 1): --replace rewrites it."""


def same_day(target: Target, day: dt.date, *, replace: bool) -> int | None:
    """The index of the check-in already dated ``day`` (the last one), or None.

    Without ``replace`` an existing one is refused, naming it: a same-day
    correction must not add a second check-in that silently wins (SPEC 10.7).
    """
    found = [i for i, c in enumerate(target.kr.checkins) if c.date == day]
    if not found:
        return None
    index = found[-1]
    if not replace:
        old = target.kr.checkins[index]
        line, col = target.kr.item_at("checkins", index)
        shown = str(old.value).lower() if isinstance(old.value, bool) else f"{old.value:g}"
        raise SameDayCheckin(
            f"{target.ref.file.path}:{line}:{col}: {target.kr_id} already has a check-in on "
            f"{day} (value {shown}): pass --replace to rewrite it (nothing was written)"
        )
    return index


def _rewrite(doc: Doc, at: tuple[str | int, ...], entry: dict[str, Any]) -> None:
    """Make an existing check-in say ``entry``, in place: same position, same style,
    its comments kept; keys it no longer has are removed."""
    for key in [k for k in doc.original_at(at) if k not in entry]:
        doc.delete(at, key)
    for key, value in entry.items():
        doc.set(at, key, value)


def add_checkins(
    doc: Doc, kr: tuple[str | int, ...], entries: list[tuple[int | None, Any]]
) -> None:
    """Put check-ins into the key result at ``kr``: each (index or None for last, entry),
    indexes into the list as it was read; a key result without a list gets one, a
    block list of one line per check-in (SPEC 14.7)."""
    doc.add_items(kr, "checkins", entries, before=("source",))
