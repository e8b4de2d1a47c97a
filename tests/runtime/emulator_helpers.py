"""Test helpers: a small catalog and a plain httpx page fetcher for the tushare emulator.

The real client transport is written elsewhere; these stand in for it so the runtime modules can be tested against
the emulator on their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from tushare_typed._internal.paginator import SimplePage
from tushare_typed.catalog import Catalog
from tushare_typed.errors import MalformedReplyError, ServiceConnectionError, ServiceError, error_from_reply
from tushare_typed.testing import DEFAULT_TOKEN


def _field(name: str, python_type: str, default: bool = True) -> dict[str, Any]:
    return {"name": name, "attr": name, "type": python_type, "python_type": python_type, "default": default}


def _param(name: str, python_type: str = "str", required: bool = False) -> dict[str, Any]:
    return {"name": name, "type": python_type, "python_type": python_type, "required": required}


def _interface(name: str, fields: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "api_name": name,
        "title": name,
        "description": f"{name} for tests",
        "category": ["tests"],
        "points": 120,
        "row_limit": None,
        "paging": False,
        "rate_limits": [],
        "params": [_param("ts_code"), _param("trade_date", "date"), _param("start_date"), _param("end_date")],
        "fields": fields,
    }
    spec.update(extra)
    return spec


def small_catalog_dict() -> dict[str, Any]:
    """Four interfaces covering every python_type, paging, row caps, documented rate limits and a wire-only name."""
    daily_fields = [
        _field("ts_code", "str"),
        _field("trade_date", "str"),
        _field("close", "float"),
        _field("vol", "int"),
        _field("suspended", "bool", default=False),
    ]
    minute_fields = [_field("ts_code", "str"), _field("trade_time", "datetime"), _field("close", "float")]
    shibor_fields = [_field("date", "date"), {**_field("1w", "float"), "attr": "w1"}, _field("on", "float")]
    return {
        "version": 1,
        "interfaces": {
            "daily": _interface(
                "daily",
                daily_fields,
                row_limit=6000,
                paging=True,
                rate_limits=[
                    {"calls": 500, "period": 60.0, "min_points": None, "max_points": None},
                    {"calls": 30, "period": 60.0, "min_points": 5000, "max_points": 7999},
                    {"calls": 100000, "period": 86400.0, "min_points": None, "max_points": None},
                ],
            ),
            "stk_mins": _interface("stk_mins", minute_fields, row_limit=8000, paging=True, points=2000),
            "shibor": _interface("shibor", shibor_fields, row_limit=2000),
            "stock_basic": _interface("stock_basic", [_field("ts_code", "str"), _field("name", "str")]),
        },
    }


def small_catalog() -> Catalog:
    return Catalog.from_dict(small_catalog_dict())


def request_body(api_name: str, token: str, params: Mapping[str, Any], fields: str) -> dict[str, Any]:
    return {"api_name": api_name, "token": token, "params": dict(params), "fields": fields}


def decode(response: httpx.Response, api_name: str) -> SimplePage:
    """Map an emulator reply to a page or to the typed error the real transport would raise."""
    if response.status_code >= 500:
        raise ServiceError(f"HTTP {response.status_code}", api_name=api_name)
    try:
        body = response.json()
    except ValueError as exc:
        raise MalformedReplyError(f"reply is not JSON: {exc}", api_name=api_name) from exc
    if body["code"] != 0:
        raise error_from_reply(body["code"], body["msg"], api_name=api_name, request_id=body.get("request_id"))
    data = body["data"]
    return SimplePage(fields=data["fields"], items=data["items"], has_more=data["has_more"])


class EmulatorFetch:
    """``fetch(offset, limit)`` for the paginator, over a plain ``httpx.Client``."""

    def __init__(
        self,
        client: httpx.Client,
        base_url: str,
        api_name: str,
        *,
        token: str = DEFAULT_TOKEN,
        params: Mapping[str, Any] | None = None,
        fields: str = "",
    ) -> None:
        self.client = client
        self.url = f"{base_url}/dataapi/{api_name}"
        self.api_name = api_name
        self.token = token
        self.params = dict(params or {})
        self.fields = fields
        self.calls = 0

    def __call__(self, offset: int, limit: int) -> SimplePage:
        self.calls += 1
        params = {**self.params, "offset": offset, "limit": limit}
        try:
            response = self.client.post(self.url, json=request_body(self.api_name, self.token, params, self.fields))
        except httpx.TransportError as exc:
            raise ServiceConnectionError(f"connection failed: {exc!r}", api_name=self.api_name) from exc
        return decode(response, self.api_name)


class AsyncEmulatorFetch:
    """Async ``fetch(offset, limit)`` over a plain ``httpx.AsyncClient``."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        base_url: str,
        api_name: str,
        *,
        token: str = DEFAULT_TOKEN,
        params: Mapping[str, Any] | None = None,
        fields: str = "",
    ) -> None:
        self.client = client
        self.url = f"{base_url}/dataapi/{api_name}"
        self.api_name = api_name
        self.token = token
        self.params = dict(params or {})
        self.fields = fields

    async def __call__(self, offset: int, limit: int) -> SimplePage:
        params = {**self.params, "offset": offset, "limit": limit}
        try:
            response = await self.client.post(
                self.url, json=request_body(self.api_name, self.token, params, self.fields)
            )
        except httpx.TransportError as exc:
            raise ServiceConnectionError(f"connection failed: {exc!r}", api_name=self.api_name) from exc
        return decode(response, self.api_name)


def post(
    client: httpx.Client,
    base_url: str,
    api_name: str,
    *,
    token: str = DEFAULT_TOKEN,
    params: Mapping[str, Any] | None = None,
    fields: str = "",
) -> dict[str, Any]:
    """One raw call; returns the decoded envelope without interpreting it."""
    response = client.post(base_url, json=request_body(api_name, token, params or {}, fields))
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body
