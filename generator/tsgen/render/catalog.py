"""`catalog.json`: the per-interface facts the client runtime needs (format in generated_client/README.md)."""

from __future__ import annotations

from typing import Any

from tsgen.jsonfile import dumps
from tsgen.model import Interface, RateLimitRule
from tsgen.render.metadata import Metadata
from tsgen.render.naming import row_attr
from tsgen.render.typetext import closed_enum

CATALOG_VERSION = 1


def runtime_rate_limits(rules: list[RateLimitRule]) -> list[dict[str, Any]]:
    """Quotas as the limiter reads them: tiers bounded by the next tier of the same period; a tier stated as
    unlimited bounds the one below it and is itself no quota."""
    limits = []
    for rule in rules:
        if rule.calls is None:
            continue
        higher = [
            other.min_points
            for other in rules
            if other.period == rule.period
            and other.min_points is not None
            and (rule.min_points is None or other.min_points > rule.min_points)
        ]
        limits.append(
            {
                "calls": rule.calls,
                "period": float(rule.period_seconds),
                "min_points": rule.min_points,
                "max_points": min(higher) - 1 if higher else None,
            }
        )
    return limits


def _interface(interface: Interface) -> dict[str, Any]:
    return {
        "api_name": interface.api_name,
        "title": interface.title,
        "description": interface.description,
        "category": interface.category,
        "points": interface.points,
        "permission": interface.permission.model_dump() if interface.permission else None,
        "row_limit": interface.row_limit,
        "paging": interface.paging,
        "keys": interface.keys,
        "keys_absent_reason": interface.keys_absent_reason,
        "sync": interface.sync.model_dump() if interface.sync else None,
        "sync_absent_reason": interface.sync_absent_reason,
        "param_groups": [{"kind": g.kind, "params": g.params} for g in interface.param_groups],
        "rate_limits": runtime_rate_limits(interface.rate_limits),
        "params": [
            {
                "name": p.name,
                "type": p.type,
                "python_type": p.python_type,
                "required": p.required,
                "description": p.description,
                "enum": closed_enum(p),
                "format": p.format,
                "multi": p.multi,
            }
            for p in interface.params
        ],
        "fields": [
            {
                "name": f.name,
                "attr": row_attr(f),
                "type": f.type,
                "python_type": f.python_type,
                "default": f.default,
                "description": f.description,
            }
            for f in interface.fields
        ],
    }


def catalog_json(metadata: Metadata) -> str:
    interfaces = {i.api_name: _interface(i) for i in metadata.http_interfaces}
    return dumps({"version": CATALOG_VERSION, "interfaces": interfaces})
