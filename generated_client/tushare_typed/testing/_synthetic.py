"""The emulator's small shared pieces: which columns a request selects, its integer parameters, and the cheap
deterministic hash (splitmix64) that faults and the synthetic data (:mod:`._data`) draw from."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from ..catalog import InterfaceSpec

MASK64: Final = (1 << 64) - 1
GOLDEN: Final = 0x9E3779B97F4A7C15  # 2**64 / golden ratio: spreads consecutive integers over 64 bits
#: The longest parameter value the emulator reads, and the most codes one request may name: a reply is then
#: bounded by the row cap and the width of its columns, whatever a caller sends.
MAX_PARAM_CHARS: Final = 16_384
MAX_CODES: Final = 1_000


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


@functools.lru_cache(maxsize=65_536)
def stable_hash(text: str) -> int:
    """A 64-bit hash of ``text`` that agrees between runs and processes (``hash()`` is salted per process)."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def check_sizes(params: Mapping[str, Any]) -> None:
    """A ValueError (answered as a tushare parameter error) for a parameter too long or too many codes."""
    for name, value in params.items():
        text = value if isinstance(value, str) else str(value)
        if len(text) > MAX_PARAM_CHARS:
            raise ValueError(f"{name} 超过 {MAX_PARAM_CHARS} 个字符 ({len(text)})")
    codes = params.get("ts_code")
    if isinstance(codes, str) and codes.count(",") >= MAX_CODES:
        raise ValueError(f"ts_code 最多 {MAX_CODES} 个代码 ({codes.count(',') + 1})")
