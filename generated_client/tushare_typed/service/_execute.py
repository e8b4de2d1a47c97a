"""``POST /mcp/execute``: idempotency, the call, and the reply body (ExecuteCommandResponse or ErrorPayload)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import TushareError, UnknownError
from ._commands import find
from ._errors import error_headers, error_payload, http_status
from ._execution import execution_status, run_interface
from ._executor import Execution
from ._idempotency import Outcome, fingerprint, once, scope_key
from ._observability import current_context
from ._schemas import ExecuteCommandRequest
from ._state import Service

if TYPE_CHECKING:
    from ..response import Response

__all__ = ["execute_command", "reply_of"]


def _data(rows: Response[Any]) -> dict[str, Any]:
    columns = rows.columns()
    return {"fields": list(columns), "items": [list(values) for values in zip(*columns.values(), strict=True)]}


def reply_of(execution: Execution, request_id: str) -> Outcome:
    """The HTTP status, body and headers of an execution: ExecuteCommandResponse (200, PARTIAL with the rows so far
    when it failed midway), or an ErrorPayload when there are no rows at all."""
    rows = execution.rows_response
    error = execution.error
    if rows is None:
        # Without rows there is an error: an execution ends with a response or an error.
        failure = error if error is not None else UnknownError("the execution returned nothing")
        return http_status(failure), error_payload(failure, request_id), error_headers(failure)
    next_offset = error.next_offset if error is not None else rows.next_offset
    completed = error is None and rows.completed
    body = {
        "requestId": request_id,
        "status": execution_status(execution),
        "data": _data(rows),
        "pagination": {"nextOffset": None if completed else next_offset, "completed": completed},
        "metrics": {
            "retries": execution.retries,
            "durationMs": execution.duration_ms,
            "rateLimitHits": execution.meter.rate_limit_hits,
        },
        "error": error_payload(error, request_id) if error is not None else None,
    }
    return 200, body, None


async def _run(service: Service, body: ExecuteCommandRequest, owner: str) -> Outcome:
    request_id = current_context().request_id
    pagination = body.pagination
    try:
        execution = await run_interface(
            service,
            find(service.catalog, body.command_id, "command"),
            body.params,
            owner,
            fields=body.fields,
            offset=pagination.offset if pagination else 0,
            max_rows=pagination.limit if pagination else None,
            max_pages=pagination.max_pages if pagination else None,
        )
    except TushareError as error:  # an unknown command, too many rows: replies like any other
        current_context().status = "ERROR"
        return http_status(error), error_payload(error, request_id), error_headers(error)
    return reply_of(execution, request_id)


async def execute_command(
    service: Service, body: ExecuteCommandRequest, owner: str, idempotency_key: str | None
) -> tuple[Outcome, bool]:
    """Execute once per owner and ``requestId`` or ``Idempotency-Key``; repeats get the first final reply.
    Returns (status, body, headers) and whether it was replayed."""
    context = current_context()
    context.request_id = body.request_id or context.request_id
    if body.request_id:
        scope = scope_key("request", owner, body.request_id)
    elif idempotency_key:
        scope = scope_key("key", owner, idempotency_key)
    else:
        return await _run(service, body, owner), False
    db, _, _ = service.parts()
    config = service.config
    return await once(
        db,
        scope,
        owner,
        fingerprint(body.model_dump(mode="json", exclude={"request_id"})),
        context.request_id,
        ttl=config.idempotency_ttl,
        wait=config.idempotency_wait,
        run=lambda: _run(service, body, owner),
    )
