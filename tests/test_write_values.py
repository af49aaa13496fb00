"""Values okrbsc writes read back as what they were (SPEC 12.2), in okrbsc's reader,
PyYAML's YAML 1.1 reader and ruamel's YAML 1.2 reader alike."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from okrbsc.strategy.loader import load_bytes, load_text
from okrbsc.write.scalars import LARGEST_WHOLE, scalar
from okrbsc.write.splice import Doc, plain, same

from .conftest import BASE, commit_all, git, in_process, run_cli

OKR = "okrs/2026/Q3/sales.yaml"
AS_OF = "2026-07-20"
EXAMPLES = int(os.environ.get("OKRBSC_FUZZ_EXAMPLES", "300"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    git(root, "init", "-q")
    commit_all(root, "start", "Dana", "2026-07-01")
    return root


Run = Callable[..., subprocess.CompletedProcess[str]]


def okrbsc(root: Path, *args: str, run: Run = in_process) -> subprocess.CompletedProcess[str]:
    result = run(*args, "--repo", str(root), "--as-of", AS_OF)
    assert "internal error" not in result.stdout + result.stderr
    return result


def last_checkin(root: Path) -> dict[str, Any]:
    loaded = load_bytes((root / OKR).read_bytes())
    assert loaded.problems == []
    last: dict[str, Any] = loaded.data["objectives"][0]["key_results"][0]["checkins"][-1]
    return last


@pytest.mark.parametrize(
    ("typed", "written", "value"),
    [("1e20", "1.0e+20", 1e20), ("0.00001", "1.0e-05", 1e-05), ("2.5E3", "2500.0", 2500.0)],
)
def test_numbers_in_e_notation_read_back(repo: Path, typed: str, written: str, value: Any) -> None:
    run = run_cli if typed == "1e20" else in_process  # the first case as real processes
    assert okrbsc(repo, "checkin", "S1.1", typed, run=run).returncode == 0
    assert f"{{date: 2026-07-20, value: {written}}}" in (repo / OKR).read_text()
    assert same(last_checkin(repo)["value"], value)
    assert yaml.safe_load((repo / OKR).read_text())["objectives"][0]["key_results"][0]["checkins"][
        -1
    ]["value"] == pytest.approx(value)
    assert okrbsc(repo, "lint", run=run).returncode == 0


def test_a_number_no_float_holds_is_an_error_naming_it(repo: Path) -> None:
    before = (repo / OKR).read_bytes()
    result = okrbsc(repo, "checkin", "S1.1", str(10**400), run=run_cli)
    assert result.returncode == 2
    assert "value 10000000000000000000… (401 digits) is too large" in result.stderr
    assert (repo / OKR).read_bytes() == before


@pytest.mark.parametrize("note", ["no", "yes", "2026-01-01", "null", "~", "1e5", "0o17", "on"])
def test_notes_that_look_like_other_values_are_written_as_text(repo: Path, note: str) -> None:
    assert okrbsc(repo, "checkin", "S1.1", "2.6", "--note", note).returncode == 0
    assert last_checkin(repo)["note"] == note
    text = (repo / OKR).read_text()
    assert yaml.safe_load(text)["objectives"][0]["key_results"][0]["checkins"][-1]["note"] == note


HOSTILE = "Win\x7fthe\x85mid\x9b1;31m\u2028market\u2029\x1b]8;;http://evil/\x1b\\now\ufeff"


def test_rollover_writes_hostile_titles_escaped_and_they_load_back_equal(repo: Path) -> None:
    path = repo / OKR
    quoted = scalar(HOSTILE)
    assert quoted.startswith('"') and "\\x7f" in quoted and "\\u2028" in quoted
    path.write_text(path.read_text().replace("title: Win the mid-market", f"title: {quoted}"))
    assert load_text(path.read_text()).data["objectives"][0]["title"] == HOSTILE
    result = okrbsc(repo, "rollover", "2026-Q3", "2026-Q4", run=run_cli)
    assert result.returncode == 0, result.stdout + result.stderr
    new = (repo / "okrs/2026/Q4/sales.yaml").read_bytes()
    assert b"\x7f" not in new and b"\x1b" not in new and "\u2028".encode() not in new
    loaded = load_bytes(new)
    assert loaded.problems == []
    assert loaded.data["objectives"][0]["title"] == HOSTILE
    assert yaml.safe_load(new.decode())["objectives"][0]["title"] == HOSTILE


# --- every scalar the writer can emit ----------------------------------------------------

WORDS = [
    *("y", "n", "yes", "No", "ON", "off", "True", "FALSE", "null", "Null", "~", ""),
    *("2026-01-01", "2026-01-01 10:00:00", "2026-1-1", "12:30", "1:20:00", "0x1F", "0o17", "017"),
    *("1e5", "1E+5", "1.5e-3", ".5", "5.", "+1", "-0", "1_000", ".inf", "-.Inf", ".NaN", "nan"),
    *("2026-Q3", "2026-H1", "FY2026", "S1.1", "a: b", "- x", "#x", "x #y", "'", '"', "&a", "*a"),
    *("!tag", "%x", "@x", "`x", "{a}", "[a]", "a,b", " x", "x ", "\t", "\n", "\r\n", "\\"),
]
TEXT = st.one_of(
    st.sampled_from(WORDS),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
    st.text(
        st.sampled_from(
            "\x00\x07\x1b\x7f\x85\x9b\xa0\u2028\u2029\u202e\ufeff\ufffe\ufffd a1-:#'\""
        ),
        max_size=12,
    ),
)
NUMBERS = st.one_of(
    st.integers(-LARGEST_WHOLE, LARGEST_WHOLE),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1e20, 1e-5, 1e16, -0.0, 5e-324, 1.7976931348623157e308, 0.1, 3.0]),
)
SCALARS = st.one_of(TEXT, NUMBERS, st.booleans(), st.dates(dt.date(1, 1, 1), dt.date(9998, 12, 31)))


def read_all(text: str) -> list[Any]:
    """The document read by okrbsc's reader, PyYAML (1.1) and ruamel (1.2)."""
    ours = load_text(text)
    assert ours.problems == [], (text, ours.problems)
    return [ours.data, yaml.safe_load(text), YAML(typ="safe", pure=True).load(io.StringIO(text))]


@FUZZ
@given(SCALARS)
def test_every_scalar_reads_back_as_written(value: Any) -> None:
    written = scalar(value)
    for text in (f"v: {written}\n", f"{{v: {written}}}\n", f"- [{written}, {written}]\n"):
        for data in read_all(text):
            got = data["v"] if isinstance(data, dict) else data[0][1]
            assert same(got, value) or (isinstance(value, float) and got == value), (text, got)


@FUZZ
@given(st.lists(st.tuples(NUMBERS, TEXT), min_size=1, max_size=3))
def test_checkins_of_any_value_and_note_load_back_equal(entries: list[tuple[Any, str]]) -> None:
    from okrbsc.write.checkin import add_checkins

    base = (BASE / OKR).read_text()
    for text in (base, base.replace("\n", "\r\n")):
        doc = Doc(text)
        new = [{"date": dt.date(2026, 7, 20), "value": v, "note": n} for v, n in entries]
        add_checkins(doc, ("objectives", 0, "key_results", 0), [(None, e) for e in new])
        loaded = load_text(doc.result())
        assert loaded.problems == []
        after, before = plain(loaded.data), plain(load_text(text).data)
        assert same(after["objectives"][0]["key_results"][0]["checkins"][2:], new)
        assert same(after["objectives"][1:], before["objectives"][1:])
        assert same(doc.expected, after)
