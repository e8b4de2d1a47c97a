"""How much text a tool call may carry, and how much of it an error may repeat.

A tushare argument is a code list, a date, a few column names: every argument's strings together hold at most
:data:`MAX_ARGUMENT_CHARS` characters (the longest column list of any interface takes under 3,300), and a name (of
a tool, an interface, an argument) at most :data:`MAX_NAME_CHARS`; :func:`.toolset.oversized_arguments` refuses
more before anything else looks at the call. An error names a client's value by :func:`shorten`: a short prefix
and the length, never the whole of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from .._internal.suggest import closest

__all__ = ["MAX_ARGUMENT_CHARS", "MAX_NAME_CHARS", "SHOWN_CHARS", "close_names", "shorten", "text_size"]

#: Characters the strings of one argument may hold together (a comma-separated list of ~400 codes).
MAX_ARGUMENT_CHARS: Final = 4096
#: Characters of a name: a tool's, an interface's, an argument's.
MAX_NAME_CHARS: Final = 128
#: Characters of a client's value that an error message repeats.
SHOWN_CHARS: Final = 40


def shorten(value: str, keep: int = SHOWN_CHARS) -> str:
    """`value` as a repr, cut to its first `keep` characters and its length when longer."""
    if len(value) <= keep:
        return repr(value)
    return f"{value[:keep]!r}... ({len(value)} characters)"


def close_names(name: str, names: Iterable[str]) -> list[str]:
    """The names most like `name` for a "did you mean" hint; none for a name longer than any real one."""
    return [] if len(name) > MAX_NAME_CHARS else closest(name, names)


def text_size(value: Any) -> int:
    """Characters of the strings (object keys included) in a JSON value, walked without recursion."""
    size = 0
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            size += len(item)
        elif isinstance(item, dict):
            size += sum(len(key) for key in item)
            pending += item.values()
        elif isinstance(item, list):
            pending += item
    return size
