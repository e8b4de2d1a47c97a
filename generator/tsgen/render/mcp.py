"""The MCP tool documents: `tushare_typed/mcp/tools.json` (every tool definition the server can serve) and
`discovery_tools.json` (`mcp_manifest.py` renders the bundle manifest and the registry entry).

tools.json holds three lists. `discovery`: the few tools of the default mode (search the interfaces, describe one,
call one). `interfaces`: one tool per HTTP interface, served in full mode and used in every mode to check a call's
arguments. `composites`: tools served in both modes (`pro_bar`, `bars`, `compare_sources`, `latest_quote`). Output
schemas spell nullability as `anyOf` branches, never as a `type` array, which several MCP clients read as a single
string. `discovery_tools.json` repeats the `discovery` and `composites` lists (a few KB), so the default mode answers
tools/list without parsing tools.json (2 MB).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tsgen.jsonfile import dumps
from tsgen.model import Interface
from tsgen.render.metadata import Metadata
from tsgen.render.probar import dispatch_table
from tsgen.render.schemas import column_schema, fields_schema, group_text, params_schema

DISTRIBUTION = "tushare-typed"
REGISTRY_NAME = "io.github.tsgen/tushare-typed"
MCPB_VERSION = "0.4"
ENTRY_POINT = "tushare_typed/mcp/__main__.py"
DEFAULT_ROW_CAP = 200  # rows a tool result carries by default; the server's --max-rows changes it
MAX_ROW_CAP = 5000  # the most rows one result may carry, whatever a call asks
TOKEN_ENV = "TUSHARE_TOKEN"  # noqa: S105 - the name of the variable, not a secret
SEARCH_TOOL = "search_interfaces"
DESCRIBE_TOOL = "describe_interface"
CALL_TOOL = "call_interface"
PRO_BAR_TOOL = "pro_bar"
DESCRIPTION = "tushare financial data (A-shares, indices, funds, futures, bonds, macro): search, describe, call."
READ_ONLY = {"readOnlyHint": True, "destructiveHint": False, "idempotentHint": True, "openWorldHint": True}
LOCAL_ONLY = {**READ_ONLY, "openWorldHint": False}
PAGING_NOTE = (
    "A result holds at most max_rows rows and a bounded number of bytes; when `completed` is false, call again "
    "with offset=next_offset."
)


# --- schema helpers ----------------------------------------------------------------------------------------------


def portable(schema: Any) -> Any:
    """`schema` with every `type: [A, B]` rewritten as `anyOf: [{type: A}, {type: B}]` (other keywords kept)."""
    if isinstance(schema, list):
        return [portable(item) for item in schema]
    if not isinstance(schema, Mapping):
        return schema
    result = {key: portable(value) for key, value in schema.items()}
    kinds = result.get("type")
    if isinstance(kinds, list):
        del result["type"]
        result["anyOf"] = [{"type": kind} for kind in kinds]
    return result


def _nullable(kind: str, description: str) -> dict[str, Any]:
    return {"anyOf": [{"type": kind}, {"type": "null"}], "description": description}


def _offset_schema() -> dict[str, Any]:
    return {
        "type": "integer",
        "minimum": 0,
        "description": "Row to start from; pass a previous result's next_offset to continue.",
    }


def _max_rows_schema() -> dict[str, Any]:
    return {
        "type": "integer",
        "minimum": 1,
        "maximum": MAX_ROW_CAP,
        "default": DEFAULT_ROW_CAP,
        "description": f"Most rows to return in this result (default {DEFAULT_ROW_CAP}, at most {MAX_ROW_CAP}).",
    }


def _rows_output_schema(row: dict[str, Any], extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    properties = {
        **(extra or {}),
        "rows": {"type": "array", "items": row},
        "fields": {"type": "array", "items": {"type": "string"}, "description": "The columns of the rows."},
        "row_count": {"type": "integer", "description": "Rows in this result."},
        "completed": {"type": "boolean", "description": "False when more rows exist from next_offset on."},
        "next_offset": _nullable("integer", "Where to continue when not completed; null when completed."),
        "note": {"type": "string", "description": "How the result was bounded and how to continue."},
    }
    return {
        "type": "object",
        "properties": properties,
        "required": [*(extra or {}), "rows", "fields", "row_count", "completed", "next_offset"],
    }


# --- one tool per interface (full mode) --------------------------------------------------------------------------


def _description(interface: Interface) -> str:
    parts = [f"{interface.title}: {interface.description}".rstrip(": ")]
    parts.append(
        f"Returns rows with columns {', '.join(f.name for f in interface.fields[:12])}"
        + (", …" if len(interface.fields) > 12 else "")
        + "."
    )
    if interface.points is not None:
        parts.append(f"Requires {interface.points} tushare points.")
    if interface.permission:
        parts.append(f"Permission: {interface.permission.text}")
    parts += [f"Parameters: {group_text(group)}." for group in interface.param_groups]
    if interface.row_limit is not None:
        parts.append(f"The server caps {interface.row_limit} rows per call; the tool pages for you.")
    for rule in interface.rate_limits:
        tier = f" from {rule.min_points} points" if rule.min_points is not None else ""
        calls = "unlimited" if rule.calls is None else f"{rule.calls} calls"
        parts.append(f"Quota: {calls} per {rule.period}{tier}.")
    parts.append(PAGING_NOTE)
    return " ".join(parts)


def _input_schema(interface: Interface) -> dict[str, Any]:
    schema = params_schema(interface)
    schema["properties"]["fields"] = fields_schema(interface)
    schema["properties"]["offset"] = _offset_schema()
    schema["properties"]["max_rows"] = _max_rows_schema()
    return schema


def _output_schema(interface: Interface) -> dict[str, Any]:
    row = {"type": "object", "properties": {f.name: column_schema(f) for f in interface.fields}}
    schema: dict[str, Any] = portable(_rows_output_schema(row))
    return schema


def tool(interface: Interface) -> dict[str, Any]:
    return {
        "name": interface.api_name,
        "title": interface.title,
        "description": _description(interface),
        "inputSchema": _input_schema(interface),
        "outputSchema": _output_schema(interface),
        "annotations": READ_ONLY,
    }


# --- discovery mode ----------------------------------------------------------------------------------------------


def _search_tool() -> dict[str, Any]:
    hit = {
        "type": "object",
        "properties": {
            "api_name": {"type": "string"},
            "title": {"type": "string"},
            "category": {"type": "string"},
            "points": _nullable("integer", "tushare points the interface needs; null when undocumented."),
            "score": {"type": "number"},
            "matched": {"type": "array", "items": {"type": "string"}, "description": "Where the terms matched."},
        },
        "required": ["api_name", "title", "category", "points", "score", "matched"],
    }
    return {
        "name": SEARCH_TOOL,
        "title": "Search tushare interfaces",
        "description": (
            "Find the tushare interfaces that answer a question, ranked. Terms may be Chinese or English "
            "(e.g. '日线行情', 'daily bars', 'dividend', '资金流向'); they are matched against each interface's "
            f"name, title, category, description and column names. Then call {DESCRIBE_TOOL} for the parameters, "
            f"and {CALL_TOOL} to fetch rows. Each interface's documentation is also the resource "
            "tushare://interfaces/<api_name>; tushare://categories lists them all."
        ),
        "inputSchema": {
            "type": "object",
            "properties": {
                "query": {"type": "string", "minLength": 1, "description": "Search terms, Chinese or English."},
                "category": {"type": "string", "description": "Only interfaces whose category contains this."},
                "limit": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10},
            },
            "required": ["query"],
            "additionalProperties": False,
        },
        "outputSchema": {
            "type": "object",
            "properties": {
                "results": {"type": "array", "items": hit},
                "total": {"type": "integer", "description": "Interfaces that matched, before the limit."},
            },
            "required": ["results", "total"],
        },
        "annotations": LOCAL_ONLY,
    }


def _describe_tool() -> dict[str, Any]:
    return {
        "name": DESCRIBE_TOOL,
        "title": "Describe a tushare interface",
        "description": (
            "Everything needed to call one interface: its parameters (types, formats, required, allowed values), "
            "its columns (name, type, whether returned by default), the points it needs, its row cap per request "
            f"and its quotas, plus example {CALL_TOOL} arguments."
        ),
        "inputSchema": {
            "type": "object",
            "properties": {"api_name": {"type": "string", "description": f"An api_name from {SEARCH_TOOL}."}},
            "required": ["api_name"],
            "additionalProperties": False,
        },
        "outputSchema": {
            "type": "object",
            "properties": {
                "api_name": {"type": "string"},
                "title": {"type": "string"},
                "params": {"type": "array", "items": {"type": "object"}},
                "fields": {"type": "array", "items": {"type": "object"}},
            },
            "required": ["api_name", "title", "params", "fields"],
        },
        "annotations": LOCAL_ONLY,
    }


def _call_tool() -> dict[str, Any]:
    return {
        "name": CALL_TOOL,
        "title": "Call a tushare interface",
        "description": (
            f"Fetch rows from one tushare interface. `params` are checked against that interface's parameters "
            f"(see {DESCRIBE_TOOL}); dates are YYYYMMDD strings. `fields` selects columns (fewer columns, more rows "
            f"per result). {PAGING_NOTE} Errors carry a stable code (e.g. AUTH-003: the account lacks the points "
            "the interface needs) and a remediation."
        ),
        "inputSchema": {
            "type": "object",
            "properties": {
                "api_name": {"type": "string", "description": f"An api_name from {SEARCH_TOOL}, e.g. daily."},
                "params": {
                    "type": "object",
                    "description": 'The interface\'s parameters, e.g. {"ts_code": "000001.SZ"}.',
                },
                "fields": {
                    "type": "array",
                    "items": {"type": "string"},
                    "uniqueItems": True,
                    "description": "Columns to return; default: the interface's default columns.",
                },
                "offset": _offset_schema(),
                "max_rows": _max_rows_schema(),
            },
            "required": ["api_name"],
            "additionalProperties": False,
        },
        "outputSchema": _rows_output_schema(
            {"type": "object", "description": "One row, keyed by column name."},
            {"api_name": {"type": "string"}},
        ),
        "annotations": READ_ONLY,
    }


def pro_bar_tool(metadata: Metadata) -> dict[str, Any]:
    table = dispatch_table(metadata)
    assets = sorted({asset for asset, _ in table})
    served = ", ".join(f"{asset}/{freq}→{api}" for (asset, freq), api in table.items())
    return {
        "name": PRO_BAR_TOOL,
        "title": "Bars of any asset (pro_bar)",
        "description": (
            "tushare's composite bar query: picks the interface by asset and frequency "
            f"({served}), adjusts stock prices (adj=qfq forward, hfq backward), merges turnover_rate (factors "
            f"tor) and volume_ratio (vr), and adds moving averages ma<N>/ma_v_<N>. {PAGING_NOTE}"
        ),
        "inputSchema": {
            "type": "object",
            "properties": {
                "ts_code": {"type": "string", "description": "Security code, e.g. 000001.SZ."},
                "start_date": {"type": "string", "pattern": r"^\d{8}$", "description": "First day, YYYYMMDD."},
                "end_date": {"type": "string", "pattern": r"^\d{8}$", "description": "Last day, YYYYMMDD."},
                "asset": {"type": "string", "enum": assets, "default": "E", "description": "E stock, I index, …"},
                "freq": {
                    "type": "string",
                    "pattern": "^([DWM]|[0-9]+min)$",
                    "default": "D",
                    "description": "D, W, M, or minutes such as 1min, 5min, 15min, 30min, 60min.",
                },
                "adj": {"type": "string", "enum": ["qfq", "hfq"], "description": "Price adjustment."},
                "adjfactor": {"type": "boolean", "default": False, "description": "Also return adj_factor."},
                "factors": {
                    "type": "array",
                    "items": {"type": "string", "enum": ["tor", "vr"]},
                    "uniqueItems": True,
                    "description": "tor: turnover_rate, vr: volume_ratio.",
                },
                "ma": {
                    "type": "array",
                    "items": {"type": "integer", "minimum": 1, "maximum": 1000},
                    "maxItems": 10,
                    "uniqueItems": True,
                    "description": "Moving-average windows, e.g. [5, 20].",
                },
                "exchange": {"type": "string", "description": "Exchange, for the assets that need one."},
                "fields": {
                    "type": "array",
                    "items": {"type": "string"},
                    "uniqueItems": True,
                    "description": "Columns to return; default: all.",
                },
                "offset": _offset_schema(),
                "max_rows": _max_rows_schema(),
            },
            "required": ["ts_code"],
            "additionalProperties": False,
        },
        "outputSchema": _rows_output_schema({"type": "object", "description": "One bar, keyed by column name."}),
        "annotations": READ_ONLY,
    }


def tools_document(metadata: Metadata) -> dict[str, Any]:
    from tsgen.render.mcp_realtime import LATEST_QUOTE_TOOL, latest_quote_tool
    from tsgen.render.mcp_sources import BARS_TOOL, COMPARE_TOOL, bars_tool, compare_tool

    names = {interface.api_name for interface in metadata.http_interfaces}
    own = {SEARCH_TOOL, DESCRIBE_TOOL, CALL_TOOL, PRO_BAR_TOOL, BARS_TOOL, COMPARE_TOOL, LATEST_QUOTE_TOOL}
    if names & own:
        raise ValueError(f"interfaces named like the server's own tools: {sorted(names & own)}")
    return {
        "discovery": [_search_tool(), _describe_tool(), _call_tool()],
        "interfaces": [tool(interface) for interface in metadata.http_interfaces],
        "composites": [pro_bar_tool(metadata), bars_tool(), compare_tool(), latest_quote_tool()],
    }


def tools_json(metadata: Metadata) -> str:
    return dumps(tools_document(metadata))


def discovery_tools_json(metadata: Metadata) -> str:
    """tools.json without the `interfaces` list: what discovery mode lists."""
    document = tools_document(metadata)
    return dumps({group: document[group] for group in ("discovery", "composites")})
