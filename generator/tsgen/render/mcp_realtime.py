"""The MCP tool over :mod:`tushare_typed.realtime` (a composite, served in both modes): ``latest_quote``, the latest
snapshot of some A-share codes from Sina or Eastmoney, failing over between them and saying which served. Its bound
(codes a call) is the server's, described here."""

from __future__ import annotations

from typing import Any

from tsgen.render.mcp import PAGING_NOTE, READ_ONLY, _max_rows_schema, _offset_schema, _rows_output_schema

LATEST_QUOTE_TOOL = "latest_quote"
#: The most codes one call takes (the server refuses more with a PARAMETER error naming the fix).
MAX_QUOTE_CODES = 50
QUOTE_SOURCES = ["sina", "dc"]


def latest_quote_tool() -> dict[str, Any]:
    return {
        "name": LATEST_QUOTE_TOOL,
        "title": "Latest quotes of A-share codes (realtime)",
        "description": (
            "The latest snapshot of each code: last price, open, high, low, previous close, volume (shares), amount "
            "(CNY) and the five best bids and asks, from Sina (src=sina, the default) or Eastmoney (src=dc), failing "
            "over to the other on an outage, a block or garbage, and saying which source served. "
            f"At most {MAX_QUOTE_CODES} codes a call. {PAGING_NOTE}"
        ),
        "inputSchema": {
            "type": "object",
            "properties": {
                "codes": {
                    "type": "array",
                    "items": {"type": "string", "pattern": r"^\d{6}\.(SH|SZ|BJ)$"},
                    "minItems": 1,
                    "maxItems": MAX_QUOTE_CODES,
                    "uniqueItems": True,
                    "description": 'A-share codes in tushare form, e.g. ["000001.SZ", "600000.SH"].',
                },
                "src": {
                    "type": "string",
                    "enum": QUOTE_SOURCES,
                    "default": "sina",
                    "description": "The source tried first: sina or dc (Eastmoney); the other follows on failure.",
                },
                "offset": _offset_schema(),
                "max_rows": _max_rows_schema(),
            },
            "required": ["codes"],
            "additionalProperties": False,
        },
        "outputSchema": _rows_output_schema(
            {"type": "object", "description": "One quote: name, ts_code, date, time, price, ..., b1_v ... a5_p."},
            {
                "source": {"type": "string", "description": "The source that served these quotes."},
                "failovers": {
                    "type": "array",
                    "items": {"type": "object"},
                    "description": "The sources passed over before it, with why.",
                },
                "missing": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "Codes the source does not know.",
                },
            },
        ),
        "annotations": READ_ONLY,
    }
