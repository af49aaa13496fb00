"""What the repo could not say: files that did not load, and values that failed validation.

One problem, one finding (SPEC 11). A file that cannot be read (E001, or E002
on the file as a whole) is reported once; findings that exist only because its
contents are missing (an empty perspective, a reference to an id it defines,
an uncovered perspective or unaddressed measure of its period, its team's
objective count) are not. A value that failed validation is not reported again
by a rule, and a file whose `period` disagrees with its folders is not also
judged in that period.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from okrbsc.strategy.periods import Period
from okrbsc.strategy.repo import matching

if TYPE_CHECKING:
    from okrbsc.lint.findings import Finding
    from okrbsc.strategy.models import Node
    from okrbsc.strategy.repo import OkrRef, Repo, SourceFile

_ID = re.compile(r"""(?:^|[\s{,])id:[ \t]*(?:"([^"\n]+)"|'([^'\n]+)'|([^\s,}\]#'"]+))""", re.M)
_TEAM = re.compile(r"^team:[ \t]*['\"]?([^\s'\"#]+)", re.M)
_PERIOD = re.compile(r"^period:[ \t]*['\"]?([^\s'\"#]+)", re.M)
_KIND = re.compile(r"^kind:[ \t]*['\"]?([^\s'\"#]+)", re.M)
_VALIDATION = {"E001", "E002"}


@dataclass
class Gaps:
    unread: list[SourceFile] = field(default_factory=list)
    scorecard_unread: bool = False
    config_unread: bool = False
    ids: set[str] = field(default_factory=set)  # ids that may be defined where we could not read
    periods: set[Period | None] = field(default_factory=set)  # None: some unknown period
    teams: set[tuple[Period | None, str | None]] = field(default_factory=set)
    misplaced: set[str] = field(default_factory=set)  # paths whose period disagrees with folders

    def period_unsure(self, period: Period) -> bool:
        return None in self.periods or period in self.periods

    def team_unsure(self, period: Period, team: str) -> bool:
        return any(p in (None, period) and t in (None, team) for p, t in self.teams)


_CACHE: weakref.WeakKeyDictionary[Repo, Gaps] = weakref.WeakKeyDictionary()


def unreadable(file: SourceFile) -> bool:
    """The file as a whole could not be read."""
    return file.model is None and any(p.code in _VALIDATION for p in file.problems)


def gaps(repo: Repo) -> Gaps:
    found = _CACHE.get(repo)
    if found is None:
        found = _CACHE[repo] = _gaps(repo)
    return found


def _guess(regex: re.Pattern[str], text: str) -> str | None:
    match = regex.search(text)
    return match.group(1) if match else None


def _period(text: str | None) -> Period | None:
    if text is None:
        return None
    try:
        return Period.parse(text)
    except ValueError:
        return None


def _gaps(repo: Repo) -> Gaps:
    from okrbsc.lint.rules.e006_period_mismatch import misplaced

    out = Gaps(config_unread=repo.config_file.model is None)
    for file in repo.files:
        if any(p.code in _VALIDATION for p in file.problems):
            out.ids |= {next(g for g in m.groups() if g) for m in _ID.finditer(file.text)}
        if not unreadable(file):
            continue
        out.unread.append(file)
        kind = _guess(_KIND, file.text)
        in_scorecard_glob = bool(matching([file.path], repo.config.files.scorecard))
        if in_scorecard_glob or kind == "scorecard":
            out.scorecard_unread = True
        if (in_scorecard_glob and kind != "okrs") or kind == "scorecard":
            continue
        period = _period(_guess(_PERIOD, file.text))
        out.periods.add(period)
        out.teams.add((period, _guess(_TEAM, file.text)))
    for file, doc in repo.okr_files:
        folder = misplaced(file, doc)
        if folder is None:
            continue
        out.misplaced.add(file.path)
        out.periods |= {doc.period, folder}
        out.teams |= {(doc.period, doc.team), (folder, doc.team)}
        out.ids |= {obj.id for obj in doc.objectives}
        out.ids |= {obj.kr_id(i) for obj in doc.objectives for i in range(len(obj.key_results))}
    return out


def failed(file: SourceFile, node: Node, key: str) -> bool:
    """Was ``key`` written on ``node`` but its value failed validation (or reading)?"""
    if not file.problems:
        return False  # (and a clean file is not read again for its positions)
    src = file.origin(node)
    if src is None or key not in src.kpos:
        return False
    if key not in src:
        return True  # pruned by validation
    spots = {(p.line, p.column) for p in file.problems}
    return src[key] is None and (src.vpos[key] in spots or src.kpos[key] in spots)


def lost_key_results(ref: OkrRef) -> bool:
    """Did validation drop something written in the key results of ``ref``'s objective?"""
    if not ref.file.problems:
        return False
    siblings = ref.doc.objectives
    index = next(i for i, obj in enumerate(siblings) if obj is ref.objective)
    start = ref.file.at(ref.objective, "key_results")
    end = ref.file.at(siblings[index + 1]) if index + 1 < len(siblings) else None
    for problem in ref.file.problems:
        spot = (problem.line, problem.column)
        if problem.code == "E002" and spot >= start and (end is None or spot < end):
            return True
    return False


def cascades(repo: Repo, finding: Finding) -> bool:
    """A finding of a rule kept elsewhere that exists only because of a gap (O105)."""
    if finding.code != "O105":
        return False
    unsure = gaps(repo).ids
    for refs in repo.periods.values():
        for ref in refs:
            obj = ref.objective
            if ref.file.path != finding.path:
                continue  # (before asking positions: other files are not read again)
            if (finding.line, finding.column) in (ref.file.at(obj), ref.file.at(obj, "aligns_to")):
                src = ref.file.origin(obj) if ref.file.problems else None
                pruned = src is not None and any(key not in src for key in src.kpos)
                return pruned or any(ident in unsure for ident in obj.aligns_to)
    return False
