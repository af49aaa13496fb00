"""A differential fuzzer of the write path (issue 12): the same OKR data written out in
every style YAML allows, kept when lint accepts it, then checked in, scored with
--write and pulled into. Each write must either change only what it means to (the old
text is kept byte for byte around the insertions, and the file loads to the old data
plus the new values) or refuse: exit 1, the file named, the file untouched.

The example count is bounded for CI (OKRBSC_WRITE_FUZZ_EXAMPLES, default 60); run
longer with OKRBSC_WRITE_FUZZ_EXAMPLES=2000 pytest tests/test_write_fuzz.py.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import random
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from okrbsc.cli import app
from okrbsc.strategy.loader import load_bytes
from okrbsc.strategy.periods import Period
from okrbsc.strategy.repo import Repo
from okrbsc.write import values
from okrbsc.write.scalars import text as plain_text
from okrbsc.write.splice import plain, same

from .conftest import BASE

EXAMPLES = int(os.environ.get("OKRBSC_WRITE_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
OKR = "okrs/2026/Q3/sales.yaml"
AS_OF = "2026-07-20"
DATA = yaml.safe_load((BASE / OKR).read_text())


class Emitter:
    """Writes data as YAML in randomly chosen (valid) styles."""

    def __init__(self, rnd: random.Random) -> None:
        self.r = rnd
        self.step = rnd.choice([2, 2, 4, 3])
        self.anchors: dict[str, str] = {}  # repr of a scalar -> its anchor
        self.tabs = rnd.random() < 0.3
        self.long = rnd.random() < 0.3
        self.flowp = rnd.choice([0.0, 0.0, 0.1, 0.3, 0.6])  # how often a collection is flow
        self.quotep = rnd.choice([0.0, 0.1, 0.5])  # how often a scalar is quoted

    def chance(self, p: float) -> bool:
        return self.r.random() < p

    def document(self, data: dict[str, Any]) -> str:
        head = self.r.choice(["", "", "---\n", "%YAML 1.1\n---\n", "# a strategy\n\n", "--- # c\n"])
        if self.chance(0.08):
            body = self.flow(data, 0, spread=True) + "\n"
        else:
            body = "".join(line + "\n" for line in self.mapping(data, 0))
        tail = self.r.choice(["", "", "...\n", "# end\n", "\n\n"])
        return head + body + tail

    # --- block ------------------------------------------------------------------------

    def noise(self, indent: int) -> list[str]:
        out = []
        if self.chance(0.06):
            out.append("")
        if self.chance(0.06):
            out.append(
                " " * self.r.choice([0, indent]) + "# " + self.r.choice(["note", "x: y", "- z"])
            )
        return out

    def mapping(self, data: dict[str, Any], indent: int, first_inline: bool = False) -> list[str]:
        lines: list[str] = []
        for n, (key, value) in enumerate(data.items()):
            if not (first_inline and n == 0):
                lines += self.noise(indent)
            pad = " " * indent
            explicit = self.chance(0.04)
            k = self.key(key)
            if explicit:
                lines.append(f"{pad}? {k}")
                head = f"{pad}:"
            else:
                head = f"{pad}{k}:"
            lines += self.entry(head, value, indent)
        return lines

    def entry(self, head: str, value: Any, indent: int) -> list[str]:
        if isinstance(value, dict) and value and not self.chance(self.flowp):
            return [head + self.comment(), *self.mapping(value, indent + self.step)]
        if isinstance(value, list) and value and not self.chance(self.flowp):
            inner = indent if self.chance(0.3) else indent + self.step  # indentless, or not
            return [head + self.comment(), *self.sequence(value, inner)]
        if isinstance(value, dict | list):
            return [head + " " + self.flow(value, indent + self.step, spread=self.chance(0.1))]
        if isinstance(value, str) and self.chance(0.15) and self.foldable(value):
            return self.block_scalar(head, value, indent + self.step)
        tab = self.tabs and head.strip() != ":" and self.chance(0.3)  # not after `? key`
        sep = ":\t" if tab else self.r.choice([": ", ": ", ":   "])
        return [head[:-1] + sep + self.scalar(value, flow=False) + self.comment()]

    def sequence(self, items: list[Any], indent: int) -> list[str]:
        lines: list[str] = []
        pad = " " * indent
        for item in items:
            lines += self.noise(indent)
            if isinstance(item, dict) and item and not self.chance(self.flowp):
                inner = self.mapping(item, indent + 2, first_inline=True)
                lines += [pad + "- " + inner[0][indent + 2 :], *inner[1:]]
            elif isinstance(item, dict | list):
                lines.append(pad + "- " + self.flow(item, indent + 2) + self.comment())
            else:
                lines.append(pad + "- " + self.scalar(item, flow=False) + self.comment())
        return lines

    def comment(self) -> str:
        if not self.chance(0.1):
            return ""
        return ("\t" if self.tabs and self.chance(0.5) else "  ") + "# c"

    def foldable(self, value: str) -> bool:
        return bool(re.fullmatch(r"\S+( \S+)*", value)) and plain_text(value) == value

    def block_scalar(self, head: str, value: str, indent: int) -> list[str]:
        """A text over several lines: literal, folded, or a plain or quoted scalar
        continued on the next lines (each reads back as the same one-line text)."""
        pad = " " * indent
        style = self.r.choice(["|-", ">-", "plain", "'", '"'])
        if style == "|-":
            return [head + " |-", pad + value]
        words, lines = value.split(" "), []
        while words:
            take = self.r.randint(1, len(words))
            lines.append(" ".join(words[:take]))
            words = words[take:]
        if style == ">-":
            return [head + " >-", *(pad + line for line in lines)]
        quote = "" if style == "plain" else style
        lines[0] = quote + lines[0]
        lines[-1] += quote
        return [head + " " + lines[0], *(pad + line for line in lines[1:])]

    # --- flow and scalars -------------------------------------------------------------

    def flow(self, value: Any, indent: int, spread: bool = False) -> str:
        sep = ",\n" + " " * (indent + 1) if spread else ", "
        if isinstance(value, dict):
            inner = sep.join(
                f"{self.key(k)}: {self.flow(v, indent + 1, spread)}" for k, v in value.items()
            )
            return "{" + inner + "}"
        if isinstance(value, list):
            return "[" + sep.join(self.flow(v, indent + 1, spread) for v in value) + "]"
        return self.scalar(value, flow=True)

    def key(self, key: Any) -> str:
        if isinstance(key, str) and self.chance(0.05):
            return self.r.choice([f"'{key}'", f'"{key}"'])
        return self.scalar(key, flow=True, alias=False)

    def scalar(self, value: Any, flow: bool, alias: bool = True) -> str:
        name = f"{type(value).__name__}:{value!r}"
        if alias and name in self.anchors and self.chance(0.5):
            return "*" + self.anchors[name]
        text = self.bare(value)
        if self.chance(0.03) and isinstance(value, str | float) and not isinstance(value, bool):
            text = ("!!str " if isinstance(value, str) else "!!float ") + text
        if alias and name not in self.anchors and self.chance(0.25):
            self.anchors[name] = f"a{len(self.anchors)}"
            return f"&{self.anchors[name]} {text}"
        return text

    def bare(self, value: Any) -> str:
        if value is None:
            return self.r.choice(["null", "~", "Null"])
        if isinstance(value, bool):
            return self.r.choice(["true", "True", "TRUE"] if value else ["false", "False"])
        if isinstance(value, int):
            return self.r.choice(
                [str(value), f"+{value}" if value >= 0 else str(value), hex(value)]
            )
        if isinstance(value, float):
            shown = repr(value)
            return self.r.choice([shown, shown + "0", shown + "e+0"])
        if isinstance(value, dt.date):
            return value.isoformat()
        assert isinstance(value, str)
        quoted = self.chance(self.quotep)
        if not quoted and plain_text(value) == value:
            return value
        if self.chance(0.5) or "'" in value:
            return (
                '"' + "".join(f"\\x{ord(c):02x}" if self.chance(0.05) else c for c in value) + '"'
            )
        return "'" + value + "'"


def variant(seed: int) -> str:
    """The base OKR file's data in the styles one seed picks, as text (bytes-level noise too)."""
    rnd = random.Random(seed)
    data = json.loads(json.dumps(DATA, default=str))  # a copy; dates back below
    for objective in data["objectives"]:
        for kr in objective["key_results"]:
            for checkin in kr.get("checkins", []):
                checkin["date"] = dt.date.fromisoformat(checkin["date"])
    data["objectives"][0]["key_results"][0]["checkins"][-1]["note"] = "two deals signed"
    for objective in data["objectives"]:  # a value in many places, for aliases
        objective["owner"] = "Dana"
        objective["key_results"][-1]["owner"] = "Dana"
    first = data["objectives"][0]["key_results"][0]
    shape = rnd.choice(["list", "list", "list", "none", "empty"])
    if shape == "none":
        del first["checkins"]
    elif shape == "empty":
        first["checkins"] = []
    emitter = Emitter(rnd)
    if emitter.long:
        data["objectives"][1]["title"] = "Keep our best customers " + "and more " * rnd.randint(
            20, 60
        )
    text = emitter.document(data)
    if rnd.random() < 0.1 and not text.endswith("|-\n"):
        text = text.rstrip("\n")  # no newline at the end
    if rnd.random() < 0.25:
        text = text.replace("\n", "\r\n")
    if rnd.random() < 0.15:
        text = "\ufeff" + text
    return text


def loads_cleanly(raw: bytes) -> bool:
    loaded = load_bytes(raw)
    return not loaded.problems and isinstance(loaded.data, dict)


def fresh_repo(raw: bytes) -> Path:
    root = Path(tempfile.mkdtemp(prefix="okrbsc-write-fuzz-"))
    shutil.copytree(BASE, root, dirs_exist_ok=True)
    (root / OKR).write_bytes(raw)
    return root


def lint_accepts(root: Path) -> bool:
    repo = Repo.open(root, dt.date.fromisoformat(AS_OF))
    return not any(p.code in {"E001", "E002", "E003"} for f in repo.files for p in f.problems)


def only_insertions(old: bytes, new: bytes) -> bool:
    """Is ``new`` the old bytes with text inserted, and none changed or removed?

    SPEC 14.7: a check-in list written as a block may remove a flow list's or a
    one-line key result's brackets, commas and blanks, never anything else."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return all(
        tag in ("equal", "insert") or not old[i1:i2].strip(b"{}[], \t")
        for tag, i1, i2, *_ in matcher.get_opcodes()
    )


REFUSED: list[str] = []  # what the fuzzer saw refused


def outcome(root: Path, before: bytes, result: Any) -> bool:
    """True when written. A refusal is exit 1, names the file and leaves it untouched;
    it is recorded, and fails the test unless ``OKRBSC_WRITE_FUZZ_ALLOW_REFUSALS`` is
    set: every style this generator makes is one okrbsc can write."""
    output = result.output
    assert "internal error" not in output and "Traceback" not in output, output
    if result.exit_code == 0:
        return True
    assert result.exit_code == 1, output
    assert OKR in output and "left unchanged" in output, output
    assert (root / OKR).read_bytes() == before
    refused(output)
    return False


def refused(message: str) -> None:
    REFUSED.append(message)
    assert os.environ.get("OKRBSC_WRITE_FUZZ_ALLOW_REFUSALS"), f"refused: {message}"


def data_of(raw: bytes) -> Any:
    loaded = load_bytes(raw)
    assert loaded.problems == [], loaded.problems
    return plain(loaded.data)


def check_checkin(root: Path, before: bytes) -> None:
    runner = CliRunner()
    args = ["checkin", "S1.1", "2.6", "--note", "no", "--repo", str(root), "--as-of", AS_OF]
    result = runner.invoke(app, args)
    if not outcome(root, before, result):
        return
    after = (root / OKR).read_bytes()
    assert only_insertions(before, after), (before, after)
    expected = data_of(before)
    kr = expected["objectives"][0]["key_results"][0]
    kr["checkins"] = [
        *(kr.get("checkins") or []),
        {"date": dt.date(2026, 7, 20), "value": 2.6, "note": "no"},
    ]
    assert same(data_of(after), expected)
    assert_same_bytes_kind(before, after)


def assert_same_bytes_kind(before: bytes, after: bytes) -> None:
    """A BOM stays (or stays away); a file of CRLF lines gets only CRLF lines."""
    assert after.startswith(b"\xef\xbb\xbf") == before.startswith(b"\xef\xbb\xbf")
    if b"\n" in before and before.count(b"\r\n") == before.count(b"\n"):
        assert after.count(b"\r\n") == after.count(b"\n")


def check_score_write(root: Path, before: bytes) -> None:
    runner = CliRunner()
    args = ["score", "2026-Q3", "--write", "--force", "-q", "--repo", str(root), "--as-of", AS_OF]
    result = runner.invoke(app, args)
    if not outcome(root, before, result):
        return
    after = (root / OKR).read_bytes()
    assert only_insertions(before, after)
    assert_same_bytes_kind(before, after)
    old, new = data_of(before), data_of(after)
    for o_old, o_new in zip(old["objectives"], new["objectives"], strict=True):
        assert isinstance(o_new.pop("score"), float)
        for k_old, k_new in zip(o_old["key_results"], o_new["key_results"], strict=True):
            assert isinstance(k_new.pop("score"), float)
            assert same(k_old, k_new)
        o_old.pop("key_results"), o_new.pop("key_results")
        assert same(o_old, o_new)


def check_pull(root: Path, before: bytes) -> None:
    """The values engine (pull, import): an insert before the first check-in and a restatement."""
    repo = Repo.open(root, dt.date.fromisoformat(AS_OF))
    rows = [
        values.CheckinRow("S1.1", dt.date(2026, 7, 1), 1.5, source="warehouse"),
        values.CheckinRow("S1.1", dt.date(2026, 7, 13), 2.45, confidence=0.5, source="wh"),
        values.ActualRow("F1-arr", Period(2026, 3), 47.0, source="files"),
    ]
    try:
        values.write(repo, values.merge(repo, rows), restate=True)
    except values.WriteError as exc:
        assert OKR in str(exc) and (root / OKR).read_bytes() == before
        refused(str(exc))
        return
    assert_same_bytes_kind(before, (root / OKR).read_bytes())
    new = data_of((root / OKR).read_bytes())
    checkins = new["objectives"][0]["key_results"][0]["checkins"]
    assert checkins[0] == {"date": dt.date(2026, 7, 1), "value": 1.5, "source": "warehouse"}
    restated = [c for c in checkins if c["date"] == dt.date(2026, 7, 13)]
    if restated:
        assert restated[-1]["value"] == 2.45 and restated[-1]["source"] == "wh"


@FUZZ
@given(st.integers(0, 2**32))
def test_every_file_lint_accepts_is_written_exactly_or_refused(seed: int) -> None:
    raw = variant(seed).encode("utf-8")
    if not loads_cleanly(raw):
        return  # the generator made something YAML does not allow: not this test's concern
    root = fresh_repo(raw)
    try:
        if not lint_accepts(root):
            return
        check_checkin(root, raw)
        (root / OKR).write_bytes(raw)
        check_score_write(root, raw)
        (root / OKR).write_bytes(raw)
        check_pull(root, raw)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_the_fuzzer_makes_every_style_it_promises() -> None:
    """The generator's coverage, so a change to it cannot quietly stop testing a style."""
    texts = [variant(seed) for seed in range(400)]
    joined = "".join(texts)
    for mark in ("\r\n", "\ufeff", "%YAML 1.1", "---", "...\n", "? ", ">-", "|-", "&a", "*a",
                 "'", '"', ":\t", "# c", "\n\n", "{kind:", "\\x"):  # fmt: skip
        assert mark in joined, mark
    assert any(len(line) > 200 for text in texts for line in text.splitlines())
    indentless = re.compile(r"^( *)checkins:\r?\n\1- ", re.M)
    assert any(indentless.search(text) for text in texts)
    accepted = sum(loads_cleanly(text.encode()) for text in texts)
    assert accepted > 300  # most variants are valid YAML, so the write path is exercised
