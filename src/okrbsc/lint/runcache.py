"""Whole-run lint results, kept for the run that changes nothing (pre-commit, watch mode).

The key hashes every byte lint's findings depend on: okrbsc's own source (every
module, so a new rule or a fixed one never meets an old result), PyYAML's and
pydantic's versions, the repo's root, the as-of date, the PATH arguments,
the bytes of okrbsc.yaml and of every data file its globs name (and why a file
was not read), all taken from one :class:`~okrbsc.lint.incremental.Snapshot`.
An entry holds the findings and counts as JSON with a checksum, in the user's
cache folder beside the read cache (`strategy.cache`), under the same rules:
never inside the repo, never code, and anything unexpected is a miss that
lints afresh (`lint.incremental`). `lint --since` (it also reads git) and
`lint --verbose` (it says what was read) are never cached.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from okrbsc.lint.engine import LintResult
from okrbsc.lint.incremental import (
    BadEntry,
    Snapshot,
    finding_in,
    finding_out,
    pack,
    program,
    unpack,
)
from okrbsc.lint.rules import _common
from okrbsc.strategy.repo import CONFIG_NAME

FORMAT = 2


@dataclass(frozen=True)
class RunKey:
    """Where the result of one lint run lives."""

    path: Path


def run_key(snap: Snapshot, day: dt.date, arguments: list[str]) -> RunKey:
    """The key of a lint run over the snapshot with these PATH arguments."""
    digest = hashlib.blake2b(program(), digest_size=32)
    digest.update(f"{FORMAT}\0".encode())
    today = _common.calendar_today().isoformat()  # C204 reads it
    for part in (str(snap.root), day.isoformat(), today, *arguments):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    # U701 (also a lock with no units configured) and the units read at their locks
    lock = snap.root / "units.lock"
    locked = lock.read_bytes() if lock.is_file() else b""
    for rel, raw in [(CONFIG_NAME, snap.config_raw), ("units.lock", locked), *snap.files]:
        body = raw if isinstance(raw, bytes) else repr(raw).encode()
        digest.update(f"{rel}\0{len(body)}\0".encode("utf-8", "surrogateescape") + body)
    key = digest.hexdigest()
    return RunKey(snap.reads.folder.parent / f"runs-v{FORMAT}" / key[:2] / f"{key[2:]}.json")


def load(key: RunKey) -> LintResult | None:
    try:
        return _result(unpack(key.path, FORMAT))
    except (OSError, ValueError, TypeError, KeyError, RecursionError, BadEntry):
        return None


def store(key: RunKey, result: LintResult) -> None:
    findings = [finding_out(f) for f in result.findings]
    pack(
        key.path,
        FORMAT,
        {"files": result.files, "unreadable": result.unreadable, "findings": findings},
    )


def _result(body: Any) -> LintResult:
    if type(body) is not dict or body.keys() != {"files", "unreadable", "findings"}:
        raise BadEntry
    files, unreadable, items = body["files"], body["unreadable"], body["findings"]
    if type(files) is not int or type(unreadable) is not int or type(items) is not list:
        raise BadEntry
    findings = [finding_in(item) for item in items]
    if findings != sorted(set(findings)):
        raise BadEntry  # the engine gives them sorted and unique
    return LintResult(findings, files, unreadable)
