"""GitHub and GitHub Enterprise (SPEC 17): issues and pull requests of one repo.

* ``GET /repos/{owner}/{repo}/issues?state=all&milestone=N&labels=a,b&assignee=login&per_page=100``
  lists issues *and* pull requests (those carry a ``pull_request`` key); the
  filters run on GitHub's side. Issues keep the items without the key, pull
  requests those with it.
* A milestone is named by its title; its number comes from
  ``GET /repos/{owner}/{repo}/milestones?state=all`` (an unknown title is an error
  naming the nearest titles).
* A pull request's ``merged_at`` is read from ``pull_request.merged_at`` where
  GitHub gives it, else from ``GET /repos/{owner}/{repo}/pulls?state=closed``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from okrbsc.sources.trackers.count import TrackerItem, labels_text
from okrbsc.sources.trackers.http import Client, NotFound, TrackerError
from okrbsc.strategy.models import Source


def client(name: str, api_url: str, token: str, token_env: str) -> Client:
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
    }
    return Client(name, api_url, headers, [token], token_env)


class GitHub:
    def __init__(self, client: Client) -> None:
        self.http = client
        self._milestones: dict[str, list[dict[str, Any]]] = {}
        self._lists: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
        self._merged: dict[str, dict[int, str | None]] = {}

    def items(self, source: Source) -> tuple[list[TrackerItem], str]:
        """The matching items, and what the note says of where they came from."""
        assert source.repo is not None
        repo = source.repo
        base = f"repos/{quote(repo, safe='/')}"
        params: dict[str, Any] = {"state": "all", "per_page": 100}
        where = [repo]
        if source.milestone is not None:
            params["milestone"] = self._milestone(base, repo, source.milestone)
            where.append(f"milestone {source.milestone}")
        if source.labels:
            params["labels"] = ",".join(source.labels)
            where.append(labels_text(source.labels))
        if source.assignee is not None:
            params["assignee"] = source.assignee
            where.append(f"assignee {source.assignee}")
        rows = self._list(base, repo, params)
        pulls = source.items == "pull_requests"
        chosen = [r for r in rows if isinstance(r, dict) and ("pull_request" in r) == pulls]
        merged = self._merged_at(base, repo, chosen) if pulls else {}
        return [self._item(repo, r, pulls, merged) for r in chosen], " ".join(where)

    def _list(self, base: str, repo: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        key = (base, *sorted(params.items()))
        if key not in self._lists:
            try:
                self._lists[key] = list(self.http.pages(f"{base}/issues", params))
            except NotFound:
                raise TrackerError(self._no_repo(repo)) from None
        return self._lists[key]

    def _milestone(self, base: str, repo: str, title: str) -> int:
        if base not in self._milestones:
            try:
                listed = self.http.pages(f"{base}/milestones", {"state": "all", "per_page": 100})
                self._milestones[base] = [m for m in listed if isinstance(m, dict)]
            except NotFound:
                raise TrackerError(self._no_repo(repo)) from None
        found = self._milestones[base]
        for m in found:
            if m.get("title") == title and isinstance(m.get("number"), int):
                number: int = m["number"]
                return number
        titles = [str(m.get("title")) for m in found if m.get("title") is not None]
        raise TrackerError(f"{repo} has no milestone {title!r}{nearest(title, titles)}")

    def _no_repo(self, repo: str) -> str:
        owner = repo.split("/", 1)[0]
        names: list[str] = []
        try:
            listed = self.http.get(f"users/{quote(owner)}/repos", {"per_page": 100})
            if isinstance(listed.body, list):
                names = [
                    f"{owner}/{r['name']}"
                    for r in listed.body
                    if isinstance(r, dict) and isinstance(r.get("name"), str)
                ]
        except TrackerError:
            pass
        return f"no repo {repo} (or the token cannot see it){nearest(repo, names)}"

    def _merged_at(self, base: str, repo: str, rows: list[dict[str, Any]]) -> dict[int, str | None]:
        """``merged_at`` of each closed pull request: from the issue list where given,
        else from the closed pulls (GitHub Enterprise before 3.7 lacks it there)."""
        out: dict[int, str | None] = {}
        missing = False
        for r in rows:
            pr = r.get("pull_request")
            if isinstance(pr, dict) and "merged_at" in pr:
                out[r.get("number", 0)] = pr["merged_at"]
            elif r.get("state") == "closed":
                missing = True
        if missing:
            if base not in self._merged:
                listed = self.http.pages(f"{base}/pulls", {"state": "closed", "per_page": 100})
                self._merged[base] = {
                    p["number"]: p.get("merged_at")
                    for p in listed
                    if isinstance(p, dict) and isinstance(p.get("number"), int)
                }
            for number, at in self._merged[base].items():
                out.setdefault(number, at)
        return out

    @staticmethod
    def _item(
        repo: str, r: dict[str, Any], pull: bool, merged: dict[int, str | None]
    ) -> TrackerItem:
        number = r.get("number")
        ref = f"{repo}#{number}"
        created = timestamp(r.get("created_at"), ref, "created_at")
        done: dt.datetime | None = None
        is_merged = False
        if r.get("state") == "closed":
            merged_at = merged.get(number) if pull and isinstance(number, int) else None
            if merged_at:
                done, is_merged = timestamp(merged_at, ref, "merged_at"), True
            else:
                done = timestamp(r.get("closed_at"), ref, "closed_at")
        url = r.get("html_url")
        return TrackerItem(
            ref,
            str(r.get("title") or ""),
            created,
            done,
            url if isinstance(url, str) else "",
            is_merged,
        )


def timestamp(value: Any, ref: str, what: str) -> dt.datetime:
    """An ISO 8601 time as the trackers write it (``Z``, ``+00:00``, Jira's ``+0000``)."""
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
    raise TrackerError(f"{ref}: {what} {shown} is not a time")


def nearest(name: str, names: list[str]) -> str:
    """``; nearest: v2.0, v2.1`` (up to three close names), or the known names when few."""
    import difflib

    names = sorted(set(names))
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    if close:
        return f"; nearest: {', '.join(close)}"
    if names and len(names) <= 5:
        return f"; it has: {', '.join(names)}"
    return ""
