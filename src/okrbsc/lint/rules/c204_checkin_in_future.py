"""A check-in is dated after today.

Nobody measures the future: a check-in dated after the machine's calendar
date (whatever `--as-of` says) is a typo in the year or month, or a guess
written down as a number, and it would become the key result's current value
the day it comes. `okrbsc checkin --date` and `import` refuse such dates.

Fails:

    # run on 2026-12-07
    checkins:
      - {date: 2026-12-14, value: 2.4}

Passes:

    # run on 2026-12-07
    checkins:
      - {date: 2026-12-07, value: 2.4}
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules import _common
from okrbsc.lint.rules._common import key_results
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.repo import Repo

CODE = "C204"
NAME = "checkin-in-future"
SEVERITY = Severity.WARNING
PER_FILE = True  # the caches' keys hold the calendar date too


def check(repo: Repo) -> Iterator[Hit]:
    today = _common.calendar_today()
    for ref, index, kr in key_results(repo):
        for i, checkin in enumerate(kr.checkins):
            if checkin.date > today:
                msg = (
                    f"check-in of {ref.objective.kr_id(index)!r} is dated {checkin.date}, "
                    f"after today ({today}): date it when the value was measured"
                )
                yield hit(ref.file, ref.file.item_at(kr, "checkins", i), msg)
