"""Parsing the decoded ``catalog.json`` into the frozen spec classes of :mod:`tushare_typed.catalog`, rejecting a
malformed entry with a message naming the interface and key at fault. Standard library only, like the catalog."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, TypeVar

from ..catalog import (
    PYTHON_TYPES,
    SYNC_SHAPES,
    CatalogError,
    FieldSpec,
    InterfaceSpec,
    ParamGroupSpec,
    ParamSpec,
    PermissionSpec,
    RateLimitSpec,
    SyncSpec,
)

__all__ = ["parse_interface"]


def parse_interface(name: str, raw: Any) -> InterfaceSpec:
    where = f"interface {name!r}"
    obj = _as_mapping(raw, where)
    api_name = _get(obj, "api_name", str, where, default=name)
    if api_name != name:
        raise CatalogError(f"{where}: api_name {api_name!r} differs from its key")
    spec = InterfaceSpec(
        api_name=api_name,
        title=_get(obj, "title", str, where, default=""),
        description=_get(obj, "description", str, where, default=""),
        category=tuple(_str_list(obj.get("category"), f"{where}.category")),
        points=_get_optional_int(obj, "points", where),
        row_limit=_get_optional_int(obj, "row_limit", where),
        paging=_get(obj, "paging", bool, where, default=False),
        rate_limits=tuple(
            _parse_rate_limit(item, f"{where}.rate_limits[{i}]")
            for i, item in enumerate(_list(obj.get("rate_limits"), f"{where}.rate_limits"))
        ),
        params=tuple(
            _parse_param(item, f"{where}.params[{i}]")
            for i, item in enumerate(_list(obj.get("params"), f"{where}.params"))
        ),
        fields=tuple(
            _parse_field(item, f"{where}.fields[{i}]")
            for i, item in enumerate(_list(obj.get("fields"), f"{where}.fields"))
        ),
        keys=tuple(_str_list(obj.get("keys"), f"{where}.keys")),
        keys_absent_reason=_get_optional_str(obj, "keys_absent_reason", where),
        sync=None if obj.get("sync") is None else _parse_sync(obj["sync"], f"{where}.sync"),
        sync_absent_reason=_get_optional_str(obj, "sync_absent_reason", where),
        param_groups=tuple(
            _parse_group(item, f"{where}.param_groups[{i}]")
            for i, item in enumerate(_list(obj.get("param_groups"), f"{where}.param_groups"))
        ),
        permission=None
        if obj.get("permission") is None
        else _parse_permission(obj["permission"], f"{where}.permission"),
        title_en=_get(obj, "title_en", str, where, default=""),
        keywords=tuple(_str_list(obj.get("keywords"), f"{where}.keywords")),
        version=_get(obj, "version", int, where, default=1),
        changed_in=_get(obj, "changed_in", str, where, default=""),
        changed_at=_get_optional_str(obj, "changed_at", where),
    )
    unknown_members = sorted({n for g in spec.param_groups for n in g.params} - {p.name for p in spec.params})
    if unknown_members:
        raise CatalogError(f"{where}: parameter groups name {unknown_members}, which are not its parameters")
    unknown_keys = sorted(set(spec.keys) - set(spec.field_names))
    if unknown_keys:
        raise CatalogError(f"{where}: keys {unknown_keys} are not among its fields")
    return spec


def _parse_group(raw: Any, where: str) -> ParamGroupSpec:
    obj = _as_mapping(raw, where)
    kind = _get(obj, "kind", str, where, default="any")
    if kind not in ("any", "one"):
        raise CatalogError(f"{where}: group kind {kind!r} is not 'any' or 'one'")
    return ParamGroupSpec(params=tuple(_str_list(obj.get("params"), f"{where}.params")), kind=kind)


def _parse_permission(raw: Any, where: str) -> PermissionSpec:
    obj = _as_mapping(raw, where)
    return PermissionSpec(
        separate=_get(obj, "separate", bool, where),
        base_tier=_get(obj, "base_tier", bool, where, default=False),
        trial_points=_get_optional_int(obj, "trial_points", where),
        text=_get(obj, "text", str, where, default=""),
    )


def _parse_sync(raw: Any, where: str) -> SyncSpec:
    obj = _as_mapping(raw, where)
    shape = _get(obj, "shape", str, where)
    if shape not in SYNC_SHAPES:
        raise CatalogError(f"{where}: unknown sync shape {shape!r} (one of {', '.join(sorted(SYNC_SHAPES))})")
    return SyncSpec(
        shape=shape,
        param=_get_optional_str(obj, "param", where),
        start_param=_get_optional_str(obj, "start_param", where),
        end_param=_get_optional_str(obj, "end_param", where),
        codes_from=_get_optional_str(obj, "codes_from", where),
        date_column=_get_optional_str(obj, "date_column", where),
        value_format=_get_optional_str(obj, "value_format", where),
        values=tuple(_str_list(obj.get("values", []), f"{where}.values")),
    )


def _parse_rate_limit(raw: Any, where: str) -> RateLimitSpec:
    obj = _as_mapping(raw, where)
    calls = _get(obj, "calls", int, where)
    period = obj.get("period")
    if not isinstance(period, int | float) or isinstance(period, bool) or period <= 0 or calls < 1:
        raise CatalogError(f"{where}: needs calls >= 1 and period > 0, got {calls!r}/{period!r}")
    return RateLimitSpec(
        calls=calls,
        period=float(period),
        min_points=_get_optional_int(obj, "min_points", where),
        max_points=_get_optional_int(obj, "max_points", where),
    )


def _parse_param(raw: Any, where: str) -> ParamSpec:
    obj = _as_mapping(raw, where)
    enum = obj.get("enum")
    return ParamSpec(
        name=_get(obj, "name", str, where),
        type=_get(obj, "type", str, where, default="str"),
        python_type=_python_type(obj, where),
        required=_get(obj, "required", bool, where, default=False),
        description=_get(obj, "description", str, where, default=""),
        enum=None if enum is None else tuple(_str_list(enum, f"{where}.enum")),
        format=_get_optional_str(obj, "format", where),
        multi=_get(obj, "multi", bool, where, default=False),
    )


def _parse_field(raw: Any, where: str) -> FieldSpec:
    obj = _as_mapping(raw, where)
    name = _get(obj, "name", str, where)
    return FieldSpec(
        name=name,
        attr=_get(obj, "attr", str, where, default=name),
        type=_get(obj, "type", str, where, default="str"),
        python_type=_python_type(obj, where),
        default=_get(obj, "default", bool, where, default=True),
        description=_get(obj, "description", str, where, default=""),
        label=_get(obj, "label", str, where, default=name),
    )


def _python_type(obj: Mapping[str, Any], where: str) -> str:
    value = _get(obj, "python_type", str, where, default="str")
    if value not in PYTHON_TYPES:
        raise CatalogError(f"{where}: python_type {value!r} is not one of {sorted(PYTHON_TYPES)}")
    return value


def _as_mapping(raw: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise CatalogError(f"{where}: expected an object, got {type(raw).__name__}")
    return raw


def _list(raw: Any, where: str) -> list[Any]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise CatalogError(f"{where}: expected a list, got {type(raw).__name__}")
    return raw


def _str_list(raw: Any, where: str) -> list[str]:
    items = _list(raw, where)
    if not all(isinstance(item, str) for item in items):
        raise CatalogError(f"{where}: expected a list of strings")
    return items


_MISSING: Final = object()
_T = TypeVar("_T")


def _get(obj: Mapping[str, Any], key: str, kind: type[_T], where: str, default: Any = _MISSING) -> _T:
    value = obj.get(key, _MISSING)
    if value is _MISSING or (value is None and default is not _MISSING):
        if default is _MISSING:
            raise CatalogError(f"{where}: missing {key!r}")
        return default  # type: ignore[no-any-return]
    # bool is an int subclass; a JSON true must not pass for a count.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise CatalogError(f"{where}.{key}: expected {kind.__name__}, got {value!r}")
    return value


def _get_optional_int(obj: Mapping[str, Any], key: str, where: str) -> int | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise CatalogError(f"{where}.{key}: expected an integer or null, got {value!r}")
    return value


def _get_optional_str(obj: Mapping[str, Any], key: str, where: str) -> str | None:
    value = obj.get(key)
    if value is None or isinstance(value, str):
        return value
    raise CatalogError(f"{where}.{key}: expected a string or null, got {value!r}")
