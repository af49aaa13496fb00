"""`okrbsc pull` (SPEC 8) against real engines: DuckDB over CSV and Parquet, a DuckDB file,
SQLite, and a PostgreSQL server these tests start on a unix socket."""

from __future__ import annotations

import difflib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app

from .conftest import BASE

AS_OF = "2026-09-30"
OKR = "okrs/2026/Q3/sales.yaml"
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def make_repo(root: Path, sources: str, measure_source: str, kr_source: str) -> Path:
    shutil.copytree(BASE, root)
    (root / "data").mkdir()
    (root / "data/arr.csv").write_text("quarter,arr\n2026-Q1,42.5\n2026-Q2,45\n2026-Q3,47\n")
    (root / "data/pipe.csv").write_text(
        "day,pipeline,confidence\n2026-07-13,2.4,0.6\n2026-07-20,2.75,0.6\n2026-10-01,9,0.1\n"
    )
    with (root / "okrbsc.yaml").open("a") as f:
        f.write("sources:\n" + sources)
    card = root / "scorecard.yaml"
    card.write_text(
        card.read_text().replace(
            "target: 52, actuals: {2026-Q2: 45}}",
            f"target: 52, actuals: {{2026-Q2: 45}}, source: {measure_source}}}",
        )
    )
    okr = root / OKR
    okr.write_text(
        okr.read_text().replace(
            "        target: 3.5\n",
            "        target: 3.5\n        # from the warehouse\n        source:\n"
            f"          {kr_source}\n",
            1,
        )
    )
    return root


FILES = '  files: {url: "duckdb:"}\n'
ARR = "{from: files, query: \"select quarter, arr from 'data/arr.csv'\"}"
PIPE = "from: files\n          query: select day, pipeline, confidence from 'data/pipe.csv'"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", FILES, ARR, PIPE)


def pull(root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        app, ["pull", *args, "--repo", str(root), "--as-of", AS_OF], env=env
    )
    return result.exit_code, result.stdout, result.stderr


def changed(before: str, after: str) -> tuple[list[str], list[str]]:
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return [d[2:] for d in diff if d.startswith("- ")], [d[2:] for d in diff if d.startswith("+ ")]


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.yaml")}


def test_pull_writes_only_the_new_lines_and_a_second_pull_changes_no_byte(repo: Path) -> None:
    okr_before = (repo / OKR).read_text()
    card_before = (repo / "scorecard.yaml").read_text()
    code, out, err = pull(repo)
    assert code == 0, out + err
    assert "3 added, 2 unchanged, 0 restated; 2 files written" in out
    removed, added = changed(okr_before, (repo / OKR).read_text())
    assert removed == []
    assert added == ["          - {date: 2026-07-20, value: 2.75, confidence: 0.6, source: files}"]
    assert "# from the warehouse" in (repo / OKR).read_text()
    removed, added = changed(card_before, (repo / "scorecard.yaml").read_text())
    assert added == [
        "      - {id: F1-arr, name: ARR, type: lag, baseline: 40, target: 52, actuals: {2026-Q1: 42.5,"
        f" 2026-Q2: 45, 2026-Q3: 47}}, source: {ARR}}}"
    ]
    before = snapshot(repo)
    code, out, _ = pull(repo)
    assert code == 0
    assert "0 added, 5 unchanged, 0 restated; 0 files written" in out
    assert snapshot(repo) == before
    lint = CliRunner().invoke(app, ["lint", "--repo", str(repo), "--as-of", AS_OF])
    assert "error" not in lint.stdout.split("Found")[-1].split(" and ")[0] or lint.exit_code == 0


def test_dry_run_and_json_report_and_write_nothing(repo: Path) -> None:
    before = snapshot(repo)
    code, out, _ = pull(repo, "--dry-run", "--format", "json")
    assert code == 0
    assert snapshot(repo) == before
    report = json.loads(out)
    assert report["errors"] == []
    assert {
        "id": "S1.1",
        "kind": "key result",
        "path": OKR,
        "line": 9,
        "date": "2026-07-20",
        "change": "added",
        "old": None,
        "new": 2.75,
        "source": "files",
    } in report["changes"]
    assert [c["period"] for c in report["changes"] if c["kind"] == "measure"] == [
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
    ]
    assert all(set(c) == {"id", "kind", "path", "line", "date" if c["kind"] == "key result" else "period", "change", "old", "new", "source"} for c in report["changes"])  # fmt: skip


def test_restated_values_are_refused_then_written_with_restate(repo: Path) -> None:
    (repo / "data/arr.csv").write_text("quarter,arr\n2026-Q2,46\n")
    before = snapshot(repo)
    code, out, _ = pull(repo)
    assert code == 1
    assert "F1-arr 2026-Q2: restated 45 -> 46 (not written: pass --restate)" in out
    assert snapshot(repo)["scorecard.yaml"] == before["scorecard.yaml"]
    code, out, _ = pull(repo, "--restate")
    assert code == 0
    assert "actuals: {2026-Q2: 46}" in (repo / "scorecard.yaml").read_text()


def test_check_fails_on_a_hand_edited_actual(repo: Path) -> None:
    assert pull(repo)[0] == 0
    card = repo / "scorecard.yaml"
    card.write_text(card.read_text().replace("2026-Q3: 47", "2026-Q3: 48"))
    before = snapshot(repo)
    code, out, _ = pull(repo, "--check")
    assert code == 1
    assert "F1-arr 2026-Q3: restated 48 -> 47" in out
    assert snapshot(repo) == before
    card.write_text(card.read_text().replace("2026-Q3: 48", "2026-Q3: 47"))
    assert pull(repo, "--check")[0] == 0
    code, _, err = pull(repo, "--check", "--restate")
    assert code == 2
    assert "--check cannot be combined with --restate" in err


def test_parquet_and_a_duckdb_file_and_sqlite(tmp_path: Path) -> None:
    import duckdb

    sources = FILES + '  finance: {url: "duckdb:///data/finance.duckdb"}\n'
    sources += '  ops: {url: "sqlite:///data/ops.sqlite"}\n'
    root = make_repo(
        tmp_path / "r", sources, "{from: finance, query: 'select q, v from arr'}", PIPE
    )
    con = duckdb.connect(str(root / "data/finance.duckdb"))
    con.execute("create table arr as select * from (values ('2026-Q3', 51.5)) t(q, v)")
    con.execute(f"copy (select date '2026-07-27' as d, 3 as v) to '{root}/data/p.parquet'")
    con.close()
    import sqlite3

    db = sqlite3.connect(root / "data/ops.sqlite")
    db.execute("create table nps(q, v)")
    db.executemany("insert into nps values (?, ?)", [("2026-Q3", 41), (2026, 38.5)])
    db.commit()
    db.close()
    card = root / "scorecard.yaml"
    card.write_text(
        card.read_text().replace(
            "target: 50, actuals: {2026-Q2: 35}}",
            'target: 50, actuals: {2026-Q2: 35}, source: {from: ops, query: "select q, v from nps"}}',
        )
    )
    okr = root / OKR
    okr.write_text(
        okr.read_text().replace(
            "      - {title: Win rate, start: 18, target: 25}",
            "      - {title: Win rate, start: 18, target: 25, source: {from: files,"
            " query: \"select d, v from 'data/p.parquet'\"}}",
        )
    )
    code, out, err = pull(root)
    assert code == 0, out + err
    text = card.read_text()
    assert "actuals: {2026-Q2: 45, 2026-Q3: 51.5}" in text
    assert "actuals: {2026: 38.5, 2026-Q2: 35, 2026-Q3: 41}" in text
    assert (  # SPEC 14.7: a new list, one line per check-in, before the source
        "      - title: Win rate\n        start: 18\n        target: 25\n        checkins:\n"
        "          - {date: 2026-07-27, value: 3, source: files}\n        source: {from: files,"
    ) in okr.read_text()


def test_queries_that_write_are_refused(tmp_path: Path) -> None:
    import sqlite3

    sources = FILES + '  ops: {url: "sqlite:///data/ops.sqlite"}\n'
    root = make_repo(
        tmp_path / "r", sources, '{from: files, query: "create table t as select 1"}',
        "from: ops\n          query: insert into nps values (1, 2)",
    )  # fmt: skip
    db = sqlite3.connect(root / "data/ops.sqlite")
    db.execute("create table nps(q, v)")
    db.commit()
    db.close()
    code, out, _err = pull(root, "--format", "json")
    assert code == 2
    errors = {e["id"]: e for e in json.loads(out)["errors"]}
    assert "only one SELECT" in errors["F1-arr"]["message"]
    assert "not authorized" in errors["S1.1"]["message"]
    assert errors["S1.1"]["path"] == OKR and errors["S1.1"]["line"] == 9
    db = sqlite3.connect(root / "data/ops.sqlite")
    assert db.execute("select count(*) from nps").fetchone() == (0,)


def test_a_broken_query_fails_only_its_item(repo: Path) -> None:
    okr = repo / OKR
    okr.write_text(okr.read_text().replace("from 'data/pipe.csv'", "from 'data/nothing.csv'"))
    code, _out, err = pull(repo)
    assert code == 2
    assert f"{OKR}:9: S1.1: source files:" in err
    assert "2026-Q3: 47" in (repo / "scorecard.yaml").read_text()


def test_an_unset_variable_is_named_and_fails_only_its_connection(tmp_path: Path) -> None:
    sources = FILES + '  wh: {url: "sqlite:///${OKRBSC_TEST_UNSET}/x.sqlite"}\n'
    root = make_repo(tmp_path / "r", sources, ARR, "from: wh\n          query: select 1, 2")
    code, _, err = pull(root)
    assert code == 2
    assert "the environment variable OKRBSC_TEST_UNSET is not set" in err
    assert "2026-Q3: 47" in (root / "scorecard.yaml").read_text()


@pytest.mark.parametrize(
    ("csv", "message"),
    [
        ("day,v\n2026-07-20,lots\n", "row 1: value 'lots' is not a number"),
        ("day,v\n2026-07-20,1\n2026-13-45,2\n", "row 2: date '2026-13-45' is not a date"),
        ("day,v\n2026-07-20,nan\n", "row 1: value 'nan' is not a finite number"),
        ("day,v\n2026-07-20,inf\n", "is not a finite number"),
    ],
)
def test_bad_rows_are_named(tmp_path: Path, csv: str, message: str) -> None:
    root = make_repo(
        tmp_path / "r",
        FILES,
        ARR,
        "from: files\n          query: select * from read_csv('data/bad.csv', all_varchar=true)",
    )
    (root / "data/bad.csv").write_text(csv)
    before = (root / OKR).read_bytes()
    code, _, err = pull(root)
    assert code == 2
    assert message in err
    assert (root / OKR).read_bytes() == before


def test_a_period_outside_every_fiscal_year_and_a_million_rows(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "r", FILES, '{from: files, query: "select 99999, 1"}',
        "from: files\n          query: select date '2026-07-01' + (i % 90)::int, i from range(1000001) t(i)",
    )  # fmt: skip
    code, out, err = pull(root, "--format", "json")
    assert code == 2
    errors = {e["id"]: e["message"] for e in json.loads(out)["errors"]}
    assert errors["F1-arr"] == "row 1: period 99999 is not a period (2026-Q3, 2026 or a date)"
    assert errors["S1.1"] == "the query returned more than 100,000 rows: aggregate in it"
    assert "Traceback" not in out + err


MEASURE_ROWS = [
    ("select '2026-Q2', 45 union all select '9999-Q1', 1",
     "row 2: period '9999-Q1' lies outside every fiscal year (1 to 9998)"),
    ("select 'infinity'::date, 1", "row 1: period '9999-12-31' lies outside every fiscal year"),
    ("select '-0044-03-15'::date, 1", "row 1: date '0045-03-15 (BC)' is not a date (YYYY-MM-DD)"),
    ("select 'soon', 1", "row 1: period 'soon' is not a period (2026-Q3, 2026 or a date)"),
    ("select 2026.5, 1", "row 1: period 2026.5 is not a period"),
    ("select '2026-Q3', 'nan'::double", "row 1: value nan is not a finite number"),
    ("select '2026-Q3', '-infinity'::double", "row 1: value -inf is not a finite number"),
    ("select '2026-Q3', 'n/a'", "row 1: value 'n/a' is not a number"),
    ("select '2026-Q3', true", "row 1: value True is not a number"),
    ("select '2026-Q3', [1, 2]", "row 1: value [1, 2] is not a number"),
    ("select '2026-Q3'", "row 1: expected at least 2 columns, got 1"),
]  # fmt: skip


@pytest.mark.parametrize(("query", "message"), MEASURE_ROWS)
def test_bad_measure_rows_name_the_source_and_the_row(
    tmp_path: Path, query: str, message: str
) -> None:
    root = make_repo(tmp_path / "r", FILES, f'{{from: files, query: "{query}"}}', PIPE)
    before = (root / "scorecard.yaml").read_bytes()
    code, out, err = pull(root)
    assert code == 2, out + err
    assert f"scorecard.yaml:8: F1-arr: source files: {message}" in err
    assert "Traceback" not in out + err
    assert (root / "scorecard.yaml").read_bytes() == before
    assert "1 added" in out  # the key result on the same connection is still pulled


def test_text_in_a_csv_value_column_names_the_row(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "r", FILES, "{from: files, query: \"select * from 'data/typed.csv'\"}", PIPE
    )
    (root / "data/typed.csv").write_text("quarter,arr\n2026-Q1,42.5\n2026-Q2,45\n2026-Q3,n/a\n")
    code, _out, err = pull(root)
    assert code == 2
    assert "F1-arr: source files: row 3: value 'n/a' is not a number" in err


OUTSIDE = [
    ("select * from read_csv('/etc/passwd', sep = ':')", "'/etc/passwd' lies outside the repo"),
    ("select * from read_text('/etc/hostname')", "'/etc/hostname' lies outside the repo"),
    ("select * from '../outside.csv'", "'../outside.csv' lies outside the repo"),
    ("select * from 'data/../../outside.csv'", "lies outside the repo"),
    ("select * from 'data/link.csv'", "'data/link.csv' lies outside the repo (or is a link out"),
    ("select * from 'data/*.csv'", "link.csv' lies outside the repo"),
    ("select * from glob('/etc/*')", "lies outside the repo"),
    ("select * from read_csv('~/outside.csv')", "lies outside the repo"),
    ("select * from '/etc/passwd'", "/etc/passwd does not exist"),
]  # fmt: skip


@pytest.mark.parametrize(("query", "message"), OUTSIDE)
def test_duckdb_reads_nothing_outside_the_repo(tmp_path: Path, query: str, message: str) -> None:
    root = make_repo(tmp_path / "r", FILES, ARR, f'from: files\n          query: "{query}"')
    (tmp_path / "outside.csv").write_text("day,v\n2026-07-20,1\n# the-secret-outside\n")
    (root / "data/link.csv").symlink_to(tmp_path / "outside.csv")
    cwd = os.getcwd()
    code, out, err = pull(root, "--format", "json")
    assert os.getcwd() == cwd
    assert code == 2, out + err
    errors = {e["id"]: e["message"] for e in json.loads(out)["errors"]}
    assert message in errors["S1.1"]
    assert "the-secret-outside" not in out + err and "root:x:" not in out + err
    assert "F1-arr" not in errors  # the measure on the same connection is still read


def test_duckdb_paths_are_read_from_the_repo_root_wherever_okrbsc_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo(
        tmp_path / "r", FILES, ARR,
        "from: files\n          query: select * from 'data/alias.csv'",
    )  # fmt: skip
    (root / "data/alias.csv").symlink_to("pipe.csv")  # a link inside the repo is followed
    (tmp_path / "elsewhere/data").mkdir(parents=True)
    (tmp_path / "elsewhere/data/arr.csv").write_text("quarter,arr\n2026-Q3,1\n")
    monkeypatch.chdir(tmp_path / "elsewhere")
    code, out, err = pull(root)
    assert code == 0, out + err
    assert "3 added" in out
    assert "2026-Q3: 47" in (root / "scorecard.yaml").read_text()
    assert os.getcwd() == str(tmp_path / "elsewhere")


def test_source_narrows_and_an_unknown_source_is_a_usage_error(repo: Path) -> None:
    code, _, err = pull(repo, "--source", "nope")
    assert code == 2
    assert "--source 'nope': no such connection" in err


def test_lint_start_up_does_not_import_the_engines() -> None:
    code = (
        "import sys, okrbsc.cli; print([m for m in ('duckdb', 'sqlalchemy') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_pull_as_a_subprocess(repo: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "okrbsc", "pull", "--repo", str(repo), "--as-of", AS_OF, "--dry-run"],
        capture_output=True, text=True, timeout=120, env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert f"{OKR}:9: S1.1 2026-07-20: added 2.75 from files" in out.stdout


# --- PostgreSQL -------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def postgres() -> Iterator[tuple[str, int]]:
    """A PostgreSQL 15 server on a unix socket in a temporary folder (as user postgres when root)."""
    if not (PG_BIN / "initdb").exists():
        message = f"PostgreSQL is not installed ({PG_BIN}/initdb missing): the PostgreSQL pull tests are SKIPPED (apt-get install -y postgresql)"
        warnings.warn(message, stacklevel=1)
        print(f"\n!!! {message}", file=sys.stderr)
        pytest.skip(message)
    folder = tempfile.mkdtemp(prefix="okrbsc-pg-")
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = _free_port()

    def run(*cmd):
        return subprocess.run([*as_user, *cmd], check=True, capture_output=True, timeout=120)

    run(str(PG_BIN / "initdb"), "-D", f"{folder}/data", "-A", "trust", "-U", "okr")
    run(
        str(PG_BIN / "pg_ctl"), "-D", f"{folder}/data", "-w", "-l", f"{folder}/log",
        "-o", f"-p {port} -k {folder} -c listen_addresses=''", "start",
    )  # fmt: skip
    try:
        psql = [*as_user, str(PG_BIN.parent / "bin" / "psql"), "-h", folder, "-p", str(port)]
        sql = (
            "create table weekly_pipeline(day date, pipeline numeric, confidence real, team text);"
            "insert into weekly_pipeline values ('2026-07-13', 2.4, 0.6, 'sales'),"
            " ('2026-07-27', 3.1, 0.8, 'sales'), ('2026-07-27', 9, 0.1, 'ops');"
        )
        subprocess.run(
            [*psql, "-U", "okr", "-d", "postgres", "-c", sql], check=True, capture_output=True
        )
        yield folder, port
    finally:
        subprocess.run([*as_user, str(PG_BIN / "pg_ctl"), "-D", f"{folder}/data", "-m", "fast", "stop"], capture_output=True)  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


def pg_repo(tmp_path: Path, postgres: tuple[str, int], query: str, db: str = "postgres") -> Path:
    folder, port = postgres
    url = f"postgresql+psycopg://okr:${{OKRBSC_PG_PASSWORD}}@/{db}?host={folder}&port={port}"
    sources = FILES + f'  warehouse: {{url: "{url}"}}\n'
    return make_repo(tmp_path / "r", sources, ARR, f"from: warehouse\n          query: {query}")


SECRET = "s3cr3t-Pa55word"


def test_postgresql_rows_are_pulled_read_only(tmp_path: Path, postgres: tuple[str, int]) -> None:
    root = pg_repo(
        tmp_path,
        postgres,
        "select day, pipeline, confidence from weekly_pipeline where team = 'sales'",
    )
    code, out, err = pull(root, "--verbose", env={"OKRBSC_PG_PASSWORD": SECRET})
    assert code == 0, out + err
    assert (
        "- {date: 2026-07-27, value: 3.1, confidence: 0.8, source: warehouse}"
        in (root / OKR).read_text()
    )
    assert "warehouse (postgresql+psycopg): 1 items, 2 rows" in err
    assert SECRET not in out + err


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("insert into weekly_pipeline values (null, 1, 1, 'x')", "a source is read, never written"),
        ("create table t (x int)", "a source is read, never written"),
        (
            "select 1, set_config('transaction_read_only', 'off', true)",
            "transaction read-write mode must be set before any query",
        ),
    ],
)
def test_postgresql_refuses_writes(
    tmp_path: Path, postgres: tuple[str, int], query: str, message: str
) -> None:
    root = pg_repo(tmp_path, postgres, query)
    code, out, _ = pull(root, "--format", "json", env={"OKRBSC_PG_PASSWORD": SECRET})
    assert code == 2
    (error,) = json.loads(out)["errors"]
    assert message in error["message"]
    assert error["source"] == "warehouse" and error["id"] == "S1.1"


def test_a_password_appears_in_no_output(tmp_path: Path, postgres: tuple[str, int]) -> None:
    root = pg_repo(tmp_path, postgres, "select 1, 2", db=f"no_db_{SECRET}")
    outputs = []
    for args in (["--verbose"], ["--format", "json", "--verbose"], ["--check"]):
        code, out, err = pull(root, *args, env={"OKRBSC_PG_PASSWORD": SECRET})
        assert code == 2
        outputs.append(out + err)
    env = {**os.environ, "OKRBSC_PG_PASSWORD": SECRET, "NO_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "okrbsc", "pull", "--repo", str(root), "--as-of", AS_OF, "--verbose"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    outputs.append(proc.stdout + proc.stderr)
    assert "cannot connect" in outputs[0]
    for text in outputs:
        assert SECRET not in text
        assert "s3cr3t" not in text


@pytest.mark.parametrize(
    "url", ["sqlite:///data/out.sqlite", "duckdb:///data/out.duckdb", "sqlite:///../x.sqlite"]
)
def test_a_database_file_outside_the_repo_is_not_opened(tmp_path: Path, url: str) -> None:
    import sqlite3

    sources = FILES + f'  ext: {{url: "{url}"}}\n'
    root = make_repo(tmp_path / "r", sources, ARR, "from: ext\n          query: select 1, 2")
    outside = tmp_path / "x.sqlite"
    sqlite3.connect(outside).close()
    (root / "data/out.sqlite").symlink_to(outside)
    (root / "data/out.duckdb").symlink_to(outside)
    code, out, _ = pull(root, "--format", "json")
    assert code == 2
    errors = {e["id"]: e["message"] for e in json.loads(out)["errors"]}
    assert "lies outside the repo: not opened" in errors["S1.1"]
    assert "F1-arr" not in errors
