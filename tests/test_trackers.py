"""`okrbsc pull` from GitHub, GitLab and Jira (SPEC 17) against fake servers on 127.0.0.1
that speak each API's shapes, every list in several pages, with rate limits.

Every expected number is counted by hand from the items listed in `load()`."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import BASE, CODE_ENV, in_process
from .fake_trackers import GITHUB_TOKEN, GITLAB_TOKEN, JIRA_EMAIL, JIRA_TOKEN, Fake, serve

OKR = "okrs/2026/Q3/product.yaml"
JQL = "project = ONB AND issuetype = Epic"
ENV = {"GITHUB_TOKEN": GITHUB_TOKEN, "GITLAB_TOKEN": GITLAB_TOKEN, "JIRA_TOKEN": JIRA_TOKEN,
       "JIRA_EMAIL": JIRA_EMAIL}  # fmt: skip
SECRETS = [GITHUB_TOKEN, GITLAB_TOKEN, JIRA_TOKEN, JIRA_EMAIL,
           base64.b64encode(f"{JIRA_EMAIL}:{JIRA_TOKEN}".encode()).decode()]  # fmt: skip


def load(fake: Fake) -> Fake:
    """The trackers' data (SPEC 17.2 examples, Q3 2026 = Jul 1 .. Sep 30)."""
    fake.gh_repo("acme/app", milestones=["v1.0", "v2.0"])
    fake.gh_repo("acme/web")
    gh = fake.gh_issue
    gh("acme/app", "2026-06-01", "2026-07-10", milestone="v2.0")  # 1
    gh("acme/app", "2026-06-15", "2026-08-20", milestone="v2.0")  # 2
    gh("acme/app", "2026-07-05", "2026-09-25", milestone="v2.0")  # 3
    gh("acme/app", "2026-08-01", milestone="v2.0")  # 4 open
    gh("acme/app", "2026-09-10", "2026-10-02", milestone="v2.0")  # 5 closed after 09-30
    gh("acme/app", "2026-05-01", "2026-06-20", milestone="v2.0")  # 6 closed before Q3
    gh("acme/app", "2026-06-01", "2026-07-15", milestone="v2.0", reopened=True)  # 7 reopened
    gh("acme/app", "2026-10-05", "2026-10-06", milestone="v2.0")  # 8 created after 09-30
    gh("acme/app", "2026-06-01", "2026-07-01", milestone="v1.0")  # another milestone
    gh("acme/app", "2026-07-01", pull=True, merged="2026-07-20", milestone="v2.0")  # a PR
    pr = lambda *a, **k: gh("acme/app", *a, pull=True, labels=k.pop("labels", ["perf"]), **k)  # noqa: E731
    pr("2026-06-20", merged="2026-07-02")  # P1 merged in Q3
    pr("2026-07-10", merged="2026-08-15")  # P2 merged in Q3
    pr("2026-08-01", "2026-08-05")  # P3 closed unmerged
    pr("2026-09-01")  # P4 open
    pr("2026-06-01", merged="2026-06-25")  # P5 merged before Q3
    pr("2026-09-20", merged="2026-10-01")  # P6 merged after 09-30
    pr("2026-07-01", merged="2026-07-20", labels=["ui"])  # P7 not perf
    pr("2026-07-01", merged="2026-07-21", labels=["perf", "ui"])  # P8 perf and ui, merged Q3
    fake.gl_project("group/app", milestones=["M1"])
    fake.group_milestones["group"] = ["Q3 release"]
    fake.epics["group"] = [{"id": 7, "iid": 2, "title": "Onboarding"}, {"id": 8, "iid": 3}]
    gl = fake.gl_item
    gl("group/app", "2026-07-01", "2026-07-20", milestone="M1")  # G1
    gl("group/app", "2026-07-02", "2026-09-30", milestone="M1")  # G2 closed on 09-30
    gl("group/app", "2026-07-03", milestone="M1")  # G3 open
    gl("group/app", "2026-07-04", "2026-08-01", milestone="M1", reopened=True)  # G4 reopened
    gl("group/app", "2026-10-01", milestone="M1")  # G5 created after 09-30
    gl("group/app", "2026-07-10", "2026-07-11", milestone="Q3 release")  # a group milestone
    gl("group/app", "2026-07-01", "2026-08-01", epic=7)  # E1
    gl("group/app", "2026-07-01", epic=7)  # E2
    gl("group/app", "2026-07-01", "2026-08-01", epic=8)  # E3 another epic
    gl("group/app", "2026-07-01", mr=True, merged="2026-07-05", labels=["perf"])  # M1 merged
    gl("group/app", "2026-07-02", "2026-07-03", mr=True, labels=["perf"])  # M2 closed unmerged
    gl("group/app", "2026-07-03", mr=True, labels=["perf"])  # M3 open
    ji = fake.jira_issue
    ji(JQL, "ONB-1", "2026-06-01", "2026-07-10")
    ji(JQL, "ONB-2", "2026-06-01", "2026-08-10")
    ji(JQL, "ONB-3", "2026-07-01")
    ji(JQL, "ONB-4", "2026-07-01", "2026-10-01T01:30:00.000+0200")  # done 2026-09-30 23:30 UTC
    ji(JQL, "ONB-5", "2026-06-15", "2026-07-01", reopened=True)
    ji(JQL, "ONB-6", "2026-08-01", "2026-09-29")
    ji(JQL, "ONB-7", "2026-09-01")
    ji(JQL, "ONB-8", "2026-09-01", "2026-10-03")  # done after 09-30
    fake.jira_projects = ["ONB", "OPS"]
    return fake


KRS = """\
kind: okrs
team: product
period: 2026-Q3
objectives:
  - id: PL1
    title: Ship the release our customers wait for
    aligns_to: [A1]
    key_results:
      - id: PL1.1
        title: Close every issue of milestone v2.0
        start: 0
        target: 8
        source: {from: gh, repo: acme/app, items: issues, milestone: "v2.0", state: closed}
      - id: PL1.2
        title: Merge performance pull requests this quarter
        start: 0
        target: 5
        source: {from: gh, repo: acme/app, items: pull_requests, labels: [perf], state: merged, within: period}
      - id: PL1.3
        title: Issues of milestone M1 closed
        start: 0
        target: 100
        unit: "%"
        source: {from: gl, project: group/app, milestone: M1, value: percent}
  - id: PL2
    title: Make onboarding effortless
    aligns_to: [A2]
    key_results:
      - id: PL2.1
        title: Onboarding epics shipped
        start: 0
        target: 100
        unit: "%"
        source: {from: jira, jql: 'JQL', value: percent}
      - id: PL2.2
        title: Performance merge requests merged
        start: 0
        target: 3
        source: {from: gl, project: group/app, items: merge_requests, labels: perf}
      - id: PL2.3
        title: Onboarding epic issues closed
        start: 0
        target: 2
        source: {from: gl, project: group/app, epic: 7}
""".replace("'JQL'", repr(JQL))


def make_repo(root: Path, url: str, krs: str = KRS) -> Path:
    shutil.copytree(BASE, root)
    with (root / "okrbsc.yaml").open("a") as f:
        f.write(
            "sources:\n"
            f"  gh:   {{github: {{api_url: '{url}', token_env: GITHUB_TOKEN}}}}\n"
            f"  gl:   {{gitlab: {{url: '{url}', token_env: GITLAB_TOKEN}}}}\n"
            f"  jira: {{jira: {{url: '{url}', email_env: JIRA_EMAIL, token_env: JIRA_TOKEN}}}}\n"
        )
    (root / OKR).write_text(krs)
    return root


@pytest.fixture
def fake() -> Iterator[Fake]:
    with serve(load(Fake(page_size=2))) as running:
        yield running


@pytest.fixture
def repo(tmp_path: Path, fake: Fake) -> Path:
    return make_repo(tmp_path / "repo", fake.url)


def okrbsc(*args: str, env: dict[str, str] | None = None, path: str | None = None,
           process: bool = False) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """okrbsc with the tokens (or ``env``) added to a bare environment: in this process
    (the fake servers answer from threads of it), or as a real subprocess with
    ``process`` or ``path`` (put before the code's own on PYTHONPATH). Each command this
    file runs keeps tests that run it as a process."""
    given = ENV if env is None else env
    if not process and path is None:
        out = in_process(*args, env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", **given})
    else:
        out = subprocess.run(
            [sys.executable, "-m", "okrbsc", *args],
            capture_output=True, text=True, timeout=120,
            env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", **CODE_ENV,
                 **({"PYTHONPATH": path + os.pathsep + CODE_ENV["PYTHONPATH"]} if path else {}),
                 **given},
        )  # fmt: skip
    for secret in SECRETS:  # SPEC 12.3: never in any output
        assert secret not in out.stdout + out.stderr
        for part in (secret[:8], secret[-8:]):
            assert part not in out.stdout + out.stderr
    return out


def pull(root: Path, as_of: str, *args: str, **kw: object) -> subprocess.CompletedProcess[str]:
    return okrbsc("pull", "--repo", str(root), "--as-of", as_of, *args, **kw)  # type: ignore[arg-type]


def changes(proc: subprocess.CompletedProcess[str]) -> dict[str, dict[str, object]]:
    report = json.loads(proc.stdout)
    return {c["id"]: c for c in report["changes"]}


# --- counting, hand-computed ------------------------------------------------------------

EXPECTED = {  # as-of -> id -> (value, note)
    "2026-09-30": {
        # exist: 1-7 (8 created later) = 7; closed by 09-30: 1, 2, 3, 6 (5 on 10-02; 7 reopened)
        "PL1.1": (4, "4 of 7 issues closed (acme/app milestone v2.0)"),
        # merged inside Q3 by 09-30: P1, P2, P8 (P5 before, P6 after, P3 unmerged, P7 not perf)
        "PL1.2": (3, "3 pull requests merged (acme/app label perf, 2026-Q3)"),
        # exist G1-G4; closed G1, G2 (on as-of); G4 reopened -> 2 / 4
        "PL1.3": (50, "2 of 4 issues closed (group/app milestone M1)"),
        # exist all 8; done ONB-1, 2, 4 (23:30 UTC on 09-30), 6 -> 4 / 8
        "PL2.1": (50, "4 of 8 issues done (jira: project = ONB AND issuetype = Epic)"),
        "PL2.2": (1, "1 of 3 merge requests merged (group/app label perf)"),
        "PL2.3": (1, "1 of 2 issues closed (group/app epic 7)"),
    },
    "2026-08-10": {
        # exist 1-4, 6, 7 = 6 (3 created 07-05, 4 on 08-01); closed by 08-10: 1, 6
        "PL1.1": (2, "2 of 6 issues closed (acme/app milestone v2.0)"),
        "PL1.2": (2, "2 pull requests merged (acme/app label perf, 2026-Q3)"),  # P1, P8
        "PL1.3": (25, "1 of 4 issues closed (group/app milestone M1)"),
        # exist 1-7 (8 created 09-01 too: no, 7 and 8 on 09-01): ONB-1..6 = 6; done ONB-1, 2
        "PL2.1": (33.33, "2 of 6 issues done (jira: project = ONB AND issuetype = Epic)"),
        "PL2.2": (1, "1 of 3 merge requests merged (group/app label perf)"),
        "PL2.3": (1, "1 of 2 issues closed (group/app epic 7)"),
    },
    "2026-07-01": {
        # exist 1, 2, 6, 7; closed by 07-01: 6
        "PL1.1": (1, "1 of 4 issues closed (acme/app milestone v2.0)"),
        "PL1.2": (0, "0 pull requests merged (acme/app label perf, 2026-Q3)"),
        "PL1.3": (0, "0 of 1 issue closed (group/app milestone M1)"),
        # exist ONB-1, 2, 3, 4, 5 (created 07-01 10:00 +02:00 = 08:00 UTC); none done
        "PL2.1": (0, "0 of 5 issues done (jira: project = ONB AND issuetype = Epic)"),
        "PL2.2": (0, "0 of 1 merge request merged (group/app label perf)"),
        "PL2.3": (0, "0 of 2 issues closed (group/app epic 7)"),
    },
}


@pytest.mark.parametrize("as_of", sorted(EXPECTED))
def test_counts_at_several_dates_from_todays_data(repo: Path, as_of: str) -> None:
    real = as_of == "2026-09-30"  # one date as a real process
    proc = pull(repo, as_of, "--dry-run", "--format", "json", process=real)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    got = changes(proc)
    want = EXPECTED[as_of]
    assert {k: (got[k]["new"], got[k]["note"]) for k in want} == want
    assert all(got[k]["date"] == as_of and got[k]["source"] in ("gh", "gl", "jira") for k in want)


def test_jira_cloud_through_search_jql_counts_the_same(tmp_path: Path) -> None:
    with serve(load(Fake(page_size=3, jira_cloud=True))) as fake:
        root = make_repo(tmp_path / "repo", fake.url)
        proc = pull(root, "2026-09-30", "--dry-run", "--format", "json", "--source", "jira")
        paths = [(m, p.split("?")[0]) for m, p, _ in fake.requests]
    assert proc.returncode == 0, proc.stderr
    assert changes(proc)["PL2.1"]["new"] == 50
    assert ("GET", "/rest/api/2/serverInfo") in paths
    assert paths.count(("POST", "/rest/api/3/search/jql")) == 3  # 8 issues, 3 a page
    assert ("POST", "/rest/api/2/search") not in paths


def test_within_period_percent_counts_the_items_alive_in_the_period(
    tmp_path: Path, fake: Fake
) -> None:
    krs = KRS.replace(
        'milestone: "v2.0", state: closed}', 'milestone: "v2.0", value: percent, within: period}'
    )
    root = make_repo(tmp_path / "repo", fake.url, krs)
    proc = pull(root, "2026-09-30", "--dry-run", "--format", "json", "--source", "gh")
    # alive in Q3: 1-5, 7 (6 closed before Q3) = 6; closed inside Q3 by 09-30: 1, 2, 3
    assert changes(proc)["PL1.1"]["new"] == 50
    assert (
        changes(proc)["PL1.1"]["note"] == "3 of 6 issues closed (acme/app milestone v2.0, 2026-Q3)"
    )


def test_pull_writes_one_checkin_per_kr_then_nothing_and_check_agrees(repo: Path) -> None:
    assert pull(repo, "2026-09-30", "--check", process=True).returncode == 1  # nothing yet
    proc = pull(repo, "2026-09-30", process=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "6 added, 0 unchanged, 0 restated; 1 file written"
    text = (repo / OKR).read_text()
    assert (
        "        checkins:\n          - {date: 2026-09-30, value: 4, note: '4 of 7 issues closed "
        "(acme/app milestone v2.0)', source: gh}\n"
    ) in text
    assert "source: gh" in text and "source: jira" in text
    before = (repo / OKR).read_bytes()
    again = pull(repo, "2026-09-30")
    assert again.returncode == 0
    assert again.stdout.splitlines()[-1] == "0 added, 6 unchanged, 0 restated; 0 files written"
    assert (repo / OKR).read_bytes() == before
    assert pull(repo, "2026-09-30", "--check").returncode == 0
    lint = okrbsc(
        "lint", "--repo", str(repo), "--as-of", "2026-09-30", "--format", "json", process=True
    )
    assert not [f for f in json.loads(lint.stdout)["findings"] if f["severity"] == "error"]


def test_json_items_and_verbose_list_what_was_counted(repo: Path) -> None:
    proc = pull(repo, "2026-09-30", "--dry-run", "--format", "json", "--source", "gh")
    items = changes(proc)["PL1.1"]["items"]
    assert [i["ref"] for i in items] == ["acme/app#1", "acme/app#2", "acme/app#3", "acme/app#6"]
    assert items[0] == {"ref": "acme/app#1", "title": "Issue 1", "state": "closed",
                        "at": "2026-07-10T12:00:00Z",
                        "url": "https://github.test/acme/app/issues/1"}  # fmt: skip
    assert {i["state"] for i in changes(proc)["PL1.2"]["items"]} == {"merged"}
    verbose = pull(repo, "2026-09-30", "--dry-run", "--verbose", "--source", "gh")
    assert "    acme/app#3 closed 2026-09-25 Issue 3" in verbose.stdout.splitlines()
    assert "    acme/app#12 merged 2026-08-15 PR 12" in verbose.stdout.splitlines()
    assert any(
        line.startswith("gh (github): 2 items, 7 rows, ") for line in verbose.stderr.splitlines()
    )


def test_every_list_is_read_page_by_page_with_the_filters_on_the_server(
    repo: Path, fake: Fake
) -> None:
    pull(repo, "2026-09-30", "--dry-run", "--source", "gh")
    issues = [p for m, p, _ in fake.requests if p.startswith("/repos/acme/app/issues")]
    # milestone v2.0 holds 9 items (8 issues and a PR), 2 a page: 5 pages, each once
    milestone = [p for p in issues if "milestone=2" in p]
    assert len(milestone) == 5 and "state=all" in milestone[0] and "per_page=100" in milestone[0]
    assert any("labels=perf" in p for p in issues)
    assert {m for m, _, _ in fake.requests} == {"GET"}  # okrbsc only reads
    assert all(h.get("authorization") == f"Bearer {GITHUB_TOKEN}" for _, _, h in fake.requests)


def test_rate_limits_that_reset_soon_are_waited_for(tmp_path: Path) -> None:
    with serve(load(Fake(page_size=2))) as fake:
        fake.rate_limit_once = {"/repos/acme/app/issues", "/api/v4/projects/group%2Fapp/issues"}
        root = make_repo(tmp_path / "repo", fake.url)
        proc = pull(root, "2026-09-30", "--dry-run", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert changes(proc)["PL1.1"]["new"] == 4 and changes(proc)["PL1.3"]["new"] == 50


def test_a_long_rate_limit_fails_the_connection_naming_when_to_retry(
    repo: Path, fake: Fake
) -> None:
    fake.rate_limit_long = True
    proc = pull(repo, "2026-09-30", "--format", "json")
    assert proc.returncode == 2
    errors = json.loads(proc.stdout)["errors"]
    assert {e["id"] for e in errors} == {"PL1.1", "PL1.2", "PL1.3", "PL2.1", "PL2.2", "PL2.3"}
    assert (
        "rate limit reached (HTTP 403); it resets in 60 min: try again after"
        in errors[0]["message"]
    )
    # one request for the first item, none for the others on a failed connection
    assert len([p for _, p, _ in fake.requests if p.startswith("/repos/")]) == 1  # PL1.2 not tried


def test_a_refused_token_fails_its_connection_only_naming_the_variable(repo: Path) -> None:
    before = (repo / OKR).read_text()
    proc = pull(
        repo, "2026-09-30", "--format", "json", env={**ENV, "GITHUB_TOKEN": "wrong-token-value"},
        process=True,
    )  # fmt: skip
    assert proc.returncode == 2
    report = json.loads(proc.stdout)
    assert {e["id"] for e in report["errors"]} == {"PL1.1", "PL1.2"}
    message = report["errors"][0]["message"]
    assert "refused the token in $GITHUB_TOKEN (HTTP 401: Bad credentials)" in message
    assert "wrong-token-value" not in proc.stdout + proc.stderr
    assert report["errors"][0]["path"] == OKR and report["errors"][0]["line"] == 9
    assert {c["id"] for c in report["changes"]} == {"PL1.3", "PL2.1", "PL2.2", "PL2.3"}
    after = (repo / OKR).read_text()
    assert after != before and "source: gl" in after and "source: gh" not in after


def test_an_unset_token_variable_is_named(repo: Path) -> None:
    proc = pull(
        repo, "2026-09-30", "--source", "gl", env={"GITHUB_TOKEN": GITHUB_TOKEN}, process=True
    )
    assert proc.returncode == 2
    assert "cannot connect: the environment variable GITLAB_TOKEN is not set" in proc.stderr


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'milestone: "v2.0"',
            'milestone: "v2.1"',
            "acme/app has no milestone 'v2.1'; nearest: v2.0, v1.0",
        ),
        (
            "repo: acme/app, items: issues",
            "repo: acme/ap, items: issues",
            "no repo acme/ap (or the token cannot see it); nearest: acme/app, acme/web",
        ),
        (
            "project: group/app, milestone: M1",
            "project: group/ap, milestone: M1",
            "no project group/ap (or the token cannot see it); nearest: group/app",
        ),
        ("milestone: M1", "milestone: M2", "group/app has no milestone 'M2'; nearest: M1"),
        (
            "epic: 7",
            "epic: 2",
            "group group has no epic with the id 2: epic &2 of group has the id 7",
        ),
        (
            "project = ONB AND issuetype = Epic'",
            "project = ONX AND issuetype = Epic'",
            "Jira has no project 'ONX'; nearest: ONB",
        ),
    ],
)
def test_what_does_not_exist_fails_its_item_naming_the_nearest(
    tmp_path: Path, fake: Fake, old: str, new: str, message: str
) -> None:
    assert old in KRS
    root = make_repo(tmp_path / "repo", fake.url, KRS.replace(old, new, 1))
    proc = pull(root, "2026-09-30", "--format", "json")
    assert proc.returncode == 2
    report = json.loads(proc.stdout)
    assert [e["message"] for e in report["errors"]] == [message]
    assert len(report["changes"]) == 5  # every other item still pulled
    assert f"{OKR}:" in pull(root, "2026-09-30", "--dry-run").stderr


def test_group_milestones_count_too(tmp_path: Path, fake: Fake) -> None:
    root = make_repo(
        tmp_path / "repo", fake.url, KRS.replace("milestone: M1", "milestone: Q3 release")
    )
    proc = pull(root, "2026-09-30", "--dry-run", "--format", "json", "--source", "gl")
    assert proc.returncode == 0, proc.stdout
    # the group's milestone holds one issue, closed 07-11
    assert changes(proc)["PL1.3"]["note"] == "1 of 1 issue closed (group/app milestone Q3 release)"
    assert changes(proc)["PL1.3"]["new"] == 100


def test_plain_http_to_another_host_is_e002_and_nothing_is_pulled(
    tmp_path: Path, fake: Fake
) -> None:
    root = make_repo(tmp_path / "repo", fake.url)
    config = root / "okrbsc.yaml"
    config.write_text(
        config.read_text().replace(f"api_url: '{fake.url}'", "api_url: 'http://github.example.com'")
    )
    lint = okrbsc("lint", "--repo", str(root), "--as-of", "2026-09-30")
    assert lint.returncode == 1
    assert "okrbsc.yaml:" in lint.stdout and "E002" in lint.stdout
    assert (
        "must be https:// (plain http only to localhost, 127.0.0.1 or ::1), not http to github.example.com"
        in lint.stdout
    )
    assert pull(root, "2026-09-30").returncode == 1
    assert fake.requests == []


def test_without_httpx_a_tracker_source_names_the_extra(tmp_path: Path, repo: Path) -> None:
    blocker = tmp_path / "no-httpx" / "httpx"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('no httpx here')\n")
    proc = pull(repo, "2026-09-30", path=str(blocker.parent))
    assert proc.returncode == 2
    assert 'pip install "okrbsc[trackers]"' in proc.stderr
    assert "Traceback" not in proc.stderr


def test_github_enterprise_without_merged_at_in_the_issue_list_reads_the_pulls(
    tmp_path: Path,
) -> None:
    with serve(load(Fake(page_size=2, gh_legacy=True))) as fake:
        root = make_repo(tmp_path / "repo", fake.url + "/api/v3")
        proc = pull(root, "2026-09-30", "--dry-run", "--format", "json", "--source", "gh")
        paths = [p.split("?")[0] for _, p, _ in fake.requests]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # the same hand count as with merged_at in the list: P1, P2, P8
    assert changes(proc)["PL1.2"]["new"] == 3
    assert "/api/v3/repos/acme/app/pulls" in paths


def test_jira_data_center_with_a_personal_access_token(tmp_path: Path, fake: Fake) -> None:
    root = make_repo(tmp_path / "repo", fake.url)
    config = root / "okrbsc.yaml"
    config.write_text(config.read_text().replace("email_env: JIRA_EMAIL, ", ""))
    proc = pull(root, "2026-09-30", "--dry-run", "--format", "json", "--source", "jira")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert changes(proc)["PL2.1"]["new"] == 50
    jira = [(m, p, h) for m, p, h in fake.requests if p.startswith("/rest/api/2/search")]
    assert len(jira) == 4  # 8 issues, 2 a page, startAt/total
    assert {h["authorization"] for _, _, h in jira} == {f"Bearer {JIRA_TOKEN}"}


def test_a_past_period_is_counted_at_its_last_day(repo: Path) -> None:
    proc = pull(repo, "2026-10-15", "2026-Q3", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    got = changes(proc)
    assert {k: (c["date"], c["new"]) for k, c in got.items()} == {
        k: ("2026-09-30", v) for k, (v, _) in EXPECTED["2026-09-30"].items()
    }


def test_a_percent_of_nothing_writes_nothing(tmp_path: Path, fake: Fake) -> None:
    krs = KRS.replace(
        "milestone: M1, value: percent", "milestone: M1, labels: [none], value: percent"
    )
    root = make_repo(tmp_path / "repo", fake.url, krs)
    proc = pull(root, "2026-09-30", "--format", "json", "--source", "gl")
    assert proc.returncode == 0, proc.stderr
    assert "PL1.3" not in changes(proc) and "PL2.2" in changes(proc)
    assert "2026-09-30" not in (root / OKR).read_text().split("id: PL1.3")[1].split("id: PL2")[0]


def test_tls_is_verified_against_the_trust_store_ssl_cert_file_names(tmp_path: Path) -> None:
    from .rhythm_servers import make_cert

    cert, key = make_cert(tmp_path)
    with serve(load(Fake(page_size=2)), tls=(cert, key)) as fake:
        assert fake.url.startswith("https://127.0.0.1:")
        root = make_repo(tmp_path / "repo", fake.url)
        args = ("--dry-run", "--format", "json", "--source", "gh")
        untrusted = pull(root, "2026-09-30", *args, process=True)
        trusted = pull(root, "2026-09-30", *args, env={**ENV, "SSL_CERT_FILE": str(cert)},
                       process=True)  # fmt: skip
    assert untrusted.returncode == 2
    message = json.loads(untrusted.stdout)["errors"][0]["message"]
    assert (
        message.startswith("gh: cannot reach 127.0.0.1:") and "CERTIFICATE_VERIFY_FAILED" in message
    )
    assert trusted.returncode == 0, trusted.stdout + trusted.stderr
    assert changes(trusted)["PL1.1"]["new"] == 4


def test_a_measure_fed_by_a_tracker_fails_naming_why(tmp_path: Path, fake: Fake) -> None:
    root = make_repo(tmp_path / "repo", fake.url)
    card = root / "scorecard.yaml"
    old = "actuals: {2026-Q2: 45}}"
    assert old in card.read_text()
    card.write_text(
        card.read_text().replace(old, old[:-1] + ", source: {from: gh, repo: acme/app}}")
    )
    proc = pull(root, "2026-09-30", "--format", "json", "--source", "gh")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    errors = json.loads(proc.stdout)["errors"]
    assert [e["message"] for e in errors] == [
        "a github connection feeds key results only: a measure needs a query"
    ]


def test_a_next_page_on_another_host_is_not_followed(repo: Path, fake: Fake) -> None:
    fake.link_base = f"http://localhost:{fake.port}"  # same server, another origin
    proc = pull(repo, "2026-09-30", "--dry-run", "--format", "json", "--source", "gh")
    assert proc.returncode == 2
    messages = {e["message"] for e in json.loads(proc.stdout)["errors"]}
    assert messages == {"gh: the next page points to another host: not followed"}
    assert not [h for _, _, h in fake.requests if h.get("host", "").startswith("localhost")]


def test_a_refused_jira_token_fails_every_jira_item_after_one_request(
    tmp_path: Path, fake: Fake
) -> None:
    krs = KRS.replace("source: {from: gl, project: group/app, epic: 7}",
                      "source: {from: jira, jql: 'project = OPS'}")  # fmt: skip
    root = make_repo(tmp_path / "repo", fake.url, krs)
    proc = pull(root, "2026-09-30", "--format", "json", "--source", "jira",
                env={**ENV, "JIRA_TOKEN": "expired"})  # fmt: skip
    assert proc.returncode == 2
    errors = json.loads(proc.stdout)["errors"]
    assert [e["id"] for e in errors] == ["PL2.1", "PL2.3"]
    assert (
        "refused the token in $JIRA_TOKEN (HTTP 401: You are not authenticated.)"
        in errors[1]["message"]
    )
    assert len(fake.requests) == 1  # serverInfo, refused: nothing more asked


def test_check_on_a_later_day_recounts_the_day_recorded(repo: Path, fake: Fake) -> None:
    assert pull(repo, "2026-08-10").returncode == 0
    # weeks later nothing was pulled again: --check recounts 2026-08-10 from today's items
    later = pull(repo, "2026-09-30", "--check", "--format", "json")
    assert later.returncode == 0, later.stdout + later.stderr
    got = changes(later)
    assert {k: (c["date"], c["change"]) for k, c in got.items()} == {
        k: ("2026-08-10", "unchanged") for k in EXPECTED["2026-08-10"]
    }
    # a number typed over the pulled one is a difference
    path = repo / OKR
    path.write_text(path.read_text().replace("value: 2, note: '2 of 6", "value: 3, note: '2 of 6"))
    typed = pull(repo, "2026-09-30", "--check", "--format", "json")
    assert typed.returncode == 1
    assert changes(typed)["PL1.1"]["change"] == "restated" and changes(typed)["PL1.1"]["new"] == 2
