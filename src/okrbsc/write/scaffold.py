"""`okrbsc init`: scaffold a strategy repo for the current quarter that passes lint."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from okrbsc.errors import OkrbscError
from okrbsc.strategy.periods import FiscalCalendar, Period
from okrbsc.strategy.schema import render
from okrbsc.write.placeholders import MISSION_PLACEHOLDER, VISION_PLACEHOLDER
from okrbsc.write.safe import refuse_odd_okr_paths, write_all

SCHEMA_DIR = ".okrbsc"


class InitError(OkrbscError):
    """Refused: something would be overwritten."""


@dataclass(frozen=True)
class Plan:
    organisation: str
    team: str
    quarter: Period
    as_of: dt.date
    fiscal_year_start: int = 1


def _modeline(rel: str, which: str) -> str:
    depth = rel.count("/")
    return f"# yaml-language-server: $schema={'../' * depth}{SCHEMA_DIR}/{which}.schema.json\n"


def _team_file(plan: Plan) -> str:
    return f"okrs/{plan.quarter.fiscal_year}/Q{plan.quarter.quarter}/{plan.team}.yaml"


def files_for(plan: Plan) -> dict[str, str]:
    fy = plan.quarter.fiscal_year
    team_file = _team_file(plan)
    files = {
        "okrbsc.yaml": _config(plan),
        "scorecard.yaml": SCORECARD,
        f"okrs/{fy}/annual.yaml": _annual(fy),
        team_file: _quarter(plan),
        ".pre-commit-config.yaml": PRE_COMMIT,
        ".github/workflows/okrbsc.yml": WORKFLOW,
        ".github/workflows/okrbsc-pull.yml": PULL_WORKFLOW,
        ".github/workflows/okrbsc-checkin.yml": CHECKIN_WORKFLOW,
        ".github/workflows/okrbsc-remind.yml": REMIND_WORKFLOW,
        f"{SCHEMA_DIR}/data.schema.json": render("data") + "\n",
        f"{SCHEMA_DIR}/config.schema.json": render("config") + "\n",
    }
    for rel in list(files):
        if rel.endswith(".yaml") and not rel.startswith("."):
            which = "config" if rel == "okrbsc.yaml" else "data"
            files[rel] = _modeline(rel, which) + files[rel]
    return files


def scaffold(root: Path, plan: Plan) -> list[str]:
    """Write the files; refuse, writing nothing, if any exists or a repo is above."""
    files = files_for(plan)
    refuse_odd_okr_paths(root, [_team_file(plan)])
    clashes = [rel for rel in files if (root / rel).exists()]
    if (root / "okrbsc.yaml").exists():
        raise InitError(f"{root / 'okrbsc.yaml'} exists: this is a strategy repo already")
    if clashes:
        raise InitError("these files exist and would be overwritten: " + ", ".join(clashes))
    write_all(root, [(root / rel, rel, text) for rel, text in files.items()], new=True)
    _ignore_units(root)
    return [*files, GITIGNORE]


GITIGNORE = ".gitignore"
UNITS_IGNORED = "/.okrbsc/units/"  # the business units' clones (SPEC 18.1): never committed


def _ignore_units(root: Path) -> None:
    """`.gitignore` names `/.okrbsc/units/` (a line added to one that is there)."""
    from okrbsc.write.safe import atomic_write, inside

    target = inside(root, root / GITIGNORE, GITIGNORE)
    old = target.read_text(encoding="utf-8") if target.exists() else ""
    if UNITS_IGNORED in old.splitlines():
        return
    sep = "" if not old or old.endswith("\n") else "\n"
    atomic_write(target, f"{old}{sep}{UNITS_IGNORED}\n")


def _config(plan: Plan) -> str:
    return f"""# okrbsc configuration: see `okrbsc --help` and `okrbsc rules`.
organisation: {_quote(plan.organisation)}
fiscal_year_start: {plan.fiscal_year_start}   # month the fiscal year starts in
confidence_scale: 1    # check-in confidence from 0.0 to 1.0
teams:
  - {{id: company, name: {_quote(plan.organisation)}}}
  - {{id: {plan.team}, name: {_quote(plan.team.capitalize())}, parent: company}}
lint:
  stale_after_days: 14
  # rules: {{O106: off, map-isolated: error}}
"""


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


SCORECARD = (
    f"""kind: scorecard
# Replace the two placeholders below (okrbsc lint reminds you: B308).
mission: "{MISSION_PLACEHOLDER}"
vision: "{VISION_PLACEHOLDER}"
"""
    + """# Perspectives default to Learning & Growth -> Internal Process -> Customer -> Financial.
# A measure may also take bands: {green: 0.05, red: 0.2} (status relative to its target),
# targets: {2026-Q2: 12} (a quarter's step toward target) and ratings: {2026-Q1: amber}
# (a published traffic light); `okrbsc checkin F1-arr 11.5` records an actual.
# Targets that are not numbers: kind: binary (true/false actuals, no target), kind: ordinal
# (a word target, scale: [AAA, AA, A] best first), or a range target: [98, 100].
objectives:
  - id: F1
    perspective: financial
    title: Grow profitable recurring revenue
    measures:
      - {id: F1-arr, name: Annual recurring revenue, unit: EUR m, type: lag, baseline: 10, target: 14}
  - id: C1
    perspective: customer
    title: Be the supplier customers recommend
    drives: [F1]
    measures:
      - {id: C1-nps, name: Net promoter score, type: lag, baseline: 20, target: 40}
  - id: P1
    perspective: process
    title: Deliver fast and right first time
    drives: [C1]
    measures:
      - {id: P1-lead-time, name: Order to delivery, unit: days, type: lead, baseline: 20, target: 10}
  - id: L1
    perspective: learning
    title: Grow the skills the strategy needs
    drives: [P1]
    measures:
      - {id: L1-skills, name: Staff certified on core skills, unit: "%", type: lead, baseline: 30, target: 60}
"""
)


def _annual(fy: Period) -> str:
    written = f'"{fy}"' if fy.year < 1000 else str(fy)  # 0010 unquoted is YAML octal 8
    return f"""kind: okrs
team: company
period: {written}
# Annual key results are reviewed monthly, not weekly.
# okrbsc: disable-file=C202
objectives:
  - id: A1
    title: Become the obvious choice for our customers
    aligns_to: [C1, F1]
    key_results:
      - {{title: Net promoter score, start: 20, target: 40}}
      - {{title: Recurring revenue in EUR m, start: 10, target: 14}}
      - {{title: Customers lost per quarter, start: 8, target: 4}}
  - id: A2
    title: Run a delivery engine people are proud of
    aligns_to: [P1, L1]
    key_results:
      - {{title: Order to delivery in days, start: 20, target: 10}}
      - {{title: Share of staff certified, start: 30, target: 60}}
      - {{title: Orders delivered right first time in percent, start: 85, target: 97}}
"""


def _quarter(plan: Plan) -> str:
    q, day, cal = plan.quarter, plan.as_of, FiscalCalendar(plan.fiscal_year_start)
    if not cal.contains(q, day):
        day = cal.start(q)
    p = plan.team[:1].upper() + "Q"

    def kr(title: str, start: float, target: float) -> str:
        return (
            f"      - title: {title}\n        start: {start:g}\n        target: {target:g}\n"
            f"        checkins:\n          - {{date: {day}, value: {start:g}, confidence: 0.5}}\n"
        )

    return (
        f"kind: okrs\nteam: {plan.team}\nperiod: {q}\nobjectives:\n"
        f"  - id: {p}1\n    title: Delight the customers we already have\n    aligns_to: [A1]\n"
        "    key_results:\n"
        + kr("Net promoter score of our accounts", 20, 30)
        + kr("Support tickets per account", 5, 3)
        + kr("Accounts using the new self-service", 10, 40)
        + f"  - id: {p}2\n    title: Make delivery boringly reliable\n    aligns_to: [A2]\n"
        "    key_results:\n"
        + kr("Order to delivery in days", 20, 15)
        + kr("Orders right first time in percent", 85, 92)
        + kr("Escalations per month", 6, 2)
        + f"  - id: {p}3\n    title: Grow the skills our customers feel\n    aligns_to: [L1]\n"
        "    key_results:\n"
        + kr("Staff certified in percent", 30, 45)
        + kr("Hours of coaching per person", 2, 8)
        + kr("Internal mobility applications", 1, 5)
    )


PRE_COMMIT = """# Lint the strategy on every commit: `pip install pre-commit && pre-commit install`.
repos:
  - repo: local
    hooks:
      - id: okrbsc-lint
        name: okrbsc lint
        entry: okrbsc lint
        language: system
        files: \\.(yaml|yml)$
        pass_filenames: false
"""

WORKFLOW = """name: strategy
on:
  pull_request:
  push:
    branches: [main]
permissions:
  contents: read
jobs:
  okrbsc:
    runs-on: ubuntu-latest
    env:
      BASE: ${{ github.event.pull_request.base.sha }}   # empty on a push
    steps:
      - uses: actions/checkout@d23441a48e516b6c34aea4fa41551a30e30af803 # v6.1.0
        with:
          fetch-depth: 0   # the history rules and `okrbsc diff` read the base commit
          persist-credentials: false
      - uses: actions/setup-python@ece7cb06caefa5fff74198d8649806c4678c61a1 # v6.3.0
        with:
          python-version: "3.12"
      - run: pip install okrbsc
      - name: Lint the strategy (annotations; on a pull request, moved targets too)
        run: okrbsc lint --format github ${BASE:+--since "$BASE"}
      - name: Strategy changes in the job summary
        if: github.event_name == 'pull_request'
        run: okrbsc diff "$BASE" --format md >> "$GITHUB_STEP_SUMMARY"
      # Numbers reproducible: every value with a `source:` agrees with its source (exit 1
      # if not). Needs the sources reachable from CI: narrow with --source NAME, or drop it.
      - run: pip install "okrbsc[data,trackers]"   # databases, and GitHub, GitLab, Jira
      - name: Numbers agree with their sources
        run: okrbsc pull --check
"""

PULL_WORKFLOW = r"""# Every Monday: fetch the numbers of each `source:` (okrbsc pull) and open a pull
# request with them, so new numbers are reviewed like any other change.
name: strategy numbers
on:
  schedule:
    - cron: "17 6 * * 1"   # Mondays 06:17 UTC
  workflow_dispatch:
permissions:
  contents: write
  pull-requests: write
jobs:
  pull:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@d23441a48e516b6c34aea4fa41551a30e30af803 # v6.1.0
        with:
          persist-credentials: false   # create-pull-request pushes with its own token
      - uses: actions/setup-python@ece7cb06caefa5fff74198d8649806c4678c61a1 # v6.3.0
        with:
          python-version: "3.12"
      - run: pip install "okrbsc[data,trackers]"   # databases, and GitHub, GitLab, Jira
      - name: Pull the numbers from the sources of okrbsc.yaml
        id: pull
        # a connection with ${NAME} in its url, or a tracker's token_env, reads it here, e.g.
        # env: {WAREHOUSE_PASSWORD: "${{ secrets.WAREHOUSE_PASSWORD }}", GITHUB_TOKEN: "${{ secrets.TRACKER_TOKEN }}"}
        run: |
          set +e
          okrbsc pull --no-color > "$RUNNER_TEMP/okrbsc-pull.txt"
          code=$?
          set -e
          cat "$RUNNER_TEMP/okrbsc-pull.txt"
          {
            echo "Numbers fetched by \`okrbsc pull\` on $(date -u +%F)."
            echo
            echo '```'
            cat "$RUNNER_TEMP/okrbsc-pull.txt"
            echo '```'
            if [ "$code" = 1 ]; then
              echo "Restated values were left as they are: \`okrbsc pull --restate\` takes them."
            elif [ "$code" = 2 ]; then
              echo "A source failed: see the workflow log."
            fi
          } > "$RUNNER_TEMP/okrbsc-pull.md"
          echo "code=$code" >> "$GITHUB_OUTPUT"
      - name: Open a pull request with the new numbers
        uses: peter-evans/create-pull-request@5f6978faf089d4d20b00c7766989d076bb2fc7f1 # v8.1.1
        with:
          branch: okrbsc/pull
          delete-branch: true
          commit-message: Numbers pulled from the sources of okrbsc.yaml
          title: Numbers pulled from the sources
          body-path: ${{ runner.temp }}/okrbsc-pull.md
      - name: Fail when a source failed
        if: steps.pull.outputs.code == '2'
        run: exit 2
"""

# Actions are pinned by commit (a tag can be moved); the comment names the release.
# Comments on an issue become check-ins (SPEC 16.5). The comment's text reaches okrbsc
# only as the event file: no expression of event text appears inside a script.
CHECKIN_WORKFLOW = r"""# Check-ins from issue comments (okrbsc checkin --from-event): a comment with a line
#   /checkin ID VALUE [confidence C] [date YYYY-MM-DD] [replace] [note TEXT...]
# is recorded in the strategy files by a person the key result answers to (or a
# lead above), committed naming the comment's author, pushed, and answered with
# what was recorded or why not. The comment's text reaches okrbsc only as the
# event file, never inside a script.
name: strategy check-ins
on:
  issue_comment:  # zizmor: ignore[dangerous-triggers] runs the default branch's own workflow and files; the comment is only data okrbsc parses, and only people of okrbsc.yaml may check in
    types: [created]
permissions: {}
concurrency:
  group: okrbsc-checkin   # one comment at a time: each push builds on the last
  cancel-in-progress: false
jobs:
  checkin:
    if: contains(github.event.comment.body, '/checkin') && github.event.comment.user.type != 'Bot'
    runs-on: ubuntu-latest
    permissions:
      contents: write   # commit and push the check-ins
      issues: write     # post the reply
    steps:
      - uses: actions/checkout@d23441a48e516b6c34aea4fa41551a30e30af803 # v6.1.0
        with:
          ref: ${{ github.event.repository.default_branch }}   # its tip now, after earlier check-ins
          persist-credentials: false
      - uses: actions/setup-python@ece7cb06caefa5fff74198d8649806c4678c61a1 # v6.3.0
        with:
          python-version: "3.12"
      - run: pip install okrbsc
      - name: Record the check-ins of the comment
        id: checkin
        run: |
          set +e
          okrbsc checkin --from-event "$GITHUB_EVENT_PATH" --format md > "$RUNNER_TEMP/okrbsc-reply.md"
          code=$?
          set -e
          cat "$RUNNER_TEMP/okrbsc-reply.md"
          echo "code=$code" >> "$GITHUB_OUTPUT"
          test "$code" -le 1   # 2: not a comment event, or okrbsc failed
      - name: Commit and push, naming the comment's author
        if: steps.checkin.outputs.code == '0'
        env:
          AUTHOR: ${{ github.event.comment.user.login }}
          ISSUE: ${{ github.event.issue.number }}
          BRANCH: ${{ github.event.repository.default_branch }}
          GH_TOKEN: ${{ github.token }}
        run: |
          if git diff --quiet; then exit 0; fi   # already recorded: nothing to commit
          git config user.name "github-actions[bot]"
          git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
          git commit -qam "Check-ins by $AUTHOR (comment on issue #$ISSUE)"
          auth=$(printf 'x-access-token:%s' "$GH_TOKEN" | base64 -w0)
          echo "::add-mask::$auth"
          if ! git -c "http.$GITHUB_SERVER_URL/.extraheader=AUTHORIZATION: basic $auth" \
              push origin "HEAD:refs/heads/$BRANCH"; then
            printf '\nThe check-ins could not be pushed to %s: see the workflow run.\n' \
              "$BRANCH" >> "$RUNNER_TEMP/okrbsc-reply.md"
            exit 1
          fi
      - name: Reply on the issue
        if: always() && steps.checkin.outputs.code != ''
        env:
          ISSUE: ${{ github.event.issue.number }}
          GH_TOKEN: ${{ github.token }}
        run: |
          # a comment whose /checkin lines were all quoted or in code gets no reply
          grep -q '^| Line |' "$RUNNER_TEMP/okrbsc-reply.md" || exit 0
          gh issue comment "$ISSUE" --repo "$GITHUB_REPOSITORY" --body-file "$RUNNER_TEMP/okrbsc-reply.md"
"""

# The weekly reminders, digest and check-in issue (SPEC 16.2-16.5).
REMIND_WORKFLOW = r"""# Every Monday: remind the people who owe a check-in and send the leaders' digest
# to the channels of `rhythm.deliver` in okrbsc.yaml, and open (or update) the
# week's issue "Weekly check-in YYYY-Www" listing who owes what. People answer on
# that issue with /checkin lines (okrbsc-checkin.yml records them).
# Each channel's secret is a repository secret of the name okrbsc.yaml gives:
# add the ones you use below and drop the others. Until okrbsc.yaml lists
# channels under rhythm.deliver, --send has nowhere to send (exit 2): delete the
# two --send steps if the weekly issue is all you want.
name: strategy weekly check-in
on:
  schedule:
    - cron: "23 7 * * 1"   # Mondays 07:23 UTC
  workflow_dispatch:
permissions: {}
jobs:
  remind:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      issues: write   # the weekly issue
    steps:
      - uses: actions/checkout@d23441a48e516b6c34aea4fa41551a30e30af803 # v6.1.0
        with:
          fetch-depth: 0   # the digest names the definition changes of the week
          persist-credentials: false
      - uses: actions/setup-python@ece7cb06caefa5fff74198d8649806c4678c61a1 # v6.3.0
        with:
          python-version: "3.12"
      - run: pip install "okrbsc[trackers]"
      - name: Open or update the week's check-in issue
        env:
          GH_TOKEN: ${{ github.token }}
        run: |
          title="Weekly check-in $(date -u +%G-W%V)"
          okrbsc remind --format md > "$RUNNER_TEMP/okrbsc-remind.md"
          number=$(gh issue list --repo "$GITHUB_REPOSITORY" --state open --search "in:title $title" \
            --json number,title --jq ".[] | select(.title == \"$title\") | .number" | head -n 1)
          if [ -n "$number" ]; then
            gh issue edit "$number" --repo "$GITHUB_REPOSITORY" --body-file "$RUNNER_TEMP/okrbsc-remind.md"
          else
            gh issue create --repo "$GITHUB_REPOSITORY" --title "$title" --body-file "$RUNNER_TEMP/okrbsc-remind.md"
          fi
      - name: Remind the people who owe a check-in
        if: success() || failure()
        env:
          SLACK_WEBHOOK_URL: ${{ secrets.SLACK_WEBHOOK_URL }}
          TEAMS_WEBHOOK_URL: ${{ secrets.TEAMS_WEBHOOK_URL }}
          MATTERMOST_WEBHOOK_URL: ${{ secrets.MATTERMOST_WEBHOOK_URL }}
          OKRBSC_SMTP_URL: ${{ secrets.OKRBSC_SMTP_URL }}
        run: okrbsc remind --send
      - name: Send the leaders' digest
        if: success() || failure()
        env:
          SLACK_WEBHOOK_URL: ${{ secrets.SLACK_WEBHOOK_URL }}
          TEAMS_WEBHOOK_URL: ${{ secrets.TEAMS_WEBHOOK_URL }}
          MATTERMOST_WEBHOOK_URL: ${{ secrets.MATTERMOST_WEBHOOK_URL }}
          OKRBSC_SMTP_URL: ${{ secrets.OKRBSC_SMTP_URL }}
        run: okrbsc digest --send
"""
