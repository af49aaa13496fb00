"""Pydantic models of okrbsc.yaml, scorecard files and OKR files (SPEC section 2).

Any model read from a file can tell where it came from, so rules can point at
``path:line:col`` of any object or field (see :meth:`Node.at`); positions are
worked out only when asked (:class:`Sources`).

No ``from __future__ import annotations`` here: pydantic would evaluate every
field's annotation from its text at each start-up (a name used before its
class is written is quoted instead).
"""

import contextlib
import datetime as dt
import functools
import re
import weakref
from collections.abc import Callable, Iterator
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    WithJsonSchema,
    model_validator,
)

from okrbsc.strategy import hollow
from okrbsc.strategy.loader import Pos, PosDict
from okrbsc.strategy.periods import Period


# Empty defaults come from these rather than from `list` and `dict`: pydantic reads
# the signature of every default factory, and a builtin's is parsed from its text
# (inspect and tokenize), about a third of a millisecond a field at each start-up.
def new_list() -> list[Any]:
    return []


def new_dict() -> dict[Any, Any]:
    return {}


def _number(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, got {_describe(value)}")
    return value


def _identifier(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"expected an id, got {_describe(value)}")
    if not value.strip() or any(ch.isspace() for ch in value):
        raise ValueError(f"an id must be one word without spaces, got {value!r}")
    return value


check_identifier = _identifier

# A team id becomes part of a file name (okrs/<year>/Q<n>/<team>.yaml): a name, never a path
FILE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
_FILE_ID = re.compile(FILE_ID_PATTERN)


def _file_identifier(value: object) -> object:
    value = _identifier(value)
    assert isinstance(value, str)
    if not _FILE_ID.fullmatch(value):
        raise ValueError(
            f"a team id names files, so it is letters, digits, `.`, `_` and `-`, "
            f"starting with a letter or digit; got {value!r}"
        )
    return value


check_file_identifier = _file_identifier


def _text(value: object) -> object:
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {_describe(value)}")
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _period(value: object) -> Period:
    return Period.parse(value)


def _describe(value: object) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dt.date):
        return f"a date ({value})"
    return f"{type(value).__name__} {value!r}"


PERIOD_PATTERN = (
    r"^([0-9]{4}(-([Qq][1-4]|[Hh][12]))?"
    r"|[Ff][Yy]([0-9]{2}|[0-9]{4})([- ]([Qq][1-4]|[Hh][12]))?)$"
)
_PERIOD_SCHEMA = {
    "anyOf": [
        {"type": "string", "pattern": PERIOD_PATTERN},
        {"type": "integer", "minimum": 1000, "maximum": 9999},
    ],
    "description": "A fiscal year (2026, FY2026, FY26), half (2026-H1, FY26-H2) or quarter "
    "(2026-Q3, FY26-Q3, FY26 Q3).",
}

Number = Annotated[float, BeforeValidator(_number)]
Id = Annotated[
    str,
    BeforeValidator(_identifier),
    WithJsonSchema({"type": ["string", "integer"], "pattern": r"^\S+$"}),
]
TeamId = Annotated[
    str,
    BeforeValidator(_file_identifier),
    WithJsonSchema({"type": ["string", "integer"], "pattern": FILE_ID_PATTERN}),
]
Text = Annotated[str, BeforeValidator(_text), WithJsonSchema({"type": "string", "minLength": 1})]
PeriodField = Annotated[Period, BeforeValidator(_period), WithJsonSchema(_PERIOD_SCHEMA)]
Fraction = Annotated[float, BeforeValidator(_number), Field(ge=0.0, le=1.0)]
Weight = Annotated[float, BeforeValidator(_number), Field(gt=0.0)]
Direction = Literal["up", "down"]


class Node(BaseModel):
    """Base of every model: strict keys, finite numbers, and source positions."""

    model_config = ConfigDict(
        extra="forbid", allow_inf_nan=False, arbitrary_types_allowed=True, frozen=False
    )

    @classmethod
    def bare(cls, **values: object) -> Self:
        """The model holding ``values`` (taken from a model that was validated), not
        validated again; every other field at its default, a required one at None.
        ``model_construct`` does the same about eighty times slower."""
        template, factories, private = _bare_parts(cls)
        fields = {**template, **{name: make() for name, make in factories}, **values}
        out = cls.__new__(cls)
        object.__setattr__(out, "__dict__", fields)
        object.__setattr__(out, "__pydantic_fields_set__", set(values))
        object.__setattr__(out, "__pydantic_extra__", None)
        object.__setattr__(out, "__pydantic_private__", dict(private) if private else None)
        return out

    def origin(self, within: "Node | None" = None) -> PosDict | None:
        """The positioned mapping this object was validated from (read on demand).

        ``within`` is the model of the file it is in, when the caller knows it:
        then only that file is looked into (see :class:`Sources`)."""
        return source_of(self, within, deep=True)

    def at(self, key: str | None = None, within: "Node | None" = None) -> Pos:
        """Line and column of this object, or of the value of one of its keys."""
        src = source_of(self, within)
        if src is None:
            return (1, 1)
        if key is not None and key in src.vpos:
            return src.vpos[key]
        return (src.line, src.col)

    def key_at(self, key: str, inner: object, within: "Node | None" = None) -> Pos:
        """Line and column of the key ``inner`` of the mapping under ``key``."""
        src = source_of(self, within)
        if src is not None:
            mapping = src.get(key)
            kpos = getattr(mapping, "kpos", None)
            if kpos is not None and inner in kpos:
                pos: Pos = kpos[inner]
                return pos
        return self.at(key, within)

    def item_at(self, key: str, index: int, within: "Node | None" = None) -> Pos:
        """Line and column of item ``index`` of the list under ``key``."""
        src = source_of(self, within)
        if src is not None:
            seq = src.get(key)
            ipos = getattr(seq, "ipos", None)
            if ipos is not None and 0 <= index < len(ipos):
                pos: Pos = ipos[index]
                return pos
        return self.at(key, within)


@functools.cache
def _bare_parts(
    cls: type[Node],
) -> tuple[dict[str, object], list[tuple[str, Callable[[], object]]], dict[str, object]]:
    """For `Node.bare`: the defaults of ``cls``, the factories of its mutable ones, and
    its private attributes."""
    template: dict[str, object] = {}
    factories: list[tuple[str, Callable[[], object]]] = []
    for name, info in cls.model_fields.items():
        if info.default_factory is not None:
            factories.append((name, info.default_factory))  # type: ignore[arg-type]
        else:
            template[name] = None if info.is_required() else info.default
    private = {name: attr.get_default() for name, attr in cls.__private_attributes__.items()}
    return template, factories, private


class Sources:
    """Where the models of one file came from, worked out when first asked.

    Validation keeps no link from a model to its source mapping (that link
    cost a third of validation). A file's models are indexed by id when a
    position is first asked of any model nobody has indexed yet, and the
    file's positioned tree is read (or taken, if the file was read with
    positions) and walked beside its models when a position of one of them
    is first asked. ``models`` holds every indexed model, so no id is reused
    while its entry lives.
    """

    def __init__(self, root: Node, text: str, data: PosDict | None) -> None:
        self.root, self.text, self.data = root, text, data
        self.models: dict[int, Node] = {}
        # each model with its positioned mapping (holding the model keeps its id its own)
        self.links: dict[int, tuple[Node, PosDict]] | None = None
        self.holes: hollow.Holes = {}  # flow collections read again only when asked
        _PENDING.add(self)
        if isinstance(root, Root):
            root._sources = self  # lives as long as the file's model does

    def index(self) -> None:
        stack: list[object] = [self.root]
        while stack:
            value = stack.pop()
            if isinstance(value, Node):
                self.models[id(value)] = value
                _OWNER[id(value)] = self
                stack.extend(value.__dict__.values())
            elif isinstance(value, list):
                stack.extend(value)
            elif isinstance(value, dict):
                stack.extend(value.values())

    def positioned(self, model: Node, deep: bool = False) -> PosDict | None:
        """The positioned mapping of ``model``, with what is right under it (``deep``:
        with everything under it) read in full (see `hollow`)."""
        if self.links is None:
            self.links = {}
            data = self.data
            if data is None:
                data, self.holes = _read_positioned(self.text)
            _link(self.root, data, self.links)
        link = self.links.get(id(model))
        if link is None or link[0] is not model:
            return None
        if self.holes:
            hollow.fill(link[1], self.holes, self.text, deep)
        return link[1]


class Root(Node):
    """A model a whole file is validated as: it keeps its file's :class:`Sources`."""

    _sources: Sources | None = PrivateAttr(default=None)


_PENDING: weakref.WeakSet[Sources] = weakref.WeakSet()
_OWNER: weakref.WeakValueDictionary[int, Sources] = weakref.WeakValueDictionary()


_HINTS: list[Sources | None] = []


@contextlib.contextmanager
def positions_within(root: Node | None) -> Iterator[None]:
    """Positions asked inside are looked for in the file of ``root`` first.

    With None, no position is looked for at all: each is (1, 1). That is for
    code that asks a position only to throw it away (`validate_clean`)."""
    _HINTS.append(root._sources if isinstance(root, Root) else None)
    try:
        yield
    finally:
        _HINTS.pop()


def source_of(model: Node, within: Node | None = None, deep: bool = False) -> PosDict | None:
    """The positioned mapping ``model`` was validated from, if it came from a file
    (read in full right under it; ``deep``: all the way down, see `Sources.positioned`).

    Asked with the model of ``model``'s own file (``within``, or the innermost
    `positions_within`), only that file is looked into. Otherwise every file
    read without positions is indexed first, once: a walk of all their models."""
    if within is not None:
        hint = within._sources if isinstance(within, Root) else None
    elif _HINTS:
        hint = _HINTS[-1]
        if hint is None:
            return None
    else:
        hint = None
    if hint is not None:
        found = hint.positioned(model, deep)
        if found is not None:
            return found
    sources = _OWNER.get(id(model))
    if sources is None and _PENDING:
        for pending in list(_PENDING):
            pending.index()
            _PENDING.discard(pending)
        sources = _OWNER.get(id(model))
    if sources is None or sources.models.get(id(model)) is not model:
        return None
    return sources.positioned(model, deep)


def _read_positioned(text: str) -> tuple[PosDict | None, hollow.Holes]:
    return hollow.read(text)


def _link(model: Node, data: object, links: dict[int, tuple[Node, PosDict]]) -> None:
    """Pair ``model`` and what it holds with the positioned ``data`` it came from."""
    if not isinstance(data, PosDict):
        return
    links[id(model)] = (model, data)
    for name, info in type(model).model_fields.items():
        key = info.alias or name
        if key in data:
            _link_value(model.__dict__.get(name), data[key], links)


def _link_value(value: object, data: object, links: dict[int, tuple[Node, PosDict]]) -> None:
    if isinstance(value, Node):
        _link(value, data, links)
    elif isinstance(value, list) and isinstance(data, list):
        for item, item_data in zip(value, data, strict=False):
            _link_value(item, item_data, links)
    elif isinstance(value, dict) and isinstance(data, dict):
        for item, item_data in zip(value.values(), data.values(), strict=False):
            _link_value(item, item_data, links)


# --- okrbsc.yaml -----------------------------------------------------------------


class Team(Node):
    id: TeamId
    name: Text | None = None
    parent: TeamId | None = None
    lead: Text | None = None


def _glob(value: object) -> object:
    """A glob of `files` names files inside the repo: never absolute, never `..`."""
    _text(value)
    assert isinstance(value, str)
    if value.startswith(("/", "\\")) or re.match(r"[A-Za-z]:[/\\]", value):
        raise ValueError(f"glob {value!r} is absolute: globs are relative to the repo root")
    if ".." in re.split(r"[/\\]", value):
        raise ValueError(f"glob {value!r} has a `..` part: globs stay inside the repo")
    return value


Glob = Annotated[str, BeforeValidator(_glob), WithJsonSchema({"type": "string", "minLength": 1})]


class FileGlobs(Node):
    scorecard: list[Glob] = ["scorecard.yaml"]
    okrs: list[Glob] = ["okrs/**/*.yaml", "okrs/**/*.yml"]


DEFAULT_VERBS = [
    "launch", "implement", "build", "create", "hold", "run", "complete", "ship",
    "start", "write", "deliver", "organise", "organize", "introduce", "develop",
    "set up", "roll out",
    "hire", "document", "conduct", "execute", "provide", "automate", "migrate",
    "publish", "research", "design", "define", "establish", "prepare",
]  # fmt: skip


def _range(value: object) -> object:
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value)
    ):
        raise ValueError("expected [min, max]: two whole numbers >= 0")
    if value[0] > value[1]:
        raise ValueError(f"min {value[0]} is greater than max {value[1]}")
    return tuple(value)


Range = Annotated[
    tuple[int, int],
    BeforeValidator(_range),
    WithJsonSchema(
        {
            "type": "array",
            "items": {"type": "integer", "minimum": 0},
            "minItems": 2,
            "maxItems": 2,
            "description": "[min, max], inclusive",
        }
    ),
]


def _rule_setting(value: object) -> object:
    # YAML 1.1 reads a bare `off` as false: take it the way it was meant
    return "off" if value is False else value


RuleSetting = Annotated[
    Literal["error", "warning", "off"],
    BeforeValidator(_rule_setting),
    WithJsonSchema({"enum": ["error", "warning", "off", False]}),
]


class LintSettings(Node):
    objectives_per_team: Range = (3, 5)
    key_results_per_objective: Range = (2, 5)
    stale_after_days: int = Field(default=14, ge=0)
    backdate_days: int = Field(default=7, ge=0)  # G503, SPEC 9.3
    max_file_mib: Annotated[float, BeforeValidator(_number), Field(ge=1, le=64)] = 8
    activity_verbs: list[Text] = Field(default_factory=lambda: list(DEFAULT_VERBS))
    rules: dict[str, RuleSetting] = Field(default_factory=new_dict)


class Bands(Node):
    green: Fraction
    yellow: Fraction

    @model_validator(mode="after")
    def _ordered(self) -> "Bands":
        if self.yellow > self.green:
            raise ValueError("yellow must not be above green")
        return self


class ScoringSettings(Node):
    aspirational: Bands = Bands(green=0.7, yellow=0.4)
    committed: Bands = Bands(green=1.0, yellow=0.7)
    measure_tolerance: Annotated[float, BeforeValidator(_number), Field(ge=0.0)] = 0.1


def _tracker_url(value: object) -> object:
    """https, or plain http to this machine only (SPEC 17.1)."""
    from urllib.parse import urlsplit

    from okrbsc.strategy.urls import WEB_URL_RULE, web_url_allowed

    if not isinstance(value, str):
        return value
    try:
        parts = urlsplit(value.strip())
        host = parts.hostname or ""
    except ValueError:
        raise ValueError("is not a URL: write https://host") from None
    if web_url_allowed(parts.scheme, host):  # the rule webhooks follow too
        return value.strip().rstrip("/")
    where = f" to {host}" if host else ""
    raise ValueError(
        f"a tracker URL must be {WEB_URL_RULE}, not {parts.scheme or 'no scheme'}{where}"
    )


TrackerUrl = Annotated[str, BeforeValidator(_text), BeforeValidator(_tracker_url)]
EnvName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]


class GitHubConnection(Node):
    """GitHub or GitHub Enterprise (SPEC 17.1): ``api_url`` https://HOST/api/v3 for GHE."""

    api_url: TrackerUrl = "https://api.github.com"
    token_env: EnvName = "GITHUB_TOKEN"


class GitLabConnection(Node):
    url: TrackerUrl = "https://gitlab.com"
    token_env: EnvName = "GITLAB_TOKEN"


class JiraConnection(Node):
    """Jira Cloud (``*.atlassian.net``: e-mail and API token) or Data Center (a token)."""

    url: TrackerUrl
    email_env: EnvName | None = None
    token_env: EnvName = "JIRA_TOKEN"


class Connection(Node):
    """A data source of okrbsc.yaml `sources:` (SPEC 8.1, 17.1): a database ``url``
    (``${NAME}`` is read at pull time) or one tracker: ``github``, ``gitlab``, ``jira``.

    ``timeout``: seconds one query may run before it is cancelled (SPEC 12.3)."""

    url: Text | None = None
    timeout: Annotated[float, BeforeValidator(_number), Field(gt=0.0, le=86400.0)] = 60.0
    github: GitHubConnection | None = None
    gitlab: GitLabConnection | None = None
    jira: JiraConnection | None = None

    @model_validator(mode="after")
    def _one(self) -> "Connection":
        given = [k for k in ("url", "github", "gitlab", "jira") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "a connection is one of url: (a database), github:, gitlab: or jira:"
                + (f", not {' and '.join(given)}" if given else "")
            )
        return self

    @property
    def tracker(self) -> str | None:
        """``github``, ``gitlab`` or ``jira``; None for a database."""
        return next((k for k in ("github", "gitlab", "jira") if getattr(self, k) is not None), None)


def _email(value: object) -> object:
    _text(value)
    assert isinstance(value, str)
    local, at, domain = value.partition("@")
    if not at or not local.strip() or not domain.strip() or "@" in domain:
        raise ValueError(f"expected an e-mail address (one @, text on both sides), got {value!r}")
    return value


def _handle(value: object) -> object:
    _identifier(value)
    assert isinstance(value, str)
    if value.startswith("@"):
        raise ValueError(f"write the handle without @: {value[1:]!r}")
    return value


def _slack_member(value: object) -> object:
    _identifier(value)
    assert isinstance(value, str)
    if not re.fullmatch(r"[UW][A-Z0-9]{2,}", value):
        raise ValueError(f"expected a Slack member id (U… or W…), got {value!r}")
    return value


Email = Annotated[str, BeforeValidator(_email), WithJsonSchema({"type": "string"})]
Handle = Annotated[str, BeforeValidator(_handle), WithJsonSchema({"type": "string"})]
SlackMember = Annotated[
    str, BeforeValidator(_slack_member), WithJsonSchema({"type": "string", "pattern": "^[UW]"})
]


class Person(Node):
    """Someone who owns key results or leads a team (SPEC 16.1); every field optional."""

    name: Text | None = None
    email: Email | None = None
    github: Handle | None = None
    gitlab: Handle | None = None
    slack: SlackMember | None = None


class Deliver(Node):
    """One channel `remind --send` and `digest --send` deliver to (SPEC 16.3).

    Secrets live in the environment: the config names the variables only.
    """

    to: Literal["slack", "teams", "mattermost", "email"]
    webhook_env: Id | None = None
    smtp_env: Id | None = None
    from_: Text | None = Field(default=None, alias="from")

    @model_validator(mode="after")
    def _env_for_channel(self) -> "Deliver":
        if self.to == "email":
            if self.smtp_env is None:
                raise ValueError("an email delivery names its SMTP URL's variable: smtp_env")
            if self.from_ is None:
                raise ValueError("an email delivery needs a sender: from")
        elif self.webhook_env is None:
            raise ValueError(f"a {self.to} delivery names its URL's variable: webhook_env")
        return self


class RhythmSettings(Node):
    """The weekly rhythm (SPEC 16.2–16.4)."""

    due_after_days: int = Field(default=7, ge=1)
    #: None: [stale_after_days, 2 × stale_after_days] (see Config.escalation_days)
    escalate_after_days: list[Annotated[int, Field(ge=1)]] | None = None
    checkin_hint: Text | None = None
    deliver: list[Deliver] = Field(default_factory=new_list)
    digest_to: list[Id] = Field(default_factory=new_list)


class Unit(Node):
    """A business unit of a group (SPEC 18.1): its own strategy repo, read at a locked commit."""

    id: TeamId  # names the folder .okrbsc/units/<id>/: a name, never a path
    name: Text | None = None
    repo: Text  # a path relative to this repo, or a URL (file://, https://, ssh://)
    ref: Text | None = None  # default: the remote's default branch; a local path: HEAD


def _units_unique(units: list[Unit]) -> list[Unit]:
    seen: set[str] = set()
    for unit in units:
        if unit.id in seen:
            raise ValueError(f"unit id {unit.id!r} is listed twice: unit ids are unique")
        seen.add(unit.id)
    return units


class Config(Root):
    organisation: Text
    fiscal_year_start: int = Field(default=1, ge=1, le=12)
    fiscal_year_named_by: Literal["start", "end"] = "start"
    confidence_scale: Literal[1, 10] = 1
    files: FileGlobs = FileGlobs()
    teams: list[Team] = Field(default_factory=new_list)
    lint: LintSettings = LintSettings()
    scoring: ScoringSettings = ScoringSettings()
    sources: dict[Id, Connection] = Field(default_factory=new_dict)
    people: dict[Id, Person] | None = None
    rhythm: RhythmSettings = RhythmSettings()
    units: Annotated[list[Unit], AfterValidator(_units_unique)] = Field(default_factory=new_list)

    def escalation_days(self) -> list[int]:
        """The ages at which a reminder escalates one level more (SPEC 16.2)."""
        if self.rhythm.escalate_after_days is not None:
            return sorted(self.rhythm.escalate_after_days)
        stale = self.lint.stale_after_days
        return [stale, 2 * stale]


# --- scorecard.yaml --------------------------------------------------------------


class Perspective(Node):
    id: Id
    name: Text


DEFAULT_PERSPECTIVES = (
    ("learning", "Learning & Growth"),
    ("process", "Internal Process"),
    ("customer", "Customer"),
    ("financial", "Financial"),
)


class Initiative(Node):
    id: Id | None = None
    title: Text
    owner: Text | None = None
    status: Text | None = None
    due: dt.date | None = None


def _actual_key(value: object) -> object:
    Period.parse(value)
    return value


ActualKey = Annotated[str | int, BeforeValidator(_actual_key)]


def _tracker_name(value: object) -> object:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # milestone: 2.0
    return _text(value)


def _one_or_more(value: object) -> object:
    return [value] if isinstance(value, str) else value


_TRACKER_KEYS = ("repo", "project", "jql", "items", "milestone", "labels", "assignee", "epic",
                 "state", "value", "within")  # fmt: skip
_FILTERS = {
    "repo": ({"issues", "pull_requests"}, {"milestone", "labels", "assignee"}),
    "project": ({"issues", "merge_requests"}, {"milestone", "labels", "assignee", "epic"}),
    "jql": ({"issues"}, set()),
}


def _tracker_filters(source: "Source", where: str) -> "Source":
    kinds, filters = _FILTERS[where]
    items = source.items or "issues"
    if items not in kinds:
        raise ValueError(f"items: {items} is not for {where}: use {' or '.join(sorted(kinds))}")
    for key in ("milestone", "labels", "assignee", "epic"):
        if key in source.model_fields_set and key not in filters:
            hint = " (write it in the jql)" if where == "jql" else ""
            raise ValueError(f"{key} is no filter of a source with {where}{hint}")
    if source.epic is not None and items != "issues":
        raise ValueError("epic filters issues only")
    if source.state == "merged" and items == "issues":
        raise ValueError("state: merged is for pull or merge requests; issues are closed")
    return source


class Source(Node):
    """Where a measure's actuals or a key result's check-ins come from (SPEC 8.2)."""

    from_: Id = Field(alias="from")
    query: Text | None = None
    # a tracker's filters (SPEC 17.2): GitHub repo, GitLab project, Jira jql
    repo: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")] | None = None
    project: Text | None = None
    jql: Text | None = None
    items: Literal["issues", "pull_requests", "merge_requests"] | None = None
    milestone: Annotated[str, BeforeValidator(_tracker_name)] | None = None
    labels: Annotated[list[Text], BeforeValidator(_one_or_more)] = Field(default_factory=new_list)
    assignee: Text | None = None
    epic: Annotated[int, Field(ge=1)] | None = None
    state: Literal["closed", "merged", "open", "all"] | None = None
    value: Literal["count", "percent"] = "count"
    within: Literal["period"] | None = None

    @model_validator(mode="after")
    def _query_or_tracker(self) -> "Source":
        where = [k for k in ("repo", "project", "jql") if getattr(self, k) is not None]
        if self.query is not None:
            extra = [k for k in _TRACKER_KEYS if k in self.model_fields_set]
            if extra:
                raise ValueError(f"a source with a query takes no tracker filter ({extra[0]})")
            return self
        if len(where) != 1:
            raise ValueError(
                "a source needs a query (a database) or one of repo (GitHub), "
                "project (GitLab) or jql (Jira)" + (f", not {' and '.join(where)}" if where else "")
            )
        return _tracker_filters(self, where[0])


Rating = Literal["green", "amber", "red"]
MeasureKind = Literal["metric", "binary", "ordinal"]


def _measure_word_or_number(value: object, *, range_ok: bool, bool_ok: bool) -> object:
    if isinstance(value, bool):
        if bool_ok:
            return value
        raise ValueError(f"expected a number or a word, got {_describe(value)}")
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        return _text(value)
    if range_ok and isinstance(value, list):
        if len(value) != 2 or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value
        ):
            raise ValueError("a range is two numbers, [LOW, HIGH] (e.g. [98, 100])")
        return (value[0], value[1])
    wanted = "a number, a word or a range [LOW, HIGH]" if range_ok else "a number or a word"
    raise ValueError(f"expected {wanted}, got {_describe(value)}")


_WORD = {"type": "string", "minLength": 1}
_RANGE = {
    "type": "array",
    "items": {"type": "number"},
    "minItems": 2,
    "maxItems": 2,
    "description": "a range [LOW, HIGH], bounds included (SPEC 15.2)",
}
MeasureTarget = Annotated[
    float | str | tuple[float, float],
    BeforeValidator(lambda v: _measure_word_or_number(v, range_ok=True, bool_ok=False)),
    WithJsonSchema({"anyOf": [{"type": "number"}, _WORD, _RANGE]}),
]
MeasureFlag = Annotated[
    float | str,
    BeforeValidator(lambda v: _measure_word_or_number(v, range_ok=False, bool_ok=False)),
    WithJsonSchema({"anyOf": [{"type": "number"}, _WORD]}),
]
MeasureActual = Annotated[
    bool | float | str,
    BeforeValidator(lambda v: _measure_word_or_number(v, range_ok=False, bool_ok=True)),
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "boolean"}, _WORD]}),
]


class MeasureBands(Node):
    """Status bands relative to the target (SPEC 10.6): fractions of |target|."""

    green: Annotated[float, BeforeValidator(_number), Field(ge=0.0)]
    red: Annotated[float, BeforeValidator(_number), Field(ge=0.0)]

    @model_validator(mode="after")
    def _ordered(self) -> "MeasureBands":
        if self.green > self.red:
            raise ValueError(
                f"green ({self.green:g}) must not be above red ({self.red:g}): "
                "green is the smaller miss"
            )
        return self


UnitRef = Annotated[
    str,
    BeforeValidator(_identifier),
    Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*:\S+$"),
]


class Rollup(Node):
    """A group measure made of unit measures (SPEC 18.2): `of` names `UNIT:MEASURE`."""

    of: Annotated[list[UnitRef], Field(min_length=1)]
    by: Literal["sum", "mean", "weighted_mean", "min", "max"]
    weights: list[Weight] | None = None

    @model_validator(mode="after")
    def _weights(self) -> "Rollup":
        if self.by == "weighted_mean" and self.weights is None:
            raise ValueError("by: weighted_mean needs `weights`, one per item of `of`")
        if self.weights is not None and self.by != "weighted_mean":
            raise ValueError(f"`weights` are for by: weighted_mean, not by: {self.by}")
        if self.weights is not None and len(self.weights) != len(self.of):
            raise ValueError(
                f"{len(self.weights)} weights for {len(self.of)} measures in `of`: "
                "give one weight per measure"
            )
        return self


class Measure(Node):
    id: Id
    name: Text
    description: Text | None = None
    unit: Text | None = None
    kind: MeasureKind = "metric"
    type: Literal["lag", "lead"] = "lag"
    baseline: Number | None = None
    target: MeasureTarget | None = None
    red_flag: MeasureFlag | None = None
    direction: Direction | None = None
    scale: list[Text] | None = None
    owner: Text | None = None
    rewards: bool = False
    bands: MeasureBands | None = None
    actuals: dict[ActualKey, MeasureActual] = Field(default_factory=new_dict)
    targets: dict[ActualKey, MeasureTarget] = Field(default_factory=new_dict)
    ratings: dict[ActualKey, Rating] = Field(default_factory=new_dict)
    source: Source | None = None
    rollup: Rollup | None = None  # SPEC 18.2: the actual comes from the units

    @model_validator(mode="after")
    def _rollup_alone(self) -> "Measure":
        if self.rollup is not None and (self.actuals or self.source is not None):
            mine = "actuals" if self.actuals else "a source"
            raise ValueError(
                f"a measure with `rollup` takes its actuals from the units: remove {mine}"
            )
        return self

    @property
    def type_stated(self) -> bool:
        """Whether the file writes `type` (SPEC 15.6: shown only where stated)."""
        return "type" in self.model_fields_set

    def kind_problems(self) -> Iterator[tuple[Pos, str]]:
        """Keys that contradict each other (SPEC 10.6, 15.1, 15.2), at the offending value."""
        if self.bands is not None and self.red_flag is not None:
            later = max(("bands", "red_flag"), key=self.at)
            yield (
                self.at(later),
                "a measure takes `bands` or `red_flag`, not both: keep one (bands put the "
                "red flag at target - red x |target|, or + for direction down)",
            )
        from okrbsc.strategy.measurekinds import problems

        yield from problems(self)


class ScorecardObjective(Node):
    id: Id
    perspective: Id
    title: Text
    description: Text | None = None
    owner: Text | None = None
    measures: list[Measure] = Field(default_factory=new_list)
    initiatives: list[Initiative] = Field(default_factory=new_list)
    drives: list[Id] = Field(default_factory=new_list)


class Scorecard(Root):
    kind: Literal["scorecard"]
    mission: Text | None = None
    vision: Text | None = None
    perspectives: list[Perspective] | None = None
    objectives: list[ScorecardObjective] = Field(default_factory=new_list)

    def kind_problems(self) -> Iterator[tuple[Pos, str]]:
        for obj in self.objectives:
            for measure in obj.measures:
                yield from measure.kind_problems()

    def perspective_list(self) -> list[Perspective]:
        if self.perspectives is not None:
            return self.perspectives
        return [Perspective(id=pid, name=name) for pid, name in DEFAULT_PERSPECTIVES]


# --- OKR files -------------------------------------------------------------------


class CheckIn(Node):
    date: dt.date
    value: Annotated[float | bool, BeforeValidator(lambda v: _checkin_value(v))]
    confidence: Number | None = None
    note: str | None = None
    source: Id | None = None  # the connection `okrbsc pull` read it from


def _checkin_value(value: object) -> object:
    if isinstance(value, bool):
        return value
    return _number(value)


class KeyResult(Node):
    id: Id | None = None
    title: Text
    description: Text | None = None
    kind: Literal["metric", "binary"] = "metric"
    start: Number | None = None
    target: Number | None = None
    current: Number | None = None
    direction: Direction | None = None
    unit: Text | None = None
    owner: Text | None = None
    weight: Weight = 1.0
    score: Fraction | None = None
    rewards: bool = False
    done: bool | None = None
    due: dt.date | None = None
    checkins: list[CheckIn] = Field(default_factory=new_list)
    source: Source | None = None

    @model_validator(mode="after")
    def _metric_needs_numbers(self) -> "KeyResult":
        # SPEC 10.3: `start` may be left out (it is then read from the data), but
        # then nothing says which way is good unless `direction` does
        if self.kind == "metric":
            if self.target is None:
                raise ValueError("a metric key result needs target")
            if self.start is None and self.direction is None:
                raise ValueError(
                    "a key result without `start` needs `direction: up` or `direction: down`"
                )
        return self

    def kind_problems(self) -> Iterator[tuple[Pos, str]]:
        """Keys that do not fit the key result's kind, each at its own position."""
        if self.kind == "binary":
            for name in ("start", "target", "current", "direction"):
                if getattr(self, name) is not None:
                    yield self.at(name), f"a binary key result takes `done`, not `{name}`"
            for checkin in self.checkins:
                if checkin.value not in (0, 1):  # True == 1 and False == 0
                    yield checkin.at("value"), "a binary key result's check-in value is 0 or 1"
            return
        if self.done is not None:
            yield self.at("done"), "`done` is for binary key results (add `kind: binary`)"
        if self.start == self.target and self.direction is None:
            yield self.at("target"), "start equals target: say which way is good with `direction`"
        for checkin in self.checkins:
            if isinstance(checkin.value, bool):
                yield checkin.at("value"), "a metric key result's check-in value is a number"


class Objective(Node):
    id: Id
    title: Text
    description: Text | None = None
    type: Literal["aspirational", "committed"] = "aspirational"
    owner: Text | None = None
    aligns_to: list[Id] = Field(default_factory=new_list)
    depends_on: list[Id] = Field(default_factory=new_list)
    weight: Weight = 1.0
    score: Fraction | None = None
    rewards: bool = False
    key_results: list[KeyResult] = Field(default_factory=new_list)
    initiatives: list[Initiative] = Field(default_factory=new_list)

    def kr_id(self, index: int) -> str:
        """The KR's id, defaulting to ``<objective id>.<1-based index>``."""
        return self.key_results[index].id or f"{self.id}.{index + 1}"


class OkrFile(Root):
    kind: Literal["okrs"]
    team: TeamId
    period: PeriodField
    objectives: list[Objective] = Field(default_factory=new_list)

    def kind_problems(self) -> Iterator[tuple[Pos, str]]:
        for obj in self.objectives:
            for kr in obj.key_results:
                yield from kr.kind_problems()


DATA_KINDS: dict[str, type[Node]] = {"scorecard": Scorecard, "okrs": OkrFile}
