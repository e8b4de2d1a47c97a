"""`catalog.json`: the per-interface facts the client runtime needs (format in generated_client/README.md)."""

from __future__ import annotations

from typing import Any

from tsgen.jsonfile import dumps
from tsgen.model import Interface, RateLimitRule
from tsgen.render.labels import labels_for
from tsgen.render.metadata import Metadata
from tsgen.render.naming import row_attr
from tsgen.render.search_words import search_words
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


def _interface(interface: Interface, metadata: Metadata) -> dict[str, Any]:
    labels = labels_for(interface, metadata.reviewed.labels.get(interface.api_name, {}))
    title_en, keywords = search_words(interface, metadata.reviewed.search.get(interface.api_name))
    version = metadata.changelog.interfaces.get(interface.api_name) if metadata.changelog else None
    return {
        "api_name": interface.api_name,
        "title": interface.title,
        "title_en": title_en,
        "keywords": keywords,
        "version": version.version if version else 1,
        "changed_in": version.changed_in if version else metadata.index.corpus,
        "changed_at": version.changed_at if version else None,
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
                "label": labels[f.name],
            }
            for f in interface.fields
        ],
    }


def catalog_json(metadata: Metadata) -> str:
    interfaces = {i.api_name: _interface(i, metadata) for i in metadata.http_interfaces}
    return dumps({"version": CATALOG_VERSION, "interfaces": interfaces})
