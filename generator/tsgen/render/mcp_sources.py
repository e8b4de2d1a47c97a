"""The MCP tools over :mod:`tushare_typed.sources` (composites, served in both modes): ``bars`` (one symbol's daily
bars from tushare, Eastmoney, Yahoo or Alpha Vantage in standard units) and ``compare_sources`` (the consistency
report between sources). Their bounds (symbols, days, rows, bytes) are the server's, described here."""

from __future__ import annotations

from typing import Any

from tsgen.render.mcp import (
    PAGING_NOTE,
    READ_ONLY,
    _max_rows_schema,
    _nullable,
    _offset_schema,
    _rows_output_schema,
)

BARS_TOOL = "bars"
COMPARE_TOOL = "compare_sources"
SOURCES = ["tushare", "akshare", "yahoo", "alphavantage"]
#: The longest span of one call, in days (the server refuses longer ones with a PARAMETER error).
BARS_MAX_DAYS = 366 * 5
COMPARE_MAX_DAYS = 366
COMPARE_MAX_SYMBOLS = 20
_DAY = {"type": "string", "pattern": r"^(\d{8}|\d{4}-\d{2}-\d{2})$"}
_ADJUST = {
    "type": "string",
    "enum": ["none", "qfq", "hfq"],
    "default": "none",
    "description": "none, qfq (forward, anchored at the latest factor) or hfq (backward).",
}
_SYMBOL = {"type": "string", "maxLength": 16, "description": "Tushare form: 600000.SH, 000001.SZ, 00700.HK, AAPL."}


def bars_tool() -> dict[str, Any]:
    return {
        "name": BARS_TOOL,
        "title": "Daily bars from several sources (standard units)",
        "description": (
            "One symbol's daily bars from tushare, akshare (Eastmoney), yahoo or alphavantage, or the first that can "
            "serve (source=auto, failing over on an outage, a quota or no data, and saying so). Volume in shares, "
            f"amount in the listing currency. At most {BARS_MAX_DAYS} days a call. {PAGING_NOTE}"
        ),
        "inputSchema": {
            "type": "object",
            "properties": {
                "symbol": _SYMBOL,
                "source": {"type": "string", "enum": ["auto", *SOURCES], "default": "auto"},
                "start_date": {**_DAY, "description": "First day, YYYYMMDD; default a year before end_date."},
                "end_date": {**_DAY, "description": "Last day, YYYYMMDD; default today."},
                "adjust": _ADJUST,
                "offset": _offset_schema(),
                "max_rows": _max_rows_schema(),
            },
            "required": ["symbol"],
            "additionalProperties": False,
        },
        "outputSchema": _rows_output_schema(
            {"type": "object", "description": "One bar: date, open, high, low, close, pre_close, volume, amount."},
            {
                "source": {"type": "string", "description": "The source that served these bars."},
                "failovers": {
                    "type": "array",
                    "items": {"type": "object"},
                    "description": "The sources passed over before it, with why.",
                },
            },
        ),
        "annotations": READ_ONLY,
    }


def compare_tool() -> dict[str, Any]:
    finding = {
        "type": "object",
        "description": "symbol, kind (value, missing, basis, error), left, right, date, field, values, detail.",
    }
    return {
        "name": COMPARE_TOOL,
        "title": "Compare sources (consistency check)",
        "description": (
            "Fetches the symbols from each source, aligns the bars by date and names every difference beyond "
            "tolerance (prices 0.01 or 1e-4 relative, volume one lot), every day one side lacks, a basis difference "
            f"(adjusted vs not) and a source that failed. At most {COMPARE_MAX_SYMBOLS} symbols and "
            f"{COMPARE_MAX_DAYS} days; at most max_rows findings (findings_total says how many there were)."
        ),
        "inputSchema": {
            "type": "object",
            "properties": {
                "symbols": {"type": "array", "items": _SYMBOL, "minItems": 1, "maxItems": COMPARE_MAX_SYMBOLS},
                "sources": {
                    "type": "array",
                    "items": {"type": "string", "enum": SOURCES},
                    "minItems": 2,
                    "maxItems": 4,
                    "uniqueItems": True,
                },
                "start_date": {**_DAY, "description": "First day, YYYYMMDD; default a year before end_date."},
                "end_date": {**_DAY, "description": "Last day, YYYYMMDD; default today."},
                "adjust": _ADJUST,
                "max_rows": _max_rows_schema(),
            },
            "required": ["symbols", "sources"],
            "additionalProperties": False,
        },
        "outputSchema": {
            "type": "object",
            "properties": {
                "agree": {"type": "boolean", "description": "True when no finding was made."},
                "start": {"type": "string"},
                "end": {"type": "string"},
                "rows": {"type": "object", "description": "Bars per symbol and source."},
                "findings": {"type": "array", "items": finding},
                "findings_total": {"type": "integer"},
                "completed": {"type": "boolean", "description": "False when findings lists only some."},
                "note": _nullable("string", "How the findings were bounded."),
            },
            "required": ["agree", "findings", "findings_total", "completed"],
        },
        "annotations": READ_ONLY,
    }
