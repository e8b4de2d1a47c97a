"""The composite tools served by other parts of the package (``bars`` and ``compare_sources`` over
:mod:`tushare_typed.sources`, ``latest_quote`` over :mod:`tushare_typed.realtime`): which runner serves each, built on
first use so a server that never calls them never imports those packages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, Protocol

if TYPE_CHECKING:
    from .service import ToolResult

__all__ = ["EXTRA_TOOLS", "ToolRunner", "runner_for"]

#: Tool name → the runner that serves it (tools of one runner share it, and its quotas and connections).
EXTRA_TOOLS: Final = {"bars": "sources", "compare_sources": "sources", "latest_quote": "realtime"}


class ToolRunner(Protocol):
    async def call(self, name: str, arguments: Mapping[str, Any], max_rows: int, max_bytes: int) -> ToolResult: ...

    async def aclose(self) -> None: ...


def runner_for(name: str) -> ToolRunner:
    """A new runner for the tool ``name`` (one of :data:`EXTRA_TOOLS`)."""
    if EXTRA_TOOLS[name] == "sources":
        from ._sources_tools import SourcesTools

        return SourcesTools()
    from ._quote_tool import QuoteTool

    return QuoteTool()
