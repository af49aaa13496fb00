"""Reading the strategy repo at git revisions, through the git command line."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from okrbsc.errors import OkrbscError
from okrbsc.strategy.repo import Repo


class GitError(OkrbscError):
    """git could not answer (not a repository, unknown revision, shallow clone): exit 2."""


# Settings given on git's command line win over every config file, so nothing a
# repo's .git/config or the user's config names is run (SPEC 12.1): no pager, no
# fsmonitor hook, no external diff or textconv, no signature verification (so no
# gpg.program), no hooks, no credential or ssh helper.
HARDENED = (
    "-c", "core.pager=cat",
    "-c", "core.fsmonitor=false",
    "-c", "core.hooksPath=/dev/null",
    "-c", "core.sshCommand=false",
    "-c", "credential.helper=",
    "-c", "diff.external=",
    "-c", "log.showSignature=false",
    "-c", "gpg.program=false",
    "-c", "gpg.ssh.program=false",
    "-c", "gpg.x509.program=false",
    "-c", "protocol.allow=never",
)  # fmt: skip


# What a fetch of a unit (SPEC 18.1) may use: https and ssh, and the local file
# transport only for a path or file:// URL okrbsc.yaml names; nothing else
# (ext::, fd::, git://, http:// are never allowed). Given after HARDENED, so the
# protocol-specific settings win over its protocol.allow=never.
def fetch_options(url: str, *, local: bool) -> tuple[str, ...]:
    opts = [
        "-c", "protocol.allow=never",
        "-c", "protocol.https.allow=always",
        "-c", "protocol.ssh.allow=always",
        "-c", "gc.auto=0",
        "-c", "fetch.recurseSubmodules=false",
        "-c", "submodule.recurse=false",
        "-c", "http.followRedirects=false",
    ]  # fmt: skip
    if local:
        opts += ["-c", "protocol.file.allow=always"]
    if url.startswith("ssh://") or ("://" not in url and not local):
        opts += ["-c", "core.sshCommand=ssh -o BatchMode=yes"]
    return tuple(opts)


_NO_PROMPT = {"GIT_PAGER": "cat", "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}


def git(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """The one way okrbsc runs git: hardened, quiet, never interactive."""
    env = {**os.environ, **_NO_PROMPT}
    for name in ("GIT_EXTERNAL_DIFF", "GIT_SSH", "GIT_SSH_COMMAND", "GIT_ASKPASS"):
        env.pop(name, None)
    try:
        proc = subprocess.run(
            ["git", "--no-pager", *HARDENED, *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            timeout=120,
            check=False,
            env=env,
        )
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(lines[-1] if lines else f"git {' '.join(args)} failed")
    return proc.stdout


@dataclass(frozen=True)
class Commit:
    sha: str
    author: str
    date: dt.date
    subject: str


@dataclass(frozen=True)
class GitRepo:
    top: Path  # the git work tree
    prefix: str  # the strategy root inside it, "" or "a/b/"

    @classmethod
    def of(cls, root: Path) -> GitRepo:
        try:
            top = Path(git(root, "rev-parse", "--show-toplevel").decode().strip())
        except GitError:
            raise GitError(f"{root} is not inside a git repository") from None
        rel = root.resolve().relative_to(top.resolve()).as_posix()
        return cls(top, "" if rel == "." else rel + "/")

    def commit(self, rev: str) -> str:
        try:
            out = git(self.top, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
            return out.decode().strip()
        except GitError:
            hint = ""
            if self.shallow():
                hint = " (this is a shallow clone: run `git fetch --unshallow`)"
            raise GitError(f"unknown revision {rev!r}{hint}") from None

    def shallow(self) -> bool:
        return git(self.top, "rev-parse", "--is-shallow-repository").decode().strip() == "true"

    def default_base(self) -> str:
        """The merge-base of HEAD with the default branch."""
        candidates = []
        with contextlib.suppress(GitError):
            origin = git(self.top, "symbolic-ref", "--quiet", "refs/remotes/origin/HEAD")
            candidates.append(origin.decode().strip())
        candidates += ["origin/main", "origin/master", "main", "master"]
        for branch in candidates:
            try:
                return git(self.top, "merge-base", "HEAD", branch).decode().strip()
            except GitError:
                continue
        raise GitError(self._no_base(candidates))

    def _no_base(self, tried: list[str]) -> str:
        """Which bases were tried, and how to name one (SPEC 14.6)."""
        try:
            self.commit("HEAD")
        except GitError:
            return (
                f"{self.top} has no commit yet, so there is nothing to compare with: "
                "commit the strategy first"
            )
        try:
            here = git(self.top, "symbolic-ref", "--quiet", "--short", "HEAD").decode().strip()
            where = f" (this is branch {here})"
        except GitError:
            where = ""
        names = [b.removeprefix("refs/remotes/") for b in tried]
        listed = ", ".join(names[:-1]) + " and " + names[-1]
        return (
            f"no default branch to compare with: tried {listed}, none exists here{where}; "
            "name the base: `okrbsc diff BASE`, e.g. `okrbsc diff HEAD` for the changes "
            "since the last commit"
        )

    def blobs_at(self, rev: str) -> dict[str, str]:
        """Every YAML file of the strategy root at ``rev``: root-relative path -> blob id."""
        sha = self.commit(rev)
        listing = git(self.top, "ls-tree", "-r", "-z", sha, "--", self.prefix or ".")
        blobs = {}
        for entry in listing.decode("utf-8", "surrogateescape").split("\0"):
            meta, _, name = entry.partition("\t")
            parts = meta.split()
            regular = parts[:1] in (["100644"], ["100755"])  # a committed link is never read
            if len(parts) == 3 and regular and name.endswith((".yaml", ".yml")):
                blobs[name[len(self.prefix) :]] = parts[2]
        return blobs

    def read_blobs(self, ids: list[str]) -> dict[str, bytes]:
        """The contents of these blobs, read in one `git cat-file --batch`."""
        if not ids:
            return {}
        out = git(self.top, "cat-file", "--batch", stdin="".join(f"{i}\n" for i in ids).encode())
        contents, pos = {}, 0
        for blob in ids:
            header_end = out.index(b"\n", pos)
            size = int(out[pos:header_end].split()[2])
            start = header_end + 1
            contents[blob] = out[start : start + size]
            pos = start + size + 1
        return contents

    def texts_at(self, rev: str) -> dict[str, bytes]:
        """Every YAML file of the strategy root at ``rev``, relative to the root."""
        blobs = self.blobs_at(rev)
        contents = self.read_blobs(list(dict.fromkeys(blobs.values())))
        return {name: contents[blob] for name, blob in blobs.items()}

    def repo_at(self, rev: str, root: Path, as_of: dt.date) -> Repo:
        repo = Repo.from_texts(root, self.texts_at(rev), as_of)
        repo.revision = self.commit(rev)
        return repo

    def walk(self) -> Iterator[tuple[Commit, dict[str, str]]]:
        """Each commit touching the strategy root, oldest first, with the root's YAML
        files after it (root-relative path -> blob id): one `git log --raw`.

        The walk follows first parents, so a branch merged in is one step (the
        merge commit) and the states never interleave two lines of work."""
        out = git(self.top, *LOG_RAW, "--", self.prefix or ".")
        tree: dict[str, str] = {}
        for chunk in out.decode("utf-8", "surrogateescape").split("\x1e")[1:]:
            header, _, raw = chunk.partition("\0")
            sha, author, date, subject = header.split("\x1f", 3)
            fields = raw.lstrip("\n").split("\0")
            for meta, path in zip(fields[0::2], fields[1::2], strict=False):
                self._apply(tree, meta, path)
            yield Commit(sha, author, dt.date.fromisoformat(date), subject), dict(tree)

    def _apply(self, tree: dict[str, str], meta: str, path: str) -> None:
        """One line of `git log --raw` applied to the root's tree (path -> blob id)."""
        parts = meta.strip().lstrip(":").split()
        name = path[len(self.prefix) :]
        if len(parts) != 5 or not path.startswith(self.prefix):
            return
        if not name.endswith((".yaml", ".yml")):
            return
        if parts[4].startswith("D") or parts[1] not in ("100644", "100755"):
            tree.pop(name, None)
        else:
            tree[name] = parts[3]


#: `git log` arguments for walk(): first parents, oldest first, raw changes, NUL-separated.
LOG_RAW = (
    "log",
    "--no-show-signature",
    "--no-ext-diff",
    "--no-textconv",
    "--first-parent",
    "-m",
    "--root",
    "--reverse",
    "--raw",
    "--no-renames",
    "--no-abbrev",
    "-z",
    "--date=short",
    "--format=%x1e%H%x1f%an%x1f%ad%x1f%s",
)


def first_parent_commits(
    repo: GitRepo, rev: str
) -> Iterator[tuple[str, dt.date, dict[str, bytes]]]:
    """Each first-parent commit after ``rev`` up to HEAD, oldest first: its sha, the
    calendar day of its author date in the author's recorded time zone, and the
    strategy root's YAML files at it (root-relative path -> bytes)."""
    base = repo.commit(rev)
    out = git(repo.top, "log", "--first-parent", "--reverse", "--format=%H %aI", f"{base}..HEAD")
    for line in out.decode("ascii", "replace").splitlines():
        sha, _, stamp = line.partition(" ")
        day = dt.date.fromisoformat(stamp.strip()[:10])  # the date as the author recorded it
        yield sha, day, repo.texts_at(sha)
