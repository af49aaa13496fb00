"""Fiscal periods: years, halves and quarters, and the calendar that places them
(SPEC 2.2, 10.2, 15.4).

A period is written `2026`, `2026-H1` or `2026-Q3`, or with the `FY` spellings
of 10.2: `FY2026`, `FY26`, `FY2026-H2`, `FY26-Q3`, `FY26 Q3` (any case; a
two-digit year is 20xx). Output always writes the canonical `2026-Q3`, `2026-H1`. Whether fiscal
year 2026 starts or ends in calendar year 2026 is the calendar's business
(`FiscalCalendar.named_by`), not the period's.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

_PERIOD = re.compile(r"^(\d{4})(?:-(?:Q([1-4])|H([12])))?$", re.IGNORECASE)
_FY_PERIOD = re.compile(r"^FY(\d{4}|\d{2})(?:(?:-| )(?:Q([1-4])|H([12])))?$", re.IGNORECASE)
PERIOD_HINT = "write 2026, 2026-Q3, 2026-H1, FY2026, FY26-Q3, FY26 Q3 or FY26-H1"
_BARE_QUARTER = re.compile(r"^Q([1-4])$")
_BARE_HALF = re.compile(r"^H([12])$")
FIRST_YEAR, LAST_YEAR = 1, 9998  # SPEC 12.1: every date of such a period, and the next, exists


@dataclass(frozen=True, slots=True)
class Period:
    """Fiscal year ``year`` (quarter and half None), its quarter 1-4, or its half 1-2
    (SPEC 15.4: H1 is Q1 and Q2, H2 is Q3 and Q4).

    Periods sort by their first day, a longer period before a shorter one that
    starts with it: 2026, 2026-H1, 2026-Q1, 2026-Q2, 2026-H2, 2026-Q3, ...
    """

    year: int
    quarter: int | None = None
    half: int | None = None

    def _key(self) -> tuple[int, int, int]:
        if self.quarter is not None:
            return (self.year, self.quarter, 2)
        if self.half is not None:
            return (self.year, 2 * self.half - 1, 1)
        return (self.year, 0, 0)

    def __lt__(self, other: Period) -> bool:
        return self._key() < other._key()

    @classmethod
    def parse(cls, value: object) -> Period:
        """Parse ``2026`` (int or str), ``2026-Q3`` or an ``FY`` spelling; ValueError otherwise."""
        if isinstance(value, bool):
            raise ValueError(f"not a period: {value!r}")
        if isinstance(value, int):
            if not 1000 <= value <= 9999:  # `period: 0010` reads as the YAML 1.1 octal 8
                raise ValueError(
                    f"not a period: {value} (write four digits, in quotes below 1000: '0010')"
                )
            value = str(value)
        if not isinstance(value, str):
            raise ValueError(f"not a period: {value!r} ({PERIOD_HINT})")
        text = value.strip()
        match = _PERIOD.match(text) or _FY_PERIOD.match(text)
        if not match:
            raise ValueError(f"not a period: {value!r} ({PERIOD_HINT})")
        year = int(match.group(1))
        if len(match.group(1)) == 2:
            year += 2000
        quarter = int(match.group(2)) if match.group(2) else None
        half = int(match.group(3)) if match.group(3) else None
        check_year(year)
        return cls(year, quarter, half)

    @property
    def is_quarter(self) -> bool:
        return self.quarter is not None

    @property
    def is_half(self) -> bool:
        return self.half is not None

    @property
    def is_year(self) -> bool:
        return self.quarter is None and self.half is None

    @property
    def fiscal_year(self) -> Period:
        return Period(self.year)

    @property
    def half_year(self) -> Period | None:
        """The half a quarter lies in (a half: itself); None for a year."""
        if self.quarter is not None:
            return Period(self.year, half=(self.quarter + 1) // 2)
        return self if self.half is not None else None

    @property
    def enclosing(self) -> tuple[Period, ...]:
        """The longer periods that contain this one, shortest first: a quarter's half
        and fiscal year, a half's fiscal year, nothing for a year (SPEC 15.3, 15.4)."""
        if self.quarter is not None:
            return (Period(self.year, half=(self.quarter + 1) // 2), Period(self.year))
        if self.half is not None:
            return (Period(self.year),)
        return ()

    @property
    def quarters(self) -> tuple[Period, ...]:
        """The quarters inside this period, in order (a quarter: itself)."""
        if self.quarter is not None:
            return (self,)
        if self.half is not None:
            return tuple(Period(self.year, q) for q in (2 * self.half - 1, 2 * self.half))
        return tuple(Period(self.year, q) for q in range(1, 5))

    def includes(self, other: Period) -> bool:
        """Whether ``other`` lies inside this period (a period includes itself)."""
        return other == self or self in other.enclosing

    @property
    def previous(self) -> Period:
        """The period of the same length just before this one (2026-H1: 2025-H2)."""
        if self.quarter is not None:
            if self.quarter > 1:
                return Period(self.year, self.quarter - 1)
            return Period(self.year - 1, 4)
        if self.half is not None:
            return Period(self.year, half=1) if self.half == 2 else Period(self.year - 1, half=2)
        return Period(self.year - 1)

    @property
    def following(self) -> Period:
        """The period of the same length just after this one (2026-H2: 2027-H1)."""
        if self.quarter is not None:
            if self.quarter < 4:
                return Period(self.year, self.quarter + 1)
            return Period(self.year + 1, 1)
        if self.half is not None:
            return Period(self.year, half=2) if self.half == 1 else Period(self.year + 1, half=1)
        return Period(self.year + 1)

    @property
    def folder(self) -> str:
        """Where its OKR files live under ``okrs/``: ``2026``, ``2026/H1``, ``2026/Q3``."""
        if self.quarter is not None:
            return f"{self.year:04d}/Q{self.quarter}"
        return f"{self.year:04d}/H{self.half}" if self.half is not None else f"{self.year:04d}"

    def __str__(self) -> str:
        if self.quarter:
            return f"{self.year:04d}-Q{self.quarter}"
        if self.half:
            return f"{self.year:04d}-H{self.half}"
        return f"{self.year:04d}"

    @property
    def in_range(self) -> bool:
        """Whether the year is one a file or the command line may name (1 to 9998)."""
        return FIRST_YEAR <= self.year <= LAST_YEAR

    def start(self, fiscal_year_start: int = 1, named_by: str = "start") -> dt.date:
        """The first day; a period beyond the calendar (the quarter before 0001-Q1) is
        clamped to its first or last day rather than raising."""
        year = self.year - _shift(fiscal_year_start, named_by)
        month0 = fiscal_year_start - 1 + self._offset()
        return _day(year + month0 // 12, month0 % 12 + 1, first=True)

    def end(self, fiscal_year_start: int = 1, named_by: str = "start") -> dt.date:
        year = self.year - _shift(fiscal_year_start, named_by)
        months = 3 if self.quarter else 6 if self.half else 12
        month0 = fiscal_year_start - 1 + self._offset() + months - 1
        return _day(year + month0 // 12, month0 % 12 + 1, first=False)

    def _offset(self) -> int:
        """Months from the fiscal year's first month to this period's."""
        if self.quarter is not None:
            return 3 * (self.quarter - 1)
        return 6 * (self.half - 1) if self.half is not None else 0

    def days(self, fiscal_year_start: int = 1) -> int:
        return (self.end(fiscal_year_start) - self.start(fiscal_year_start)).days + 1

    def contains(self, day: dt.date, fiscal_year_start: int = 1) -> bool:
        return self.start(fiscal_year_start) <= day <= self.end(fiscal_year_start)


class YearOutOfRange(ValueError):
    """A period whose year is outside 1 to 9998."""


def check_year(year: int) -> None:
    """YearOutOfRange for a year outside 1 to 9998 (SPEC 12.1)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise YearOutOfRange(f"year {year} is out of range: periods have years 1 to 9998")


def _day(year: int, month: int, *, first: bool) -> dt.date:
    """The first or last day of a month; before year 1 or after 9999, the calendar's edge."""
    if year < dt.MINYEAR:
        return dt.date.min
    if year > dt.MAXYEAR:
        return dt.date.max
    return dt.date(year, month, 1 if first else calendar.monthrange(year, month)[1])


def _shift(first_month: int, named_by: str) -> int:
    """Years from a fiscal year's name back to the calendar year it starts in."""
    return 1 if named_by == "end" and first_month > 1 else 0


@dataclass(frozen=True, slots=True)
class FiscalCalendar:
    """Where a repo's periods fall on the calendar: its fiscal year starts in ``first_month``
    and is named by the calendar year it starts in (``named_by="start"``) or ends in
    (``"end"``: with ``first_month=2``, fiscal 2021 runs 2020-02-01 to 2021-01-31).

    The repo holds one (``Repo.calendar``); every date of a period is asked of
    it, so the fiscal year is said once. Answers are memoised: a lint of a big
    repo asks for the same few periods hundreds of thousands of times.
    """

    first_month: int = 1
    named_by: str = "start"

    def parse(self, value: object) -> Period:
        """A period as written anywhere (file, folder, key, command line); ValueError if not."""
        return Period.parse(value)

    def start(self, period: Period) -> dt.date:
        return _bounds(period, self.first_month, self.named_by)[0]

    def end(self, period: Period) -> dt.date:
        return _bounds(period, self.first_month, self.named_by)[1]

    def bounds(self, period: Period) -> tuple[dt.date, dt.date]:
        """The first and last day, in one look-up: a loop over many dates asks once."""
        return _bounds(period, self.first_month, self.named_by)

    def days(self, period: Period) -> int:
        start, end = self.bounds(period)
        return (end - start).days + 1

    def contains(self, period: Period, day: dt.date) -> bool:
        start, end = self.bounds(period)
        return start <= day <= end

    def quarter_of(self, day: dt.date) -> Period:
        """The fiscal quarter that contains ``day``."""
        months = (day.year * 12 + day.month - 1) - (self.first_month - 1)
        year, month0 = divmod(months, 12)
        return Period(year + _shift(self.first_month, self.named_by), month0 // 3 + 1)

    def half_of(self, day: dt.date) -> Period:
        """The fiscal half that contains ``day``."""
        half = self.quarter_of(day).half_year
        assert half is not None
        return half

    def shortest_containing(self, day: dt.date, periods: Iterable[Period]) -> Period | None:
        """The shortest of ``periods`` that contains ``day`` (the earliest-starting
        of equals), or None."""
        inside = [p for p in periods if self.contains(p, day)]
        return min(inside, key=self.days, default=None)

    def like(self, period: Period, day: dt.date) -> Period:
        """The period of ``period``'s length (quarter, half or year) that contains ``day``."""
        if period.is_quarter:
            return self.quarter_of(day)
        return self.half_of(day) if period.is_half else self.year_of(day)

    def year_of(self, day: dt.date) -> Period:
        """The fiscal year that contains ``day``."""
        return self.quarter_of(day).fiscal_year


@functools.lru_cache(maxsize=4096)
def _bounds(period: Period, first_month: int, named_by: str) -> tuple[dt.date, dt.date]:
    return period.start(first_month, named_by), period.end(first_month, named_by)


def bare_half(value: str) -> int | None:
    """The half number of a bare ``H2`` on the command line, else None (SPEC 15.4)."""
    match = _BARE_HALF.match(value.strip().upper())
    return int(match.group(1)) if match else None


def bare_quarter(value: str) -> int | None:
    """The quarter number of a bare ``Q3`` on the command line, else None."""
    match = _BARE_QUARTER.match(value.strip().upper())
    return int(match.group(1)) if match else None
