"""Check-ins are not in date order, or two share a date.

The latest check-in is the current value, so order matters; two check-ins on
one date are usually a copy-paste slip (the later in the file wins).

Fails:

    checkins:
      - {date: 2026-07-13, value: 2.4}
      - {date: 2026-07-06, value: 2.1}

Passes:

    checkins:
      - {date: 2026-07-06, value: 2.1}
      - {date: 2026-07-13, value: 2.4}
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules._common import key_results
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.repo import Repo

CODE = "C201"
NAME = "checkin-order"
SEVERITY = Severity.WARNING
PER_FILE = True


def check(repo: Repo) -> Iterator[Hit]:
    for ref, index, kr in key_results(repo):
        checkins = kr.checkins
        for i in range(1, len(checkins)):
            before, this = checkins[i - 1].date, checkins[i].date
            if this > before:
                continue  # in order: the key result's id is made only for a finding
            kr_id = ref.objective.kr_id(index)
            if this == before:
                msg = f"key result {kr_id!r} has two check-ins on {this}"
            else:
                msg = f"check-in of {this} of {kr_id!r} follows one of {before}: keep date order"
            yield hit(ref.file, ref.file.item_at(kr, "checkins", i), msg)
