"""Read-only connections to the engines of SPEC 8.1 and 12.3: DuckDB, SQLite, any SQLAlchemy URL.

A source is read, never changed, and each database enforces it itself:

* DuckDB: a file opens ``read_only``; in memory or not, no file outside the
  repo root is read or written (external access off, the root the one
  allowed directory, links resolved first), no extension is installed or
  loaded, no secret stored, the configuration locked. Inside the root
  DuckDB's settings cannot tell a read from a write, so DuckDB's own parser
  classifies the statement and only a SELECT runs (no COPY TO, ATTACH,
  EXPORT).
* SQLite (``sqlite:`` and ``sqlite+<driver>:`` alike, through the standard
  library): opened by URI ``mode=ro``, ``query_only``, no database may be
  attached, and an authorizer that allows reading only (which also refuses
  VACUUM INTO and load_extension).
* PostgreSQL: ``default_transaction_read_only=on`` and ``statement_timeout``
  set when the session starts (libpq ``options``; a ``COMMIT`` in a query
  cannot end them), checked before the first query; each query runs as a
  subquery, so only a query runs (no COPY TO a server file or PROGRAM, no
  DO, no CALL), in a ``READ ONLY`` transaction that is rolled back.
* Any other SQLAlchemy dialect: each query in a transaction that is rolled
  back, never committed (``SET TRANSACTION READ ONLY`` on MySQL).

A query is one statement (:mod:`okrbsc.sources.statements`), and it ends:
past the connection's ``timeout`` it is cancelled (DuckDB ``interrupt``, an
SQLite progress handler, PostgreSQL ``statement_timeout`` and a cancel
request) and fails with "timed out after N s".

A file-based source whose path resolves outside the repo root is refused; an
absolute path inside it is read like a relative one. Driver errors are never
passed on as they are: :mod:`okrbsc.sources.pull` scrubs every secret.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

from okrbsc.errors import UsageError
from okrbsc.sources import statements
from okrbsc.strategy.urls import password_span

MAX_ROWS = 100_000  # a query returning more is refused: aggregate in it
_BATCH = 10_000
Row = tuple[Any, ...]


class SourceError(Exception):
    """A connection or a query failed; the message is safe to print once scrubbed."""


class MissingPackage(UsageError):
    """The extra `okrbsc[data]` (or a driver) is not installed: exit 2."""


class Engine(Protocol):
    def rows(self, query: str) -> list[Row]: ...

    def close(self) -> None: ...


def seconds(timeout: float) -> str:
    return f"{timeout:g}"


def timed_out(timeout: float) -> SourceError:
    return SourceError(f"timed out after {seconds(timeout)} s")


def connect(url: str, root: Path, timeout: float = 60.0) -> Engine:
    """A read-only connection for ``url`` (variables already expanded)."""
    scheme = url.split(":", 1)[0].lower()
    base = scheme.split("+", 1)[0]
    if base == "duckdb":
        return DuckDb(_path_of(url, scheme, root), root, timeout)
    if base == "sqlite":
        path = _path_of(url, scheme, root)
        if path is None:
            raise SourceError("an SQLite source needs a file: sqlite:///data/ops.sqlite")
        return Sqlite(path, timeout)
    return Alchemy(url, timeout)


def _path_of(url: str, scheme: str, root: Path) -> Path | None:
    """The database file of a ``duckdb:`` or ``sqlite:`` URL, inside the repo, or None (memory)."""
    rest = url[len(scheme) + 1 :]
    if rest in ("", "//", "///", ":memory:", "///:memory:"):
        return None
    if not rest.startswith("///"):
        raise SourceError(f"write a {scheme} file as {scheme}:///path/relative/to/the/repo")
    rel = rest[3:].split("?", 1)[0]
    path = (root / rel).resolve()
    if not path.is_relative_to(root.resolve()):
        raise SourceError(f"{scheme} file {rel!r} lies outside the repo: not opened")
    if not path.is_file():
        raise SourceError(f"no {scheme} file {rel!r} in the repo")
    return path


def _import(name: str) -> Any:
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError:
        raise MissingPackage(
            f'`okrbsc pull` needs the package {name.split(".")[0]!r}: pip install "okrbsc[data]"'
        ) from None


def one_statement(query: str, dialect: str) -> None:
    _one(statements.count(query, dialect))


def _one(found: int) -> None:
    if found == 0:
        raise SourceError("the query is empty")
    if found > 1:
        raise SourceError(
            f"the query holds {found} statements: a query is one statement (a ';' ends it)"
        )


def _batches(fetch: Any) -> list[Row]:
    out: list[Row] = []
    while True:
        batch = fetch(_BATCH)
        if not batch:
            return out
        if len(out) + len(batch) > MAX_ROWS:
            raise SourceError(f"the query returned more than {MAX_ROWS:,} rows: aggregate in it")
        out += (tuple(row) for row in batch)


@contextlib.contextmanager
def _watchdog(timeout: float, cancel: Callable[[], object]) -> Iterator[threading.Event]:
    """Call ``cancel`` from another thread once ``timeout`` seconds have passed; the event
    tells whether it fired."""
    fired = threading.Event()

    def fire() -> None:
        fired.set()
        with contextlib.suppress(Exception):
            cancel()

    timer = threading.Timer(timeout, fire)
    timer.daemon = True
    timer.start()
    try:
        yield fired
    finally:
        timer.cancel()


class DuckDb:
    """DuckDB held inside the repo: ``enable_external_access`` off, the root its one
    ``allowed_directories`` entry, no temporary directory, the configuration locked.

    DuckDB checks a relative path against the working directory (and resolves
    links before it checks), so each query runs with the repo root as the
    working directory: 'data/arr.csv' is read from the repo wherever okrbsc
    runs, and '/etc/passwd', '../x.csv' or a link out of the repo is refused.
    """

    def __init__(self, path: Path | None, root: Path, timeout: float) -> None:
        duckdb = _import("duckdb")
        self.root, self.timeout = root.resolve(), timeout
        config = {
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "allow_community_extensions": False,
            "allow_persistent_secrets": False,
            "temp_directory": "",
        }
        try:
            if path is None:
                self.con = duckdb.connect(":memory:", config=config)
            else:
                self.con = duckdb.connect(str(path), read_only=True, config=config)
            for statement in _held_inside(self.root):
                self.con.execute(statement)
        except duckdb.Error as exc:
            raise SourceError(_first_line(exc)) from None
        self.duckdb = duckdb

    def rows(self, query: str) -> list[Row]:
        duckdb = self.duckdb
        try:
            found = duckdb.extract_statements(query)  # DuckDB's own parser, nothing run
            _one(len(found))
            if found[0].type != duckdb.StatementType.SELECT:
                raise SourceError("only one SELECT is allowed: a source is read, never written")
            with _working_directory(self.root), _watchdog(self.timeout, self.con.interrupt) as hit:
                try:
                    self.con.execute(query)  # not a cursor: a cursor forgets file_search_path
                    return _batches(self.con.fetchmany)
                except duckdb.Error:
                    if hit.is_set():
                        raise timed_out(self.timeout) from None
                    raise
        except duckdb.Error as exc:
            if isinstance(exc, duckdb.PermissionException) and _ACCESS.search(str(exc)):
                raise SourceError(_outside(exc)) from None
            raise SourceError(_first_line(exc)) from None

    def close(self) -> None:
        self.con.close()


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _held_inside(root: Path) -> list[str]:
    """The settings that keep DuckDB's file access inside ``root`` (order matters)."""
    return [
        f"SET file_search_path = {_sql_text(str(root))}",
        f"SET allowed_directories = [{_sql_text(str(root) + os.sep)}]",
        "SET enable_external_access = false",
        "SET lock_configuration = true",
    ]


@contextlib.contextmanager
def _working_directory(root: Path) -> Iterator[None]:
    try:
        before: str | None = os.getcwd()
    except OSError:  # the working directory was removed: nothing to go back to
        before = None
    os.chdir(root)
    try:
        yield
    finally:
        if before is not None:
            os.chdir(before)


_ACCESS = re.compile(r'Cannot access (?:file|directory) "([^"]*)"')


def _outside(exc: BaseException) -> str:
    found = _ACCESS.search(str(exc))
    what = f"the file {found.group(1)!r}" if found else "a file"
    return f"{what} lies outside the repo (or is a link out of it): not read or written"


_SQLITE_ALLOWED = {"SQLITE_SELECT", "SQLITE_READ", "SQLITE_FUNCTION", "SQLITE_RECURSIVE"}
_SQLITE_TICKS = 1_000  # virtual machine steps between two looks at the clock


def _sqlite_flags(path: Path) -> str:
    """``mode=ro``; and ``immutable=1`` when no write-ahead log or journal lies beside the
    file: otherwise even a reader of a WAL database leaves -wal and -shm files behind."""
    beside = [path.with_name(path.name + end) for end in ("-wal", "-journal")]
    return "mode=ro" if any(p.exists() for p in beside) else "mode=ro&immutable=1"


class Sqlite:
    def __init__(self, path: Path, timeout: float) -> None:
        import sqlite3

        allowed = {getattr(sqlite3, name) for name in _SQLITE_ALLOWED}
        try:
            self.con = sqlite3.connect(f"{path.as_uri()}?{_sqlite_flags(path)}", uri=True)
            self.con.execute("PRAGMA query_only = ON")
            self.con.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        except sqlite3.Error as exc:
            raise SourceError(_first_line(exc)) from None
        self.con.set_authorizer(
            lambda action, *_: sqlite3.SQLITE_OK if action in allowed else sqlite3.SQLITE_DENY
        )
        self.sqlite3, self.timeout = sqlite3, timeout

    def rows(self, query: str) -> list[Row]:
        one_statement(query, "sqlite")
        return self.run(query)

    def run(self, query: str) -> list[Row]:
        """``query`` as it is: the connection alone keeps it from writing."""
        deadline = time.monotonic() + self.timeout
        late = threading.Event()

        def over() -> int:
            if time.monotonic() > deadline:
                late.set()
                return 1
            return 0

        self.con.set_progress_handler(over, _SQLITE_TICKS)
        try:
            return _batches(self.con.execute(query).fetchmany)
        except self.sqlite3.Error as exc:
            if late.is_set():
                raise timed_out(self.timeout) from None
            message = _first_line(exc)
            if "not authorized" in message or "authorization denied" in message:
                message += ": a source is read, never written"
            raise SourceError(message) from None
        finally:
            self.con.set_progress_handler(None, 0)

    def close(self) -> None:
        self.con.close()


_LIBPQ_DRIVERS = {"psycopg", "psycopg2", "psycopg2cffi", "psycopg_async"}


class Alchemy:
    """Any SQLAlchemy URL; PostgreSQL sessions read-only from the start (see the module)."""

    def __init__(self, url: str, timeout: float) -> None:
        sqlalchemy = _import("sqlalchemy")
        from sqlalchemy.pool import NullPool

        self.sqlalchemy, self.timeout = sqlalchemy, timeout
        try:
            parsed = _url(sqlalchemy, url)
            self.dialect = parsed.get_backend_name()
            args = _connect_args(parsed, timeout)
            self.engine = sqlalchemy.create_engine(parsed, poolclass=NullPool, connect_args=args)
            self.con = self.engine.connect()
            if self.dialect == "postgresql":
                self._read_only_session(parsed.get_driver_name() in _LIBPQ_DRIVERS)
        except ImportError as exc:
            raise MissingPackage(
                f"the database driver for this source is not installed ({exc.name or 'driver'}): "
                "install it, e.g. pip install 'psycopg[binary]' for postgresql+psycopg"
            ) from None
        except SourceError:
            raise
        except Exception as exc:  # driver errors may carry the URL: scrubbed by the caller
            raise SourceError(_first_line(exc)) from None

    def _read_only_session(self, started_so: bool) -> None:
        """Make sure the session is read-only before any query of the repo runs."""
        with self.con.begin() as trans:
            if not started_so:  # a driver without libpq options: the session is set here
                self.con.exec_driver_sql("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
                ms = math.ceil(self.timeout * 1000)
                self.con.exec_driver_sql(f"SET SESSION statement_timeout = {ms}")
                trans.commit()
        with self.con.begin() as trans:
            state = self.con.exec_driver_sql("SHOW default_transaction_read_only").scalar()
            trans.rollback()
        if state != "on":
            raise SourceError("the server did not make the session read-only: not queried")

    def rows(self, query: str) -> list[Row]:
        one_statement(query, self.dialect)
        return self.run(query)

    def run(self, query: str) -> list[Row]:
        """``query`` as it is (a subquery on PostgreSQL): the session keeps it from writing."""
        if self.dialect == "postgresql":
            query = f"SELECT * FROM (\n{_without_end(query)}\n) AS okrbsc_query"
        raw = self.con.connection.dbapi_connection
        cancel = getattr(raw, "cancel", lambda: None)
        grace = 1.0 if self.dialect == "postgresql" else 0.0  # the server's own limit first
        trans = self.con.begin()
        try:
            with _watchdog(self.timeout + grace, cancel) as hit:
                try:
                    if self.dialect in ("postgresql", "mysql", "mariadb"):
                        self.con.exec_driver_sql("SET TRANSACTION READ ONLY")
                    return _batches(self.con.exec_driver_sql(query).fetchmany)
                except Exception as exc:
                    if hit.is_set() or "statement timeout" in _first_line(exc):
                        raise timed_out(self.timeout) from None
                    raise
        except SourceError:
            raise
        except Exception as exc:
            message = _first_line(exc)
            if self.dialect == "postgresql" and message.startswith("syntax error"):
                message += (
                    " (a query is one SELECT, VALUES or TABLE: a source is read, never written)"
                )
            raise SourceError(message) from None
        finally:
            with contextlib.suppress(Exception):
                trans.rollback()

    def close(self) -> None:
        self.con.close()
        self.engine.dispose()


def _url(sqlalchemy: Any, url: str) -> Any:
    """SQLAlchemy's URL with the password read as SPEC 12.3 reads it (up to the last ``@``).

    SQLAlchemy ends a password at its first ``@``; ``p@ss:w/rd`` would leak into
    the host name. The password is cut out, the rest parsed, and it is put back.
    """
    from urllib.parse import unquote

    span = password_span(url)
    if span is None or "://" not in url:
        return sqlalchemy.engine.make_url(url)
    password = unquote(url[span[0] : span[1]])
    return sqlalchemy.engine.make_url(url[: span[0]] + "x" + url[span[1] :]).set(password=password)


def _connect_args(url: Any, timeout: float) -> dict[str, Any]:
    if url.get_backend_name() != "postgresql" or url.get_driver_name() not in _LIBPQ_DRIVERS:
        return {}
    ms = math.ceil(timeout * 1000)
    ours = f"-c default_transaction_read_only=on -c statement_timeout={ms}"
    theirs = url.query.get("options")
    theirs = theirs[-1] if isinstance(theirs, tuple) else theirs
    args: dict[str, Any] = {"options": f"{theirs} {ours}" if theirs else ours}  # the last -c wins
    if "connect_timeout" not in url.query:
        args["connect_timeout"] = max(2, math.ceil(timeout))
    return args


def _without_end(query: str) -> str:
    """The statement without its closing ``;`` and what follows it (comments, spaces)."""
    end = statements.first_end(query, statements.POSTGRESQL)
    return query[:end]


_NOISE = re.compile(r"\s*\(Background on this error at: .*\)\s*$")


def _first_line(exc: BaseException) -> str:
    """The driver's own words, first line only (SQLAlchemy appends the SQL and a link)."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), type(exc).__name__)
    return _NOISE.sub("", line)
