"""``python -m tushare_typed.testing``: run an emulator in the foreground (the benchmarks run it in its own process)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence

from ._emulator import DEFAULT_TOKEN, TushareEmulator


def main(argv: Sequence[str] | None = None) -> int:
    """Run an emulator until interrupted; print its URL on the first line of stdout."""
    import argparse

    from ..catalog import load_catalog

    parser = argparse.ArgumentParser(prog="python -m tushare_typed.testing", description=main.__doc__)
    parser.add_argument("--catalog", help="catalog.json to serve (default: the package's)")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token", action="append", help=f"accepted token (repeatable; default: {DEFAULT_TOKEN})")
    parser.add_argument("--quota", type=int, help="calls per window per token and interface")
    parser.add_argument("--window", type=float, default=60.0, help="quota window in seconds")
    parser.add_argument("--total-rows", type=int, default=100, help="rows per query")
    parser.add_argument("--row-cap", type=int, default=5000, help="rows per call for interfaces without row_limit")
    parser.add_argument("--overlap", type=int, default=0, help="rows each page repeats from the previous one")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    emulator = TushareEmulator(
        load_catalog(args.catalog),
        tokens=args.token or (DEFAULT_TOKEN,),
        quota=args.quota,
        window=args.window,
        total_rows=args.total_rows,
        default_row_cap=args.row_cap,
        overlap=args.overlap,
        seed=args.seed,
        port=args.port,
    )
    with emulator:
        print(emulator.url, flush=True)
        # Serve until stdin closes (the parent went away) or Ctrl-C.
        with contextlib.suppress(KeyboardInterrupt):
            sys.stdin.read()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
