"""``python -m tushare_typed.testing``: run an emulator until SIGTERM or Ctrl-C, e.g. in the background of a shell
session or in its own process for the benchmarks; its URL is the first line of stdout, then the push feed's
(``--push``) and the realtime look-alikes' (``--realtime``) (options: ``--help``)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack

from ._cli import parse_arguments, serve_until_stopped
from ._emulator import TushareEmulator


def main(argv: Sequence[str] | None = None) -> int:
    """Run an emulator until stopped; print its URL on the first line of stdout, then the push feed's and the
    realtime look-alikes' when asked for."""
    options = parse_arguments(argv)
    push = options.pop("push")
    realtime = options.pop("realtime")
    with TushareEmulator(**options) as emulator, ExitStack() as stack:
        print(emulator.url, flush=True)
        if push is not None:
            from ._push import PushEmulator

            faults = push.pop("faults")
            tokens = None if options["tokens"] is None else tuple(options["tokens"])
            feed = stack.enter_context(PushEmulator(tokens=tokens, **push))
            for name, value in faults.items():
                setattr(feed, name, value)
            print(feed.url, flush=True)
        if realtime:
            from ._realtime import RealtimeLookalikes

            print(stack.enter_context(RealtimeLookalikes(options["seed"])).url, flush=True)
        serve_until_stopped()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
