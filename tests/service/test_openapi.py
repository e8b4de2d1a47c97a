"""The served OpenAPI document: the spec's paths, schemas and statuses, and a typed operation per interface."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.timeout(60)

SPEC = json.loads((Path(__file__).parents[1] / "fixtures" / "service" / "rest_api_spec.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def document(small_catalog: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from tushare_typed.service.app import create_app
    from tushare_typed.service.config import ServiceConfig

    app = create_app(ServiceConfig(data_dir=tmp_path_factory.mktemp("openapi"), catalog=small_catalog))
    with TestClient(app) as client:
        reply = client.get("/openapi.json")
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/json"
    served: dict[str, Any] = reply.json()
    return served


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Follow a $ref, and a nullable anyOf to its non-null branch."""
    if "$ref" in schema:
        return _resolve(document, document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]])
    branches = [branch for branch in schema.get("anyOf", []) if branch.get("type") != "null"]
    return _resolve(document, branches[0]) if len(branches) == 1 else schema


def _ref_name(schema: dict[str, Any]) -> str:
    return str(schema["$ref"].rsplit("/", 1)[1])


@pytest.mark.parametrize(("path", "method"), [(p, m) for p, ops in SPEC["paths"].items() for m in ops])
def test_spec_operations(document: dict[str, Any], path: str, method: str) -> None:
    want = SPEC["paths"][path][method]
    operation = document["paths"][path][method]
    assert operation["operationId"] == want["operationId"]
    assert {p["name"] for p in operation.get("parameters", [])} >= set(want.get("parameters", []))
    if "requestBody" in want:
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        assert _ref_name(body) == want["requestBody"]
    for status, schema_name in want["responses"].items():
        assert status in operation["responses"], f"{method} {path} lacks {status}"
        if schema_name is not None:
            schema = operation["responses"][status]["content"]["application/json"]["schema"]
            assert _ref_name(schema) == schema_name
    assert "422" not in operation["responses"]
    assert operation["security"] == [{"MCPToken": []}]


@pytest.mark.parametrize("name", sorted(SPEC["schemas"]))
def test_spec_schemas(document: dict[str, Any], name: str) -> None:
    want = SPEC["schemas"][name]
    schema = document["components"]["schemas"][name]
    assert set(schema["properties"]) >= set(want["properties"])
    assert set(schema.get("required", [])) >= set(want.get("required", []))
    for prop, values in want.get("enums", {}).items():
        assert _resolve(document, schema["properties"][prop])["enum"] == values


@pytest.mark.parametrize("where", sorted(SPEC["nested"]))
def test_spec_nested_objects(document: dict[str, Any], where: str) -> None:
    name, prop = where.split(".")
    schema = _resolve(document, document["components"]["schemas"][name]["properties"][prop])
    if schema.get("type") == "array":
        schema = _resolve(document, schema["items"])
    assert set(schema["properties"]) >= set(SPEC["nested"][where])


def test_security_scheme(document: dict[str, Any]) -> None:
    assert document["components"]["securitySchemes"] == SPEC["securitySchemes"]


def test_every_interface_has_a_typed_gateway_operation(document: dict[str, Any], small_catalog: Any) -> None:
    for spec in small_catalog:
        operation = document["paths"][f"/v1/{spec.api_name}"]["post"]
        assert operation["operationId"] == spec.api_name
        result = _resolve(document, operation["responses"]["200"]["content"]["application/json"]["schema"])
        record = _resolve(document, result["properties"]["rows"]["items"])
        assert set(record["properties"]) == set(spec.field_names)
        body = _resolve(document, operation["requestBody"]["content"]["application/json"]["schema"])
        assert set(body["properties"]) == {p.name for p in spec.params} | {"fields", "offset", "max_rows", "max_pages"}
    shibor = _resolve(document, document["components"]["schemas"]["ShiborRecord"])
    assert shibor["properties"]["1w"]["anyOf"][0]["type"] == "number"


def test_gateway_call_returns_typed_rows(client: TestClient, headers: dict[str, str]) -> None:
    reply = client.post("/v1/shibor", json={"start_date": "20240101", "max_rows": 3}, headers=headers)
    assert reply.status_code == 200
    body = reply.json()
    assert len(body["rows"]) == 3 and isinstance(body["rows"][0]["1w"], float)
    assert body["completed"] is False and body["nextOffset"] == 3
    bad = client.post("/v1/daily", json={"trade_date": "notadate"}, headers=headers)
    assert bad.status_code == 400 and bad.json()["code"] == "PARAM-101"
    unknown = client.post("/v1/daily", json={"bogus": 1}, headers=headers)
    assert unknown.status_code == 400


def test_gateway_routes_are_built_on_first_use(make_client: Any) -> None:
    from tests.service.conftest import key_headers

    client = make_client()
    headers = key_headers(client)
    paths = {getattr(route, "path", None) for route in client.app.routes}
    assert "/v1/daily" not in paths and "/v1/{api_name}" in paths
    assert client.post("/v1/trade_cal", json={"max_rows": 1}, headers=headers).status_code == 200
    paths = {getattr(route, "path", None) for route in client.app.routes}
    assert "/v1/trade_cal" in paths and "/v1/daily" not in paths
    missing = client.post("/v1/dayly", json={}, headers=headers)
    assert missing.status_code == 404 and "daily" in missing.json()["remediation"]


@pytest.mark.parametrize(
    ("path", "method", "statuses"),
    [
        ("/mcp/execute", "post", {"400", "401", "403", "404", "408", "413", "429", "500", "503"}),
        ("/v1/daily", "post", {"400", "401", "403", "404", "408", "413", "429", "500", "503"}),
        ("/mcp/commands", "get", {"400", "401", "500"}),
        ("/mcp/commands/{commandId}", "get", {"401", "404"}),
        ("/metadata/interfaces/{interfaceName}", "get", {"401", "404"}),
        ("/auth/token", "post", {"400", "401", "413", "500"}),
    ],
)
def test_every_status_a_route_returns_is_listed(
    document: dict[str, Any], path: str, method: str, statuses: set[str]
) -> None:
    listed = document["paths"][path][method]["responses"]
    assert statuses <= set(listed)
    for status in {"429", "503"} & set(listed):
        assert "Retry-After" in listed[status]["headers"]


def test_dates_have_formats(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    trade_date = schemas["DailyRequest"]["properties"]["trade_date"]
    assert {"type": "string", "format": "date"} in [
        {k: v for k, v in b.items() if k in ("type", "format")} for b in trade_date["anyOf"]
    ]
