"""Read-only connections to the engines of SPEC 8.1: DuckDB, SQLite, any SQLAlchemy URL.

Every connection runs one SELECT at a time and writes nothing:

* DuckDB: a file opens ``read_only``; relative paths in queries are read
  from the repo root; no file outside the root is read (external access off,
  the root the one allowed directory, links resolved before the check); no
  extension is installed or loaded, the configuration is locked, and any
  statement but one SELECT is refused before it runs.
* SQLite (stdlib ``sqlite3``): opened ``mode=ro``, ``query_only``, no ATTACH,
  and an authorizer that allows reading only.
* SQLAlchemy: each query in its own transaction, ``SET TRANSACTION READ
  ONLY`` on PostgreSQL (and MySQL), always rolled back.

Driver errors are never passed on as they are: :mod:`okrbsc.sources.pull`
rephrases them with every secret scrubbed.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from okrbsc.errors import UsageError

MAX_ROWS = 100_000  # a query returning more is refused: aggregate in the query
_BATCH = 10_000


class SourceError(Exception):
    """A connection or a query failed; the message is safe to print."""


class MissingPackage(UsageError):
    """The extra `okrbsc[data]` (or a driver) is not installed: exit 2."""


class Engine(Protocol):
    def rows(self, query: str) -> Iterator[tuple[Any, ...]]: ...

    def close(self) -> None: ...


def connect(url: str, root: Path) -> Engine:
    """A read-only connection for ``url`` (variables already expanded)."""
    scheme = url.split(":", 1)[0].lower()
    if scheme == "duckdb":
        return DuckDb(_path_of(url, "duckdb", root), root)
    if scheme == "sqlite":
        path = _path_of(url, "sqlite", root)
        if path is None:
            raise SourceError("an SQLite source needs a file: sqlite:///data/ops.sqlite")
        return Sqlite(path)
    return Alchemy(url)


def _path_of(url: str, scheme: str, root: Path) -> Path | None:
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


def _batches(fetch: Any) -> Iterator[tuple[Any, ...]]:
    count = 0
    while True:
        batch = fetch(_BATCH)
        if not batch:
            return
        count += len(batch)
        if count > MAX_ROWS:
            raise SourceError(f"the query returned more than {MAX_ROWS:,} rows: aggregate in it")
        yield from (tuple(row) for row in batch)


class DuckDb:
    """DuckDB held inside the repo: ``enable_external_access`` off, the root its one
    ``allowed_directories`` entry, no temporary directory, the configuration locked.

    DuckDB checks a relative path against the working directory (and resolves
    links before it checks), so each query runs with the repo root as the
    working directory: 'data/arr.csv' is read from the repo wherever okrbsc
    runs, and '/etc/passwd', '../x.csv' or a link out of the repo is refused.
    """

    def __init__(self, path: Path | None, root: Path) -> None:
        duckdb = _import("duckdb")
        self.root = root.resolve()
        config = {
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
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

    def rows(self, query: str) -> Iterator[tuple[Any, ...]]:
        duckdb = self.duckdb
        try:
            statements = duckdb.extract_statements(query)
            if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
                raise SourceError("only one SELECT is allowed: a source is read, never written")
            with _working_directory(self.root):
                self.con.execute(query)  # not a cursor: a cursor forgets file_search_path
                rows = list(_batches(self.con.fetchmany))
        except duckdb.Error as exc:
            if isinstance(exc, duckdb.PermissionException) and _ACCESS.search(str(exc)):
                raise SourceError(_outside(exc)) from None
            raise SourceError(_first_line(exc)) from None
        yield from rows

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


_ACCESS = re.compile(r'Cannot access file "([^"]*)"')


def _outside(exc: BaseException) -> str:
    found = _ACCESS.search(str(exc))
    what = f"the file {found.group(1)!r}" if found else "a file"
    return f"{what} lies outside the repo (or is a link out of it): not read"


_SQLITE_ALLOWED = {"SQLITE_SELECT", "SQLITE_READ", "SQLITE_FUNCTION", "SQLITE_RECURSIVE"}


class Sqlite:
    def __init__(self, path: Path) -> None:
        import sqlite3

        allowed = {getattr(sqlite3, name) for name in _SQLITE_ALLOWED}
        try:
            self.con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
            self.con.execute("PRAGMA query_only = ON")
            self.con.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        except sqlite3.Error as exc:
            raise SourceError(_first_line(exc)) from None
        self.con.set_authorizer(
            lambda action, *_: sqlite3.SQLITE_OK if action in allowed else sqlite3.SQLITE_DENY
        )
        self.sqlite3 = sqlite3

    def rows(self, query: str) -> Iterator[tuple[Any, ...]]:
        try:
            cursor = self.con.execute(query)
            yield from _batches(cursor.fetchmany)
        except self.sqlite3.Error as exc:
            message = _first_line(exc)
            if "not authorized" in message:
                message += ": a source is read, never written"
            raise SourceError(message) from None

    def close(self) -> None:
        self.con.close()


class Alchemy:
    def __init__(self, url: str) -> None:
        sqlalchemy = _import("sqlalchemy")
        from sqlalchemy.pool import NullPool

        self.sqlalchemy = sqlalchemy
        try:
            self.engine = sqlalchemy.create_engine(url, poolclass=NullPool)
            self.con = self.engine.connect()
        except ImportError as exc:
            raise MissingPackage(
                f"the database driver for this source is not installed ({exc.name or 'driver'}): "
                "install it, e.g. pip install 'psycopg[binary]' for postgresql+psycopg"
            ) from None
        except Exception as exc:  # driver errors carry the URL: rephrase
            raise SourceError(_first_line(exc)) from None

    def rows(self, query: str) -> Iterator[tuple[Any, ...]]:
        trans = self.con.begin()
        try:
            if self.engine.dialect.name in ("postgresql", "mysql", "mariadb"):
                self.con.exec_driver_sql("SET TRANSACTION READ ONLY")
            result = self.con.exec_driver_sql(query)
            yield from _batches(result.fetchmany)
        except SourceError:
            raise
        except Exception as exc:
            raise SourceError(_first_line(exc)) from None
        finally:
            trans.rollback()

    def close(self) -> None:
        self.con.close()
        self.engine.dispose()


_NOISE = re.compile(r"\s*\(Background on this error at: .*\)\s*$")


def _first_line(exc: BaseException) -> str:
    """The driver's own words, first line only (SQLAlchemy appends the SQL and a link)."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), type(exc).__name__)
    return _NOISE.sub("", line)
