"""`openapi.json`: the client's surface as an OpenAPI 3.1 document, one POST operation per interface.

Paths follow the SDK's URL form (`<http_url>/<api_name>`, from sdk.json), so each interface is its own operation
while the body stays the tushare envelope.

The shapes are kept to what client generators type well (openapi-python-client is checked by the tests): the
reply's nullable `data` is a named schema in `anyOf` with null (an inline object inside `oneOf` defeats them), and
operations are tagged with ASCII names (generators name packages after tags), the Chinese category being the tag's
description.
"""

from __future__ import annotations

from typing import Any

from tsgen.jsonfile import dumps
from tsgen.model import Interface
from tsgen.render.metadata import Metadata
from tsgen.render.naming import pascal
from tsgen.render.schemas import column_schema, params_schema

# The docs' top-level categories → ASCII tag names; a category not listed here is tagged "other".
_TAGS = {
    "股票数据": "stock",
    "指数专题": "index",
    "ETF专题": "etf",
    "公募基金": "fund",
    "期货数据": "futures",
    "期权数据": "options",
    "债券专题": "bond",
    "外汇数据": "forex",
    "港股数据": "hk_stock",
    "美股数据": "us_stock",
    "现货数据": "spot",
    "行业经济": "industry",
    "宏观经济": "macro",
    "财富管理": "wealth",
    "大模型语料专题数据": "llm_corpus",
}
_OTHER_TAG = "other"


def _tag(interface: Interface) -> str:
    return _TAGS.get(interface.category[0], _OTHER_TAG) if interface.category else _OTHER_TAG


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _schemas(interface: Interface) -> dict[str, Any]:
    name = pascal(interface.api_name)
    columns = {field.name: column_schema(field) for field in interface.fields}
    return {
        f"{name}Params": params_schema(interface),
        f"{name}Request": {
            "type": "object",
            "properties": {
                "api_name": {"const": interface.api_name},
                "token": {"type": "string", "description": "Your tushare token."},
                "params": _ref(f"{name}Params"),
                "fields": {
                    "type": "string",
                    "description": "Comma-separated columns to return: " + ",".join(columns),
                },
            },
            "required": ["api_name", "token"],
        },
        f"{name}Row": {"type": "object", "properties": columns},
        f"{name}Data": {
            "type": "object",
            "properties": {
                "fields": {"type": "array", "items": {"type": "string", "enum": list(columns)}},
                "items": {
                    "type": "array",
                    "description": f"Rows as arrays aligned with `fields`; columns: {name}Row.",
                    "items": {"type": "array", "items": {}},
                },
                "has_more": {"type": ["boolean", "null"]},
                "count": {"type": ["integer", "null"]},
            },
            "required": ["fields", "items"],
        },
        f"{name}Response": {
            "type": "object",
            "properties": {
                "code": {"type": "integer", "description": "0 on success; see the error codes."},
                "msg": {"type": ["string", "null"]},
                "request_id": {"type": "string"},
                "data": {"anyOf": [_ref(f"{name}Data"), {"type": "null"}]},
            },
            "required": ["code"],
        },
    }


def _operation(interface: Interface) -> dict[str, Any]:
    name = pascal(interface.api_name)
    details = [interface.description]
    if interface.points is not None:
        details.append(f"Points required: {interface.points}.")
    if interface.row_limit is not None:
        details.append(f"At most {interface.row_limit} rows per call; page with params.limit/params.offset.")
    return {
        "post": {
            "operationId": interface.api_name,
            "summary": interface.title,
            "description": " ".join(part for part in details if part),
            "tags": [_tag(interface)],
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref(f"{name}Request")}}},
            "responses": {
                "200": {
                    "description": "The tushare envelope; errors also arrive as 200 with code != 0.",
                    "content": {"application/json": {"schema": _ref(f"{name}Response")}},
                }
            },
        }
    }


def _tag_objects(interfaces: list[Interface]) -> list[dict[str, str]]:
    used = {_tag(interface) for interface in interfaces}
    named = {tag: category for category, tag in _TAGS.items()}
    return [{"name": tag, "description": named.get(tag, "其他")} for tag in sorted(used)]


def openapi_json(metadata: Metadata, version: str) -> str:
    interfaces = metadata.http_interfaces
    schemas: dict[str, Any] = {}
    for interface in interfaces:
        schemas.update(_schemas(interface))
    document = {
        "openapi": "3.1.0",
        "info": {
            "title": "tushare (typed)",
            "version": version,
            "description": f"Generated by tsgen from {metadata.index.corpus} and {metadata.index.sdk}.",
        },
        "servers": [{"url": metadata.sdk.http_url}],
        "tags": _tag_objects(interfaces),
        "paths": {f"/{interface.api_name}": _operation(interface) for interface in interfaces},
        "components": {"schemas": schemas},
    }
    return dumps(document)
