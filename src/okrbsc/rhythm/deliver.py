"""Sending what `remind --send` and `digest --send` put in an outbox (SPEC 16.3).

Each channel of `rhythm.deliver` is tried on its own: a webhook gets one POST
of its channel's JSON body, e-mail one message per person through the SMTP
server. Webhook and SMTP URLs come only from the environment variables the
configuration names, and nothing here ever returns a URL, a password or a
token: every detail is written from what okrbsc knows (the channel, the
variable's name, the HTTP status), then scrubbed of the secrets as a last
guard. Deciding the exit code and printing the results is the command's job.
"""

from __future__ import annotations

import email.utils
import ssl
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, unquote, urlsplit

from okrbsc.rhythm.outbox import Email, Outbox
from okrbsc.sources.engines import MissingPackage
from okrbsc.sources.http import (
    LOOPBACK,
    MAX_WAIT,
    WEB_URL_RULE,
    client,
    httpx_module,
    retry_after,
    scrub,
    tls,
    web_url_allowed,
)

if TYPE_CHECKING:
    import smtplib
    from email.message import EmailMessage

    from okrbsc.strategy.models import Deliver

TIMEOUT = 10.0  # seconds, each request and each SMTP operation
TRIES = 4  # a 429 or 5xx is retried up to 3 times
NEEDS = "webhooks"  # need httpx

Sleep = Callable[[float], None]


@dataclass(frozen=True)
class DeliveryResult:
    """One delivery: to a channel (``slack``...) or, by e-mail, to one person.

    ``ok`` is False only for a failure; a person without an e-mail address is
    not delivered to, which is not a failure. ``detail`` never holds a URL or
    a secret.
    """

    channel: str
    recipient: str
    ok: bool
    detail: str


class _Failed(Exception):
    """A delivery failed: the message names what went wrong, never a secret."""


def deliver(
    outbox: Outbox,
    specs: Sequence[Deliver],
    *,
    env: Mapping[str, str],
    dry_run: bool,
    sleep: Sleep = time.sleep,
) -> list[DeliveryResult]:
    """Try every delivery of ``specs`` (independently) and say how each went."""
    results: list[DeliveryResult] = []
    for spec in specs:
        if spec.to == "email":
            results += _emails(outbox, spec, env, dry_run)
        else:
            results.append(_webhook(outbox, spec, env, dry_run, sleep))
    return results


def failed(results: Sequence[DeliveryResult]) -> bool:
    """Whether any delivery failed (the command then exits 2)."""
    return any(not r.ok for r in results)


# --- secrets ------------------------------------------------------------------------


def _secret(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise _Failed(f"the environment variable {name} is not set")
    return value


def _secrets_of(url: str) -> list[str]:
    """What must never be shown: the URL, its path and query (a webhook's token), its
    password (SPEC 12.3)."""
    found = [url]
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return found
    found += [p for p in (parts.path, parts.query) if len(p) > 8]
    if password:
        found += [password, unquote(password)]
    return found


# --- webhooks -----------------------------------------------------------------------


def _webhook(
    outbox: Outbox, spec: Deliver, env: Mapping[str, str], dry_run: bool, sleep: Sleep
) -> DeliveryResult:
    channel = spec.to
    name = spec.webhook_env or ""
    body = outbox.bodies.get(channel)
    result = DeliveryResult(channel, channel, True, "")
    secrets: list[str] = []
    try:
        url = _secret(env, name)
        secrets = _secrets_of(url)
        _check_webhook_url(url, name)
        if body is None:
            return replace(result, detail="nothing to send")
        if dry_run:
            return replace(result, detail=f"would POST {len(body):,} bytes to the URL in {name}")
        status = _post(url, body, sleep)
        return replace(result, detail=f"sent (HTTP {status})")
    except _Failed as exc:
        return replace(result, ok=False, detail=scrub(str(exc), secrets))


def _check_webhook_url(url: str, name: str) -> None:
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        raise _Failed(f"{name} does not hold a URL") from None
    if web_url_allowed(parts.scheme, host):
        return
    raise _Failed(f"the URL in {name} must be {WEB_URL_RULE}, not {parts.scheme or 'no scheme'}://")


def _post(url: str, body: bytes, sleep: Sleep) -> int:
    """POST ``body``; retry a 429 or 5xx (at most TRIES requests); the final status."""
    try:
        httpx = httpx_module(NEEDS)
    except MissingPackage as exc:
        raise _Failed(str(exc)) from None
    headers = {"Content-Type": "application/json"}
    # the one client (sources.http): no proxy or .netrc from the environment, the URL is the secret
    with client(TIMEOUT, NEEDS) as http:
        for attempt in range(1, TRIES + 1):
            try:
                response = http.post(url, content=body, headers=headers)
            except httpx.TimeoutException:
                raise _Failed(f"no answer within {TIMEOUT:g} s") from None
            except httpx.HTTPError as exc:
                raise _Failed(f"could not connect ({_reason(exc)})") from None
            status = response.status_code
            if 200 <= status < 300:
                return status
            if (status == 429 or status >= 500) and attempt < TRIES:
                sleep(_wait(response.headers.get("Retry-After"), attempt))
                continue
            tries = f" after {attempt} tries" if attempt > 1 else ""
            raise _Failed(f"HTTP {status} {response.reason_phrase}{tries}".rstrip())
    raise AssertionError("unreachable")  # pragma: no cover


def _reason(exc: BaseException) -> str:
    """A connection error's kind, without the text of the exception (it may hold the URL)."""
    cause = exc.__context__ or exc.__cause__
    if isinstance(cause, ssl.SSLCertVerificationError) or "CERTIFICATE" in str(exc).upper():
        return "TLS certificate not trusted"
    if isinstance(cause, ConnectionRefusedError) or "refused" in str(exc).lower():
        return "connection refused"
    return type(exc).__name__


def _wait(header: str | None, attempt: int) -> float:
    """Seconds to wait before the next try: Retry-After (seconds or a date), at most 60 s;
    without it 1, 2, 4 s."""
    seconds = retry_after(header, time.time())
    if seconds is None:
        return float(2 ** (attempt - 1))
    return min(max(seconds, 0.0), MAX_WAIT)


# --- e-mail -------------------------------------------------------------------------


def _emails(
    outbox: Outbox, spec: Deliver, env: Mapping[str, str], dry_run: bool
) -> list[DeliveryResult]:
    missing = [
        DeliveryResult("email", person, True, "not delivered: no e-mail address")
        for person in outbox.no_address
    ]
    if not outbox.emails:
        return missing
    secrets: list[str] = []
    try:
        url = _secret(env, spec.smtp_env or "")
        secrets = _secrets_of(url)
        server = _smtp_url(url, spec.smtp_env or "")
        if dry_run:
            via = f"through the SMTP server in {spec.smtp_env}"
            would = [_result(m, True, f"would send to {m.address} {via}") for m in outbox.emails]
            return would + missing
        sent = _send_all(server, spec.from_ or "", outbox.emails)
    except _Failed as exc:
        detail = scrub(str(exc), secrets)
        return [_result(m, False, detail) for m in outbox.emails] + missing
    return [replace(r, detail=scrub(r.detail, secrets)) for r in sent] + missing


def _result(message: Email, ok: bool, detail: str) -> DeliveryResult:
    return DeliveryResult("email", message.person, ok, detail)


@dataclass(frozen=True)
class _Server:
    secure: bool  # smtps: TLS from the first byte
    host: str
    port: int
    user: str | None
    password: str | None


def _smtp_url(url: str, name: str) -> _Server:
    try:
        parts: SplitResult = urlsplit(url)
        host, port = parts.hostname, parts.port
        user, password = parts.username, parts.password
    except ValueError:
        raise _Failed(f"{name} does not hold an SMTP URL (smtp://user:pass@host:587)") from None
    if parts.scheme not in ("smtp", "smtps") or not host:
        raise _Failed(
            f"{name} must hold smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465"
        )
    secure = parts.scheme == "smtps"
    return _Server(
        secure,
        host,
        port or (465 if secure else 587),
        unquote(user) if user else None,
        unquote(password) if password else None,
    )


def _send_all(server: _Server, sender: str, messages: Sequence[Email]) -> list[DeliveryResult]:
    """One connection for all messages; a failure of the connection fails those not sent."""
    import smtplib

    results: list[DeliveryResult] = []
    try:
        with _connected(server) as smtp:
            for message in messages:
                results.append(_send_one(smtp, sender, message))
    except (_Failed, smtplib.SMTPException, OSError) as exc:
        if len(results) == len(messages) and not isinstance(exc, _Failed):
            return results  # all sent; only saying goodbye failed
        detail = _failure(exc)
        results += [_result(m, False, detail) for m in messages[len(results) :]]
    return results


def _send_one(smtp: smtplib.SMTP, sender: str, message: Email) -> DeliveryResult:
    import smtplib

    try:
        smtp.send_message(_message(sender, message))
    except smtplib.SMTPRecipientsRefused:
        return _result(message, False, f"{message.address} was refused by the SMTP server")
    except smtplib.SMTPSenderRefused as exc:
        return _result(message, False, f"the SMTP server refused the sender ({exc.smtp_code})")
    except smtplib.SMTPDataError as exc:
        return _result(message, False, f"the SMTP server refused the message ({exc.smtp_code})")
    return _result(message, True, f"sent to {message.address}")


def _failure(exc: BaseException) -> str:
    """What went wrong with the SMTP connection, in words that hold no secret."""
    import smtplib

    if isinstance(exc, _Failed):
        return str(exc)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"the SMTP server refused the user name and password ({exc.smtp_code})"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return "the SMTP server does not offer what is needed (AUTH): check the URL's port"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"the SMTP server answered {exc.smtp_code}"
    if isinstance(exc, smtplib.SMTPException):
        return f"SMTP failed ({type(exc).__name__})"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return "the SMTP server's TLS certificate is not trusted"
    if isinstance(exc, ssl.SSLError):
        return "TLS with the SMTP server failed"
    if isinstance(exc, TimeoutError):
        return f"the SMTP server gave no answer within {TIMEOUT:g} s"
    assert isinstance(exc, OSError)
    return f"could not connect to the SMTP server ({exc.strerror or type(exc).__name__})"


@contextmanager
def _connected(server: _Server) -> Iterator[smtplib.SMTP]:
    """Connected and logged in: smtps, or STARTTLS (plain only to this machine)."""
    import smtplib

    smtp: smtplib.SMTP
    if server.secure:
        smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT, context=tls())
    else:
        smtp = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT)
    with smtp:
        smtp.ehlo()
        if not server.secure:
            if smtp.has_extn("starttls"):
                smtp.starttls(context=tls())
                smtp.ehlo()
            elif server.host not in LOOPBACK:
                raise _Failed("the SMTP server does not offer STARTTLS: use smtps:// or a TLS port")
        if server.user is not None:
            smtp.login(server.user, server.password or "")
        yield smtp


def _header(text: str) -> str:
    """One header line: a line break in data never starts a header of its own."""
    return " ".join(text.split())


def _message(sender: str, message: Email) -> EmailMessage:
    from email.message import EmailMessage

    out = EmailMessage()
    out["From"] = _header(sender)
    out["To"] = email.utils.formataddr((_header(message.name), message.address))
    out["Subject"] = _header(message.subject)
    out["Date"] = email.utils.formatdate()
    domain = email.utils.parseaddr(sender)[1].rpartition("@")[2] or "okrbsc.invalid"
    out["Message-ID"] = email.utils.make_msgid(domain=domain)
    out.set_content(message.text)
    out.add_alternative(message.html, subtype="html")
    return out
