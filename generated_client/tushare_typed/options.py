"""The per-call options every generated interface method accepts, defined and documented once.

Each method spells them as ``**options: Unpack[CallOptions]`` after the interface's own parameters and ``fields``::

    client.daily(ts_code="000001.SZ", max_rows=1000, timeout=5)
    for page in client.pages.daily(ts_code="000001.SZ", max_pages=3): ...

so a type checker rejects a misspelled option or a value of the wrong type, and a misspelled option passed at
run time (where nothing checks types) fails with a :class:`~.errors.ParameterError` naming it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict, cast

from .errors import ParameterError

__all__ = ["CallOptions"]


class CallOptions(TypedDict, total=False):
    """Paging bounds, the timeout and the deadline of one call; every key is optional.

    - ``offset`` (int, default 0): the row to start from, e.g. an error's ``next_offset`` to resume.
    - ``max_rows`` (int | None, default all): stop after this many rows; the response is then not ``completed``
      and its ``next_offset`` says where to continue.
    - ``max_pages`` (int | None, default all): stop after this many pages (HTTP calls), likewise.
    - ``timeout`` (float | None, default the client's): seconds for each HTTP request of this call (connect,
      headers and the whole body).
    - ``deadline`` (float | None, default none): seconds for the whole call: every page, retry and rate-limit wait.

    A collected call (``client.daily(...)``) and a streamed one (``client.pages.daily(...)``) read them the same
    way.
    """

    offset: int
    max_rows: int | None
    max_pages: int | None
    timeout: float | None
    deadline: float | None


_NAMES = frozenset(CallOptions.__annotations__)


def checked(api_name: str, options: Mapping[str, object]) -> CallOptions:
    """``options`` as given, once every name is known; called by the generated methods before any request."""
    unknown = sorted(set(options) - _NAMES)
    if unknown:
        raise ParameterError(
            f"{api_name}() got unknown argument(s) {', '.join(map(repr, unknown))}",
            remediation=f"use {api_name}'s own parameters, fields=, or the per-call options "
            f"{', '.join(sorted(_NAMES))}; see help(TushareClient.{api_name})",
            api_name=api_name,
        )
    return cast(CallOptions, options)
