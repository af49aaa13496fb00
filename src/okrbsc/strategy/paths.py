"""Paths as the user gave them: why one cannot be followed, in words that name it."""

from __future__ import annotations

import errno
import os
from pathlib import Path

LOOP = "a symbolic link loop (the link leads back to itself)"


def is_link_loop(path: Path) -> bool:
    """Whether following ``path`` runs into a loop of symbolic links."""
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def resolved(path: Path) -> Path:
    """``path.resolve()``, an OSError naming the loop instead of Python's RuntimeError."""
    try:
        return path.resolve()
    except RuntimeError:  # Python before 3.13 raises this for a loop
        raise OSError(errno.ELOOP, LOOP, str(path)) from None
