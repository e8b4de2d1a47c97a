"""The MCP documents: `tushare_typed/mcp/tools.json` (the tools/list payload), the MCPB bundle `manifest.json`
and the registry entry `server.json`. Every tool is one HTTP interface, described well enough that a model calls
it right the first time: what it returns, points, row cap, quotas and how to page."""

from __future__ import annotations

from typing import Any

from tsgen.jsonfile import dumps
from tsgen.model import Interface
from tsgen.render.metadata import Metadata
from tsgen.render.schemas import column_schema, fields_schema, group_text, params_schema

DISTRIBUTION = "tushare-typed"
REGISTRY_NAME = "io.github.tsgen/tushare-typed"
MCPB_VERSION = "0.3"
DEFAULT_ROW_CAP = 200  # rows a tool result carries by default; the server's --max-rows changes it
TOKEN_ENV = "TUSHARE_TOKEN"  # noqa: S105 - the name of the variable, not a secret


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
    parts.append("Results carry at most max_rows rows; when `completed` is false call again with offset=next_offset.")
    return " ".join(parts)


def _input_schema(interface: Interface) -> dict[str, Any]:
    schema = params_schema(interface)
    schema["properties"]["fields"] = fields_schema(interface)
    schema["properties"]["offset"] = {
        "type": "integer",
        "minimum": 0,
        "description": "Row to start from; pass a previous result's next_offset to continue.",
    }
    schema["properties"]["max_rows"] = {
        "type": "integer",
        "minimum": 1,
        "default": DEFAULT_ROW_CAP,
        "description": f"Most rows to return in this result (default {DEFAULT_ROW_CAP}).",
    }
    return schema


def _output_schema(interface: Interface) -> dict[str, Any]:
    row = {"type": "object", "properties": {f.name: column_schema(f) for f in interface.fields}}
    return {
        "type": "object",
        "properties": {
            "rows": {"type": "array", "items": row},
            "fields": {"type": "array", "items": {"type": "string"}},
            "row_count": {"type": "integer", "description": "Rows in this result."},
            "completed": {"type": "boolean", "description": "False when more rows exist past next_offset."},
            "next_offset": {"type": ["integer", "null"], "description": "Where to continue when not completed."},
            "note": {"type": "string"},
        },
        "required": ["rows", "fields", "row_count", "completed", "next_offset"],
    }


def tool(interface: Interface) -> dict[str, Any]:
    return {
        "name": interface.api_name,
        "title": interface.title,
        "description": _description(interface),
        "inputSchema": _input_schema(interface),
        "outputSchema": _output_schema(interface),
        "annotations": {
            "readOnlyHint": True,
            "destructiveHint": False,
            "idempotentHint": True,
            "openWorldHint": True,
        },
    }


def tools_json(metadata: Metadata) -> str:
    return dumps({"tools": [tool(interface) for interface in metadata.http_interfaces]})


def manifest_json(metadata: Metadata, version: str) -> str:
    return dumps(
        {
            "manifest_version": MCPB_VERSION,
            "name": DISTRIBUTION,
            "display_name": "tushare (typed)",
            "version": version,
            "description": "Every tushare financial-data interface as a typed, paged, rate-limited MCP tool.",
            "author": {"name": "tsgen"},
            "server": {
                "type": "python",
                "entry_point": "tushare_typed/mcp/__main__.py",
                "mcp_config": {
                    "command": "python",
                    "args": ["-m", "tushare_typed.mcp"],
                    "env": {TOKEN_ENV: "${user_config.tushare_token}"},
                },
            },
            "tools": [
                {"name": interface.api_name, "description": interface.title} for interface in metadata.http_interfaces
            ],
            "user_config": {
                "tushare_token": {
                    "type": "string",
                    "title": "tushare token",
                    "description": "Your tushare API token (tushare.pro → 个人主页 → 接口TOKEN).",
                    "required": True,
                    "sensitive": True,
                }
            },
            "compatibility": {"runtimes": {"python": ">=3.11"}},
            "license": "MIT",
        }
    )


def server_json(version: str) -> str:
    return dumps(
        {
            "$schema": "https://static.modelcontextprotocol.io/schemas/2025-09-29/server.schema.json",
            "name": REGISTRY_NAME,
            "description": "Every tushare financial-data interface as a typed, paged, rate-limited MCP tool.",
            "version": version,
            "packages": [
                {
                    "registryType": "pypi",
                    "identifier": DISTRIBUTION,
                    "version": version,
                    "transport": {"type": "stdio"},
                    "environmentVariables": [
                        {
                            "name": TOKEN_ENV,
                            "description": "Your tushare API token.",
                            "isRequired": True,
                            "isSecret": True,
                        }
                    ],
                }
            ],
        }
    )
