"""SPEC 12.3 through `okrbsc pull`: a source is read, never changed; queries end; secrets
stay secret; a number that cannot be written exactly says so.

Real engines only: SQLite (plain and through `sqlite+pysqlite:`), a DuckDB file,
in-memory DuckDB over CSV, and a PostgreSQL 15 server these tests start on a unix
socket with password (SCRAM) authentication and a role that may INSERT and DROP.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app
from okrbsc.sources.engines import SourceError, connect

from .conftest import need_tool
from .hostile_repos import HOSTILE_QUERIES, SECRET
from .test_pull import ARR, AS_OF, FILES, OKR, PG_BIN, _free_port, make_repo

ADMIN_PW = "adm1n-Secret"
GOOD_KR = "select d, v from t"  # S1.1's rows on every engine: 2026-07-20 -> 2.75


@dataclass(frozen=True)
class Pg:
    folder: str
    port: int

    def url(self, user: str = "writer", password: str = "${OKRBSC_TEST_PW}", db: str = "postgres") -> str:  # fmt: skip
        return f"postgresql+psycopg://{user}:{password}@/{db}?host={self.folder}&port={self.port}"

    def admin(self) -> Any:
        import psycopg

        return psycopg.connect(
            host=self.folder, port=self.port, user="okr", password=ADMIN_PW, dbname="postgres",
            autocommit=True,
        )  # fmt: skip

    def state(self) -> tuple[list[tuple[object, ...]], list[str]]:
        """The rows of t and the tables of the database."""
        with self.admin() as con:
            rows = con.execute("select d::text, v::text from t order by d").fetchall()
            tables = con.execute(
                "select tablename from pg_tables where schemaname = 'public' order by 1"
            ).fetchall()
        return rows, [t[0] for t in tables]


@pytest.fixture(scope="module")
def server() -> Iterator[Pg]:
    """PostgreSQL 15 with SCRAM passwords; `writer` owns t (so it may INSERT and DROP)."""
    need_tool(str(PG_BIN) if (PG_BIN / "initdb").exists() else None, "PostgreSQL 15", "postgresql")
    folder = tempfile.mkdtemp(prefix="okrbsc-pgpw-")
    as_user: list[str] = []
    (Path(folder) / "pw").write_text(ADMIN_PW + "\n")
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(Path(folder) / "pw", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = _free_port()

    def run(*cmd: str) -> None:
        subprocess.run([*as_user, *cmd], check=True, capture_output=True, timeout=120)

    run(str(PG_BIN / "initdb"), "-D", f"{folder}/data", "-A", "scram-sha-256", "-U", "okr",
        f"--pwfile={folder}/pw")  # fmt: skip
    run(
        str(PG_BIN / "pg_ctl"), "-D", f"{folder}/data", "-w", "-l", f"{folder}/log",
        "-o", f"-p {port} -k {folder} -c listen_addresses=''", "start",
    )  # fmt: skip
    pg = Pg(folder, port)
    try:
        with pg.admin() as con:
            con.execute(f"create role writer login password '{SECRET}'")
            con.execute("create table t(d date, v numeric)")
            con.execute("insert into t values ('2026-07-20', 2.75)")
            con.execute("alter table t owner to writer")
            con.execute("grant create on schema public to writer")
        yield pg
    finally:
        subprocess.run([*as_user, str(PG_BIN / "pg_ctl"), "-D", f"{folder}/data", "-m", "immediate", "stop"], capture_output=True)  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


ENV = {"OKRBSC_TEST_PW": SECRET}


def pull(root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        app, ["pull", *args, "--repo", str(root), "--as-of", AS_OF], env=env or ENV
    )
    return result.exit_code, result.stdout, result.stderr


def no_part_of(secret: str, text: str, size: int = 4) -> None:
    """Not one run of ``size`` characters of ``secret`` appears in ``text``."""
    parts = {secret[i : i + size] for i in range(len(secret) - size + 1)}
    shown = sorted(p for p in parts if p in text)
    assert not shown, f"parts of the secret shown: {shown}\n{text}"


def files_of(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` (YAML aside): its digest."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix != ".yaml"
    }


def hostile_repo(tmp_path: Path, connection: str, good: str = GOOD_KR) -> tuple[Path, Path]:
    """The base repo with one measure per hostile query on the connection `db`, and S1.1
    reading its good rows from `db`; the folder outside the repo anyone may write to."""
    out = tmp_path / "outside"
    out.mkdir()
    out.chmod(0o777)  # only okrbsc and the engine stand between a query and this folder
    measures = "".join(
        f"      - {{id: {hid}, name: {hid}, type: lag, baseline: 0, target: 1, source: "
        f"{{from: db, query: {json.dumps(query.format(out=out))}}}}}\n"
        for hid, query in HOSTILE_QUERIES.items()
    )
    sources = f"  db: {{url: {json.dumps(connection)}}}\n"
    root = make_repo(tmp_path / "r", sources, "{from: db, query: 'select 1, 2 where false'}",
                     f"from: db\n          query: {json.dumps(good)}")  # fmt: skip
    card = root / "scorecard.yaml"
    text = card.read_text()
    anchor = "      - {id: C1-nps"
    card.write_text(text.replace(anchor, measures + anchor, 1))
    return root, out


def _sqlite(root: Path) -> None:
    db = sqlite3.connect(root / "data/ops.sqlite")
    db.execute("create table t(d text, v real)")
    db.execute("insert into t values ('2026-07-20', 2.75)")
    db.commit()
    db.close()


def _sqlite_wal(root: Path) -> None:
    _sqlite(root)
    db = sqlite3.connect(root / "data/ops.sqlite")
    assert db.execute("pragma journal_mode = wal").fetchone() == ("wal",)
    db.close()
    assert not list((root / "data").glob("ops.sqlite-*"))  # closed: no -wal, no -shm


def _duckdb(root: Path) -> None:
    import duckdb

    con = duckdb.connect(str(root / "data/f.duckdb"))
    con.execute("create table t as select date '2026-07-20' as d, 2.75::double as v")
    con.close()


def _csv(root: Path) -> None:
    (root / "data/t.csv").write_text("d,v\n2026-07-20,2.75\n")


# engine -> (the URL, given the repo root; what puts t in the repo; S1.1's query)
FILE_ENGINES: dict[str, tuple[Callable[[Path], str], Callable[[Path], None], str]] = {
    "sqlite": (lambda root: "sqlite:///data/ops.sqlite", _sqlite, GOOD_KR),
    "sqlite+pysqlite, absolute": (
        lambda root: f"sqlite+pysqlite:///{root}/data/ops.sqlite",
        _sqlite,
        GOOD_KR,
    ),
    "sqlite in WAL mode": (lambda root: "sqlite:///data/ops.sqlite", _sqlite_wal, GOOD_KR),
    "duckdb file": (lambda root: "duckdb:///data/f.duckdb", _duckdb, GOOD_KR),
    "duckdb over csv": (lambda root: "duckdb:", _csv, "select d, v from 'data/t.csv'"),
}


def _run_three_modes(root: Path, out: Path, state: Callable[[], object]) -> list[dict[str, Any]]:
    """pull --dry-run, pull --check, pull: each refuses every hostile query, pulls S1.1,
    and leaves the database, the repo's other files and the outside folder as they were."""
    before, first = files_of(root), state()
    reports = []
    for mode in ("--dry-run", "--check", None):
        code, stdout, stderr = pull(root, *([mode] if mode else []), "--format", "json")
        assert code == 2, stdout + stderr
        report = json.loads(stdout)
        failed = {e["id"] for e in report["errors"]}
        assert failed == set(HOSTILE_QUERIES), report["errors"]
        assert all(e["source"] == "db" for e in report["errors"])
        added = [
            (c["id"], c["date"], c["new"]) for c in report["changes"] if c["change"] == "added"
        ]
        assert added == [("S1.1", "2026-07-20", 2.75)]
        assert files_of(root) == before, mode  # the database file's bytes, no new file
        assert list(out.iterdir()) == [], mode
        assert state() == first, mode
        reports.append(report)
    assert "{date: 2026-07-20, value: 2.75, source: db}" in (root / OKR).read_text()
    return reports


@pytest.mark.parametrize("engine", list(FILE_ENGINES))
def test_hostile_queries_change_nothing_in_file_engines(tmp_path: Path, engine: str) -> None:
    url_of, fill, good = FILE_ENGINES[engine]
    root, out = hostile_repo(tmp_path, url_of(tmp_path / "r"), good)
    fill(root)
    reports = _run_three_modes(root, out, lambda: files_of(root / "data"))
    messages = {e["id"]: e["message"] for e in reports[-1]["errors"]}
    assert "holds 3 statements" in messages["H04"]
    assert "holds 2 statements" in messages["H05"] and "holds 2 statements" in messages["H17"]
    assert not any((root / "data").glob("*-wal")) and not (root / "data/new.db").exists()


def test_hostile_queries_change_nothing_in_postgresql(tmp_path: Path, server: Pg) -> None:
    root, out = hostile_repo(tmp_path, server.url())
    reports = _run_three_modes(root, out, server.state)
    messages = {e["id"]: e["message"] for e in reports[-1]["errors"]}
    assert "holds 3 statements" in messages["H04"]
    assert "a source is read, never written" in messages["H11"]  # COPY TO PROGRAM: not a query
    assert server.state() == ([("2026-07-20", "2.75")], ["t"])


def test_postgresql_as_a_role_that_may_write_the_session_itself_refuses(server: Pg, tmp_path: Path) -> None:  # fmt: skip
    """writer owns t: on its own it may INSERT and DROP. Through okrbsc's session, even with
    the one-statement check and the subquery passed by, every write is refused by the server."""
    import psycopg

    with psycopg.connect(host=server.folder, port=server.port, user="writer", password=SECRET,
                         dbname="postgres") as con:  # fmt: skip
        con.execute("create table scratch(x int)")  # the role can write...
        con.execute("insert into scratch values (1)")
        con.execute("drop table scratch")
        con.rollback()
    engine = connect(server.url(password=SECRET), tmp_path, 5)
    raw = engine.con  # type: ignore[attr-defined]  # the session itself, no check between
    for sql in ("select 1; COMMIT; DROP TABLE t", "COMMIT; insert into t values (now(), 1)",
                "drop table t", "set default_transaction_read_only = off; drop table t"):  # fmt: skip
        with pytest.raises(Exception, match="read-only transaction"):
            raw.exec_driver_sql(sql)
        raw.rollback()
    with pytest.raises(SourceError, match="read, never written"):
        engine.rows("insert into t values ('2026-07-21', 1)")
    engine.close()
    assert server.state() == ([("2026-07-20", "2.75")], ["t"])


def test_postgresql_options_in_the_url_cannot_lift_read_only(server: Pg, tmp_path: Path) -> None:
    url = server.url(password=SECRET) + "&options=-c%20default_transaction_read_only%3Doff"
    engine = connect(url, tmp_path, 5)
    with pytest.raises(Exception, match="read-only transaction"):
        engine.con.exec_driver_sql("drop table t")  # type: ignore[attr-defined]
    engine.close()
    assert server.state() == ([("2026-07-20", "2.75")], ["t"])


def test_sqlite_refuses_writes_by_itself(tmp_path: Path) -> None:
    """The statement check passed by: the read-only connection alone refuses."""
    root = tmp_path / "r"
    (root / "data").mkdir(parents=True)
    _sqlite(root)
    out = tmp_path / "out"
    out.mkdir()
    before = (root / "data/ops.sqlite").read_bytes()
    engine = connect("sqlite:///data/ops.sqlite", root)
    for sql in ("drop table t", f"vacuum into '{out}/v.db'", f"attach '{out}/a.db' as a",
                "pragma journal_mode = wal", "select load_extension('x')"):  # fmt: skip
        with pytest.raises(SourceError):
            engine.run(sql)  # type: ignore[attr-defined]
    engine.close()
    assert (root / "data/ops.sqlite").read_bytes() == before
    assert list(out.iterdir()) == [] and sorted(p.name for p in (root / "data").iterdir()) == ["ops.sqlite"]  # fmt: skip


def test_duckdb_settings_refuse_files_outside_and_extensions(tmp_path: Path) -> None:
    """The SELECT check passed by: DuckDB's own settings refuse what leaves the repo."""
    root = tmp_path / "r"
    (root / "data").mkdir(parents=True)
    out = tmp_path / "out"
    out.mkdir()
    for url in ("duckdb:", "duckdb:///data/f.duckdb"):
        if url != "duckdb:":
            _duckdb(root)
        engine = connect(url, root)
        con = engine.con  # type: ignore[attr-defined]
        for sql in (f"copy (select 1) to '{out}/c.csv'", f"attach '{out}/a.db' as a",
                    f"export database '{out}/e'", "install httpfs", "load httpfs",
                    "set enable_external_access = true", "set allowed_directories = ['/']"):  # fmt: skip
            with pytest.raises(Exception, match=r"Permission|locked|disabled"):
                con.execute(sql)
        engine.close()
    assert list(out.iterdir()) == []


# --- database files outside the repo --------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "sqlite+pysqlite:///{outside}/x.sqlite",
        "SQLite:///../x.sqlite",
        "sqlite:////{outside}/x.sqlite",
        "duckdb:///{outside}/x.duckdb",
        "DuckDB:///../x.duckdb",
        "sqlite+pysqlite:///data/../../x.sqlite",
    ],
)
def test_a_database_file_outside_the_repo_is_refused(tmp_path: Path, url: str) -> None:
    import duckdb

    sqlite3.connect(tmp_path / "x.sqlite").close()
    duckdb.connect(str(tmp_path / "x.duckdb")).close()
    url = url.format(outside=tmp_path)
    root = make_repo(tmp_path / "r", FILES + f"  ext: {{url: {json.dumps(url)}}}\n", ARR,
                     "from: ext\n          query: select 1, 2")  # fmt: skip
    code, out, err = pull(root, "--format", "json")
    assert code == 2, out + err
    errors = {e["id"]: e["message"] for e in json.loads(out)["errors"]}
    assert "lies outside the repo: not opened" in errors["S1.1"]
    assert "F1-arr" not in errors


def test_a_fifo_is_no_database(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", FILES + '  ext: {url: "sqlite:///data/fifo"}\n', ARR,
                     "from: ext\n          query: select 1, 2")  # fmt: skip
    os.mkfifo(root / "data/fifo")
    code, out, _ = pull(root, "--format", "json")
    assert code == 2
    assert "no sqlite file 'data/fifo' in the repo" in json.loads(out)["errors"][0]["message"]


# --- queries end ---------------------------------------------------------------------


def test_pg_sleep_ends_at_the_timeout_and_the_other_items_go_on(tmp_path: Path, server: Pg) -> None:
    sources = FILES + f"  db: {{url: {json.dumps(server.url())}, timeout: 2}}\n"
    sleep = "{from: db, query: \"select '2026-Q3', 1 from pg_sleep(100)\"}"
    root = make_repo(tmp_path / "r", sources, sleep, f"from: db\n          query: {GOOD_KR}")
    card = root / "scorecard.yaml"
    card.write_text(card.read_text().replace(  # C1-nps reads the CSV of the other connection
        "actuals: {2026-Q2: 35}}", "actuals: {2026-Q2: 35}, source: {from: files, query: "
        "\"select quarter, arr from 'data/arr.csv'\"}}"))  # fmt: skip
    env = {**os.environ, **ENV, "NO_COLOR": "1"}
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "okrbsc", "pull", "--repo", str(root), "--as-of", AS_OF],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    took = time.monotonic() - started
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "scorecard.yaml:8: F1-arr: source db: timed out after 2 s" in proc.stderr
    assert took < 20, took
    assert "{date: 2026-07-20, value: 2.75, source: db}" in (root / OKR).read_text()
    assert "2026-Q1: 42.5" in card.read_text()  # C1-nps, from the other connection
    with server.admin() as con:
        running = con.execute(
            "select count(*) from pg_stat_activity where query like '%pg_sleep(100)%'"
            " and pid <> pg_backend_pid()"
        ).fetchone()
    assert running == (0,)


@pytest.mark.parametrize(
    ("url", "timeout", "query", "fill"),
    [
        (
            "duckdb:",
            "1",
            "select '2026-Q3', sum(a.range * b.range) from range(100000000) a, range(1000) b",
            _csv,
        ),
        (
            "sqlite:///data/ops.sqlite",
            "0.5",
            "with recursive c(i) as (select 1 union all select i + 1 from c) select '2026-Q3', max(i) from c",
            _sqlite,
        ),
    ],
)
def test_embedded_queries_end_at_the_timeout(tmp_path: Path, url: str, timeout: str, query: str, fill: Callable[[Path], None]) -> None:  # fmt: skip
    sources = f"  db: {{url: {json.dumps(url)}, timeout: {timeout}}}\n"
    good = FILE_ENGINES["duckdb over csv" if url == "duckdb:" else "sqlite"][2]
    root = make_repo(tmp_path / "r", sources, f"{{from: db, query: {json.dumps(query)}}}",
                     f"from: db\n          query: {json.dumps(good)}")  # fmt: skip
    fill(root)
    started = time.monotonic()
    code, out, err = pull(root)
    assert time.monotonic() - started < 15
    assert code == 2, out + err
    assert f"F1-arr: source db: timed out after {timeout} s" in err
    assert "1 added" in out  # S1.1 on the same connection


@pytest.mark.parametrize("bad", ["0", "-1", "forever", "100000"])
def test_a_timeout_that_is_no_positive_number_of_seconds_is_e002(base_repo: Path, bad: str) -> None:
    with (base_repo / "okrbsc.yaml").open("a") as f:
        f.write(f'sources:\n  db: {{url: "duckdb:", timeout: {bad}}}\n')
    result = CliRunner().invoke(app, ["lint", "--repo", str(base_repo), "--as-of", AS_OF])
    assert result.exit_code == 1
    assert "E002 sources.db.timeout:" in result.stdout


# --- secrets stay secret -------------------------------------------------------------


def test_a_password_with_at_colon_and_slash_connects_and_is_never_shown(tmp_path: Path, server: Pg) -> None:  # fmt: skip
    """Written in the URL itself: the password runs to the last @ (SCRAM checks it)."""
    sources = FILES + f"  db: {{url: {json.dumps(server.url(password=SECRET))}}}\n"
    root = make_repo(tmp_path / "r", sources, ARR, f"from: db\n          query: {GOOD_KR}")
    shown = []
    for args in (["--dry-run", "--verbose"], ["--check"], ["--format", "json", "--verbose"]):
        code, out, err = pull(root, *args, env={"NO_COLOR": "1"})
        assert code in (0, 1), out + err
        no_part_of(SECRET, out + err)
        shown.append(out)
    assert f"{OKR}:9: S1.1 2026-07-20: added 2.75 from db" in shown[0]
    assert "{date: 2026-07-20, value: 2.75, source: db}" in (root / OKR).read_text()


@pytest.mark.parametrize(
    ("url", "env"),
    [
        # a wrong password
        (
            "postgresql+psycopg://writer:${OKRBSC_TEST_PW}@/postgres?host={folder}&port={port}",
            {"OKRBSC_TEST_PW": SECRET + "-wrong"},
        ),
        # a password in the URL, a host the driver echoes in its message
        (
            "postgresql+psycopg://writer:"
            + SECRET
            + "@/postgres?host=/nonexistent/"
            + SECRET
            + "&port={port}",
            {},
        ),
        (
            "postgresql+psycopg://writer:${OKRBSC_TEST_PW}@/postgres?host=/nonexistent/${OKRBSC_TEST_PW}",
            {"OKRBSC_TEST_PW": SECRET},
        ),
        # a database name the server echoes
        (
            "postgresql+psycopg://writer:${OKRBSC_TEST_PW}@/db-${OKRBSC_TEST_PW}?host={folder}&port={port}",
            {"OKRBSC_TEST_PW": SECRET},
        ),
        # expanded variables in file paths
        ("sqlite:///data/${OKRBSC_TEST_PW}/ops.sqlite", {"OKRBSC_TEST_PW": SECRET}),
        ("duckdb:///${OKRBSC_TEST_PW}.duckdb", {"OKRBSC_TEST_PW": SECRET}),
        # a URL SQLAlchemy cannot read
        ("mysql+nodriver://u:" + SECRET + "@host:notaport/db", {}),
        # hosts the driver echoes one by one: each only a part of the variable's value
        (
            "postgresql+psycopg://writer:x@/postgres?host=${OKRBSC_TEST_HOSTS}&port={port},{port}",
            {"OKRBSC_TEST_HOSTS": "/nonexistent/Qz9-h0zt:w/rd-a,/nonexistent/Qz9-h0zt:w/rd-b"},
        ),
    ],
)
def test_no_part_of_a_secret_in_connection_errors(tmp_path: Path, server: Pg, url: str, env: dict[str, str]) -> None:  # fmt: skip
    url = url.replace("{folder}", server.folder).replace("{port}", str(server.port))
    root = make_repo(tmp_path / "r", FILES + f"  db: {{url: {json.dumps(url)}}}\n", ARR,
                     "from: db\n          query: select 1, 2")  # fmt: skip
    for args in (["--verbose"], ["--format", "json", "--verbose"], ["--check"], ["--dry-run"]):
        code, out, err = pull(root, *args, env=env)
        assert code == 2, out + err
        assert "S1.1" in out + err
        for secret in {SECRET, *env.values()}:
            no_part_of(secret, out + err)
    proc = subprocess.run(
        [sys.executable, "-m", "okrbsc", "pull", "--repo", str(root), "--as-of", AS_OF],
        capture_output=True, text=True, env={**os.environ, **env, "NO_COLOR": "1"}, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "cannot connect" in proc.stderr
    for secret in {SECRET, *env.values()}:
        no_part_of(secret, proc.stdout + proc.stderr)


BARE = [
    "sources:\n  wh: postgresql+psycopg://okr:{s}@db.internal/analytics\n",
    'sources: "postgresql://okr:{s}@db.internal/analytics"\n',
    'sources:\n  - "postgresql://okr:{s}@db/x"\n',
    'sources:\n  "postgresql://okr:{s}@db/x": {{}}\n',
    'sources:\n  wh: {{url: ["postgresql://okr:{s}@db/x"]}}\n',
    'sources:\n  wh: {{url: "postgresql://okr:{s}@db/x", timeout: "okr:{s}@db"}}\n',
    'sources:\n  "okr:{s}@db x": {{url: "duckdb:"}}\n',
]


@pytest.mark.parametrize("entry", BARE)
def test_e002_of_a_malformed_sources_entry_hides_the_password(base_repo: Path, entry: str) -> None:
    with (base_repo / "okrbsc.yaml").open("a") as f:
        f.write(entry.format(s=SECRET))
    for command in (["lint"], ["lint", "--format", "json"], ["lint", "--format", "sarif"],
                    ["score"], ["pull"], ["pull", "--format", "json"], ["pull", "--check"]):  # fmt: skip
        result = CliRunner().invoke(app, [*command, "--repo", str(base_repo), "--as-of", AS_OF])
        assert result.exit_code in (1, 2), result.output
        text = result.stdout + result.stderr
        assert "E002" in text or "E002" in json.dumps(text)
        no_part_of(SECRET, text)


def test_a_repo_linted_with_a_secret_in_a_bare_url_subprocess(base_repo: Path) -> None:
    with (base_repo / "okrbsc.yaml").open("a") as f:
        f.write(f"sources:\n  wh: postgresql://okr:{SECRET}@db.internal/analytics\n")
    proc = subprocess.run(
        [sys.executable, "-m", "okrbsc", "lint", "--repo", str(base_repo), "--as-of", AS_OF],
        capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 1
    assert "E002 sources.wh: expected a mapping, got 'postgresql://okr:***@db.internal/an" in proc.stdout  # fmt: skip
    no_part_of(SECRET, proc.stdout + proc.stderr)


# --- numbers that cannot be written exactly -------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "select '2026-Q3', 123456789012345678901234567::hugeint",
            "row 1: value 123456789012345678901234567 is too large to write exactly: numbers keep "
            "15 to 17 significant digits, so it would be read back as 1.2345678901234568e+26",
        ),
        (
            "select '2026-Q3', 9007199254740993::bigint",
            "row 1: value 9007199254740993 is too large to write exactly: numbers keep 15 to "
            "17 significant digits, so it would be read back as 9007199254740992",
        ),
    ],
)
def test_a_pulled_integer_too_large_to_write_says_so(tmp_path: Path, query: str, message: str) -> None:  # fmt: skip
    root = make_repo(tmp_path / "r", FILES, f"{{from: files, query: {json.dumps(query)}}}",
                     "from: files\n          query: select d, v from 'data/t.csv'")  # fmt: skip
    _csv(root)
    before = (root / "scorecard.yaml").read_bytes()
    code, out, err = pull(root)
    assert code == 2, out + err
    assert f"scorecard.yaml:8: F1-arr: source files: {message}" in err
    assert (root / "scorecard.yaml").read_bytes() == before
    assert "1 added" in out


def test_a_large_whole_number_a_float_holds_exactly_is_written(tmp_path: Path) -> None:
    query = "select '2026-Q3', 100000000000000000000::hugeint"
    root = make_repo(tmp_path / "r", FILES, f"{{from: files, query: {json.dumps(query)}}}",
                     "from: files\n          query: select 1, 2 where false")  # fmt: skip
    code, out, err = pull(root)
    assert code == 0, out + err
    assert "2026-Q3: 1.0e+20" in (root / "scorecard.yaml").read_text()
    assert pull(root, "--check")[0] == 0


def test_a_numeric_too_large_from_postgresql_says_so(tmp_path: Path, server: Pg) -> None:
    sources = FILES + f"  db: {{url: {json.dumps(server.url())}}}\n"
    huge = "{from: db, query: \"select '2026-Q3', 10::numeric ^ 400\"}"
    root = make_repo(tmp_path / "r", sources, huge, f"from: db\n          query: {GOOD_KR}")
    code, out, err = pull(root)
    assert code == 2, out + err
    assert "F1-arr: source db: row 1: value 10000000000000000000... (401 digits) is too large: okrbsc holds numbers up to about 1.8e+308" in err  # fmt: skip


def test_no_connection_shows_another_ones_password(tmp_path: Path) -> None:
    """A query on one connection that digs another's password out of okrbsc.yaml: its
    row error never shows it."""
    url = f"postgresql+psycopg://okr:{SECRET}@/analytics?host=/nonexistent"
    dig = (
        "select substr(column0, strpos(column0, 'okr:') + 4, 20), 1 from read_csv('okrbsc.yaml',"
        " header = false, sep = '|', quote = '', columns = {'column0': 'varchar'})"
        " where column0 like '%okr:%'"
    )
    root = make_repo(tmp_path / "r", FILES + f"  wh: {{url: {json.dumps(url)}}}\n",
                     f"{{from: files, query: {json.dumps(dig)}}}",
                     "from: files\n          query: select d, v from 'data/t.csv'")  # fmt: skip
    _csv(root)
    code, out, err = pull(root, "--format", "json")
    assert code == 2, out + err
    (error,) = json.loads(out)["errors"]
    assert error["id"] == "F1-arr" and error["message"].startswith("row 1: period '***")
    no_part_of(SECRET, out + err)
