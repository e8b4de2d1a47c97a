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
from typing import Any, Final

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


SYNC_SHAPES: Final = frozenset({"trade_day", "period", "code", "window", "snapshot", "day", "week", "month", "each"})


@dataclass(frozen=True, slots=True)
class SyncSpec:
    """How a local store fetches an interface's history in slices (see the metadata model's ``SyncPlan``)."""

    shape: str
    param: str | None = None
    start_param: str | None = None
    end_param: str | None = None
    codes_from: str | None = None
    date_column: str | None = None
    value_format: str | None = None  # strftime of each slice's value (day/week/month); %Y%m%d when None
    values: tuple[str, ...] = ()  # the slices' values (shape each)


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
    keys_absent_reason: str | None = None  # why the rows have no identity (the store then replaces slices whole)
    sync: SyncSpec | None = None
    sync_absent_reason: str | None = None
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
        from ._internal.catalog_parse import parse_interface  # here: catalog_parse imports the spec classes above

        interfaces = {name: parse_interface(name, raw) for name, raw in raw_interfaces.items()}
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
