"""Helpers of the rules that are kept fast: they answer as the plain loops did."""

from __future__ import annotations

import datetime as dt
import random

from okrbsc.lint.rules.c202_stale_kr import latest_checkin
from okrbsc.lint.rules.o106_kr_is_activity import leading_verb, verb_index
from okrbsc.scoring.engine import checkins_until
from okrbsc.strategy.models import KeyResult


def test_latest_checkin_is_the_last_of_the_sorted_ones() -> None:
    rnd = random.Random(7)
    day = dt.date(2026, 7, 1)
    for _ in range(500):
        checkins = [
            {"date": str(day + dt.timedelta(days=rnd.randint(0, 5))), "value": rnd.randint(0, 9)}
            for _ in range(rnd.randint(0, 6))
        ]
        kr = KeyResult.model_validate({"title": "t", "start": 0, "target": 9, "checkins": checkins})
        as_of = day + dt.timedelta(days=rnd.randint(-1, 6))
        seen = checkins_until(kr, as_of)
        assert latest_checkin(kr, as_of) is (seen[-1] if seen else None)


def test_the_first_configured_verb_that_matches_wins() -> None:
    title = "[Eng] Set up the dashboards"
    for verbs, found in ((["set", "set up"], "set"), (["Set Up", "set"], "Set Up"), ([" "], None)):
        assert leading_verb(title, verbs) == found
        assert leading_verb(title, verbs, verb_index(verbs)) == found
    assert leading_verb("Hire six engineers", ["hire"]) is None
    assert leading_verb("", ["hire"]) is None
