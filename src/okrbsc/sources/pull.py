"""What `okrbsc pull` fetches (SPEC 8.2, 8.3): the sourced items, their queries, their rows.

:func:`items` lists every measure with a ``source`` and every key result with
a ``source`` in the periods asked for; :func:`fetch` runs each item's query on
its connection and returns the rows read and typed (periods, dates, values),
or an error naming the connection, the item and its ``path:line``. Nothing is
written here: the rows go to :mod:`okrbsc.write.values`.

Secrets: ``${NAME}`` in a URL is expanded from the environment at connect
time; the expanded values and any password in the URL are scrubbed from every
message, and only the connection's name and engine are ever shown.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import os
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import unquote

from okrbsc.errors import UsageError
from okrbsc.sources.engines import Engine, MissingPackage, SourceError, connect
from okrbsc.strategy.models import Connection, KeyResult, Source
from okrbsc.strategy.periods import Period, YearOutOfRange
from okrbsc.strategy.repo import Repo, SourceFile
from okrbsc.strategy.urls import password_of

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Item:
    """A measure or key result with a ``source``."""

    kind: Literal["measure", "key result"]
    id: str
    path: str
    line: int
    source: Source
    period: Period | None = None  # of a key result
    binary: bool = False


@dataclass(frozen=True)
class Reading:
    """One row of a query, typed: ``key`` is a Period (measures) or a date (key results)."""

    key: Period | dt.date
    value: int | float | bool
    confidence: float | None
    where: str
    note: str | None = None  # a tracker's count says where it came from (SPEC 17.2)


@dataclass
class Fetched:
    item: Item
    readings: list[Reading] = field(default_factory=list)
    error: str | None = None
    items: list[dict[str, Any]] = field(default_factory=list)  # a tracker's items counted
    note: str | None = None

    def error_entry(self) -> dict[str, Any]:
        """The failure as an entry of pull's ``errors`` (SPEC 8.3)."""
        i = self.item
        return {"source": i.source.from_, "id": i.id, "path": i.path, "line": i.line,
                "message": self.error}  # fmt: skip


@dataclass
class Timing:
    source: str
    engine: str
    items: int = 0
    rows: int = 0
    seconds: float = 0.0
    failed: bool = False
    requests: int | None = None  # HTTP requests of a tracker


def items(repo: Repo, period: Period | None = None, only: str | None = None) -> list[Item]:
    """Sourced measures (all periods) and key results (running at as-of, or in ``period``)."""
    if only is not None and only not in repo.config.sources:
        known = ", ".join(repo.config.sources) or "none"
        raise UsageError(f"--source {only!r}: no such connection in okrbsc.yaml (known: {known})")
    out = [
        Item("measure", m.id, ref.file.path, ref.file.at(m, "id")[0], m.source)
        for ref, m in repo.measures.values()
        if m.source is not None
    ]
    for kr_period, refs in repo.periods.items():
        if (kr_period != period) if period is not None else not repo.running(kr_period):
            continue
        for ref in refs:
            for index, kr in enumerate(ref.objective.key_results):
                if kr.source is not None:
                    out.append(_kr_item(ref.file, ref.objective.kr_id(index), kr, kr_period))
    return [i for i in out if only is None or i.source.from_ == only]


def refuse_final(repo: Repo, fetched: list[Fetched]) -> None:
    """SPEC 14.2: a key result whose recorded score is in force (on it or its objective)
    takes no new or changed check-in: its item gets an error instead (`pull --force`
    skips this). Check-ins the file already holds are not an error."""
    from okrbsc.scoring.freshness import final_score, would_change

    for f in fetched:
        item = f.item
        if item.kind != "key result" or f.error is not None or item.period is None:
            continue
        for ref, index in repo.key_results_named(item.id):
            kr = ref.objective.key_results[index]
            why = final_score(repo, ref, kr) if ref.period == item.period else None
            if why is None:
                continue
            changing = [r for r in f.readings if isinstance(r.key, dt.date)
                        and would_change(kr, r.key, r.value, r.confidence)]  # fmt: skip
            if changing:
                f.error = (
                    f"{item.id} has {why}, final since {repo.calendar.end(ref.period)}: "
                    f"{len(changing)} check-in{'s' if len(changing) != 1 else ''} from the "
                    "source not written; pass --force to write them (the recorded score stays)"
                )


def _kr_item(file: SourceFile, ident: str, kr: KeyResult, period: Period) -> Item:
    # the position asked of the key result's own file: a bare kr.at() would index every file
    line = (file.at(kr, "id") if kr.id is not None else file.at(kr))[0]
    assert kr.source is not None
    return Item("key result", ident, file.path, line, kr.source, period, kr.kind == "binary")


def expand(url: str, environ: Mapping[str, str]) -> tuple[str, list[str]]:
    """``url`` with ``${NAME}`` read from ``environ``, and the secrets to scrub."""
    secrets: list[str] = []

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in environ:
            raise SourceError(f"the environment variable {name} is not set")
        if environ[name]:
            secrets.append(environ[name])
        return environ[name]

    expanded = _VAR.sub(value, url)
    password = password_of(expanded)  # up to the last @ (SPEC 12.3)
    if password:
        secrets += [password, unquote(password)]
    return expanded, secrets


_PART = 4  # no run of this many characters of a secret is ever shown
_WHOLE = 3  # shorter secrets are no secrets: hiding every `x` would garble the message


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` without any secret, nor any part of one of ``_PART`` characters or more
    (a driver may echo a host or database name cut out of a password)."""
    secrets = sorted({s for s in secrets if len(s) >= _WHOLE}, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, "***")
    long = [s for s in secrets if len(s) >= _PART]
    if not long:
        return text
    out: list[str] = []
    i = 0
    while i < len(text):
        run = max(_run_within(text, i, s) for s in long)
        if run >= _PART:
            out.append("***")
            i += run
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _run_within(text: str, start: int, secret: str) -> int:
    """The length of the longest text[start:start+n] that occurs in ``secret``."""
    n = 0
    while start + n < len(text) and text[start : start + n + 1] in secret:
        n += 1
    return n


def engine_name(url: str) -> str:
    return url.split(":", 1)[0] or "?"


def fetch(
    repo: Repo, wanted: list[Item], environ: Mapping[str, str] | None = None, check: bool = False
) -> tuple[list[Fetched], list[Timing]]:
    """Run every item's query, connection by connection; one failure fails only its items.
    ``check``: a tracker counts as of its latest recorded check-in (SPEC 17.3)."""
    env = os.environ if environ is None else environ
    by_source: dict[str, list[Item]] = {}
    for item in wanted:
        by_source.setdefault(item.source.from_, []).append(item)
    results: list[Fetched] = []
    timings: list[Timing] = []
    everyone = secrets_of(repo.config.sources.values(), env)  # no connection shows another's
    for name, group in by_source.items():
        connection = repo.config.sources.get(name)
        if connection is None:
            msg = f"no connection {name!r} in `sources:` of okrbsc.yaml"
            results += [Fetched(i, error=msg) for i in group]
            continue
        if connection.url is None:  # a tracker (SPEC 17)
            from okrbsc.sources.trackers import fetch_group

            timing = Timing(name, connection.tracker or "?", len(group))
            started = time.perf_counter()
            results += fetch_group(repo, name, connection, group, env, timing, everyone, check)
            timing.seconds = time.perf_counter() - started
            timings.append(timing)
            continue
        timing = Timing(name, engine_name(connection.url), len(group))
        started = time.perf_counter()
        results += _fetch_group(repo, connection, group, env, timing, everyone)
        timing.seconds = time.perf_counter() - started
        timings.append(timing)
    return results, timings


def secrets_of(connections: Iterable[Connection], env: Mapping[str, str]) -> list[str]:
    """Every value a connection's ``${NAME}`` expands to, and every password in its URL."""
    out: list[str] = []
    for connection in connections:
        if connection.url is None:  # a tracker: its token and e-mail (SPEC 17.1)
            tracker = connection.github or connection.gitlab or connection.jira
            names = [getattr(tracker, k, None) for k in ("token_env", "email_env")]
            out += [env[n] for n in names if n is not None and env.get(n)]
            continue
        out += [env[name] for name in _VAR.findall(connection.url) if env.get(name)]
        password = password_of(_VAR.sub(lambda m: env.get(m.group(1), ""), connection.url))
        out += [password, unquote(password)] if password else []
    return out


def _fetch_group(
    repo: Repo,
    connection: Connection,
    group: list[Item],
    env: Mapping[str, str],
    timing: Timing,
    everyone: list[str],
) -> list[Fetched]:
    secrets = list(everyone)
    assert connection.url is not None  # a database (trackers: okrbsc.sources.trackers)
    try:
        expanded, own = expand(connection.url, env)
        secrets += own
        engine = connect(expanded, repo.root, connection.timeout)
    except MissingPackage:
        raise
    except SourceError as exc:
        timing.failed = True
        msg = "cannot connect: " + scrub(str(exc), secrets)
        return [Fetched(i, error=msg) for i in group]
    try:
        out = []
        for item in group:
            fetched = _run(repo, engine, item, secrets)
            timing.rows += len(fetched.readings)
            out.append(fetched)
        return out
    finally:
        engine.close()


def _run(repo: Repo, engine: Engine, item: Item, secrets: list[str]) -> Fetched:
    if item.source.query is None:
        return Fetched(item, error="a database connection needs a query on the source")
    try:
        rows = engine.rows(item.source.query)
        readings = _readings(repo, item, rows)
    except (SourceError, RowError) as exc:
        return Fetched(item, error=scrub(str(exc), secrets))
    return Fetched(item, readings)


class RowError(Exception):
    """A row whose period, date or value cannot be read."""


def _readings(repo: Repo, item: Item, rows: Iterable[tuple[Any, ...]]) -> list[Reading]:
    out: list[Reading] = []
    cal = repo.calendar
    for number, row in enumerate(rows, start=1):
        where = f"row {number}"
        if len(row) < 2:
            raise RowError(f"{where}: expected at least 2 columns, got {len(row)}")
        if row[1] is None:
            continue  # a NULL value: nothing measured
        try:
            value = _value(row[1], item.binary)
            if item.kind == "measure":
                key: Period | dt.date = _period(row[0], cal.quarter_of)
                confidence = None
            else:
                key = _date(row[0])
                confidence = _number(row[2], "confidence") if len(row) > 2 else None
        except ValueError as exc:
            raise RowError(f"{where}: {exc}") from None
        if isinstance(key, dt.date):
            assert item.period is not None
            if not cal.contains(item.period, key) or key > repo.as_of:
                continue
        out.append(Reading(key, value, confidence, where))
    return out


def _show(value: Any) -> str:
    if isinstance(value, dt.date):
        value = value.isoformat()
    text = str(value) if isinstance(value, decimal.Decimal) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _number(value: Any, what: str = "value") -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"{what} {_show(value)} is not a number")
    if isinstance(value, int):
        return _whole(value, what)
    if isinstance(value, decimal.Decimal) and value.is_finite() and value == value.to_integral():
        return _whole(int(value), what)  # PostgreSQL's numeric
    if isinstance(value, decimal.Decimal | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise ValueError(f"{what} {_show(value)} is not a number") from None
    else:
        raise ValueError(f"{what} {_show(value)} is not a number")
    if not math.isfinite(number):
        raise ValueError(f"{what} {_show(value)} is not a finite number")
    return number


_EXACT = 2**53  # every whole number up to it is held exactly


def _whole(value: int, what: str) -> int | float:
    """A whole number as okrbsc holds it (a float beyond 2**53), or an error naming it when
    it would be read back as another number (SPEC 12.3)."""
    if abs(value) <= _EXACT:
        return value
    digits = str(value)
    shown = digits if len(digits) <= 40 else f"{digits[:20]}... ({len(digits.lstrip('-'))} digits)"
    try:
        number = float(value)
    except OverflowError:
        raise ValueError(
            f"{what} {shown} is too large: okrbsc holds numbers up to about 1.8e+308"
        ) from None
    if int(number) != value:
        raise ValueError(
            f"{what} {shown} is too large to write exactly: numbers keep 15 to 17 significant "
            f"digits, so it would be read back as {number:.17g} (round it in the query)"
        )
    return number


def _value(value: Any, binary: bool) -> int | float | bool:
    if binary:
        if isinstance(value, bool):
            return value
        number = _number(value)
        if number not in (0, 1):
            raise ValueError(f"a binary key result takes 0/1 or true/false, not {_show(value)}")
        return bool(number)
    number = _number(value)
    assert number is not None
    return number


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for parse in (dt.date.fromisoformat, dt.datetime.fromisoformat):
            try:
                day = parse(text)  # the whole text: '0045-03-15 (BC)' is no date of ours
            except ValueError:
                continue
            return day.date() if isinstance(day, dt.datetime) else day
    raise ValueError(f"date {_show(value)} is not a date (YYYY-MM-DD)")


def _period(value: Any, quarter_of: Any) -> Period:
    if isinstance(value, decimal.Decimal) and value.is_finite() and value == value.to_integral():
        value = int(value)  # PostgreSQL's extract(year ...) is a numeric
    if isinstance(value, dt.date | dt.datetime) or (
        isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}", value.strip())
    ):
        period: Period = quarter_of(_date(value))
    elif isinstance(value, int | str) and not isinstance(value, bool):
        try:
            period = Period.parse(value)
        except YearOutOfRange:
            raise ValueError(_outside(value)) from None
        except ValueError:
            msg = f"period {_show(value)} is not a period (2026-Q3, 2026 or a date)"
            raise ValueError(msg) from None
    else:
        raise ValueError(f"period {_show(value)} is not a period (2026-Q3, 2026 or a date)")
    if not period.in_range:
        raise ValueError(_outside(value))
    return period


def _outside(value: Any) -> str:
    return f"period {_show(value)} lies outside every fiscal year (1 to 9998)"
