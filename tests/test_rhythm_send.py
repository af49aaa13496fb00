"""`remind --send` and `digest --send` (SPEC 16.2-16.4): the outbox the commands build,
delivered to real servers on 127.0.0.1 (a webhook receiver, aiosmtpd)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import TESTS, in_process
from .rhythm_servers import Mailbox, Webhooks, okrbsc, smtp_server, webhook_server

pytest.importorskip("aiosmtpd")
pytest.importorskip("httpx")

FIXTURE = TESTS / "fixtures" / "rhythm"
DELIVER = """  deliver:
    - {to: slack, webhook_env: SLACK_URL}
    - {to: teams, webhook_env: TEAMS_URL}
    - {to: mattermost, webhook_env: MM_URL}
    - {to: email, smtp_env: SMTP_URL, from: "OKR bot <okr@rhythm.example>"}
  digest_to: [ada]
"""
TOKEN = "T0SECRET/B0SECRET/abcdefghijkl"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "strategy"
    shutil.copytree(FIXTURE, root)
    config = root / "okrbsc.yaml"
    config.write_text(config.read_text(encoding="utf-8") + DELIVER, encoding="utf-8")
    return root


@pytest.fixture
def servers() -> Iterator[tuple[Webhooks, Mailbox]]:
    with webhook_server() as hooks, smtp_server() as box:
        yield hooks, box


def env_for(hooks: Webhooks, box: Mailbox) -> dict[str, str]:
    return {
        "SLACK_URL": f"{hooks.base}/slack/{TOKEN}",
        "TEAMS_URL": f"{hooks.base}/teams/{TOKEN}",
        "MM_URL": f"{hooks.base}/mm/{TOKEN}",
        "SMTP_URL": f"smtp://127.0.0.1:{box.port}",
    }


def body(hooks: Webhooks, path: str) -> bytes:
    [hit] = [r for r in hooks.received if r.path.startswith(path)]
    return hit.body


def test_remind_send(repo: Path, servers: tuple[Webhooks, Mailbox]) -> None:
    hooks, box = servers
    env = env_for(hooks, box)
    proc = okrbsc(repo, "remind", "--send", env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for channel, path in (("slack", "/slack/"), ("teams", "/teams/"), ("mattermost", "/mm/")):
        printed = okrbsc(repo, "remind", "--format", channel, env={}, run=in_process).stdout
        assert body(hooks, path) == printed.encode()  # the body the format prints
    assert len(hooks.received) == 3
    got = {m["To"]: m for m in box.messages}
    assert sorted(got) == [
        "Ada Byron <ada@rhythm.example>",
        "Cleo Evans <cleo@rhythm.example>",
        "Pat Kim <pat@rhythm.example>",
    ]
    subjects = {to: m["Subject"] for to, m in got.items()}
    assert subjects == {
        "Ada Byron <ada@rhythm.example>": "Check-in due: 3 key results — Rhythm & Co",
        "Cleo Evans <cleo@rhythm.example>": "Check-in due: 1 key result — Rhythm & Co",
        "Pat Kim <pat@rhythm.example>": "Check-in due: 4 key results — Rhythm & Co",
    }
    cleo = got["Cleo Evans <cleo@rhythm.example>"]
    text = cleo.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text.startswith(
        "Hello Cleo Evans,\n\n1 key result is owed a check-in as of 2026-11-20:\n"
    )
    assert "PR1.1 Raise activation from 30% to 45%" in text
    assert (
        "as parent team's lead; record it with a comment on the weekly issue: "
        "/checkin PR1.1 VALUE confidence C "
        "(or in a terminal: okrbsc checkin PR1.1 VALUE --confidence C)" in " ".join(text.split())
    )
    html = cleo.get_body(("html",)).get_content()
    assert "<li>PR1.1 Raise activation from 30% to 45%: product" in html
    # people owed something without an address are listed, and that is no failure
    lines = proc.stdout.splitlines()
    for person in ("lou", "kai", "zed"):
        assert f"email to {person}: not delivered: no e-mail address" in lines
    assert "slack: sent (HTTP 200)" in lines
    assert TOKEN not in proc.stdout + proc.stderr
    assert hooks.base not in proc.stdout + proc.stderr


def test_digest_send(repo: Path, servers: tuple[Webhooks, Mailbox]) -> None:
    hooks, box = servers
    proc = okrbsc(repo, "digest", "--send", env=env_for(hooks, box))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    printed = okrbsc(repo, "digest", "--format", "slack", env={}, run=in_process).stdout
    assert body(hooks, "/slack/") == printed.encode()
    # the leads of product (pat) and platform (lou, no address), then digest_to (ada)
    assert [m["To"] for m in box.messages] == [
        "Pat Kim <pat@rhythm.example>",
        "Ada Byron <ada@rhythm.example>",
    ]
    assert {m["Subject"] for m in box.messages} == {"OKR digest, week to 2026-11-20 — Rhythm & Co"}
    text = box.messages[0].get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Week to 2026-11-20: 1 check-in from 1 of 2 teams;" in text
    assert "email to lou: not delivered: no e-mail address" in proc.stdout


def test_dry_run_sends_nothing(repo: Path, servers: tuple[Webhooks, Mailbox]) -> None:
    hooks, box = servers
    proc = okrbsc(repo, "remind", "--send", "--dry-run", env=env_for(hooks, box), run=in_process)
    assert proc.returncode == 0, proc.stderr
    assert hooks.received == [] and box.messages == []
    assert "email to pat: would send to pat@rhythm.example" in proc.stdout
    assert "slack: would POST" in proc.stdout


def test_a_failed_delivery_exits_2_and_the_others_go(
    repo: Path, servers: tuple[Webhooks, Mailbox]
) -> None:
    hooks, box = servers
    hooks.script[f"/teams/{TOKEN}"] = [(404, {})]
    proc = okrbsc(repo, "remind", "--send", "--strict", "--format", "json", env=env_for(hooks, box))
    assert proc.returncode == 2  # a failed delivery wins over --strict's 1
    results = json.loads(proc.stdout)["deliveries"]
    teams = [r for r in results if r["channel"] == "teams"]
    assert teams[0]["ok"] is False and "404" in teams[0]["detail"]
    assert len(body(hooks, "/slack/")) > 0 and len(box.messages) == 3
    assert TOKEN not in proc.stdout + proc.stderr


def test_send_without_channels_is_a_usage_error(tmp_path: Path) -> None:
    root = tmp_path / "strategy"
    shutil.copytree(FIXTURE, root)
    proc = okrbsc(root, "remind", "--send", env={}, run=in_process)
    assert proc.returncode == 2
    assert "nowhere to send: list the channels under rhythm.deliver" in proc.stderr
