"""Fiscal periods: years and quarters named by the calendar year they start in."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

_PERIOD = re.compile(r"^(\d{4})(?:-Q([1-4]))?$")
_BARE_QUARTER = re.compile(r"^Q([1-4])$")


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
        """Parse ``2026`` (int or str) or ``2026-Q3``; raise ValueError otherwise."""
        if isinstance(value, bool):
            raise ValueError(f"not a period: {value!r}")
        if isinstance(value, int):
            value = str(value)
        if not isinstance(value, str):
            raise ValueError(f"not a period: {value!r} (write 2026 or 2026-Q3)")
        match = _PERIOD.match(value.strip())
        if not match:
            raise ValueError(f"not a period: {value!r} (write 2026 or 2026-Q3)")
        quarter = int(match.group(2)) if match.group(2) else None
        return cls(int(match.group(1)), quarter)

    @property
    def is_quarter(self) -> bool:
        return self.quarter is not None

    @property
    def fiscal_year(self) -> Period:
        return Period(self.year)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.quarter}" if self.quarter else str(self.year)

    def start(self, fiscal_year_start: int = 1) -> dt.date:
        month0 = fiscal_year_start - 1 + 3 * ((self.quarter or 1) - 1)
        return dt.date(self.year + month0 // 12, month0 % 12 + 1, 1)

    def end(self, fiscal_year_start: int = 1) -> dt.date:
        months = 3 if self.quarter else 12
        month0 = fiscal_year_start - 1 + 3 * ((self.quarter or 1) - 1) + months
        first_after = dt.date(self.year + month0 // 12, month0 % 12 + 1, 1)
        return first_after - dt.timedelta(days=1)

    def days(self, fiscal_year_start: int = 1) -> int:
        return (self.end(fiscal_year_start) - self.start(fiscal_year_start)).days + 1

    def contains(self, day: dt.date, fiscal_year_start: int = 1) -> bool:
        return self.start(fiscal_year_start) <= day <= self.end(fiscal_year_start)


@dataclass(frozen=True, slots=True)
class FiscalCalendar:
    """Where a repo's periods fall on the calendar: its fiscal year starts in ``first_month``.

    The repo holds one (``Repo.calendar``); every date of a period is asked of
    it, so the fiscal year is said once. Answers are memoised: a lint of a big
    repo asks for the same few periods hundreds of thousands of times.
    """

    first_month: int = 1

    def start(self, period: Period) -> dt.date:
        return _start(period, self.first_month)

    def end(self, period: Period) -> dt.date:
        return _end(period, self.first_month)

    def days(self, period: Period) -> int:
        return (self.end(period) - self.start(period)).days + 1

    def contains(self, period: Period, day: dt.date) -> bool:
        return self.start(period) <= day <= self.end(period)

    def quarter_of(self, day: dt.date) -> Period:
        """The fiscal quarter that contains ``day``."""
        months = (day.year * 12 + day.month - 1) - (self.first_month - 1)
        year, month0 = divmod(months, 12)
        return Period(year, month0 // 3 + 1)


@functools.lru_cache(maxsize=4096)
def _start(period: Period, first_month: int) -> dt.date:
    return period.start(first_month)


@functools.lru_cache(maxsize=4096)
def _end(period: Period, first_month: int) -> dt.date:
    return period.end(first_month)


def bare_quarter(value: str) -> int | None:
    """The quarter number of a bare ``Q3`` on the command line, else None."""
    match = _BARE_QUARTER.match(value.strip().upper())
    return int(match.group(1)) if match else None
