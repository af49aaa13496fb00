"""Hostile titles, notes and names are inert in every medium of `remind` and `digest`
(SPEC 16.2, 12.2): no Slack ping or link, no Markdown or Adaptive Card link,
image, emphasis or mention, no HTML in e-mail, no line of its own in text."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from .conftest import TESTS, in_process, run_cli

FIXTURE = TESTS / "fixtures" / "rhythm"
AS_OF = "2026-11-20"
HOSTILE = {
    "Cut p95 latency from 800 to 300 ms": "<!channel> ping everyone",
    "Cut error budget burn from 3x to 1x": "<@U123> look <https://evil.example|here>",
    "Grow services with runbooks from 10 to 40": "[click me](https://evil.example)",
    "Grow services on the paved road from 5 to 30": "[x](javascript:alert(1))",
    "Cut time to first deploy from 10 to 1 days": "*bold* _it_ ~strike~ `code`",
    "Grow weekly active platform users from 40 to 120": "@channel @all dana@evil.example",
    "Raise activation from 30% to 45%": "![img](https://evil.example/x.png) <at>Lee</at>",
    "Cut setup time from 60 to 15 minutes": "<b>tag</b> &amp; line one\nline two",
    "Make the platform boringly reliable": "# Heading [card](https://evil.example)",
    "failover drill found two gaps": "<!here> **now** www.evil.example",
}
FORMATS = ["text", "md", "json", "slack", "teams", "mattermost"]


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("inert") / "strategy"
    shutil.copytree(FIXTURE, root)
    for path in [root / "okrbsc.yaml", *root.glob("okrs/2026/Q4/*.yaml")]:
        text = path.read_text(encoding="utf-8")
        for old, new in HOSTILE.items():
            text = text.replace(old, json.dumps(new))
        text = text.replace("name: Lou Park", 'name: "<!here> *Lou* [Park](https://evil.example)"')
        path.write_text(text, encoding="utf-8")
    return root


def out(repo: Path, command: str, fmt: str, *, process: bool = False) -> str:
    """The command's stdout: in this process, or a real one with ``process``."""
    run = run_cli if process else in_process
    proc = run(command, "--repo", str(repo), "--as-of", AS_OF, "--format", fmt)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def texts(node: Any) -> Iterator[tuple[str, str]]:
    """Every (type, text) of a Slack body's text objects, and its `text` fallback."""
    if isinstance(node, dict):
        if node.get("type") in ("plain_text", "mrkdwn"):
            yield node["type"], node["text"]
        for value in node.values():
            yield from texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from texts(item)


MENTION = re.compile(r"^<@U0[A-Z0-9]+> — level \d, \d+ key results?$")


@pytest.mark.parametrize("command", ["remind", "digest"])
def test_slack(repo: Path, command: str) -> None:
    body = json.loads(out(repo, command, "slack", process=True))  # both commands, for real
    assert "<" not in body["text"] and ">" not in body["text"]
    found = list(texts(body["blocks"]))
    for kind, text in found:
        if kind == "mrkdwn":  # okrbsc's own words and the mentions it writes, only
            assert MENTION.match(text), text
        else:
            assert "<" not in text and ">" not in text, text
            assert not re.search(r"&(?!amp;|lt;|gt;)", text), text
    joined = "\n".join(text for _, text in found)
    assert "&lt;!channel&gt; ping everyone" in joined or command == "digest"
    if command == "remind":
        assert "&lt;!here&gt; *Lou* [Park](https://evil.example) (lou)" in joined
        assert "&lt;@U123&gt; look &lt;https://evil.example|here&gt;" in joined
    else:
        assert "note: &lt;!here&gt; **now** www.evil.example" in joined


def _inert_html(html: str) -> None:
    for tag in ("<a ", "<img", "<em>", "<del>", "<s>", "<at>", "<b>", "<h1", "<script"):
        assert tag not in html, (tag, html)


def _card_texts(card: dict[str, Any]) -> Iterator[str]:
    for element in card["body"]:
        if element["type"] == "TextBlock":
            yield element["text"]
        elif element["type"] == "FactSet":
            for fact in element["facts"]:
                yield fact["title"]
                yield fact["value"]


@pytest.mark.parametrize("command", ["remind", "digest"])
def test_teams(repo: Path, command: str) -> None:
    body = json.loads(out(repo, command, "teams"))
    card = body["attachments"][0]["content"]
    renderer = MarkdownIt("commonmark")
    rendered = ""
    for text in _card_texts(card):
        html = renderer.render(text)
        _inert_html(html)
        assert "<strong>" not in html and "<code>" not in html
        rendered += html
    assert "[click me](https://evil.example)" in rendered or command == "digest"
    assert "# Heading [card](https://evil.example)" in rendered or command == "remind"
    assert "*bold* _it_ ~strike~ `code`" in rendered


@pytest.mark.parametrize("command", ["remind", "digest"])
@pytest.mark.parametrize("fmt", ["md", "mattermost"])
def test_markdown(repo: Path, command: str, fmt: str) -> None:
    text = out(repo, command, fmt)
    if fmt == "mattermost":
        text = json.loads(text)["text"]
    html = MarkdownIt("commonmark").enable("table").render(text)
    _inert_html(html)
    # no @mention, @channel or e-mail address left for the platform to find
    assert "@channel" not in text and "@all" not in text and "dana@evil" not in text
    assert "@\u2060channel" in text  # shown, and nobody is called
    assert re.findall(r"@[\w-]+", text) == (
        ["@cleo-e", "@patkim", "@loupark"] if (command, fmt) == ("remind", "md") else []
    )
    assert "[x](javascript:alert(1))" in html  # shown as the text it is
    cmarkgfm = pytest.importorskip("cmarkgfm")
    gfm = cmarkgfm.github_flavored_markdown_to_html(text)
    _inert_html(gfm)


@pytest.mark.parametrize("command", ["remind", "digest"])
def test_text_keeps_each_line_its_own(repo: Path, command: str) -> None:
    text = out(repo, command, "text")
    assert "line one\\nline two" in text
    assert not any(line.startswith("line two") for line in text.splitlines())


@pytest.mark.parametrize("command", ["remind", "digest"])
def test_json_keeps_the_titles_as_written(repo: Path, command: str) -> None:
    data = json.loads(out(repo, command, "json"))
    flat = json.dumps(data, ensure_ascii=False)
    for title in list(HOSTILE.values())[:8]:
        if command == "remind":
            assert json.dumps(title, ensure_ascii=False)[1:-1] in flat


def test_email_parts(repo: Path) -> None:
    from okrbsc.render.rhythm import remind_outbox
    from okrbsc.rhythm.remind import remind
    from okrbsc.session import Session

    strategy = Session(repo, AS_OF, quiet=True).repo
    outbox = remind_outbox(remind(strategy), [])
    assert outbox.emails
    for message in outbox.emails:
        _inert_html(message.html)
        assert "<b>tag</b>" not in message.html
        assert "\nline two" not in message.text
    pat = next(m for m in outbox.emails if m.person == "pat")
    assert "&lt;!channel&gt;" not in pat.html  # the channel ping is ada's key result
    assert "![img](https://evil.example/x.png) &lt;at&gt;Lee&lt;/at&gt;" in pat.html


@pytest.mark.parametrize("command", ["remind", "digest"])
def test_adaptive_card_renders_in_microsofts_renderer(
    repo: Path, tmp_path: Path, command: str
) -> None:
    """The Teams body's card parses, validates and renders with npm `adaptivecards`."""
    import shutil as sh

    from .conftest import need_tool
    from .test_report import node_server, node_tools, tool_script

    tools = node_tools()
    found = tools is not None and (tools / "node_modules" / "adaptivecards").is_dir()
    folder = Path(
        need_tool(str(tools) if found and sh.which("node") else None, "npm adaptivecards", "npm")
    )
    script = tool_script(
        folder, TESTS / "tools" / "adaptive_card_check.mjs", "okrbsc_adaptive_card_"
    )
    files = []
    for name, root in (("plain", FIXTURE), ("hostile", repo)):
        body = tmp_path / f"{name}.json"
        body.write_text(out(root, command, "teams"), encoding="utf-8")
        files.append(str(body))
    proc = node_server(script).run(files)  # one node per test process, reused
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["version"] for r in results] == ["1.4", "1.4"]
    assert all(r["events"] == [] and r["rendered"] for r in results)
    assert "PL1.2" in results[0]["text"]
