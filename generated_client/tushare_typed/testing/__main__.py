"""``python -m tushare_typed.testing``: run an emulator until SIGTERM or Ctrl-C, e.g. in the background of a shell
session or in its own process for the benchmarks; its URL is the first line of stdout (options: ``--help``)."""

from __future__ import annotations

from collections.abc import Sequence

from ._cli import parse_arguments, serve_until_stopped
from ._emulator import TushareEmulator


def main(argv: Sequence[str] | None = None) -> int:
    """Run an emulator until stopped; print its URL on the first line of stdout."""
    options = parse_arguments(argv)
    with TushareEmulator(**options) as emulator:
        print(emulator.url, flush=True)
        serve_until_stopped()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
