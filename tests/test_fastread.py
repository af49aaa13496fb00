"""The fast reading path against the positioned one: the same data, the same findings.

`strategy.fastread` reads a file without positions when its guard finds
nothing whose reading could differ; everything else takes the positioned
reader. The claim tested here, over every kind of input the suite has: when
the fast path takes a text, the positioned reader reads the very same data
from it, with no problem and no note; and lint reports the same findings, at
the same places, whichever path read the files. Run longer with
OKRBSC_FASTREAD_EXAMPLES=20000 pytest tests/test_fastread.py.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import os
import random
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okrbsc.lint import engine as lint
from okrbsc.strategy import fastread, hollow, models
from okrbsc.strategy.fastread import DECLINED, read_plain
from okrbsc.strategy.loader import PosDict, PosList, load_text
from okrbsc.strategy.repo import Repo

from . import hostile_repos
from .conftest import BASE, BASE_AS_OF, TESTS
from .test_fuzz import documents, mutated_sales

ROOT = TESTS.parent
EXAMPLES = int(os.environ.get("OKRBSC_FASTREAD_EXAMPLES", "300"))
MANY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
REPOS = [
    (ROOT / "examples", "2026-11-20"),
    *((path, BASE_AS_OF) for path in sorted((TESTS / "fixtures").iterdir()) if path.is_dir()),
    (TESTS / "corpus" / "false-alarms", "2026-11-20"),
]


def plain(value: Any) -> Any:
    """Positioned data as plain dicts and lists."""
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def same(a: Any, b: Any) -> bool:
    """Equal values of equal types, all the way down (True is not 1, NaN is NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(same, a, b))
    return bool(a == b)


def check_agrees(raw: bytes) -> bool:
    """Fail unless the fast path declines ``raw`` or reads what the positioned path reads."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    fast = read_plain(raw, text)
    if fast is DECLINED:
        return False
    positioned = load_text(text)
    assert positioned.problems == [], (text, positioned.problems)
    assert positioned.notes == [], (text, positioned.notes)
    assert same(plain(positioned.data), fast), (text, positioned.data, fast)
    return True


# --- the data: every corpus the suite has ---------------------------------------------


def corpus_files() -> list[Path]:
    folders = [ROOT / "examples", TESTS / "fixtures", TESTS / "corpus", TESTS / "rules" / "cases"]
    return sorted(p for folder in folders for p in folder.rglob("*.y*ml"))


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_corpus_file_reads_alike(path: Path) -> None:
    check_agrees(path.read_bytes())


def test_the_fast_path_takes_the_clean_files() -> None:
    """Not a path that declines everything: the examples are read fast."""
    taken = [p for p in (ROOT / "examples").rglob("*.yaml") if check_agrees(p.read_bytes())]
    assert len(taken) >= 8, taken


@MANY
@given(documents())
def test_generated_documents_read_alike(document: Any) -> None:
    check_agrees(yaml.safe_dump(document, allow_unicode=True).encode("utf-8"))


@MANY
@given(mutated_sales())
def test_mutated_files_read_alike(raw: bytes) -> None:
    check_agrees(raw)


@MANY
@given(st.binary(max_size=300))
def test_random_bytes_read_alike(raw: bytes) -> None:
    check_agrees(raw)


# Scalars and structure: short tokens over the characters that matter to YAML,
# in each place a scalar can stand (a value, an item, a key, flow, block text).
ALPHABET = "019.eE-+_:xobyYnNOfiasTt~= '\"!&*[]{},#|>?%@`\n\t\r\\\x85\u2028\ufeff\x7fé"
FORMS = [
    "a: {}\n",
    "- {}\n",
    "{}: x\n",
    "a: [{}]\n",
    "a: {{k: {}}}\n",
    "a: [x, {}]\n",
    "a:\n  - {}\n",
    "a: |\n  {}\n",
    "a: >-\n  {}\n",
    "a: '{}'\n",
    "{}\n",
]
SPELLINGS = [
    *[
        "2026-03-31",
        "2026-3-1",
        "2026-02-29",
        "2024-02-29",
        "2026-13-01",
        "2026-04-31",
        "0000-01-01",
    ],
    "2026-03-31T10:00",
    "2026-03-31 10:00:00",
    *[
        "yes",
        "no",
        "on",
        "off",
        "Yes",
        "NO",
        "On",
        "OFF",
        "y",
        "n",
        "Y",
        "N",
        "=",
        "true",
        "True",
        "FALSE",
        "~",
        "null",
        "Null",
    ],
    *[
        "017",
        "0o17",
        "0x1F",
        "0X1F",
        "0b101",
        "1e3",
        "1E3",
        "1.0e+3",
        ".5",
        "-.5",
        "+1",
        "12:30",
        "1_000",
        "_.5",
        ".inf",
        "-.NaN",
    ],
    "99999999999999999999",
]


def test_every_short_token_in_every_place() -> None:
    short = ["".join(t) for n in (1, 2) for t in itertools.product(ALPHABET, repeat=n)]
    taken = sum(check_agrees(form.format(t).encode()) for t in short + SPELLINGS for form in FORMS)
    assert taken > 1000  # and the rest were declined


@MANY
@given(st.text(alphabet=ALPHABET, min_size=1, max_size=16), st.sampled_from(FORMS))
def test_random_tokens_in_every_place(token: str, form: str) -> None:
    check_agrees(form.format(token).encode())


def test_seeded_random_tokens() -> None:
    """The search that found each guard test, replayed (no shrinking, many cases)."""
    rng = random.Random(14)
    for _ in range(EXAMPLES * 10):
        token = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 16)))
        for form in FORMS:
            check_agrees(form.format(token).encode())


# --- what the guard declines ------------------------------------------------------------

DECLINES = {
    "a tag": "a: !!str 5\n",
    "a custom tag": "a: !include x.yaml\n",
    "an anchor and an alias": "a: &x 1\nb: *x\n",
    "a merge key": "<<: {a: 1}\n",
    "several documents": "a: 1\n---\nb: 2\n",
    "a top-level list": "- a\n",
    "a duplicate key": "a: 1\na: 2\n",
    "a syntax error": "a: [1, 2\n",
    "a YAML 1.1 boolean": "done: yes\n",
    "a YAML 1.1 octal": "target: 017\n",
    "an exponent without a dot": "target: 1e3\n",
    "a quoted date": "note: '2026-03-31'\n",
    "an impossible date": "date: 2026-02-30\n",
    "a time": "note: 10:30\n",
    "a tab": "a:\t1\n",
    "a CR alone": "a: 1\rb: 2\n",  # (CR LF is a line break: read fast)
    "an escape": 'a: "\\u0041"\n',
    "a NEL line break": "a: x\u0085y\n",
    "no final line break after a block scalar": "a: |\n  x",
    "a block scalar at the end": "a: |\n",
    "a flow collection over lines": "a: [1,\n  2]\n",
    "deep block nesting": "- " * 20 + "x\n",
    "deep flow nesting": "a: " + "[" * 5 + "]" * 5 + "\n",
    "a huge integer": "a: 12345678901234567890\n",
    "infinity": "a: .inf\n",
}


@pytest.mark.parametrize("text", DECLINES.values(), ids=DECLINES.keys())
def test_the_guard_declines(text: str) -> None:
    assert read_plain(text.encode(), text) is DECLINED


def test_one_line_of_fifty_thousand_dashes_never_reaches_yaml_rs() -> None:
    text = "- " * 50_000 + "x\n"
    assert read_plain(text.encode(), text) is DECLINED
    loaded = fastread.load_bytes(text.encode())
    assert [p.code for p in loaded.problems] == ["E001"]
    assert "nested deeper than 64 levels" in loaded.problems[0].message


def test_the_positioned_reader_can_be_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKRBSC_READER", "positioned")
    assert not fastread.enabled()
    assert fastread.load_bytes(b"a: 1\n").fast is False


# --- tabs in comments: made spaces, so the fast path takes the file ---------------------

SALES = (BASE / "okrs/2026/Q3/sales.yaml").read_text(encoding="utf-8")
# what may stand around a tab: comments, quotes, block scalars, keys and line breaks
TAB_PIECES = [
    "  #\tnote",
    " #\t",
    "#\t",
    "\t",
    " # a\tb",
    "\t#",
    "'",
    '"',
    "#",
    " #",
    "|",
    ">",
    "\n",
    "\n  ",
    ": ",
    "- ",
    "x",
    "'a #\tb'",
    '"a #\tb"',
    " |\n  c #\td\n",
]
# values a tab after a `#` is no comment in (and some it is)
TAB_VALUES = [
    "'x #\ty'",
    '"x #\ty"',
    "|\n        x #\ty",
    ">\n        x #\ty",
    "'x\n      y #\tz'",
    '"x\n      y #\tz"',
    "C#  #\tnote",
    "x #\ty",
    "'x' #\ty",
    "x\n      y #\tz",
    "'it''s #\t'",
]


def _edited_lines(text: str, edits: list[tuple[int, int, str]]) -> bytes:
    """Each edit (line, how, piece): 0 puts the piece at the line's end, 1 puts it
    in place of the line's value (after its last `: `), 2 inserts it at an offset."""
    lines = text.split("\n")
    for line, how, piece in edits:
        at = line % len(lines)
        if how == 0:
            lines[at] += piece
        elif how == 1 and ": " in lines[at]:
            lines[at] = lines[at].rsplit(": ", 1)[0] + ": " + piece
        elif how == 2:
            offset = line % (len(lines[at]) + 1)
            lines[at] = lines[at][:offset] + piece + lines[at][offset:]
    return "\n".join(lines).encode("utf-8")


def tabbed_sales() -> st.SearchStrategy[bytes]:
    """The base repo's sales file with tabs, comments, quotes and block scalars put in."""
    pieces = st.sampled_from(TAB_PIECES + TAB_VALUES)
    edit = st.tuples(st.integers(0, 10_000), st.integers(0, 2), pieces)
    return st.lists(edit, min_size=1, max_size=6).map(lambda e: _edited_lines(SALES, e))


def comment_tabbed(text: str) -> str:
    """Every line that opens a collection ends with a comment holding a tab."""
    return text.replace(":\n", ":  #\tsee the planning day\n")


@MANY
@given(tabbed_sales())
def test_tabs_around_comments_read_alike(raw: bytes) -> None:
    check_agrees(raw)


@MANY
@given(tabbed_sales())
def test_tabs_around_comments_give_the_same_findings(raw: bytes) -> None:
    with tempfile.TemporaryDirectory(prefix="okrbsc-fastread-") as scratch:
        root = Path(scratch) / "repo"
        shutil.copytree(BASE, root)
        (root / "okrs/2026/Q3/sales.yaml").write_bytes(raw)
        with pytest.MonkeyPatch.context() as monkeypatch:
            both_ways(root, BASE_AS_OF, monkeypatch)


TAB_TAKEN = {
    "after a value": "a: 1  #\tnote\n",
    "on a line of its own": "#\tnote\na: 1\n",
    "after a mapping key": "a:  #\tnote\n  b: 1\n",
    "a quote in the comment": "a: 1  # it's\there\n",
    "the sales file's": comment_tabbed(SALES),
}
TAB_DECLINED = {
    "in a quoted scalar": "a: 'x #\ty'\n",
    "in a double-quoted scalar": 'a: "x #\ty"\n',
    "in a quoted scalar over lines": "a: 'x\n  y #\tz'\n",
    "in a block scalar": "a: |\n  x #\ty\n",
    "before the comment": "a: 1\t# note\n",
    "a scalar with a hash": "a: C#  #\tnote\n",
}


@pytest.mark.parametrize("text", TAB_TAKEN.values(), ids=TAB_TAKEN.keys())
def test_a_tab_in_a_comment_is_read_fast(text: str) -> None:
    assert check_agrees(text.encode())


@pytest.mark.parametrize("text", TAB_DECLINED.values(), ids=TAB_DECLINED.keys())
def test_a_tab_elsewhere_declines(text: str) -> None:
    assert read_plain(text.encode(), text) is DECLINED


def assert_examples_agree_as(
    written: Callable[[str], bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every file of the examples, with three titles that make findings, written as
    ``written`` makes it: both readings give the same findings (with positions, in at
    least five files) and the fast path takes at least eight of the files."""
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "examples", root)
    for path in root.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8").replace("title: ", "title: 2 ", 3)
        path.write_bytes(written(text))
    found = both_ways(root, "2026-11-20", monkeypatch)
    assert len({f["path"] for f in found if f["line"] > 1}) >= 5, found
    taken = [p for p in root.rglob("*.yaml") if check_agrees(p.read_bytes())]
    assert len(taken) >= 8, taken


def test_a_repo_with_tabs_in_comments_gives_the_same_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every file of the examples with tabs in comments, and findings with positions."""
    assert_examples_agree_as(
        lambda text: comment_tabbed(text).encode("utf-8"), tmp_path, monkeypatch
    )


# --- Windows line ends: CR LF is one line break to every reader ------------------------


def windows(raw: bytes, every: int) -> bytes:
    """``raw`` with every ``every``-th line break made CR LF (some lines keep LF)."""
    lines = raw.split(b"\n")
    ends = [b"\r\n" if i % every == 0 else b"\n" for i in range(len(lines) - 1)]
    return b"".join(line + end for line, end in zip(lines, ends, strict=False)) + lines[-1]


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_corpus_file_reads_alike_with_windows_line_ends(path: Path) -> None:
    check_agrees(windows(path.read_bytes(), 1))


@MANY
@given(documents(), st.integers(1, 3))
def test_generated_documents_read_alike_with_windows_line_ends(document: Any, every: int) -> None:
    raw = yaml.safe_dump(document, allow_unicode=True).encode("utf-8")
    check_agrees(windows(raw, every))


@MANY
@given(tabbed_sales(), st.integers(1, 3))
def test_edited_files_read_alike_with_windows_line_ends(raw: bytes, every: int) -> None:
    check_agrees(windows(raw, every))


@MANY
@given(mutated_sales())
def test_mutated_files_read_alike_with_windows_line_ends(raw: bytes) -> None:
    check_agrees(windows(raw, 1))


def test_windows_line_ends_are_read_fast() -> None:
    assert check_agrees(windows(SALES.encode(), 1))
    assert check_agrees(windows(comment_tabbed(SALES).encode(), 1))
    assert read_plain(b"a: 1\r\r\n", "a: 1\r\r\n") is DECLINED  # a CR alone


def test_a_repo_with_windows_line_ends_gives_the_same_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert_examples_agree_as(lambda text: windows(text.encode("utf-8"), 1), tmp_path, monkeypatch)


# --- lines of spaces alone and no last line break (with no block scalar) -------------


def spaced(raw: bytes, every: int, last: bool) -> bytes:
    """``raw`` with a line of spaces after every ``every``-th line (of more spaces each
    time), and without its last line break unless ``last``."""
    lines = raw.split(b"\n")
    out = b"\n".join(
        line + (b"\n" + b" " * (i % 9 + 1) if i % every == 0 else b"")
        for i, line in enumerate(lines)
    )
    return out if last else out.rstrip(b"\n")


SPACE_PIECES = ["\n   ", "\n ", "\n" + " " * 12, "   ", " |", " >", "\n  # c", "'", '"', "\n  x"]
# block scalars holding a line of more spaces than their indentation, at each depth
SPACE_PIECES += [f"{h}\n{' ' * k}p\n{' ' * (k + 3)}\n{' ' * k}q" for h in "|>" for k in (2, 6, 10)]


def spaced_sales() -> st.SearchStrategy[bytes]:
    """The base repo's sales file with lines of spaces, quotes and block scalars put in."""
    pieces = st.sampled_from(SPACE_PIECES + TAB_VALUES)
    edit = st.tuples(st.integers(0, 10_000), st.integers(0, 2), pieces)
    return st.lists(edit, min_size=1, max_size=6).map(lambda e: _edited_lines(SALES, e))


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_corpus_file_reads_alike_spaced(path: Path) -> None:
    check_agrees(spaced(path.read_bytes(), 2, last=False))


@MANY
@given(documents(), st.integers(1, 3), st.booleans())
def test_generated_documents_read_alike_spaced(document: Any, every: int, last: bool) -> None:
    raw = yaml.safe_dump(document, allow_unicode=True).encode("utf-8")
    check_agrees(spaced(raw, every, last))


@MANY
@given(spaced_sales(), st.booleans(), st.booleans())
def test_edited_files_read_alike_spaced(raw: bytes, cut: bool, crlf: bool) -> None:
    raw = raw.rstrip(b"\n") if cut else raw
    check_agrees(windows(raw, 1) if crlf else raw)


@pytest.mark.parametrize("piece", SPACE_PIECES)
def test_each_piece_as_each_value_reads_alike(piece: str) -> None:
    """Every line's value replaced by the piece, with and without the last line break."""
    for line in range(SALES.count("\n")):
        raw = _edited_lines(SALES, [(line, 1, piece)])
        check_agrees(raw)
        check_agrees(raw.rstrip(b"\n"))


@MANY
@given(mutated_sales())
def test_mutated_files_read_alike_spaced(raw: bytes) -> None:
    check_agrees(spaced(raw, 3, last=False))


def test_lines_of_spaces_and_no_last_line_break_are_read_fast() -> None:
    assert check_agrees(spaced(SALES.encode(), 2, last=False))
    assert check_agrees(windows(spaced(SALES.encode(), 1, last=False), 1))
    block = "a: |\n  p\n   \n  q\n"  # a line of spaces in a block scalar's text
    assert read_plain(block.encode(), block) is DECLINED
    assert read_plain(block[:-1].encode(), block[:-1]) is DECLINED


def test_a_repo_with_lines_of_spaces_gives_the_same_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert_examples_agree_as(
        lambda text: spaced(text.encode("utf-8"), 2, last=False), tmp_path, monkeypatch
    )


# --- findings: the same from either path -------------------------------------------------


def findings(root: Path, as_of: str) -> list[dict[str, Any]]:
    result = lint.run(Repo.open(root, dt.date.fromisoformat(as_of)))
    return [f.to_dict() for f in result.findings]


def both_ways(root: Path, as_of: str, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    with monkeypatch.context() as env:
        env.setenv("OKRBSC_READER", "positioned")
        slow = findings(root, as_of)
    fast = findings(root, as_of)
    assert json.dumps(fast, sort_keys=True) == json.dumps(slow, sort_keys=True)
    return fast


@pytest.mark.parametrize("root,as_of", REPOS, ids=lambda v: getattr(v, "name", v))
def test_repos_give_the_same_findings(
    root: Path, as_of: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    both_ways(root, as_of, monkeypatch)


def test_hostile_repo_gives_the_same_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = hostile_repos.build(tmp_path / "repo", with_git=False)
    assert both_ways(root, BASE_AS_OF, monkeypatch)  # it has findings to compare


# Each example lints a whole repo twice (~40 ms): a third of MANY. The reading itself
# is compared on MANY generated documents by test_generated_documents_read_alike.
@settings(MANY, max_examples=max(EXAMPLES // 3, 1))
@given(documents())
def test_generated_files_give_the_same_findings(document: Any) -> None:
    with tempfile.TemporaryDirectory(prefix="okrbsc-fastread-") as scratch:
        root = Path(scratch) / "repo"
        shutil.copytree(BASE, root)
        (root / "okrs/2026/Q3/fuzz.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
        with pytest.MonkeyPatch.context() as monkeypatch:
            both_ways(root, BASE_AS_OF, monkeypatch)


def test_a_finding_reads_only_its_own_file_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Positions are paid for only where a finding needs them: a clean repo is never
    read again; a finding in one file reads that file again, and only that one."""
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "examples", root)
    reread: list[str] = []
    real = models._read_positioned
    monkeypatch.setattr(models, "_read_positioned", lambda text: reread.append(text) or real(text))
    assert findings(root, "2026-11-20") == [] and reread == []
    people = root / "okrs/2026/Q3/people.yaml"
    text = people.read_text(encoding="utf-8")
    ident = text.split("  - id: ", 1)[1].split()[0]
    people.write_text(f"{text}  - id: {ident}\n    title: Again\n", encoding="utf-8")
    found = findings(root, "2026-11-20")
    assert {(f["code"], f["path"]) for f in found} >= {("E004", "okrs/2026/Q3/people.yaml")}
    assert {f["path"] for f in found} == {"okrs/2026/Q3/people.yaml"}
    assert len(reread) == 1 and f"id: {ident}\n    title: Again" in reread[0]


def test_a_finding_looks_for_its_position_in_its_own_file_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rule asks a position of the file the finding is in: no other file's models
    are walked (that walk over every file cost a stale-KR warning 0.5 s and 54 MiB
    on the 1,000-team benchmark)."""
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "examples", root)
    people = root / "okrs/2026/Q3/people.yaml"
    text = people.read_text(encoding="utf-8")
    ident = text.split("  - id: ", 1)[1].split()[0]
    people.write_text(f"{text}  - id: {ident}\n    title: Again\n", encoding="utf-8")
    walked: list[object] = []
    real = models.Sources.index
    monkeypatch.setattr(models.Sources, "index", lambda self: walked.append(self) or real(self))
    found = both_ways(root, "2026-11-20", monkeypatch)
    assert any(f["code"] == "E004" and f["line"] > 1 for f in found)
    assert walked == []


def test_a_position_asked_of_the_wrong_file_is_still_found() -> None:
    repo = Repo.open(ROOT / "examples", dt.date(2026, 11, 20))
    (first, okrs), (other, _) = repo.okr_files[0], repo.okr_files[1]
    objective = okrs.objectives[-1]
    right = first.at(objective, "title")
    assert right != (1, 1) and right[0] > 1
    assert other.at(objective, "title") == right == objective.at("title")


# --- a finding's file read again with its one-line flow collections left empty ----------


def positioned_tree(value: Any) -> Any:
    """Positioned data with every position in it, for comparing two readings."""
    if isinstance(value, PosDict):
        items = [(k, value.kpos[k], value.vpos[k], positioned_tree(v)) for k, v in value.items()]
        return ("map", value.line, value.col, items)
    if isinstance(value, PosList):
        items = [(pos, positioned_tree(v)) for pos, v in zip(value.ipos, value, strict=True)]
        return ("seq", value.line, value.col, items)
    return (type(value).__name__, value)


def check_hollow_agrees(raw: bytes) -> int:
    """Fail unless a text the fast path takes reads, emptied and then filled, to the
    very data and positions the positioned reader gives it; how many were emptied."""
    if not check_agrees(raw):
        return 0
    text = raw.decode("utf-8-sig")
    data, holes = hollow.read(text)
    emptied = len(holes)
    if data is not None:
        hollow.fill(data, holes, text, deep=True)
    assert holes == {}
    assert positioned_tree(data) == positioned_tree(load_text(text).data), text
    return emptied


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_corpus_file_reads_alike_emptied(path: Path) -> None:
    check_hollow_agrees(path.read_bytes())


def test_the_examples_are_read_again_emptied() -> None:
    """Not a reading that never empties anything: the examples' check-ins are."""
    emptied = [check_hollow_agrees(p.read_bytes()) for p in (ROOT / "examples").rglob("*.yaml")]
    assert sum(n > 0 for n in emptied) >= 8, emptied


@MANY
@given(documents())
def test_generated_documents_read_alike_emptied(document: Any) -> None:
    check_hollow_agrees(yaml.safe_dump(document, allow_unicode=True).encode("utf-8"))


@MANY
@given(mutated_sales())
def test_mutated_files_read_alike_emptied(raw: bytes) -> None:
    check_hollow_agrees(raw)


FLOW_PIECES = ["{a: 1}", "[1, 2]", "{", "}", "[", "]", "'{a: 1}'", "# {a}", "|\n  {a: 1}", "x {a}"]


@MANY
@given(st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 2), st.sampled_from(FLOW_PIECES))))
def test_brackets_anywhere_read_alike_emptied(edits: list[tuple[int, int, str]]) -> None:
    check_hollow_agrees(_edited_lines(SALES, edits))


@pytest.mark.parametrize(
    "text",
    [
        "a: |\n  b: {c: 1}\n",  # text in a block scalar
        "a: 'x\n  {c: 1}'\n",  # text in a quoted scalar over lines
        "a: x\n  {c: 1}\n",  # text in a plain scalar over lines
    ],
)
def test_brackets_that_are_text_are_read_whole(text: str) -> None:
    data, holes = hollow.read(text)
    assert holes == {}
    assert positioned_tree(data) == positioned_tree(load_text(text).data)


def test_a_position_reads_only_what_is_right_under_it() -> None:
    text = SALES
    data, holes = hollow.read(text)
    assert data is not None and holes
    objective = data["objectives"][0]
    kr = objective["key_results"][0]
    before = len(holes)
    hollow.fill(kr, holes, text, deep=False)  # its check-ins list is block: none of them is read
    assert len(holes) == before and kr["checkins"][0] == {}
    hollow.fill(kr["checkins"][0], holes, text, deep=False)
    assert len(holes) == before - 1 and kr["checkins"][0]["value"] == 2.1
    full = load_text(text).data
    assert kr["checkins"][0].vpos == full["objectives"][0]["key_results"][0]["checkins"][0].vpos
