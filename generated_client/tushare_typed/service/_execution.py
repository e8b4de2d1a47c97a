"""One interface call for a route (``/mcp/execute`` or ``/v1/<api>``): the row cap, the caller's tushare token, the
bounded call, and its execution-log row, written however the call ends (the client going away included)."""

from __future__ import annotations

from typing import Any

from ..catalog import InterfaceSpec
from ..errors import ParameterError
from ._db import ExecutionRecord
from ._errors import error_payload
from ._executor import Execution
from ._observability import current_context
from ._state import Service
from .config import MAX_ROWS_CAP

__all__ = ["execution_status", "run_interface"]


def execution_status(execution: Execution) -> str:
    """SUCCESS, PARTIAL (rows, then a bound or a failure) or ERROR (no rows)."""
    if execution.error is not None:
        return "PARTIAL" if execution.rows_response is not None else "ERROR"
    return "SUCCESS" if execution.response is not None and execution.response.completed else "PARTIAL"


def _checked_max_rows(max_rows: int) -> int:
    if max_rows > MAX_ROWS_CAP:
        raise ParameterError(
            f"at most {MAX_ROWS_CAP} rows per request: {max_rows} asked for",
            remediation=f"ask for at most {MAX_ROWS_CAP} rows and page on with the reply's nextOffset",
        )
    return max_rows


async def run_interface(
    service: Service,
    spec: InterfaceSpec,
    params: dict[str, Any],
    owner: str,
    *,
    fields: list[str] | None,
    offset: int,
    max_rows: int | None,
    max_pages: int | None,
) -> Execution:
    """Call ``spec`` for ``owner`` within the service's bounds; the execution_logs row is written before this
    returns, and also when the request is cancelled (then the cancellation goes on)."""
    _, credentials, executor = service.parts()
    context = current_context()
    context.command_id = spec.api_name
    rows = _checked_max_rows(max_rows if max_rows is not None else service.config.default_max_rows)
    stored = await credentials.token_for_async(owner)
    execution = Execution(spec.api_name)
    execution.credential_id = stored[0] if stored is not None else None
    try:
        await executor.run(
            execution,
            spec,
            params,
            token=stored[1] if stored is not None else None,
            fields=fields,
            offset=offset,
            max_rows=rows,
            max_pages=max_pages,
        )
    finally:
        await _record(service, execution, context.request_id, owner)
    return execution


async def _record(service: Service, execution: Execution, request_id: str, owner: str) -> None:
    """The execution_logs row, the request's log context and the metrics of one execution."""
    context = current_context()
    status = execution_status(execution)
    context.status = status
    context.retries, context.rate_limit_hits = execution.retries, execution.meter.rate_limit_hits
    context.upstream_rejections = execution.meter.upstream_rejections
    rows, error = execution.rows_response, execution.error
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
