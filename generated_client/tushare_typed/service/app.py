"""The FastAPI application: the REST API Spec's routes, the typed gateway, security and observability.

    from tushare_typed.service.app import create_app
    app = create_app(ServiceConfig(database_url="postgresql://...", upstream_url="http://127.0.0.1:9000"))

Every API route needs a live API key in ``X-MCP-Token``; ``/healthz``, ``/readyz``, ``/metrics`` and
``/openapi.json`` do not. Failures are ``ErrorPayload`` bodies with the client's error codes and the spec's
statuses (400, 401, 404, 429, 500). Cross-origin requests are refused unless origins are configured.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any, Final, cast

from fastapi import Depends, FastAPI, Header, Query, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from fastapi.security import APIKeyHeader
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..errors import ParameterError, TushareError, UnknownError
from ._commands import command_detail, command_list, find, interface_metadata
from ._db import ApiKeyRow
from ._errors import error_payload, http_status
from ._execute import execute_command
from ._gateway import Gateway
from ._keys import HEADER, authenticate_async, check_owner
from ._observability import Metrics, RequestLogMiddleware, current_context
from ._schemas import (
    CommandDetailResponse,
    CommandListResponse,
    ErrorPayload,
    ExecuteCommandRequest,
    ExecuteCommandResponse,
    InterfaceMetadataResponse,
    SetTokenRequest,
)
from ._security import SecurityHeadersMiddleware
from ._state import Service
from .config import ServiceConfig

__all__ = ["ERROR_RESPONSES", "create_app"]

_ERROR: Final = {"model": ErrorPayload}
#: The spec's error responses of an execution.
ERROR_RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    400: {**_ERROR, "description": "参数校验失败 (PARAM-1xx)"},
    401: {**_ERROR, "description": "未配置或解密 Token 失败 (AUTH-0xx)"},
    429: {**_ERROR, "description": "触发限频 (RATE-201)"},
    500: {**_ERROR, "description": "服务异常 (SERVICE-3xx, UNK-999)"},
}
_api_key = APIKeyHeader(name=HEADER, scheme_name="MCPToken", auto_error=False)


def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


async def _caller(
    request: Request, key: Annotated[str | None, Security(_api_key)], service: Annotated[Service, Depends(_service)]
) -> ApiKeyRow:
    db, _, _ = service.parts()
    row = await authenticate_async(db, key)
    current_context().owner = row.owner
    return row


Caller = Annotated[ApiKeyRow, Depends(_caller)]
ServiceDep = Annotated[Service, Depends(_service)]


def _error_response(error: TushareError) -> JSONResponse:
    context = current_context()
    context.status = context.status or "ERROR"
    return JSONResponse(error_payload(error, context.request_id), status_code=http_status(error))


async def _on_tushare_error(request: Request, error: Exception) -> JSONResponse:
    return _error_response(cast(TushareError, error))


async def _on_validation_error(request: Request, error: Exception) -> JSONResponse:
    # Never the input: it may hold a token.
    problems = "; ".join(
        f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
        for problem in cast(RequestValidationError, error).errors()
    )
    return _error_response(
        ParameterError(f"invalid request: {problems}", remediation="fix the named fields; see /openapi.json")
    )


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    error = cast(StarletteHTTPException, exc)
    context = current_context()
    body = {
        "code": "PARAM-101",
        "category": "PARAMETER",
        "message": f"{request.method} {request.url.path}: {error.detail}",
        "remediation": "see the routes in /openapi.json",
        "requestId": context.request_id,
    }
    return JSONResponse(body, status_code=error.status_code, headers=getattr(error, "headers", None))


async def _on_unexpected(request: Request, error: Exception) -> JSONResponse:
    return _error_response(
        UnknownError(
            f"unexpected {type(error).__name__}",
            remediation="this is a bug in the service; report it with the requestId",
        )
    )


def _openapi(app: FastAPI, gateway: Gateway) -> dict[str, Any]:
    """The document (every gateway route built first), without FastAPI's 422 replies: validation failures are
    400 ErrorPayloads here."""
    if app.openapi_schema is None:
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
        document["security"] = [{"MCPToken": []}]
        app.openapi_schema = document
    return app.openapi_schema


def create_app(config: ServiceConfig | None = None) -> FastAPI:
    """The service's ASGI app; the database opens (and migrates) when the app starts."""
    config = config if config is not None else ServiceConfig.from_env()
    metrics = Metrics()
    service = Service(config, metrics)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await service.start()
        try:
            yield
        finally:
            await service.stop()

    app = FastAPI(
        title="tushare MCP Backend API",
        version=__version__,
        description="提供 MCP 指令执行与元数据访问能力的统一后端接口 (tushare_typed.service).",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.service = service
    app.add_exception_handler(TushareError, _on_tushare_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)
    _add_spec_routes(app)
    gateway = Gateway(app, service.catalog, Caller, ERROR_RESPONSES)
    app.openapi = lambda: _openapi(app, gateway)  # type: ignore[method-assign]
    _add_operations_routes(app, service)
    if config.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(config.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=[HEADER, "Content-Type", "Idempotency-Key"],
        )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestLogMiddleware, metrics=metrics)
    return app


def _add_spec_routes(app: FastAPI) -> None:
    @app.get("/mcp/commands", operation_id="listCommands", summary="列出可用 MCP 指令")
    async def list_commands(
        caller: Caller,
        service: ServiceDep,
        source: Annotated[str | None, Query(description="Category text, e.g. 股票数据")] = None,
        keyword: Annotated[str | None, Query(description="Text in the name, title or description")] = None,
    ) -> CommandListResponse:
        return command_list(service.catalog, source, keyword)

    @app.get(
        "/mcp/commands/{commandId}",
        operation_id="getCommandDetail",
        summary="获取 MCP 指令详情",
        responses={404: {**_ERROR, "description": "指令不存在"}},
    )
    async def get_command(commandId: str, caller: Caller, service: ServiceDep) -> CommandDetailResponse:
        return command_detail(find(service.catalog, commandId, "command"))

    @app.post(
        "/mcp/execute",
        operation_id="executeCommand",
        summary="执行 MCP 指令",
        response_model=ExecuteCommandResponse,
        responses=ERROR_RESPONSES,
    )
    async def execute(
        body: ExecuteCommandRequest,
        caller: Caller,
        service: ServiceDep,
        idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
    ) -> Response:
        status, reply, replayed = await execute_command(service, body, caller.owner, idempotency_key)
        headers = {"Idempotent-Replayed": "true"} if replayed else None
        return JSONResponse(reply, status_code=status, headers=headers)

    @app.post(
        "/auth/token",
        operation_id="setToken",
        summary="设置或更新 tushare Token",
        status_code=204,
        responses={400: ERROR_RESPONSES[400], 401: ERROR_RESPONSES[401]},
    )
    async def set_token(body: SetTokenRequest, caller: Caller, service: ServiceDep) -> Response:
        owner = check_owner(body.owner) if body.owner is not None else caller.owner
        if owner != caller.owner:
            raise ParameterError(
                f"owner {owner!r} is not the owner of this API key",
                remediation="omit owner, or use an API key of that owner",
            )
        _, credentials, _ = service.parts()
        await asyncio.to_thread(credentials.store, owner, body.token.get_secret_value(), f"api_key:{caller.key_id}")
        return Response(status_code=204)

    @app.get(
        "/metadata/interfaces/{interfaceName}",
        operation_id="getInterfaceMetadata",
        summary="查询 tushare 接口元数据",
        responses={404: {**_ERROR, "description": "元数据缺失"}},
    )
    async def get_metadata(
        interfaceName: str,
        caller: Caller,
        service: ServiceDep,
    ) -> InterfaceMetadataResponse:
        return interface_metadata(find(service.catalog, interfaceName, "interface"))


def _add_operations_routes(app: FastAPI, service: Service) -> None:
    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        if not service.ready or service.db is None:
            return JSONResponse({"status": "starting"}, status_code=503)
        try:
            await asyncio.to_thread(service.db.ping)
        except Exception as error:
            return JSONResponse({"status": "database unavailable", "error": type(error).__name__}, status_code=503)
        return JSONResponse({"status": "ready"})

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        body, content_type = service.metrics.render()
        return Response(body, media_type=content_type)
