"""The MCP bundle's `manifest.json` (MCPB) and the MCP registry entry `server.json`: how a host starts the server
and which of its options a user may set."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tsgen.jsonfile import dumps
from tsgen.render.mcp import (
    DESCRIPTION,
    DISTRIBUTION,
    ENTRY_POINT,
    MCPB_VERSION,
    REGISTRY_NAME,
    TOKEN_ENV,
    tools_document,
)
from tsgen.render.metadata import Metadata

# The server options a host may set, as (option, MCPB user_config entry, registry argument description).
_OPTIONS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    (
        "--mode",
        "mode",
        {
            "type": "string",
            "title": "Mode",
            "description": "discovery (default): a few tools that search, describe and call every interface; "
            "full: one tool per interface (large tool list).",
            "default": "discovery",
        },
    ),
    (
        "--tools",
        "tools",
        {
            "type": "string",
            "title": "Only these interfaces",
            "description": "Comma-separated api_names to serve (e.g. daily,adj_factor,pro_bar); empty: all.",
            "default": "",
        },
    ),
    (
        "--categories",
        "categories",
        {
            "type": "string",
            "title": "Only these categories",
            "description": "Comma-separated category words (e.g. 股票,指数); empty: all.",
            "default": "",
        },
    ),
    (
        "--max-points",
        "max_points",
        {
            "type": "number",
            "title": "Account points",
            "description": "Serve only interfaces an account with this many tushare points can call; 0: all.",
            "default": 0,
            "min": 0,
        },
    ),
)


def manifest_json(metadata: Metadata, version: str) -> str:
    args = ["run", "--directory", "${__dirname}", "--quiet", ENTRY_POINT]
    for option, key, _ in _OPTIONS:
        args += [option, f"${{user_config.{key}}}"]
    user_config: dict[str, Any] = {
        "tushare_token": {
            "type": "string",
            "title": "tushare token",
            "description": "Your tushare API token (tushare.pro → 个人主页 → 接口TOKEN).",
            "required": True,
            "sensitive": True,
        }
    }
    user_config.update({key: {**entry, "required": False} for _, key, entry in _OPTIONS})
    document = tools_document(metadata)
    discovery = [*document["discovery"], *document["composites"]]
    return dumps(
        {
            "manifest_version": MCPB_VERSION,
            "name": DISTRIBUTION,
            "display_name": "tushare (typed)",
            "version": version,
            "description": DESCRIPTION,
            "long_description": (
                f"Serves the {len(metadata.http_interfaces)} tushare interfaces through a few discovery tools "
                "(or one tool per interface in full mode), with typed arguments checked before any call, paged "
                "and size-bounded results, and each interface's documentation as a resource."
            ),
            "author": {"name": "tsgen"},
            "server": {
                "type": "uv",
                "entry_point": ENTRY_POINT,
                "mcp_config": {"command": "uv", "args": args, "env": {TOKEN_ENV: "${user_config.tushare_token}"}},
            },
            "tools": [{"name": t["name"], "description": t["title"]} for t in discovery],
            "tools_generated": True,
            "user_config": user_config,
            "keywords": ["tushare", "finance", "stocks", "china", "market-data"],
            "compatibility": {"platforms": ["darwin", "linux", "win32"], "runtimes": {"python": ">=3.11"}},
            "license": "MIT",
        }
    )


def _registry_argument(option: str, entry: Mapping[str, Any]) -> dict[str, Any]:
    argument: dict[str, Any] = {
        "type": "named",
        "name": option,
        "description": entry["description"],
        "isRequired": False,
        "format": entry["type"],
        "default": str(entry["default"]),
    }
    if option == "--mode":
        argument["choices"] = ["discovery", "full"]
    return argument


def server_json(version: str) -> str:
    return dumps(
        {
            "$schema": "https://static.modelcontextprotocol.io/schemas/2025-09-29/server.schema.json",
            "name": REGISTRY_NAME,
            "description": DESCRIPTION,
            "version": version,
            "packages": [
                {
                    "registryType": "pypi",
                    "identifier": DISTRIBUTION,
                    "version": version,
                    "runtimeHint": "uvx",
                    # The package's command is the CLI; the server needs the `mcp` extra installed with it.
                    "runtimeArguments": [
                        {
                            "type": "named",
                            "name": "--from",
                            "value": f"{DISTRIBUTION}[mcp]=={version}",
                            "description": "Install the package with its mcp extra.",
                        }
                    ],
                    "transport": {"type": "stdio"},
                    "packageArguments": [
                        {"type": "positional", "value": "mcp", "valueHint": "mcp"},
                        {"type": "positional", "value": "serve", "valueHint": "serve"},
                        *(_registry_argument(option, entry) for option, _, entry in _OPTIONS),
                    ],
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
