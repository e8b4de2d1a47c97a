"""The catalog as the spec's commands and interface metadata: one command per interface, named by its api_name."""

from __future__ import annotations

import difflib

from ..catalog import Catalog, InterfaceSpec, ParamSpec, RateLimitSpec
from ._errors import NotFoundError
from ._schemas import (
    CommandDetailResponse,
    CommandListResponse,
    CommandParameter,
    CommandSummary,
    InterfaceMetadataResponse,
    ResponseField,
)

__all__ = ["command_detail", "command_list", "find", "interface_metadata", "throttle_hint"]

_PERIODS = {60.0: "minute", 3600.0: "hour", 86400.0: "day"}


def find(catalog: Catalog, name: str, kind: str) -> InterfaceSpec:
    spec = catalog.interfaces.get(name)
    if spec is None:
        close = difflib.get_close_matches(name, list(catalog.interfaces), n=3, cutoff=0.6)
        hint = f"did you mean {', '.join(close)}? " if close else ""
        raise NotFoundError(f"no {kind} {name!r}", remediation=f"{hint}list them with GET /mcp/commands")
    return spec


def _source(spec: InterfaceSpec) -> str:
    return "/".join(spec.category)


def _quota(limit: RateLimitSpec) -> str:
    text = f"{limit.calls} calls per {_PERIODS.get(limit.period, f'{limit.period:g} s')}"
    if limit.min_points is not None or limit.max_points is not None:
        low = limit.min_points or 0
        text += f" ({low}–{limit.max_points} points)" if limit.max_points is not None else f" ({low}+ points)"
    return text


def throttle_hint(spec: InterfaceSpec) -> str:
    """Points, quotas and the row cap, as one line."""
    parts = [f"{spec.points} points" if spec.points is not None else "points not documented"]
    parts.append(", ".join(_quota(limit) for limit in spec.rate_limits) or "the account tier's quota")
    parts.append(f"{spec.row_limit} rows per call" if spec.row_limit else "no documented row cap")
    return "; ".join(parts)


def _parameter(param: ParamSpec) -> CommandParameter:
    about = param.description + (f" [one of: {', '.join(param.enum)}]" if param.enum else "")
    return CommandParameter(
        name=param.name, type=param.format or param.python_type, required=param.required, description=about
    )


def command_list(catalog: Catalog, source: str | None, keyword: str | None) -> CommandListResponse:
    """Commands whose category contains ``source`` and whose name, title or description contains ``keyword``."""
    commands = []
    for spec in catalog:
        if source and source.casefold() not in _source(spec).casefold():
            continue
        if keyword and keyword.casefold() not in f"{spec.api_name} {spec.title} {spec.description}".casefold():
            continue
        commands.append(
            CommandSummary(
                command_id=spec.api_name, title=spec.title, source=_source(spec), description=spec.description
            )
        )
    return CommandListResponse(commands=commands)


def _updated_at(spec: InterfaceSpec) -> str | None:
    """The date the metadata recorded the interface's last change, as a UTC date-time (None: never recorded)."""
    return f"{spec.changed_at}T00:00:00Z" if spec.changed_at else None


def command_detail(spec: InterfaceSpec) -> CommandDetailResponse:
    return CommandDetailResponse(
        command_id=spec.api_name,
        description=spec.description,
        parameters=[_parameter(param) for param in spec.params],
        rate_limit_hint=throttle_hint(spec),
        last_updated_at=_updated_at(spec),
        version=spec.version,
        changed_in=spec.changed_in,
    )


def interface_metadata(spec: InterfaceSpec) -> InterfaceMetadataResponse:
    return InterfaceMetadataResponse(
        interface_name=spec.api_name,
        parameters=[_parameter(param) for param in spec.params],
        response_fields=[
            ResponseField(name=f.name, type=f.python_type, description=f.description, label=f.label)
            for f in spec.fields
        ],
        throttle_hint=throttle_hint(spec),
        version=spec.version,
        changed_in=spec.changed_in,
        last_updated_at=_updated_at(spec),
    )
