"""Valuation and trading ratios (daily_basic's columns, wherever they appear) in their documented units.

turnover_rate / turnover_rate_f / volume_ratio / dv_ratio are percentages or ratios of a few; pe / pb / ps are
plausible multiples; shares are 万股 (ten thousand shares), fixed per security; market values are 万元 and equal the
day's close times the shares.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from ._synthetic import stable_hash, unit_float

if TYPE_CHECKING:
    from ._data import _Row

__all__ = ["BASIC_MAKERS", "generic_float"]


def _shares(row: _Row, part: str) -> float:
    """Total, float and free shares (万股) of the row's security: the same on every day."""
    draw = unit_float(stable_hash(f"{row.data.seed}|{row.code}|shares"))
    total = round(10_000 + 490_000 * draw**2, 2)
    floating = round(total * (0.4 + 0.6 * unit_float(stable_hash(f"{row.data.seed}|{row.code}|float"))), 2)
    free = round(floating * (0.5 + 0.4 * unit_float(stable_hash(f"{row.data.seed}|{row.code}|free"))), 2)
    return {"total_share": total, "float_share": floating, "free_share": free}[part]


def _turnover(row: _Row, name: str, kind: str) -> float:
    rate = 0.2 + 6 * row.noise("turnover") ** 2  # % of the float traded: a few
    return round(rate * (1.2 + 0.8 * row.noise("free")) if name == "turnover_rate_f" else rate, 4)


def _market_value(row: _Row, name: str, kind: str) -> float:
    shares = _shares(row, "total_share" if name == "total_mv" else "float_share")
    return round(row.bar()["close"] * shares, 4)


def _draw(low: float, high: float, digits: int = 4) -> Callable[[_Row, str, str], float]:
    return lambda row, name, kind: round(low + (high - low) * row.noise(name.removesuffix("_ttm")), digits)


BASIC_MAKERS: Final[dict[str, Callable[[_Row, str, str], Any]]] = {
    "turnover_rate": _turnover,
    "turnover_rate_f": _turnover,
    "volume_ratio": _draw(0.5, 3.0, 2),
    "pe": _draw(5, 60),
    "pe_ttm": _draw(5, 60),
    "pb": _draw(0.5, 8),
    "ps": _draw(0.3, 10),
    "ps_ttm": _draw(0.3, 10),
    "dv_ratio": _draw(0, 4),
    "dv_ttm": _draw(0, 4),
    "total_share": lambda row, name, kind: _shares(row, name),
    "float_share": lambda row, name, kind: _shares(row, name),
    "free_share": lambda row, name, kind: _shares(row, name),
    "total_mv": _market_value,
    "circ_mv": _market_value,
}


def generic_float(name: str, draw: float) -> float:
    """A float column no maker knows, by what its name says: a change in % within ±10, a rate or ratio of a few,
    a price of 5-100 yuan, else an amount up to 100,000."""
    if "pct" in name or name.endswith("_chg"):
        return round(20 * draw - 10, 4)
    if name.endswith(("rate", "ratio")):
        return round(10 * draw, 4)
    if name in _PRICE_NAMES or name.endswith("_price"):
        return round(5 + 95 * draw, 2)
    return round(1 + draw * 99_999, 2)


_PRICE_NAMES: Final = frozenset(
    {"open", "high", "low", "close", "pre_close", "price", "settle", "pre_settle", "vwap", "nav", "unit_nav"}
)
