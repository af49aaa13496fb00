"""The report's context: charts drawn only when a template reads them, and the
check-in dots made in Python write what the template's loop wrote."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from jinja2 import Environment

from okrbsc.render.report import ChartDays, context, environment, kr_chart
from okrbsc.render.sandbox import render
from okrbsc.render.score import quantity
from okrbsc.session import Session

from .conftest import EXAMPLES

LOOP = (
    '{% for x, y, tip in chart.points %}<circle cx="{{ x }}" cy="{{ y }}" r="1.8" '
    'fill="#2f5d9e"><title>{{ tip }}</title></circle>{% endfor %}'
)


def _data(as_of: str = "2026-11-20", period: str = "2026-Q4") -> dict[str, object]:
    session = Session(EXAMPLES, as_of, quiet=True, cache=False)
    return context(session.readable_repo(), session.scored(period))


def test_the_markdown_report_draws_no_chart_and_the_html_one_draws_each_once() -> None:
    data = _data()
    charts = data["charts"]
    render(environment(None), "report.md.j2", data)
    assert charts.drawn == {}  # type: ignore[attr-defined]
    render(environment(None), "report.html.j2", data)
    assert set(charts.drawn) == set(charts)  # type: ignore[attr-defined]
    drawn = dict(charts.drawn)  # type: ignore[attr-defined]
    render(environment(None), "report.html.j2", data)
    assert all(charts[key] is drawn[key] for key in drawn)  # type: ignore[index]


@pytest.mark.parametrize(
    ("period", "as_of"), [("2026-Q3", "2026-10-15"), ("2026-Q4", "2026-11-20")]
)
def test_charts_are_those_kr_chart_draws(period: str, as_of: str) -> None:
    session = Session(EXAMPLES, as_of, quiet=True, cache=False)
    repo, result = session.readable_repo(), session.scored(period)
    charts = context(repo, result)["charts"]
    start, days = repo.calendar.start(result.period), repo.calendar.days(result.period)
    krs = {(o.path, k.id): k for _, o, k in result.key_results()}
    assert list(charts) == list(krs) and len(charts) == len(krs)  # type: ignore[arg-type]
    assert any(charts[key] is not None for key in krs)  # type: ignore[index]
    for key, k in krs.items():
        assert charts[key] == kr_chart(k, start, days)  # type: ignore[index]


def test_the_dots_are_what_the_loop_over_the_points_writes() -> None:
    session = Session(EXAMPLES, "2026-11-20", quiet=True, cache=False)
    repo, result = session.readable_repo(), session.scored("2026-Q4")
    start, days = repo.calendar.start(result.period), repo.calendar.days(result.period)
    loop = Environment(autoescape=True).from_string(LOOP)
    krs = [k for _, _, k in result.key_results()]
    krs += [dataclasses.replace(k, unit="<b class='u'>&\"") for k in krs]  # escaped
    charts = [c for c in (kr_chart(k, start, days) for k in krs) if c is not None]
    assert any("&lt;b class=&#39;u&#39;&gt;&amp;&#34;" in c.dots for c in charts)
    for chart in charts:
        assert chart.dots == loop.render(chart=chart)
        assert chart.dots.count("<circle ") == len(chart.points) > 0


def test_a_value_s_text_made_once_is_quantity_s() -> None:
    values = [0.0, -0.0, 0, 3, 3.0, -3.0, 2**53 + 1, 2.0**53, 1e20, 10**20, 0.125, 1 / 3]
    values += [float("inf"), float("nan"), True, False, None, "high", (1.0, 2.0)]
    for order in (values, values[::-1]):
        axis = ChartDays(dt.date(2026, 7, 1), 92)
        for unit in (None, "%", "days", "<b>"):
            for value in order + order:
                assert axis.amount(value, unit) == quantity(value, unit), (value, unit)  # type: ignore[arg-type]
    assert ChartDays(dt.date(2026, 7, 1), 92).amount(-0.0, "%") == "-0%"
