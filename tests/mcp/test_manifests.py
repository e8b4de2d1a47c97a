"""The generated MCP documents: tools.json (the tools/list payload), the MCPB manifest.json and the registry
server.json, checked against the JSON Schema meta-schema, the MCPB schema and the registry's rules."""

from __future__ import annotations

import re
from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from jsonschema.validators import validator_for  # type: ignore[import-untyped]

from tushare_typed.catalog import load_catalog

from .conftest import GENERATED, SCHEMAS, read_json
from .tool_names import DISCOVERY_TOOLS

TOOL_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")
REVERSE_DNS_NAME = re.compile(r"^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$")
ANNOTATIONS = {"readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"}
PAGING_ARGUMENTS = {"fields", "offset", "max_rows"}
OUTPUT_KEYS = {"rows", "fields", "row_count", "completed", "next_offset", "note"}


def test_there_is_one_tool_per_catalog_interface_in_name_order(tools: list[dict[str, Any]]) -> None:
    names = [tool["name"] for tool in tools]
    assert names == sorted(names)
    assert len(set(names)) == len(names)
    assert names == list(load_catalog().names())


def test_every_tool_name_is_a_valid_mcp_name(tools: list[dict[str, Any]]) -> None:
    assert [tool["name"] for tool in tools if not TOOL_NAME.match(tool["name"])] == []


def test_every_input_and_output_schema_is_a_valid_json_schema(tools: list[dict[str, Any]]) -> None:
    for tool in tools:
        Draft202012Validator.check_schema(tool["inputSchema"])
        Draft202012Validator.check_schema(tool["outputSchema"])
        assert tool["inputSchema"]["type"] == "object"
        assert tool["outputSchema"]["type"] == "object"


def test_every_tool_has_title_description_and_read_only_annotations(tools: list[dict[str, Any]]) -> None:
    for tool in tools:
        assert tool["title"] and tool["description"], tool["name"]
        assert set(tool["annotations"]) == ANNOTATIONS
        assert tool["annotations"]["readOnlyHint"] is True
        assert tool["annotations"]["destructiveHint"] is False


def test_input_schemas_hold_the_interface_params_and_the_paging_arguments(tools: list[dict[str, Any]]) -> None:
    catalog = load_catalog()
    for tool in tools:
        spec = catalog.get(tool["name"])
        schema = tool["inputSchema"]
        assert set(schema["properties"]) == {p.name for p in spec.params} | PAGING_ARGUMENTS
        assert set(schema.get("required", [])) == {p.name for p in spec.params if p.required}
        assert schema["additionalProperties"] is False
        assert schema["properties"]["fields"]["items"]["enum"] == list(spec.field_names)
        assert schema["properties"]["offset"]["minimum"] == 0
        assert schema["properties"]["max_rows"]["minimum"] == 1
        assert schema["properties"]["max_rows"]["maximum"] == 5000


def test_output_schemas_describe_rows_keyed_by_column(tools: list[dict[str, Any]]) -> None:
    catalog = load_catalog()
    for tool in tools:
        schema = tool["outputSchema"]
        assert set(schema["properties"]) == OUTPUT_KEYS
        assert set(schema["required"]) == OUTPUT_KEYS - {"note"}
        row = schema["properties"]["rows"]["items"]
        assert set(row["properties"]) == set(catalog.get(tool["name"]).field_names)


def test_the_tools_document_is_deterministic(tools_document: dict[str, Any]) -> None:
    text = (GENERATED / "tushare_typed" / "mcp" / "tools.json").read_text(encoding="utf-8")
    assert list(tools_document) == ["$comment", "composites", "discovery", "interfaces"]
    # Keys are written sorted, so regenerating cannot reorder them.
    assert list(tools_document["interfaces"][0]) == sorted(tools_document["interfaces"][0])
    assert text.endswith("\n")


def test_the_discovery_tools_document_repeats_the_groups_discovery_mode_lists(tools_document: dict[str, Any]) -> None:
    discovery = read_json(GENERATED / "tushare_typed" / "mcp" / "discovery_tools.json")
    assert discovery == {group: tools_document[group] for group in ("$comment", "composites", "discovery")}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    document: dict[str, Any] = read_json(GENERATED / "manifest.json")
    return document


def test_the_bundle_manifest_matches_the_mcpb_v04_schema(manifest: dict[str, Any]) -> None:
    schema = read_json(SCHEMAS / "mcpb-manifest-v0.4.schema.json")
    validator = validator_for(schema)(schema)
    errors = [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(manifest)]
    assert errors == []
    assert manifest["manifest_version"] == "0.4"


def test_the_bundle_manifest_runs_the_server_with_uv_and_the_user_config(manifest: dict[str, Any]) -> None:
    server = manifest["server"]
    config = server["mcp_config"]
    assert server["type"] == "uv"
    assert config["command"] == "uv"
    assert config["args"][:5] == ["run", "--directory", "${__dirname}", "--quiet", server["entry_point"]]
    options = dict(zip(config["args"][5::2], config["args"][6::2], strict=True))
    assert options == {
        "--mode": "${user_config.mode}",
        "--tools": "${user_config.tools}",
        "--categories": "${user_config.categories}",
        "--max-points": "${user_config.max_points}",
    }
    assert set(manifest["user_config"]) == {"tushare_token", "mode", "tools", "categories", "max_points"}
    assert config["env"]["TUSHARE_TOKEN"] == "${user_config.tushare_token}"
    assert manifest["user_config"]["tushare_token"]["sensitive"] is True
    assert (GENERATED / server["entry_point"]).is_file()
    assert manifest["tools_generated"] is True
    assert [tool["name"] for tool in manifest["tools"]] == DISCOVERY_TOOLS


def test_the_registry_entry_matches_the_registry_schema() -> None:
    schema = read_json(SCHEMAS / "mcp-registry-server-2025-09-29.schema.json")
    server = read_json(GENERATED / "server.json")
    assert server["$schema"] == schema["$id"]
    validator = validator_for(schema)(schema, format_checker=validator_for(schema).FORMAT_CHECKER)
    errors = [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(server)]
    assert errors == []


def test_the_registry_entry_passes_the_same_options(manifest: dict[str, Any]) -> None:
    (package,) = read_json(GENERATED / "server.json")["packages"]
    arguments = package["packageArguments"]
    assert [argument.get("value") for argument in arguments[:2]] == ["mcp", "serve"]
    assert [argument["name"] for argument in arguments[2:]] == ["--mode", "--tools", "--categories", "--max-points"]
    assert package["runtimeArguments"][0]["value"] == f"tushare-typed[mcp]=={package['version']}"


def _type_arrays(schema: Any, path: str = "") -> list[str]:
    if isinstance(schema, list):
        return [found for i, item in enumerate(schema) for found in _type_arrays(item, f"{path}[{i}]")]
    if not isinstance(schema, dict):
        return []
    found = [path] if isinstance(schema.get("type"), list) else []
    return found + [hit for key, value in schema.items() for hit in _type_arrays(value, f"{path}.{key}")]


def test_no_schema_spells_a_type_as_an_array(tools_document: dict[str, Any]) -> None:
    # The MCP Inspector's portability check warns on every `type: [X, "null"]`: several clients read `type` as a
    # single string. Nullable columns are `anyOf` branches instead.
    tools = [tool for group in tools_document.values() for tool in group]
    assert _type_arrays(tools) == []
    close = tools_document["interfaces"][0]["outputSchema"]["properties"]["next_offset"]
    assert close["anyOf"] == [{"type": "integer"}, {"type": "null"}]


def test_the_registry_entry_follows_the_registry_rules(manifest: dict[str, Any]) -> None:
    server = read_json(GENERATED / "server.json")
    assert REVERSE_DNS_NAME.match(server["name"])
    assert len(server["description"]) <= 100
    assert server["version"] == manifest["version"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", server["version"])
    (package,) = server["packages"]
    assert package["registryType"] == "pypi"
    assert package["identifier"] == "tushare-typed"
    assert package["version"] == server["version"]
    assert package["transport"] == {"type": "stdio"}
    (token,) = [env for env in package["environmentVariables"] if env["name"] == "TUSHARE_TOKEN"]
    assert token["isSecret"] is True
