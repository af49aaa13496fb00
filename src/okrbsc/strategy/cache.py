"""What the reader made of each file, kept for warm runs (pre-commit, watch mode, local CI).

An entry is keyed by the blake2b hash of the file's bytes and of everything
that shapes reading (okrbsc's version, the reader's own source, PyYAML's and
libyaml's versions), so a changed file, a new okrbsc or another PyYAML simply
misses. Entries live in the user's cache folder (``$XDG_CACHE_HOME/okrbsc``,
else ``~/.cache/okrbsc``), never inside the repo being read, so a pull request
cannot plant one. They are JSON (data, never code: no pickle), carry a
checksum of their payload, and are decoded by a strict validator: anything
unexpected -- a truncated file, a flipped byte, a wrong shape -- is a miss,
and the file is read cold. A hit gives the rules exactly what a cold read
gives: the same positioned dicts and lists, problems and notes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import itertools
import json
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

from okrbsc.strategy import loader
from okrbsc.strategy.fastread import read_fast
from okrbsc.strategy.loader import Loaded, PosDict, PosList, Problem, decode, load_bytes

FORMAT = 1
DISABLE_ENV = "OKRBSC_NO_CACHE"


class _Bad(Exception):
    """The entry is not what this okrbsc writes: a miss."""


def cache_folder() -> Path | None:
    """``$XDG_CACHE_HOME/okrbsc`` (an absolute path), else ``~/.cache/okrbsc``."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):
        return Path(xdg) / "okrbsc"
    try:
        return Path.home() / ".cache" / "okrbsc"
    except (RuntimeError, KeyError):  # no home folder to speak of
        return None


def disabled_by_env() -> bool:
    return os.environ.get(DISABLE_ENV, "") not in ("", "0")


@functools.cache
def fingerprint() -> bytes:
    """Everything besides a file's bytes that decides what the reader makes of it."""
    from okrbsc import __version__

    source = Path(loader.__file__).read_bytes()
    libyaml = getattr(getattr(yaml, "_yaml", None), "get_version_string", lambda: "none")()
    parts = (str(FORMAT), __version__, hashlib.blake2b(source).hexdigest(), yaml.__version__)
    return "\0".join((*parts, str(libyaml))).encode()


class ReadCache:
    """Entries under one folder; every failure to read or write one is a miss."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / f"read-v{FORMAT}"
        self.hits = self.misses = 0
        self.writable = True  # until a write fails: then entries are no longer made

    @classmethod
    def for_repo(cls, root: Path) -> ReadCache | None:
        """The user's cache, unless switched off or (oddly) inside ``root`` itself."""
        folder = cache_folder()
        if folder is None or disabled_by_env():
            return None
        with contextlib.suppress(OSError, RuntimeError):
            if folder.resolve().is_relative_to(root.resolve()):
                return None
            return cls(folder)
        return None

    def key(self, raw: bytes) -> str:
        return hashlib.blake2b(fingerprint() + b"\0" + raw, digest_size=32).hexdigest()

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key[2:]}.json"

    def load(self, raw: bytes) -> Loaded:
        """``fastread.load_bytes(raw)``; what only the positioned reader reads comes
        from the cache when an intact entry is there (the fast reader is quicker
        than any entry)."""
        fast = read_fast(raw)
        if fast is not None:
            return fast
        key = self.key(raw)
        found = self._get(key, raw)
        if found is not None:
            self.hits += 1
            return found
        self.misses += 1
        loaded = load_bytes(raw)
        if self.writable:
            self._put(key, loaded)
        return loaded

    def _get(self, key: str, raw: bytes) -> Loaded | None:
        try:
            entry = read_entry(self.path(key))
            data, problems, notes = unpack(entry, key)
        except (OSError, ValueError, TypeError, KeyError, RecursionError, _Bad):
            return None
        text, _ = decode(raw)
        return Loaded(data, problems, text or "", notes)

    def _put(self, key: str, loaded: Loaded) -> None:
        try:
            entry = pack(loaded, key)
        except (ValueError, TypeError, RecursionError, _Bad):
            return  # shared (aliased) data, or a value JSON cannot hold: not cached
        try:
            write_entry(self.path(key), entry)
        except OSError:
            self.writable = False


MAX_ENTRY = 256 << 20  # bytes; a larger entry is not ours: a miss


def read_entry(path: Path) -> bytes:
    """An entry's bytes; OSError (a miss) for anything but a regular file, which is
    never opened then: a FIFO or a device planted as an entry cannot block or act."""
    if not stat.S_ISREG(os.lstat(path).st_mode):
        raise OSError(f"{path}: not a regular file")
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)  # swapped between the two looks: still never read
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ENTRY:
            raise OSError(f"{path}: not a regular file of a cache's size")
        return handle.read(MAX_ENTRY + 1)


def write_entry(path: Path, entry: bytes) -> None:
    private_folder(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(entry)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def private_folder(folder: Path) -> None:
    """``folder`` and every missing folder above it, each created with mode 0700."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for each in reversed(missing):
        with contextlib.suppress(FileExistsError):
            each.mkdir(mode=0o700)


# --- the entry: a header line, then the payload ---------------------------------


def pack(loaded: Loaded, key: str) -> bytes:
    """``{"okrbsc", "key", "sum"}`` on the first line, then ``[data, problems, notes]``."""
    seen: set[int] = set()
    body = [_enc(loaded.data, seen), _problems_out(loaded.problems), _problems_out(loaded.notes)]
    payload = json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    raw = payload.encode("utf-8")
    header = {"okrbsc": FORMAT, "key": key, "sum": hashlib.blake2b(raw).hexdigest()}
    return json.dumps(header).encode() + b"\n" + raw


def unpack(entry: bytes, key: str) -> tuple[Any, list[Problem], list[Problem]]:
    head, sep, raw = entry.partition(b"\n")
    header = json.loads(head)
    if not sep or not isinstance(header, dict):
        raise _Bad
    want = {"okrbsc": FORMAT, "key": key, "sum": hashlib.blake2b(raw).hexdigest()}
    if header != want:
        raise _Bad
    body = json.loads(raw, object_hook=_hook)
    if type(body) is not list or len(body) != 3:
        raise _Bad
    return body[0], _problems_in(body[1]), _problems_in(body[2])


def _problems_out(problems: list[Problem]) -> list[list[Any]]:
    return [[p.code, p.message, p.line, p.column] for p in problems]


def _problems_in(items: Any) -> list[Problem]:
    if type(items) is not list:
        raise _Bad
    out = []
    for item in items:
        if type(item) is not list or len(item) != 4:
            raise _Bad
        code, message, line, column = item
        if type(code) is not str or type(message) is not str:
            raise _Bad
        out.append(Problem(code, message, *_pos(line, column)))
    return out


def _pos(line: Any, column: Any) -> tuple[int, int]:
    if type(line) is not int or type(column) is not int or line < 1 or column < 1:
        raise _Bad
    return line, column


_SCALARS = frozenset((str, int, float, bool, type(None)))
_flat = itertools.chain.from_iterable


def _enc(value: Any, seen: set[int]) -> Any:
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is dt.date:
        return {"d": value.isoformat()}
    if kind is dt.datetime:
        return {"t": value.isoformat()}
    if kind is not PosDict and kind is not PosList:
        raise _Bad  # nothing else comes out of the reader
    if id(value) in seen:
        raise _Bad  # an alias shares it: expanding it here could be huge
    seen.add(id(value))
    items = value.values() if kind is PosDict else value
    out = {"v": [v if type(v) in _SCALARS else _enc(v, seen) for v in items]}
    if kind is PosList:
        out["l"], out["p"] = [value.line, value.col], list(_flat(value.ipos))
        return out
    # kpos and vpos are filled in step with the dict, so their orders agree with it
    out["k"] = [k if type(k) in _SCALARS else _enc(k, seen) for k in value]
    out["m"], out["a"], out["b"] = [value.line, value.col], *_pos_lists(value)
    return out


def _pos_lists(value: PosDict) -> tuple[list[int], list[int]]:
    if list(value.kpos) != list(value) or list(value.vpos) != list(value):
        raise _Bad  # not as the reader builds it
    return list(_flat(value.kpos.values())), list(_flat(value.vpos.values()))


_INT_ONLY = {int}


def _positions(flat: Any, count: int) -> Iterator[tuple[int, int]]:
    """Pairs of a flat list of ``2 * count`` positive ints."""
    if type(flat) is not list or len(flat) != 2 * count:
        raise _Bad
    if flat and (set(map(type, flat)) != _INT_ONLY or min(flat) < 1):
        raise _Bad
    it = iter(flat)
    return zip(it, it, strict=True)


def _map(obj: dict[str, Any]) -> PosDict:
    keys, values = obj["k"], obj["v"]
    if type(keys) is not list or type(values) is not list or len(keys) != len(values):
        raise _Bad
    out = PosDict(*_pos(*_pair(obj["m"])))
    out.update(zip(keys, values, strict=True))
    if len(out) != len(keys):
        raise _Bad  # a key twice: not from this okrbsc
    out.kpos = dict(zip(keys, _positions(obj["a"], len(keys)), strict=True))
    out.vpos = dict(zip(keys, _positions(obj["b"], len(keys)), strict=True))
    return out


def _seq(obj: dict[str, Any]) -> PosList:
    values = obj["v"]
    if type(values) is not list:
        raise _Bad
    out = PosList(*_pos(*_pair(obj["l"])))
    out.extend(values)
    out.ipos = list(_positions(obj["p"], len(values)))
    return out


def _pair(value: Any) -> tuple[Any, Any]:
    if type(value) is not list or len(value) != 2:
        raise _Bad
    return value[0], value[1]


def _date(text: Any, parse: Callable[[str], dt.date]) -> dt.date:
    if type(text) is not str:
        raise _Bad
    value = parse(text)
    if value.isoformat() != text:
        raise _Bad
    return value


def _hook(obj: dict[str, Any]) -> Any:
    """Every JSON object of a payload is one of four shapes, or the entry is refused."""
    keys = obj.keys()
    if keys == _MAP:
        return _map(obj)
    if keys == _SEQ:
        return _seq(obj)
    if keys == _DATE:
        return _date(obj["d"], dt.date.fromisoformat)
    if keys == _DATETIME:
        return _date(obj["t"], dt.datetime.fromisoformat)
    raise _Bad


_MAP, _SEQ = frozenset("vkmab"), frozenset("vlp")
_DATE, _DATETIME = frozenset("d"), frozenset("t")
