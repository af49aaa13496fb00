"""The forecast of a metric key result (SPEC 9.2): where its check-ins are heading.

An ordinary least-squares line through the check-ins dated inside the period
and on or before as-of (x in days), read at the period's last day. Pure maths:
no I/O.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence


def least_squares_at(points: Sequence[tuple[float, float]], x: float) -> float | None:
    """The value at ``x`` of the OLS line through ``points`` (x, y).

    None when the points have fewer than two distinct x (no line), or when the
    value cannot be represented (it would overflow)."""
    xs = [p[0] for p in points]
    if len(set(xs)) < 2:
        return None
    ys = [p[1] for p in points]
    scale = max(map(abs, ys)) or 1.0
    if scale <= 1e150:
        scale = 1.0  # scale only huge values, whose squares would overflow
    else:
        ys = [y / scale for y in ys]
    n = len(points)
    mean_x = sum(xs) / n
    mean_y = sum(ys) / n
    dx = [px - mean_x for px in xs]
    sxx = sum([d**2 for d in dx])
    sxy = sum([d * (y - mean_y) for d, y in zip(dx, ys, strict=True)])
    value = (mean_y + sxy / sxx * (x - mean_x)) * scale
    return value if math.isfinite(value) else None


def forecast(
    checkins: Sequence[tuple[dt.date, float]], start: dt.date, end: dt.date, as_of: dt.date
) -> float | None:
    """The value at ``end`` (the period's last day) projected from ``checkins``
    (date, value) dated from ``start`` to ``end`` and on or before ``as_of``."""
    points = [
        (float((day - start).days), float(value))
        for day, value in checkins
        if start <= day <= end and day <= as_of
    ]
    return least_squares_at(points, float((end - start).days))
