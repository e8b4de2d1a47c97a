"""The ``bars`` and ``compare_sources`` tools: :mod:`tushare_typed.sources` through its async twin, bounded like the
other tools (at most ``max_rows`` rows or findings, at most ``max_bytes`` bytes), failures as tool errors.

The sources come from the environment (``TUSHARE_TYPED_EASTMONEY_URL``, ``TUSHARE_TYPED_YAHOO_URL``,
``TUSHARE_TYPED_ALPHAVANTAGE_URL``, ``ALPHAVANTAGE_API_KEY``, ``TUSHARE_API_URL``, the tushare token); one
:class:`~tushare_typed.sources.Sources` per server, its quotas shared by every call, nothing kept in the local store.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from ..errors import TushareError
from .service import RowsCall, ToolResult, error_result, rows_result

if TYPE_CHECKING:
    from ..sources import Sources

__all__ = ["SOURCE_TOOLS", "SourcesTools"]

BARS: Final = "bars"
COMPARE: Final = "compare_sources"
SOURCE_TOOLS: Final = (BARS, COMPARE)
#: The longest span of one call, in days (as the tools' descriptions say).
BARS_MAX_DAYS: Final = 366 * 5
COMPARE_MAX_DAYS: Final = 366
_OVERHEAD: Final = 1024


class SourcesTools:
    """Runs the two tools over one lazily built :class:`Sources`."""

    def __init__(self) -> None:
        self._hub: Sources | None = None

    @property
    def hub(self) -> Sources:
        if self._hub is None:
            from ..sources import Sources

            self._hub = Sources(store=False)
        return self._hub

    async def call(self, name: str, arguments: Mapping[str, Any], max_rows: int, max_bytes: int) -> ToolResult:
        """One call of ``name`` (arguments already checked against its schema)."""
        from ..sources._hub import window_of

        start, end = arguments.get("start_date"), arguments.get("end_date")
        adjust = str(arguments.get("adjust", "none"))
        try:
            if name == BARS:
                window = window_of(start, end, max_days=BARS_MAX_DAYS)
                call = RowsCall.from_arguments(BARS, arguments, max_rows)
                bars = await self.hub.aget_bars(
                    str(arguments["symbol"]),
                    source=str(arguments.get("source", "auto")),
                    start=window.start,
                    end=window.end,
                    adjust=adjust,
                )
                extra = {"source": bars.source, "failovers": [f._asdict() for f in bars.failovers]}
                budget = max_bytes - len(json.dumps(extra, ensure_ascii=False).encode())
                columns = {key: values[call.offset :] for key, values in bars.columns().items()}
                result = rows_result(call, columns, True, None, budget)
                return ToolResult(result.text, {**extra, **(result.structured or {})})
            window = window_of(start, end, max_days=COMPARE_MAX_DAYS)
            report = await self.hub.acompare(
                list(arguments["symbols"]),
                list(arguments["sources"]),
                f"{window.start:%Y%m%d}",
                f"{window.end:%Y%m%d}",
                adjust=adjust,
            )
        except TushareError as error:
            return error_result(error)
        return _report_result(report.to_dict(), report.summary(), int(arguments.get("max_rows", max_rows)), max_bytes)

    async def aclose(self) -> None:
        hub, self._hub = self._hub, None
        if hub is not None:
            await hub.aclose()


def _report_result(report: dict[str, Any], summary: str, max_findings: int, max_bytes: int) -> ToolResult:
    """The report with at most ``max_findings`` findings, fewer still if the result would pass ``max_bytes``."""
    findings: list[Any] = report.pop("findings")
    shown = min(len(findings), max_findings)
    while True:
        structured = {**report, "findings": findings[:shown], "findings_total": len(findings)}
        structured["completed"] = shown == len(findings)
        structured["note"] = None if structured["completed"] else f"the first {shown} of {len(findings)} findings"
        text = f"{summary}\n{structured['note'] or 'every finding is listed'}"
        size = len(json.dumps(structured, ensure_ascii=False, default=str).encode()) + len(text.encode())
        if size + _OVERHEAD <= max_bytes or shown == 0:
            return ToolResult(text, structured)
        shown //= 2
