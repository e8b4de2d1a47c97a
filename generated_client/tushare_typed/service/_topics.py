"""The topics the service streams, each an upstream the :class:`~._fanout.Hub` opens once per code set.

``quotes``: realtime quotes of the codes, polled every ``TUSHARE_TYPED_QUOTE_INTERVAL`` seconds (default 3) through
:func:`tushare_typed.realtime.astream_quotes` over the sources the environment configures, yielding what changed.
The push feed's topics plug in here as further entries.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any, Final

from ..errors import ParameterError
from ._fanout import Hub
from ._stream_routes import encoded

__all__ = ["default_hub", "quote_source"]

INTERVAL_VARIABLE: Final = "TUSHARE_TYPED_QUOTE_INTERVAL"


def quote_source(interval: float) -> Any:
    def open_quotes(codes: tuple[str, ...]) -> AsyncIterator[Any]:
        from ..realtime import AsyncRealtime
        from ..realtime._compat import default_realtime

        return AsyncRealtime(default_realtime()).stream_quotes(codes, interval)

    return open_quotes


def default_hub() -> Hub:
    text = os.environ.get(INTERVAL_VARIABLE, "").strip() or "3"
    try:
        interval = float(text)
    except ValueError:
        raise ParameterError(
            f"{INTERVAL_VARIABLE}={text!r} is not a number", remediation="Set seconds, e.g. 3."
        ) from None
    return Hub({"quotes": quote_source(interval)}, encode=encoded)
