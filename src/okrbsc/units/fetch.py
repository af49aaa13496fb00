"""Fetching business units into `.okrbsc/units/<id>/` with the hardened git (SPEC 18.1).

Each unit has a bare repository there: no working tree, nothing checked out,
so nothing of a unit's files is ever run or read but through `git cat-file`.
Only `units lock`, `units update`, `units sync`, `units diff` and `lint
--units-fresh` call :func:`fetch`; every other command reads what is there.
"""

from __future__ import annotations

from pathlib import Path

from okrbsc.errors import OkrbscError
from okrbsc.history.git import GitError, fetch_options, git
from okrbsc.strategy.models import Unit

UNITS_DIR = Path(".okrbsc") / "units"
LOCKED_REFS = "refs/okrbsc/commits/"


class FetchError(OkrbscError):
    """A unit could not be fetched: exit 2, naming the unit."""


def clone_dir(root: Path, unit_id: str) -> Path:
    return root / UNITS_DIR / unit_id


def is_local(repo: str) -> bool:
    """A path, or a file:// URL: read through git's local file transport."""
    if repo.startswith("file://"):
        return True
    if "://" in repo:
        return False
    head = repo.split("/", 1)[0]
    return not (":" in head and not (len(head) == 2 and head[0].isalpha()))  # not host:path


def source_url(root: Path, unit: Unit | str) -> str:
    """What git fetches from: a local path resolved against the group repo, else the URL."""
    repo = unit.repo if isinstance(unit, Unit) else unit
    if "://" in repo or not is_local(repo):
        return repo
    return str((root / repo).resolve())


def default_ref(unit: Unit) -> str:
    return unit.ref if unit.ref is not None else "HEAD"


def _ensure(root: Path, unit_id: str) -> Path:
    folder = clone_dir(root, unit_id)
    if not (folder / "HEAD").is_file():
        folder.mkdir(parents=True, exist_ok=True)
        git(folder, "init", "--bare", "--quiet", ".")
    return folder


def fetch(root: Path, unit: Unit, what: str) -> Path:
    """Fetch ``what`` (a ref or a commit) of the unit's repo into its bare clone, as
    `refs/okrbsc/fetched`; a failure is an error naming the unit (exit 2)."""
    url = source_url(root, unit)
    try:
        folder = _ensure(root, unit.id)
        git(
            folder,
            *fetch_options(url, local=is_local(unit.repo)),
            "fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--no-recurse-submodules",
            "--", url, f"+{what}:refs/okrbsc/fetched",
        )  # fmt: skip
    except GitError as exc:
        raise FetchError(f"unit {unit.id!r}: cannot fetch {what} from {unit.repo}: {exc}") from None
    return folder


def resolve(root: Path, unit: Unit) -> tuple[str, str]:
    """The unit's ``ref`` (default HEAD) fetched now: its commit and committer date."""
    folder = fetch(root, unit, default_ref(unit))
    commit = git(folder, "rev-parse", "--verify", "refs/okrbsc/fetched^{commit}").decode().strip()
    keep(folder, commit)
    return commit, committer_date(folder, commit)


def committer_date(folder: Path, commit: str) -> str:
    out = git(folder, "log", "-1", "--no-show-signature", "--format=%cI", commit)
    return out.decode().strip()


def keep(folder: Path, commit: str) -> None:
    """A ref on a fetched commit, so git never prunes a commit that is or was locked."""
    git(folder, "update-ref", LOCKED_REFS + commit, commit)


def has_commit(root: Path, unit_id: str, commit: str) -> bool:
    folder = clone_dir(root, unit_id)
    if not (folder / "HEAD").is_file():
        return False
    try:
        git(folder, "cat-file", "-e", f"{commit}^{{commit}}")
    except GitError:
        return False
    return True


def sync(root: Path, unit: Unit, commit: str) -> bool:
    """Make sure the locked ``commit`` is in the unit's clone; True when it fetched."""
    if has_commit(root, unit.id, commit):
        keep(clone_dir(root, unit.id), commit)
        return False
    try:
        fetch(root, unit, commit)  # by id: servers of git 2.x (protocol v2) allow it
    except FetchError:
        fetch(root, unit, default_ref(unit))  # else its ref, which should contain it
    if not has_commit(root, unit.id, commit):
        raise FetchError(
            f"unit {unit.id!r}: commit {commit[:12]} is not in {unit.repo} (at "
            f"{default_ref(unit)}); run okrbsc units update {unit.id}"
        )
    keep(clone_dir(root, unit.id), commit)
    return True


def commits_ahead(root: Path, unit: Unit, commit: str) -> int:
    """How many commits the unit's ``ref`` has moved past ``commit`` (fetches the ref)."""
    folder = fetch(root, unit, default_ref(unit))
    if not has_commit(root, unit.id, commit):
        sync(root, unit, commit)
    out = git(folder, "rev-list", "--count", f"{commit}..refs/okrbsc/fetched")
    return int(out.decode().strip() or 0)
