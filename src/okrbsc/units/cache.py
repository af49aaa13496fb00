"""A unit's files at a commit, kept by commit in the user's cache folder (SPEC 18.3).

A commit's files never change, so an entry keyed by the commit id (and the
clone's path) is read instead of asking git again. Entries are JSON with a
blake2b checksum of their payload, never pickle; anything unexpected is a miss,
and the files are read from git again. `OKRBSC_NO_CACHE=1` turns it off.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
from pathlib import Path
from typing import Any

from okrbsc.history.git import GitRepo
from okrbsc.strategy.cache import cache_folder, disabled_by_env, read_entry, write_entry

FORMAT = 1


def _entry_path(repo: GitRepo, commit: str) -> Path | None:
    folder = cache_folder()
    if folder is None or disabled_by_env():
        return None
    with contextlib.suppress(OSError, RuntimeError):
        if folder.resolve().is_relative_to(repo.top.resolve()):
            return None
    key = hashlib.blake2b(f"{repo.top.resolve()}\0{commit}".encode(), digest_size=32).hexdigest()
    return folder / f"units-v{FORMAT}" / key[:2] / f"{key[2:]}.json"


def _checksum(payload: bytes) -> str:
    return hashlib.blake2b(payload, digest_size=32).hexdigest()


def _decode(entry: bytes, commit: str) -> dict[str, bytes]:
    head, _, payload = entry.partition(b"\n")
    header: Any = json.loads(head)
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ValueError("not an entry of this format")
    if header.get("commit") != commit or header.get("checksum") != _checksum(payload):
        raise ValueError("checksum or commit differs")
    files: Any = json.loads(payload)
    if not isinstance(files, dict):
        raise ValueError("not a mapping")
    out = {}
    for name, text in files.items():
        if not isinstance(name, str) or not isinstance(text, str):
            raise ValueError("not a file")
        out[name] = base64.b64decode(text, validate=True)
    return out


def texts_at(repo: GitRepo, commit: str) -> dict[str, bytes]:
    """Every YAML file of the unit at ``commit`` (path -> bytes): from the cache when an
    intact entry is there, else from git (and kept)."""
    path = _entry_path(repo, commit)
    if path is not None:
        with contextlib.suppress(OSError, ValueError, TypeError, KeyError, RecursionError):
            return _decode(read_entry(path), commit)
    texts = repo.texts_at(commit)
    if path is not None:
        files = {name: base64.b64encode(raw).decode("ascii") for name, raw in texts.items()}
        payload = json.dumps(files, sort_keys=True).encode()
        header = {"format": FORMAT, "commit": commit, "checksum": _checksum(payload)}
        with contextlib.suppress(OSError):
            write_entry(path, json.dumps(header).encode() + b"\n" + payload)
    return texts


def _summary_path(key: str) -> Path | None:
    folder = cache_folder()
    if folder is None or disabled_by_env():
        return None
    digest = hashlib.blake2b(key.encode("utf-8", "surrogateescape"), digest_size=32).hexdigest()
    return folder / f"unit-scores-v{FORMAT}" / digest[:2] / f"{digest[2:]}.json"


def get_summary(key: str) -> dict[str, Any] | None:
    """A unit's scores kept under ``key`` (its clone, commit, as-of, period and the
    code that scored it); None for a miss, whatever is wrong with the entry."""
    path = _summary_path(key)
    if path is None:
        return None
    with contextlib.suppress(OSError, ValueError, TypeError, KeyError, RecursionError):
        head, _, payload = read_entry(path).partition(b"\n")
        header: Any = json.loads(head)
        if header.get("key") != key or header.get("checksum") != _checksum(payload):
            return None
        data: Any = json.loads(payload)
        return data if isinstance(data, dict) else None
    return None


def put_summary(key: str, data: dict[str, Any]) -> None:
    path = _summary_path(key)
    if path is None:
        return
    payload = json.dumps(data, sort_keys=True, allow_nan=False).encode()
    header = {"format": FORMAT, "key": key, "checksum": _checksum(payload)}
    with contextlib.suppress(OSError, ValueError):
        write_entry(path, json.dumps(header).encode() + b"\n" + payload)
