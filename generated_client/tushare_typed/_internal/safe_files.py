"""Opening the token store's files without being fooled by what sits at their paths.

A FIFO at the store path would block ``open()`` for ever, a device would be read as a store, and a symlink planted
at the audit log's path would make every operation append to a file of the attacker's choosing. So the store is
opened non-blocking and must be a regular file; the audit log is opened with ``O_NOFOLLOW`` and must be a regular
file too; and a group- or world-writable directory holding them is made private (0700) when it is ours, refused when it
is not. Those checks are POSIX ones: on Windows (no modes, no uids) the directory is created as it is and the
store relies on the ACLs of the user's profile directory (see :mod:`.platforms`).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .platforms import BINARY, make_blocking, user_id, windows

__all__ = ["NotRegularFile", "UnsafeDirectory", "ensure_private_dir", "open_audit_log", "read_regular"]

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


class NotRegularFile(OSError):
    """The path holds a FIFO, a device, a directory or (for the audit log) a symlink."""


class UnsafeDirectory(OSError):
    """The directory is writable by others and not ours to tighten."""


def read_regular(path: Path, limit: int) -> bytes:
    """Up to ``limit`` + 1 bytes of ``path``, which must be a regular file (never blocks on a FIFO)."""
    descriptor = os.open(path, os.O_RDONLY | _NONBLOCK | BINARY)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise NotRegularFile(f"{path} is not a regular file")
        make_blocking(descriptor)
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            return handle.read(limit + 1)
    finally:
        os.close(descriptor)


def open_audit_log(path: Path) -> int:
    """A descriptor appending to ``path`` (created 0600), which must be a regular file reached without symlinks."""
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | _NOFOLLOW | _NONBLOCK | BINARY, 0o600)
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise NotRegularFile(f"{path} is not a regular file")
    return descriptor


def ensure_private_dir(directory: Path) -> None:
    """Create ``directory`` 0700, or make an existing one private: tightened when ours, refused otherwise. On
    Windows: created if missing, its ACLs (inherited from the user's profile) left as they are."""
    if windows():
        directory.mkdir(parents=True, exist_ok=True)
        return
    if not directory.is_dir():
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        # mkdir's mode is filtered by the umask; the store's directory must be private regardless.
        directory.chmod(0o700)
        return
    info = directory.stat()
    if not info.st_mode & 0o022:
        return  # an existing directory others can read (a home directory, say) is the owner's choice
    if info.st_uid != user_id():
        raise UnsafeDirectory(
            f"{directory} is writable by other users and belongs to uid {info.st_uid}, so it cannot be made private"
        )
    # Others could swap the store or plant links next to it: it becomes private, as the store promises.
    directory.chmod(0o700)
