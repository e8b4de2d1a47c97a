"""The typed gateway: ``POST /v1/<api_name>`` per interface, with that interface's request and response models, so
the served OpenAPI document types every call.

The body is the interface's generated ``<Pascal>Request`` model (``tushare_typed.models``) plus the paging
controls; the reply is ``<Pascal>Result``: ``rows`` of ``<Pascal>Record`` objects (one property per column, keyed by
its wire name, typed from the catalog), ``fields``, ``completed``, ``nextOffset`` and ``requestId``.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import threading
from typing import TYPE_CHECKING, Any, Literal, cast

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field, create_model
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from ..catalog import Catalog, InterfaceSpec
from ..errors import UnknownError
from ._commands import find
from ._errors import error_headers, error_payload, http_status
from ._execution import execution_status, run_interface
from ._executor import Execution
from ._observability import current_context
from ._schemas import ErrorPayload, ExecutionStatus
from .config import MAX_ROWS_CAP

if TYPE_CHECKING:
    from ._state import Service

__all__ = ["GATEWAY_TAG", "Gateway", "gateway_model_names", "gateway_models"]

GATEWAY_TAG = "gateway"
_PYTHON_TYPES: dict[str, type[Any]] = {
    "str": str,
    "int": int,
    "float": float,
    "bool": bool,
    "date": str,
    "datetime": str,
}
_CONTROLS = {"fields", "offset", "max_rows", "max_pages"}


class _Result(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    fields: list[str] = Field(description="The columns returned, in order.")
    completed: bool = Field(description="False when the bounds stopped paging before the last row.")
    next_offset: int | None = Field(None, alias="nextOffset", description="Resume from here when not completed.")
    request_id: str = Field(alias="requestId")
    status: ExecutionStatus = Field(description="SUCCESS, or PARTIAL: the rows so far, then a bound or `error`.")
    error: ErrorPayload | None = Field(None, description="What stopped a PARTIAL reply early, when it failed.")


def _pascal(api_name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in api_name.split("_") if part)


def gateway_model_names(spec: InterfaceSpec) -> tuple[str, str]:
    """The document's names of an interface's request body and result schemas."""
    name = _pascal(spec.api_name)
    return f"{name}Request", f"{name}Result"


def gateway_models(spec: InterfaceSpec) -> tuple[type[BaseModel], type[BaseModel]]:
    """(request body, result) models of one interface, from its generated request model and its catalog fields."""
    module = importlib.import_module(f"{__package__.rpartition('.')[0]}.models.{spec.api_name}")
    request_model: type[BaseModel] = module.ENDPOINT.request
    name = _pascal(spec.api_name)
    column: Any = Literal[tuple(spec.field_names)] if spec.field_names else str
    columns: Any = list[column] | None
    body = create_model(
        request_model.__name__,
        __base__=request_model,
        __doc__=f"Parameters of `{spec.api_name}` ({spec.title}) and paging controls.",
        fields=(columns, Field(None, description="Columns to return (default: the default ones).")),
        offset=(int, Field(0, ge=0, description="Row to start from: a previous result's nextOffset.")),
        max_rows=(
            int | None,
            Field(None, ge=1, le=MAX_ROWS_CAP, description="At most this many rows (default: the service's)."),
        ),
        max_pages=(int | None, Field(None, ge=1, description="At most this many upstream pages.")),
    )
    record_fields: dict[str, Any] = {
        f.attr: (_PYTHON_TYPES[f.python_type] | None, Field(None, alias=f.name, description=f.description))
        for f in spec.fields
    }
    record = create_model(
        f"{name}Record",
        __config__=ConfigDict(populate_by_name=True),
        __doc__=f"One row of `{spec.api_name}`; columns not returned are null.",
        **record_fields,
    )
    result = create_model(
        f"{name}Result",
        __base__=_Result,
        __doc__=f"Rows of `{spec.api_name}` ({spec.title}).",
        rows=(list[record], Field(description="The rows, newest first.")),
    )
    return body, result


def _reply(execution: Execution, request_id: str) -> JSONResponse:
    """The ``<Pascal>Result`` of an execution (PARTIAL with the rows so far when it failed midway), or an
    ErrorPayload when there are no rows at all: the same semantics as ``/mcp/execute``."""
    rows, error = execution.rows_response, execution.error
    if rows is None:
        failure = error if error is not None else UnknownError(f"{execution.api_name} returned nothing")
        return JSONResponse(
            error_payload(failure, request_id), status_code=http_status(failure), headers=error_headers(failure)
        )
    completed = error is None and rows.completed
    next_offset = error.next_offset if error is not None else rows.next_offset
    reply = {
        "rows": rows.to_dicts(),
        "fields": list(rows.fields),
        "completed": completed,
        "nextOffset": None if completed else next_offset,
        "requestId": request_id,
        "status": execution_status(execution),
        "error": error_payload(error, request_id) if error is not None else None,
    }
    return JSONResponse(reply)


def _handler(spec: InterfaceSpec, body_model: type[BaseModel], caller: Any) -> Any:
    async def handler(body: BaseModel, request: Request, caller: Any) -> JSONResponse:
        service: Service = request.app.state.service
        values = body.model_dump(exclude_none=True)
        controls = {name: values.pop(name) for name in list(values) if name in _CONTROLS}
        execution = await run_interface(
            service,
            spec,
            values,
            caller.owner,
            fields=controls.get("fields"),
            offset=controls.get("offset", 0),
            max_rows=controls.get("max_rows"),
            max_pages=controls.get("max_pages"),
        )
        return _reply(execution, current_context().request_id)

    parameters = [
        inspect.Parameter("body", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=body_model),
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request),
        inspect.Parameter("caller", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=caller),
    ]
    handler.__signature__ = inspect.Signature(parameters, return_annotation=JSONResponse)  # type: ignore[attr-defined]
    handler.__name__ = f"gateway_{spec.api_name}"
    return handler


class Gateway:
    """The ``/v1`` routes, built lazily: an interface's route (and its models) when it is first called, all of them
    when the OpenAPI document is first asked for. Importing and modelling 223 interfaces takes seconds, which a
    service should not spend before it serves its first request.

    One placeholder route, ``POST /v1/{api_name}``, receives every gateway call and hands it to the interface's
    real route; the real routes are registered on the app (so the document lists them) but never matched first.
    """

    def __init__(self, app: FastAPI, catalog: Catalog, caller: Any, errors: dict[int | str, dict[str, Any]]) -> None:
        self._app = app
        self._catalog = catalog
        self._caller = caller
        self._errors = errors
        self._routes: dict[str, APIRoute] = {}
        self._lock = threading.Lock()
        app.router.routes.append(Route("/v1/{api_name}", endpoint=self, methods=["POST"], include_in_schema=False))

    def route(self, api_name: str) -> APIRoute:
        """The real route of ``api_name``, built on first use (thread-safe)."""
        with self._lock:
            route = self._routes.get(api_name)
            if route is None:
                spec = self._catalog.get(api_name)
                body_model, result_model = gateway_models(spec)
                self._app.add_api_route(
                    f"/v1/{spec.api_name}",
                    _handler(spec, body_model, self._caller),
                    methods=["POST"],
                    operation_id=spec.api_name,
                    summary=spec.title or spec.api_name,
                    description=spec.description,
                    tags=[GATEWAY_TAG],
                    response_model=result_model,
                    responses=self._errors,
                )
                route = cast(APIRoute, self._app.router.routes[-1])
                self._routes[api_name] = route
            return route

    def build_all(self) -> None:
        for spec in self._catalog:
            self.route(spec.api_name)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The placeholder route's ASGI app: hand the call to the interface's real route."""
        api_name = scope["path_params"]["api_name"]
        if api_name not in self._catalog:
            find(self._catalog, api_name, "interface")  # raises the 404 with suggestions
        route = self._routes.get(api_name)
        if route is None:
            route = await asyncio.to_thread(self.route, api_name)
        scope["route"] = route  # logs and metrics name the interface's route, as for every other route
        await route.handle(scope, receive, send)
