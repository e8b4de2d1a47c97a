"""The command line of ``python -m tushare_typed.testing``: options into :class:`~._emulator.TushareEmulator`
arguments, and serving until a signal says stop (not when standard input closes, so it runs in the background).
"""

from __future__ import annotations

import argparse
import signal
import threading
from collections.abc import Sequence
from typing import Any

__all__ = ["WINDOWS", "parse_arguments", "parse_window", "push_arguments", "serve_until_stopped"]

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
        description=(
            "Run a tushare emulator on 127.0.0.1 until SIGTERM or Ctrl-C; its URL is the first line of stdout, "
            "the URLs of the push feed (--push) and the realtime look-alikes (--realtime) the next ones."
        ),
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
    push = parser.add_argument_group("push feed (needs the realtime extra)")
    push.add_argument(
        "--push", action="store_true", help="also serve the push feed; its ws:// URL is stdout's 2nd line"
    )
    push.add_argument("--push-port", type=int, default=0, help="its port (default: a free one)")
    push.add_argument("--push-rate", type=float, default=200.0, help="records per second per connection")
    push.add_argument("--push-drop-after", type=int, help="close each connection after this many records")
    push.add_argument("--push-stall-after", type=int, help="stop sending (and answering) after this many records")
    push.add_argument("--push-garbage-every", type=int, help="make every n-th frame garbage")
    push.add_argument("--push-refuse", action="store_true", help="refuse every subscription (status: false)")
    parser.add_argument(
        "--realtime",
        action="store_true",
        help="also serve the look-alikes of the realtime quote sources (Sina, Eastmoney, Tencent) on one http:// URL, "
        "printed on the next line of stdout (after the push URL, if any): point TUSHARE_TYPED_SINA_URL, "
        "TUSHARE_TYPED_EASTMONEY_PUSH_URL and TUSHARE_TYPED_TENCENT_URL at it",
    )
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
        "push": push_arguments(args) if args.push else None,
        "realtime": args.realtime,
    }


def push_arguments(args: argparse.Namespace) -> dict[str, Any]:
    """``PushEmulator`` arguments and faults from the ``--push-*`` options (the seed shared; the tokens too, in
    ``__main__``)."""
    return {
        "seed": args.seed,
        "rate": args.push_rate,
        "port": args.push_port,
        "faults": {
            "drop_after": args.push_drop_after,
            "stall_after": args.push_stall_after,
            "garbage_every": args.push_garbage_every,
            "refuse_subscriptions": args.push_refuse,
        },
    }


def serve_until_stopped() -> None:
    """Block until SIGTERM or SIGINT (the server runs in its own thread)."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    while not stop.wait(0.5):
        pass
