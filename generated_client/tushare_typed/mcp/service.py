"""What one MCP tool call does, independent of the MCP SDK: check the arguments, run the tool, shape the result.

Tools are served in one of two modes. ``discovery`` (the default): ``search_interfaces``, ``describe_interface``,
``call_interface`` and the composites (``pro_bar``, ``bars``, ``compare_sources``, ``latest_quote``), a tool list of a
few KB. ``full``: one tool per interface plus the composites. A
:class:`~.selection.Selection` narrows both to some interfaces.

Results are bounded twice: at most ``max_rows`` rows (never more than :data:`MAX_ROWS_LIMIT`) and at most
``max_bytes`` bytes of text and structured content together; a cut result says ``completed: false`` with
``next_offset``, and its text says how to continue. Errors are text content only (code, category, message,
remediation) with ``isError``: structured content that does not match the tool's outputSchema makes strict clients
replace the message with a schema complaint.

Calls go through :class:`~tushare_typed.AsyncTushareClient`, so the token loader, the rate limiter and the paginator
apply exactly as they do for a Python caller.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Literal, Self

from .._internal.arguments import dates_on_the_wire
from .._internal.tabular import to_csv
from ..catalog import InterfaceSpec, load_catalog
from ..errors import TushareError
from ..search import search
from ._extra_tools import EXTRA_TOOLS, ToolRunner, runner_for
from .bounds import close_names, shorten
from .docs import interface_document, interface_markdown
from .selection import Selection
from .toolset import (
    DISCOVERY_RESOURCE,
    ArgumentProblem,
    ToolSet,
    UnknownToolError,
    load_toolset,
    oversized_arguments,
)

if TYPE_CHECKING:
    from .._client import AsyncTushareClient
    from ..response import Response

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_ROWS",
    "MAX_ROWS_LIMIT",
    "MODES",
    "Mode",
    "RowsCall",
    "ToolResult",
    "ToolService",
    "error_result",
    "invalid_arguments_result",
    "rows_result",
]

Mode = Literal["discovery", "full"]
MODES: Final[tuple[Mode, ...]] = ("discovery", "full")
#: Rows a result carries unless the call or the server's --max-rows says otherwise (as the manifest states).
DEFAULT_MAX_ROWS: Final = 200
#: The most rows one result may carry, whatever a call or --max-rows asks (the tools' schemas say so too).
MAX_ROWS_LIMIT: Final = 5000
#: Bytes of text plus structured content one result may take (--max-bytes changes it).
DEFAULT_MAX_BYTES: Final = 256 * 1024
SEARCH: Final = "search_interfaces"
DESCRIBE: Final = "describe_interface"
CALL: Final = "call_interface"
PRO_BAR: Final = "pro_bar"
# How the client pages an interface whose docs state no row cap (kept equal to endpoint.DEFAULT_PAGE_SIZE).
_UNCAPPED_PAGE_SIZE: Final = 5000
_CONTROL_ARGUMENTS: Final = frozenset({"fields", "offset", "max_rows"})
# Bytes a result takes besides its rows (keys, counts, the note), so the budget holds for the whole result.
_RESULT_OVERHEAD: Final = 1024


@dataclass(frozen=True, slots=True)
class ToolResult:
    """A tool call's outcome: `text` is the text content, `structured` the structuredContent (None for errors)."""

    text: str
    structured: dict[str, Any] | None = None
    is_error: bool = False


@dataclass(frozen=True, slots=True)
class RowsCall:
    """Valid arguments of one row-returning call: the tool's parameters and the paging controls."""

    name: str
    params: dict[str, Any]
    fields: list[str] | None
    offset: int
    max_rows: int

    @classmethod
    def from_arguments(cls, name: str, arguments: Mapping[str, Any], default_max_rows: int) -> RowsCall:
        params = {key: _plain(value) for key, value in arguments.items() if key not in _CONTROL_ARGUMENTS}
        fields = arguments.get("fields")
        return cls(
            name=name,
            params=params,
            fields=list(fields) if fields is not None else None,
            offset=_plain(arguments.get("offset", 0)),
            max_rows=min(_plain(arguments.get("max_rows", default_max_rows)), MAX_ROWS_LIMIT),
        )


def _plain(value: Any) -> Any:
    # JSON Schema counts 5.0 as an integer; the client wants a Python int.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return [_plain(item) for item in value] if isinstance(value, list) else value


@dataclass
class ToolService:
    """Runs tool calls for one server; use it as an async context manager so the client's connections close."""

    max_rows: int = DEFAULT_MAX_ROWS
    max_bytes: int = DEFAULT_MAX_BYTES
    mode: Mode = "discovery"
    selection: Selection = field(default_factory=Selection)
    client_factory: Callable[[], AsyncTushareClient] | None = None
    #: Seconds for each HTTP request of a call, body included (the client's default when None).
    timeout: float | None = None
    _client: AsyncTushareClient | None = field(default=None, init=False, repr=False)
    _extras: dict[str, ToolRunner] = field(default_factory=dict, init=False, repr=False)  # built on first use

    def __post_init__(self) -> None:
        if not 1 <= self.max_rows <= MAX_ROWS_LIMIT:
            raise ValueError(f"max_rows must be between 1 and {MAX_ROWS_LIMIT}, got {self.max_rows}")
        if self.max_bytes < 4096:
            raise ValueError(f"max_bytes must be at least 4096, got {self.max_bytes}")
        if self.timeout is not None and not 0 < self.timeout < float("inf"):
            raise ValueError(f"timeout must be a positive number of seconds, got {self.timeout}")
        if self.mode not in MODES:
            raise ValueError(f"unknown mode {self.mode!r}: use one of {', '.join(MODES)}")
        if self.selection != Selection():
            # Narrowing is checked now, so a wrong option stops the server at start. Without it nothing can be
            # wrong, and the catalog (1.3 MB) is read on the first request that needs it, after tools/list.
            self.interfaces  # noqa: B018

    @cached_property
    def interfaces(self) -> dict[str, InterfaceSpec]:
        """The selected interfaces by name."""
        return {spec.api_name: spec for spec in self.selection.interfaces(load_catalog())}

    @cached_property
    def tools(self) -> ToolSet:
        """Every tool of tools.json (2 MB), read when a call is checked or full mode lists its tools."""
        return load_toolset()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        extras, self._extras = self._extras, {}
        for runner in extras.values():
            await runner.aclose()
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    # --- what is served ------------------------------------------------------------------------------------------

    def served_tools(self) -> list[Mapping[str, Any]]:
        """The tools/list payload of this mode and selection."""
        listed = load_toolset(DISCOVERY_RESOURCE) if self.mode == "discovery" else self.tools
        composites = [tool for tool in listed.group("composites") if self._composite_allowed(tool["name"])]
        if self.mode == "discovery":
            return [*listed.group("discovery"), *composites]
        return [*(tool for tool in self.tools.group("interfaces") if tool["name"] in self.interfaces), *composites]

    def _composite_allowed(self, name: str) -> bool:
        return self.selection.allows_composite(name)

    def _served_names(self) -> list[str]:
        return [str(tool["name"]) for tool in self.served_tools()]

    # --- calls ---------------------------------------------------------------------------------------------------

    async def call(self, name: str, arguments: Mapping[str, Any] | None) -> ToolResult:
        """One tools/call. Raises :class:`~.toolset.UnknownToolError` for a name this server does not serve."""
        served = self._served_names()
        if name not in served:
            hint = [CALL] if self.mode == "discovery" and name in self.interfaces else []
            raise UnknownToolError(name, hint or close_names(name, served))
        oversized = oversized_arguments(arguments or {})
        if oversized:
            return invalid_arguments_result(name, oversized)
        # Dates as the client takes them (2024-01-31 too), before the schema checks the wire form.
        arguments = dates_on_the_wire(name, arguments or {})
        if name == CALL:
            return await self._call_interface(arguments)
        problems = self.tools.problems(name, arguments)
        if problems:
            return invalid_arguments_result(name, problems)
        if name == SEARCH:
            return self._search(arguments)
        if name == DESCRIBE:
            return self._describe(str(arguments["api_name"]))
        if name == PRO_BAR:
            return await self._pro_bar(RowsCall.from_arguments(name, arguments, self.max_rows))
        if name in EXTRA_TOOLS:
            kind = EXTRA_TOOLS[name]
            if kind not in self._extras:
                self._extras[kind] = runner_for(name)
            return await self._extras[kind].call(name, arguments, self.max_rows, self.max_bytes)
        return await self._interface(RowsCall.from_arguments(name, arguments, self.max_rows))

    def _search(self, arguments: Mapping[str, Any]) -> ToolResult:
        specs: Iterable[InterfaceSpec] = self.interfaces.values()
        category = arguments.get("category")
        if category:
            specs = [spec for spec in specs if any(category.casefold() in part.casefold() for part in spec.category)]
        hits, total = search(specs, str(arguments["query"]), int(arguments.get("limit", 10)))
        results = [
            {
                "api_name": hit.spec.api_name,
                "title": hit.spec.title,
                "category": " / ".join(hit.spec.category),
                "points": hit.spec.points,
                "score": hit.score,
                "matched": list(hit.matched),
            }
            for hit in hits
        ]
        lines = [f"{len(results)} of {total} matching interfaces, best first:"]
        for result in results:
            points = f", {result['points']} points" if result["points"] is not None else ""
            lines.append(f"- {result['api_name']}: {result['title']} [{result['category']}{points}]")
        if results:
            lines.append(f"Next: {DESCRIBE} with an api_name for its parameters and columns, then {CALL}.")
        else:
            lines = ["No interface matches; try other words (Chinese or English), or read tushare://categories."]
        return ToolResult("\n".join(lines), {"results": results, "total": total})

    def _spec(self, api_name: str) -> InterfaceSpec | ToolResult:
        spec = self.interfaces.get(api_name)
        if spec is not None:
            return spec
        close = close_names(api_name, self.interfaces)
        guess = f"; did you mean {' or '.join(close)}?" if close else ""
        offered = "" if api_name not in load_catalog() else " (this server was started without it)"
        message = f"no interface {shorten(api_name)}{offered}{guess}"
        return _error_text("PARAM-101", "PARAMETER", message, f"find interfaces with {SEARCH}")

    def _describe(self, api_name: str) -> ToolResult:
        spec = self._spec(api_name)
        if isinstance(spec, ToolResult):
            return spec
        document = interface_document(spec)
        document["max_rows_per_result"] = MAX_ROWS_LIMIT
        return ToolResult(interface_markdown(spec), document)

    async def _call_interface(self, arguments: Mapping[str, Any]) -> ToolResult:
        """call_interface: its own arguments and the interface's parameters are checked together, so one reply
        names every problem."""
        problems = self.tools.problems(CALL, arguments)
        api_name = arguments.get("api_name")
        params = arguments.get("params") or {}
        if not isinstance(api_name, str) or not isinstance(params, dict):
            return invalid_arguments_result(CALL, problems)
        spec = self._spec(api_name)
        if isinstance(spec, ToolResult):
            return spec
        clashes = sorted(_CONTROL_ARGUMENTS & set(params))
        problems += [
            ArgumentProblem(f"params.{key}", "is not a parameter", f"pass {key} beside params") for key in clashes
        ]
        controls = {key: arguments[key] for key in _CONTROL_ARGUMENTS if key in arguments}
        merged = {**{k: v for k, v in params.items() if k not in _CONTROL_ARGUMENTS}, **controls}
        merged = dates_on_the_wire(api_name, merged)
        problems += [_in_params(problem) for problem in self.tools.problems(api_name, merged)]
        problems = list(dict.fromkeys(problems))
        if problems:
            return invalid_arguments_result(f"{CALL} {api_name}", problems)
        result = await self._interface(RowsCall.from_arguments(api_name, merged, self.max_rows))
        if result.structured is not None:
            result = replace(result, structured={"api_name": api_name, **result.structured})
        return result

    async def _interface(self, call: RowsCall) -> ToolResult:
        method = getattr(self._get_client(), call.name)
        try:
            response: Response[Any] = await method(
                **call.params, fields=call.fields, offset=call.offset, max_rows=_rows_to_fetch(call)
            )
        except TushareError as error:
            return error_result(error)
        return rows_result(call, response.columns(), response.completed, response.next_offset, self.max_bytes)

    async def _pro_bar(self, call: RowsCall) -> ToolResult:
        # pro_bar composes whole pieces, so it has no server-side offset: fetch through the end of the wanted
        # window and skip the first `offset` bars.
        try:
            response = await self._get_client().pro_bar(**call.params, max_rows=call.offset + call.max_rows)
        except TushareError as error:
            return error_result(error)
        columns = {name: values[call.offset :] for name, values in response.columns().items()}
        if call.fields:
            unknown = [name for name in call.fields if name not in columns]
            if unknown:
                fix = f"use some of {', '.join(columns)}"
                problems = [ArgumentProblem("fields", f"{', '.join(unknown)} is not a column of this result", fix)]
                return invalid_arguments_result(PRO_BAR, problems)
            columns = {name: columns[name] for name in call.fields}
        resume = None if response.completed else call.offset + len(next(iter(columns.values()), []))
        return rows_result(call, columns, response.completed, resume, self.max_bytes)

    def _get_client(self) -> AsyncTushareClient:
        # Built on the first call, inside the server's event loop, so its connection pool belongs to that loop.
        if self._client is None:
            if self.client_factory is not None:
                self._client = self.client_factory()
            else:
                from .._client import AsyncTushareClient

                self._client = (
                    AsyncTushareClient() if self.timeout is None else AsyncTushareClient(timeout=self.timeout)
                )
        return self._client


def _in_params(problem: ArgumentProblem) -> ArgumentProblem:
    """A problem of call_interface's merged arguments, named as the agent wrote it (`params.ts_code`)."""
    if problem.argument.partition("[")[0] in _CONTROL_ARGUMENTS or problem.argument == "arguments":
        return problem
    return replace(problem, argument=f"params.{problem.argument}")


def _rows_to_fetch(call: RowsCall) -> int:
    """Fetch a whole page when the result is smaller than one: it costs the same single call against the quota,
    and tells how many rows lie beyond the ones returned."""
    spec = load_catalog().interfaces.get(call.name)
    page_size = (spec.row_limit if spec is not None else None) or _UNCAPPED_PAGE_SIZE
    return max(call.max_rows, page_size)


# --- results -----------------------------------------------------------------------------------------------------


def _fit(names: list[str], rows: list[list[Any]], budget: int) -> tuple[list[str], int]:
    """CSV lines of the leading rows whose JSON and CSV together fit `budget` bytes (at least one row)."""
    header = to_csv(names, [])
    used = len(header.encode()) + len(json.dumps(names, ensure_ascii=False).encode())
    lines: list[str] = []
    for row in rows:
        line = to_csv(names, [row])[len(header) :]
        cost = (
            len(line.encode())
            + len(json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False, default=str).encode())
            + 1
        )
        if lines and used + cost > budget:
            break
        used += cost
        lines.append(line)
    return [header, *lines], len(lines)


def rows_result(
    call: RowsCall, columns: Mapping[str, list[Any]], fetched_all: bool, resume_at: int | None, max_bytes: int
) -> ToolResult:
    """The structuredContent (per the tool's outputSchema) and text of a successful call, within the budgets."""
    names = list(columns)
    fetched = len(next(iter(columns.values()), []))
    candidates = [[columns[name][i] for name in names] for i in range(min(fetched, call.max_rows))]
    lines, shown = _fit(names, candidates, max_bytes - _RESULT_OVERHEAD)
    cut_by_bytes = shown < len(candidates)
    beyond = fetched - shown
    completed = fetched_all and beyond == 0
    if beyond:
        # Rows past the shown ones come from the first page, which the client never de-duplicates, so offsets map
        # 1:1. (Should a server cap pages below the documented size and repeat rows across them, this offset is
        # early: continuing repeats a few rows, and never skips any.)
        next_offset: int | None = call.offset + shown
    else:
        next_offset = None if completed else resume_at
    note = _note(call, shown, beyond, fetched_all, next_offset, max_bytes if cut_by_bytes else None)
    structured = {
        "rows": [dict(zip(names, row, strict=True)) for row in candidates[:shown]],
        "fields": names,
        "row_count": shown,
        "completed": completed,
        "next_offset": next_offset,
        "note": note,
    }
    header = f"{call.name}: {shown} rows from offset {call.offset}, as CSV"
    return ToolResult(f"{header}\n{''.join(lines)}{note}", structured)


def _note(
    call: RowsCall, shown: int, beyond: int, fetched_all: bool, next_offset: int | None, byte_cap: int | None
) -> str:
    if next_offset is None:
        if not shown:
            return "No rows match these arguments" + (f" from offset {call.offset} on." if call.offset else ".")
        if call.offset:
            return f"These are the last {shown} matching rows; there are no more."
        return f"All {shown} matching rows are here."
    again = f"to continue, call {call.name} again with the same arguments and offset={next_offset}"
    if byte_cap is not None:
        cut = f"Cut at {shown} rows to keep the result within {byte_cap} bytes; {again}"
        return cut + " (pass fewer `fields` for more rows per result)."
    if beyond and fetched_all:
        return f"{beyond} more rows exist beyond these {shown}; {again}."
    if beyond:
        return f"At least {beyond} more rows exist beyond these {shown} (tushare does not report a total); {again}."
    return f"More rows exist beyond these {shown} (tushare does not report how many); {again}."


def _error_text(code: str, category: str, message: str, remediation: str, *extra: str) -> ToolResult:
    lines = [f"Error {code} ({category}): {message}", f"Remediation: {remediation}", *extra]
    return ToolResult("\n".join(lines), None, is_error=True)


def error_result(error: TushareError) -> ToolResult:
    """A failed call: the typed error's code, category, message and remediation, as text."""
    extra = []
    if error.next_offset is not None:
        extra.append(
            f"Rows from offset {error.next_offset} on were not fetched; retry with offset={error.next_offset}."
        )
    if error.tushare_code is not None:
        extra.append(f"tushare code: {error.tushare_code}")
    if error.request_id:
        extra.append(f"request_id: {error.request_id}")
    return _error_text(error.code, str(error.category), error.message, error.remediation, *extra)


def invalid_arguments_result(name: str, problems: list[ArgumentProblem]) -> ToolResult:
    """A call rejected before reaching tushare, naming each bad argument and its fix."""
    lines = [f"Error PARAM-101 (PARAMETER): invalid arguments for {name}:", *(f"- {p}" for p in problems)]
    return ToolResult("\n".join(lines), None, is_error=True)
