"""Minimal text edits of a user's YAML file (SPEC 3, Writes; SPEC 12).

A write never re-emits the file: it finds, with the reader's own composer
(libyaml, so it agrees with ``lint`` on every file), where the nodes it
changes start and end, and splices new text in at those places. Every other
byte stays as it was: line endings, a BOM, comments, quoting, folded
scalars, flow or block style, tabs, anchors. Each edit is also made to a copy
of the data the reader loaded (``Doc.expected``); the caller re-reads the new
text and refuses it unless it loads to exactly that data.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from yaml.composer import Composer
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from okrbsc.strategy.loader import Reader, load_text, scalar_value
from okrbsc.write.scalars import NotWritable, scalar

Key = str | int
Path_ = tuple[Key, ...]

WIDTH = 100
"""A flow list that an added item would take past this many characters goes block (SPEC 14.7)."""


class Unsplicable(Exception):
    """The edit cannot be made without touching other text; ``str`` says why and what to do."""


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    new: str
    order: int


class _Composer(Reader):
    """The reader's libyaml events and tags, composed in Python so that each use
    of an alias is a node of its own with the alias's position (libyaml's composer
    gives the anchored node itself, whose position is elsewhere in the file)."""

    get_single_node = Composer.get_single_node
    compose_document = Composer.compose_document
    compose_scalar_node = Composer.compose_scalar_node
    compose_sequence_node = Composer.compose_sequence_node
    compose_mapping_node = Composer.compose_mapping_node

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.anchors: dict[str, Node] = {}
        self.uses: dict[int, str] = {}  # id(node) -> its anchor, for aliases and anchored nodes

    def compose_node(self, parent: Node | None, index: object) -> Node:
        if not self.check_event(AliasEvent):
            node: Any = Composer.compose_node(self, parent, index)  # type: ignore[arg-type]
            return node  # type: ignore[no-any-return]
        event: Any = self.get_event()
        target = self.anchors[event.anchor]
        copy_: Node
        if isinstance(target, ScalarNode):
            copy_ = ScalarNode(target.tag, target.value, event.start_mark, event.end_mark, "")
        elif isinstance(target, MappingNode):
            copy_ = MappingNode(target.tag, target.value, event.start_mark, event.end_mark, True)
        else:
            copy_ = SequenceNode(target.tag, target.value, event.start_mark, event.end_mark, True)
        self.uses[id(copy_)] = self.uses[id(target)] = event.anchor
        return copy_


def compose(text: str) -> tuple[Node | None, dict[int, str]]:
    """The node tree of ``text`` (one document), and which nodes are aliased."""
    loader: Any = _Composer(text)
    try:
        return loader.get_single_node(), loader.uses
    finally:
        loader.dispose()


def plain(data: Any) -> Any:
    """The reader's data as plain dicts and lists (aliases copied, so each place is its own)."""
    if isinstance(data, dict):
        return {k: plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [plain(v) for v in data]
    return data


def same(a: Any, b: Any) -> bool:
    """Equal data of equal types (``True`` is not ``1``, ``3`` is not ``3.0``)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


class Doc:
    """One file's text, its nodes, the edits asked for and the data they should give."""

    def __init__(self, text: str) -> None:
        self.text = text
        node, self._aliased = compose(text)
        if not isinstance(node, MappingNode):
            raise Unsplicable("the file does not hold a mapping")
        self.root: MappingNode = node
        self.original: Any = plain(load_text(text).data)  # as read; never edited
        self.expected: Any = copy.deepcopy(self.original)
        self._inserted: dict[Path_, list[int]] = {}  # list -> where items went (as read)
        self._edits: list[_Edit] = []
        self._filled: dict[int, int] = {}  # id(empty flow collection) -> items put in it

    # --- reading --------------------------------------------------------------------

    def node(self, path: Path_, check: bool = True) -> Node:
        """The node at ``path``; with ``check``, refused when it is shared through an
        alias (an edit there would land in every place that uses it)."""
        here: Node = self.root
        for part in path:
            if isinstance(here, MappingNode):
                found = self._entry(here, part)
                if found is None:
                    raise Unsplicable(f"no key {part!r} where it was read")
                here = found[1]
            elif isinstance(here, SequenceNode) and isinstance(part, int):
                here = here.value[part]
            else:
                raise Unsplicable(f"{part!r} is not where it was read")
            if check and id(here) in self._aliased and not isinstance(here, ScalarNode):
                anchor = self._aliased[id(here)]
                raise Unsplicable(
                    f"{part!r} is shared through the alias *{anchor}: write it out in full "
                    f"where it is used, in place of *{anchor}"
                )
        return here

    def is_list(self, path: Path_) -> bool:
        """Is there a list at ``path`` (a missing key or a null is not one)?"""
        try:
            return isinstance(self.node(path, check=False), SequenceNode)
        except Unsplicable:
            return False

    def _entry(self, mapping: MappingNode, key: Key) -> tuple[Node, Node] | None:
        found = None
        for knode, vnode in mapping.value:
            if isinstance(knode, ScalarNode) and scalar_value(knode) == key:
                found = (knode, vnode)  # the reader keeps the last of duplicates
        return found

    def original_at(self, path: Path_) -> Any:
        """The data at ``path`` as it was read."""
        return self._data(path, self.original)

    def _data(self, path: Path_, top: Any = None) -> Any:
        here = self.expected if top is None else top
        for part in path:
            here = here[part]
        return here

    def result(self) -> str:
        """The text with every edit made (edits at one place in the order asked)."""
        out, at = [], 0
        for edit in sorted(self._edits, key=lambda e: (e.start, e.order)):
            if edit.start < at:
                raise Unsplicable("two edits overlap")
            out += [self.text[at : edit.start], edit.new]
            at = edit.end
        out.append(self.text[at:])
        return "".join(out)

    def _splice(self, start: int, end: int, new: str) -> None:
        self._edits.append(_Edit(start, end, new, len(self._edits)))

    # --- editing ---------------------------------------------------------------------

    def set(self, path: Path_, key: Key, value: Any, before: Sequence[str] = ()) -> None:
        """Set ``key`` of the mapping at ``path``: its scalar replaced, or a new entry
        before the first of ``before`` present (else last)."""
        mapping = self._mapping(path)
        found = self._entry(mapping, key)
        if found is not None:
            self._replace(found[1], value)
        else:
            keys = [scalar_value(k) for k, _ in mapping.value if isinstance(k, ScalarNode)]
            index = next((keys.index(b) for b in before if b in keys), None)
            self._insert_entry(mapping, key, value, index)
        self._data(path)[key] = copy.deepcopy(value)

    def insert(self, path: Path_, key: Key, value: Any, index: int | None) -> None:
        """A new entry in the mapping at ``path``, before its ``index``-th (None: last)."""
        mapping = self._mapping(path)
        self._insert_entry(mapping, key, value, index)
        data = self._data(path)
        items = list(data.items())
        items.insert(len(items) if index is None else index, (key, copy.deepcopy(value)))
        data.clear()
        data.update(items)

    def delete(self, path: Path_, key: Key) -> None:
        mapping = self._mapping(path)
        entries = mapping.value
        at = next(i for i, (k, _) in enumerate(entries) if scalar_value(k) == key)
        knode, vnode = entries[at]
        if mapping.flow_style:
            if at > 0:
                start = self._end(entries[at - 1][1])
                self._splice(start, self._end(vnode), "")
            elif len(entries) > 1:
                self._splice(knode.start_mark.index, entries[1][0].start_mark.index, "")
            else:
                self._splice(knode.start_mark.index, self._end(vnode), "")
        else:
            start = self._own_line(knode.start_mark.index, "remove it by hand")
            self._splice(start, self._line_after(self._end(vnode)), "")
        del self._data(path)[key]

    def append(self, path: Path_, item: Any, index: int | None = None) -> None:
        """A new item in the sequence at ``path``, before its ``index``-th (None: last)."""
        seq = self.node(path)
        if not isinstance(seq, SequenceNode):
            raise Unsplicable(f"{path[-1]!r} is not a list")
        items = seq.value
        if seq.flow_style:
            self._flow_insert(seq, scalar_or_flow(item), index)
        elif index is None or index >= len(items):
            at = self._line_after(self._end(seq))
            self._lines(at, self._block_item(seq, items[-1], item))
        else:
            at = self._own_line(_dash(self.text, items[index]), "add the entry by hand")
            self._lines(at, self._block_item(seq, items[index], item))
        self._data_insert(path, item, index)

    def _data_insert(self, path: Path_, item: Any, index: int | None) -> None:
        data = self._data(path)
        if index is None:
            data.append(copy.deepcopy(item))
            return
        before = self._inserted.setdefault(path, [])
        data.insert(index + sum(1 for i in before if i <= index), copy.deepcopy(item))
        before.append(index)

    def add_items(
        self,
        path: Path_,
        key: str,
        items: list[tuple[int | None, Any]],
        before: Sequence[str] = (),
    ) -> None:
        """Items into the list at ``key`` of the mapping at ``path``, each (index into
        the list as read, or None for last), one line per item (SPEC 14.7).

        A list this creates is a block sequence of one-line items; a block list
        keeps its style; a flow list keeps it while its line stays within
        :data:`WIDTH` characters, else it is rewritten as a block list (and a
        one-line flow mapping holding it as a block mapping). Where that cannot
        be done without touching other text (comments between the items, a
        mapping inside a flow list), the items go in the style around them.
        """
        mapping = self._mapping(path)
        found = self._entry(mapping, key)
        seq = found[1] if found is not None else None
        listed = isinstance(seq, SequenceNode)
        if isinstance(seq, SequenceNode) and not (seq.flow_style and not self._fits(seq, items)):
            for index, item in items:
                self.append((*path, key), item, index)
            return
        if seq is not None and not listed and not _is_null(seq):
            raise Unsplicable(f"{key!r} is not a list")
        if not self._unfold(mapping, key, found, items, before):
            if listed:
                for index, item in items:
                    self.append((*path, key), item, index)
                return
            self.set(path, key, [item for _, item in items], before=before)
            return
        if listed:
            for index, item in items:
                self._data_insert((*path, key), item, index)
        else:
            self._data(path)[key] = [copy.deepcopy(item) for _, item in items]

    # --- one item, one line (SPEC 14.7) ------------------------------------------------

    def _fits(self, seq: SequenceNode, items: list[tuple[int | None, Any]]) -> bool:
        """Do the items fit into the flow list with every line it touches within WIDTH?"""
        if not seq.value:
            return False  # `[]` is a list still to be written: one item per line
        growth: dict[int, int] = {}
        for index, item in items:
            at = (
                self._end(seq.value[-1])
                if index is None or index >= len(seq.value)
                else seq.value[index].start_mark.index
            )
            line = self.text.rfind("\n", 0, at) + 1
            growth[line] = growth.get(line, 0) + len(scalar_or_flow(item)) + 2
        for line, more in growth.items():
            end = self.text.find("\n", line)
            width = len(self.text[line : len(self.text) if end < 0 else end].rstrip("\r"))
            if width + more > WIDTH:
                return False
        return True

    def _unfold(
        self,
        mapping: MappingNode,
        key: str,
        found: tuple[Node, Node] | None,
        items: list[tuple[int | None, Any]],
        before: Sequence[str],
    ) -> bool:
        """Write the list at ``key`` as a block list with ``items`` added; False (and
        nothing spliced) when that would touch text other than separators."""
        edits: list[tuple[int, int, str]] = []
        if mapping.flow_style:
            indent = self._flow_item_column(mapping)
            if indent is None:
                return False
        else:
            indent = _key_column(self.text, mapping.value[0][0])
        if found is not None:
            colon = self._colon_after(found[0])
            if colon is None:
                return False
            inner = self._block_list(found[1], colon, indent + 2, items)
            if inner is None:
                return False
            edits += inner
        if mapping.flow_style:
            outer = self._block_mapping(mapping, indent, key, found, items, before)
            if outer is None:
                return False
            edits += outer
        elif found is None:
            self._insert_block_key(mapping, indent, key, items, before)
        for start, end, new in edits:
            self._splice(start, end, new)
        return True

    def _lines_of(self, items: list[Any], column: int, nl: str) -> str:
        return "".join(f"{nl}{' ' * column}- {scalar_or_flow(item)}" for item in items)

    def _block_list(
        self, value: Node, colon: int, column: int, items: list[tuple[int | None, Any]]
    ) -> list[tuple[int, int, str]] | None:
        """Splices that turn the flow list (or null) after ``colon`` into block items at
        ``column``, the new items among them; None when not only separators would change."""
        nl = self._newline(colon)
        old = value.value if isinstance(value, SequenceNode) else []
        if any(
            not isinstance(o, ScalarNode | MappingNode | SequenceNode)
            or o.start_mark.line != o.end_mark.line
            for o in old
        ):
            return None
        placed: dict[int, list[Any]] = {}
        for index, item in items:
            where = len(old) if index is None or index >= len(old) else index
            placed.setdefault(where, []).append(item)
        empty = value.start_mark.index == value.end_mark.index  # `key:` and nothing
        starts = [colon + 1] + [self._end(o) for o in old]
        ends = [o.start_mark.index for o in old] + [colon + 1 if empty else self._end(value)]
        out = []
        for i, (start, end) in enumerate(zip(starts, ends, strict=True)):
            if "#" in self.text[start:end]:
                return None
            new = self._lines_of(placed.get(i, []), column, nl)
            if i < len(old):
                new += f"{nl}{' ' * column}- "
            out.append((start, end, new))
        return out

    def _block_mapping(
        self,
        mapping: MappingNode,
        column: int,
        key: str,
        found: tuple[Node, Node] | None,
        items: list[tuple[int | None, Any]],
        before: Sequence[str],
    ) -> list[tuple[int, int, str]] | None:
        """Splices that turn a one-line flow mapping into a block mapping at ``column``,
        with a new ``key`` holding ``items`` when it has none yet."""
        entries = mapping.value
        if mapping.start_mark.line != mapping.end_mark.line or not entries:
            return None
        if any(not isinstance(k, ScalarNode) or self._colon_after(k) is None for k, _ in entries):
            return None
        nl = self._newline(mapping.start_mark.index)
        pad = nl + " " * column
        new_at: int | None = None
        new_text = ""
        if found is None:
            keys = [scalar_value(k) for k, _ in entries]
            new_at = next((keys.index(b) for b in before if b in keys), len(entries))
            new_text = f"{scalar(key)}:" + self._lines_of([i for _, i in items], column + 2, nl)
        starts = [mapping.start_mark.index] + [self._end(v) for _, v in entries]
        ends = [k.start_mark.index for k, _ in entries] + [mapping.end_mark.index]
        out = []
        for i, (start, end) in enumerate(zip(starts, ends, strict=True)):
            if "#" in self.text[start:end]:
                return None
            if i == len(entries):  # after the last entry: the `}` goes
                new = pad + new_text if new_at == i else ""
            else:
                new = ("" if i == 0 else pad) + (new_text + pad if new_at == i else "")
            out.append((start, end, new))
        return out

    def _insert_block_key(
        self,
        mapping: MappingNode,
        column: int,
        key: str,
        items: list[tuple[int | None, Any]],
        before: Sequence[str],
    ) -> None:
        """A new key of a block mapping holding a block list of ``items``."""
        keys = [scalar_value(k) for k, _ in mapping.value if isinstance(k, ScalarNode)]
        index = next((keys.index(b) for b in before if b in keys), None)
        nl = self._newline(mapping.start_mark.index)
        body = self._lines_of([i for _, i in items], column + 2, nl).split(nl)[1:]
        lines = [" " * column + f"{scalar(key)}:", *body]
        entries = mapping.value
        if index is not None:
            knode = entries[index][0]
            start = self.text.rfind("\n", 0, knode.start_mark.index) + 1
            if not self.text[start : knode.start_mark.index].strip():
                floor = self._line_after(self._end(entries[index - 1][1])) if index else 0
                self._lines(self._above_comments(start, floor), lines)
                return
        self._lines(self._line_after(self._end(mapping)), lines)

    def _flow_item_column(self, mapping: MappingNode) -> int | None:
        """The column of a flow mapping that is an item of a block list (`- {…}`), or
        None when it is anything else (its block form would move other text)."""
        at = mapping.start_mark.index
        if self.text[at : at + 1] != "{" or id(mapping) in self._aliased:
            return None
        line = self.text.rfind("\n", 0, at) + 1
        lead = self.text[line:at]
        if lead.strip() != "-" or not lead.rstrip().endswith("-"):
            return None
        return at - line

    def _colon_after(self, knode: Node) -> int | None:
        """The offset of the `:` after a key (only blanks between), or None."""
        at = self._end(knode)
        while at < len(self.text) and self.text[at] in " \t":
            at += 1
        return at if self.text[at : at + 1] == ":" else None

    # --- the pieces --------------------------------------------------------------------

    def _end(self, node: Node) -> int:
        return _end(self.text, node)

    def _mapping(self, path: Path_) -> MappingNode:
        node = self.node(path)
        if not isinstance(node, MappingNode):
            raise Unsplicable(f"{path[-1]!r} is not a mapping")
        return node

    def _replace(self, node: Node, value: Any) -> None:
        if not isinstance(node, ScalarNode):
            raise Unsplicable("the value to replace is not a single value")
        start, end = self._own_start(node), self._end(node)
        new = scalar_or_flow(value)
        if start == end and self.text[start - 1 : start] == ":":
            new = " " + new
        self._splice(start, end, new)

    def _own_start(self, node: ScalarNode) -> int:
        """Where a scalar's own text starts, after its anchor (`&a`) and tag (`!!int`)."""
        if id(node) in self._aliased:
            raise Unsplicable(
                f"the value is shared through the alias *{self._aliased[id(node)]}: "
                "write it out in full in each place"
            )
        at, end = node.start_mark.index, node.end_mark.index
        while at < end and self.text[at] in "&!":
            while at < end and self.text[at] not in " \t\r\n":
                at += 1
            while at < end and self.text[at] in " \t":
                at += 1
        return at

    def _insert_entry(self, mapping: MappingNode, key: Key, value: Any, index: int | None) -> None:
        entry = f"{scalar(key)}: {scalar_or_flow(value)}"
        entries = mapping.value
        if mapping.flow_style:
            self._flow_insert(mapping, entry, index)
            return
        column = _key_column(self.text, entries[0][0])
        line = " " * column + entry
        if index is not None and index < len(entries):
            knode = entries[index][0]
            start = self.text.rfind("\n", 0, knode.start_mark.index) + 1
            if not self.text[start : knode.start_mark.index].strip():
                floor = self._line_after(self._end(entries[index - 1][1])) if index else 0
                self._lines(self._above_comments(start, floor), [line])
                return
        self._lines(self._line_after(self._end(mapping)), [line])

    def _flow_insert(self, node: MappingNode | SequenceNode, entry: str, index: int | None) -> None:
        items = node.value
        if not items:
            close = node.end_mark.index - 1
            done = self._filled.get(id(node), 0)
            self._filled[id(node)] = done + 1
            self._splice(close, close, (", " if done else "") + entry)
        elif index is None or index >= len(items):
            last = items[-1][1] if isinstance(node, MappingNode) else items[-1]
            at = self._end(last)
            self._splice(at, at, ", " + entry)
        else:
            first = items[index][0] if isinstance(node, MappingNode) else items[index]
            at = first.start_mark.index
            self._splice(at, at, entry + ", ")

    def _block_item(self, seq: SequenceNode, near: Node, item: Any) -> list[str]:
        dash = _dash(self.text, near)
        column = dash - (self.text.rfind("\n", 0, dash) + 1)
        if not (isinstance(item, dict) and isinstance(near, MappingNode) and not near.flow_style):
            return [" " * column + "- " + scalar_or_flow(item)]
        step = max(2, near.value[0][0].start_mark.column - column)
        keys = [f"{scalar(k)}: {scalar_or_flow(v)}" for k, v in item.items()]
        first = " " * column + "-" + " " * (step - 1) + keys[0]
        return [first, *(" " * (column + step) + k for k in keys[1:])]

    def _lines(self, at: int, lines: list[str]) -> None:
        nl = self._newline(at)
        if at == len(self.text) and self.text and not self.text.endswith("\n"):
            self._splice(at, at, "".join(nl + line for line in lines))
        else:
            self._splice(at, at, "".join(line + nl for line in lines))

    def _newline(self, at: int) -> str:
        if self.text[max(0, at - 2) : at] == "\r\n":
            return "\r\n"
        if self.text[at - 1 : at] == "\n":
            return "\n"
        return "\r\n" if "\r\n" in self.text else "\n"

    def _line_after(self, pos: int) -> int:
        if self.text[pos - 1 : pos] == "\n":
            return pos
        found = self.text.find("\n", pos)
        return len(self.text) if found < 0 else found + 1

    def _own_line(self, pos: int, fix: str) -> int:
        start = self.text.rfind("\n", 0, pos) + 1
        if self.text[start:pos].strip():
            raise Unsplicable(f"the entry shares its line with another: {fix}")
        return start

    def _above_comments(self, start: int, floor: int) -> int:
        """The start of the comment lines right above ``start`` (they go with what follows)."""
        while start > floor:
            above = self.text.rfind("\n", 0, start - 1) + 1
            if above < floor or not self.text[above:start].lstrip().startswith("#"):
                break
            start = above
        return start


def scalar_or_flow(value: Any) -> str:
    """A value as YAML text for one line: scalars, and mappings and lists in flow style."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{scalar(k)}: {scalar_or_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(scalar_or_flow(v) for v in value) + "]"
    try:
        return scalar(value)
    except NotWritable as exc:
        raise Unsplicable(str(exc)) from None


def _end(text: str, node: Node) -> int:
    """Where the node's own text ends (a block collection: where its last value ends;
    a block scalar: its last line of text, without the blank lines after it)."""
    if isinstance(node, ScalarNode):
        if node.style in ("|", ">"):
            start = node.start_mark.index
            return start + len(text[start : node.end_mark.index].rstrip(" \t\r\n"))
        return int(node.end_mark.index)
    assert isinstance(node, MappingNode | SequenceNode)
    if node.flow_style or not node.value:
        return int(node.end_mark.index)
    last = node.value[-1]
    if isinstance(node, MappingNode):
        return max(_end(text, last[0]), _end(text, last[1]))
    return _end(text, last)


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and scalar_value(node) is None


def _dash(text: str, item: Node) -> int:
    """The offset of the ``-`` that opens a block sequence item."""
    at = item.start_mark.index - 1
    while at >= 0 and text[at] in " \t":
        at -= 1
    if at < 0 or text[at] != "-":
        raise Unsplicable("a list item without its dash where it was read")
    return at


def _key_column(text: str, knode: Node) -> int:
    """The column a block mapping's keys start at (a `? ` explicit key's indicator)."""
    at = knode.start_mark.index - 1
    while at >= 0 and text[at] in " \t":
        at -= 1
    if at >= 0 and text[at] == "?":
        return at - (text.rfind("\n", 0, at) + 1)
    return int(knode.start_mark.column)
