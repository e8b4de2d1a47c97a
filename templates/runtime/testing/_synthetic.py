"""The emulator's small shared pieces: which columns a request selects, its integer parameters, and the cheap
deterministic hash (splitmix64) that faults and the synthetic data (:mod:`._data`) draw from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from ..catalog import InterfaceSpec

MASK64: Final = (1 << 64) - 1
GOLDEN: Final = 0x9E3779B97F4A7C15  # 2**64 / golden ratio: spreads consecutive integers over 64 bits


def select_fields(spec: InterfaceSpec, fields: str | Sequence[str]) -> list[str]:
    wanted = [f.strip() for f in fields.split(",")] if isinstance(fields, str) else list(fields)
    wanted = [f for f in wanted if f]
    if not wanted:
        return list(spec.default_fields or spec.field_names)
    known = set(spec.field_names)
    # Like the server: unknown names are ignored, known ones come back in the order asked.
    return [name for name in dict.fromkeys(wanted) if name in known]


def mix(value: int) -> int:
    """splitmix64's finaliser: a cheap, well-spread 64-bit hash of an integer."""
    value = (value + GOLDEN) & MASK64
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & MASK64
    return value ^ (value >> 31)


def unit_float(value: int) -> float:
    return (value >> 11) / float(1 << 53)


def int_param(params: Mapping[str, Any], name: str, default: int) -> int:
    value = params.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an integer, got {value!r}") from None
