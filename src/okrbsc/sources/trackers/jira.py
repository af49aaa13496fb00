"""Jira Cloud and Data Center (SPEC 17): the issues a JQL query finds.

* Cloud (a host ending in ``.atlassian.net``, or one whose
  ``/rest/api/2/serverInfo`` says ``deploymentType: Cloud``): ``POST /rest/api/3/search/jql``
  ``{jql, fields, maxResults, nextPageToken}``, pages until no
  ``nextPageToken`` (or ``isLast``); basic auth with the e-mail and API token.
* Data Center (any other host): ``POST /rest/api/2/search``
  ``{jql, fields, startAt, maxResults}``, pages until ``startAt`` reaches
  ``total``; a personal access token as ``Bearer`` (basic auth when an
  e-mail variable is given).
* An issue is done when its status category is Done (``statusCategory.key``
  ``done``), at its ``resolutiondate``.
* A JQL error is Jira's own message at the item; a project the JQL names that
  Jira does not know gets the nearest project keys.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

from okrbsc.sources.trackers.count import TrackerItem
from okrbsc.sources.trackers.github import nearest, timestamp
from okrbsc.sources.trackers.http import (
    MAX_ITEMS,
    Client,
    ConnectionFailed,
    NotFound,
    TrackerError,
)

_FIELDS = ["summary", "status", "created", "resolutiondate", "statuscategorychangedate"]
_PAGE = 100
_UNKNOWN_PROJECT = re.compile(r"value '([^']+)' does not exist for the field 'project'", re.I)


def is_cloud(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host.endswith(".atlassian.net")


def client(name: str, url: str, email: str | None, token: str, token_env: str) -> Client:
    secrets = [token]
    if email is not None:
        pair = base64.b64encode(f"{email}:{token}".encode()).decode("ascii")
        auth = f"Basic {pair}"
        secrets += [pair, email]
    else:
        auth = f"Bearer {token}"
    return Client(name, url, {"Authorization": auth}, secrets, token_env)


class Jira:
    def __init__(self, client: Client, url: str) -> None:
        self.http = client
        self.base = url.rstrip("/")
        self._cloud: bool | None = True if is_cloud(url) else None
        self._projects: list[str] | None = None

    @property
    def cloud(self) -> bool:
        """``*.atlassian.net``, or a host whose serverInfo says ``deploymentType: Cloud``."""
        if self._cloud is None:
            try:
                info = self.http.get("rest/api/2/serverInfo").body
            except NotFound:
                info = None
            self._cloud = isinstance(info, dict) and info.get("deploymentType") == "Cloud"
        return self._cloud

    def items(self, jql: str) -> tuple[list[TrackerItem], str]:
        try:
            rows = self._search(jql)
        except NotFound:
            raise TrackerError(f"{self.http.name}: {self.base} has no Jira search API") from None
        except ConnectionFailed:
            raise
        except TrackerError as exc:
            raise TrackerError(self._explain(str(exc))) from None
        where = "jira: " + " ".join(jql.split())
        return [self._item(r) for r in rows], where

    def _search(self, jql: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        if self.cloud:
            token: str | None = None
            seen: set[str] = set()
            while True:
                body: dict[str, Any] = {"jql": jql, "fields": _FIELDS, "maxResults": _PAGE}
                if token is not None:
                    body["nextPageToken"] = token
                page = self.http.post("rest/api/3/search/jql", body).body
                out += _issues(page)
                token = page.get("nextPageToken") if isinstance(page, dict) else None
                if not token or page.get("isLast") is True or token in seen:
                    return out
                seen.add(token)
                _bounded(out)
        start = 0
        while True:
            body = {"jql": jql, "fields": _FIELDS, "startAt": start, "maxResults": _PAGE}
            page = self.http.post("rest/api/2/search", body).body
            issues = _issues(page)
            out += issues
            total = page.get("total") if isinstance(page, dict) else None
            start += len(issues)
            if not issues or not isinstance(total, int) or start >= total:
                return out
            _bounded(out)

    def _explain(self, message: str) -> str:
        match = _UNKNOWN_PROJECT.search(message)
        if match is None:
            return message
        if self._projects is None:
            try:
                listed = self.http.get("rest/api/2/project").body
                self._projects = [
                    p["key"]
                    for p in listed
                    if isinstance(p, dict) and isinstance(p.get("key"), str)
                ]
            except TrackerError:
                self._projects = []
        return f"Jira has no project {match.group(1)!r}{nearest(match.group(1), self._projects)}"

    def _item(self, r: dict[str, Any]) -> TrackerItem:
        key = str(r.get("key"))
        fields = r.get("fields") if isinstance(r.get("fields"), dict) else {}
        assert isinstance(fields, dict)
        created = timestamp(fields.get("created"), key, "created")
        status = fields.get("status") if isinstance(fields.get("status"), dict) else {}
        assert isinstance(status, dict)
        category = status.get("statusCategory")
        done_now = isinstance(category, dict) and category.get("key") == "done"
        done: dt.datetime | None = None
        if done_now:
            # done at its resolution; an issue moved to Done without one, when it moved
            for name in ("resolutiondate", "statuscategorychangedate"):
                if fields.get(name):
                    done = timestamp(fields[name], key, name)
                    break
            else:
                done = created
        return TrackerItem(
            key, str(fields.get("summary") or ""), created, done, f"{self.base}/browse/{key}"
        )


def _issues(page: Any) -> list[dict[str, Any]]:
    if not isinstance(page, dict) or not isinstance(page.get("issues"), list):
        raise TrackerError("Jira's search answered without a list of issues")
    return [i for i in page["issues"] if isinstance(i, dict)]


def _bounded(out: list[dict[str, Any]]) -> None:
    if len(out) > MAX_ITEMS:
        raise TrackerError(f"more than {MAX_ITEMS:,} issues: narrow the JQL")
