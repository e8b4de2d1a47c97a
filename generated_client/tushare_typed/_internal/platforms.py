"""Which operating system the runtime runs on, asked in one place; standard library only.

On POSIX systems (Linux, macOS, the BSDs) the token store checks permissions itself: a 0700 directory owned by the
user, 0600 files. Windows has neither mode bits nor user ids: there the store relies on the ACLs of the user's
profile directory (``C:\\Users\\<name>`` is readable by that user, administrators and SYSTEM only), where its
default path lies. Callers branch on :func:`windows`, which tests monkeypatch to run the Windows branch anywhere;
the POSIX-only calls below test ``sys.platform`` themselves as well, so that ``mypy --platform win32`` checks them.
"""

from __future__ import annotations

import os
import sys

__all__ = ["BINARY", "make_blocking", "user_id", "windows"]

#: Windows opens descriptors in text mode (newline translation) unless asked for binary; elsewhere it is 0.
BINARY: int = getattr(os, "O_BINARY", 0)


def windows() -> bool:
    """True on Windows, where files are guarded by ACLs instead of POSIX modes and owners."""
    return sys.platform == "win32"


def user_id() -> int | None:
    """This process's user id; None on Windows, which has none."""
    if sys.platform == "win32":
        return None
    return os.getuid()


def make_blocking(descriptor: int) -> None:
    """Clear ``O_NONBLOCK`` on ``descriptor`` (opened non-blocking so that a FIFO cannot hang ``open``). Windows has
    neither FIFOs at file paths nor that flag: there is nothing to clear."""
    if sys.platform != "win32":
        os.set_blocking(descriptor, True)
