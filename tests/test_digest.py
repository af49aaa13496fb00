"""`okrbsc digest` (SPEC 16.4) through the command line, on tests/fixtures/rhythm
made into a git repository with a history built here.

The window is (2026-11-13, 2026-11-20]. By hand, from the fixture's files:

* the one check-in in it is PL1.1's of 2026-11-16 (PL1.2's of 2026-11-13 is on
  `since`, which is outside): 99.2 -> 99.4 against start 99.0 and target 99.5
  (the target as the working tree has it), progress 0.4 -> 0.8, confidence 0.7
  -> 0.3 (-0.4). Platform checked in, product is silent;
* PL1.1 is newly at risk (confidence 0.3 < 0.4, and a fall of 0.4 >= 0.3); every
  other key result at risk now (stale PL1.4, PL2.2, PR1.1) already was on 2026-11-13;
* objective scores (mean of the key results' scores), since -> now:
  PL1 (0.4 + 0.3 + 0.25 + 8/30 + 0) / 5 -> (0.8 + 0.3 + 0.25 + 8/30 + 0) / 5,
  PL2 (0.28 + 0 + 0.375 + 1 + 1) / 5 both, PR1 (0.2 + 20/45) / 2 both;
* F1-arr is red (40 at a red flag of 44) and no 2026-Q4 objective reaches F1;
  C1-uptime is red too, but PL1 aligns to C1;
* the commits: 2026-11-01 the plan, 2026-11-10 PR1.1's target 40 -> 45 (before
  the window), 2026-11-15 PL1.1's target 99.9 -> 99.5 (easier), 2026-11-17 PL1.5
  added, PL1.2 retitled (not a definition change) and 2026-Q3 removed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import EXAMPLES, TESTS, commit_all, git, in_process, run_cli

FIXTURE = TESTS / "fixtures" / "rhythm"
AS_OF = "2026-11-20"
PLATFORM = "okrs/2026/Q4/platform.yaml"
PRODUCT = "okrs/2026/Q4/product.yaml"
NEW_KR = """      - id: PL1.5
        title: Grow chaos drills from 0 to 6 a quarter
        owner: ada
        start: 0
        target: 6
"""


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("digest") / "strategy"
    shutil.copytree(FIXTURE, root)
    git(root, "init", "-q", "-b", "main")
    edit(root, PRODUCT, "target: 45", "target: 40")
    commit_all(root, "Q4 plan", "Pat Kim", "2026-11-01")
    edit(root, PRODUCT, "target: 40", "target: 45")
    commit_all(root, "Activation: aim higher", "Pat Kim", "2026-11-10")
    edit(root, PLATFORM, "target: 99.9", "target: 99.5")
    commit_all(root, "Uptime: a target we can reach", "Lou Park", "2026-11-15")
    edit(root, PLATFORM, "  - id: PL2\n", NEW_KR + "  - id: PL2\n")
    edit(root, PLATFORM, "800 to 300 ms", "800 to 300 milliseconds")
    (root / "okrs/2026/Q3/platform.yaml").unlink()
    commit_all(root, "Chaos drills; Q3 archived", "Ada Byron", "2026-11-17T09:30")
    return root


Run = Callable[..., subprocess.CompletedProcess[str]]


def digest(repo: Path, *args: str, run: Run = in_process) -> str:
    proc = run("digest", "--repo", str(repo), "--as-of", AS_OF, *args)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def digest_json(repo: Path, *args: str, run: Run = in_process) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(digest(repo, "--format", "json", *args, run=run))
    return data


def test_summary_line(repo: Path) -> None:
    assert digest(repo).splitlines()[0] == (
        "Week to 2026-11-20: 1 check-in from 1 of 2 teams; "
        "1 key result newly at risk; 1 team silent (product)"
    )
    # a longer window: 7 check-ins; PL1.4 and PR1.1 went stale since 2026-11-01
    assert digest(repo, "--since", "2026-11-01").splitlines()[0] == (
        "19 days to 2026-11-20: 7 check-ins from 2 of 2 teams; "
        "2 key results newly at risk; no team silent"
    )


def test_json_shape_and_numbers(repo: Path) -> None:
    data = digest_json(repo)
    assert set(data) == {"since", "as_of", "summary", "teams", "measures", "changes"}
    assert (data["since"], data["as_of"]) == ("2026-11-13", AS_OF)
    assert data["summary"] == {
        "checkins": 1,
        "teams_checked_in": 1,
        "teams": 2,
        "newly_at_risk": 1,
        "silent_teams": ["product"],
    }
    product, platform = data["teams"]  # config order
    assert (product["team"], platform["team"]) == ("product", "platform")
    assert set(platform) == {"team", "checkins", "newly_at_risk", "owed", "objectives"}
    [checkin] = platform["checkins"]
    assert checkin == {
        "key_result": "PL1.1",
        "title": "Raise uptime from 99.0% to 99.9%",
        "date": "2026-11-16",
        "previous": 99.2,
        "value": 99.4,
        "progress_before": pytest.approx(0.4),
        "progress_after": pytest.approx(0.8),
        "confidence": 0.3,
        "confidence_change": pytest.approx(-0.4),
        "note": "failover drill found two gaps",
    }
    assert platform["newly_at_risk"] == [
        {
            "key_result": "PL1.1",
            "title": "Raise uptime from 99.0% to 99.9%",
            "causes": ["low_confidence", "confidence_drop"],
        }
    ]
    assert product["checkins"] == [] and product["newly_at_risk"] == []
    scores = {
        o["id"]: (o["score_since"], o["score_now"]) for t in data["teams"] for o in t["objectives"]
    }
    assert scores == {
        "PR1": (pytest.approx((0.2 + 20 / 45) / 2), pytest.approx((0.2 + 20 / 45) / 2)),
        "PL1": (
            pytest.approx((0.4 + 0.3 + 0.25 + 8 / 30) / 5),
            pytest.approx((0.8 + 0.3 + 0.25 + 8 / 30) / 5),
        ),
        "PL2": (pytest.approx(2.655 / 5), pytest.approx(2.655 / 5)),
    }


def test_owed_is_remind(repo: Path) -> None:
    data = digest_json(repo)
    owed = {o["key_result"]: (o["level"], o["to"]) for t in data["teams"] for o in t["owed"]}
    proc = run_cli("remind", "--repo", str(repo), "--as-of", AS_OF, "--format", "json")
    reminders = json.loads(proc.stdout)["reminders"]
    expected: dict[str, tuple[int, list[str]]] = {}
    for r in reminders:
        expected.setdefault(r["key_result"], (r["level"], []))[1].append(r["to"])
    assert {k: (level, sorted(to)) for k, (level, to) in owed.items()} == {
        k: (level, sorted(to)) for k, (level, to) in expected.items()
    }
    assert owed["PL2.2"] == (3, ["zed", "lou", "pat"])  # in chain order
    assert "PL1.5" in owed  # added on 2026-11-17, nothing checked in: 50 days


def test_red_measures_nobody_addresses(repo: Path) -> None:
    assert digest_json(repo)["measures"] == [
        {
            "id": "F1-arr",
            "name": "ARR",
            "objective": "F1",
            "period": "2026-Q4",
            "why": "actual 40 in 2026-Q3, red flag 44",
        }
    ]


def test_definition_changes_from_git(repo: Path) -> None:
    changes = digest_json(repo, run=run_cli)["changes"]  # git's history, read by a process
    got = [
        (
            c["date"],
            c["author"],
            c["kind"],
            c["id"],
            c["period"],
            c["change"],
            c["field"],
            c["old"],
            c["new"],
            c["easier"],
        )
        for c in changes
    ]
    assert got == [
        ("2026-11-15", "Lou Park", "key result", "PL1.1", "2026-Q4", "changed", "target", 99.9, 99.5, True),
        ("2026-11-17", "Ada Byron", "key result", "PL1.5", "2026-Q4", "added", None, None, None, None),
        ("2026-11-17", "Ada Byron", "key result", "PL1.2", "2026-Q3", "removed", None, None, None, None),
    ]  # fmt: skip
    head = git(repo, "rev-parse", "HEAD").strip()
    assert changes[-1]["commit"] == head
    assert changes[-1]["subject"] == "Chaos drills; Q3 archived"
    text = digest(repo, run=run_cli)
    assert "Definitions\n  Changed in git in the window\n" in text
    assert "Lou Park: key result PL1.1 (2026-Q4): target 99.9 → 99.5 (easier)\n" in text


def test_outside_git_there_are_no_changes(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    shutil.copytree(FIXTURE, root)
    data = digest_json(root)
    assert data["changes"] == []
    assert "Definitions" not in digest(root)


def test_text_sections(repo: Path) -> None:
    text = digest(repo)
    assert "\nProduct (product)\n  Check-ins\n    - none in the window\n" in text
    assert (
        "    - PL1.1 Raise uptime from 99.0% to 99.9%: 2026-11-16, 99.2 → 99.4, "
        "progress 40% → 80%, confidence 0.3 (-0.4), note: failover drill found two gaps\n"
    ) in text
    assert (
        "  Newly at risk\n    - PL1.1 Raise uptime from 99.0% to 99.9%: low confidence, confidence fell\n"
        in text
    )
    assert "    - PL1 Make the platform boringly reliable: 0.24 → 0.32\n" in text
    assert (
        "Scorecard\n  Red, and no running objective reaches them\n    - F1-arr ARR (F1, 2026-Q4)"
        in text
    )


def test_a_long_digest_is_split_for_slack(tmp_path: Path) -> None:
    from okrbsc.render.rhythm import SLACK_MAX_TEXT

    proc = in_process(
        "digest", "--repo", str(EXAMPLES), "--as-of", AS_OF, "--since", "2026-10-01",
        "--format", "slack",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    blocks = json.loads(proc.stdout)["blocks"]
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert max(len(t) for t in texts) <= SLACK_MAX_TEXT
    assert len(blocks) <= 50
    lines = [line for t in texts for line in t.splitlines()]
    assert sum(1 for line in lines if line.startswith("• EG1.1 ")) == 7  # none lost


def test_team_and_since_narrow_it(repo: Path) -> None:
    data = digest_json(repo, "--team", "product")
    assert [t["team"] for t in data["teams"]] == ["product"]
    assert data["summary"]["silent_teams"] == ["product"]
    bad = in_process("digest", "--repo", str(repo), "--as-of", AS_OF, "--since", "2026-11-20")
    assert bad.returncode == 2
    assert "--since 2026-11-20 is not before the as-of date 2026-11-20" in bad.stderr


def test_webhook_bodies(repo: Path) -> None:
    slack = json.loads(digest(repo, "--format", "slack"))
    assert slack["text"] == digest(repo).splitlines()[0]
    assert slack["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Weekly digest to 2026-11-20"},
    }
    for block in slack["blocks"]:  # every line its own, none cut
        assert "\\n" not in block["text"]["text"] and "…" not in block["text"]["text"]
    assert slack["blocks"][2]["text"]["text"].splitlines()[:3] == [
        "Product (product)",
        "",
        "Check-ins",
    ]
    kinds = [b["text"]["type"] for b in slack["blocks"]]
    assert set(kinds) == {"plain_text"}  # nothing from the files is ever mrkdwn
    assert len(slack["blocks"]) == 2 + 4  # header, summary; product, platform, scorecard, git
    teams = json.loads(digest(repo, "--format", "teams"))
    card = teams["attachments"][0]["content"]
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.4")
    assert card["body"][0]["text"] == digest(repo).splitlines()[0]
    mattermost = json.loads(digest(repo, "--format", "mattermost"))
    assert mattermost["text"] == digest(repo, "--format", "md")
    assert mattermost["text"].startswith("### Week to 2026-11-20: 1 check-in from 1 of 2 teams;")


def test_the_documented_json_shapes_are_the_real_ones(repo: Path) -> None:
    import re

    from .conftest import ROOT

    text = (ROOT / "docs/format.md").read_text(encoding="utf-8")
    section = text.split("## The weekly rhythm (`people`, `remind`, `digest`)")[1]
    section = section.split("\n## ")[0]
    remind_doc, digest_doc = (
        json.loads(b) for b in re.findall(r"```json\n(.*?)```", section, re.S)
    )
    proc = in_process("remind", "--repo", str(repo), "--as-of", AS_OF, "--format", "json")
    remind_real = json.loads(proc.stdout)
    assert set(remind_doc) == set(remind_real)
    assert set(remind_doc["reminders"][0]) == set(remind_real["reminders"][0])
    real = digest_json(repo)
    assert set(digest_doc) == set(real)
    assert set(digest_doc["summary"]) == set(real["summary"])
    doc_team, real_team = digest_doc["teams"][0], real["teams"][1]  # platform
    assert set(doc_team) == set(real_team)
    for key in ("checkins", "newly_at_risk", "owed", "objectives"):
        assert set(doc_team[key][0]) == set(real_team[key][0]), key
    assert set(digest_doc["measures"][0]) == set(real["measures"][0])
    assert set(digest_doc["changes"][0]) == set(real["changes"][0])
