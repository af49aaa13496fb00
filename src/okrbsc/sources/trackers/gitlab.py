"""GitLab (SPEC 17): issues and merge requests of one project.

* ``GET /api/v4/projects/:id/issues`` and ``.../merge_requests`` with
  ``state=all``, ``milestone`` (its title), ``labels=a,b``,
  ``assignee_username``, ``epic_id``, ``per_page=100``; ``:id`` is the project's
  path, URL-encoded (``group%2Fapp``).
* A project, milestone or epic that does not exist is an error naming the
  nearest names GitLab lists (the namespace's projects, the project's and its
  group's milestones, the group's epics).
* An issue is closed at ``closed_at``; a merge request merged at ``merged_at``
  (closed unmerged at ``closed_at``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any
from urllib.parse import quote

from okrbsc.sources.trackers.count import TrackerItem, labels_text
from okrbsc.sources.trackers.github import nearest, timestamp
from okrbsc.sources.trackers.http import Client, NotFound, TrackerError
from okrbsc.strategy.models import Source


def client(name: str, url: str, token: str, token_env: str) -> Client:
    return Client(name, url.rstrip("/") + "/api/v4/", {"PRIVATE-TOKEN": token}, [token], token_env)


class GitLab:
    def __init__(self, client: Client) -> None:
        self.http = client
        self._projects: dict[str, dict[str, Any]] = {}
        self._milestones: dict[str, list[str]] = {}
        self._epics: dict[str, list[dict[str, Any]]] = {}

    def items(self, source: Source) -> tuple[list[TrackerItem], str]:
        assert source.project is not None
        path = source.project.strip("/")
        project = self._project(path)
        pid = quote(path, safe="")
        mrs = source.items == "merge_requests"
        params: dict[str, Any] = {"state": "all", "per_page": 100}
        where = [path]
        if source.milestone is not None:
            self._check_milestone(path, pid, project, source.milestone)
            params["milestone"] = source.milestone
            where.append(f"milestone {source.milestone}")
        if source.labels:
            params["labels"] = ",".join(source.labels)
            where.append(labels_text(source.labels))
        if source.assignee is not None:
            params["assignee_username"] = source.assignee
            where.append(f"assignee {source.assignee}")
        if source.epic is not None:
            self._check_epic(path, project, source.epic)
            params["epic_id"] = source.epic
            where.append(f"epic {source.epic}")
        kind = "merge_requests" if mrs else "issues"
        rows = [r for r in self.http.pages(f"projects/{pid}/{kind}", params) if isinstance(r, dict)]
        return [_item(path, r, mrs) for r in rows], " ".join(where)

    def _project(self, path: str) -> dict[str, Any]:
        if path not in self._projects:
            try:
                got = self.http.get(f"projects/{quote(path, safe='')}")
            except NotFound:
                raise TrackerError(self._no_project(path)) from None
            self._projects[path] = got.body if isinstance(got.body, dict) else {}
        return self._projects[path]

    def _no_project(self, path: str) -> str:
        group = path.rsplit("/", 1)[0] if "/" in path else ""
        names: list[str] = []
        if group:
            try:
                listed = self.http.get(
                    f"groups/{quote(group, safe='')}/projects", {"per_page": 100}
                )
                if isinstance(listed.body, list):
                    names = [
                        p["path_with_namespace"]
                        for p in listed.body
                        if isinstance(p, dict) and isinstance(p.get("path_with_namespace"), str)
                    ]
            except TrackerError:
                pass
        return f"no project {path} (or the token cannot see it){nearest(path, names)}"

    def _check_milestone(self, path: str, pid: str, project: dict[str, Any], title: str) -> None:
        if path not in self._milestones:
            titles = [
                m.get("title")
                for m in self.http.pages(f"projects/{pid}/milestones", {"per_page": 100})
                if isinstance(m, dict)
            ]
            group = _group_of(project)
            if group is not None and title not in titles:
                with contextlib.suppress(NotFound):
                    listed = self.http.pages(
                        f"groups/{quote(group, safe='')}/milestones", {"per_page": 100}
                    )
                    titles += [m.get("title") for m in listed if isinstance(m, dict)]
            self._milestones[path] = [t for t in titles if isinstance(t, str)]
        known = self._milestones[path]
        if title not in known:
            raise TrackerError(f"{path} has no milestone {title!r}{nearest(title, known)}")

    def _check_epic(self, path: str, project: dict[str, Any], epic: int) -> None:
        group = _group_of(project)
        if group is None:
            raise TrackerError(f"{path} belongs to no group: it has no epics")
        if group not in self._epics:
            try:
                listed = self.http.pages(
                    f"groups/{quote(group, safe='')}/epics", {"per_page": 100, "state": "all"}
                )
                self._epics[group] = [e for e in listed if isinstance(e, dict)]
            except NotFound:
                raise TrackerError(f"group {group} lists no epics (GitLab Premium)") from None
        epics = self._epics[group]
        if not any(e.get("id") == epic for e in epics):
            by_iid = [e for e in epics if e.get("iid") == epic]
            ids = [str(e.get("id")) for e in epics]
            hint = (
                f": epic &{epic} of {group} has the id {by_iid[0].get('id')}"
                if by_iid
                else nearest(str(epic), ids)
            )
            raise TrackerError(f"group {group} has no epic with the id {epic}{hint}")


def _group_of(project: dict[str, Any]) -> str | None:
    namespace = project.get("namespace")
    if isinstance(namespace, dict) and namespace.get("kind") == "group":
        full = namespace.get("full_path")
        return full if isinstance(full, str) else None
    return None


def _item(path: str, r: dict[str, Any], mr: bool) -> TrackerItem:
    iid = r.get("iid")
    ref = f"{path}!{iid}" if mr else f"{path}#{iid}"
    created = timestamp(r.get("created_at"), ref, "created_at")
    done: dt.datetime | None = None
    merged = False
    state = r.get("state")
    if mr and state == "merged":
        done, merged = timestamp(r.get("merged_at") or r.get("closed_at"), ref, "merged_at"), True
    elif state == "closed":
        done = timestamp(r.get("closed_at"), ref, "closed_at")
    url = r.get("web_url")
    return TrackerItem(
        ref, str(r.get("title") or ""), created, done, url if isinstance(url, str) else "", merged
    )
