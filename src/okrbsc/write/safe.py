"""Safe edits of a user's YAML file (SPEC 3, Writes).

* minimal text edits (`write.splice`): only the intended lines change, and
  every other byte (comments, quoting, flow style, line endings, a BOM) stays;
* refuse, changing nothing, when the file does not load cleanly now, or when
  the edited text would not load to exactly the data the edit meant;
* write atomically (a temporary file in the same folder, fsync, rename), under
  an exclusive lock on the folder, so two writers at once both land and a
  killed writer leaves the old file whole.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path, PurePosixPath

from okrbsc.errors import DataError, ExitCode, OkrbscError
from okrbsc.strategy.loader import load_bytes
from okrbsc.strategy.paths import LOOP, is_link_loop, resolved
from okrbsc.strategy.validate import validate_data
from okrbsc.write.splice import Doc, Unsplicable, plain, same


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


def atomic_write(path: Path, text: str | bytes) -> None:
    """Write ``text`` (UTF-8, or bytes as they are) to ``path`` all at once, or not at all."""
    _commit([(path, prepare(path, text))])


def edit_yaml(
    path: Path,
    label: str,
    edit: Callable[[Doc], None],
    write: Callable[[Path, str | bytes], None] | None = None,
) -> bytes:
    """Apply ``edit`` to ``path`` as minimal text edits and write it back safely.

    ``label`` names the file in messages (repo-relative). Returns the new bytes.
    ``write`` replaces the atomic write (`edit_all` collects texts with it).
    Refused, the file untouched, unless the new text loads cleanly to exactly
    the data the edit meant (every other byte is kept as it was).
    """
    root = lock_root(path)
    with repo_lock(root):
        path = inside(root, path, label)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise WriteError(f"{label}: cannot read: {exc.strerror}") from None
        problems = problems_of(raw, label)
        if problems:
            raise WriteError(
                f"{label} does not load cleanly, so it was left unchanged:", details=problems[:10]
            )
        new = _spliced(raw, label, edit)
        try:
            (write or atomic_write)(path, new)
        except OSError as exc:  # a full disk, a read-only folder: unwritable output (exit 2)
            raise WriteError(
                f"{label}: cannot write: {exc.strerror or exc}; it was left unchanged",
                ExitCode.USAGE,
            ) from None
        return new


_BOM = b"\xef\xbb\xbf"


def _spliced(raw: bytes, label: str, edit: Callable[[Doc], None]) -> bytes:
    """The file's new bytes: the edits spliced into its text, checked by reading them back."""
    bom = _BOM if raw.startswith(_BOM) else b""
    try:
        doc = Doc(raw[len(bom) :].decode("utf-8"))
        edit(doc)
        new = bom + doc.result().encode("utf-8")
    except Unsplicable as exc:
        raise WriteError(_refusal(label, str(exc))) from None
    after = load_bytes(new)
    problems = [p.at(label) for p in after.problems]
    if problems or not same(plain(after.data), doc.expected):
        why = "; ".join(problems[:3]) or "it would read back as other data"
        raise WriteError(_refusal(label, why))
    if validate_data(after.data)[1]:  # never write what we could not read back
        raise WriteError(_refusal(label, "it would not validate"))
    return new


def _refusal(label: str, why: str) -> str:
    return (
        f"{label}: okrbsc cannot make this edit without changing other parts of the file "
        f"({why}), so it was left unchanged: write the entry in block or flow style like "
        "the ones around it (docs/format.md), or add it by hand"
    )


# --- the boundary of writes (SPEC 12.1) ---------------------------------------------

LOCK_NOTICE_AFTER = 1.0  # seconds before a waiting write says so
LOCK_GIVE_UP_AFTER = 30.0  # seconds before it gives up (exit 2, nothing changed)
TEMP_PREFIX, TEMP_SUFFIX = ".okrbsc-", ".tmp"
CONFIG_NAME = "okrbsc.yaml"
_log = logging.getLogger("okrbsc")
_held: dict[Path, int] = {}  # repo roots whose lock this process holds, and how deep
_mine: set[str] = set()  # temporary files this process has prepared and not yet renamed


class LockTimeout(OkrbscError):
    """Another okrbsc kept the repo lock too long: nothing was changed (exit 2)."""


def lock_root(path: Path) -> Path:
    """The folder whose lock guards writes to ``path``: its repo root (the nearest
    folder above holding okrbsc.yaml), else the folder the file is in."""
    folder = path.parent.resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / CONFIG_NAME).is_file():
            return candidate
    return folder


def _holder(fd: int) -> int | None:
    """The process id holding a flock on ``fd``'s file, from /proc/locks (Linux)."""
    info = os.fstat(fd)
    key = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as handle:
            for line in handle:
                fields = line.split()
                if "FLOCK" in fields and key in fields and "->" not in fields:
                    return int(fields[fields.index(key) - 1])
    except (OSError, ValueError, IndexError):
        return None
    return None


@contextlib.contextmanager
def repo_lock(root: Path) -> Iterator[None]:
    """An exclusive lock on the repo (a flock of its root folder), held by one write
    at a time. Re-entrant within this process. A write that waits says so on
    stderr after LOCK_NOTICE_AFTER seconds and gives up after LOCK_GIVE_UP_AFTER."""
    root = root.resolve()
    if _held.get(root):
        _held[root] += 1
        try:
            yield
        finally:
            _held[root] -= 1
        return
    fd = os.open(root, os.O_RDONLY)
    try:
        _acquire(fd, root)
        _held[root] = 1
        try:
            yield
        finally:
            del _held[root]
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, root: Path) -> None:
    started, told = time.monotonic(), False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        waited = time.monotonic() - started
        pid = _holder(fd)
        by = f" (held by process {pid})" if pid is not None else ""
        if waited >= LOCK_GIVE_UP_AFTER:
            raise LockTimeout(
                f"gave up after {LOCK_GIVE_UP_AFTER:g} s waiting for the lock on {root}{by}: "
                "nothing was changed (is another okrbsc still writing?)"
            )
        if not told and waited >= LOCK_NOTICE_AFTER:
            _log.warning(
                "okrbsc: waiting for the lock on %s%s; giving up after %g s",
                root,
                by,
                LOCK_GIVE_UP_AFTER,
            )
            told = True
        time.sleep(0.05)


def inside(root: Path, path: Path, label: str) -> Path:
    """Where a write to ``path`` really lands, refused unless it is inside ``root``.

    Links are resolved: a link (to a file or a folder) whose target lies outside
    the repo is refused (exit 1, nothing changed); a link to a file inside the
    repo is written through, so it stays a link. An existing target must be a
    regular file."""
    root = root.resolve()
    if is_link_loop(path):
        raise WriteError(f"{label} is {LOOP}: refused, nothing was written")
    real = path.resolve()
    if not real.is_relative_to(root):
        link = _first_link(root, path)
        via = f"{link.relative_to(root).as_posix()} is a link to {real}" if link else f"{real}"
        raise WriteError(f"{label}: {via}, outside the repo: refused, nothing was written")
    if real.exists() and not real.is_file():
        raise WriteError(f"{label} is not a regular file: refused, nothing was written")
    return real


OKR_FOLDER = "okrs"
NEVER_WRITTEN = (".git", ".github")  # folders an OKR file is never created in


def refuse_odd_okr_paths(root: Path, labels: Sequence[str]) -> None:
    """New OKR files lie in ``okrs/`` and never in ``.git/`` or ``.github/`` (SPEC 12.3),
    whatever a team id or the configuration says: otherwise refused, none written
    (exit 1). ``labels`` are repo-relative paths as okrbsc built them; a link in the
    way is followed (into .git/ is refused here, out of the repo by `inside`)."""
    root = root.resolve()
    odd = []
    for label in labels:
        parts = PurePosixPath(label).parts
        lexical = bool(parts) and parts[0] == OKR_FOLDER and ".." not in parts
        real = resolved(root / label)
        there = real.relative_to(root).parts if real.is_relative_to(root) else ()
        hidden = any(p in NEVER_WRITTEN for p in (*parts, *there))
        if not lexical or hidden:  # a link out of the repo: `inside` refuses it, naming it
            odd.append(label)
    if odd:
        raise WriteError(
            "refused, nothing was written: an OKR file is created in okrs/ and never "
            "outside it or in .git/ or .github/ (is a team id a path?):",
            details=odd,
        )


def _first_link(root: Path, path: Path) -> Path | None:
    here = root
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return None
    for part in parts:
        here = here / part
        if here.is_symlink():
            return here
    return None


def sweep_temps(folder: Path) -> None:
    """Remove okrbsc's own temporary files a killed write left in ``folder``.

    Only under the repo lock: no other okrbsc write is under way there then."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            name = entry.name
            ours = name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)
            if ours and entry.path not in _mine and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def prepare(path: Path, text: str | bytes) -> Path:
    """A temporary file next to ``path`` holding ``text``, flushed to disk: the first
    half of an atomic write (`_commit` renames it into place)."""
    if any(_held.get(p) for p in (path.parent.resolve(), *path.parent.resolve().parents)):
        sweep_temps(path.parent)
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o644
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    fd, tmp = tempfile.mkstemp(
        dir=path.parent, prefix=f"{TEMP_PREFIX}{path.name}.", suffix=TEMP_SUFFIX
    )
    _mine.add(tmp)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        _mine.discard(tmp)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return Path(tmp)


def _commit(pending: list[tuple[Path, Path]]) -> None:
    """Rename each prepared temporary file onto its target, then make it durable."""
    try:
        for path, tmp in pending:
            os.replace(tmp, path)
            _mine.discard(str(tmp))
    except BaseException:
        _abandon(pending)
        raise
    for folder in dict.fromkeys(path.parent for path, _ in pending):
        _fsync_folder(folder)


def _abandon(pending: list[tuple[Path, Path]]) -> None:
    for _, tmp in pending:
        _mine.discard(str(tmp))
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def write_all(root: Path, files: Sequence[tuple[Path, str, str | bytes]], *, new: bool) -> None:
    """Write every (path, label, text) inside ``root``, all or nothing.

    Under the repo lock: every target is checked (inside the repo; with ``new``,
    not there yet) and every temporary file prepared before any is renamed into
    place; if one cannot be prepared, none is, and the message says so."""
    with repo_lock(root):
        targets = [(inside(root, path, label), label, text) for path, label, text in files]
        if new:
            clashes = [label for real, label, _ in targets if real.exists() or real.is_symlink()]
            if clashes:
                raise WriteError(
                    "these files exist and would be overwritten: " + ", ".join(clashes)
                )
        pending: list[tuple[Path, Path]] = []
        try:
            for real, label, text in targets:
                try:
                    real.parent.mkdir(parents=True, exist_ok=True)
                    pending.append((real, prepare(real, text)))
                except OSError as exc:  # unwritable output (exit 2)
                    raise WriteError(
                        _nothing_written(label, exc, len(targets)), ExitCode.USAGE
                    ) from None
            _commit(pending)
        except BaseException:
            _abandon(pending)
            raise


def _nothing_written(label: str, exc: OSError, count: int) -> str:
    many = f" (of {count} files, none was changed)" if count > 1 else ""
    return f"cannot write {label}: {exc.strerror or exc}; nothing was written{many}"


def edit_all(root: Path, edits: list[tuple[Path, str, Callable[[Doc], None]]]) -> list[str]:
    """`edit_yaml` over several files of the repo, all or nothing: every edit is made
    and checked, then every file written by `write_all`. Returns the labels."""
    with repo_lock(root):
        collected: list[tuple[Path, str, str | bytes]] = []
        for path, label, edit in edits:
            real = inside(root, path, label)

            def keep(target: Path, text: str | bytes, label: str = label) -> None:
                collected.append((target, label, text))

            edit_yaml(real, label, edit, write=keep)
        write_all(root, collected, new=False)
    return [label for _, label, _ in edits]


# --- a folder written whole (export --format csv, SPEC 12.3) --------------------------


def atomic_folder(folder: Path, files: Sequence[tuple[str, bytes]]) -> None:
    """Write ``files`` (name, bytes) as ``folder``, all at once: a temporary folder next
    to it is filled and flushed, then renamed into place. A folder already there is
    replaced only when it holds nothing but files of these names (else refused, exit 2).
    A failure (a full disk) leaves the old folder as it was and no temporary folder;
    one a killed write left is removed by the next write of that folder."""
    folder = resolved(folder)
    parent = folder.parent
    parent.mkdir(parents=True, exist_ok=True)
    _replaceable(folder, {name for name, _ in files})
    _sweep_folders(parent, folder.name)
    tmp = Path(tempfile.mkdtemp(dir=parent, prefix=f"{TEMP_PREFIX}{folder.name}.{os.getpid()}."))
    try:
        for name, data in files:
            _write_synced(tmp / name, data)
        os.chmod(tmp, 0o777 & ~_umask())
        _fsync_folder(tmp)
        _swap_in(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _fsync_folder(parent)


def _replaceable(folder: Path, names: set[str]) -> None:
    if not folder.exists():
        return
    if not folder.is_dir():
        raise WriteError(f"{folder} exists and is not a folder: refused", ExitCode.USAGE)
    others = sorted(e.name for e in os.scandir(folder) if e.name not in names or not e.is_file())
    if others:
        raise WriteError(
            f"{folder} holds other files ({', '.join(others[:5])}): refused, nothing was "
            "written; choose a new folder with --out",
            ExitCode.USAGE,
        )


def _swap_in(tmp: Path, folder: Path) -> None:
    if not folder.exists():
        os.rename(tmp, folder)
        return
    old = folder.with_name(f"{TEMP_PREFIX}{folder.name}.{os.getpid()}.old{TEMP_SUFFIX}")
    os.rename(folder, old)
    try:
        os.rename(tmp, folder)
    except BaseException:
        os.rename(old, folder)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, 0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _sweep_folders(parent: Path, name: str) -> None:
    """Remove temporary folders a killed write of ``name`` left (their process is gone)."""
    prefix = f"{TEMP_PREFIX}{name}."
    with contextlib.suppress(OSError):
        for entry in os.scandir(parent):
            if not entry.name.startswith(prefix) or not entry.is_dir(follow_symlinks=False):
                continue
            pid = entry.name[len(prefix) :].split(".", 1)[0]
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(entry.path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
