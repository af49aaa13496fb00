"""Read YAML text into plain data that remembers where every key and item came from.

The reader is PyYAML's libyaml-backed composer (C speed, safe: no tag ever
constructs an object) followed by a small Python pass that turns nodes into
dicts and lists carrying line and column numbers. Plain values mean what
YAML 1.2's core schema says (plus dates); one that YAML 1.1 reads otherwise
(`on`, `017`, `1e3`, `12:30`) is noted (E009) at its position. Anything odd in the input --
bad bytes, syntax errors, duplicate keys, unknown tags, alias bombs, absurd
nesting, huge integers, NaN -- becomes a :class:`Problem`, never an exception.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_DEPTH = 64
MAX_ALIAS_EXPANSION = 1_000_000
_CHECK_FROM = 256  # nesting that may reach this deep is checked before composing

_T = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = _T + "str", _T + "int", _T + "float", _T + "bool", _T + "null"
TIMESTAMP, MAP, SEQ, MERGE = _T + "timestamp", _T + "map", _T + "seq", _T + "merge"

Pos = tuple[int, int]
"""A 1-based (line, column)."""


class PosDict(dict[Any, Any]):
    """A mapping with the position of itself, of each key and of each value."""

    __slots__ = ("col", "kpos", "line", "vpos")

    def __init__(self, line: int, col: int) -> None:
        super().__init__()
        self.line, self.col = line, col
        self.kpos: dict[Any, Pos] = {}
        self.vpos: dict[Any, Pos] = {}


class PosList(list[Any]):
    """A sequence with the position of itself and of each item."""

    __slots__ = ("col", "ipos", "line")

    def __init__(self, line: int, col: int) -> None:
        super().__init__()
        self.line, self.col = line, col
        self.ipos: list[Pos] = []


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with the text of a file, found while reading it."""

    code: str  # E001, E002 or E003
    message: str
    line: int
    column: int

    def at(self, path: str) -> str:
        """``path:line:col: CODE message``, as every text output writes it."""
        return f"{path}:{self.line}:{self.column}: {self.code} {self.message}"


@dataclass(slots=True)
class Loaded:
    """The result of reading one file: the data (None if unreadable) and problems."""

    data: Any
    problems: list[Problem]
    text: str
    notes: list[Problem] = field(default_factory=list)  # warnings (E009): the data is sound
    fast: bool = False  # plain dicts and lists, no positions (`fastread`): no problem, no note


class _Abort(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


_scalars = SafeConstructor()
_resolver = yaml.resolver.Resolver()  # PyYAML's: YAML 1.1

# The meaning of a plain scalar is YAML 1.2's core schema (docs/format.md),
# plus dates (YYYY-MM-DD and timestamps, as in 1.1) and `<<` kept as a merge
# key so that it is refused rather than read as a key named "<<".
_CORE_NULL = frozenset(("", "~", "null", "Null", "NULL"))
_CORE_BOOL = frozenset(("true", "True", "TRUE", "false", "False", "FALSE"))
_CORE_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_CORE_FLOAT = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
_SPEC11_BOOL = frozenset(("y", "Y", "n", "N"))  # YAML 1.1 booleans PyYAML leaves as text
DIFFERS = "tag:okrbsc,2026:yaml11-differs:"
"""Prefix of the tag of a plain scalar that YAML 1.1 reads otherwise: ``DIFFERS + tag``."""


def core_tag(value: str) -> str:
    """The tag YAML 1.2's core schema (with okrbsc's dates) gives a plain scalar."""
    if value in _CORE_NULL:
        return NULL
    if value in _CORE_BOOL:
        return BOOL
    if _CORE_INT.fullmatch(value):
        return INT
    if _CORE_FLOAT.fullmatch(value):
        return FLOAT
    tag11 = _tag11(value)
    return tag11 if tag11 in (TIMESTAMP, MERGE) else STR


def _tag11(value: str) -> str:
    if value in _SPEC11_BOOL:
        return BOOL
    tag: str = _resolver.resolve(ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    return tag


@functools.lru_cache(maxsize=1 << 16)
def _resolve(kind: type, value: str, implicit: tuple[bool, bool]) -> str:
    if not implicit[0]:
        return STR  # quoted, or a block scalar: text in every YAML
    tag, tag11 = core_tag(value), _tag11(value)
    if tag == tag11 == STR or not yaml11_differs(value, tag, tag11):
        return tag
    return DIFFERS + tag


def yaml11_differs(value: str, tag: str, tag11: str) -> bool:
    """Do YAML 1.1 and 1.2 read the plain scalar ``value`` differently?"""
    if tag != tag11:
        return True
    if tag not in (INT, FLOAT):
        return False  # null, booleans, dates: the same words mean the same in both
    try:
        ours = _core_number(value, tag)
        theirs = _meaning11(value, tag)
    except (ValueError, OverflowError, ConstructorError):
        return False  # refused as a number either way (E002)
    return not (ours == theirs or (ours != ours and theirs != theirs))  # NaN is NaN


def _meaning11(value: str, tag11: str) -> Any:
    """What a YAML 1.1 reader (PyYAML, and the spec's y/n) makes of a plain scalar."""
    node = ScalarNode(tag11, value)
    if tag11 == INT:
        return _scalars.construct_yaml_int(node)
    if tag11 == FLOAT:
        return _scalars.construct_yaml_float(node)
    if tag11 == BOOL:
        return value in "yY" if value in _SPEC11_BOOL else _scalars.construct_yaml_bool(node)
    return None if tag11 == NULL else value


def _spelled(value: Any, tag: str) -> str:
    """A meaning in words, and in a spelling both YAML versions read alike."""
    if tag == STR:
        return f'the text "{value}"'
    if tag not in (INT, FLOAT, BOOL):
        return f"a {tag.replace(_T, '!!')}" + (" key" if tag == _T + "value" else "")
    if isinstance(value, float) and "e" in repr(value):
        mantissa, exponent = repr(value).split("e")
        mantissa += "" if "." in mantissa else ".0"
        return mantissa + "e" + (exponent if exponent[0] in "+-" else "+" + exponent)
    return str(value).lower() if isinstance(value, bool) else repr(value)


def yaml11_message(value: str, tag: str, ours: Any) -> str:
    """E009's words for a plain scalar that YAML 1.1 reads otherwise."""
    tag11 = _tag11(value)
    try:
        theirs = _spelled(_meaning11(value, tag11), tag11)
    except (ValueError, OverflowError, ConstructorError):
        theirs = f"a {tag11.replace(_T, '!!')} it cannot read"
    if tag == STR:
        fix = f'quote it ("{value}") for the text'
        if tag11 in (INT, FLOAT, BOOL):
            fix += f", or write {theirs} for {'a yes or no' if tag11 == BOOL else 'the number'}"
    else:
        fix = f"write {_spelled(ours, tag)}, which both read alike"
    return (
        f"{value[:40]!r} is {_spelled(ours, tag)} to okrbsc (YAML 1.2) but {theirs} to "
        f"YAML 1.1 readers (PyYAML, older tools): {fix}"
    )


def _core_number(value: str, tag: str) -> int | float:
    """A core-schema int (decimal, 0o octal, 0x hex) or float; 1.1 forms via PyYAML."""
    if tag == INT:
        if value.isdigit():
            return int(value)
        if _CORE_INT.fullmatch(value):
            digits = value.lstrip("+-")
            base = {"0o": 8, "0x": 16}.get(digits[:2], 10)
            magnitude = int(digits[2:] if base != 10 else digits, base)
            return -magnitude if value.startswith("-") else magnitude
        number11: int = _scalars.construct_yaml_int(ScalarNode(tag, value))
        return number11
    if _CORE_FLOAT.fullmatch(value):
        lowered = value.lower()
        return float(lowered.replace(".inf", "inf").replace(".nan", "nan"))
    real: float = _scalars.construct_yaml_float(ScalarNode(tag, value))
    return real


class _Reader(yaml.CSafeLoader):
    """libyaml's composer with a memoised tag resolver (the resolver is Python)."""

    def resolve(self, kind: type, value: str | None, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode and value is not None:
            return _resolve(kind, value, (bool(implicit[0]), bool(implicit[1])))
        tag: str = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
        return tag


Reader = _Reader
"""The reader's parser and tags (the writers find positions with it, so both agree)."""


def decode(raw: bytes) -> tuple[str | None, Problem | None]:
    """UTF-8 (with or without BOM) to text, or a positioned E001."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        msg = f"file is not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded"
        return None, Problem("E001", msg, line, col)
    return text, None


def load_bytes(raw: bytes) -> Loaded:
    text, problem = decode(raw)
    if text is None:
        assert problem is not None
        return Loaded(None, [problem], "")
    return load_text(text)


def load_text(text: str) -> Loaded:
    """Parse one YAML document; never raises for any input text."""
    try:
        _check_nesting(text)
        node = _compose(text)
    except _Abort as exc:
        return Loaded(None, [_within(text, exc.problem)], text)
    if node is None:
        return Loaded(None, [], text)
    builder = _Builder()
    try:
        data = builder.build(node, 0)
    except _Abort as exc:
        return Loaded(None, [*builder.problems, exc.problem], text)
    return Loaded(data, builder.problems, text, builder.notes)


def scalar_value(node: ScalarNode) -> Any:
    """The value the reader gives a scalar node (None for one it cannot read)."""
    return _Builder()._scalar(node)


def _within(text: str, problem: Problem) -> Problem:
    """Move a problem reported past the end of the text (libyaml does) to its last line."""
    lines = text.splitlines() or [""]
    if problem.line <= len(lines):
        return problem
    return Problem(problem.code, problem.message, len(lines), len(lines[-1]) + 1)


def _compose(text: str) -> Node | None:
    loader = _Reader(text)
    try:
        node: Node | None = loader.get_single_node()
        return node
    except yaml.MarkedYAMLError as exc:
        raise _Abort(_syntax_problem(exc, text)) from None
    except yaml.reader.ReaderError as exc:
        line, col = _offset_to_pos(text, exc.position)
        raise _Abort(Problem("E001", f"invalid YAML: {exc.reason}", line, col)) from None
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml reports all with marks
        raise _Abort(Problem("E001", f"invalid YAML: {exc}", 1, 1)) from None
    finally:
        loader.dispose()


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str = "") -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    what = exc.problem or "syntax error"
    if exc.context and "single document" not in what:
        what = f"{what} {exc.context}".strip()
    if "single document" in (exc.context or "") or "single document" in what:
        what = "a data file must hold a single YAML document, found another"
    cause = likely_cause(text, line) or indentation_cause(text, line, what)
    return Problem("E001", f"invalid YAML: {what}{cause}", line, col)


def _indent(line: str) -> int | None:
    """A content line's indentation (None for a blank or comment line)."""
    body = line.lstrip(" ")
    return None if not body.strip() or body.startswith("#") else len(line) - len(body)


def indentation_cause(text: str, line: int, what: str) -> str:
    """An indentation slip: the line where the indentation changed, which may lie above
    the line libyaml reports (a key dedented to its parent's level is valid YAML until
    the next item of the list it left, SPEC 14.6)."""
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return ""
    content = [(i, n) for i, raw in enumerate(lines[:line]) if (n := _indent(raw)) is not None]
    j = next(
        (j for j in range(len(content) - 1, 0, -1) if content[j][1] != content[j - 1][1]), None
    )
    if j is not None and j >= 2 and content[j][1] == content[j - 2][1]:
        j -= 1  # the line before went back to where it was: the odd one out slipped
    changed = line if j is None else content[j][0] + 1
    fix = "line up the keys of one mapping, and the dashes of one list"
    if changed < line and ("block" in what or "mapping values are not allowed" in what):
        return f" (the indentation changes on line {changed}, above line {line}: {fix})"
    if "block" in what:
        return f" (line {line} is indented unlike the lines around it: {fix})"
    if "mapping values are not allowed" in what and j is not None:
        (above, before), (_, after) = content[j - 1], content[j]
        if after > before and not lines[above].split(" #")[0].rstrip().endswith(":"):
            return (
                f" (line {changed} is indented deeper than line {above + 1}, which already "
                f"holds a value: {fix})"
            )
    return ""


_LEADING_TAB = re.compile(r"^ *\t")
_NO_SPACE = re.compile(r"^\s*(?:-\s+)?[A-Za-z_][\w-]*:(?=[^\s:/])")
_NO_COLON = re.compile(r"^\s*(?:-\s+)?[A-Za-z_][\w-]*(?:\s+[^:#\s][^:#]*)?\s*$")
_KEY_VALUE = re.compile(r"^\s*(?:-\s+)?[A-Za-z_][\w-]*:(?:\s|$)")


def likely_cause(text: str, line: int) -> str:
    """What usually causes a syntax error at ``line``: a tab, a colon without a space."""
    lines = text.splitlines()
    near = range(min(line, len(lines)) - 1, max(0, line - 3) - 1, -1)
    for i in near:
        if _LEADING_TAB.match(lines[i]):
            return f" (line {i + 1} is indented with a tab: YAML indents with spaces only)"
    for i in near:
        if _NO_SPACE.match(lines[i]):
            key = lines[i].split(":", 1)[0].strip().lstrip("- ")
            return f" (line {i + 1} has no space after the colon: write `{key}: value`)"
    block = [i for i in near if lines[i].strip() and not lines[i].lstrip().startswith("#")]
    for i in block:
        bare = _NO_COLON.match(lines[i]) and not lines[i].strip().startswith(("-", "[", "{"))
        if bare and any(_KEY_VALUE.match(other) for other in lines[max(0, i - 2) : i]):
            return f" (line {i + 1} has no colon: write `key: value`)"
    return ""


def _offset_to_pos(text: str, offset: int) -> Pos:
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


_BRACKETS = re.compile(r"[\[\]{}]")
_OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029")  # line breaks to libyaml besides \n
_INDICATORS = "[ \t?:\\-]"  # indentation, and the indicators a block collection may follow


@functools.lru_cache(maxsize=8)
def _deep_lines(chars: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Lines starting with ``chars`` characters of indentation and indicators:
    after a newline (fast: a literal prefix) and after any line break."""
    return (
        re.compile(f"\n{_INDICATORS}{{{chars}}}"),
        re.compile(f"(?:^|(?<=[\r\x85\u2028\u2029])){_INDICATORS}{{{chars}}}", re.M),
    )


def _check_nesting(text: str) -> None:
    """Refuse nesting deep enough to exhaust the C composer's stack, block or flow.

    Two cheap upper bounds clear almost every file; the exact check walks
    libyaml's (iterative) event stream. Flow: counting brackets. Block: every
    level opens at a column at least one more than the level two above it
    (a sequence may share its parent key's column), and a block collection
    opens at a line's indentation or after a run of ``- ``, ``? ``, ``: ``
    on its line, so one opening at column c is at most 2 * (c + 1) deep.
    Nesting the bounds leave possible but below ``_CHECK_FROM`` composes
    safely (libyaml's own limits are 1,000) and the builder refuses it.
    """
    room = _CHECK_FROM - _flow_bound(text)  # levels left to block nesting
    if room >= 2 and not block_may_reach(text, room // 2):
        return
    _check_nesting_exactly(text)


def block_may_reach(text: str, column: int) -> bool:
    """Might a block collection open at ``column`` or further right?"""
    after_newline, after_any = _deep_lines(column)
    if after_newline.search(text):
        return True
    if any(brk in text for brk in _OTHER_BREAKS):
        return after_any.search(text) is not None
    return after_any.match(text) is not None


def _flow_bound(text: str) -> int:
    """How deep flow collections may nest, from counting brackets (a closer may be quoted)."""
    opened = text.count("[") + text.count("{")
    if opened < _CHECK_FROM:
        return opened
    depth = peak = 0
    for match in _BRACKETS.finditer(text):
        depth = depth + 1 if match.group() in "[{" else max(0, depth - 1)
        peak = max(peak, depth)
    return peak


def _check_nesting_exactly(text: str) -> None:
    loader = yaml.CSafeLoader(text)
    depth = read = 0
    try:
        while (event := loader.get_event()) is not None:
            read = event.end_mark.index if event.end_mark is not None else read
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
                    msg = f"YAML nested deeper than {MAX_DEPTH} levels"
                    raise _Abort(Problem("E001", msg, line, col))
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        # libyaml may stop at a nesting limit of its own (PyYAML 6.0.4 ships
        # one, with its own words) before the events reach ours: find our
        # limit in the text it did read, so the finding is the same anywhere.
        mark = exc.problem_mark or exc.context_mark
        end = mark.index if mark is not None else len(text)
        if (offset := _flow_too_deep_at(text, read, end, depth)) is not None:
            line, col = _offset_to_pos(text, offset)
            msg = f"YAML nested deeper than {MAX_DEPTH} levels"
            raise _Abort(Problem("E001", msg, line, col)) from None
        return  # the composer reports the syntax error with its position
    except yaml.YAMLError:
        return
    finally:
        loader.dispose()


def _flow_too_deep_at(text: str, start: int, end: int, depth: int) -> int | None:
    """The offset of the first bracket in ``text[start:end]`` that opens level MAX_DEPTH + 1.

    ``depth`` collections are open at ``start``. Quoted scalars and comments
    are skipped, so brackets inside them never count.
    """
    i = start
    while i < end:
        ch = text[i]
        if ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return i
        elif ch in "]}":
            depth = max(0, depth - 1)
        elif ch in "'\"":
            i = _quoted_end(text, i, end)
        elif ch == "#" and (i == 0 or text[i - 1] in " \t\n"):
            newline = text.find("\n", i, end)
            i = end if newline < 0 else newline
        i += 1
    return None


def _quoted_end(text: str, start: int, end: int) -> int:
    """The offset of the quote closing the scalar that opens at ``start``."""
    quote, i = text[start], start + 1
    while i < end:
        if quote == '"' and text[i] == "\\":
            i += 2
            continue
        if text[i] == quote:
            if quote == "'" and text[i + 1 : i + 2] == "'":
                i += 2
                continue
            return i
        i += 1
    return end


class _Builder:
    """Turns a node tree into PosDict / PosList / scalars, collecting problems."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.notes: list[Problem] = []  # E009: plain scalars YAML 1.1 reads otherwise
        self._done: dict[int, tuple[Any, int]] = {}  # id(node) -> (value, size)
        self._busy: set[int] = set()
        self._expanded = 0

    def build(self, node: Node, depth: int) -> Any:
        if isinstance(node, ScalarNode):
            return self._scalar(node)
        key = id(node)
        if key in self._done:
            shared, size = self._done[key]
            self._expanded += size
            if self._expanded > MAX_ALIAS_EXPANSION:
                raise _Abort(self._at(node, "E001", "aliases expand to too much data"))
            return shared
        if key in self._busy:
            raise _Abort(self._at(node, "E001", "an alias refers to itself"))
        if depth >= MAX_DEPTH:
            raise _Abort(self._at(node, "E001", f"YAML nested deeper than {MAX_DEPTH} levels"))
        self._busy.add(key)
        before = self._expanded
        if isinstance(node, MappingNode):
            value: Any = self._mapping(node, depth)
        else:
            assert isinstance(node, SequenceNode)
            value = self._sequence(node, depth)
        self._busy.discard(key)
        self._done[key] = (value, 1 + len(node.value) + (self._expanded - before))
        return value

    def _at(self, node: Node, code: str, message: str) -> Problem:
        return Problem(code, message, node.start_mark.line + 1, node.start_mark.column + 1)

    def _mapping(self, node: MappingNode, depth: int) -> PosDict:
        if node.tag != MAP:
            self._bad_tag(node)
        out = PosDict(node.start_mark.line + 1, node.start_mark.column + 1)
        for knode, vnode in node.value:
            if knode.tag == MERGE:
                self.problems.append(self._at(knode, "E002", "merge keys (<<) are not supported"))
                continue
            if not isinstance(knode, ScalarNode):
                self.problems.append(self._at(knode, "E002", "a key must be a plain scalar"))
                continue
            k = self._scalar(knode)
            kpos = (knode.start_mark.line + 1, knode.start_mark.column + 1)
            if k in out.kpos:
                first = out.kpos[k][0]
                msg = (
                    f"duplicate key {k!r} (first defined on line {first}): YAML keeps only "
                    "the last, so remove one of them"
                )
                self.problems.append(Problem("E003", msg, *kpos))
            out[k] = self.build(vnode, depth + 1)
            out.kpos[k] = kpos
            out.vpos[k] = (vnode.start_mark.line + 1, vnode.start_mark.column + 1)
        return out

    def _sequence(self, node: SequenceNode, depth: int) -> PosList:
        if node.tag != SEQ:
            self._bad_tag(node)
        out = PosList(node.start_mark.line + 1, node.start_mark.column + 1)
        for item in node.value:
            out.append(self.build(item, depth + 1))
            out.ipos.append((item.start_mark.line + 1, item.start_mark.column + 1))
        return out

    def _bad_tag(self, node: Node) -> None:
        tag = node.tag.replace(_T, "!!")
        self.problems.append(self._at(node, "E002", f"unsupported YAML tag {tag}"))

    def _scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        if tag == STR:
            return node.value
        try:
            if tag == INT:
                return self._finite(node, _core_number(node.value, INT))
            if tag == FLOAT:
                return self._finite(node, _float(node))
            if tag == BOOL:
                return _scalars.construct_yaml_bool(node)
            if tag == NULL:
                return None
            if tag == TIMESTAMP:
                return _timestamp(node)
        except (ValueError, OverflowError, ConstructorError) as exc:
            if tag == TIMESTAMP:
                reason = str(exc).splitlines()[0][:60]
                msg = f"expected a date YYYY-MM-DD, got {node.value[:40]!r} ({reason})"
            elif tag in (INT, FLOAT):
                msg = f"number {node.value[:40]!r} is not a finite, sane value"
            else:
                msg = f"cannot read {node.value[:40]!r}: {str(exc).splitlines()[0][:80]}"
            self.problems.append(self._at(node, "E002", msg))
            return None
        if tag.startswith(DIFFERS):
            return self._differs(node)
        self._bad_tag(node)
        return node.value

    def _differs(self, node: ScalarNode) -> Any:
        """The YAML 1.2 meaning, and E009 where 1.1 has another (unless it is refused)."""
        tag = node.tag = node.tag[len(DIFFERS) :]  # an alias to it notes nothing more
        before = len(self.problems)
        value = self._scalar(node)
        if len(self.problems) == before:
            message = yaml11_message(node.value, tag, value)
            self.notes.append(self._at(node, "E009", message))
        return value

    def _finite(self, node: ScalarNode, value: int | float) -> int | float | None:
        bad = isinstance(value, float) and not math.isfinite(value)
        if isinstance(value, int) and abs(value) > 10**15:
            bad = True
        if bad:
            self.problems.append(
                self._at(node, "E002", f"number {node.value[:40]!r} is not a finite, sane value")
            )
            return None
        return value


_PLAIN_FLOAT = re.compile(r"^[-+]?[0-9]+\.[0-9]*(?:[eE][-+]?[0-9]+)?$")


def _float(node: ScalarNode) -> float:
    if _PLAIN_FLOAT.match(node.value):
        return float(node.value)
    return float(_core_number(node.value, FLOAT))


def _timestamp(node: ScalarNode) -> dt.date | dt.datetime:
    if len(node.value) == 10:  # the common YYYY-MM-DD, parsed in C
        return dt.date.fromisoformat(node.value)
    value = _scalars.construct_yaml_timestamp(node)
    assert isinstance(value, dt.date)
    return value
