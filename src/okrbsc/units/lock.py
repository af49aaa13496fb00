"""`units.lock`: the commit each business unit is read at (SPEC 18.1).

The file is written by okrbsc, one unit a line, so an entry that did not change
is kept byte for byte when others are locked again:

    # units.lock: written by `okrbsc units lock`; each unit's repo at one commit
    units:
      - {id: emea, repo: "../emea-strategy", ref: "HEAD", commit: "0123…", date: "2026-…"}
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from okrbsc.errors import DataError

LOCK_NAME = "units.lock"
HEADER = "# units.lock: written by `okrbsc units lock`; each unit's repo at one commit\n"
_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")


@dataclass(frozen=True)
class LockEntry:
    id: str
    repo: str
    ref: str
    commit: str
    date: str
    line: int = 0  # where it is in units.lock (1-based; 0 when not read from a file)
    text: str = ""  # the line as read, kept byte for byte when not locked again

    def render(self) -> str:
        if self.text:
            return self.text
        fields = (("repo", self.repo), ("ref", self.ref), ("commit", self.commit),
                  ("date", self.date))  # fmt: skip
        body = ", ".join(f"{k}: {json.dumps(v, ensure_ascii=True)}" for k, v in fields)
        return f"  - {{id: {json.dumps(self.id, ensure_ascii=True)}, {body}}}\n"


def lock_path(root: Path) -> Path:
    return root / LOCK_NAME


def read_lock(root: Path) -> list[LockEntry] | None:
    """The entries of ``units.lock`` in file order; None when there is no lock file.
    A lock that is not what okrbsc writes is an error naming the file and line."""
    path = lock_path(root)
    if not path.is_file():
        return None
    try:
        raw = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{LOCK_NAME}: cannot be read ({exc}); run okrbsc units lock") from None
    return parse_lock(raw)


def parse_lock(raw: str) -> list[LockEntry]:
    import yaml

    lines = raw.splitlines(keepends=True)
    try:
        node = yaml.compose(raw, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        raise DataError(f"{LOCK_NAME}{where}: not YAML; run okrbsc units lock") from None
    if node is None:
        return []
    entries: list[LockEntry] = []
    units = _units_node(node)
    for item in units:
        line = item.start_mark.line + 1
        where = f"{LOCK_NAME}:{line}:{item.start_mark.column + 1}"
        if not isinstance(item, yaml.MappingNode):
            raise DataError(f"{where}: a lock entry is a mapping; run okrbsc units lock")
        values = {}
        for key, value in item.value:
            if not isinstance(value, yaml.ScalarNode):
                raise DataError(f"{where}: {key.value} is not text; run okrbsc units lock")
            values[str(key.value)] = str(value.value)
        missing = [k for k in ("id", "repo", "ref", "commit", "date") if k not in values]
        if missing:
            raise DataError(f"{where}: the entry has no {missing[0]}; run okrbsc units lock")
        if not _SHA.fullmatch(values["commit"]):
            raise DataError(f"{where}: commit {values['commit']!r} is not a full commit id")
        single = item.start_mark.line == item.end_mark.line
        text = lines[line - 1] if single and line - 1 < len(lines) else ""
        if text and not text.endswith("\n"):
            text += "\n"
        entries.append(
            LockEntry(values["id"], values["repo"], values["ref"], values["commit"],
                      values["date"], line, text)
        )  # fmt: skip
    return entries


def _units_node(node: Any) -> list[Any]:
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "units":
                if isinstance(value, yaml.SequenceNode):
                    return list(value.value)
                if isinstance(value, yaml.ScalarNode) and value.value in ("", "null", "~"):
                    return []
                break
    line = getattr(getattr(node, "start_mark", None), "line", 0) + 1
    raise DataError(f"{LOCK_NAME}:{line}:1: expected `units:` and a list; run okrbsc units lock")


def render_lock(entries: list[LockEntry]) -> str:
    if not entries:
        return HEADER + "units: []\n"
    return HEADER + "units:\n" + "".join(e.render() for e in entries)
