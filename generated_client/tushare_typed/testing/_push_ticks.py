"""The push emulator's records: for a topic, a code and a sequence number, one record of the topic's type, the same
for the same seed. Prices wander within a percent of a per-code base, the book is ordered around the last price
(asks above, bids below), cumulative volume and amount only grow, ticks come every 3 s and bars every minute from
the session's open. Wildcard codes are expanded over a fixed universe of codes per exchange.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
import typing
from functools import cache
from typing import Any, Final

from ..push._records import TOPICS
from ._synthetic import GOLDEN, mix, stable_hash, unit_float

__all__ = ["UNIVERSE", "expand_codes", "record", "wire_code"]

_OPEN: Final = dt.datetime(2024, 12, 31, 9, 30)
_LEVEL: Final = re.compile(r"^(ask|bid)_(price|volume)(\d+)$")
#: What a wildcard expands over: 60 Shanghai and 60 Shenzhen stocks, 4 indexes, futures and options.
UNIVERSE: Final = (
    *(f"{600000 + i:06d}.SH" for i in range(60)),
    *(f"{1 + i:06d}.SZ" for i in range(60)),
    *("000001.SH", "000300.SH", "399001.SZ", "399006.SZ"),
    *("CU2501.SHF", "AL2501.SHF", "IF2501.CFX", "RB2505.SHF"),
    *("10007001.SH", "10007002.SH", "90004001.SZ"),
)


def expand_codes(codes: list[str]) -> list[str]:
    """Subscribed codes with every wildcard replaced by the universe's codes it matches (minute topics keep their
    ``FREQ:`` prefix), in order, once each."""
    expanded: list[str] = []
    for code in codes:
        prefix, _, bare = code.rpartition(":")
        head = f"{prefix}:" if prefix else ""
        if any(char in bare for char in "*?"):
            expanded += [head + known for known in UNIVERSE if fnmatch.fnmatchcase(known, bare)]
        else:
            expanded.append(code)
    return list(dict.fromkeys(expanded))


def wire_code(code: str) -> str:
    return code.rpartition(":")[2]


@cache
def _fields(topic: str) -> tuple[tuple[str, str], ...]:
    """(wire field name, kind) of a topic's record; the generated attribute ``count_`` is the field ``count``."""
    record = TOPICS[topic].record
    hints = typing.get_type_hints(record)
    fields = []
    for attr, name in zip(record._fields, _wire_names(record), strict=True):  # type: ignore[attr-defined]
        hint = hints[attr]
        kinds = [arg for arg in typing.get_args(hint) if arg is not type(None)] or [hint]
        fields.append((name, {str: "str", int: "int", float: "float", dt.datetime: "datetime"}[kinds[0]]))
    return tuple(fields)


def _wire_names(record: type) -> list[str]:
    return [attr[:-1] if attr.endswith("_") else attr for attr in record._fields]  # type: ignore[attr-defined]


def record(seed: int, topic: str, code: str, n: int) -> dict[str, Any]:
    """The ``n``-th record of ``code`` on ``topic``."""
    bare = wire_code(code)
    base = 5.0 + 95.0 * unit_float(mix(seed * GOLDEN + stable_hash(bare)))
    noise = unit_float(mix(seed * GOLDEN + stable_hash(bare) * 31 + n))
    minutes = topic.endswith("_MIN")
    when = _OPEN + (dt.timedelta(minutes=n + 1) if minutes else dt.timedelta(seconds=3 * n))
    last = round(base * (1.0 + 0.02 * (noise - 0.5)), 2)
    volume = 100 * (37 * (n + 1) + int(30 * noise))
    values: dict[str, Any] = {}
    for name, kind in _fields(topic):
        level = _LEVEL.match(name)
        if name == "ts_code" or name == "instrument_id":
            values[name] = bare
        elif name == "freq":
            values[name] = code.partition(":")[0] if ":" in code else "1MIN"
        elif name == "trade_time":
            values[name] = when.strftime("%Y-%m-%d %H:%M:%S")
        elif kind == "str":
            values[name] = f"名称{bare[:6]}"
        elif level is not None:
            side, what, depth = level.group(1), level.group(2), int(level.group(3))
            sign = 1 if side == "ask" else -1
            values[name] = round(last + sign * 0.01 * depth, 2) if what == "price" else 100 * (depth + n % 7)
        elif name in ("pre_close_price", "pre_price", "open_price", "open", "pre_settle_price"):
            values[name] = round(base, 2)
        elif name in ("count", "num"):
            values[name] = volume // 100
        elif name in ("vol", "volume", "open_int"):
            values[name] = volume if kind == "int" else float(volume)
        elif name == "amount":
            values[name] = int(volume * last) if kind == "int" else round(volume * last, 2)
        elif name in ("high", "high_price", "high_limit_price"):
            values[name] = round(base * (1.1 if "limit" in name else 1.01), 2)
        elif name in ("low", "low_price", "low_limit_price"):
            values[name] = round(base * (0.9 if "limit" in name else 0.99), 2)
        elif kind == "float":
            values[name] = last if ("price" in name or name in ("open", "close", "price")) else round(noise, 4)
        else:
            values[name] = n
    return values
