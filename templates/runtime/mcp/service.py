"""What one MCP tool call does, independent of the MCP SDK: check the arguments, call the typed client, shape the
result (structured rows per the tool's outputSchema plus a compact text table) or the error.

Calls go through :class:`~tushare_typed.AsyncTushareClient`, so the token loader, the rate limiter and the paginator
apply exactly as they do for a Python caller.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Self

from ..arguments import dates_on_the_wire
from ..catalog import load_catalog
from ..errors import TushareError
from ..tabular import to_table
from .toolset import ArgumentProblem, ToolSet, load_toolset

if TYPE_CHECKING:
    from .._client import AsyncTushareClient
    from ..response import Response

__all__ = ["DEFAULT_MAX_ROWS", "ToolCall", "ToolResult", "ToolService"]

#: Rows a result carries unless the call or the server's --max-rows says otherwise (as the manifest states).
DEFAULT_MAX_ROWS: Final = 200
# How the client pages an interface whose docs state no row cap (kept equal to endpoint.DEFAULT_PAGE_SIZE).
_UNCAPPED_PAGE_SIZE: Final = 5000
_CONTROL_ARGUMENTS: Final = frozenset({"fields", "offset", "max_rows"})


@dataclass(frozen=True, slots=True)
class ToolResult:
    """A tool call's outcome: `structured` is the structuredContent, `text` the text content."""

    structured: dict[str, Any]
    text: str
    is_error: bool = False


@dataclass(frozen=True, slots=True)
class ToolCall:
    """Valid arguments of one call, split into the interface's parameters and the paging controls."""

    name: str
    params: dict[str, Any]
    fields: list[str] | None
    offset: int
    max_rows: int

    @classmethod
    def from_arguments(cls, name: str, arguments: Mapping[str, Any], default_max_rows: int) -> ToolCall:
        params = {key: _plain_int(value) for key, value in arguments.items() if key not in _CONTROL_ARGUMENTS}
        fields = arguments.get("fields")
        return cls(
            name=name,
            params=params,
            fields=list(fields) if fields is not None else None,
            offset=_plain_int(arguments.get("offset", 0)),
            max_rows=_plain_int(arguments.get("max_rows", default_max_rows)),
        )


def _plain_int(value: Any) -> Any:
    # JSON Schema counts 5.0 as an integer; the client wants a Python int.
    return int(value) if isinstance(value, float) and value.is_integer() else value


@dataclass
class ToolService:
    """Runs tool calls for one server; use it as an async context manager so the client's connections close."""

    max_rows: int = DEFAULT_MAX_ROWS
    tools: ToolSet = field(default_factory=load_toolset)
    client_factory: Callable[[], AsyncTushareClient] | None = None
    _client: AsyncTushareClient | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.max_rows < 1:
            raise ValueError(f"max_rows must be at least 1, got {self.max_rows}")

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    async def call(self, name: str, arguments: Mapping[str, Any] | None) -> ToolResult:
        """One tools/call. Raises :class:`~.toolset.UnknownToolError` for a name that is not a tool."""
        # Dates as the client takes them (2024-01-31 too), before the schema checks the wire form.
        arguments = dates_on_the_wire(name, arguments or {})
        problems = self.tools.problems(name, arguments)
        if problems:
            return invalid_arguments_result(name, problems)
        call = ToolCall.from_arguments(name, arguments, self.max_rows)
        try:
            response = await self._fetch(call)
        except TushareError as error:
            return error_result(error)
        return rows_result(call, response)

    async def _fetch(self, call: ToolCall) -> Response[Any]:
        method = getattr(self._get_client(), call.name)
        response: Response[Any] = await method(
            **call.params, fields=call.fields, offset=call.offset, max_rows=_rows_to_fetch(call)
        )
        return response

    def _get_client(self) -> AsyncTushareClient:
        # Built on the first call, inside the server's event loop, so its connection pool belongs to that loop.
        if self._client is None:
            if self.client_factory is not None:
                self._client = self.client_factory()
            else:
                from .._client import AsyncTushareClient

                self._client = AsyncTushareClient()
        return self._client


def _rows_to_fetch(call: ToolCall) -> int:
    """Fetch a whole page when the result is smaller than one: it costs the same single call against the quota,
    and tells how many rows lie beyond the ones returned."""
    spec = load_catalog().interfaces.get(call.name)
    page_size = (spec.row_limit if spec is not None else None) or _UNCAPPED_PAGE_SIZE
    return max(call.max_rows, page_size)


# --- results -----------------------------------------------------------------------------------------------------


def rows_result(call: ToolCall, response: Response[Any]) -> ToolResult:
    """The structuredContent (per the tool's outputSchema) and text of a successful call."""
    columns = response.columns()
    fetched = len(response)
    shown = min(fetched, call.max_rows)
    beyond = fetched - shown
    completed = response.completed and beyond == 0
    if beyond:
        # Rows past max_rows come from the first page, which the client never de-duplicates, so offsets map 1:1.
        # (Should a server cap pages below the documented size and repeat rows across them, this offset is
        # early: continuing repeats a few rows, and never skips any.)
        next_offset: int | None = call.offset + shown
    else:
        next_offset = None if completed else response.next_offset
    names = list(columns)
    table_rows = [[columns[name][i] for name in names] for i in range(shown)]
    note = _note(call, shown, beyond, response.completed, next_offset)
    structured = {
        "rows": [dict(zip(names, row, strict=True)) for row in table_rows],
        "fields": list(response.fields),
        "row_count": shown,
        "completed": completed,
        "next_offset": next_offset,
        "note": note,
    }
    header = f"{call.name}: {shown} rows from offset {call.offset}"
    return ToolResult(structured, f"{header}\n{to_table(names, table_rows)}{note}")


def _note(call: ToolCall, shown: int, beyond: int, fetched_all: bool, next_offset: int | None) -> str:
    if next_offset is None:
        if not shown:
            return "No rows match these arguments" + (f" from offset {call.offset} on." if call.offset else ".")
        if call.offset:
            return f"These are the last {shown} matching rows; there are no more."
        return f"All {shown} matching rows are here."
    again = f"call {call.name} again with the same arguments and offset={next_offset} to fetch the rest"
    if beyond and fetched_all:
        return f"{beyond} more rows exist beyond these {shown}; {again}."
    if beyond:
        return f"At least {beyond} more rows exist beyond these {shown} (tushare does not report a total); {again}."
    return f"More rows exist beyond these {shown} (tushare does not report how many); {again}."


def error_result(error: TushareError) -> ToolResult:
    """A failed call, with the typed error's code, category, message and remediation."""
    details: dict[str, Any] = {
        "code": error.code,
        "category": str(error.category),
        "message": error.message,
        "remediation": error.remediation,
        "api_name": error.api_name,
        "request_id": error.request_id,
        "tushare_code": error.tushare_code,
    }
    lines = [f"Error {error.code} ({error.category}): {error.message}", f"Remediation: {error.remediation}"]
    if error.next_offset is not None:
        details["next_offset"] = error.next_offset
        lines.append(
            f"Rows from offset {error.next_offset} on were not fetched; retry with offset={error.next_offset}."
        )
    if error.request_id:
        lines.append(f"request_id: {error.request_id}")
    return ToolResult({"error": details}, "\n".join(lines), is_error=True)


def invalid_arguments_result(name: str, problems: list[ArgumentProblem]) -> ToolResult:
    """A call rejected before reaching tushare, naming each bad argument and its fix."""
    message = f"invalid arguments for {name}: " + "; ".join(f"{p.argument}: {p.message}" for p in problems)
    remediation = " ".join(f"{p.argument}: {p.fix}." for p in problems)
    details = {
        "code": "PARAM-101",
        "category": "PARAMETER",
        "message": message,
        "remediation": remediation,
        "api_name": name,
        "problems": [problem.as_dict() for problem in problems],
    }
    text = "\n".join([f"Error PARAM-101 (PARAMETER): invalid arguments for {name}:", *(f"- {p}" for p in problems)])
    return ToolResult({"error": details}, text, is_error=True)
