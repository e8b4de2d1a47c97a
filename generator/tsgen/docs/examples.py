"""The runnable examples on each interface page, generated from the metadata: the typed client (sync and async),
the compatible ``pro_api`` call, the CLI and an MCP tool call, all passing the same arguments (see `arguments.py`).

Each example kind has a builder here and an executor in `tests/docs/test_examples.py`, which runs every example on
the rendered pages against the emulator. A new way to call an interface is one more builder in `BUILDERS` and one
more executor there.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tsgen.docs.arguments import Value, example_arguments
from tsgen.model import Interface
from tsgen.render.naming import row_attr

LINE_LENGTH = 88  # a call longer than this puts one argument on a line
SHOWN_COLUMNS = 3  # columns an example prints or selects
MAX_ROWS = 5  # rows an example asks for


@dataclass(frozen=True)
class Example:
    kind: str  # the marker the example test finds it by
    label: str  # the tab title on the page
    language: str  # the code fence's language
    code: str


def _python_literal(value: Value) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else repr(value)


def _python_call(prefix: str, arguments: list[str]) -> str:
    """`prefix(a, b)`, or one argument per line (black style) when that is too long."""
    flat = f"{prefix}({', '.join(arguments)})"
    if len(flat) <= LINE_LENGTH or not arguments:
        return flat
    inner = "".join(f"    {argument},\n" for argument in arguments)
    return f"{prefix}(\n{inner})"


def _indent(text: str, spaces: int) -> str:
    return "\n".join(f"{' ' * spaces}{line}" if line else line for line in text.splitlines())


def _python_arguments(interface: Interface) -> list[str]:
    return [f"{name}={_python_literal(value)}" for name, value in example_arguments(interface).items()]


def _shown_columns(interface: Interface) -> list[str]:
    default = [field for field in interface.fields if field.default] or interface.fields
    return [row_attr(field) for field in default[:SHOWN_COLUMNS]]


def python_sync(interface: Interface) -> Example:
    call = _python_call(f"client.{interface.api_name}", [*_python_arguments(interface), f"max_rows={MAX_ROWS}"])
    attributes = ", ".join(f"row.{attr}" for attr in _shown_columns(interface))
    code = "\n".join(
        [
            "from tushare_typed import TushareClient",
            "",
            "with TushareClient() as client:  # the token: TUSHARE_TOKEN or `tushare-typed token set`",
            _indent(f"response = {call}", 4),
            "for row in response.rows:",
            f"    print({attributes})",
        ]
    )
    return Example(kind="python-sync", label="Python", language="python", code=code)


def python_async(interface: Interface) -> Example:
    call = _python_call(f"client.{interface.api_name}", [*_python_arguments(interface), f"max_rows={MAX_ROWS}"])
    code = "\n".join(
        [
            "import asyncio",
            "",
            "from tushare_typed import AsyncTushareClient",
            "",
            "",
            "async def main() -> None:",
            "    async with AsyncTushareClient() as client:",
            _indent(f"response = await {call}", 8),
            "    print(response.to_dicts())",
            "",
            "",
            "asyncio.run(main())",
        ]
    )
    return Example(kind="python-async", label="Python (async)", language="python", code=code)


def pro_api(interface: Interface) -> Example:
    """The SDK's habit through the compatible layer: the same arguments, a complete DataFrame."""
    call = _python_call(f"pro.{interface.api_name}", [*_python_arguments(interface), f"limit={MAX_ROWS}"])
    code = "\n".join(
        [
            "import tushare_typed as ts",
            "",
            "pro = ts.pro_api()  # as with the SDK, but every page, checked arguments, the encrypted token store",
            f"frame = {call}",
            "print(frame.head())",
        ]
    )
    return Example(kind="pro-api", label="pro_api (SDK habit)", language="python", code=code)


def _cli_value(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def cli(interface: Interface) -> Example:
    words = ["tushare-typed", "exec", interface.api_name]
    for name, value in example_arguments(interface).items():
        words += ["-p", shlex.quote(f"{name}={_cli_value(value)}")]
    fields = [field.name for field in interface.fields if field.default][:SHOWN_COLUMNS]
    if fields:
        words += ["--fields", shlex.quote(",".join(fields))]
    words += ["--max-rows", str(MAX_ROWS)]
    return Example(kind="cli", label="CLI", language="sh", code=" ".join(words))


def mcp(interface: Interface) -> Example:
    # The server's default (discovery) mode calls any interface through one tool; `--mode full` also serves the
    # interface as a tool of its own name taking the same arguments flat.
    arguments: dict[str, Any] = {
        "api_name": interface.api_name,
        "params": example_arguments(interface),
        "max_rows": MAX_ROWS,
    }
    request = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": "call_interface", "arguments": arguments},
    }
    code = json.dumps(request, ensure_ascii=False, indent=2)
    return Example(kind="mcp", label="MCP tool call", language="json", code=code)


BUILDERS: tuple[Callable[[Interface], Example], ...] = (python_sync, python_async, pro_api, cli, mcp)


def examples(interface: Interface) -> list[Example]:
    return [build(interface) for build in BUILDERS]
