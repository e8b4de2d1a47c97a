"""The per-interface facts the runtime needs, loaded from the package's ``catalog.json``.

``tsgen build`` writes ``catalog.json`` next to this module (format: ``generated_client/README.md``). It is read
lazily, on the first :func:`load_catalog` call, through :mod:`importlib.resources` so it also works from a zip, and
parsed into frozen dataclasses. Only the standard library is imported here: this module sits on the import path of
the client and of the pytest plugin, both of which must stay cheap to import.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, TypeVar

__all__ = [
    "PYTHON_TYPES",
    "Catalog",
    "CatalogError",
    "FieldSpec",
    "InterfaceSpec",
    "ParamGroupSpec",
    "ParamSpec",
    "PermissionSpec",
    "RateLimitSpec",
    "UnknownInterfaceError",
    "clear_catalog_cache",
    "load_catalog",
]

CATALOG_VERSION: Final = 1
CATALOG_RESOURCE: Final = "catalog.json"
PYTHON_TYPES: Final = frozenset({"str", "int", "float", "bool", "date", "datetime"})


class CatalogError(ValueError):
    """``catalog.json`` is missing or malformed; the message names the interface and key at fault."""


class UnknownInterfaceError(KeyError):
    """No interface of that name; ``suggestions`` holds the closest known names."""

    def __init__(self, api_name: str, suggestions: Sequence[str]) -> None:
        super().__init__(api_name)
        self.api_name = api_name
        self.suggestions = tuple(suggestions)

    def __str__(self) -> str:
        # KeyError's own __str__ would only repr the key; say what went wrong and what was meant.
        message = f"unknown tushare interface {self.api_name!r}"
        if self.suggestions:
            message += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        return message


@dataclass(frozen=True, slots=True)
class RateLimitSpec:
    """One documented call quota of an interface, for accounts whose points lie in [min_points, max_points]."""

    calls: int
    period: float
    min_points: int | None = None
    max_points: int | None = None

    def applies_to(self, points: int | None) -> bool:
        """Whether the quota holds for an account with ``points`` (unknown points: every quota holds)."""
        if points is None:
            return True
        if self.min_points is not None and points < self.min_points:
            return False
        # max_points is inclusive: where two tiers touch, both apply and the stricter one wins, which is safe.
        return self.max_points is None or points <= self.max_points

    def summary(self) -> str:
        """``500 calls per minute (2000+ points)``: the quota as a person reads it."""
        periods = {60.0: "minute", 3600.0: "hour", 86400.0: "day"}
        text = f"{self.calls} calls per {periods.get(self.period, f'{self.period:g} s')}"
        if self.min_points is not None or self.max_points is not None:
            low = self.min_points if self.min_points is not None else 0
            high = f"–{self.max_points}" if self.max_points is not None else "+"
            text += f" ({low}{high} points)"
        return text


@dataclass(frozen=True, slots=True)
class ParamSpec:
    """One input parameter of an interface."""

    name: str
    type: str
    python_type: str
    required: bool
    description: str = ""
    enum: tuple[str, ...] | None = None
    format: str | None = None
    multi: bool = False


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One output column; ``attr`` is the Python name when the wire name is not an identifier."""

    name: str
    attr: str
    type: str
    python_type: str
    default: bool
    description: str = ""
    #: A short Chinese label for tables people read (``to_pandas(labels="zh")``); the name when none is known.
    label: str = ""


@dataclass(frozen=True, slots=True)
class ParamGroupSpec:
    """Parameters of which a call gives at least one (``kind="any"``) or exactly one (``kind="one"``)."""

    params: tuple[str, ...]
    kind: str = "any"

    def describe(self) -> str:
        quantity = "exactly one" if self.kind == "one" else "at least one"
        return f"give {quantity} of {', '.join(self.params)}"

    def satisfied_by(self, given: Sequence[str]) -> bool:
        count = sum(1 for name in self.params if name in given)
        return count == 1 if self.kind == "one" else count >= 1


@dataclass(frozen=True, slots=True)
class PermissionSpec:
    """Access the docs state apart from points: a separate permission, the base tier, a trial."""

    separate: bool
    base_tier: bool = False
    trial_points: int | None = None
    text: str = ""

    def describe(self) -> str:
        parts = []
        if self.separate:
            parts.append("a separate permission (权限说明) grants access")
        if self.base_tier:
            parts.append("every account (base tier)")
        if self.trial_points is not None:
            parts.append(f"{self.trial_points} points allow a trial look only")
        return "; ".join(parts) or self.text


SYNC_SHAPES: Final = frozenset({"trade_day", "period", "code", "window", "snapshot"})


@dataclass(frozen=True, slots=True)
class SyncSpec:
    """How a local store fetches an interface's history in slices (see the metadata model's ``SyncPlan``)."""

    shape: str
    param: str | None = None
    start_param: str | None = None
    end_param: str | None = None
    codes_from: str | None = None
    date_column: str | None = None


@dataclass(frozen=True, slots=True)
class InterfaceSpec:
    """Everything the runtime knows about one tushare interface."""

    api_name: str
    title: str = ""
    description: str = ""
    category: tuple[str, ...] = ()
    points: int | None = None
    row_limit: int | None = None
    paging: bool = False
    rate_limits: tuple[RateLimitSpec, ...] = ()
    params: tuple[ParamSpec, ...] = ()
    fields: tuple[FieldSpec, ...] = ()
    keys: tuple[str, ...] = ()
    sync: SyncSpec | None = None
    param_groups: tuple[ParamGroupSpec, ...] = ()
    permission: PermissionSpec | None = None
    #: An English title and keywords people search with (see :mod:`tushare_typed.search`).
    title_en: str = ""
    keywords: tuple[str, ...] = ()
    #: One more for every docs release that changed the interface; the release and date (YYYY-MM-DD) of the last.
    version: int = 1
    changed_in: str = ""
    changed_at: str | None = None

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def default_fields(self) -> tuple[str, ...]:
        """The columns the server returns when the request names none."""
        return tuple(f.name for f in self.fields if f.default)

    def field(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(f"{self.api_name} has no output field {name!r}")

    def param(self, name: str) -> ParamSpec:
        for spec in self.params:
            if spec.name == name:
                return spec
        raise KeyError(f"{self.api_name} has no parameter {name!r}")

    def rate_limits_for(self, points: int | None) -> tuple[RateLimitSpec, ...]:
        """The quotas that hold for an account with ``points``."""
        return tuple(limit for limit in self.rate_limits if limit.applies_to(points))


@dataclass(frozen=True, slots=True)
class Catalog:
    """All interfaces by api_name. Read-only; build it with :meth:`from_dict` or :func:`load_catalog`."""

    interfaces: Mapping[str, InterfaceSpec] = field(default_factory=dict)
    version: int = CATALOG_VERSION

    def __post_init__(self) -> None:
        # Freeze the mapping too, so a cached catalog cannot be changed under other users' feet.
        ordered = {name: self.interfaces[name] for name in sorted(self.interfaces)}
        object.__setattr__(self, "interfaces", MappingProxyType(ordered))

    def get(self, api_name: str) -> InterfaceSpec:
        """The interface named ``api_name``; :class:`UnknownInterfaceError` names close matches otherwise."""
        try:
            return self.interfaces[api_name]
        except KeyError:
            from ._internal.suggest import closest

            raise UnknownInterfaceError(api_name, closest(api_name, self.interfaces)) from None

    def names(self) -> tuple[str, ...]:
        return tuple(self.interfaces)

    def __contains__(self, api_name: object) -> bool:
        return api_name in self.interfaces

    def __iter__(self) -> Iterator[InterfaceSpec]:
        return iter(self.interfaces.values())

    def __len__(self) -> int:
        return len(self.interfaces)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Catalog:
        """Parse the decoded ``catalog.json`` object, rejecting malformed entries with a precise message."""
        version = data.get("version")
        if version != CATALOG_VERSION:
            raise CatalogError(f"catalog version {version!r} is not supported (expected {CATALOG_VERSION})")
        raw_interfaces = data.get("interfaces")
        if not isinstance(raw_interfaces, Mapping):
            raise CatalogError("catalog has no 'interfaces' object")
        interfaces = {name: _parse_interface(name, raw) for name, raw in raw_interfaces.items()}
        return cls(interfaces=interfaces, version=version)

    @classmethod
    def from_json(cls, text: str | bytes) -> Catalog:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise CatalogError(f"catalog is not valid JSON: {exc}") from exc
        if not isinstance(data, Mapping):
            raise CatalogError("catalog JSON is not an object")
        return cls.from_dict(data)


_cache: dict[str | None, Catalog] = {}
_cache_lock = threading.Lock()


def load_catalog(path: str | os.PathLike[str] | None = None) -> Catalog:
    """Load and cache a catalog: the package's own ``catalog.json`` by default, or the file at ``path``."""
    key = None if path is None else os.fspath(Path(path).resolve())
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    catalog = Catalog.from_json(_read_catalog_text(key))
    with _cache_lock:
        # Two threads may both have parsed it; keep the first so every caller shares one object.
        return _cache.setdefault(key, catalog)


def clear_catalog_cache() -> None:
    """Forget loaded catalogs (for tests, or after ``tsgen build`` rewrote the file)."""
    with _cache_lock:
        _cache.clear()


def _read_catalog_text(path: str | None) -> str:
    try:
        if path is not None:
            return Path(path).read_text(encoding="utf-8")
        from importlib import resources  # here: it imports tempfile and shutil, which a client's construction skips

        return resources.files(_package_name()).joinpath(CATALOG_RESOURCE).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        where = path or f"package resource {_package_name()}/{CATALOG_RESOURCE}"
        raise CatalogError(f"catalog not found: {where} (it is written by `tsgen build`)") from exc


def _package_name() -> str:
    # The module is copied into the generated package, so its package is only known at run time.
    return __package__ or __name__.rpartition(".")[0]


def _parse_interface(name: str, raw: Any) -> InterfaceSpec:
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
        sync=None if obj.get("sync") is None else _parse_sync(obj["sync"], f"{where}.sync"),
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
