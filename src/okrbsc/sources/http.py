"""The one HTTP client of okrbsc (SPEC 16.3, 17.3): what webhooks and trackers share.

* httpx, the extra ``okrbsc[trackers]``; without it, an error naming the extra.
* TLS verified against the system's trust store (``ssl.create_default_context()``,
  which honours ``SSL_CERT_FILE`` and ``SSL_CERT_DIR``); no redirect followed; no
  proxy or ``.netrc`` from the environment (``trust_env=False``): nothing else sees
  a token or a webhook's URL.
* Requests only to https, or plain http to this machine
  (:func:`okrbsc.strategy.urls.web_url_allowed`, also read by the configuration).
* ``Retry-After`` read as seconds or an HTTP date; no wait longer than 60 s.
* Messages scrubbed of every secret as a last guard.

Each caller keeps its own policy: its timeout, which statuses it retries and how
often, what it says when a request fails.
"""

from __future__ import annotations

import email.utils
import ssl
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from okrbsc.sources.engines import MissingPackage
from okrbsc.strategy.urls import LOOPBACK, WEB_URL_RULE, web_url_allowed

if TYPE_CHECKING:
    import httpx

__all__ = [
    "LOOPBACK",
    "MAX_WAIT",
    "WEB_URL_RULE",
    "client",
    "httpx_module",
    "retry_after",
    "scrub",
    "tls",
    "web_url_allowed",
]

MAX_WAIT = 60.0  # the longest wait honoured (Retry-After, a rate limit's reset)
EXTRA = 'pip install "okrbsc[trackers]"'


def httpx_module(needs: str) -> Any:
    """httpx, or :class:`MissingPackage` saying that ``needs`` (what wants it) needs the
    extra."""
    try:
        import httpx
    except ImportError:
        raise MissingPackage(f"{needs} needs httpx: {EXTRA}") from None
    return httpx


def tls() -> ssl.SSLContext:
    """The system trust store; OpenSSL reads SSL_CERT_FILE and SSL_CERT_DIR."""
    return ssl.create_default_context()


def client(timeout: float, needs: str, headers: Mapping[str, str] | None = None) -> httpx.Client:
    """An ``httpx.Client``: verified TLS, ``timeout`` seconds a request, no redirects,
    nothing from the environment (a proxy there would see the token or the URL)."""
    module = httpx_module(needs)
    made: httpx.Client = module.Client(
        verify=tls(),
        timeout=module.Timeout(timeout),
        follow_redirects=False,
        headers={"User-Agent": "okrbsc", **(headers or {})},
        trust_env=False,
    )
    return made


def retry_after(value: str | None, now: float) -> float | None:
    """Seconds from ``now`` that a ``Retry-After`` asks to wait (seconds or an HTTP
    date; may be negative or more than :data:`MAX_WAIT`), None when absent or unreadable."""
    if value is None:
        return None
    text = value.strip()
    try:
        return float(text)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return when.timestamp() - now


def scrub(text: str, secrets: Iterable[str]) -> str:
    """The last guard: every secret replaced by ``***``, the longest first (the messages
    are written by okrbsc and hold none; `sources.pull.scrub` also masks fragments, too
    eager for sentences that name a channel)."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text
