"""The OpenAPI document: every status each route returns, date formats, built once off the event loop and served
from its cached JSON bytes.

Building it means importing and modelling every interface of the catalog (seconds for the full one), which a worker
should not spend before it serves its first request: the first ``/openapi.json`` starts the build in a worker
thread, every request for it meanwhile awaits that one build, and later ones get the cached bytes; other routes
keep being served while it runs.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from ._schemas import ErrorPayload

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ._gateway import Gateway

__all__ = ["EXECUTION_STATUSES", "DocumentCache", "build_document", "responses"]

_DESCRIPTIONS: Final = {
    400: "参数校验失败 (PARAM-1xx)",
    401: "缺少、无效或已吊销的 API Key (AUTH-001)",
    403: "tushare 拒绝了所存 Token、未存 Token 或无接口权限 (AUTH-020, AUTH-002, AUTH-003)",
    404: "指令或接口不存在",
    408: "请求体发送过慢 (PARAM-111)",
    413: "请求体过大 (PARAM-110)",
    429: "触发限频 (RATE-201)，见 Retry-After",
    500: "服务异常 (SERVICE-3xx, UNK-999)",
    503: "上游不可用或熔断中 (SERVICE-30x)，见 Retry-After",
}
_RETRY_AFTER: Final = {"Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "integer"}}}
#: The failures of a call upstream (``/mcp/execute`` and every ``/v1`` route).
EXECUTION_STATUSES: Final = (400, 401, 403, 404, 408, 413, 429, 500, 503)
#: Date parameters by their documented format: ``format: date`` (YYYY-MM-DD; YYYYMMDD is accepted too), else the
#: accepted text as a pattern.
_DATE_SCHEMAS: Final[dict[str, dict[str, str]]] = {
    "YYYYMMDD": {"format": "date"},
    "YYYY-MM-DD HH:MM:SS": {"pattern": r"^[0-9]{4}-?[0-9]{2}-?[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?$"},
    "YYYYMM": {"pattern": r"^[0-9]{6}$"},
}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route failing with ``statuses`` (ErrorPayload bodies)."""
    table: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        entry: dict[str, Any] = {"model": ErrorPayload, "description": _DESCRIPTIONS[status]}
        if status in (429, 503):
            entry["headers"] = _RETRY_AFTER
        table[status] = entry
    return table


def _date_formats(document: dict[str, Any], catalog: Catalog) -> None:
    """The format (or pattern) of every date parameter of the ``/v1`` request bodies."""
    from ._gateway import gateway_model_names

    schemas = document.get("components", {}).get("schemas", {})
    for spec in catalog:
        params = schemas.get(gateway_model_names(spec)[0], {}).get("properties", {})
        for param in spec.params:
            extra = _DATE_SCHEMAS.get(param.format or "")
            if extra is not None and param.name in params:
                _annotate(params[param.name], extra)


def _annotate(schema: dict[str, Any], extra: dict[str, str]) -> None:
    """Add ``extra`` to the string branch of ``schema`` (a nullable one is ``anyOf`` string / null)."""
    for branch in schema.get("anyOf", [schema]):
        if branch.get("type") == "string":
            branch.update(extra)


def build_document(app: FastAPI, gateway: Gateway, catalog: Catalog) -> bytes:
    """The document as JSON bytes (every gateway route built first), without FastAPI's 422 replies: validation
    failures are 400 ErrorPayloads here."""
    gateway.build_all()
    document = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    for path in document.get("paths", {}).values():
        for operation in path.values():
            operation.get("responses", {}).pop("422", None)
    schemas = document.get("components", {}).get("schemas", {})
    text = json.dumps(document["paths"])
    for name in ("HTTPValidationError", "ValidationError"):
        if f"#/components/schemas/{name}" not in text:
            schemas.pop(name, None)
    _date_formats(document, catalog)
    document["security"] = [{"MCPToken": []}]
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


class DocumentCache:
    """One build of the document, in a worker thread, shared by every request (a failed build is tried again)."""

    def __init__(self, build: Callable[[], bytes]) -> None:
        self._build = build
        self._future: asyncio.Future[bytes] | None = None

    async def get(self) -> bytes:
        if self._future is None or (self._future.done() and self._future.exception() is not None):
            self._future = asyncio.ensure_future(asyncio.to_thread(self._build))
        return await asyncio.shield(self._future)
