"""Several worker processes on one port, each with its own listening socket (``SO_REUSEPORT``).

uvicorn's own workers share one listening socket, and whichever event loop wakes first accepts every connection
waiting: 50 clients connecting at once all landed on one worker, which ran at full CPU while the other idled (P95
1.75 s at 62 requests/s on 2 workers). With a socket per worker the kernel spreads connections across them.

The parent only supervises: it starts the workers, replaces one that dies after it has served a while, and stops
them all on SIGINT or SIGTERM. A worker that dies at once (a port in use, a bad setting) stops the service instead of
being restarted for ever.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.process import BaseProcess

__all__ = ["reuse_port_supported", "run_workers"]

#: A worker that exits sooner than this after its start failed to start: the service stops.
STARTUP_SECONDS = 10.0
_BACKLOG = 2048  # uvicorn's default


def reuse_port_supported() -> bool:
    """Linux (where the kernel balances connections over the sockets of one port; BSDs and macOS give them all to
    one), from the main thread (the supervisor handles SIGINT and SIGTERM, which only the main thread can)."""
    on_linux = hasattr(socket, "SO_REUSEPORT") and sys.platform.startswith("linux")
    return on_linux and threading.current_thread() is threading.main_thread()


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket on ``host:port`` that other sockets of this user may share (the kernel balances between them)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
        sock.listen(_BACKLOG)
    except OSError:
        sock.close()
        raise
    return sock


def _worker(target: Callable[[socket.socket], None], host: str, port: int) -> None:
    target(listening_socket(host, port))


def run_workers(target: Callable[[socket.socket], None], host: str, port: int, workers: int) -> int:
    """Run ``target(sock)`` in ``workers`` processes until a signal; returns the exit status (0 when stopped by a
    signal, else the status of the worker that failed to start). ``target`` must be picklable (module level)."""
    # Fail here, in the caller's terminal, when the port is taken.
    listening_socket(host, port).close()
    context = multiprocessing.get_context("spawn")
    stop = threading.Event()
    previous = {signum: signal.signal(signum, lambda *_: stop.set()) for signum in (signal.SIGINT, signal.SIGTERM)}

    def start() -> tuple[BaseProcess, float]:
        process: BaseProcess = context.Process(target=_worker, args=(target, host, port), daemon=False)
        process.start()
        return process, time.monotonic()

    running = [start() for _ in range(workers)]
    status = 0
    try:
        while not stop.wait(0.25):
            for index, (process, started) in enumerate(running):
                if process.is_alive():
                    continue
                if process.exitcode == 0:  # told to stop (a signal to the process group): so is the service
                    stop.set()
                    break
                if time.monotonic() - started < STARTUP_SECONDS:
                    status = process.exitcode or 1
                    stop.set()
                    break
                print(
                    f"tushare-typed serve: worker {process.pid} exited with {process.exitcode}; starting another",
                    file=sys.stderr,
                )
                running[index] = start()
    finally:
        _stop_all([process for process, _ in running])
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return status


def _stop_all(processes: list[BaseProcess], grace: float = 30.0) -> None:
    """SIGTERM (uvicorn's graceful shutdown), then SIGKILL for what is still running after ``grace`` seconds."""
    for process in processes:
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + grace
    for process in processes:
        process.join(timeout=max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join()
