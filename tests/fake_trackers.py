"""Fake GitHub, GitLab and Jira servers on 127.0.0.1 for `okrbsc pull` (SPEC 17).

One stdlib ThreadingHTTPServer (port 0, in a thread) speaks the shapes of the
real APIs the tracker sources read:

* GitHub REST: ``/repos/{o}/{r}/issues`` (issues and pull requests, the latter with
  a ``pull_request`` key holding ``merged_at``), ``/milestones``, ``/pulls``,
  ``/users/{o}/repos``; filters ``state``, ``milestone`` (number), ``labels``,
  ``assignee``; ``Link`` pagination; 401 without the token; rate limits as
  403 + ``X-RateLimit-Remaining: 0`` + ``X-RateLimit-Reset``.
* GitLab v4: ``/api/v4/projects/:id`` (path URL-encoded), ``/issues``,
  ``/merge_requests``, ``/milestones``, ``/groups/:id/milestones|epics|projects``;
  ``PRIVATE-TOKEN``; ``Link`` pagination; 429 + ``Retry-After``.
* Jira: ``/rest/api/2/serverInfo``; Data Center ``POST /rest/api/2/search``
  (``startAt``/``total``), Cloud ``POST /rest/api/3/search/jql``
  (``nextPageToken``/``isLast``); 400 with ``errorMessages`` for an unknown project.

Every list is served ``page_size`` at a time (small, so any real list has
several pages). Each request is recorded (method, path, headers).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

GITHUB_TOKEN = "ghp_S3cr3t-t0ken/with:odd@chars"
GITLAB_TOKEN = "glpat-An0ther:s3cret@x"
JIRA_TOKEN = "jira-Tok3n:p@ss/word"
JIRA_EMAIL = "ops@acme.test"
#: how often a serving thread looks for shutdown(): the default 0.5 s made every test
#: that starts a server wait up to half a second at its end
POLL = 0.01


def ts(day: str, hour: int = 12) -> str:
    """An ISO time as GitHub writes it: 2026-07-03T12:00:00Z."""
    return f"{day}T{hour:02d}:00:00Z"


@dataclass
class Fake:
    page_size: int = 50
    github: dict[str, dict[str, Any]] = field(default_factory=dict)  # "acme/app" -> repo
    gitlab: dict[str, dict[str, Any]] = field(default_factory=dict)  # "group/app" -> project
    epics: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # group -> epics
    group_milestones: dict[str, list[str]] = field(default_factory=dict)
    jira: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # jql -> issues
    jira_projects: list[str] = field(default_factory=list)
    jira_cloud: bool = False
    rate_limit_once: set[str] = field(default_factory=set)  # paths limited once (1 s)
    rate_limit_long: bool = False  # every request limited for an hour
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    gh_legacy: bool = False  # GitHub Enterprise before 3.7: no merged_at in pull_request
    link_base: str | None = None  # next pages on another host (a hostile server)
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0
    scheme: str = "http"

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    # --- building data -------------------------------------------------------------

    def gh_repo(self, name: str, milestones: list[str] = ()) -> dict[str, Any]:  # type: ignore[assignment]
        repo = {
            "issues": [],
            "milestones": [
                {"number": i + 1, "title": t, "state": "open"} for i, t in enumerate(milestones)
            ],
        }
        self.github[name] = repo
        return repo

    def gh_issue(self, name: str, created: str, closed: str | None = None, *, pull: bool = False,
                 merged: str | None = None, milestone: str | None = None,
                 labels: list[str] = (), assignee: str | None = None,  # type: ignore[assignment]
                 reopened: bool = False, title: str | None = None) -> dict[str, Any]:  # fmt: skip
        repo = self.github[name]
        number = len(repo["issues"]) + 1
        ms = next((m for m in repo["milestones"] if m["title"] == milestone), None)
        state = "closed" if (closed or merged) and not reopened else "open"
        issue: dict[str, Any] = {
            "number": number,
            "title": title or f"{'PR' if pull else 'Issue'} {number}",
            "state": state,
            "created_at": ts(created),
            "closed_at": ts(merged or closed) if state == "closed" else None,  # type: ignore[arg-type]
            "html_url": f"https://github.test/{name}/{'pull' if pull else 'issues'}/{number}",
            "labels": [{"name": lab} for lab in labels],
            "milestone": ms,
            "assignee": {"login": assignee} if assignee else None,
            "assignees": [{"login": assignee}] if assignee else [],
        }
        if pull:
            issue["pull_request"] = {
                "url": f"https://api.github.test/repos/{name}/pulls/{number}",
                "merged_at": ts(merged) if merged and not reopened else None,
            }
        repo["issues"].append(issue)
        return issue

    def gl_project(self, path: str, milestones: list[str] = ()) -> dict[str, Any]:  # type: ignore[assignment]
        group = path.rsplit("/", 1)[0]
        project = {
            "id": len(self.gitlab) + 1,
            "path_with_namespace": path,
            "namespace": {"kind": "group", "full_path": group},
            "milestones": list(milestones),
            "issues": [],
            "merge_requests": [],
        }
        self.gitlab[path] = project
        return project

    def gl_item(self, path: str, created: str, closed: str | None = None, *, mr: bool = False,
                merged: str | None = None, milestone: str | None = None,
                labels: list[str] = (), epic: int | None = None,  # type: ignore[assignment]
                reopened: bool = False) -> dict[str, Any]:  # fmt: skip
        project = self.gitlab[path]
        kind = "merge_requests" if mr else "issues"
        iid = len(project[kind]) + 1
        state = "opened"
        if merged and not reopened:
            state = "merged"
        elif closed and not reopened:
            state = "closed"
        item = {
            "iid": iid,
            "title": f"{'MR' if mr else 'Issue'} {iid}",
            "state": state,
            "created_at": f"{created}T09:30:00.000Z",
            "closed_at": f"{closed}T09:30:00.000Z" if state == "closed" else None,
            "web_url": f"https://gitlab.test/{path}/-/{kind}/{iid}",
            "milestone": {"title": milestone} if milestone else None,
            "labels": list(labels),
            "epic_id": epic,
        }
        if mr:
            item["merged_at"] = f"{merged}T09:30:00.000Z" if state == "merged" else None
        project[kind].append(item)
        return item

    def jira_issue(self, jql: str, key: str, created: str, done: str | None = None, *,
                   reopened: bool = False, summary: str = "") -> dict[str, Any]:  # fmt: skip
        is_done = done is not None and not reopened
        issue = {
            "id": str(10000 + len(self.jira.get(jql, []))),
            "key": key,
            "fields": {
                "summary": summary or f"Epic {key}",
                "created": f"{created}T10:00:00.000+0200",
                "resolutiondate": (done if "T" in done else f"{done}T10:00:00.000+0000")
                if is_done and done is not None
                else None,
                "status": {
                    "name": "Done" if is_done else "In Progress",
                    "statusCategory": {"key": "done" if is_done else "indeterminate"},
                },
            },
        }
        self.jira.setdefault(jql, []).append(issue)
        return issue


# --- the server ---------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    fake: Fake

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        fake = self.fake
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        headers = {k.lower(): v for k, v in self.headers.items()}
        with fake.lock:
            fake.requests.append((method, self.path, headers))
        body = b""
        if method == "POST":
            body = self.rfile.read(int(headers.get("content-length", "0") or 0))
        if fake.rate_limit_long:
            reset = int(time.time()) + 3600
            return self._send(403, {"message": "API rate limit exceeded"},
                              {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)})  # fmt: skip
        path = parts.path.removeprefix("/api/v3")  # GitHub Enterprise serves the API there
        with fake.lock:
            limited = path in fake.rate_limit_once and query.get("page") == "2"
            if limited:
                fake.rate_limit_once.discard(path)
        if limited:
            if path.startswith("/repos/"):
                reset = int(time.time()) + 1
                return self._send(403, {"message": "API rate limit exceeded"},
                                  {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)})  # fmt: skip
            return self._send(429, {"message": "429 Too Many Requests"}, {"Retry-After": "1"})
        try:
            if path.startswith("/api/v4/"):
                self._gitlab(path[len("/api/v4/") :], query, headers)
            elif path.startswith("/rest/"):
                self._jira(method, path, body, headers)
            else:
                self._github(path, query, headers)
        except BrokenPipeError:
            pass

    # --- GitHub -----------------------------------------------------------------------

    def _github(self, path: str, query: dict[str, str], headers: dict[str, str]) -> None:
        if headers.get("authorization") != f"Bearer {GITHUB_TOKEN}":
            return self._send(401, {"message": "Bad credentials"})
        m = re.fullmatch(r"/users/([^/]+)/repos", path)
        if m:
            names = [n.split("/")[1] for n in self.fake.github if n.startswith(m.group(1) + "/")]
            return self._send(200, [{"name": n} for n in names])
        m = re.fullmatch(r"/repos/([^/]+/[^/]+)/(issues|milestones|pulls)", path)
        if not m or m.group(1) not in self.fake.github:
            return self._send(404, {"message": "Not Found"})
        repo = self.fake.github[m.group(1)]
        if m.group(2) == "milestones":
            return self._page(repo["milestones"], query)
        issues = list(repo["issues"])
        if m.group(2) == "pulls":
            pulls = [
                {**i, "merged_at": i["pull_request"]["merged_at"]}
                for i in issues
                if "pull_request" in i and query.get("state") in ("all", i["state"])
            ]
            return self._page(pulls, query)
        state = query.get("state", "open")
        if state != "all":
            issues = [i for i in issues if i["state"] == state]
        if "milestone" in query:
            number = int(query["milestone"])
            issues = [i for i in issues if i["milestone"] and i["milestone"]["number"] == number]
        if "labels" in query:
            wanted = set(query["labels"].split(","))
            issues = [i for i in issues if wanted <= {lab["name"] for lab in i["labels"]}]
        if "assignee" in query:
            issues = [i for i in issues if (i["assignee"] or {}).get("login") == query["assignee"]]
        if self.fake.gh_legacy:
            issues = [
                {**i, "pull_request": {"url": i["pull_request"]["url"]}}
                if "pull_request" in i
                else i
                for i in issues
            ]
        return self._page(issues, query)

    # --- GitLab -----------------------------------------------------------------------

    def _gitlab(self, path: str, query: dict[str, str], headers: dict[str, str]) -> None:
        if headers.get("private-token") != GITLAB_TOKEN:
            return self._send(401, {"message": "401 Unauthorized"})
        raw = self.path.split("?", 1)[0][len("/api/v4/") :]
        m = re.fullmatch(r"groups/([^/]+)/(milestones|epics|projects)", raw)
        if m:
            group = unquote(m.group(1))
            if m.group(2) == "milestones":
                titles = self.fake.group_milestones.get(group, [])
                return self._page([{"title": t} for t in titles], query)
            if m.group(2) == "epics":
                return self._page(self.fake.epics.get(group, []), query)
            projects = [{"path_with_namespace": p} for p in self.fake.gitlab
                        if p.startswith(group + "/")]  # fmt: skip
            return self._page(projects, query)
        m = re.fullmatch(r"projects/([^/]+)(?:/(issues|merge_requests|milestones))?", raw)
        if not m or "/" in m.group(1):  # the path must come URL-encoded
            return self._send(404, {"message": "404 Not Found"})
        project = self.fake.gitlab.get(unquote(m.group(1)))
        if project is None:
            return self._send(404, {"message": "404 Project Not Found"})
        if m.group(2) is None:
            keep = ("id", "path_with_namespace", "namespace")
            return self._send(200, {k: project[k] for k in keep})
        if m.group(2) == "milestones":
            return self._page([{"title": t} for t in project["milestones"]], query)
        items = list(project[m.group(2)])
        state = query.get("state", "all")
        if state != "all":
            items = [i for i in items if i["state"] == state]
        if "milestone" in query:
            items = [i for i in items if (i["milestone"] or {}).get("title") == query["milestone"]]
        if "labels" in query:
            wanted = set(query["labels"].split(","))
            items = [i for i in items if wanted <= set(i["labels"])]
        if "epic_id" in query:
            items = [i for i in items if i["epic_id"] == int(query["epic_id"])]
        return self._page(items, query)

    # --- Jira -------------------------------------------------------------------------

    def _jira(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> None:
        import base64

        basic = base64.b64encode(f"{JIRA_EMAIL}:{JIRA_TOKEN}".encode()).decode()
        if headers.get("authorization") not in (f"Basic {basic}", f"Bearer {JIRA_TOKEN}"):
            return self._send(401, {"errorMessages": ["You are not authenticated."]})
        fake = self.fake
        if path == "/rest/api/2/serverInfo":
            kind = "Cloud" if fake.jira_cloud else "Server"
            return self._send(200, {"deploymentType": kind, "version": "9.12.0"})
        if path == "/rest/api/2/project":
            return self._send(200, [{"key": k} for k in fake.jira_projects])
        cloud_path = path == "/rest/api/3/search/jql"
        if method != "POST" or path not in ("/rest/api/2/search", "/rest/api/3/search/jql"):
            return self._send(404, {"errorMessages": ["Not found"]})
        if cloud_path != fake.jira_cloud:
            return self._send(410, {"errorMessages": ["This API is not available here."]})
        request = json.loads(body or b"{}")
        jql = request.get("jql", "")
        if jql not in fake.jira:
            m = re.search(r"project\s*=\s*(\w+)", jql)
            name = m.group(1) if m else jql
            return self._send(400, {"errorMessages": [
                f"The value '{name}' does not exist for the field 'project'."], "errors": {}})  # fmt: skip
        issues = fake.jira[jql]
        size = min(int(request.get("maxResults", 50)), fake.page_size)
        if fake.jira_cloud:
            start = int(request.get("nextPageToken") or "0")
            page = issues[start : start + size]
            out: dict[str, Any] = {"issues": page, "isLast": start + size >= len(issues)}
            if start + size < len(issues):
                out["nextPageToken"] = str(start + size)
            return self._send(200, out)
        start = int(request.get("startAt", 0))
        return self._send(200, {"startAt": start, "maxResults": size, "total": len(issues),
                                "issues": issues[start : start + size]})  # fmt: skip

    # --- answers ----------------------------------------------------------------------

    def _page(self, items: list[Any], query: dict[str, str]) -> None:
        size = min(int(query.get("per_page", 30)), self.fake.page_size)
        page = int(query.get("page", 1))
        chunk = items[(page - 1) * size : page * size]
        extra = {}
        if page * size < len(items):
            base = self.path.split("?", 1)[0]
            params = {k: v for k, v in query.items() if k != "page"}
            rest = "&".join(f"{k}={quote(str(v))}" for k, v in params.items())
            last = (len(items) + size - 1) // size
            host = self.fake.link_base or self.fake.url
            extra["Link"] = (
                f'<{host}{base}?{rest}&page={page + 1}>; rel="next", '
                f'<{host}{base}?{rest}&page={last}>; rel="last"'
            )
        self._send(200, chunk, extra)

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)


@contextmanager
def serve(fake: Fake, tls: tuple[Any, Any] | None = None) -> Iterator[Fake]:
    """``fake`` on 127.0.0.1 (a free port); over TLS with ``tls`` = (cert, key)."""
    handler = type("Handler", (_Handler,), {"fake": fake})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    if tls is not None:
        import ssl

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(tls[0]), str(tls[1]))
        server.socket = context.wrap_socket(server.socket, server_side=True)
        fake.scheme = "https"
    fake.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(POLL,), daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()
