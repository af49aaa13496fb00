"""Every write reads back (SPEC 12.3): `checkin` writes a value only when the file then
reads back as exactly that number, and refuses (exit 2, the value named, nothing
written) one it cannot write exactly: `1e-400` underflows, a 26-digit integer loses
digits, infinities and NaN are not values. The echo is what was written."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from okrbsc.cli import app

from .conftest import BASE, in_process, run_cli

SALES = "okrs/2026/Q3/sales.yaml"
DAY = "2026-07-20"


def checkin(root: Path, value: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        app, ["checkin", "--repo", str(root), "--as-of", DAY, "S1.1", value]
    )
    return result.exit_code, result.stdout, result.stderr


def written_value(root: Path) -> object:
    """The value of S1.1's check-in on DAY, read by PyYAML (a YAML 1.1 reader)."""
    data = yaml.safe_load((root / SALES).read_text(encoding="utf-8"))
    [kr] = [k for k in data["objectives"][0]["key_results"] if k.get("id") == "S1.1"]
    [entry] = [c for c in kr["checkins"] if str(c["date"]) == DAY]
    return entry["value"]


def fresh(base: Path) -> Path:
    if base.exists():
        shutil.rmtree(base)
    shutil.copytree(BASE, base)
    return base


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("1e-400", "value 1e-400 cannot be written exactly: it would read back as 0.0"),
        ("-1e-400", "value -1e-400 cannot be written exactly: it would read back as -0.0"),
        (
            "12345678901234567890123456",
            "value 12345678901234567890123456 cannot be written exactly: "
            "it would read back as 1.2345678901234568e+25",
        ),
        ("0.30000000000000001", "cannot be written exactly: it would read back as 0.3"),
        ("inf", "value inf: infinities are not values"),
        ("-inf", "value -inf: infinities are not values"),
        ("-Infinity", "value -Infinity: infinities are not values"),
        ("nan", "value nan: NaN (not a number) is not a value"),
        ("1e400", "value 1e400 is too large"),
    ],
)
def test_a_value_that_cannot_be_written_exactly_is_refused(
    tmp_path: Path, value: str, says: str
) -> None:
    root = fresh(tmp_path / "repo")
    before = (root / SALES).read_bytes()
    run = run_cli if value == "1e-400" else in_process  # the first case as a real process
    result = run("checkin", "S1.1", value, "--repo", str(root), "--as-of", DAY)
    assert result.returncode == 2, result.stderr
    assert says in result.stderr
    assert "got '-i'" not in result.stderr
    assert (root / SALES).read_bytes() == before
    assert sorted(p.name for p in (root / SALES).parent.iterdir()) == ["sales.yaml"]


@pytest.mark.parametrize(
    ("value", "echo", "read"),
    [
        ("1e20", "1.0e+20", 1e20),
        ("100000000000000000000", "1.0e+20", 1e20),
        ("2.50", "2.5", 2.5),
        ("-3", "-3", -3),
        ("1_000", "1000", 1000),
        ("5e-324", "5.0e-324", 5e-324),
    ],
)
def test_the_echo_is_what_was_written(tmp_path: Path, value: str, echo: str, read: object) -> None:
    root = fresh(tmp_path / "repo")
    code, out, err = checkin(root, value)
    assert code == 0, err
    assert out == f"{SALES}: checked in S1.1 = {echo} on {DAY}\n"
    assert written_value(root) == read
    assert type(written_value(root)) is type(read)


def test_a_note_that_looks_like_an_infinity_is_kept_as_text(tmp_path: Path) -> None:
    root = fresh(tmp_path / "repo")
    args = ("S1.1", "3", "--note", "-inf", "--repo", str(root), "--as-of", DAY)
    result = in_process("checkin", *args)
    assert result.returncode == 0, result.stderr
    assert "{date: 2026-07-20, value: 3, note: '-inf'}" in (root / SALES).read_text()


NUMBER_TEXTS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.builds(
        lambda m, e: f"{m}e{e}",
        st.integers(min_value=-(10**20), max_value=10**20),
        st.integers(min_value=-420, max_value=420),
    ),
    st.decimals(allow_nan=False, allow_infinity=False, places=None).map(str),
)


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(typed=NUMBER_TEXTS)
def test_any_value_accepted_reads_back_equal_and_any_other_is_refused(
    tmp_path_factory: pytest.TempPathFactory, typed: str
) -> None:
    root = fresh(tmp_path_factory.getbasetemp() / "exact-repo")
    before = (root / SALES).read_bytes()
    code, out, err = checkin(root, typed)
    whole = _whole(typed)
    if code == 0:
        read = written_value(root)
        assert isinstance(read, int | float) and not isinstance(read, bool), read
        assert Decimal(repr(read)) == Decimal(typed), (typed, read)  # the number typed
        assert whole is None or read == whole  # a whole number: equal to it, exactly
        shown = out.split(" = ", 1)[1].split(" on ", 1)[0]
        assert yaml.safe_load(shown) == read  # the echo is the text written
    else:
        assert code == 2, (typed, err)
        assert "cannot be written exactly" in err or "too large" in err, err
        assert (root / SALES).read_bytes() == before
        nearest = float(typed)
        exact = Decimal(repr(nearest)) == Decimal(typed) and (whole is None or nearest == whole)
        assert not exact or abs(nearest) == float("inf"), typed


def _whole(typed: str) -> int | None:
    try:
        return int(typed)
    except ValueError:
        return None


def test_a_measures_actual_is_echoed_as_written_and_refused_when_inexact(tmp_path: Path) -> None:
    from .conftest import EXAMPLES

    root = tmp_path / "strategy"
    shutil.copytree(EXAMPLES, root)
    args = ["--period", "2026-Q4", "--repo", str(root), "--as-of", "2026-11-20"]
    before = (root / "scorecard.yaml").read_bytes()
    refused = in_process("checkin", "F1-arr", "1e-400", *args)
    assert refused.returncode == 2
    assert "value 1e-400 cannot be written exactly" in refused.stderr
    assert (root / "scorecard.yaml").read_bytes() == before
    done = run_cli("checkin", "F1-arr", "1e20", *args)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith(": recorded F1-arr = 1.0e+20 in 2026-Q4")
    assert "2026-Q4: 1.0e+20}" in (root / "scorecard.yaml").read_text()
