"""``POST /mcp/execute``: idempotency, the call, its execution log row, and the reply body."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from typing import TYPE_CHECKING, Any

from ..errors import ParameterError, ServiceTimeoutError, UnknownError
from ._commands import find
from ._db import Database, ExecutionRecord
from ._errors import error_payload, http_status
from ._executor import Execution
from ._observability import current_context
from ._schemas import ExecuteCommandRequest
from ._state import Service
from .config import MAX_ROWS_CAP

if TYPE_CHECKING:
    from ..response import Response

__all__ = ["Reply", "execute_command", "record_execution"]

Reply = tuple[int, dict[str, Any], bool]  # status, body, replayed
_POLL_SECONDS = 0.05


def _status(execution: Execution) -> str:
    if execution.error is not None:
        return "PARTIAL" if execution.rows_response is not None else "ERROR"
    return "SUCCESS" if execution.response is not None and execution.response.completed else "PARTIAL"


def _data(rows: Response[Any]) -> dict[str, Any]:
    columns = rows.columns()
    return {"fields": list(columns), "items": [list(values) for values in zip(*columns.values(), strict=True)]}


def reply_of(execution: Execution, request_id: str) -> tuple[int, dict[str, Any]]:
    """The HTTP status and body of an execution: ExecuteCommandResponse, or an ErrorPayload with no rows at all."""
    rows = execution.rows_response
    error = execution.error
    if rows is None:
        # Without rows there is an error: an execution ends with a response or an error.
        failure = error if error is not None else UnknownError("the execution returned nothing")
        return http_status(failure), error_payload(failure, request_id)
    next_offset = error.next_offset if error is not None else rows.next_offset
    completed = error is None and rows.completed
    body = {
        "requestId": request_id,
        "status": _status(execution),
        "data": _data(rows),
        "pagination": {"nextOffset": None if completed else next_offset, "completed": completed},
        "metrics": {
            "retries": execution.retries,
            "durationMs": execution.duration_ms,
            "rateLimitHits": execution.meter.rate_limit_hits,
        },
        "error": error_payload(error, request_id) if error is not None else None,
    }
    return 200, body


async def record_execution(service: Service, execution: Execution, request_id: str, owner: str) -> None:
    """The execution_logs row, the request's log context and the metrics of one execution."""
    context = current_context()
    status = _status(execution)
    context.command_id, context.status = execution.api_name, status
    context.retries, context.rate_limit_hits = execution.retries, execution.meter.rate_limit_hits
    context.upstream_rejections = execution.meter.upstream_rejections
    rows = execution.rows_response
    error = execution.error
    if error is not None:
        service.metrics.upstream_errors.labels(error.code).inc()
    record = ExecutionRecord(
        request_id=request_id,
        command_id=execution.api_name,
        owner=owner,
        credential_id=execution.credential_id,
        status=status,
        retries=execution.retries,
        duration_ms=execution.duration_ms,
        rate_limit_hits=execution.meter.rate_limit_hits,
        response_size=len(rows.rows) if rows is not None else None,
        error_payload=error_payload(error, request_id) if error is not None else None,
    )
    await service.log_writer().write(record)


async def _run(
    service: Service, body: ExecuteCommandRequest, request_id: str, owner: str
) -> tuple[int, dict[str, Any]]:
    _, credentials, executor = service.parts()
    spec = find(service.catalog, body.command_id, "command")
    current_context().command_id = spec.api_name
    pagination = body.pagination
    max_rows = pagination.limit if pagination and pagination.limit else service.config.default_max_rows
    if max_rows > MAX_ROWS_CAP:
        raise ParameterError(
            f"pagination.limit {max_rows} is above the service's cap of {MAX_ROWS_CAP} rows",
            remediation=f"ask for at most {MAX_ROWS_CAP} rows and page on with pagination.offset = nextOffset",
        )
    stored = await credentials.token_for_async(owner)
    execution = await executor.execute(
        spec,
        body.params,
        token=stored[1] if stored is not None else None,
        fields=body.fields,
        offset=pagination.offset if pagination else 0,
        max_rows=max_rows,
        max_pages=pagination.max_pages if pagination else None,
    )
    execution.credential_id = stored[0] if stored is not None else None
    await record_execution(service, execution, request_id, owner)
    return reply_of(execution, request_id)


def _fingerprint(body: ExecuteCommandRequest) -> str:
    canonical = json.dumps(body.model_dump(mode="json", exclude={"request_id"}), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def execute_command(
    service: Service, body: ExecuteCommandRequest, owner: str, idempotency_key: str | None
) -> Reply:
    """Execute once per ``requestId`` (global) or ``Idempotency-Key`` (per owner); repeats get the first reply."""
    request_id = body.request_id or current_context().request_id
    current_context().request_id = request_id
    if body.request_id:
        scope = f"request:{body.request_id}"
    elif idempotency_key:
        scope = f"key:{owner}:{idempotency_key}"
    else:
        status, reply = await _run(service, body, request_id, owner)
        return status, reply, False
    db, _, _ = service.parts()
    fingerprint = _fingerprint(body)
    claim = await asyncio.to_thread(db.claim, scope, owner, fingerprint, request_id)
    if not claim.fresh:
        return await _replay(service, db, scope, owner, fingerprint)
    try:
        status, reply = await _run(service, body, request_id, owner)
    except BaseException:
        await asyncio.to_thread(db.release, scope)
        raise
    await asyncio.to_thread(db.complete, scope, status, reply)
    return status, reply, False


async def _replay(service: Service, db: Database, scope: str, owner: str, fingerprint: str) -> Reply:
    deadline = time.monotonic() + service.config.idempotency_wait
    while True:
        claim = await asyncio.to_thread(db.claimed, scope)
        if claim is None:
            raise ServiceTimeoutError(
                "the first request with this idempotency key failed before replying",
                remediation="send the request again",
            )
        if claim.owner != owner or claim.fingerprint != fingerprint:
            raise ParameterError(
                "this requestId / Idempotency-Key was already used for a different request",
                remediation="use a new key for a new request; repeat a request only with identical content",
            )
        if claim.body is not None and claim.status_code is not None:
            current_context().request_id = claim.request_id
            current_context().status = "REPLAYED"
            return claim.status_code, json.loads(claim.body), True
        if time.monotonic() > deadline:
            raise ServiceTimeoutError(
                f"the first request with this key is still running after {service.config.idempotency_wait:g} s",
                remediation="retry later with the same key to get its reply",
            )
        await asyncio.sleep(_POLL_SECONDS)
