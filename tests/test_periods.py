from __future__ import annotations

import datetime as dt

import pytest

from okrbsc.lint.rules.e006_period_mismatch import folder_period
from okrbsc.strategy.periods import FiscalCalendar, Period, bare_quarter


def test_parse_and_print() -> None:
    assert Period.parse("2026-Q3") == Period(2026, 3)
    assert Period.parse(2026) == Period(2026)
    assert str(Period(2026, 3)) == "2026-Q3" and str(Period(2026)) == "2026"


@pytest.mark.parametrize("bad", ["2026-Q5", "26-Q1", "Q3", True, 3.5, "2026Q3", None])
def test_bad_periods(bad: object) -> None:
    with pytest.raises(ValueError):
        Period.parse(bad)


def test_calendar_quarters() -> None:
    q = Period(2026, 3)
    assert (q.start(), q.end(), q.days()) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30), 92)
    assert Period(2026).days() == 365


def test_fiscal_year_starting_in_april() -> None:
    assert (Period(2026, 3).start(4), Period(2026, 3).end(4)) == (
        dt.date(2026, 10, 1),
        dt.date(2026, 12, 31),
    )
    assert (Period(2026, 4).start(4), Period(2026, 4).end(4)) == (
        dt.date(2027, 1, 1),
        dt.date(2027, 3, 31),
    )
    assert Period(2026).end(4) == dt.date(2027, 3, 31)
    assert Period(2026, 4).contains(dt.date(2027, 2, 28), 4)


def test_sorting_puts_a_year_before_its_quarters() -> None:
    assert sorted([Period(2026, 2), Period(2027), Period(2026), Period(2026, 1)]) == [
        Period(2026),
        Period(2026, 1),
        Period(2026, 2),
        Period(2027),
    ]


def test_bare_quarter() -> None:
    assert bare_quarter("q3") == 3 and bare_quarter("2026-Q3") is None


def test_folder_period() -> None:
    assert folder_period("okrs/2026/Q3/sales.yaml") == (Period(2026, 3), True)
    assert folder_period("okrs/2026/annual.yaml") == (Period(2026), True)
    assert folder_period("okrs/2026/teams/x.yaml") == (Period(2026), False)
    assert folder_period("okrs/sales.yaml") is None


@pytest.mark.parametrize("named_by", ["start", "end"])
@pytest.mark.parametrize("month", [1, 2, 4, 12])
def test_calendar_bounds_are_its_start_and_end(month: int, named_by: str) -> None:
    cal = FiscalCalendar(month, named_by)
    for period in (Period(2026), *(Period(2026, q) for q in range(1, 5)), Period(1, 1)):
        start, end = cal.bounds(period)
        assert (start, end) == (period.start(month, named_by), period.end(month, named_by))
        assert (cal.start(period), cal.end(period)) == (start, end)
        assert cal.contains(period, start) and cal.contains(period, end)
        assert not cal.contains(period, end + dt.timedelta(days=1))
