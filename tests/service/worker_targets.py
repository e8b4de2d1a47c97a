"""Worker bodies for the supervisor tests; module level, so that spawned processes can import them."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

#: File to which each started worker appends a line.
STARTS_ENV = "TSGEN_TEST_WORKER_STARTS"


def exit_at_once(sock: socket.socket) -> None:
    raise SystemExit(3)


def exit_after_a_while(sock: socket.socket) -> None:
    with Path(os.environ[STARTS_ENV]).open("a", encoding="utf-8") as starts:
        starts.write(f"{os.getpid()}\n")
    time.sleep(0.3)
    raise SystemExit(1)
