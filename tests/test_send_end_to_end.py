"""`remind --send` and `digest --send` end to end, as CI runs them (SPEC 16.3).

okrbsc runs as a subprocess with its secrets in the environment only: webhooks
that answer 429 with `Retry-After: 1` and 500 before they take the body, one
that keeps failing, and an SMTP server that wants a user name and a password
full of URL characters over STARTTLS with a certificate trusted through
SSL_CERT_FILE. No output may show a URL, the webhook token or the password.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from .conftest import TESTS
from .rhythm_servers import make_cert, okrbsc, smtp_server, webhook_server

TOKEN = "T0SECRET/B0SECRET/zyxwvutsrq"
PASSWORD = "p@ss:w/rd#1"
PASSWORD_IN_URL = "p%40ss%3Aw%2Frd%231"
DELIVER = """  deliver:
    - {to: slack, webhook_env: SLACK_WEBHOOK_URL}
    - {to: mattermost, webhook_env: MATTERMOST_WEBHOOK_URL}
    - {to: email, smtp_env: OKRBSC_SMTP_URL, from: "OKR bot <okr@rhythm.example>"}
  digest_to: [ada]
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "strategy"
    shutil.copytree(TESTS / "fixtures" / "rhythm", root)
    config = root / "okrbsc.yaml"
    config.write_text(config.read_text(encoding="utf-8") + DELIVER, encoding="utf-8")
    return root


def shows_no_secret(proc: subprocess.CompletedProcess[str], *urls: str) -> None:
    shown = proc.stdout + proc.stderr
    for secret in (TOKEN, "T0SECRET", PASSWORD, PASSWORD_IN_URL, *urls):
        assert secret not in shown


@pytest.mark.parametrize("command", ["remind", "digest"])
def test_send_retries_busy_webhooks_and_logs_in_over_starttls(
    repo: Path, tmp_path: Path, command: str
) -> None:
    cert = make_cert(tmp_path)
    with webhook_server() as hooks, smtp_server(login=("okr", PASSWORD), cert=cert) as box:
        hooks.script[f"/slack/{TOKEN}"] = [(429, {"Retry-After": "1"}), (200, {})]
        hooks.script[f"/mm/{TOKEN}"] = [(500, {"Retry-After": "0"})] * 3 + [(200, {})]
        slack, mattermost = f"{hooks.base}/slack/{TOKEN}", f"{hooks.base}/mm/{TOKEN}"
        smtp = f"smtp://okr:{PASSWORD_IN_URL}@127.0.0.1:{box.port}"
        env = {
            "SLACK_WEBHOOK_URL": slack,
            "MATTERMOST_WEBHOOK_URL": mattermost,
            "OKRBSC_SMTP_URL": smtp,
            "SSL_CERT_FILE": str(cert[0]),
        }
        started = time.monotonic()
        proc = okrbsc(repo, command, "--send", env=env)
        took = time.monotonic() - started
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert len(hooks.hits(f"/slack/{TOKEN}")) == 2
        assert len(hooks.hits(f"/mm/{TOKEN}")) == 4
        printed = okrbsc(repo, command, "--format", "slack", env={}).stdout.encode()
        assert {r.body for r in hooks.hits(f"/slack/{TOKEN}")} == {printed}
        assert box.logins and set(box.logins) == {("okr", PASSWORD)}
        assert box.messages, "no e-mail arrived"
    assert took >= 1.0  # the 429's Retry-After was honoured
    lines = proc.stdout.splitlines()
    assert "slack: sent (HTTP 200)" in lines and "mattermost: sent (HTTP 200)" in lines
    for message in box.messages:
        assert message["From"] == "OKR bot <okr@rhythm.example>"
        assert message.get_body(("html",)) is not None
        assert message.get_body(("plain",)) is not None
    shows_no_secret(proc, slack, mattermost, smtp, hooks.base)


def test_a_webhook_that_keeps_failing_fails_the_run_not_the_others(repo: Path) -> None:
    with webhook_server() as hooks, smtp_server() as box:
        hooks.script[f"/mm/{TOKEN}"] = [(503, {"Retry-After": "0"})]
        env = {
            "SLACK_WEBHOOK_URL": f"{hooks.base}/slack/{TOKEN}",
            "MATTERMOST_WEBHOOK_URL": f"{hooks.base}/mm/{TOKEN}",
            "OKRBSC_SMTP_URL": f"smtp://127.0.0.1:{box.port}",
        }
        proc = okrbsc(repo, "remind", "--send", "--format", "json", env=env)
        assert len(hooks.hits(f"/mm/{TOKEN}")) == 4  # at most four requests
        assert len(hooks.hits(f"/slack/{TOKEN}")) == 1 and len(box.messages) == 3
    assert proc.returncode == 2
    results = {r["channel"] + ":" + r["to"]: r for r in json.loads(proc.stdout)["deliveries"]}
    assert results["mattermost:mattermost"]["ok"] is False
    assert results["mattermost:mattermost"]["detail"].startswith("HTTP 503 Service Unavailable")
    assert results["slack:slack"]["ok"] is True
    shows_no_secret(proc, hooks.base)


def test_a_missing_variable_is_named(repo: Path) -> None:
    with webhook_server() as hooks, smtp_server() as box:
        env = {
            "SLACK_WEBHOOK_URL": f"{hooks.base}/slack/{TOKEN}",
            "OKRBSC_SMTP_URL": f"smtp://okr:{PASSWORD_IN_URL}@127.0.0.1:{box.port}",
        }
        proc = okrbsc(repo, "digest", "--send", env=env)
        assert len(hooks.received) == 1
    assert proc.returncode == 2
    assert "FAILED mattermost: the environment variable MATTERMOST_WEBHOOK_URL is not set" in (
        proc.stdout.splitlines()
    )
    shows_no_secret(proc, hooks.base)
