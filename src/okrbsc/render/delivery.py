"""The results of `--send` (SPEC 16.3): one line per delivery, or JSON entries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from okrbsc.render.text import visible

if TYPE_CHECKING:
    from okrbsc.rhythm.deliver import DeliveryResult


def delivery_lines(results: Sequence[DeliveryResult]) -> list[str]:
    """``slack: sent (HTTP 200)``, ``email to dana: sent to dana@acme.example``;
    a failure starts with ``FAILED``. Each line escaped (SPEC 12.2)."""
    out = []
    for result in results:
        where = result.channel
        if result.recipient != result.channel:
            where += f" to {result.recipient}"
        mark = "" if result.ok else "FAILED "
        out.append(visible(f"{mark}{where}: {result.detail}"))
    return out


def delivery_json(results: Sequence[DeliveryResult]) -> list[dict[str, Any]]:
    return [
        {"channel": r.channel, "to": r.recipient, "ok": r.ok, "detail": r.detail} for r in results
    ]
