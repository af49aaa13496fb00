"""Delivery of reminders and digests (SPEC 16.3): webhooks and e-mail, against real servers.

Webhooks POST to a ThreadingHTTPServer on 127.0.0.1 that answers from a
script (429 with Retry-After, 5xx, 404); e-mail goes to aiosmtpd and is
parsed back with ``email``. The secret in each URL must never appear in any
result.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from okrbsc.rhythm.deliver import DeliveryResult, deliver, failed
from okrbsc.rhythm.outbox import Email, Outbox
from okrbsc.strategy.models import Deliver

from .rhythm_servers import make_cert, smtp_server, webhook_server

TOKEN = "s3cr3tT0kenXYZ"
PASSWORD = "p@ss:w/rd"
PASSWORD_IN_URL = "p%40ss%3Aw%2Frd"


def spec(**fields: Any) -> Deliver:
    return Deliver.model_validate(fields)


SLACK = spec(to="slack", webhook_env="SLACK_WEBHOOK_URL")
TEAMS = spec(to="teams", webhook_env="TEAMS_WEBHOOK_URL")
MAIL = spec(to="email", smtp_env="OKRBSC_SMTP_URL", **{"from": "OKR bot <okr@acme.example>"})

DANA = Email(
    "dana",
    "dana@acme.example",
    "Dana Ruiz",
    "Check-in due: 2 key results — Acme",
    "SQ1.1 is 9 days without a check-in.\n",
    "<p><strong>SQ1.1</strong> is 9 days without a check-in.</p>",
)
LEE = Email(
    "lee", "lee@acme.example", "Lee Chen", "Check-in due: 1 key result — Acme", "t", "<p>h</p>"
)


class Waits:
    def __init__(self) -> None:
        self.seconds: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


def no_secret(results: list[DeliveryResult]) -> None:
    shown = repr(results)
    for secret in (TOKEN, PASSWORD, PASSWORD_IN_URL, "services/T0"):
        assert secret not in shown


def test_a_webhook_gets_its_channels_body_once(monkeypatch: pytest.MonkeyPatch) -> None:
    for proxy in ("HTTP_PROXY", "http_proxy", "ALL_PROXY"):  # never shown the secret URL
        monkeypatch.setenv(proxy, "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    body = json.dumps({"text": "3 check-ins due"}).encode()
    with webhook_server() as hooks:
        env = {"SLACK_WEBHOOK_URL": f"{hooks.base}/services/T0/B0/{TOKEN}"}
        results = deliver(Outbox(bodies={"slack": body}), [SLACK], env=env, dry_run=False)
        (hit,) = hooks.received
    assert results == [DeliveryResult("slack", "slack", True, "sent (HTTP 200)")]
    assert hit.body == body and hit.headers["Content-Type"] == "application/json"
    assert hit.path == f"/services/T0/B0/{TOKEN}"
    no_secret(results)


@pytest.mark.parametrize(
    ("script", "requests", "ok", "waits"),
    [
        ([(429, {"Retry-After": "7"}), (200, {})], 2, True, [7.0]),
        ([(429, {"Retry-After": "600"}), (200, {})], 2, True, [60.0]),
        ([(500, {}), (500, {}), (500, {}), (200, {})], 4, True, [1.0, 2.0, 4.0]),
        ([(503, {"Retry-After": "0"})], 4, False, [0.0, 0.0, 0.0]),
        ([(404, {})], 1, False, []),
    ],
    ids=["429-retry-after", "retry-after-capped", "500-thrice-then-200", "500-four-times", "404"],
)
def test_retries_of_a_webhook(
    script: list[tuple[int, dict[str, str]]], requests: int, ok: bool, waits: list[float]
) -> None:
    slept = Waits()
    with webhook_server() as hooks:
        path = f"/services/T0/B0/{TOKEN}"
        hooks.script[path] = script
        env = {"SLACK_WEBHOOK_URL": hooks.base + path}
        (result,) = deliver(
            Outbox(bodies={"slack": b"{}"}), [SLACK], env=env, dry_run=False, sleep=slept
        )
        assert len(hooks.hits(path)) == requests
    assert result.ok is ok and slept.seconds == waits
    if not ok:
        status = script[-1][0]
        assert result.detail.startswith(f"HTTP {status} ")
        assert failed([result])
    no_secret([result])


def test_deliveries_are_independent_and_each_is_listed() -> None:
    with webhook_server() as hooks:
        hooks.script["/teams"] = [(404, {})]
        env = {
            "SLACK_WEBHOOK_URL": f"{hooks.base}/slack",
            "TEAMS_WEBHOOK_URL": f"{hooks.base}/teams",
        }
        outbox = Outbox(bodies={"slack": b'{"a": 1}', "teams": b'{"b": 2}'})
        results = deliver(outbox, [TEAMS, SLACK], env=env, dry_run=False)
        assert [r.path for r in hooks.received] == ["/teams", "/slack"]
    assert [(r.channel, r.ok) for r in results] == [("teams", False), ("slack", True)]
    assert results[0].detail == "HTTP 404 Not Found" and failed(results)


def test_a_missing_variable_is_named_and_nothing_is_sent() -> None:
    with webhook_server() as hooks:
        (result,) = deliver(Outbox(bodies={"slack": b"{}"}), [SLACK], env={}, dry_run=False)
        assert hooks.received == []
    assert not result.ok
    assert result.detail == "the environment variable SLACK_WEBHOOK_URL is not set"


@pytest.mark.parametrize(
    "url",
    [
        f"http://hooks.example.com/services/T0/B0/{TOKEN}",
        f"ftp://127.0.0.1/{TOKEN}",
        f"https:///services/{TOKEN}",
    ],
)
def test_only_https_or_plain_http_to_this_machine(url: str) -> None:
    (result,) = deliver(
        Outbox(bodies={"slack": b"{}"}), [SLACK], env={"SLACK_WEBHOOK_URL": url}, dry_run=False
    )
    assert not result.ok and "must be https://" in result.detail
    assert "hooks.example.com" not in result.detail
    no_secret([result])


def test_tls_is_verified_against_the_trust_store_ssl_cert_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert = make_cert(tmp_path)
    with webhook_server(cert) as hooks:
        env = {"SLACK_WEBHOOK_URL": f"{hooks.base}/services/T0/B0/{TOKEN}"}
        outbox = Outbox(bodies={"slack": b"{}"})
        monkeypatch.delenv("SSL_CERT_FILE", raising=False)
        (untrusted,) = deliver(outbox, [SLACK], env=env, dry_run=False)
        monkeypatch.setenv("SSL_CERT_FILE", str(cert[0]))
        (trusted,) = deliver(outbox, [SLACK], env=env, dry_run=False)
        assert len(hooks.received) == 1
    assert not untrusted.ok and "TLS certificate not trusted" in untrusted.detail
    assert trusted.ok, trusted.detail
    no_secret([untrusted, trusted])


def test_without_httpx_a_webhook_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "httpx", None)
    (result,) = deliver(
        Outbox(bodies={"slack": b"{}"}),
        [SLACK],
        env={"SLACK_WEBHOOK_URL": f"https://hooks.example/{TOKEN}"},
        dry_run=False,
    )
    assert not result.ok and "okrbsc[trackers]" in result.detail


def test_dry_run_lists_and_sends_nothing() -> None:
    with webhook_server() as hooks, smtp_server() as box:
        env = {
            "SLACK_WEBHOOK_URL": f"{hooks.base}/services/T0/B0/{TOKEN}",
            "OKRBSC_SMTP_URL": f"smtp://okr:{PASSWORD_IN_URL}@{box.host}:{box.port}",
        }
        outbox = Outbox(bodies={"slack": b"{}"}, emails=[DANA], no_address=["sam"])
        results = deliver(outbox, [SLACK, MAIL], env=env, dry_run=True)
        assert hooks.received == [] and box.messages == []
    assert [(r.channel, r.recipient, r.ok) for r in results] == [
        ("slack", "slack", True),
        ("email", "dana", True),
        ("email", "sam", True),
    ]
    assert results[0].detail == "would POST 2 bytes to the URL in SLACK_WEBHOOK_URL"
    assert results[1].detail.startswith("would send to dana@acme.example")
    assert results[2].detail == "not delivered: no e-mail address"
    no_secret(results)


def test_email_one_message_per_person_text_and_html() -> None:
    with smtp_server(login=("okr", PASSWORD)) as box:
        env = {"OKRBSC_SMTP_URL": f"smtp://okr:{PASSWORD_IN_URL}@{box.host}:{box.port}"}
        outbox = Outbox(emails=[DANA, LEE], no_address=["sam"])
        results = deliver(outbox, [MAIL], env=env, dry_run=False)
    assert [(r.recipient, r.ok, r.detail) for r in results] == [
        ("dana", True, "sent to dana@acme.example"),
        ("lee", True, "sent to lee@acme.example"),
        ("sam", True, "not delivered: no e-mail address"),
    ]
    assert not failed(results)
    assert box.logins == [("okr", PASSWORD)]
    assert box.envelopes[0] == ("okr@acme.example", ["dana@acme.example"])
    first = box.messages[0]
    assert first["Subject"] == "Check-in due: 2 key results — Acme"
    assert first["To"] == "Dana Ruiz <dana@acme.example>"
    assert first["From"] == "OKR bot <okr@acme.example>"
    assert first.get_content_type() == "multipart/alternative"
    text = first.get_body(("plain",))
    html = first.get_body(("html",))
    assert text is not None and html is not None
    assert text.get_content().replace("\r\n", "\n") == DANA.text  # CRLF on the wire
    assert html.get_content().strip() == DANA.html
    no_secret(results)


def test_a_wrong_password_fails_each_message_without_showing_it() -> None:
    with smtp_server(login=("okr", "another")) as box:
        env = {"OKRBSC_SMTP_URL": f"smtp://okr:{PASSWORD_IN_URL}@{box.host}:{box.port}"}
        results = deliver(Outbox(emails=[DANA, LEE]), [MAIL], env=env, dry_run=False)
        assert box.messages == []
    assert [r.ok for r in results] == [False, False]
    assert results[0].detail.startswith("the SMTP server refused the user name and password")
    no_secret(results)


def test_starttls_verified_and_plain_smtp_refused_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert = make_cert(tmp_path)
    with smtp_server(login=("okr", PASSWORD), cert=cert) as box:
        env = {"OKRBSC_SMTP_URL": f"smtp://okr:{PASSWORD_IN_URL}@{box.host}:{box.port}"}
        monkeypatch.delenv("SSL_CERT_FILE", raising=False)
        (untrusted,) = deliver(Outbox(emails=[DANA]), [MAIL], env=env, dry_run=False)
        monkeypatch.setenv("SSL_CERT_FILE", str(cert[0]))
        (trusted,) = deliver(Outbox(emails=[DANA]), [MAIL], env=env, dry_run=False)
        assert len(box.messages) == 1
    assert not untrusted.ok and "not trusted" in untrusted.detail
    assert trusted.ok, trusted.detail
    no_secret([untrusted, trusted])


def test_an_smtp_server_that_cannot_be_reached_fails_naming_no_secret() -> None:
    with smtp_server() as box:
        port = box.port
    env = {"OKRBSC_SMTP_URL": f"smtps://okr:{PASSWORD_IN_URL}@127.0.0.1:{port}"}
    (result,) = deliver(Outbox(emails=[DANA]), [MAIL], env=env, dry_run=False)
    assert not result.ok and result.detail.startswith("could not connect to the SMTP server")
    no_secret([result])


def test_a_subject_or_name_cannot_add_a_header() -> None:
    sly = Email(
        "dana", "dana@acme.example", "Dana\r\nBcc: eve@evil.example", "Due\nX-Evil: 1", "t", "h"
    )
    with smtp_server() as box:
        env = {"OKRBSC_SMTP_URL": f"smtp://{box.host}:{box.port}"}
        (result,) = deliver(Outbox(emails=[sly]), [MAIL], env=env, dry_run=False)
    assert result.ok, result.detail
    (message,) = box.messages
    assert message["X-Evil"] is None and message["Bcc"] is None
    assert box.envelopes[0][1] == ["dana@acme.example"]
    assert message["Subject"] == "Due X-Evil: 1"


def test_results_as_lines_and_json() -> None:
    from okrbsc.render.delivery import delivery_json, delivery_lines

    results = [
        DeliveryResult("slack", "slack", True, "sent (HTTP 200)"),
        DeliveryResult("email", "dana", False, "dana@acme.example was refused\x1b[2J"),
    ]
    assert delivery_lines(results) == [
        "slack: sent (HTTP 200)",
        "FAILED email to dana: dana@acme.example was refused\\x1b[2J",
    ]
    assert delivery_json(results)[1] == {
        "channel": "email",
        "to": "dana",
        "ok": False,
        "detail": "dana@acme.example was refused\x1b[2J",
    }
