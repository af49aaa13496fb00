"""Whole-run lint results, kept for the run that changes nothing (pre-commit, watch mode).

The key hashes every byte lint's findings depend on: okrbsc's own source (every
module, so a new rule or a fixed one never meets an old result), PyYAML's and
pydantic's versions, the repo's root, the as-of date, the PATH arguments,
the bytes of okrbsc.yaml and of every data file its globs name (and why a file
was not read). An entry holds the findings and counts as JSON with a checksum,
in the user's cache folder beside the read cache (`strategy.cache`), under the
same rules: never inside the repo, never code, and anything unexpected is a
miss that runs the rules afresh. `lint --since` (it also reads git) and
`lint --verbose` (it says what was read) are never cached.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import okrbsc
from okrbsc.errors import OkrbscError
from okrbsc.lint.engine import LintResult
from okrbsc.lint.findings import Finding, Severity
from okrbsc.lint.rules import RULES_BY_KEY
from okrbsc.strategy.cache import ReadCache, read_entry, write_entry
from okrbsc.strategy.repo import CONFIG_NAME, discover, find_root, load_config, read_inside

FORMAT = 1


class _Bad(Exception):
    """Not an entry this okrbsc writes: a miss."""


@functools.cache
def program() -> bytes:
    """okrbsc's source and the versions of what reads for it."""
    import pydantic
    import yaml

    digest = hashlib.blake2b(f"{FORMAT}\0{yaml.__version__}\0{pydantic.VERSION}".encode())
    for path in sorted(Path(okrbsc.__file__).parent.rglob("*.py")):
        digest.update(path.relative_to(Path(okrbsc.__file__).parent).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.digest()


@dataclass(frozen=True)
class RunKey:
    """Where the result of one lint run lives, and the data files it covers."""

    root: Path
    path: Path
    known: frozenset[str]


def run_key(start: Path, day: dt.date, arguments: list[str]) -> RunKey | None:
    """The key of a lint run over the repo at ``start``; None when there is no cache."""
    try:
        root = find_root(start)
    except OkrbscError:
        return None  # the cold path says why
    reads = ReadCache.for_repo(root)
    if reads is None:
        return None
    _, config = load_config(root, reads)
    limit = config.lint.max_file_mib
    paths = discover(root, config.files.scorecard) + discover(root, config.files.okrs)
    digest = hashlib.blake2b(program(), digest_size=32)
    for part in (str(root), day.isoformat(), *arguments):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    known = []
    for path in [root / CONFIG_NAME, *dict.fromkeys(paths)]:
        raw = read_inside(root, path, limit)
        rel = path.relative_to(root).as_posix()
        known.append(rel)
        body = raw if isinstance(raw, bytes) else repr(raw).encode()
        digest.update(f"{rel}\0{len(body)}\0".encode("utf-8", "surrogateescape") + body)
    key = digest.hexdigest()
    folder = reads.folder.parent / f"runs-v{FORMAT}" / key[:2]
    return RunKey(root, folder / f"{key[2:]}.json", frozenset(known[1:]))


def load(key: RunKey) -> LintResult | None:
    try:
        entry = read_entry(key.path)
        head, sep, raw = entry.partition(b"\n")
        if not sep or json.loads(head) != {"okrbsc": FORMAT, "sum": _sum(raw)}:
            raise _Bad
        return _result(json.loads(raw))
    except (OSError, ValueError, TypeError, KeyError, RecursionError, _Bad):
        return None


def store(key: RunKey, result: LintResult) -> None:
    findings = [
        [f.path, f.line, f.column, f.code, f.message, f.name, f.severity.value]
        for f in result.findings
    ]
    body = {"files": result.files, "unreadable": result.unreadable, "findings": findings}
    raw = json.dumps(body, separators=(",", ":")).encode()  # ASCII: a surrogate path round-trips
    head = json.dumps({"okrbsc": FORMAT, "sum": _sum(raw)}).encode()
    with contextlib.suppress(OSError):  # an unwritable cache folder: the next run lints afresh
        write_entry(key.path, head + b"\n" + raw)


def _sum(raw: bytes) -> str:
    return hashlib.blake2b(raw).hexdigest()


def _result(body: Any) -> LintResult:
    if type(body) is not dict or body.keys() != {"files", "unreadable", "findings"}:
        raise _Bad
    files, unreadable, items = body["files"], body["unreadable"], body["findings"]
    if type(files) is not int or type(unreadable) is not int or type(items) is not list:
        raise _Bad
    findings = [_finding(item) for item in items]
    if findings != sorted(set(findings)):
        raise _Bad  # the engine gives them sorted and unique
    return LintResult(findings, files, unreadable)


def _finding(item: Any) -> Finding:
    if type(item) is not list or len(item) != 7:
        raise _Bad
    path, line, column, code, message, name, severity = item
    rule = RULES_BY_KEY.get(code) if type(code) is str else None
    if rule is None or rule.code != code or name != rule.name or type(path) is not str:
        raise _Bad
    if type(line) is not int or type(column) is not int or line < 1 or column < 1:
        raise _Bad
    if type(message) is not str or severity not in ("error", "warning"):
        raise _Bad
    return Finding(path, line, column, code, message, name, Severity(severity))
