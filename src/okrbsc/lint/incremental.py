"""Lint that reads again only the files that changed (pre-commit, watch mode, local CI).

A rule whose findings in a file depend on that file alone (with okrbsc.yaml
and the as-of date) says ``PER_FILE = True``. For every clean OKR file, an
entry keeps those findings and the file's skeleton: what the other rules read
of it (its team and period; its objectives' ids, ``aligns_to`` and
``depends_on``; its key results' ids and sources).

A run reads the bytes of every file. A file whose entry is intact stands in
with its skeleton (:class:`StandIn`) and its kept findings; every other file
is read and validated as in a cold run. The per-file rules run over the files
read, the other rules over the whole repo, stand-ins included. A position
asked of a stand-in (a finding another file's change causes in it) reads that
file then, and a skeleton that does not match its file throws the run away
for a cold one.

Entries are keyed by okrbsc's source, the bytes of okrbsc.yaml, the as-of
date, the calendar date (C204 reads it), the file's path and its bytes. They
live beside the other caches in the user's cache folder, never inside the
repo, as JSON with a checksum (never code); anything unexpected in one is a
miss.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import okrbsc
from okrbsc.errors import OkrbscError
from okrbsc.lint.engine import LintResult, findings_of, finish, severities
from okrbsc.lint.findings import Finding, Severity
from okrbsc.lint.rules import RULES, RULES_BY_KEY, _common
from okrbsc.strategy.cache import ReadCache, read_entry, write_entry
from okrbsc.strategy.loader import Pos, PosDict, Problem, decode
from okrbsc.strategy.models import Config, KeyResult, Node, Objective, OkrFile, Source
from okrbsc.strategy.periods import Period
from okrbsc.strategy.repo import (
    CONFIG_NAME,
    Repo,
    SourceFile,
    config_from,
    data_from,
    discover,
    find_root,
    loaded_from,
    no_gc,
    read_inside,
)

FORMAT = 2  # 2: a key result's source holds its tracker filter (SPEC 17)


@functools.cache
def program() -> bytes:
    """okrbsc's source and the versions of what reads for it: a cached result of any
    other okrbsc (a rule added, a rule fixed) never counts."""
    import pydantic
    import yaml

    digest = hashlib.blake2b(f"{yaml.__version__}\0{pydantic.VERSION}".encode())
    package = Path(okrbsc.__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.digest()


class BadEntry(Exception):
    """Not an entry this okrbsc writes: a miss."""


class Mismatch(Exception):
    """A stand-in's skeleton is not what its file reads as: the run starts again cold."""


# --- the repo's bytes, read once ----------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """The bytes of the repo's files: the run key and the lint both come from them, so
    a file changed while lint runs cannot be cached under the wrong key."""

    root: Path
    reads: ReadCache
    config_raw: bytes
    config_file: SourceFile
    config: Config
    files: list[tuple[str, bytes | Problem]]  # repo-relative path, bytes or why not read

    @property
    def known(self) -> set[str]:
        return {CONFIG_NAME, *(rel for rel, _ in self.files)}


def snapshot(start: Path) -> Snapshot | None:
    """The repo at ``start`` as bytes; None where there is no cache (or no repo, or an
    okrbsc.yaml that cannot be read: the cold path says why)."""
    try:
        root = find_root(start)
    except OkrbscError:
        return None
    reads = ReadCache.for_repo(root)
    if reads is None:
        return None
    config_raw = read_inside(root, root / CONFIG_NAME)
    if isinstance(config_raw, Problem):
        return None
    config_file, config = config_from(CONFIG_NAME, loaded_from(config_raw, reads))
    limit = config.lint.max_file_mib
    paths = dict.fromkeys(
        discover(root, config.files.scorecard) + discover(root, config.files.okrs)
    )
    files = [(p.relative_to(root).as_posix(), read_inside(root, p, limit)) for p in paths]
    return Snapshot(root, reads, config_raw, config_file, config, files)


# --- the run ------------------------------------------------------------------------


def run(
    snap: Snapshot,
    day: dt.date,
    only: list[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> LintResult:
    """Lint the snapshot, reading only the files without an intact entry."""
    try:
        return _run(snap, day, only, progress, kept=True)
    except Mismatch:
        return _run(snap, day, only, progress, kept=False)


#: rules whose findings in a file depend on that file alone (kept per file)
PER_FILE_RULES = [r for r in RULES if r.per_file]
#: the others, run over the whole repo (stand-ins included); never those that fetch
WHOLE_REPO_RULES = [r for r in RULES if not r.per_file and not r.fetches]


def _salt(snap: Snapshot, day: dt.date) -> Any:
    """What every per-file entry of this run is keyed by besides its file: okrbsc's own
    code, the entry format, as-of, today's date (C204 reads it) and okrbsc.yaml."""
    salt = hashlib.blake2b(program(), digest_size=32)
    today = _common.calendar_today().isoformat()
    salt.update(f"{FORMAT}\0{day.isoformat()}\0{today}\0{len(snap.config_raw)}\0".encode())
    salt.update(snap.config_raw)
    return salt


def _run(
    snap: Snapshot,
    day: dt.date,
    only: list[str] | None,
    progress: Callable[[int, int], None] | None,
    kept: bool,
) -> LintResult:
    salt = _salt(snap, day)
    folder = snap.reads.folder.parent / f"files-v{FORMAT}"
    files: list[SourceFile] = []
    found: list[Finding] = []  # the per-file findings of the stand-ins
    fresh: list[tuple[Path, str, dict[str, Any]]] = []  # entries to write, with skeletons
    with no_gc():
        for done, (rel, raw) in enumerate(snap.files, start=1):
            path = _entry_path(folder, salt, rel, raw) if isinstance(raw, bytes) else None
            entry = (
                _load(path, rel, raw, snap.reads)
                if kept and path and isinstance(raw, bytes)
                else None
            )
            if entry is not None:
                files.append(entry[0])
                found += entry[1]
            else:
                file = data_from(rel, loaded_from(raw, snap.reads))
                files.append(file)
                shape = skeleton(file) if path is not None else None
                if path is not None and shape is not None:
                    fresh.append((path, rel, shape))
            if progress is not None:
                progress(done, len(snap.files))
    repo = Repo(snap.root, snap.config_file, snap.config, files, day)
    read = [f for f in files if not isinstance(f, StandIn)]
    mini = Repo(snap.root, snap.config_file, snap.config, read, day)
    levels, findings = severities(repo)
    own = findings_of(mini, levels, PER_FILE_RULES)
    findings += own + found + findings_of(repo, levels, WHOLE_REPO_RULES)
    result = finish(repo, findings, only)
    by_path: dict[str, list[Finding]] = {}
    for f in own:
        by_path.setdefault(f.path, []).append(f)
    for path, rel, shape in fresh:
        findings_kept = [finding_out(f) for f in by_path.get(rel, [])]
        pack(path, FORMAT, {"path": rel, "skeleton": shape, "findings": findings_kept})
    return result


# --- a stand-in: the skeleton of a clean OKR file ---------------------------------------


@dataclass(eq=False)
class StandIn(SourceFile):
    """A clean OKR file unchanged since its entry was written; its model is the skeleton.

    A position asked of one of its models reads the file (once) and asks the model
    at the same place in it."""

    raw: bytes = b""
    reads: ReadCache | None = None
    entry: Path | None = None
    full: SourceFile | None = field(default=None, repr=False)

    def at(self, node: Node, key: str | None = None) -> Pos:
        file, real = self._real(node)
        return file.at(real, key)

    def key_at(self, node: Node, key: str, inner: object) -> Pos:
        file, real = self._real(node)
        return file.key_at(real, key, inner)

    def item_at(self, node: Node, key: str, index: int) -> Pos:
        file, real = self._real(node)
        return file.item_at(real, key, index)

    def origin(self, node: Node) -> PosDict | None:
        file, real = self._real(node)
        return file.origin(real)

    def _real(self, node: Node) -> tuple[SourceFile, Node]:
        assert isinstance(self.model, OkrFile)
        route = next((r for n, r in _walk(self.model) if n is node), None)
        if self.full is None:
            full = data_from(self.path, loaded_from(self.raw, self.reads))
            if skeleton(full) != _skeleton_of(self.model):
                self._drop()
                raise Mismatch(self.path)
            self.full = full
        assert isinstance(self.full.model, OkrFile)
        if route is None:
            return self.full, node  # not one of the skeleton's models: asked as it is
        return self.full, _follow(self.full.model, route)

    def _drop(self) -> None:
        if self.entry is not None:
            with contextlib.suppress(OSError):
                self.entry.unlink()


Route = tuple[int, ...]


def _walk(doc: OkrFile) -> Iterator[tuple[Node, Route]]:
    yield doc, ()
    for i, obj in enumerate(doc.objectives):
        yield obj, (i,)
        for j, kr in enumerate(obj.key_results):
            yield kr, (i, j)
            if kr.source is not None:
                yield kr.source, (i, j, 0)


def _follow(doc: OkrFile, route: Route) -> Node:
    node: Node = doc
    if len(route) > 0:
        node = doc.objectives[route[0]]
    if len(route) > 1:
        node = doc.objectives[route[0]].key_results[route[1]]
    if len(route) > 2:
        source = doc.objectives[route[0]].key_results[route[1]].source
        assert source is not None  # the skeletons matched
        node = source
    return node


def skeleton(file: SourceFile) -> dict[str, Any] | None:
    """What the rules that are not per-file read of a clean OKR file, as JSON data;
    None for any other file (it is always read)."""
    doc = file.model
    if not isinstance(doc, OkrFile) or file.problems:
        return None
    try:
        if Period.parse(str(doc.period)) != doc.period:
            return None
    except ValueError:
        return None
    return _skeleton_of(doc)


def _skeleton_of(doc: OkrFile) -> dict[str, Any]:
    objectives = [
        [
            obj.id,
            list(obj.aligns_to),
            list(obj.depends_on),
            [
                [kr.id, _source_skeleton(kr.source) if kr.source is not None else None]
                for kr in obj.key_results
            ],
        ]
        for obj in doc.objectives
    ]
    return {"team": doc.team, "period": str(doc.period), "objectives": objectives}


_TRACKER_FILTERS = ("repo", "project", "jql")


def _source_skeleton(source: Source) -> list[str | None]:
    """``[from, query, tracker filter]``: the filter is the key (repo, project, jql) set."""
    where = next((k for k in _TRACKER_FILTERS if getattr(source, k) is not None), None)
    return [source.from_, source.query, where]


def _model(body: Any) -> OkrFile:
    """The skeleton as models, every value checked: anything else is a miss."""
    if type(body) is not dict or body.keys() != {"team", "period", "objectives"}:
        raise BadEntry
    team, period, items = body["team"], body["period"], body["objectives"]
    if type(team) is not str or type(period) is not str or type(items) is not list:
        raise BadEntry
    objectives = []
    for item in items:
        if type(item) is not list or len(item) != 4:
            raise BadEntry
        ident, aligns, depends, krs = item
        if type(ident) is not str or not _names(aligns) or not _names(depends):
            raise BadEntry
        if type(krs) is not list:
            raise BadEntry
        key_results = [_key_result(kr) for kr in krs]
        objectives.append(
            Objective.bare(id=ident, aligns_to=aligns, depends_on=depends, key_results=key_results)
        )
    return OkrFile.bare(kind="okrs", team=team, period=Period.parse(period), objectives=objectives)


def _names(value: Any) -> bool:
    return type(value) is list and all(type(v) is str for v in value)


def _key_result(item: Any) -> KeyResult:
    if type(item) is not list or len(item) != 2:
        raise BadEntry
    ident, source = item
    if ident is not None and type(ident) is not str:
        raise BadEntry
    if source is None:
        return KeyResult.bare(id=ident)
    if type(source) is not list or len(source) != 3 or not _names(source[:1]):
        raise BadEntry
    if source[1] is not None and type(source[1]) is not str:  # None: a tracker's (SPEC 17)
        raise BadEntry
    if source[2] is not None and source[2] not in _TRACKER_FILTERS:
        raise BadEntry
    where = {source[2]: ""} if source[2] is not None else {}
    return KeyResult.bare(id=ident, source=Source.bare(from_=source[0], query=source[1], **where))


# --- entries ----------------------------------------------------------------------------


def _entry_path(folder: Path, salt: Any, rel: str, raw: bytes) -> Path:
    digest = salt.copy()
    digest.update(f"{rel}\0{len(raw)}\0".encode("utf-8", "surrogateescape"))
    digest.update(raw)
    key: str = digest.hexdigest()
    return folder / key[:2] / f"{key[2:]}.json"


def _load(
    path: Path, rel: str, raw: bytes, reads: ReadCache
) -> tuple[StandIn, list[Finding]] | None:
    try:
        body = unpack(path, FORMAT)
        if type(body) is not dict or body.keys() != {"path", "skeleton", "findings"}:
            raise BadEntry
        if body["path"] != rel or type(body["findings"]) is not list:
            raise BadEntry
        model = _model(body["skeleton"])
        findings = [finding_in(item, rel) for item in body["findings"]]
    except (OSError, ValueError, TypeError, KeyError, RecursionError, BadEntry):
        return None
    text, _ = decode(raw)
    return StandIn(rel, text or "", model, [], [], raw, reads, path), findings


def pack(path: Path, version: int, body: object) -> None:
    """Write an entry: a header line with the format and the payload's checksum, then
    the payload as ASCII JSON (a surrogate in a path round-trips). An unwritable cache
    folder is no error: the next run does the work again."""
    payload = json.dumps(body, separators=(",", ":")).encode()
    head = json.dumps({"okrbsc": version, "sum": _sum(payload)}).encode()
    with contextlib.suppress(OSError):
        write_entry(path, head + b"\n" + payload)


def unpack(path: Path, version: int) -> Any:
    """The payload of an entry `pack` wrote; BadEntry (or OSError, ValueError) if not."""
    head, sep, payload = read_entry(path).partition(b"\n")
    if not sep or json.loads(head) != {"okrbsc": version, "sum": _sum(payload)}:
        raise BadEntry
    return json.loads(payload)


def _sum(raw: bytes) -> str:
    return hashlib.blake2b(raw).hexdigest()


def finding_out(f: Finding) -> list[object]:
    """A finding as JSON data (`finding_in` reads it back)."""
    return [f.path, f.line, f.column, f.code, f.message, f.name, f.severity.value]


def finding_in(item: Any, path: str | None = None) -> Finding:
    """A finding from JSON data, every value checked (and its path, if given)."""
    if type(item) is not list or len(item) != 7:
        raise BadEntry
    where, line, column, code, message, name, severity = item
    rule = RULES_BY_KEY.get(code) if type(code) is str else None
    if rule is None or rule.code != code or name != rule.name or type(where) is not str:
        raise BadEntry
    if path is not None and where != path:
        raise BadEntry
    if type(line) is not int or type(column) is not int or line < 1 or column < 1:
        raise BadEntry
    if type(message) is not str or severity not in ("error", "warning"):
        raise BadEntry
    return Finding(where, line, column, code, message, name, Severity(severity))
