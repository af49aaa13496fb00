"""`okrbsc remind` (SPEC 16.1, 16.2) through the command line, on tests/fixtures/rhythm.

The fixture: company (lead ceo) -> product (lead pat) -> platform (lead lou);
people with and without handles and e-mail (ada has no handle, lou no e-mail,
kai nothing but the id) and an owner nobody listed (zed). As of 2026-11-20,
with `due_after_days` 7 and `escalate_after_days` [14, 28], the ages and
levels are worked out by hand from the check-in dates:

    PL1.1  2026-11-16 ->  4 days: not owed
    PL1.2  2026-11-13 ->  7 days: level 1 (exactly due)       ada
    PL1.3  2026-11-06 -> 14 days: level 2 (objective owner)   ada, lou
    PL1.4  2026-10-23 -> 28 days: level 3                     kai, lou, pat
    PL2.1  2026-11-06 -> 14 days: level 2, answers to lou (team lead, no owner);
                         lou met twice, so pat takes level 2  lou, pat
    PL2.2  none: from 2026-10-01 -> 50 days: level 3          zed, lou, pat
    PL2.3  2026-11-10 -> 10 days: level 1, pulled (source)    ada
    PL2.4  at its target: finished, never owed
    PL2.5  binary, done: finished, never owed
    PR1.1  2026-10-20 -> 31 days: level 3; pat owns it and leads product, so
                         the company's lead is next           pat, ceo
    PR1.2  2026-11-12 ->  8 days: level 1                     lou
    (2026-Q3 has ended: nothing of it is owed)
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app

from .conftest import TESTS, in_process, run_cli

FIXTURE = TESTS / "fixtures" / "rhythm"
AS_OF = "2026-11-20"

# (to, key result, level, because), in text order: worst level first, then people
# in `people` order (ceo, pat, lou, ada, kai), an owner not listed (zed) after them
EXPECTED = [
    ("ceo", "PR1.1", 3, "parent lead"),
    ("pat", "PL2.2", 3, "parent lead"),
    ("pat", "PR1.1", 3, "owner"),
    ("pat", "PL1.4", 3, "parent lead"),
    ("pat", "PL2.1", 2, "parent lead"),
    ("lou", "PL2.2", 3, "team lead"),
    ("lou", "PL1.4", 3, "team lead"),
    ("lou", "PL1.3", 2, "team lead"),
    ("lou", "PL2.1", 2, "owner"),
    ("lou", "PR1.2", 1, "owner"),
    ("kai", "PL1.4", 3, "owner"),
    ("zed", "PL2.2", 3, "owner"),
    ("ada", "PL1.3", 2, "owner"),
    ("ada", "PL2.3", 1, "owner"),
    ("ada", "PL1.2", 1, "owner"),
]
AGES = {
    "PL1.2": ("2026-11-13", 7),
    "PL1.3": ("2026-11-06", 14),
    "PL1.4": ("2026-10-23", 28),
    "PL2.1": ("2026-11-06", 14),
    "PL2.2": (None, 50),
    "PL2.3": ("2026-11-10", 10),
    "PR1.1": ("2026-10-20", 31),
    "PR1.2": ("2026-11-12", 8),
}


def remind(*args: str, repo: Path = FIXTURE) -> Any:
    proc = in_process("remind", "--repo", str(repo), "--as-of", AS_OF, *args)
    assert proc.returncode == 0, proc.stderr
    return proc


def remind_json(*args: str, repo: Path = FIXTURE) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(remind("--format", "json", *args, repo=repo).stdout)
    return data


def line_of(path: str, ident: str) -> int:
    lines = (FIXTURE / path).read_text(encoding="utf-8").splitlines()
    return next(i for i, text in enumerate(lines, start=1) if f"- id: {ident}" in text)


def test_who_owes_what_at_which_level() -> None:
    data = remind_json()
    assert data["as_of"] == AS_OF
    got = [(r["to"], r["key_result"], r["level"], r["because"]) for r in data["reminders"]]
    assert got == EXPECTED


def test_every_json_field() -> None:
    data = remind_json()
    keys = {
        "to", "name", "email", "key_result", "title", "team", "period", "path", "line",
        "last_checkin", "age_days", "level", "because", "pulled",
    }  # fmt: skip
    assert set(data) == {"as_of", "reminders"}
    for entry in data["reminders"]:
        assert set(entry) == keys
        last, age = AGES[entry["key_result"]]
        assert (entry["last_checkin"], entry["age_days"]) == (last, age)
        assert entry["pulled"] is (entry["key_result"] == "PL2.3")
        assert entry["period"] == "2026-Q4"
        team = "product" if entry["key_result"].startswith("PR") else "platform"
        assert entry["team"] == team
        assert entry["path"] == f"okrs/2026/Q4/{team}.yaml"
        assert entry["line"] == line_of(entry["path"], entry["key_result"])
    by_person = {r["to"]: (r["name"], r["email"]) for r in data["reminders"]}
    assert by_person == {
        "ceo": ("Cleo Evans", "cleo@rhythm.example"),
        "pat": ("Pat Kim", "pat@rhythm.example"),
        "lou": ("Lou Park", None),
        "ada": ("Ada Byron", "ada@rhythm.example"),
        "kai": ("kai", None),  # `name` defaults to the id
        "zed": ("zed", None),  # not listed under people
    }
    title = next(r["title"] for r in data["reminders"] if r["key_result"] == "PL2.2")
    assert title == "Cut time to first deploy from 10 to 1 days"


def test_finished_and_fresh_key_results_are_never_owed() -> None:
    owed = {r["key_result"] for r in remind_json()["reminders"]}
    assert owed == set(AGES)
    assert not owed & {"PL1.1", "PL2.4", "PL2.5"}


def test_text_blocks_commands_and_hint() -> None:
    out = remind().stdout
    assert out.startswith(
        "Check-ins owed as of 2026-11-20: 8 key results for 6 people (Rhythm & Co)\n"
    )
    heads = [line for line in out.splitlines() if re.match(r"^\S.*, level \d$", line)]
    assert heads == [
        "Cleo Evans (ceo), level 3",
        "Pat Kim (pat), level 3",
        "Lou Park (lou), level 3",
        "kai, level 3",
        "zed, not listed under people, level 3",
        "Ada Byron (ada), level 2",
    ]
    assert (
        "  PL2.3  Grow weekly active platform users from 40 to 120\n"
        "      platform · last check-in 2026-11-10, 10 days ago · level 1 · "
        "pulled: its feed has stopped\n"
        "      okrbsc checkin PL2.3 VALUE --confidence C\n"
    ) in out
    assert "      platform · last check-in none yet, 50 days into 2026-Q4 · level 3\n" in out
    # PL1.2 is also an id of 2026-Q3: the command names the period
    assert "      okrbsc checkin PL1.2 VALUE --confidence C --period 2026-Q4\n" in out
    assert out.endswith("\nReply `/checkin ID VALUE confidence C` on the weekly issue\n")


def test_the_command_shown_records_the_check_in(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo)
    line = next(x for x in remind(repo=repo).stdout.splitlines() if "checkin PL1.2 " in x)
    args = line.strip().split()[1:]
    args[args.index("VALUE")] = "500"
    args[args.index("C")] = "0.7"
    proc = run_cli(*args, "--repo", str(repo), "--as-of", AS_OF)
    assert proc.returncode == 0, proc.stderr
    owed = {r["key_result"] for r in remind_json(repo=repo)["reminders"]}
    assert owed == set(AGES) - {"PL1.2"}


def test_nothing_owed_and_strict() -> None:
    proc = run_cli("remind", "--repo", str(FIXTURE), "--as-of", "2026-10-05", "--strict")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (
        "Nothing owed as of 2026-10-05: every key result of a running period has a "
        "check-in less than 7 days old, or is finished.\n"
    )
    strict = run_cli("remind", "--repo", str(FIXTURE), "--as-of", AS_OF, "--strict")
    assert strict.returncode == 1
    assert strict.stdout == remind().stdout


def test_period_and_team_narrow_it() -> None:
    product = remind_json("--team", "product")["reminders"]
    assert [(r["to"], r["key_result"]) for r in product] == [
        ("ceo", "PR1.1"),
        ("pat", "PR1.1"),
        ("lou", "PR1.2"),
    ]
    assert remind_json("2026-Q3")["reminders"] == []  # ended: nothing owed
    assert remind_json("Q4")["reminders"] == remind_json()["reminders"]
    bad = in_process("remind", "--repo", str(FIXTURE), "--as-of", AS_OF, "--team", "platfrom")
    assert bad.returncode == 2
    assert "--team 'platfrom' is no team of this repo (did you mean 'platform'?)" in bad.stderr


def test_defaults_follow_stale_after_days(tmp_path: Path) -> None:
    """Without `rhythm`, due after 7 days, escalating at stale_after_days and twice it."""
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo)
    config = repo / "okrbsc.yaml"
    text = config.read_text(encoding="utf-8")
    text = text[: text.index("rhythm:")] + "lint: {stale_after_days: 10}\n"
    config.write_text(text, encoding="utf-8")
    levels = {r["key_result"]: r["level"] for r in remind_json(repo=repo)["reminders"]}
    # ages 7, 8 -> 1; 10, 14 -> 2 (>= 10); 20+ -> 3 (>= 20)
    assert levels == {
        "PL1.2": 1, "PR1.2": 1, "PL2.3": 2, "PL1.3": 2, "PL2.1": 2,
        "PL1.4": 3, "PL2.2": 3, "PR1.1": 3,
    }  # fmt: skip


def test_markdown_checklist_mentions(tmp_path: Path) -> None:
    from markdown_it import MarkdownIt

    out = remind("--format", "md").stdout
    assert out.startswith("### Check-ins owed as of 2026-11-20: 8 key results for 6 people\n")
    assert "**Pat Kim (pat)** @patkim\n" in out
    assert "**Ada Byron (ada)**\n" in out  # no handle: the name only
    assert (
        "- [ ] `PL1.2` Cut p95 latency from 800 to 300 ms: platform · last check-in "
        "2026-11-13, 7 days ago · level 1\n  `/checkin PL1.2 VALUE confidence C`\n"
    ) in out
    assert out.count("- [ ] ") == len(EXPECTED)
    html = MarkdownIt("commonmark").render(out)
    assert html.count("<li>") == len(EXPECTED)
    gitlab = remind("--format", "md", "--mentions", "gitlab").stdout
    assert "**Pat Kim (pat)** @pkim\n" in gitlab
    assert "@patkim" not in gitlab and "@loupark" not in gitlab  # lou has no gitlab handle


def test_slack_body() -> None:
    body = json.loads(remind("--format", "slack").stdout)
    assert set(body) == {"text", "blocks"}
    assert body["text"] == "Check-ins owed as of 2026-11-20: 8 key results for 6 people"
    blocks = body["blocks"]
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": body["text"]},
    }
    # a person, then their key results: 6 people, then the hint
    assert [b["type"] for b in blocks] == ["header"] + ["section"] * 12 + ["context"]
    whos = [b["text"] for b in blocks[1:13:2]]
    assert whos[0] == {"type": "mrkdwn", "text": "<@U0CEO0001> — level 3, 1 key result"}
    assert whos[1] == {"type": "mrkdwn", "text": "<@U0PAT0002> — level 3, 4 key results"}
    assert whos[2] == {"type": "plain_text", "text": "Lou Park (lou) — level 3, 5 key results"}
    items = blocks[12]["text"]  # ada's
    assert items["type"] == "plain_text"
    assert items["text"].splitlines()[0].startswith("• PL1.3 Cut error budget burn from 3x to 1x")
    assert blocks[-1] == {
        "type": "context",
        "elements": [
            {
                "type": "plain_text",
                "text": "Reply `/checkin ID VALUE confidence C` on the weekly issue",
            }
        ],
    }


def test_teams_body_is_an_adaptive_card() -> None:
    body = json.loads(remind("--format", "teams").stdout)
    assert set(body) == {"type", "attachments"}
    assert body["type"] == "message"
    [attachment] = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    kinds = [element["type"] for element in card["body"]]
    assert kinds == ["TextBlock"] + ["TextBlock", "FactSet"] * 6 + ["TextBlock"]
    facts = card["body"][2]["facts"]
    assert facts == [
        {
            "title": "PR1.1",
            "value": "Raise activation from 30% to 45% — product · last check-in 2026-10-20, "
            "31 days ago · level 3 · as parent team's lead",
        }
    ]
    for element in card["body"]:
        if element["type"] == "TextBlock":
            assert element["wrap"] is True and element["text"]


def test_mattermost_body() -> None:
    body = json.loads(remind("--format", "mattermost").stdout)
    assert set(body) == {"text"}
    text = body["text"]
    assert text.startswith("### Check-ins owed as of 2026-11-20: 8 key results for 6 people\n")
    assert "- [ ]" not in text  # a list, not an issue's checklist
    assert "@patkim" not in text  # GitHub handles mean nothing in Mattermost
    assert "- `PL1.2` Cut p95 latency from 800 to 300 ms:" in text


def test_without_people_every_owner_is_plain(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo)
    config = repo / "okrbsc.yaml"
    text = config.read_text(encoding="utf-8")
    start, end = text.index("people:"), text.index("rhythm:")
    config.write_text(text[:start] + text[end:], encoding="utf-8")
    out = remind(repo=repo).stdout
    assert "not listed" not in out
    heads = [line for line in out.splitlines() if re.match(r"^\S.*, level \d$", line)]
    assert heads == [  # no `people` order: by id within a level
        "ceo, level 3",
        "kai, level 3",
        "lou, level 3",
        "pat, level 3",
        "zed, level 3",
        "ada, level 2",
    ]


def test_help_teaches(runner: CliRunner) -> None:
    result = runner.invoke(app, ["remind", "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0
    for words in ("due_after_days", "escalate_after_days", "team's lead", "--strict", "pulled"):
        assert words in result.output


@pytest.mark.parametrize("fmt", ["text", "md", "json", "slack", "teams", "mattermost"])
def test_every_format_through_the_runner(runner: CliRunner, fmt: str) -> None:
    result = runner.invoke(
        app, ["remind", "--repo", str(FIXTURE), "--as-of", AS_OF, "--format", fmt]
    )
    assert result.exit_code == 0, result.output
    assert "PL2.2" in result.output
    if fmt not in ("text", "md"):
        json.loads(result.output)


def test_guide_chapter_runs_as_written(examples_copy: Path) -> None:
    """docs/guide.md, section 9: its commands give the outputs it shows."""
    from .test_docs import GUIDE, console_blocks, run_blocks

    chapter = GUIDE.read_text(encoding="utf-8").split("## 9. The weekly rhythm")[1]
    chapter = chapter.split("\n## ")[0]
    assert run_blocks(console_blocks(chapter), examples_copy) == 3


def test_format_choices_are_the_renderer_tables() -> None:
    from okrbsc.cli.rhythm import RhythmFormat
    from okrbsc.render.rhythm import DIGEST_RENDERERS, REMIND_RENDERERS

    choices = [f.value for f in RhythmFormat]
    assert choices == list(REMIND_RENDERERS) == list(DIGEST_RENDERERS)


# --- the exact bodies, for product's two key results -----------------------------------

PR11 = "Raise activation from 30% to 45%"
PR12 = "Cut setup time from 60 to 15 minutes"
FACTS_11 = "product · last check-in 2026-10-20, 31 days ago · level 3"
FACTS_12 = "product · last check-in 2026-11-12, 8 days ago · level 1"
HEAD = "Check-ins owed as of 2026-11-20: 2 key results for 3 people"
HINT = "Reply `/checkin ID VALUE confidence C` on the weekly issue"


def test_exact_slack_body() -> None:
    def plain(text: str) -> dict[str, str]:
        return {"type": "plain_text", "text": text}

    def section(text: dict[str, str]) -> dict[str, Any]:
        return {"type": "section", "text": text}

    body = json.loads(remind("--team", "product", "--format", "slack").stdout)
    assert body == {
        "text": HEAD,
        "blocks": [
            {"type": "header", "text": plain(HEAD)},
            section({"type": "mrkdwn", "text": "<@U0CEO0001> — level 3, 1 key result"}),
            section(plain(f"• PR1.1 {PR11} — {FACTS_11} · as parent team's lead")),
            section({"type": "mrkdwn", "text": "<@U0PAT0002> — level 3, 1 key result"}),
            section(plain(f"• PR1.1 {PR11} — {FACTS_11}")),
            section(plain("Lou Park (lou) — level 1, 1 key result")),  # no Slack id
            section(plain(f"• PR1.2 {PR12} — {FACTS_12}")),
            {"type": "context", "elements": [plain(HINT)]},
        ],
    }


def test_exact_teams_body() -> None:
    def block(text: str, **style: Any) -> dict[str, Any]:
        return {"type": "TextBlock", "text": text, "wrap": True, **style}

    def facts(title: str, value: str) -> dict[str, Any]:
        return {"type": "FactSet", "facts": [{"title": title, "value": value}]}

    body = json.loads(remind("--team", "product", "--format", "teams").stdout)
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            block(HEAD, size="medium", weight="bolder"),
            block("Cleo Evans (ceo)", weight="bolder", spacing="medium"),
            facts("PR1.1", f"{PR11} — {FACTS_11} · as parent team's lead"),
            block("Pat Kim (pat)", weight="bolder", spacing="medium"),
            facts("PR1.1", f"{PR11} — {FACTS_11}"),
            block("Lou Park (lou)", weight="bolder", spacing="medium"),
            facts("PR1.2", f"{PR12} — {FACTS_12}"),
            block(HINT.replace("`", "\\`"), isSubtle=True),
        ],
    }
    assert body == {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


def test_exact_mattermost_body() -> None:
    body = json.loads(remind("--team", "product", "--format", "mattermost").stdout)
    assert body == {
        "text": f"### {HEAD}\n\n"
        "**Cleo Evans (ceo)**\n\n"
        f"- `PR1.1` {PR11}: {FACTS_11} · as parent team's lead\n"
        "  `/checkin PR1.1 VALUE confidence C`\n\n"
        "**Pat Kim (pat)**\n\n"
        f"- `PR1.1` {PR11}: {FACTS_11}\n"
        "  `/checkin PR1.1 VALUE confidence C`\n\n"
        "**Lou Park (lou)**\n\n"
        f"- `PR1.2` {PR12}: {FACTS_12}\n"
        "  `/checkin PR1.2 VALUE confidence C`\n\n"
        f"{HINT.replace('`', chr(92) + '`')}\n"
    }


def test_a_key_result_nobody_answers_for(tmp_path: Path) -> None:
    """No owner, no objective owner and no lead anywhere above: still reminded, last."""
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo)
    config = repo / "okrbsc.yaml"
    text = config.read_text(encoding="utf-8")
    for lead in (", lead: ceo", ", lead: pat", ", lead: lou"):
        text = text.replace(lead, "")
    config.write_text(text, encoding="utf-8")
    data = remind_json(repo=repo)["reminders"]
    assert data[-1]["to"] is None and data[-1]["key_result"] == "PL2.1"
    assert data[-1]["because"] == "owner" and data[-1]["name"] is None
    # without leads nobody is told but the person each key result answers to
    assert {(r["to"], r["because"]) for r in data[:-1]} == {
        ("pat", "owner"), ("lou", "owner"), ("kai", "owner"), ("zed", "owner"), ("ada", "owner")
    }  # fmt: skip
    out = remind(repo=repo).stdout
    assert "\nNobody answers for these (no owner, and no lead above them), level 2\n" in out
