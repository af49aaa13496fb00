"""A command's session: the repo opened once, as of one day, and what every command asks of it.

Opening the repo (with a progress bar when reading takes a while), refusing a
repo whose files do not load, choosing the period a command names (SPEC 2.2),
scoring it once, and the strategy at a git revision. Everything here raises
:class:`~okrbsc.errors.OkrbscError`; the CLI reports it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from okrbsc.errors import DataError, UsageError

if TYPE_CHECKING:
    from okrbsc.scoring.engine import PeriodScore
    from okrbsc.strategy.periods import Period
    from okrbsc.strategy.repo import Repo


def parse_date(value: str | None, option: str = "--as-of") -> dt.date | None:
    """A YYYY-MM-DD from the command line, or None when not given."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} {value!r} is not a date: write YYYY-MM-DD") from None


def parse_period(text: str, option: str = "period") -> Period:
    """A period written on the command line (2026-Q3, 2026); a usage error otherwise."""
    from okrbsc.strategy.periods import Period

    try:
        return Period.parse(text)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def today(as_of: str | None) -> dt.date:
    return parse_date(as_of) or dt.date.today()


def check_folder(repo: Path | None) -> None:
    from okrbsc.strategy.paths import LOOP, is_link_loop

    if repo is not None and not repo.is_dir():
        raise UsageError(f"--repo {repo}: {LOOP if is_link_loop(repo) else 'no such folder'}")


@dataclass
class Session:
    """The options every command shares, and the repo they open."""

    repo_dir: Path | None
    as_of: str | None
    quiet: bool = False
    verbose: bool = False
    cache: bool = True  # the user's read cache (strategy.cache); --no-cache turns it off
    _opened: Repo | None = field(default=None, repr=False)

    @property
    def day(self) -> dt.date:
        return today(self.as_of)

    @property
    def repo(self) -> Repo:
        if self._opened is None:
            self._opened = open_repo(
                self.repo_dir, self.day, quiet=self.quiet, verbose=self.verbose, cache=self.cache
            )
        return self._opened

    def readable_repo(self) -> Repo:
        """The repo, refused (exit 1) when one of its files does not load."""
        refuse_unreadable(self.repo)
        return self.repo

    def scored(self, period: str | None, team: str | None = None) -> PeriodScore:
        return scored(self.repo, period, team)

    def output_folder(self, out: Path | None) -> Path:
        """``--out`` as given, else the repo root's reports/ (SPEC 12.3)."""
        return out if out is not None else default_output(self.repo.root)


DEFAULT_OUTPUT = "reports"


def default_output(root: Path, name: str | None = None) -> Path:
    """The repo root's reports/ (or ``name`` in it), wherever okrbsc runs; refused
    (exit 2) unless it resolves inside the repo: a `reports` link out of it, or one
    of the file or folder written in it, is not followed."""
    from okrbsc.strategy.paths import LOOP, is_link_loop

    root = root.resolve()
    folder = root / DEFAULT_OUTPUT
    for path in (folder, folder / name) if name else (folder,):
        if is_link_loop(path):
            raise UsageError(f"{path} is {LOOP}: refused, nothing was written")
        real = path.resolve()
        if not real.is_relative_to(root):
            raise UsageError(
                f"{path} is a link to {real}, outside the repo: refused, nothing was "
                "written; remove the link, or pass --out to write there"
            )
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is not a folder: refused, nothing was written; pass --out")
    return folder / name if name else folder


def shown(path: Path) -> Path:
    """A path as a message shows it: relative to the working folder when under it."""
    with contextlib.suppress(OSError, ValueError):
        return path.relative_to(Path.cwd().resolve())
    return path


def open_repo(
    repo: Path | None,
    day: dt.date,
    *,
    quiet: bool = False,
    verbose: bool = False,
    cache: bool = True,
) -> Repo:
    from okrbsc.strategy.repo import Repo

    check_folder(repo)
    start = repo if repo is not None else Path.cwd()
    began = time.perf_counter()
    with reading_progress(quiet) as progress:
        opened = Repo.open(start, day, progress, cached=cache)
    if opened.config.units:  # SPEC 18: a group reads its units at their locks, when scored
        from okrbsc.units.rollup import attach

        attach(opened)
    if verbose:
        took = time.perf_counter() - began
        periods = ", ".join(str(p) for p in opened.periods) or "none"
        from okrbsc.render.text import visible

        sys.stderr.write(
            visible(
                f"okrbsc: {opened.root}: read {len(opened.all_files)} files in {took:.2f} s "
                f"(as of {day}; periods with OKRs: {periods})"
            )
            + "\n"
        )
    return opened


def reading_progress(quiet: bool) -> contextlib.AbstractContextManager[_Progress | None]:
    """A progress bar for reading the repo (None when quiet or stderr is no terminal)."""
    if quiet or not sys.stderr.isatty():
        return contextlib.nullcontext()
    return _Progress()


class _Progress:
    """A rich progress bar on stderr, shown only once reading takes a while."""

    def __init__(self) -> None:
        self._started = time.monotonic()
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> _Progress:
        return self

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            if time.monotonic() - self._started < 0.5:
                return
            from rich.console import Console
            from rich.progress import Progress

            self._bar = Progress(console=Console(stderr=True), transient=True)
            self._bar.start()
            self._task = self._bar.add_task("Reading the strategy repo", total=total)
        self._bar.update(self._task, completed=done)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


def refuse_unreadable(repo: Repo) -> None:
    """Scores of files that do not load would be wrong: exit 1 and say where."""
    problems = [p.at(f.path) for f in repo.all_files for p in f.problems]
    if problems:
        more = [f"... and {len(problems) - 10} more"] if len(problems) > 10 else []
        raise DataError(
            "the repo has errors, so it cannot be scored (run okrbsc lint):",
            details=problems[:10] + more,
        )


def resolve_period(repo: Repo, text: str | None) -> Period:
    """SPEC 2.2, 10.1 and 15.4: `2026-Q3`, `2026-H1`, `2026`, a bare `Q3` or `H2`, or
    (None) the shortest period with OKR files that contains as-of, else the latest
    with OKR files that started before it, else the quarter containing as-of. A
    period without OKR files is accepted when the repo has a scorecard."""
    from okrbsc.strategy.periods import bare_half, bare_quarter

    started = [p for p in repo.periods if repo.calendar.start(p) <= repo.as_of]
    if text is None:
        return _usable(repo, default_period(repo, started))
    quarter, half = bare_quarter(text), bare_half(text)
    if quarter is not None or half is not None:
        name = f"Q{quarter}" if quarter is not None else f"H{half}"
        matches = [p for p in started if _named(p, quarter, half)]
        if matches:
            return max(matches, key=repo.calendar.start)
        if not repo.has_scorecard:
            raise UsageError(f"no {name} with OKR files starts on or before {repo.as_of}")
        return _latest_calendar(repo, quarter, half)
    return _usable(repo, parse_period(text))


def default_period(repo: Repo, started: list[Period]) -> Period:
    """SPEC 15.4: the shortest period with OKR files containing as-of; else the latest
    with OKR files that started before it (of two starting the same day, the shorter);
    else (10.1) the quarter containing as-of."""
    cal = repo.calendar
    running = cal.shortest_containing(repo.as_of, started)
    if running is not None:
        return running
    if started:
        return max(started, key=lambda p: (cal.start(p), -cal.days(p)))
    return cal.quarter_of(repo.as_of)


def _named(period: Period, quarter: int | None, half: int | None) -> bool:
    """Whether ``period`` is a Qn (``quarter``) or an Hn (``half``) of some year."""
    if quarter is not None:
        return period.quarter == quarter
    return period.half == half


def _usable(repo: Repo, period: Period) -> Period:
    """A period with OKR files, or any period of a repo with a scorecard (SPEC 10.1)."""
    if period in repo.periods or repo.has_scorecard:
        return period
    have = ", ".join(str(p) for p in repo.periods) or "none"
    raise UsageError(
        f"no OKR files for {period} and no scorecard in the repo (periods with OKRs: {have})"
    )


def _latest_calendar(repo: Repo, quarter: int | None, half: int | None) -> Period:
    """The latest Qn (or Hn) of the fiscal calendar that starts on or before as-of."""
    from okrbsc.strategy.periods import Period

    year = repo.calendar.year_of(repo.as_of)
    chosen = Period(year.year, quarter, None if quarter is not None else half)
    if repo.calendar.start(chosen) > repo.as_of:
        chosen = Period(year.year - 1, chosen.quarter, chosen.half)
    return chosen


def scored(repo: Repo, period: str | None, team: str | None) -> PeriodScore:
    """Score the period a command names, refusing unreadable repos and unknown teams."""
    from okrbsc.scoring.engine import score_period

    refuse_unreadable(repo)
    chosen = resolve_period(repo, period)
    if team is not None and not any(r.team == team for r in repo.periods.get(chosen, [])):
        from okrbsc.strategy.validate import nearest

        teams = sorted({r.team for r in repo.periods.get(chosen, [])})
        listed = f" (teams with OKRs in {chosen}: {', '.join(teams)})" if teams else ""
        raise UsageError(f"team {team!r} has no OKRs in {chosen}{nearest(team, teams) or listed}")
    result = score_period(repo, chosen, team)
    if repo.config.units:
        import dataclasses

        from okrbsc.units.rollup import unit_scores

        result = dataclasses.replace(result, units=unit_scores(repo, chosen))
    return result


def repo_at_revision(repo: Repo, rev: str) -> Repo:
    """The strategy as it was at a git revision (a usage error when git cannot say)."""
    from okrbsc.history.git import GitRepo

    return GitRepo.of(repo.root).repo_at(rev, repo.root, repo.as_of)


def review_quarter(repo: Repo, text: str) -> Period:
    """SPEC 9.1 and 15.5: the period `okrbsc review` names: `2026-Q3`, `2026-H1`, `2026`,
    or a bare `Q3` or `H2` (the latest such period with OKR files or actuals that starts
    on or before as-of). A period is a usage error only when neither it nor a longer
    cycle running during it has OKR files and no actual falls in it."""
    from okrbsc.strategy.periods import bare_half, bare_quarter

    quarter, half = bare_quarter(text), bare_half(text)
    if quarter is not None or half is not None:
        name = f"Q{quarter}" if quarter is not None else f"H{half}"
        known = set(repo.periods) | _periods_with_actuals(repo)
        matches = [
            p
            for p in known
            if _named(p, quarter, half)
            and repo.calendar.start(p) <= repo.as_of
            and _reviewable(repo, p)
        ]
        if not matches:
            raise UsageError(
                f"no {name} with OKR files or actuals starts on or before {repo.as_of}"
            )
        return max(matches, key=repo.calendar.start)
    period = parse_period(text)
    if not _reviewable(repo, period):
        have = ", ".join(str(p) for p in repo.periods) or "none"
        raise UsageError(
            f"nothing to review in {period}: no OKR files and no scorecard actual for it "
            f"(periods with OKRs: {have})"
        )
    return period


def _reviewable(repo: Repo, period: Period) -> bool:
    """OKR files of the period or of a longer cycle running during it, or an actual
    whose period ends inside it."""
    if any(repo.periods.get(p) for p in (period, *period.enclosing)):
        return True
    start, end = repo.calendar.bounds(period)
    return any(start <= day <= end for day in _actual_ends(repo))


def _actual_ends(repo: Repo) -> set[dt.date]:
    """The last days of the periods the scorecard's actuals are keyed at."""
    from okrbsc.strategy.periods import Period

    out: set[dt.date] = set()
    for _, measure in repo.measures.values():
        for key in measure.actuals:
            try:
                out.add(repo.calendar.end(Period.parse(key)))
            except ValueError:
                continue
    return out


def _periods_with_actuals(repo: Repo) -> set[Period]:
    """The quarters and halves in which an actual's period ends."""
    days = _actual_ends(repo)
    return {repo.calendar.quarter_of(d) for d in days} | {repo.calendar.half_of(d) for d in days}
