"""Check-ins from an issue comment (SPEC 16.5): `okrbsc checkin --from-event FILE`.

The event is a GitHub ``issue_comment`` payload or a GitLab note event. Each
line of a newly created comment that starts with ``/checkin`` is a command:

    /checkin ID VALUE [confidence C] [date YYYY-MM-DD] [replace] [note TEXT…]

Lines in fenced code blocks and block quotes (a ``>`` line and the lines
that continue its paragraph) are not commands, so a quoted reply cannot
check in twice. The comment's author may check in a key result that answers
to them, or one of a team they lead or whose ancestor team they lead. Every
command goes through `write.checkin`, the path of `okrbsc checkin`, and all
the commands of one comment are written together (`edit_all`) or not at
all.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from okrbsc.errors import ExitCode, OkrbscError, UsageError
from okrbsc.rhythm.people import answers_to, team_leads
from okrbsc.strategy.models import CheckIn
from okrbsc.strategy.repo import Repo
from okrbsc.write.checkin import (
    Target,
    checkin_edit,
    find_target,
    parse_confidence,
    parse_value,
    refuse_if_final,
)
from okrbsc.write.safe import edit_all
from okrbsc.write.splice import Doc

MAX_EVENT_BYTES = 32 * 1024 * 1024  # GitHub caps webhook payloads at 25 MB


class EventError(UsageError):
    """The file is not a GitHub issue_comment or GitLab note event (exit 2)."""


@dataclass(frozen=True)
class Comment:
    platform: str  # "GitHub" or "GitLab"
    author: str
    body: str
    skip: str | None = None  # why the comment does nothing, when it does nothing


def read_event(path: Path) -> Comment:
    """The comment of an event file, or an `EventError` naming the file."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_EVENT_BYTES + 1)
    except OSError as exc:
        raise EventError(f"{path}: cannot read the event: {exc.strerror or exc}") from None
    if len(raw) > MAX_EVENT_BYTES:
        raise EventError(f"{path}: larger than 32 MiB, not a webhook event")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise EventError(f"{path}: not UTF-8 JSON: not a webhook event") from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise EventError(f"{path}: not JSON ({where}): not a webhook event") from None
    except RecursionError:
        raise EventError(f"{path}: JSON nested too deeply: not a webhook event") from None
    comment = _github(data) or _gitlab(data)
    if comment is None:
        raise EventError(
            f"{path}: neither a GitHub issue_comment event (comment.body, comment.user.login) "
            "nor a GitLab note event (object_kind: note, object_attributes.note, user.username)"
        )
    return comment


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _github(data: Any) -> Comment | None:
    body, login = _get(data, "comment", "body"), _get(data, "comment", "user", "login")
    if not isinstance(body, str) or not isinstance(login, str) or "issue" not in data:
        return None
    action = _get(data, "action")
    skip = None
    if action != "created":
        skip = f"the comment was {action or 'not created'}, not created: nothing to do"
    elif _get(data, "comment", "user", "type") == "Bot" or login.endswith("[bot]"):
        skip = f"the comment is by a bot ({login}): nothing to do"
    return Comment("GitHub", login, body, skip)


def _gitlab(data: Any) -> Comment | None:
    body, name = _get(data, "object_attributes", "note"), _get(data, "user", "username")
    if _get(data, "object_kind") != "note" or not isinstance(body, str):
        return None
    if not isinstance(name, str):
        return None
    action = _get(data, "object_attributes", "action")
    skip = None
    if action not in (None, "create"):
        skip = f"the comment was {action}d, not created: nothing to do"
    elif _get(data, "object_attributes", "system") is True or _get(data, "user", "type") == "Bot":
        skip = f"the comment is by a bot or the system ({name}): nothing to do"
    return Comment("GitLab", name, body, skip)


# --- the commands in a comment -------------------------------------------------------


@dataclass(frozen=True)
class Command:
    line: int  # 1-based, in the comment
    text: str  # the line as written
    kr: str = ""
    value: str = ""
    confidence: str | None = None
    date: str | None = None
    replace: bool = False
    note: str | None = None
    error: str | None = None


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_QUOTE = re.compile(r"^ {0,3}>")
_COMMAND = re.compile(r"^ {0,3}/checkin(?:\s|$)")
GRAMMAR = "/checkin ID VALUE [confidence C] [date YYYY-MM-DD] [replace] [note TEXT…]"


def commands(body: str) -> list[Command]:
    """The ``/checkin`` lines of a comment, outside code blocks and quotes."""
    out: list[Command] = []
    fence: str | None = None
    quoted = False
    for number, line in enumerate(body.splitlines(), start=1):
        opened = _FENCE.match(line)
        if fence is not None:
            if opened is not None and _closes(opened[1], fence, line):
                fence = None
            continue
        if opened is not None:
            fence, quoted = opened[1], False
            continue
        if _QUOTE.match(line):
            quoted = True  # a quote's paragraph goes on to the next blank line
            continue
        if not line.strip():
            quoted = False
            continue
        if not quoted and _COMMAND.match(line):
            out.append(_parse(number, line.strip()))
    return out


def _closes(marker: str, fence: str, line: str) -> bool:
    """A closing fence: the same character, at least as long, nothing after it."""
    return marker[0] == fence[0] and len(marker) >= len(fence) and not line.strip(" " + fence[0])


def _parse(number: int, text: str) -> Command:
    words = list(re.finditer(r"\S+", text))[1:]  # after /checkin
    if len(words) < 2:
        return Command(number, text, error=f"expected {GRAMMAR}")
    fields: dict[str, Any] = {"kr": words[0][0], "value": words[1][0]}
    rest = words[2:]
    while rest:
        word = rest.pop(0)
        keyword = word[0].lower()
        if keyword == "note":
            fields["note"] = text[word.end() :].strip() or None  # the rest of the line
            break
        if keyword == "replace":
            fields["replace"] = True
        elif keyword in ("confidence", "date") and rest:
            fields[keyword] = rest.pop(0)[0]
        elif keyword in ("confidence", "date"):
            return Command(number, text, error=f"{keyword} needs a value: {GRAMMAR}")
        else:
            return Command(number, text, error=f"unknown word {word[0]!r}: expected {GRAMMAR}")
    return Command(number, text, **fields)


# --- applying them -------------------------------------------------------------------


class Status(enum.StrEnum):
    RECORDED = "recorded"
    WOULD_RECORD = "would record"
    ALREADY = "already recorded"
    REFUSED = "refused"
    HELD = "not recorded"  # fine itself, held back because another line was refused


@dataclass(frozen=True)
class Outcome:
    command: Command
    status: Status
    detail: str
    key_result: str = ""
    path: str | None = None


@dataclass(frozen=True)
class EventResult:
    comment: Comment
    person: str | None = None
    outcomes: list[Outcome] = field(default_factory=list)
    dry_run: bool = False

    @property
    def exit_code(self) -> ExitCode:
        refused = any(o.status is Status.REFUSED for o in self.outcomes)
        return ExitCode.FINDINGS if refused else ExitCode.OK

    @property
    def skip(self) -> str | None:
        if self.comment.skip is not None:
            return self.comment.skip
        return None if self.outcomes else "no /checkin line in the comment: nothing to do"


Edit = tuple[Path, str, Callable[[Doc], None]]


def person_of(repo: Repo, comment: Comment) -> str | None:
    """The person of ``people`` the comment's author is (GitHub logins in any case)."""
    for ident, person in (repo.config.people or {}).items():
        if comment.platform == "GitHub" and person.github is not None:
            if person.github.lower() == comment.author.lower():
                return ident
        elif comment.platform == "GitLab" and person.gitlab == comment.author:
            return ident
    return None


def may_check_in(repo: Repo, target: Target) -> list[str]:
    """Who may check in ``target``: the person it answers to, then the leads of its
    team and of each team above it."""
    first = answers_to(repo, target.ref, target.kr)
    people = [first] if first is not None else []
    for lead, _ in team_leads(repo, target.ref.team):
        if lead not in people:
            people.append(lead)
    return people


def apply_event(repo: Repo, comment: Comment, *, dry_run: bool) -> EventResult:
    """Every command of the comment checked, then all written, or none (SPEC 16.5)."""
    if comment.skip is not None:
        return EventResult(comment, dry_run=dry_run)
    person = person_of(repo, comment)
    planned: list[tuple[Outcome, Edit | None]] = []
    seen: set[tuple[str, str]] = set()
    for command in commands(comment.body):
        planned.append(_plan(repo, comment, person, command, seen))
    outcomes = [outcome for outcome, _ in planned]
    if any(o.status is Status.REFUSED for o in outcomes):
        outcomes = [_held(o) for o in outcomes]
    elif not dry_run:
        outcomes = _write(repo, planned)
    return EventResult(comment, person, outcomes, dry_run)


def _held(outcome: Outcome) -> Outcome:
    if outcome.status is not Status.WOULD_RECORD:
        return outcome
    why = "another line of the comment was refused, and a comment is applied whole"
    return Outcome(outcome.command, Status.HELD, why, outcome.key_result, outcome.path)


def _write(repo: Repo, planned: list[tuple[Outcome, Edit | None]]) -> list[Outcome]:
    by_file: dict[str, list[Edit]] = {}
    for _, edit in planned:
        if edit is not None:
            by_file.setdefault(edit[1], []).append(edit)
    edits = [(group[0][0], label, _together(group)) for label, group in by_file.items()]
    try:
        if edits:
            edit_all(repo.root, edits)
    except OkrbscError as exc:
        return [_failed(o, exc.message) for o, _ in planned]
    return [
        Outcome(o.command, Status.RECORDED, o.detail, o.key_result, o.path)
        if o.status is Status.WOULD_RECORD
        else o
        for o, _ in planned
    ]


def _together(group: list[Edit]) -> Callable[[Doc], None]:
    def edit(doc: Doc) -> None:
        for _, _, one in group:
            one(doc)

    return edit


def _failed(outcome: Outcome, message: str) -> Outcome:
    if outcome.status is not Status.WOULD_RECORD:
        return outcome
    return Outcome(outcome.command, Status.REFUSED, message, outcome.key_result, outcome.path)


def _refused(command: Command, why: str, kr: str = "") -> tuple[Outcome, None]:
    return Outcome(command, Status.REFUSED, why, kr or command.kr), None


def _plan(
    repo: Repo, comment: Comment, person: str | None, command: Command, seen: set[tuple[str, str]]
) -> tuple[Outcome, Edit | None]:
    if command.error is not None:
        return _refused(command, command.error)
    if command.kr in repo.measures and not repo.key_results_named(command.kr):
        return _refused(command, f"{command.kr} is a measure: run okrbsc checkin for its actual")
    try:
        target = find_target(repo, command.kr, None)
    except OkrbscError as exc:  # a comment has no --period: it names running key results
        why = exc.message.replace(
            "pass --period", "a comment checks in key results of running periods only"
        )
        return _refused(command, why)
    allowed = may_check_in(repo, target)
    if person is None or person not in allowed:
        return _refused(command, _not_allowed(repo, comment, person, target, allowed))
    try:
        refuse_if_final(repo, target)  # a comment has no --force
        planned = _checked(repo, command, target)
    except OkrbscError as exc:
        return _refused(command, _for_comment(exc.message), target.kr_id)
    key = (target.ref.file.path, target.kr_id)
    if key in seen:
        return _refused(command, f"a second line for {target.kr_id}: one per key result")
    seen.add(key)
    return planned


def _for_comment(message: str) -> str:
    """`okrbsc checkin`'s words for a comment: its options are the grammar's keywords
    (``--replace`` is ``replace``); what a comment cannot do is said so."""
    message = message.replace(
        "pass --force to add it anyway", "only okrbsc checkin --force adds one"
    )
    return re.sub(r"(?<!checkin )--(?=\w)", "", message)


def _not_allowed(
    repo: Repo, comment: Comment, person: str | None, target: Target, allowed: list[str]
) -> str:
    who = f"{comment.author} ({person})" if person else comment.author
    may = ", ".join(allowed) if allowed else "nobody (no owner, no team lead)"
    if repo.config.people is None:
        head = f"okrbsc.yaml lists no `people`, so no {comment.platform} user is known"
    elif person is None:
        handle = "github" if comment.platform == "GitHub" else "gitlab"
        head = f"{who} is no person of okrbsc.yaml (`people`, `{handle}:`)"
    else:
        head = f"{who} may not check in {target.kr_id}"
    return f"{head}; {target.kr_id} may be checked in by {may}"


def _checked(repo: Repo, command: Command, target: Target) -> tuple[Outcome, Edit | None]:
    value = parse_value(target.kr, command.value)
    day = _day(repo, command.date)
    confidence = parse_confidence(repo, command.confidence)
    note = command.note
    path = target.ref.file.path
    shown = f"{target.kr_id} = {command.value} on {day}"
    same = [c for c in target.kr.checkins if c.date == day]
    if same and _identical(same[-1], value, confidence, note):
        return Outcome(command, Status.ALREADY, shown, target.kr_id, path), None
    edit = checkin_edit(
        repo, target, value, day=day, confidence=confidence, note=note, replace=command.replace
    )
    verb = "replaces the check-in of " if same else ""
    outcome = Outcome(command, Status.WOULD_RECORD, f"{verb}{shown}", target.kr_id, path)
    return outcome, edit


def _day(repo: Repo, text: str | None) -> dt.date:
    if text is None:
        return repo.as_of
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"date: expected YYYY-MM-DD, got {text!r}") from None
    return day  # a day after as-of is refused by checkin_edit, as `okrbsc checkin` refuses it


def _identical(
    old: CheckIn, value: int | float | bool, confidence: float | None, note: str | None
) -> bool:
    same_value = old.value == value and isinstance(old.value, bool) == isinstance(value, bool)
    return same_value and old.confidence == confidence and (old.note or None) == (note or None)
