"""The ``latest_quote`` tool: :mod:`tushare_typed.realtime` through its async twin, bounded like the other tools (at
most ``max_rows`` quotes, at most ``max_bytes`` bytes), failures as tool errors, the serving source stated.

The endpoints come from the environment (``TUSHARE_TYPED_SINA_URL``, ``TUSHARE_TYPED_EASTMONEY_PUSH_URL``, see
:mod:`tushare_typed.realtime._config`); one :class:`~tushare_typed.realtime.AsyncRealtime` per server, so its pace
and circuit breakers hold across calls.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from ..errors import TushareError
from .service import RowsCall, ToolResult, error_result, rows_result

if TYPE_CHECKING:
    from ..realtime import AsyncRealtime

__all__ = ["LATEST_QUOTE", "QuoteTool"]

LATEST_QUOTE: Final = "latest_quote"


class QuoteTool:
    """Runs ``latest_quote`` over one lazily built :class:`AsyncRealtime`."""

    def __init__(self) -> None:
        self._realtime: AsyncRealtime | None = None

    @property
    def realtime(self) -> AsyncRealtime:
        if self._realtime is None:
            from ..realtime import AsyncRealtime

            self._realtime = AsyncRealtime()
        return self._realtime

    async def call(self, name: str, arguments: Mapping[str, Any], max_rows: int, max_bytes: int) -> ToolResult:
        """One call (arguments already checked against the tool's schema)."""
        call = RowsCall.from_arguments(name, arguments, max_rows)
        try:
            quotes = await self.realtime.quote(list(arguments["codes"]), str(arguments.get("src", "sina")))
        except TushareError as error:
            return error_result(error)
        extra = {
            "source": quotes.source,
            "failovers": [failover._asdict() for failover in quotes.failovers],
            "missing": list(quotes.missing),
        }
        budget = max_bytes - len(json.dumps(extra, ensure_ascii=False).encode())
        columns = {key: values[call.offset :] for key, values in quotes.columns().items()}
        result = rows_result(call, columns, True, None, budget)
        served = f"Served by {quotes.source}" + "".join(
            f"; {failover.source} passed over ({failover.reason})" for failover in quotes.failovers
        )
        unknown = f"; unknown codes: {', '.join(quotes.missing)}" if quotes.missing else ""
        return ToolResult(f"{served}{unknown}.\n{result.text}", {**extra, **(result.structured or {})})

    async def aclose(self) -> None:
        realtime, self._realtime = self._realtime, None
        if realtime is not None:
            await realtime.aclose()
