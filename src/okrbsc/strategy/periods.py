"""Fiscal periods: years and quarters, and the calendar that places them (SPEC 2.2, 10.2).

A period is written `2026` or `2026-Q3`, or with the `FY` spellings of 10.2:
`FY2026`, `FY26`, `FY2026-Q3`, `FY26-Q3`, `FY26 Q3` (any case; a two-digit
year is 20xx). Output always writes the canonical `2026-Q3`. Whether fiscal
year 2026 starts or ends in calendar year 2026 is the calendar's business
(`FiscalCalendar.named_by`), not the period's.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass

_PERIOD = re.compile(r"^(\d{4})(?:-Q([1-4]))?$", re.IGNORECASE)
_FY_PERIOD = re.compile(r"^FY(\d{4}|\d{2})(?:(?:-| )Q([1-4]))?$", re.IGNORECASE)
PERIOD_HINT = "write 2026, 2026-Q3, FY2026, FY26-Q3 or FY26 Q3"
_BARE_QUARTER = re.compile(r"^Q([1-4])$")
FIRST_YEAR, LAST_YEAR = 1, 9998  # SPEC 12.1: every date of such a period, and the next, exists


@dataclass(frozen=True, slots=True)
class Period:
    """Fiscal year ``year`` (quarter None) or its quarter 1-4.

    Periods sort by year, a year before its quarters.
    """

    year: int
    quarter: int | None = None

    def __lt__(self, other: Period) -> bool:
        return (self.year, self.quarter or 0) < (other.year, other.quarter or 0)

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
        check_year(year)
        return cls(year, quarter)

    @property
    def is_quarter(self) -> bool:
        return self.quarter is not None

    @property
    def fiscal_year(self) -> Period:
        return Period(self.year)

    def __str__(self) -> str:
        return f"{self.year:04d}-Q{self.quarter}" if self.quarter else f"{self.year:04d}"

    @property
    def in_range(self) -> bool:
        """Whether the year is one a file or the command line may name (1 to 9998)."""
        return FIRST_YEAR <= self.year <= LAST_YEAR

    def start(self, fiscal_year_start: int = 1, named_by: str = "start") -> dt.date:
        """The first day; a period beyond the calendar (the quarter before 0001-Q1) is
        clamped to its first or last day rather than raising."""
        year = self.year - _shift(fiscal_year_start, named_by)
        month0 = fiscal_year_start - 1 + 3 * ((self.quarter or 1) - 1)
        return _day(year + month0 // 12, month0 % 12 + 1, first=True)

    def end(self, fiscal_year_start: int = 1, named_by: str = "start") -> dt.date:
        year = self.year - _shift(fiscal_year_start, named_by)
        months = 3 if self.quarter else 12
        month0 = fiscal_year_start - 1 + 3 * ((self.quarter or 1) - 1) + months - 1
        return _day(year + month0 // 12, month0 % 12 + 1, first=False)

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

    def year_of(self, day: dt.date) -> Period:
        """The fiscal year that contains ``day``."""
        return self.quarter_of(day).fiscal_year


@functools.lru_cache(maxsize=4096)
def _bounds(period: Period, first_month: int, named_by: str) -> tuple[dt.date, dt.date]:
    return period.start(first_month, named_by), period.end(first_month, named_by)


def bare_quarter(value: str) -> int | None:
    """The quarter number of a bare ``Q3`` on the command line, else None."""
    match = _BARE_QUARTER.match(value.strip().upper())
    return int(match.group(1)) if match else None
