"""The password of a connection URL, found the way SPEC 12.3 reads it, and hidden.

In ``scheme://user:password@host/...`` the password is everything between the
``:`` after the user name and the *last* ``@`` before the host, whatever it
holds (``p@ss:w/rd``): a ``@`` in a database name or a query must be written
``%40``. Text with no ``://`` is read the same way from its start, so
``okr:secret@db`` hides its password too.
"""

from __future__ import annotations

HIDDEN = "***"


def password_span(url: str) -> tuple[int, int] | None:
    """Where the password lies in ``url`` (start, end), or None when it has none."""
    start = url.find("://")
    start = 0 if start < 0 else start + 3
    at = url.rfind("@", start)
    if at < 0:
        return None
    colon = url.find(":", start, at)
    if colon < 0:
        return None
    return colon + 1, at


def password_of(url: str) -> str:
    """The password as written in ``url`` ('' when it has none)."""
    span = password_span(url)
    return url[span[0] : span[1]] if span else ""


def hide_password(url: str) -> str:
    """``url`` with its password shown as ``***``."""
    span = password_span(url)
    if span is None or span[0] == span[1]:
        return url
    return url[: span[0]] + HIDDEN + url[span[1] :]


LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
WEB_URL_RULE = "https:// (plain http only to localhost, 127.0.0.1 or ::1)"


def web_url_allowed(scheme: str, host: str) -> bool:
    """Whether okrbsc may send a request there (SPEC 16.3, 17.1): https to a host, or
    plain http to this machine only. One rule for tracker URLs and webhooks."""
    return (scheme == "https" and bool(host)) or (scheme == "http" and host in LOOPBACK)
