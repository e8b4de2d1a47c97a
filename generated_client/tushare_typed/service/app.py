"""The FastAPI application: the REST API Spec's routes, the typed gateway, security and observability.

    from tushare_typed.service.app import create_app
    app = create_app(ServiceConfig(database_url="postgresql://...", upstream_url="http://127.0.0.1:9000"))

Every API route needs a live API key in ``X-MCP-Token``, checked before the body is read (:mod:`._admission`);
``/healthz``, ``/readyz``, ``/metrics`` and ``/openapi.json`` do not. Failures are ``ErrorPayload`` bodies with the
client's error codes and REST statuses (:mod:`._errors`), ``Retry-After`` on 429 and 503. No route redirects.
Cross-origin requests are refused unless origins are configured.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Final, cast

from fastapi import Depends, FastAPI, Header, Path, Query, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import APIKeyHeader
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from .._internal.otel_setup import instrument_fastapi
from ..errors import ParameterError, TushareError, UnknownError
from ._admission import AdmissionMiddleware
from ._commands import command_detail, command_list, find, interface_metadata
from ._db import ApiKeyRow
from ._document import EXECUTION_STATUSES, DocumentCache, build_document, responses
from ._errors import ApiKeyError, error_headers, error_payload, http_status
from ._execute import execute_command
from ._fanout import Hub
from ._gateway import Gateway
from ._keys import HEADER, check_owner
from ._observability import Metrics, RequestLogMiddleware, current_context
from ._schemas import (
    CommandDetailResponse,
    CommandListResponse,
    ExecuteCommandRequest,
    ExecuteCommandResponse,
    InterfaceMetadataResponse,
    SetTokenRequest,
)
from ._security import SecurityHeadersMiddleware
from ._sources_routes import SourcesHub
from ._sources_routes import add_routes as add_sources_routes
from ._state import Service
from ._stream_routes import add_stream_routes
from ._topics import default_hub
from .config import ServiceConfig

__all__ = ["create_app"]

_api_key = APIKeyHeader(name=HEADER, scheme_name="MCPToken", auto_error=False)
_MAX_QUERY: Final = 200
_MAX_PROBLEMS: Final = 10
#: The failures of every authenticated route: a bad request, the API key, the body's size and pace, a bug.
_ADMITTED: Final = (400, 401, 408, 413, 500)


def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


async def _caller(request: Request, key: Annotated[str | None, Security(_api_key)]) -> ApiKeyRow:
    """The API key's row, which admission checked before the body was read (``key`` documents the header)."""
    row = request.scope.get("state", {}).get("caller")
    if not isinstance(row, ApiKeyRow):
        raise ApiKeyError(f"missing {HEADER} header")
    return row


Caller = Annotated[ApiKeyRow, Depends(_caller)]
ServiceDep = Annotated[Service, Depends(_service)]


def _error_response(error: TushareError) -> JSONResponse:
    context = current_context()
    context.status = context.status or "ERROR"
    return JSONResponse(
        error_payload(error, context.request_id), status_code=http_status(error), headers=error_headers(error)
    )


async def _on_tushare_error(request: Request, error: Exception) -> JSONResponse:
    return _error_response(cast(TushareError, error))


async def _on_validation_error(request: Request, error: Exception) -> JSONResponse:
    # Never the input: it may hold a token.
    problems = "; ".join(
        f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
        for problem in cast(RequestValidationError, error).errors()[:_MAX_PROBLEMS]
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


def create_app(config: ServiceConfig | None = None, *, hub: Hub | None = None) -> FastAPI:
    """The service's ASGI app; the database opens (and migrates) when the app starts. ``hub``: the streams' topics
    (default: ``quotes``, realtime quotes polled from the sources the environment configures)."""
    config = config if config is not None else ServiceConfig.from_env()
    metrics = Metrics()
    service = Service(config, metrics)
    sources = SourcesHub(config.sources, config.upstream_url)
    streams = hub if hub is not None else default_hub()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await service.start()
        try:
            yield
        finally:
            await streams.close()
            await sources.aclose()
            await service.stop()

    app = FastAPI(
        title="tushare MCP Backend API",
        version=__version__,
        description="提供 MCP 指令执行与元数据访问能力的统一后端接口 (tushare_typed.service).",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        redirect_slashes=False,  # a redirect would build its URL from the Host header
    )
    app.state.service = service
    app.add_exception_handler(TushareError, _on_tushare_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)
    _add_spec_routes(app)
    add_sources_routes(app, Depends(_caller), sources)
    gateway = Gateway(app, service.catalog, Caller, responses(*EXECUTION_STATUSES))
    document = DocumentCache(lambda: build_document(app, gateway, service.catalog))
    _add_operations_routes(app, service, document.get)
    add_stream_routes(app, service, streams, caller=_caller, documented=responses(*_ADMITTED))
    app.state.hub = streams
    app.add_middleware(AdmissionMiddleware, service=service)
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
    instrument_fastapi(app)  # request spans, when the application configured OpenTelemetry
    return app


def _add_spec_routes(app: FastAPI) -> None:
    @app.get("/mcp/commands", operation_id="listCommands", summary="列出可用 MCP 指令", responses=responses(*_ADMITTED))
    async def list_commands(
        caller: Caller,
        service: ServiceDep,
        source: Annotated[str | None, Query(max_length=_MAX_QUERY, description="Category text, e.g. 股票数据")] = None,
        keyword: Annotated[
            str | None, Query(max_length=_MAX_QUERY, description="Text in the name, title or description")
        ] = None,
    ) -> CommandListResponse:
        return command_list(service.catalog, source, keyword)

    @app.get(
        "/mcp/commands/{commandId}",
        operation_id="getCommandDetail",
        summary="获取 MCP 指令详情",
        responses=responses(*_ADMITTED, 404),
    )
    async def get_command(
        commandId: Annotated[str, Path(max_length=_MAX_QUERY)], caller: Caller, service: ServiceDep
    ) -> CommandDetailResponse:
        return command_detail(find(service.catalog, commandId, "command"))

    @app.post(
        "/mcp/execute",
        operation_id="executeCommand",
        summary="执行 MCP 指令",
        response_model=ExecuteCommandResponse,
        responses=responses(*EXECUTION_STATUSES),
    )
    async def execute(
        body: ExecuteCommandRequest,
        caller: Caller,
        service: ServiceDep,
        idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
    ) -> Response:
        (status, reply, headers), replayed = await execute_command(service, body, caller.owner, idempotency_key)
        if replayed:
            headers = {**(headers or {}), "Idempotent-Replayed": "true"}
        return JSONResponse(reply, status_code=status, headers=headers)

    @app.post(
        "/auth/token",
        operation_id="setToken",
        summary="设置或更新 tushare Token",
        status_code=204,
        responses=responses(*_ADMITTED),
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
        responses=responses(*_ADMITTED, 404),
    )
    async def get_metadata(
        interfaceName: Annotated[str, Path(max_length=_MAX_QUERY)],
        caller: Caller,
        service: ServiceDep,
    ) -> InterfaceMetadataResponse:
        return interface_metadata(find(service.catalog, interfaceName, "interface"))


def _add_operations_routes(app: FastAPI, service: Service, document: Callable[[], Awaitable[bytes]]) -> None:
    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        """Ready when the database answers and the upstream is reachable (not failing fast)."""
        if not service.ready or service.db is None or service.executor is None:
            return JSONResponse({"status": "starting"}, status_code=503)
        database = "ok"
        try:
            await asyncio.to_thread(service.db.ping)
        except Exception as error:
            database = f"unavailable ({type(error).__name__})"
        upstream = await service.executor.upstream_problem() or "ok"
        ready = database == upstream == "ok"
        body = {"status": "ready" if ready else "unavailable", "database": database, "upstream": upstream}
        return JSONResponse(body, status_code=200 if ready else 503)

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        body, content_type = service.metrics.render()
        return Response(body, media_type=content_type)

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi() -> Response:
        return Response(await document(), media_type="application/json")
