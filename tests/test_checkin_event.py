"""`okrbsc checkin --from-event FILE` (SPEC 16.5): check-ins from an issue comment.

The events have the shapes GitHub and GitLab send (GitHub's ``issue_comment``
as in octokit/webhooks' payload examples; GitLab's note event with
``object_attributes.action``). Each comment's result is compared, byte for
byte, with what `okrbsc checkin` writes for the same values.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from okrbsc.rhythm.event import commands

from .conftest import BASE, in_process, run_cli

AS_OF = "2026-08-20"
SALES = "okrs/2026/Q3/sales.yaml"
CONFIG = """organisation: Base Co
teams:
  - {id: company, name: Base Co, lead: ceo}
  - {id: sales, name: Sales, parent: company, lead: lee}
  - {id: product, name: Product, parent: company, lead: pat}
people:
  ceo: {name: Chris, github: chris-ceo}
  lee: {name: Lee Chen, github: LeeChen, gitlab: lchen}
  dana: {name: Dana Ruiz, github: dana-r, gitlab: druiz}
  pat: {github: pat-p}
"""


def strategy(tmp_path: Path, name: str = "repo") -> Path:
    """The base repo with people and leads; S1.1 is owned by dana."""
    root = tmp_path / name
    shutil.copytree(BASE, root)
    (root / "okrbsc.yaml").write_text(CONFIG)
    sales = root / SALES
    sales.write_text(sales.read_text().replace("- id: S1.1\n", "- id: S1.1\n        owner: dana\n"))
    return root


def github_event(body: str, login: str = "dana-r", **over: Any) -> dict[str, Any]:
    user = {"login": login, "id": 21031067, "type": over.pop("user_type", "User")}
    event = {
        "action": "created",
        "issue": {"number": 12, "title": "Weekly check-in 2026-W34", "user": dict(user)},
        "comment": {"id": 492700400, "user": user, "body": body, "author_association": "MEMBER"},
        "repository": {"full_name": "acme/strategy"},
        "sender": dict(user),
    }
    event.update(over)
    return event


def gitlab_event(
    body: str, username: str = "druiz", action: str | None = "create"
) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "id": 1244,
        "note": body,
        "noteable_type": "Issue",
        "system": False,
    }
    if action is not None:
        attributes["action"] = action
    return {
        "object_kind": "note",
        "event_type": "note",
        "user": {"id": 1, "name": "Dana Ruiz", "username": username},
        "project_id": 5,
        "object_attributes": attributes,
        "issue": {"iid": 17, "title": "Weekly check-in 2026-W34"},
    }


Run = Callable[..., subprocess.CompletedProcess[str]]


def from_event(root: Path, event: Any, *extra: str, run: Run = in_process) -> Any:
    path = root.parent / "event.json"
    path.write_text(event if isinstance(event, str) else json.dumps(event))
    return run("checkin", "--from-event", str(path), "--repo", str(root), "--as-of", AS_OF, *extra)


def test_a_comment_writes_what_checkin_writes_byte_for_byte(tmp_path: Path) -> None:
    by_comment, by_hand = strategy(tmp_path, "a"), strategy(tmp_path, "b")
    body = (
        "Thanks, done:\r\n"
        "/checkin S1.1 2.9 confidence 0.7 note two deals: Acme & Co\r\n"
        "/checkin S1.2 21 date 2026-08-19\r\n"
    )
    proc = from_event(by_comment, github_event(body, login="LEECHEN"), run=run_cli)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines() == [
        "check-ins from the comment by LEECHEN: 2 recorded",
        f"  line 2: recorded: S1.1 = 2.9 on {AS_OF} ({SALES})",
        f"  line 3: recorded: S1.2 = 21 on 2026-08-19 ({SALES})",
    ]
    for args in (
        ["S1.1", "2.9", "--confidence", "0.7", "--note", "two deals: Acme & Co"],
        ["S1.2", "21", "--date", "2026-08-19"],
    ):
        hand = run_cli("checkin", *args, "--repo", str(by_hand), "--as-of", AS_OF)
        assert hand.returncode == 0, hand.stderr
    assert (by_comment / SALES).read_bytes() == (by_hand / SALES).read_bytes()
    again = from_event(by_comment, github_event(body, login="leechen"), run=run_cli)
    assert again.returncode == 0
    assert "2 already recorded" in again.stdout
    assert (by_comment / SALES).read_bytes() == (by_hand / SALES).read_bytes()


def test_one_refused_line_writes_nothing(tmp_path: Path) -> None:
    root = strategy(tmp_path)
    before = (root / SALES).read_bytes()
    body = "/checkin S1.1 2.9\n/checkin S1.2 21\n"  # dana owns S1.1, not S1.2
    proc = from_event(root, github_event(body), "--format", "json")
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert [(c["key_result"], c["status"]) for c in data["commands"]] == [
        ("S1.1", "not recorded"),
        ("S1.2", "refused"),
    ]
    assert data["commands"][1]["detail"] == (
        "dana-r (dana) may not check in S1.2; S1.2 may be checked in by lee, ceo"
    )
    assert data["person"] == "dana" and data["written"] is False
    assert (root / SALES).read_bytes() == before


@pytest.mark.parametrize(
    ("login", "kr", "allowed"),
    [
        ("dana-r", "S1.1", True),  # the owner
        ("LeeChen", "S2.1", True),  # the team's lead
        ("chris-ceo", "S3.2", True),  # the lead of the parent team
        ("pat-p", "S1.1", False),  # another team's lead
        ("mallory", "S1.1", False),  # nobody of `people`
    ],
)
def test_who_may_check_in(tmp_path: Path, login: str, kr: str, allowed: bool) -> None:
    root = strategy(tmp_path)
    proc = from_event(root, github_event(f"/checkin {kr} 3", login=login), "--dry-run")
    assert proc.returncode == (0 if allowed else 1), proc.stdout + proc.stderr
    if not allowed:
        assert f"{kr} may be checked in by dana, lee, ceo" in proc.stdout
    if login == "mallory":
        assert "mallory is no person of okrbsc.yaml (`people`, `github:`)" in proc.stdout


def test_a_gitlab_note(tmp_path: Path) -> None:
    root = strategy(tmp_path)
    proc = from_event(root, gitlab_event("/checkin S1.1 3.1 confidence 0.8"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "- {date: 2026-08-20, value: 3.1, confidence: 0.8}" in (root / SALES).read_text()
    other = from_event(root, gitlab_event("/checkin S1.1 3.2", username="DRUIZ"))
    assert other.returncode == 1  # GitLab usernames compared as written
    older = from_event(root, gitlab_event("/checkin S1.1 3.3", action=None))
    assert older.returncode == 1 and "already has a check-in on 2026-08-20" in older.stdout


@pytest.mark.parametrize(
    ("event", "why"),
    [
        (github_event("/checkin S1.1 3", action="edited"), "the comment was edited, not created"),
        (github_event("/checkin S1.1 3", action="deleted"), "the comment was deleted, not created"),
        (github_event("/checkin S1.1 3", user_type="Bot"), "the comment is by a bot (dana-r)"),
        (gitlab_event("/checkin S1.1 3", action="update"), "the comment was updated, not created"),
        (github_event("Looks good to me."), "no /checkin line in the comment"),
    ],
)
def test_comments_that_do_nothing(tmp_path: Path, event: dict[str, Any], why: str) -> None:
    root = strategy(tmp_path)
    before = (root / SALES).read_bytes()
    proc = from_event(root, event)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(why) and len(proc.stdout.splitlines()) == 1
    assert (root / SALES).read_bytes() == before


@pytest.mark.parametrize(
    "payload",
    [
        '{"action": "opened", "issue": {"number": 1}}',
        "[1, 2]",
        "not json {",
        '{"object_kind": "push"}',
        "[" * 100_000 + "]" * 100_000,
        '{"comment": {"body": 3, "user": {"login": "x"}}, "issue": {}}',
    ],
)
def test_a_payload_that_is_no_such_event_exits_2(tmp_path: Path, payload: str) -> None:
    proc = from_event(strategy(tmp_path), payload)
    assert proc.returncode == 2
    assert "event.json" in proc.stderr and "Traceback" not in proc.stderr


def test_refusals_name_the_reason(tmp_path: Path) -> None:
    root = strategy(tmp_path)
    body = "\n".join(
        [
            "/checkin S1.1 2.5 date 2026-07-13",  # a check-in already on that date
            "/checkin S1.1 2.5 date 2026-08-21",  # after as-of
            "/checkin S1.9 4",  # no such key result
            "/checkin S1.1 lots",  # not a number
            "/checkin S1.1 2 confidence 7",  # outside the scale
            "/checkin S1.1 2 loudly",  # not the grammar
            "/checkin S1.1",  # no value
        ]
    )
    proc = from_event(root, github_event(body, login="leechen"), "--format", "json")
    assert proc.returncode == 1
    details = [c["detail"] for c in json.loads(proc.stdout)["commands"]]
    assert "already has a check-in on 2026-07-13" in details[0] and "replace" in details[0]
    assert details[1].startswith("date 2026-08-21 is after as-of (2026-08-20)")
    assert details[2].startswith("no key result or measure 'S1.9'")
    assert details[3] == "expected a number, got 'lots'"
    assert details[4] == "confidence 7 is outside 0..1 (confidence_scale)"
    assert details[5].startswith("unknown word 'loudly': expected /checkin ID VALUE")
    assert details[6].startswith("expected /checkin ID VALUE")


def test_replace_and_a_second_line_for_one_key_result(tmp_path: Path) -> None:
    root, hand = strategy(tmp_path, "a"), strategy(tmp_path, "b")
    proc = from_event(root, github_event("/checkin S1.1 2.5 date 2026-07-13 replace note redone"))
    assert proc.returncode == 0, proc.stdout
    assert "replaces the check-in of S1.1" in proc.stdout
    in_process(
        "checkin", "S1.1", "2.5", "--date", "2026-07-13", "--replace", "--note", "redone",
        "--repo", str(hand), "--as-of", AS_OF,
    )  # fmt: skip
    assert (root / SALES).read_bytes() == (hand / SALES).read_bytes()
    twice = from_event(root, github_event("/checkin S1.1 3\n/checkin S1.1 3.1 date 2026-08-19"))
    assert twice.returncode == 1 and "a second line for S1.1" in twice.stdout


def test_a_file_that_does_not_load_is_refused_and_left_alone(tmp_path: Path) -> None:
    root = strategy(tmp_path)
    sales = root / SALES
    sales.write_text(sales.read_text().replace("title: Win rate,", "title: [Win rate,"))
    before = sales.read_bytes()
    proc = from_event(root, github_event("/checkin S1.1 3", login="chris-ceo"))
    assert proc.returncode == 1
    assert "does not load cleanly" in proc.stdout
    assert sales.read_bytes() == before


def test_lines_in_code_and_quotes_are_not_commands() -> None:
    body = "\n".join(
        [
            "/checkin A1 1",
            "> /checkin Q1 1",
            "> quoted reply",
            "/checkin LAZY 1",  # continues the quote's paragraph
            "",
            "````text",
            "/checkin F1 1",
            "```",  # too short to close the fence
            "/checkin F2 1",
            "````",
            "~~~",
            "/checkin T1 1",
            "~~~",
            "    /checkin I1 1",  # indented code
            "   /checkin B1 2 note keep: this",
            "/checkins C1 1",
            "please /checkin X 1",
        ]
    )
    found = commands(body)
    assert [(c.line, c.kr, c.value, c.note) for c in found] == [
        (1, "A1", "1", None),
        (15, "B1", "2", "keep: this"),
    ]


def test_the_grammar() -> None:
    (one,) = commands("/checkin SL1.2 7 note  two pilots; date 2026-01-01 stays in the note ")
    assert (one.kr, one.value, one.note, one.date) == (
        "SL1.2",
        "7",
        "two pilots; date 2026-01-01 stays in the note",
        None,
    )
    (two,) = commands("/checkin SL1.2 7 Replace DATE 2026-08-01 confidence 0.5")
    assert (two.replace, two.date, two.confidence, two.error) == (True, "2026-08-01", "0.5", None)
    (three,) = commands("/checkin SL1.2 7 confidence")
    assert three.error is not None and three.error.startswith("confidence needs a value")


HOSTILE_NOTE = (
    "ping @octocat and @acme/everyone ![x](https://evil.example/a.png) <img src=x> "
    "[click](https://evil.example) www.evil.example dana@acme.example **bold** | cell `code`"
)


def test_the_md_reply_carries_no_mention_link_or_markup(tmp_path: Path) -> None:
    from markdown_it import MarkdownIt

    root = strategy(tmp_path)
    body = f"/checkin S1.1 2.9 note {HOSTILE_NOTE}\n/checkin S1.2 <b>3</b> note @lee"
    proc = from_event(root, github_event(body, login="dana-r"), "--format", "md")
    assert proc.returncode == 1
    reply = proc.stdout
    assert not re.search(r"@[A-Za-z0-9]", reply), reply
    html_pages = [MarkdownIt("commonmark").enable("table").render(reply)]
    try:
        import cmarkgfm

        html_pages.append(cmarkgfm.github_flavored_markdown_to_html(reply))
    except ImportError:
        pass
    for html in html_pages:
        assert "<a " not in html and "<img" not in html
        assert html.count("<strong>") == 1  # the reply's own headline only
        assert "<b>" not in html and "<code>" not in html
        rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
        assert len(rows) == 3  # the header and one row per command
        assert all(len(re.findall(r"<t[dh]", row)) == 3 for row in rows)
    assert "ping @\u2060octocat" in reply  # reads the same, pings nobody


def test_checkin_without_id_or_with_both(tmp_path: Path) -> None:
    root = strategy(tmp_path)
    proc = in_process("checkin", "--repo", str(root), "--as-of", AS_OF)
    assert proc.returncode == 2 and "needs ID and VALUE" in proc.stderr
    (root.parent / "e.json").write_text(json.dumps(github_event("/checkin S1.1 3")))
    both = in_process(
        "checkin", "S1.1", "3", "--from-event", str(root.parent / "e.json"), "--repo", str(root)
    )
    assert both.returncode == 2 and "no ID or VALUE" in both.stderr
    lone = in_process("checkin", "S1.1", "3", "--dry-run", "--repo", str(root), "--as-of", AS_OF)
    assert lone.returncode == 2 and "--from-event" in lone.stderr
    mixed = in_process(
        "checkin", "--from-event", str(root.parent / "e.json"), "--note", "x", "--repo", str(root)
    )
    assert mixed.returncode == 2 and "every value from the comment" in mixed.stderr


def test_a_key_result_of_a_period_that_is_over(tmp_path: Path) -> None:
    root = strategy(tmp_path)
    path = root.parent / "event.json"
    path.write_text(json.dumps(github_event("/checkin S1.1 3", login="LeeChen")))
    proc = in_process(
        "checkin", "--from-event", str(path), "--repo", str(root), "--as-of", "2026-10-15"
    )
    assert proc.returncode == 1
    assert (
        "key result 'S1.1' is in no period running at 2026-10-15 (it is in 2026-Q3): "
        "a comment checks in key results of running periods only"
    ) in proc.stdout


def test_a_recorded_score_in_force_is_refused_as_checkin_refuses_it(tmp_path: Path) -> None:
    root = strategy(tmp_path)
    sales = root / SALES
    sales.write_text(
        sales.read_text().replace("owner: dana\n", "owner: dana\n        score: 0.6\n")
    )
    before = sales.read_bytes()
    path = root.parent / "event.json"
    path.write_text(json.dumps(github_event("/checkin S1.1 3", login="LeeChen")))
    args = ("--repo", str(root), "--as-of", "2026-09-30")
    proc = in_process("checkin", "--from-event", str(path), *args, "--format", "json")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    (line,) = json.loads(proc.stdout)["commands"]
    assert line["status"] == "refused"
    assert "final since 2026-09-30" in line["detail"]
    assert "only okrbsc checkin --force adds one" in line["detail"]
    assert sales.read_bytes() == before
    by_hand = in_process("checkin", "S1.1", "3", *args)
    assert by_hand.returncode == 1 and "final since 2026-09-30" in by_hand.stderr
