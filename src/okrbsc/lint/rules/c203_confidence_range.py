"""A check-in's confidence lies outside 0..`confidence_scale`.

Confidence is 0.0-1.0 by default, or 0-10 with `confidence_scale: 10` in
okrbsc.yaml; a 7 on a 0-1 scale is a slip that would skew at-risk flags.

Fails:

    checkins:
      - {date: 2026-07-06, value: 2.1, confidence: 7}

Passes:

    checkins:
      - {date: 2026-07-06, value: 2.1, confidence: 0.7}
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules._common import key_results
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.repo import Repo

CODE = "C203"
NAME = "confidence-range"
SEVERITY = Severity.ERROR
PER_FILE = True


def check(repo: Repo) -> Iterator[Hit]:
    scale = repo.config.confidence_scale
    for ref, index, kr in key_results(repo):
        for checkin in kr.checkins:
            value = checkin.confidence
            if value is not None and not 0 <= value <= scale:
                msg = (
                    f"confidence {value:g} of {ref.objective.kr_id(index)!r} on {checkin.date} "
                    f"is outside 0..{scale} (confidence_scale)"
                )
                yield hit(ref.file, ref.file.at(checkin, "confidence"), msg)
