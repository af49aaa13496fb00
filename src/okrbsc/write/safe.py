"""Safe edits of a user's YAML file (SPEC 3, Writes).

* round trip with ruamel.yaml, so comments, key order, quoting, flow style and
  blank lines of the untouched parts stay as they were;
* refuse, changing nothing, when the file does not load cleanly now, or when
  the edited text would not;
* write atomically (a temporary file in the same folder, fsync, rename), under
  an exclusive lock on the folder, so two writers at once both land and a
  killed writer leaves the old file whole.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from okrbsc.errors import DataError
from okrbsc.strategy.loader import load_bytes
from okrbsc.strategy.validate import validate_data


class WriteError(DataError):
    """The write was refused; the file is unchanged."""


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock on the folder (the file itself is replaced by rename)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def problems_of(raw: bytes, label: str) -> list[str]:
    """Why a file's bytes do not load cleanly (empty when they do)."""
    loaded = load_bytes(raw)
    problems = list(loaded.problems)
    if not any(p.code == "E001" for p in problems):
        problems += validate_data(loaded.data)[1]
    return [p.at(label) for p in problems]


def atomic_write(path: Path, text: str) -> None:
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _round_trip(text: str) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.util import load_yaml_guess_indent

    _, indent, block_seq_indent = load_yaml_guess_indent(text)
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a user's long lines
    offset = block_seq_indent or 0
    yaml.indent(mapping=indent, sequence=max(indent, offset + 2), offset=offset)
    yaml.explicit_start = text.lstrip().startswith("---")
    return yaml


def edit_yaml(path: Path, label: str, edit: Callable[[Any], None]) -> str:
    """Apply ``edit`` to the round-trip data of ``path`` and write it back safely.

    ``label`` names the file in messages (repo-relative). Returns the new text.
    """
    with folder_lock(path.parent):
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise WriteError(f"{label}: cannot read: {exc.strerror}") from None
        problems = problems_of(raw, label)
        if problems:
            raise WriteError(
                f"{label} does not load cleanly, so it was left unchanged:\n  "
                + "\n  ".join(problems[:10])
            )
        text = raw.decode("utf-8-sig")
        yaml = _round_trip(text)
        data = yaml.load(text)
        edit(data)
        buffer = io.StringIO()
        yaml.dump(data, buffer)
        new = buffer.getvalue()
        if raw.startswith(b"\xef\xbb\xbf"):
            new = "\ufeff" + new
        after = problems_of(new.encode("utf-8"), label)
        if after:  # never write what we could not read back
            raise WriteError(f"{label}: the edit would not load cleanly:\n  " + "\n  ".join(after))
        try:
            atomic_write(path, new)
        except OSError as exc:
            raise WriteError(f"{label}: cannot write: {exc.strerror}") from None
        return new


def insert_before(mapping: Any, key: str, value: Any, before: tuple[str, ...]) -> None:
    """Set ``key``; a new key goes before the first of ``before`` present, else last."""
    if key in mapping:
        mapping[key] = value
        return
    keys = list(mapping.keys())
    for name in before:
        if name in keys:
            mapping.insert(keys.index(name), key, value)
            return
    mapping[key] = value
