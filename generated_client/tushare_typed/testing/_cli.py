"""The command line of ``python -m tushare_typed.testing``: options into :class:`~._emulator.TushareEmulator`
arguments, and serving until a signal says stop (not when standard input closes, so it runs in the background).
"""

from __future__ import annotations

import argparse
import signal
import threading
from collections.abc import Sequence
from typing import Any

__all__ = ["WINDOWS", "parse_arguments", "parse_window", "serve_until_stopped"]

#: Window names the real server's 40203 messages use (每分钟/每小时/每天), in seconds.
WINDOWS = {"minute": 60.0, "hour": 3600.0, "day": 86400.0}


def parse_window(text: str) -> float:
    """``minute``, ``hour``, ``day`` or a number of seconds."""
    if text in WINDOWS:
        return WINDOWS[text]
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a window: use minute, hour, day or seconds") from None
    if not seconds > 0:
        raise argparse.ArgumentTypeError(f"the window must be positive, got {text}")
    return seconds


def parse_arguments(argv: Sequence[str] | None) -> dict[str, Any]:
    """``TushareEmulator`` keyword arguments from the command line."""
    from ..catalog import load_catalog
    from ._emulator import DEFAULT_TOKEN

    parser = argparse.ArgumentParser(
        prog="python -m tushare_typed.testing",
        description="Run a tushare emulator on 127.0.0.1 until SIGTERM or Ctrl-C; its URL is the first line of stdout.",
    )
    parser.add_argument("--catalog", help="catalog.json to serve (default: the package's)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    tokens = parser.add_mutually_exclusive_group()
    tokens.add_argument("--token", action="append", help=f"accepted token (repeatable; default: {DEFAULT_TOKEN})")
    tokens.add_argument("--any-token", action="store_true", help="accept any non-empty token")
    parser.add_argument("--quota", type=int, help="calls per window per token and interface (default: no quota)")
    parser.add_argument(
        "--window", type=parse_window, default=60.0, help="quota window: minute, hour, day or seconds (default: minute)"
    )
    parser.add_argument(
        "--deny", action="append", default=[], help="interface that answers 'no permission' (repeatable)"
    )
    parser.add_argument("--total-rows", type=int, help="rows per query (default: what its codes and dates select)")
    parser.add_argument("--row-cap", type=int, default=5000, help="rows per call for interfaces without row_limit")
    parser.add_argument("--overlap", type=int, default=0, help="rows each page repeats from the previous one")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic data")
    args = parser.parse_args(argv)
    catalog = load_catalog(args.catalog)
    unknown = [name for name in args.deny if name not in catalog]
    if unknown:
        parser.error(f"--deny: unknown interface {', '.join(unknown)}")
    return {
        "catalog": catalog,
        "tokens": None if args.any_token else (args.token or (DEFAULT_TOKEN,)),
        "quota": args.quota,
        "window": args.window,
        "denied": args.deny,
        "total_rows": args.total_rows,
        "default_row_cap": args.row_cap,
        "overlap": args.overlap,
        "seed": args.seed,
        "port": args.port,
    }


def serve_until_stopped() -> None:
    """Block until SIGTERM or SIGINT (the server runs in its own thread)."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    while not stop.wait(0.5):
        pass
