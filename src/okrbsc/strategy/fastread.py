"""The fast reading path: plain values without positions, for files with nothing odd.

Positions are needed only where a finding is reported, and almost every file
of a real repo is clean. So a file is first read by yaml-rs (a Rust YAML 1.2
parser, ~10x PyYAML's C loader) into plain dicts and lists; the positioned
reader (`loader`) reads it again only when something needs a position.

yaml-rs reads some things otherwise than okrbsc's reader does (quoted dates
become dates, unknown tags are dropped, `0X1F` and `1_000` are numbers,
`10:00:00` is a time), and it has no E009, positions or depth limit of its
own. So :func:`read_plain` declines -- the caller then takes the positioned
path -- whenever the text holds anything whose reading could differ: the
guard below is a byte pre-scan of cheap, conservative tests (what is
common in hand-written files and reads alike to every reader is made plain
first, see `_alike`: Windows line ends, a tab in a comment, and with no
block scalar, lines of spaces alone and a missing last line break). A text it
passes reads to exactly the data the positioned reader gives it, with no
problem and no note; `tests/test_fastread.py` checks that claim over the
fuzz corpus, the hostile corpus, every scalar spelling up to a length and
the examples, and `OKRBSC_READER=positioned` turns this path off.
"""

from __future__ import annotations

import os
import re
from typing import Any, Final

from okrbsc.strategy import loader
from okrbsc.strategy.loader import MAX_DEPTH, Loaded

DECLINED: Final = object()
"""What :func:`read_plain` returns when the positioned reader must read the text."""

try:  # dependencies; without either, every file takes the positioned path
    import re2 as _re2  # type: ignore[import-untyped]
    import yaml_rs as _yaml_rs
except ImportError:  # pragma: no cover
    _re2 = _yaml_rs = None  # type: ignore[assignment]

_BRACKETS_ONLY = bytes(b for b in range(256) if b not in b"[]{}\n")
_FLOW_ROUNDS = 2  # rounds of removing innermost bracket pairs: flow nesting <= 2 * 2
_DEEP_COLUMN = 29  # no block collection opening at this column or right of it: depth <= 2 * 29

_B = rb"[ \[{,\n]"  # what may come right before a plain scalar (or a tag, anchor, alias)
# Characters the fast path never reads: tabs, CR, backslash escapes, control
# characters, YAML 1.1's extra line breaks (NEL, LS, PS), a BOM inside the
# text, non-characters, surrogates. Looked for everywhere, comments included.
_ODD_PART = (
    rb"[\t\r\\\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xa8\xa9]"
    rb"|\xef\xbb\xbf|\xef\xbf[\xbe\xbf]|\xed[\xa0-\xbf]"
)
_GUARD_PARTS = (
    _B + rb"!|" + _B + rb"[&*][^ \n]",  # a tag, an anchor, an alias
    _B + rb"[?@`%]|\n%|<<",  # a complex key, reserved indicators, a directive, a merge key
    # | and > anywhere but as the header of a block scalar (in flow, libyaml refuses them)
    _B + rb"[|>](?:[^-+0-9 \n]|[-+0-9]+[^-+0-9 \n]|[-+0-9]* +[^ #\n])|[\[{,][ \n]*[|>]",
    # yes/no/on/off/y/n/= as a whole plain scalar: YAML 1.1 reads a bool (E009)
    rb"[ \[{,\n:](?:[yYnNoO=]|[yY][eE][sS]|[nN][oO]|[oO][nN]|[oO][fF][fF]) *(?:[\n,\]}#]|:[ \n])",
    # numbers spelled with a leading zero or a radix, an exponent, underscores,
    # sexagesimal colons, a sign before a bare dot; infinities and NaN; 16+ digits
    rb"[ \[{,\n:][-+]?0[0-9oOxXbB_]|[0-9.][eE][-+]?[0-9]|[0-9._+\-]_|_[0-9._]|[0-9]:[0-9]",
    rb"[-+]\.[0-9]|\.(?:inf|Inf|INF|nan|NaN|NAN)|[0-9]{16}",
    # dates: quoted (text to us, a date to yaml-rs), first on an indented line
    # (a block scalar's text), with a time, impossible, or of year 0
    rb"(?:[:\-,\[{?] *|\n *)['\x22] *[0-9]{4}-|\n *[0-9]{4}-[0-9]|0000-",
    rb"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]| +)[0-9]",
    rb"[0-9]{4}-(?:00|1[3-9]|[2-9][0-9]|[0-9]{2}-(?:00|3[2-9]|[4-9][0-9]))",
    rb"[0-9]{4}-(?:02-(?:29|3[0-9])|(?:0[469]|11)-31)",
    # what libyaml refuses and yaml-rs reads: a colon opening a plain scalar or
    # closing one before a flow indicator, a line opening with a colon or a
    # document end, a flow collection as a key (also in a flow mapping), an indented first line, and
    # lines of spaces alone (they differ inside block scalars)
    rb"[ \[{,]:|:[\]},?@`:'\x22%|>!&*\[{#]|\n:|\n\.\.\.|[\]}] *:|{[^\]}\n]*[,{] *[\[{]|^\n |\n +\n",
    # a block scalar with nothing after it (yaml-rs keeps a line break there)
    rb"[|>][-+0-9]* *(?:#[^\n]*)?\n+\z",
    # a block collection that may open at column _DEEP_COLUMN or further right
    rb"\n[ ?:\-]{%d}" % _DEEP_COLUMN,
)
"""Everything whose reading may differ between yaml-rs and the positioned reader.

False alarms only cost speed (the positioned reader reads the file); a miss
would be a bug, so each test is wider than what it stands for. One RE2
search (a DFA: linear time, ~0.7 GB/s) runs them all; Python's `re` took
fifteen times as long for the same tests.
"""


# Comments, blanked before a second look: whole comment lines, and a comment
# ending a line that has no quote before it (a quote could hide the `#`).
# Inside a block scalar such a line is text; what could read otherwise in
# block text is its characters (the odd ones), and those stay.
_COMMENT_PARTS = rb"\n[ ]*#[^\n]*|(\n[^'\x22\n#]*) #[^\n]*"


def _compiled(pattern: bytes) -> Any:
    if _re2 is None:
        return None
    options = _re2.Options()
    options.max_mem = 64 << 20
    options.encoding = _re2.Options.Encoding.LATIN1  # bytes, not UTF-8 characters
    return _re2.compile(pattern, options)


def enabled() -> bool:
    """Is the fast path on? (``OKRBSC_READER=positioned`` turns it off.)"""
    return (
        _yaml_rs is not None
        and _GUARD is not None
        and os.environ.get("OKRBSC_READER", "") != "positioned"
    )


def load_bytes(raw: bytes) -> Loaded:
    """Read one file: without positions when :func:`read_plain` takes it, else with."""
    return read_fast(raw) or loader.load_bytes(raw)


def read_fast(raw: bytes) -> Loaded | None:
    """The file read without positions, or None when the positioned reader must read it."""
    if not enabled():
        return None
    text, _ = loader.decode(raw)
    if text is None:
        return None
    data = read_plain(raw, text)
    return None if data is DECLINED else Loaded(data, [], text, fast=True)


def read_plain(raw: bytes, text: str) -> Any:
    """The data of one YAML file, or :data:`DECLINED` (read it with positions)."""
    raw = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw  # a leading BOM is no content
    text = text.removeprefix("\ufeff")
    if _GUARD is None or _yaml_rs is None:
        return DECLINED
    raw, text, blanked = _alike(raw, text)
    if not raw.endswith(b"\n"):
        return DECLINED  # (yaml-rs ends a last block scalar with a line break of its own)
    padded = b"\n" + raw
    if not _flow_shallow(raw) or _ODD.search(raw):
        return DECLINED
    if _GUARD.search(padded) and _GUARD.search(_COMMENTS.sub(rb"\1", padded)):
        return DECLINED  # (comments hold prose: a second look goes without them)
    try:
        data = _yaml_rs.loads(text, parse_datetime=True)
    except Exception:  # a refusal of any kind: the positioned reader says what it is
        return DECLINED
    except BaseException as exc:  # a Rust panic (pyo3's PanicException) is no Exception
        if type(exc).__name__ != "PanicException":
            raise
        return DECLINED
    if data is not None and not isinstance(data, dict):
        return DECLINED  # several documents, or a top-level list or scalar
    if blanked and _holds_hash(data):
        return DECLINED  # a `#` taken for a comment's may have been a scalar's
    return data


_SPACES_ALONE = re.compile(r"^ +$", re.M)
_SPACES_ALONE_BYTES = re.compile(rb"^ +$", re.M)


def _alike(raw: bytes, text: str) -> tuple[bytes, str, bool]:
    """The text with what the guard declines but every reader reads alike made plain
    (and whether a tab in a comment was made a space, see `_comment_tabs_blanked`).

    Windows line ends: CR LF is one line break to every reader (libyaml makes it
    LF inside scalars too), and a CR before a line break moves no line or column.
    With no block scalar (no `|` or `>` anywhere), a missing last line break and
    lines of spaces alone are no data either: the readers differ on them only in
    a block scalar's text, and elsewhere a line of spaces is a blank line (in a
    scalar over lines too). No other line moves, nor any column of another line.
    """
    if b"\r\n" in raw:
        raw, text = raw.replace(b"\r\n", b"\n"), text.replace("\r\n", "\n")
    if b"|" not in raw and b">" not in raw:
        if raw and not raw.endswith(b"\n"):
            raw, text = raw + b"\n", text + "\n"
        if b" \n" in raw:
            raw, text = _SPACES_ALONE_BYTES.sub(b"", raw), _SPACES_ALONE.sub("", text)
    return _comment_tabs_blanked(raw, text)


# A `#` that may open a comment (first on its line, after a space, a tab or nothing),
# and the rest of its line.
_COMMENT_TAIL = re.compile(r"(?:^|(?<=[ \t]))#[^\n]*", re.M)


def _comment_tabs_blanked(raw: bytes, text: str) -> tuple[bytes, str, bool]:
    """The text with each tab inside a comment made a space (and whether any was).

    A tab in a comment is plain YAML (editors put them there), but the guard
    declines every tab. A space of the same width leaves every offset, line
    and column as it was, and a comment's characters are no data, so the text
    reads alike both ways -- if the `#` before the tab did open a comment. The
    tab is made a space only after a `#` that may open one; whether it did is
    known from the data (`_holds_hash`): a `#` that is no comment is a scalar's
    character, and a scalar holding `#` declines. (Whether a `#` opens a comment
    depends on what comes before it alone, which is unchanged.)
    """
    if b"\t" not in raw:
        return raw, text, False
    blanked = _COMMENT_TAIL.sub(lambda m: m.group().replace("\t", " "), text)
    if blanked == text:
        return raw, text, False
    return blanked.encode("utf-8"), blanked, True


def _holds_hash(data: Any) -> bool:
    """Does any key or text in ``data`` hold a `#`?"""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if "#" in value:
                return True
        elif isinstance(value, dict):
            stack.extend(value)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def _flow_shallow(raw: bytes) -> bool:
    """Is every flow collection shallow and on one line?

    The brackets and line breaks alone, innermost pairs removed round by
    round: what is left is deep nesting, a flow collection over several
    lines (libyaml and yaml-rs disagree on block scalars inside one) or a
    stray or quoted bracket, and each declines. (Block nesting: a collection
    opening at column c is at most 2 * (c + 1) deep, and the guard declines
    from _DEEP_COLUMN.)"""
    brackets = raw.translate(None, _BRACKETS_ONLY)
    for _ in range(_FLOW_ROUNDS):  # a round removes one or two levels ("[{}]")
        brackets = brackets.replace(b"[]", b"").replace(b"{}", b"")
    return not brackets.replace(b"\n", b"")


_ODD = _compiled(_ODD_PART)
_GUARD = _compiled(b"|".join(_GUARD_PARTS))
_COMMENTS = _compiled(_COMMENT_PARTS)
assert 2 * _DEEP_COLUMN + 2 * _FLOW_ROUNDS < MAX_DEPTH
