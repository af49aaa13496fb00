"""The one-statement check (SPEC 12.3) and the password of a URL, read as each engine reads them."""

from __future__ import annotations

import pytest

from okrbsc.sources.statements import count
from okrbsc.strategy.urls import hide_password, password_of

STATEMENTS = [
    # (query, dialect, statements found)
    ("select 1", "sqlite", 1),
    ("select 1;", "postgresql", 1),
    ("select 1;  -- done\n", "postgresql", 1),
    (";; select 1 ;;", "sqlite", 1),
    ("", "sqlite", 0),
    ("-- nothing\n/* at all */", "postgresql", 0),
    ("select 1; drop table t", "sqlite", 2),
    ("select 1; COMMIT; DROP TABLE t", "postgresql", 3),
    ("select ';' as x", "sqlite", 1),
    ("select 'it''s; fine'", "postgresql", 1),
    ('select 1 as "a;b"', "postgresql", 1),
    ("select [a;b] from t", "sqlite", 1),
    ("select `a;b` from t", "sqlite", 1),
    ("select 1 -- ; drop table t", "sqlite", 1),
    ("select 1 /* ; */", "sqlite", 1),
    ("select 1 /* ; */ ; drop table t -- ;", "sqlite", 2),
    # PostgreSQL: dollar quotes, E'' strings, nested comments
    ("select $$a;b$$", "postgresql", 1),
    ("select $x$ ; $$ ; $x$", "postgresql", 1),
    ("select $$a;b$$", "sqlite", 2),  # SQLite knows no dollar quotes
    ("select E'\\'; drop table t; '", "postgresql", 1),
    ("select 'a\\'; drop table t; '", "postgresql", 3),  # standard strings: no backslash escape
    ("select 1 /* /* */ ; */", "postgresql", 1),
    ("select 1 /* /* */ ; */", "sqlite", 2),  # SQLite's comments do not nest
    # another dialect: any reading that finds a second statement refuses the text
    ("select 'a\\'; drop table t; '", "mysql", 3),
    ("select 1 /*! ; drop table t */", "mysql", 2),
    ("select 1 # ; drop table t", "mysql", 2),
    ("select 'one; statement'", "mysql", 1),
]


@pytest.mark.parametrize(("query", "dialect", "found"), STATEMENTS)
def test_statements_are_counted_as_the_engine_reads_them(query: str, dialect: str, found: int) -> None:  # fmt: skip
    assert count(query, dialect) == found


URLS = [
    ("postgresql+psycopg://okr:p@ss:w/rd@db.internal/analytics", "p@ss:w/rd",
     "postgresql+psycopg://okr:***@db.internal/analytics"),
    ("postgresql://okr:s3cr3t@/db?host=/tmp/x", "s3cr3t", "postgresql://okr:***@/db?host=/tmp/x"),
    ("postgresql://okr@db/x", "", "postgresql://okr@db/x"),
    ("postgresql://okr:@db/x", "", "postgresql://okr:@db/x"),
    ("duckdb:///data/x.duckdb", "", "duckdb:///data/x.duckdb"),
    ("okr:secret@db", "secret", "okr:***@db"),
    ("mysql://u:a%40b@h/d", "a%40b", "mysql://u:***@h/d"),
]  # fmt: skip


@pytest.mark.parametrize(("url", "password", "shown"), URLS)
def test_the_password_runs_to_the_last_at(url: str, password: str, shown: str) -> None:
    assert password_of(url) == password
    assert hide_password(url) == shown
