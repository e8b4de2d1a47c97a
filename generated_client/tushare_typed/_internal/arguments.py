"""Argument rules shared by every front end (typed methods, ``query()``, the compatibility layer, the CLI and the
MCP server), so that one call is accepted or refused the same way wherever it is made.

- dates: whatever :func:`~.wire.to_wire_date` accepts (``20240131``, ``2024-01-31``, a ``datetime.date``) is
  sent as ``YYYYMMDD``;
- a ``start_*`` date after its ``end_*`` date is a :class:`~tushare_typed.errors.ParameterError`;
- a column name an interface does not have is a :class:`~tushare_typed.errors.ParameterError` naming the closest ones.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..errors import ParameterError
from .suggest import closest

__all__ = [
    "check_date_order",
    "check_fields",
    "dates_on_the_wire",
    "normalize_dates",
    "prepare_query",
    "split_names",
]

# Pairs of parameters that bound one date range, as tushare names them.
_RANGES = (("start_date", "end_date"), ("start_m", "end_m"), ("ann_date_start", "ann_date_end"))


def split_names(names: str | Sequence[str] | None) -> list[str] | None:
    """``"a, b"`` or ``["a", "b"]`` → ``["a", "b"]``; nothing given → None."""
    if names is None:
        return None
    if isinstance(names, str):
        parts = names.split(",")
    elif isinstance(names, Sequence) and all(isinstance(part, str) for part in names):
        parts = list(names)
    else:
        raise ParameterError(
            f"field names must be strings, got {names!r}",
            remediation="pass fields as column names: ['ts_code', 'close'] or 'ts_code,close'",
        )
    cleaned = [part.strip() for part in parts if part.strip()]
    return cleaned or None


def check_fields(api_name: str, fields: Sequence[str], known: Sequence[str]) -> None:
    """Refuse column names ``api_name`` does not have, suggesting the closest for each."""
    refuse_unknown(api_name, "column", [name for name in fields if name not in known], known)


def refuse_unknown(api_name: str, kind: str, unknown: Sequence[str], known: Sequence[str]) -> None:
    """A ``ParameterError`` for the ``kind`` names (column, parameter) ``api_name`` does not have, each with the
    closest known name; nothing when ``unknown`` is empty."""
    if not unknown:
        return
    described = []
    for name in unknown:
        near = closest(name, known, n=1)
        described.append(repr(name) + (f" (did you mean {near[0]!r}?)" if near else ""))
    raise ParameterError(
        f"{api_name} has no {kind} {', '.join(described)}",
        remediation=f"use the {kind} names of {api_name}: {', '.join(known)}",
        api_name=api_name,
    )


def normalize_dates(
    params: Mapping[str, Any], date_params: Iterable[str], api_name: str | None = None
) -> dict[str, Any]:
    """``params`` with every date parameter in its wire form (``YYYYMMDD``); a value that is not a date is a
    :class:`~tushare_typed.errors.ParameterError` naming the parameter and the accepted forms."""
    dates = set(date_params)
    normalized = dict(params)
    for name, value in params.items():
        if name in dates and value is not None and value != "":
            try:
                normalized[name] = _wire_date(value)
            except ValueError as error:
                raise ParameterError(
                    f"{name}: {error}",
                    remediation=f"pass {name} as YYYYMMDD or YYYY-MM-DD, e.g. 20240131 or 2024-01-31",
                    api_name=api_name,
                ) from None
    return normalized


def check_date_order(params: Mapping[str, Any], api_name: str | None = None) -> None:
    """Refuse a range whose start is after its end (both in wire form, so they compare as text)."""
    for start, end in _RANGES:
        first, last = params.get(start), params.get(end)
        if isinstance(first, str) and isinstance(last, str) and first and last and first > last:
            raise ParameterError(
                f"{start}={first} is after {end}={last}",
                remediation=f"swap them, or pass a {start} on or before {end}",
                api_name=api_name,
            )


def prepare_query(
    api_name: str, fields: str | Sequence[str] | None, params: Mapping[str, Any]
) -> tuple[list[str] | None, dict[str, Any]]:
    """The untyped ``query()``'s fields and parameters under the same rules as the typed methods, for an interface
    the metadata knows (an unknown one — newer than the metadata — goes out as given)."""
    from ..catalog import load_catalog

    names = split_names(fields)
    catalog = load_catalog()
    if api_name not in catalog:
        return names, dict(params)
    spec = catalog.get(api_name)
    if names is not None:
        check_fields(api_name, names, spec.field_names)
    dates = [param.name for param in spec.params if param.python_type == "date"]
    wire = normalize_dates(params, dates, api_name)
    check_date_order(wire, api_name)
    return names, wire


def dates_on_the_wire(api_name: str, arguments: Mapping[str, Any]) -> dict[str, Any]:
    """``arguments`` with each date parameter of ``api_name`` that :func:`~.wire.to_wire_date` accepts in its
    wire form, for front ends that validate against the wire format afterwards (the MCP server's JSON Schema):
    they then accept ``2024-01-31`` as the client does, and still report a value that is no date."""
    from ..catalog import load_catalog

    catalog = load_catalog()
    if api_name not in catalog:
        return dict(arguments)
    dates = {param.name for param in catalog.get(api_name).params if param.python_type == "date"}
    converted = dict(arguments)
    for name in dates & converted.keys():
        with contextlib.suppress(ValueError):
            converted[name] = _wire_date(converted[name])
    return converted


def _wire_date(value: Any) -> str:
    # Imported on use: the wire module loads pydantic, which importing these rules (compat, hints) must not.
    from .wire import to_wire_date

    return to_wire_date(value)
