"""The HTTP client every tracker shares (SPEC 17.1, 17.3): httpx, read-only.

* The client is okrbsc's one HTTP client (:mod:`okrbsc.sources.http`, shared with
  the webhooks): TLS verified against the system's trust store (``SSL_CERT_FILE``,
  ``SSL_CERT_DIR``), no redirects, nothing from the environment.
* Only GET, and the one POST of Jira's search, ever leave here.
* Requests time out after 30 s; lists follow their ``Link: rel="next"`` pages to
  the end, never to another host (the token goes only where the user sent it).
* A 429, or a 403 with ``X-RateLimit-Remaining: 0`` or ``Retry-After``, waits
  until the reset when that is at most 60 s away and tries again; otherwise the
  connection fails naming when to retry. A 401 or any other 403 fails the
  connection naming the token's variable. A 404 is :class:`NotFound`, for the
  caller to name what does not exist.
* Messages never hold a token: every one is scrubbed of the connection's secrets.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

from okrbsc.sources.http import MAX_WAIT, client, httpx_module, retry_after, scrub

TIMEOUT = 30.0
NEEDS = "a tracker source (github, gitlab, jira)"  # needs httpx
MAX_ITEMS = 100_000  # a list longer than this is refused: narrow the filter
MAX_BYTES = 64 * 1024 * 1024  # one response
_TRIES = 4  # per request, rate-limit waits included


class TrackerError(Exception):
    """An item's request failed; the message is safe to print."""


class ConnectionFailed(TrackerError):
    """The connection itself failed (refused token, rate limit, unreachable): every
    item left on it fails with this message."""


class NotFound(TrackerError):
    """404: the repo, project, milestone or epic asked for does not exist (or the token
    cannot see it)."""


class Response:
    """What a caller reads of one response: status, headers, JSON body, next page."""

    def __init__(self, status: int, headers: dict[str, str], body: Any, next_url: str | None):
        self.status = status
        self.headers = headers
        self.body = body
        self.next_url = next_url


class Client:
    """One tracker connection: its base URL, its headers, its secrets.

    ``name`` is the connection's name in okrbsc.yaml; ``token_env`` names the
    variable holding its token (named in messages, never its value).
    """

    def __init__(
        self,
        name: str,
        base: str,
        headers: dict[str, str],
        secrets: list[str],
        token_env: str,
        *,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], float] = time.time,
    ) -> None:
        httpx = httpx_module(NEEDS)
        self.name = name
        self.base = base.rstrip("/") + "/"
        self.origin = _origin(self.base)
        self.secrets = [s for s in secrets if s]
        self.token_env = token_env
        self.sleep = sleep
        self.now = now
        self.requests = 0
        self.waited = 0.0
        self._httpx = httpx
        self._client = client(TIMEOUT, NEEDS, {"Accept": "application/json", **headers})

    def close(self) -> None:
        self._client.close()

    def scrub(self, text: str) -> str:
        return scrub(text, self.secrets)

    def url(self, path: str) -> str:
        return urljoin(self.base, path.lstrip("/"))

    def get(self, path: str, params: dict[str, Any] | None = None) -> Response:
        return self.request("GET", self.url(path), params=params)

    def post(self, path: str, body: dict[str, Any]) -> Response:
        return self.request("POST", self.url(path), json=body)

    def pages(self, path: str, params: dict[str, Any] | None = None) -> Iterator[Any]:
        """Every element of a paged list (``Link: rel="next"``), page after page."""
        response = self.get(path, params)
        count = 0
        seen: set[str] = set()
        while True:
            if not isinstance(response.body, list):
                raise TrackerError(f"{self.name}: expected a list from {_path(path)}")
            count += len(response.body)
            if count > MAX_ITEMS:
                raise TrackerError(f"more than {MAX_ITEMS:,} items: narrow the filter")
            yield from response.body
            nxt = response.next_url
            if nxt is None:
                return
            if _origin(nxt) != self.origin:
                raise TrackerError(
                    f"{self.name}: the next page points to another host: not followed"
                )
            if nxt in seen:
                raise TrackerError(f"{self.name}: the pages of {_path(path)} loop: stopped")
            seen.add(nxt)
            response = self.request("GET", nxt)

    def request(self, method: str, url: str, **kwargs: Any) -> Response:
        httpx = self._httpx
        for _ in range(_TRIES):
            self.requests += 1
            try:
                raw = self._client.request(method, url, **kwargs)
            except httpx.TimeoutException:
                raise ConnectionFailed(
                    f"{self.name}: no answer from {_host(url)} within {TIMEOUT:g} s"
                ) from None
            except httpx.HTTPError as exc:
                raise ConnectionFailed(
                    self.scrub(f"{self.name}: cannot reach {_host(url)}: {_reason(exc)}")
                ) from None
            wait = self._rate_limited(raw)
            if wait is not None:
                raw.close()
                self.sleep(wait)
                self.waited += wait
                continue
            return self._answer(raw, url)
        raise ConnectionFailed(
            f"{self.name}: still rate-limited after {_TRIES} tries: try again in a minute"
        )

    def _rate_limited(self, raw: Any) -> float | None:
        """Seconds to wait before trying again; raises when that is too long."""
        headers = raw.headers
        limited = raw.status_code == 429 or (
            raw.status_code == 403
            and (headers.get("x-ratelimit-remaining") == "0" or "retry-after" in headers)
        )
        if not limited:
            return None
        now = self.now()
        reset = retry_after(headers.get("retry-after"), now)
        if reset is None:
            reset_at = headers.get("x-ratelimit-reset") or headers.get("ratelimit-reset")
            try:
                reset = float(reset_at) - now if reset_at is not None else None
            except ValueError:
                reset = None
        if reset is None:
            reset = 60.0  # limited, but not told until when: one minute, as GitHub advises
        reset = max(reset, 0.0)
        if reset <= MAX_WAIT:
            return reset + (1.0 if reset < 1 and "retry-after" not in headers else 0.0)
        when = dt.datetime.fromtimestamp(now + reset, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        raise ConnectionFailed(
            f"{self.name}: rate limit reached (HTTP {raw.status_code}); "
            f"it resets in {_duration(reset)}: try again after {when}"
        )

    def _answer(self, raw: Any, url: str) -> Response:
        status = raw.status_code
        if status in (401, 403):
            raise ConnectionFailed(
                f"{self.name}: {_host(url)} refused the token in ${self.token_env} "
                f"(HTTP {status}{_message(raw, self)}): "
                "check that it is set, valid and may read this"
            )
        if status == 404:
            raise NotFound(f"HTTP 404 from {_host(url)}")
        if 300 <= status < 400:
            raise TrackerError(
                f"{self.name}: {_host(url)} answered HTTP {status} (a redirect): "
                "okrbsc follows none; check the URL in okrbsc.yaml"
            )
        body: Any = None
        content = raw.content
        if len(content) > MAX_BYTES:
            raise TrackerError(
                f"{self.name}: an answer of more than {MAX_BYTES >> 20} MiB: refused"
            )
        if status >= 400:
            raise TrackerError(f"{_host(url)} answered HTTP {status}{_message(raw, self)}")
        try:
            body = raw.json() if content else None
        except ValueError:
            raise TrackerError(f"{self.name}: {_host(url)} did not answer JSON") from None
        nxt = raw.links.get("next", {}).get("url")
        if nxt is not None:
            nxt = urljoin(url, nxt)
        return Response(status, dict(raw.headers), body, nxt)


def _message(raw: Any, client: Client) -> str:
    """The tracker's own words about an error (GitHub/GitLab ``message``, Jira
    ``errorMessages``), one line, scrubbed, short."""
    try:
        body = raw.json()
    except ValueError:
        return ""
    words: list[str] = []
    if isinstance(body, dict):
        for key in ("message", "error", "errorMessages", "errors"):
            value = body.get(key)
            if isinstance(value, str):
                words.append(value)
            elif isinstance(value, list):
                words += [v for v in value if isinstance(v, str)]
            elif isinstance(value, dict):
                words += [f"{k}: {v}" for k, v in value.items() if isinstance(v, str)]
    text = " ".join(" ".join(words).split())
    if not text:
        return ""
    text = client.scrub(text)
    return ": " + (text if len(text) <= 200 else text[:197] + "...")


def _duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes < 1:
        return f"{seconds:.0f} s"
    if minutes < 120:
        return f"{minutes} min"
    return f"{minutes / 60:.1f} h"


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


def _host(url: str) -> str:
    parts = urlsplit(url)
    return parts.hostname or "?" if parts.port is None else f"{parts.hostname}:{parts.port}"


def _path(path: str) -> str:
    return urlsplit(path).path


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."
