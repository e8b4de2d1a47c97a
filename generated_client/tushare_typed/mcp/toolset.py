"""The tools of ``tools.json`` (written by ``tsgen build``) and the checking of call arguments against them.

``tools.json`` groups the tools as ``discovery`` (the default mode's search/describe/call), ``interfaces`` (one per
tushare interface: full mode's tools, and in every mode the schema ``call_interface`` checks ``params`` against) and
``composites`` (``pro_bar``, served in both modes). ``discovery_tools.json`` holds the ``discovery`` and
``composites`` groups alone: parsing it takes a small fraction of the 2 MB ``tools.json``, so the default mode
lists its tools before reading the interfaces' schemas.

The MCP SDK does not check tool arguments against ``inputSchema``, so the server does it here, before any call
reaches tushare. Arguments are checked with ``jsonschema`` (installed with the ``mcp`` extra), and every problem is
turned into a message that names the argument and says how to fix it, so that a model can correct its call.
"""

from __future__ import annotations

import difflib
import functools
import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, Final

from .bounds import MAX_ARGUMENT_CHARS, MAX_NAME_CHARS, shorten, text_size

__all__ = [
    "DISCOVERY_RESOURCE",
    "TOOLS_RESOURCE",
    "ArgumentProblem",
    "ToolSet",
    "UnknownToolError",
    "load_toolset",
    "oversized_arguments",
]

TOOLS_RESOURCE: Final = "tools.json"
DISCOVERY_RESOURCE: Final = "discovery_tools.json"
GROUPS: Final = ("discovery", "interfaces", "composites")
# The one argument that holds arguments: call_interface's `params`.
_NESTED: Final = "params"
# Characters of a schema error's own message (which repeats the value) shown when no describer fits.
_MESSAGE_CHARS: Final = 200

# The format the generator states with each pattern, shown instead of the bare regular expression.
_PATTERN_HINTS: Final = {
    r"^\d{8}$": "a date as YYYYMMDD, e.g. 20240131",
    r"^\d{6}$": "a month as YYYYMM, e.g. 202401",
    r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$": "a date-time as 'YYYY-MM-DD HH:MM:SS', e.g. '2024-01-31 09:30:00'",
    "^([DWM]|[0-9]+min)$": "D, W, M, or minutes such as 5min",
    r"^\d{6}\.(SH|SZ|BJ)$": "an A-share code in tushare form, e.g. 000001.SZ",
}
_JSON_TYPES: Final = {
    "null": "null",
    "boolean": "a boolean",
    "integer": "an integer",
    "number": "a number",
    "string": "a string",
    "array": "an array",
    "object": "an object",
}


class UnknownToolError(LookupError):
    """No tool of that name; ``suggestions`` holds the closest names."""

    def __init__(self, name: str, suggestions: Sequence[str]) -> None:
        super().__init__(name)
        self.name = name
        self.suggestions = tuple(suggestions)

    def __str__(self) -> str:
        message = f"unknown tool {shorten(self.name)}"
        if self.suggestions:
            message += "; did you mean " + " or ".join(repr(name) for name in self.suggestions) + "?"
        return message


@dataclass(frozen=True, slots=True)
class ArgumentProblem:
    """One thing wrong with a call's arguments: which argument, what is wrong, what to do."""

    argument: str
    message: str
    fix: str

    def as_dict(self) -> dict[str, str]:
        return {"argument": self.argument, "message": self.message, "fix": self.fix}

    def __str__(self) -> str:
        return f"{self.argument}: {self.message}. Fix: {self.fix}."


class ToolSet:
    """The tools, in manifest order, with one argument validator per tool compiled on first use; `groups` names
    the tools of each group of ``tools.json``."""

    def __init__(self, tools: Sequence[Mapping[str, Any]], groups: Mapping[str, Sequence[str]] | None = None) -> None:
        self.tools: tuple[Mapping[str, Any], ...] = tuple(tools)
        self._by_name = {str(tool["name"]): tool for tool in self.tools}
        self.groups = {group: tuple(names) for group, names in (groups or {}).items()}
        self._validators: dict[str, Any] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_json(cls, text: str | bytes) -> ToolSet:
        document = json.loads(text)
        present = [group for group in GROUPS if group in document]
        tools = [tool for group in present for tool in document[group]]
        return cls(tools, {group: [str(tool["name"]) for tool in document[group]] for group in present})

    def group(self, name: str) -> tuple[Mapping[str, Any], ...]:
        """The tools of one group of ``tools.json``, in its order."""
        return tuple(self._by_name[tool] for tool in self.groups.get(name, ()))

    def __len__(self) -> int:
        return len(self.tools)

    def names(self) -> tuple[str, ...]:
        return tuple(self._by_name)

    def get(self, name: str) -> Mapping[str, Any]:
        try:
            return self._by_name[name]
        except KeyError:
            close = difflib.get_close_matches(name, list(self._by_name), n=3, cutoff=0.6)
            raise UnknownToolError(name, close) from None

    def problems(self, name: str, arguments: Mapping[str, Any]) -> list[ArgumentProblem]:
        """Everything wrong with `arguments` for the tool `name`, most basic first; empty when they are valid."""
        tool = self.get(name)
        errors = sorted(self._validator(name).iter_errors(arguments), key=_error_order)
        properties: Mapping[str, Any] = tool["inputSchema"].get("properties", {})
        problems = [problem for error in errors for problem in _describe(error, properties, name)]
        return list(dict.fromkeys(problems))

    def _validator(self, name: str) -> Any:
        # Compiling a validator costs far more than running it; tools.json has hundreds of tools and a
        # session uses a few, so each is compiled when first called.
        with self._lock:
            validator = self._validators.get(name)
            if validator is None:
                # Imported here: jsonschema is slow to import, and a server lists its tools before any call.
                from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

                validator = self._validators[name] = Draft202012Validator(self._by_name[name]["inputSchema"])
            return validator


def oversized_arguments(arguments: Mapping[str, Any], prefix: str = "") -> list[ArgumentProblem]:
    """Each argument whose name or text is longer than :mod:`.bounds` allows, with its fix; empty when all fit.
    Checked before the schema, so that no check (and no error message) ever handles an unbounded value."""
    problems: list[ArgumentProblem] = []
    for name, value in arguments.items():
        if len(name) > MAX_NAME_CHARS:
            message = f"is not an argument: names have at most {MAX_NAME_CHARS} characters"
            problems.append(ArgumentProblem(f"{prefix}{shorten(name)}", message, "remove it"))
        elif not prefix and name == _NESTED and isinstance(value, Mapping):
            problems += oversized_arguments(value, f"{_NESTED}.")
        elif (size := text_size(value)) > MAX_ARGUMENT_CHARS:
            message = f"holds {size} characters of text, more than the {MAX_ARGUMENT_CHARS} an argument may hold"
            fix = "pass a shorter value (split a long code list over several calls)"
            problems.append(ArgumentProblem(f"{prefix}{name}", message, fix))
    return problems


@functools.cache
def load_toolset(resource: str = TOOLS_RESOURCE) -> ToolSet:
    """The package's ``mcp/tools.json`` (or ``mcp/discovery_tools.json``), read once per process."""
    package = __package__ or __name__.rpartition(".")[0]
    return ToolSet.from_json(resources.files(package).joinpath(resource).read_bytes())


# --- turning schema errors into fixes ----------------------------------------------------------------------------


def _error_order(error: Any) -> tuple[str, int, str]:
    # Whole-call problems (missing or unknown arguments) first, then argument by argument in name order.
    path = [str(part) for part in error.absolute_path]
    return (path[0] if path else "", len(path), "/".join(path))


def _argument_name(path: Sequence[Any]) -> str:
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "arguments"


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _describe(error: Any, properties: Mapping[str, Any], tool: str) -> list[ArgumentProblem]:
    keyword = error.validator
    if keyword == "required":
        return [_missing(name, properties) for name in error.validator_value if name not in error.instance]
    if keyword == "additionalProperties" and isinstance(error.instance, Mapping):
        return [_unknown(name, properties, tool) for name in error.instance if name not in properties]
    argument = _argument_name(error.absolute_path)
    describe = _DESCRIBERS.get(keyword)
    if describe is None:
        message = error.message if len(error.message) <= _MESSAGE_CHARS else error.message[:_MESSAGE_CHARS] + "..."
        return [ArgumentProblem(argument, message, f"see the inputSchema of {tool} for {argument}")]
    return [describe(argument, error, tool)]


def _missing(name: str, properties: Mapping[str, Any]) -> ArgumentProblem:
    about = properties.get(name, {}).get("description", "")
    return ArgumentProblem(name, "this required argument is missing", f"pass {name}" + (f" ({about})" if about else ""))


def _unknown(name: str, properties: Mapping[str, Any], tool: str) -> ArgumentProblem:
    close = difflib.get_close_matches(name, list(properties), n=1, cutoff=0.6)
    fix = f"use {close[0]!r} instead" if close else "remove it"
    return ArgumentProblem(name, f"{tool} has no such argument", f"{fix}; the arguments are {', '.join(properties)}")


def _wrong_type(argument: str, error: Any, tool: str) -> ArgumentProblem:
    expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
    wanted = " or ".join(_JSON_TYPES.get(str(kind), str(kind)) for kind in expected)
    got = f"got {_json_type(error.instance)} {_shown(error.instance)}"
    return ArgumentProblem(argument, f"must be {wanted}, {got}", f"pass {wanted}")


def _not_allowed(argument: str, error: Any, tool: str) -> ArgumentProblem:
    allowed = ", ".join(str(value) for value in error.validator_value)
    if argument.startswith("fields["):
        return ArgumentProblem(argument, f"{_shown(error.instance)} is not a column of {tool}", f"use {allowed}")
    return ArgumentProblem(argument, f"{_shown(error.instance)} is not an allowed value", f"use one of {allowed}")


def _bad_format(argument: str, error: Any, tool: str) -> ArgumentProblem:
    hint = _PATTERN_HINTS.get(error.validator_value, f"a string matching {error.validator_value}")
    return ArgumentProblem(argument, f"{_shown(error.instance)} has the wrong format", f"pass {hint}")


def _too_small(argument: str, error: Any, tool: str) -> ArgumentProblem:
    return ArgumentProblem(argument, f"{_shown(error.instance)} is too small", f"pass at least {error.validator_value}")


def _too_large(argument: str, error: Any, tool: str) -> ArgumentProblem:
    return ArgumentProblem(argument, f"{_shown(error.instance)} is too large", f"pass at most {error.validator_value}")


def _too_many(argument: str, error: Any, tool: str) -> ArgumentProblem:
    return ArgumentProblem(argument, "has too many items", f"pass at most {error.validator_value}")


def _too_short(argument: str, error: Any, tool: str) -> ArgumentProblem:
    return ArgumentProblem(argument, "is empty", "pass a non-empty value")


def _duplicates(argument: str, error: Any, tool: str) -> ArgumentProblem:
    return ArgumentProblem(argument, "lists the same value more than once", "list each value once")


_DESCRIBERS: Final = {
    "type": _wrong_type,
    "enum": _not_allowed,
    "pattern": _bad_format,
    "minimum": _too_small,
    "maximum": _too_large,
    "maxItems": _too_many,
    "minLength": _too_short,
    "uniqueItems": _duplicates,
}
