"""The strategy repo: discovery, loading, and a whole-repo index for the rules.

``Repo.open`` finds the root, reads the config and every data file the globs
name, and indexes ids, references, teams, periods and the strategy map.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import math
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from okrbsc.errors import OkrbscError
from okrbsc.strategy.cache import ReadCache
from okrbsc.strategy.fastread import load_bytes
from okrbsc.strategy.loader import Loaded, Pos, PosDict, Problem, load_text
from okrbsc.strategy.models import (
    Config,
    Measure,
    Node,
    Objective,
    OkrFile,
    Perspective,
    Scorecard,
    ScorecardObjective,
    Sources,
    Team,
)
from okrbsc.strategy.paths import LOOP, is_link_loop
from okrbsc.strategy.periods import FiscalCalendar, Period
from okrbsc.strategy.validate import validate_as, validate_clean, validate_data

CONFIG_NAME = "okrbsc.yaml"


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Reading builds millions of small acyclic objects: cycle collection only slows it.

    What was read lives as long as the repo, so it is moved to the permanent
    generation (``gc.freeze``): the collector's next passes no longer walk
    millions of objects that cannot be garbage (2.3 s on a 1,000-team repo).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


class RepoError(OkrbscError):
    """The repo cannot be used at all (no root, unreadable config): exit 2."""


@dataclass(eq=False)
class SourceFile:
    """One file of the repo as read: its text, its model (if any) and its problems."""

    path: str  # relative to the root, "/" separators
    text: str
    model: Node | None
    problems: list[Problem]
    notes: list[Problem] = field(default_factory=list)  # the reader's warnings (E009)

    # Positions of the file's own models, looked for in this file only (`source_of`).

    def at(self, node: Node, key: str | None = None) -> Pos:
        return node.at(key, self.model)

    def key_at(self, node: Node, key: str, inner: object) -> Pos:
        return node.key_at(key, inner, self.model)

    def item_at(self, node: Node, key: str, index: int) -> Pos:
        return node.item_at(key, index, self.model)

    def origin(self, node: Node) -> PosDict | None:
        return node.origin(self.model)


@dataclass
class ParseCache:
    """Files already read, by content (and path): see `Repo.from_texts`."""

    configs: dict[bytes, tuple[SourceFile, Config]] = field(default_factory=dict)
    files: dict[tuple[str, bytes], SourceFile] = field(default_factory=dict)


@dataclass(eq=False)
class ScRef:
    """A scorecard objective in its file."""

    file: SourceFile
    objective: ScorecardObjective

    @property
    def id(self) -> str:
        return self.objective.id


@dataclass(eq=False)
class OkrRef:
    """An OKR objective in its file, with the file's team and period."""

    file: SourceFile
    doc: OkrFile
    objective: Objective

    @property
    def id(self) -> str:
        return self.objective.id

    @property
    def period(self) -> Period:
        return self.doc.period

    @property
    def team(self) -> str:
        return self.doc.team


Target = OkrRef | ScRef


def find_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` holding okrbsc.yaml."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise RepoError(
        f"no {CONFIG_NAME} found in {start} or any parent folder "
        "(run `okrbsc init` to create a strategy repo, or pass --repo DIR)"
    )


MIB = 1 << 20
DEFAULT_MAX_MIB = 8.0


def _mib(size: int) -> str:
    """Mebibytes to three significant digits, rounded up (never shown as the limit)."""
    mib = size / MIB
    scale = 10.0 ** (2 - math.floor(math.log10(mib))) if mib > 0 else 1.0
    return f"{math.ceil(mib * scale) / scale:g}"


def too_large(size: int, limit_mib: float) -> Problem | None:
    """E001 for a file over `lint.max_file_mib` (SPEC 12.1): it is not parsed."""
    if size <= limit_mib * MIB:
        return None
    return Problem("E001", f"too large: {_mib(size)} MiB, limit {limit_mib:g}", 1, 1)


def read_inside(root: Path, path: Path, limit_mib: float = DEFAULT_MAX_MIB) -> bytes | Problem:
    """The bytes of a file of the repo, or why it is not read (SPEC 12.1).

    The path is resolved first: a symlink whose target lies outside ``root`` is
    not followed, and anything but a regular file (a FIFO, a device, a folder)
    is not opened for reading (a FIFO is opened non-blocking, then refused)."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        if is_link_loop(path):
            return Problem("E001", f"cannot read file: {LOOP}: not read", 1, 1)
        return Problem("E001", "cannot read file: it does not exist (a broken link?)", 1, 1)
    if not real.is_relative_to(root):
        return Problem("E001", "points outside the repo: not read", 1, 1)
    try:
        fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        return Problem("E001", f"cannot read file: {exc.strerror}", 1, 1)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return Problem("E001", "not a regular file (a FIFO, device or folder): not read", 1, 1)
        large = too_large(info.st_size, limit_mib)
        if large is not None:
            return large
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read(int(limit_mib * MIB) + 1)
        return too_large(len(raw), limit_mib) or raw
    except OSError as exc:
        return Problem("E001", f"cannot read file: {exc.strerror}", 1, 1)
    finally:
        os.close(fd)


def read_file(
    root: Path, path: Path, limit_mib: float = DEFAULT_MAX_MIB, cache: ReadCache | None = None
) -> tuple[str, Loaded]:
    return path.relative_to(root).as_posix(), loaded_from(read_inside(root, path, limit_mib), cache)


def loaded_from(raw: bytes | Problem, cache: ReadCache | None = None) -> Loaded:
    """What the reader makes of a file's bytes (or of why they were not read)."""
    if isinstance(raw, Problem):
        return Loaded(None, [raw], "")
    return cache.load(raw) if cache is not None else load_bytes(raw)


def load_config(root: Path, cache: ReadCache | None = None) -> tuple[SourceFile, Config]:
    return config_from(*read_file(root, root / CONFIG_NAME, cache=cache))


def config_from(rel: str, loaded: Loaded) -> tuple[SourceFile, Config]:
    clean = _clean(rel, loaded, lambda data: validate_clean(data, Config))
    if clean is not None:
        assert isinstance(clean.model, Config)
        return clean, clean.model
    loaded = _positioned(loaded)
    problems = list(loaded.problems)
    config: Config | None = None
    if loaded.data is None and not problems:
        problems.append(Problem("E002", f"{CONFIG_NAME} is empty: it needs `organisation`", 1, 1))
    elif loaded.data is not None:
        config, found = validate_as(Config, loaded.data)
        problems.extend(_not_repeated(found, problems))
    source = _source_file(rel, loaded, config, problems)
    return source, config or Config(organisation="(unnamed)")


def load_data_file(
    root: Path, path: Path, limit_mib: float = DEFAULT_MAX_MIB, cache: ReadCache | None = None
) -> SourceFile:
    return data_from(*read_file(root, path, limit_mib, cache))


def data_from(rel: str, loaded: Loaded) -> SourceFile:
    clean = _clean(rel, loaded, validate_clean)
    if clean is not None:
        return clean
    loaded = _positioned(loaded)
    problems = list(loaded.problems)
    model: Node | None = None
    if not any(p.code == "E001" for p in problems):
        model, found = validate_data(loaded.data)
        problems.extend(_not_repeated(found, problems))
    return _source_file(rel, loaded, model, problems)


def _clean(rel: str, loaded: Loaded, validate: Callable[[Any], Node | None]) -> SourceFile | None:
    """The file read without positions, if it validates with no problem at all."""
    model = validate(loaded.data) if loaded.fast else None
    if model is None:
        return None
    Sources(model, loaded.text, None)  # positions, when asked, from reading the text again
    return SourceFile(rel, loaded.text, model, [], [])


def _positioned(loaded: Loaded) -> Loaded:
    """Read again with positions what was read without (it has something to report)."""
    return load_text(loaded.text) if loaded.fast else loaded


def _source_file(
    rel: str, loaded: Loaded, model: Node | None, problems: list[Problem]
) -> SourceFile:
    # (validation gave the model its Sources: the positioned data it was read from)
    return SourceFile(rel, loaded.text, model, problems, loaded.notes)


def _not_repeated(found: list[Problem], known: list[Problem]) -> list[Problem]:
    """Validation errors at a spot the reader already complained about add nothing."""
    spots = {(p.line, p.column) for p in known}
    return [p for p in found if (p.line, p.column) not in spots]


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A repo-relative glob (`**` spans folders) as a regex, for files not on disk."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out + r"\Z")


def matching(paths: list[str], patterns: list[str]) -> list[str]:
    """The paths some pattern matches, in pattern order then path order."""
    seen: dict[str, None] = {}
    for pattern in patterns:
        regex = glob_regex(pattern)
        for path in sorted(paths):
            if regex.match(path) and path != CONFIG_NAME:
                seen.setdefault(path, None)
    return list(seen)


def _passes(root: Path, path: Path, only: Callable[[bytes], bool], limit_mib: float) -> bool:
    raw = read_inside(root, path, limit_mib)
    return True if isinstance(raw, Problem) else only(raw)


def discover(root: Path, patterns: list[str]) -> list[Path]:
    """Every path a glob names that is not a folder (links and FIFOs included, to
    be refused by `read_inside` with a finding rather than skipped in silence)."""
    seen: dict[Path, None] = {}
    for pattern in patterns:
        for path in sorted(root.glob(pattern)):
            if path.name == CONFIG_NAME or (path.is_dir() and not path.is_symlink()):
                continue
            if path.is_symlink() and path.is_dir() and path.resolve().is_relative_to(root):
                continue  # a link to a folder inside the repo: its files are named by the glob
            seen.setdefault(path, None)
    return list(seen)


@dataclass(eq=False)
class Repo:
    root: Path
    config_file: SourceFile
    config: Config
    files: list[SourceFile]
    as_of: dt.date
    revision: str | None = None  # the commit a repo read from git stands for
    # SPEC 18.2: a group repo's units' parts of a rolled-up measure (set by the session)
    rollup_parts: Callable[[Measure, Period], list[Any]] | None = None

    @classmethod
    def open(
        cls,
        start: Path,
        as_of: dt.date,
        progress: Callable[[int, int], None] | None = None,
        only: Callable[[bytes], bool] | None = None,
        cached: bool = False,
    ) -> Repo:
        """Find the root from ``start`` and read everything; ``progress(done, total)``
        is called after each data file. With ``only``, a data file whose bytes it
        refuses is left out unread (an unreadable file is kept, to report). With
        ``cached``, what the reader made of a file is taken from (and kept in) the
        user's read cache (`strategy.cache`)."""
        root = find_root(start)
        cache = ReadCache.for_repo(root) if cached else None
        config_file, config = load_config(root, cache)
        sc_paths = discover(root, config.files.scorecard)
        okr_paths = discover(root, config.files.okrs)
        paths = list(dict.fromkeys([*sc_paths, *okr_paths]))
        limit = config.lint.max_file_mib
        files = []
        with no_gc():
            for done, path in enumerate(paths, start=1):
                if only is None or _passes(root, path, only, limit):
                    files.append(load_data_file(root, path, limit, cache))
                if progress is not None:
                    progress(done, len(paths))
        return cls(root, config_file, config, files, as_of)

    @classmethod
    def from_texts(
        cls, root: Path, texts: dict[str, bytes], as_of: dt.date, cache: ParseCache | None = None
    ) -> Repo:
        """A repo from file contents (repo-relative path -> bytes), e.g. at a git revision.

        With a ``cache``, a file already read with the same path and content is not
        read again (the states of a repo along its history share most files)."""
        if CONFIG_NAME not in texts:
            raise RepoError(f"no {CONFIG_NAME} at that revision")
        cache = cache if cache is not None else ParseCache()
        config_text = texts[CONFIG_NAME]
        if config_text not in cache.configs:
            cache.configs[config_text] = config_from(CONFIG_NAME, load_bytes(config_text))
        config_file, config = cache.configs[config_text]
        paths = list(texts)
        scorecard = matching(paths, config.files.scorecard)
        chosen = list(dict.fromkeys([*scorecard, *matching(paths, config.files.okrs)]))
        files = []
        with no_gc():
            for rel in chosen:
                key = (rel, texts[rel])
                if key not in cache.files:
                    large = too_large(len(texts[rel]), config.lint.max_file_mib)
                    loaded = Loaded(None, [large], "") if large else load_bytes(texts[rel])
                    cache.files[key] = data_from(rel, loaded)
                files.append(cache.files[key])
        return cls(root, config_file, config, files, as_of)

    # --- plain views -----------------------------------------------------------

    @property
    def all_files(self) -> list[SourceFile]:
        return [self.config_file, *self.files]

    @cached_property
    def scorecards(self) -> list[tuple[SourceFile, Scorecard]]:
        return [(f, f.model) for f in self.files if isinstance(f.model, Scorecard)]

    @property
    def has_scorecard(self) -> bool:
        """SPEC 10.1: some file of `files.scorecard` is a scorecard (one that does not
        load yet counts: its own error is the finding, not a missing scorecard)."""
        patterns = self.config.files.scorecard
        return bool(self.scorecards) or any(
            f.model is None and matching([f.path], patterns) for f in self.files
        )

    @cached_property
    def okr_files(self) -> list[tuple[SourceFile, OkrFile]]:
        return [(f, f.model) for f in self.files if isinstance(f.model, OkrFile)]

    @cached_property
    def perspectives(self) -> list[Perspective]:
        for _, card in self.scorecards:
            if card.perspectives is not None:
                return card.perspectives
        return Scorecard(kind="scorecard").perspective_list()

    @cached_property
    def perspective_rank(self) -> dict[str, int]:
        return {p.id: i for i, p in enumerate(self.perspectives)}

    @cached_property
    def teams(self) -> dict[str, Team]:
        out: dict[str, Team] = {}
        for team in self.config.teams:
            out.setdefault(team.id, team)
        return out

    @cached_property
    def calendar(self) -> FiscalCalendar:
        return FiscalCalendar(self.config.fiscal_year_start, self.config.fiscal_year_named_by)

    # --- scorecard index --------------------------------------------------------

    @cached_property
    def sc_objectives(self) -> dict[str, ScRef]:
        out: dict[str, ScRef] = {}
        for file, card in self.scorecards:
            for obj in card.objectives:
                out.setdefault(obj.id, ScRef(file, obj))
        return out

    @cached_property
    def measures(self) -> dict[str, tuple[ScRef, Measure]]:
        out: dict[str, tuple[ScRef, Measure]] = {}
        for ref in self.sc_objectives.values():
            for measure in ref.objective.measures:
                out.setdefault(measure.id, (ref, measure))
        return out

    # --- OKR index ---------------------------------------------------------------

    @cached_property
    def periods(self) -> dict[Period, list[OkrRef]]:
        """Every period with OKR files, in period order; objectives in file order."""
        out: dict[Period, list[OkrRef]] = {}
        for file, doc in self.okr_files:
            refs = out.setdefault(doc.period, [])
            refs.extend(OkrRef(file, doc, obj) for obj in doc.objectives)
        for _, doc in self.okr_files:  # a period whose files have no objective yet
            out.setdefault(doc.period, [])
        return dict(sorted(out.items()))

    @cached_property
    def _by_period_id(self) -> dict[Period, dict[str, OkrRef]]:
        out: dict[Period, dict[str, OkrRef]] = {}
        for period, refs in self.periods.items():
            ids = out.setdefault(period, {})
            for ref in refs:
                ids.setdefault(ref.id, ref)
        return out

    def okr_objective(self, period: Period, ident: str) -> OkrRef | None:
        return self._by_period_id.get(period, {}).get(ident)

    @cached_property
    def _kr_owner(self) -> dict[Period, dict[str, OkrRef]]:
        """Per period, each key result id (explicit or default) -> its objective."""
        out: dict[Period, dict[str, OkrRef]] = {}
        for period, refs in self.periods.items():
            ids = out.setdefault(period, {})
            for ref in refs:
                for index in range(len(ref.objective.key_results)):
                    ids.setdefault(ref.objective.kr_id(index), ref)
        return out

    def kr_objective(self, period: Period, ident: str) -> OkrRef | None:
        """The objective of ``period`` whose key result is ``ident`` (SPEC 10.5)."""
        return self._kr_owner.get(period, {}).get(ident)

    def resolve_alignment(self, ref: OkrRef, ident: str) -> Target | None:
        """What ``aligns_to: [ident]`` of ``ref`` names (SPEC 2.5), or None: an objective
        or a key result (SPEC 10.5: then its objective) of the same period, then of the
        half containing it (SPEC 15.4), then of the fiscal year's annual OKRs, then a
        scorecard objective.

        The answer depends on the period and the id alone, and is kept: several rules
        ask for every objective's alignments."""
        key = (ref.period, ident)
        memo = self._resolved
        if key not in memo:
            memo[key] = self._resolve(ref.period, ident)
        return memo[key]

    @cached_property
    def _resolved(self) -> dict[tuple[Period, str], Target | None]:
        return {}

    def _resolve(self, period: Period, ident: str) -> Target | None:
        periods = [period, *period.enclosing]  # a quarter: its half, then its year (15.4)
        for candidate in periods:
            found = self.okr_objective(candidate, ident) or self.kr_objective(candidate, ident)
            if found is not None:
                return found
        return self.sc_objectives.get(ident)

    def alignments(self, ref: OkrRef) -> list[Target]:
        """What the objective's aligns_to names, resolved once per objective (O109 and
        the reaches of perspectives_of and scorecard_reach each ask for all of them)."""
        objective = ref.objective
        kept = self._alignments.get(id(objective))
        if kept is None or kept[0] is not objective:  # kept with the objective: its id stays
            targets = (self.resolve_alignment(ref, ident) for ident in objective.aligns_to)
            kept = (objective, [t for t in targets if t is not None])
            self._alignments[id(objective)] = kept
        return list(kept[1])

    @cached_property
    def _alignments(self) -> dict[int, tuple[Objective, list[Target]]]:
        return {}

    def perspectives_of(self, ref: OkrRef) -> list[str]:
        """Perspective ids reached through aligns_to, in map order."""
        return self._perspectives_memo(ref)

    @cached_property
    def _reach_cache(self) -> dict[int, frozenset[str]]:
        return {}

    def _perspectives_memo(self, ref: OkrRef) -> list[str]:
        reached = self._reach(ref, set())
        rank = self.perspective_rank
        return sorted((p for p in reached if p in rank), key=rank.__getitem__)

    def _reach(self, ref: OkrRef, visiting: set[int]) -> frozenset[str]:
        key = id(ref.objective)
        cache = self._reach_cache
        if key in cache:
            return cache[key]
        if key in visiting:
            return frozenset()  # a cycle (O109 reports it); stop here
        visiting.add(key)
        out: set[str] = set()
        for target in self.alignments(ref):
            if isinstance(target, ScRef):
                out.add(target.objective.perspective)
            else:
                out |= self._reach(target, visiting)
        visiting.discard(key)
        result = frozenset(out)
        if not visiting:  # only whole answers are cached (none cut short by a cycle)
            cache[key] = result
        return result

    def scorecard_reach(self, ref: OkrRef) -> set[str]:
        """Ids of the scorecard objectives ``ref`` reaches through aligns_to."""
        return self._sc_reach(ref, set())

    def _sc_reach(self, ref: OkrRef, visiting: set[int]) -> set[str]:
        key = id(ref.objective)
        if key in visiting:
            return set()
        visiting.add(key)
        out: set[str] = set()
        for target in self.alignments(ref):
            if isinstance(target, ScRef):
                out.add(target.id)
            else:
                out |= self._sc_reach(target, visiting)
        return out

    def dependency_team(self, ref: OkrRef, ident: str) -> str | None:
        """The team a `depends_on` entry names: a team id, or an objective's team."""
        if ident in self.teams:
            return ident
        target = self.okr_objective(ref.period, ident)
        return target.team if target is not None else None

    def dependency_answered(self, ref: OkrRef, team: str) -> bool:
        """Does ``team`` have an objective aligned to ``ref`` or depending back on it?"""
        return any(
            any(self.resolve_alignment(other, i) is ref for i in other.objective.aligns_to)
            or ref.id in other.objective.depends_on
            or ref.team in other.objective.depends_on
            for other in self.periods.get(ref.period, [])
            if other.team == team
        )

    def key_results_named(self, ident: str) -> list[tuple[OkrRef, int]]:
        """Every (objective, KR index) whose KR id (explicit or default) is ``ident``."""
        return list(self._key_results_by_id.get(ident, ()))

    @cached_property
    def _key_results_by_id(self) -> dict[str, list[tuple[OkrRef, int]]]:
        """The KR index by id, built once: a pull of N rows looks each up in O(1)."""
        out: dict[str, list[tuple[OkrRef, int]]] = {}
        for refs in self.periods.values():
            for ref in refs:
                for index in range(len(ref.objective.key_results)):
                    out.setdefault(ref.objective.kr_id(index), []).append((ref, index))
        return out

    def quarters(self) -> list[Period]:
        return [p for p in self.periods if p.is_quarter]

    def running(self, period: Period) -> bool:
        return self.calendar.contains(period, self.as_of)
