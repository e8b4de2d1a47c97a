"""The emulator's market: a weekday calendar and each security's price path, daily and minute bars, adjustment
factors and financial statements, all fixed by the seed, the security and the date (see :mod:`._data`)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from typing import Final

from ._synthetic import GOLDEN, MASK64, mix, stable_hash, unit_float

__all__ = [
    "PERIODS",
    "adj_factor",
    "bar",
    "is_period_end",
    "is_trading_day",
    "minute_bar",
    "period_bar",
    "period_days",
    "previous_trading_day",
    "statement",
]

#: Axis kinds whose rows are periods of trading days.
PERIODS: Final = ("week", "month")


def is_trading_day(day: dt.date) -> bool:
    # Weekdays only: no holiday table to keep up to date, and tests can count the trading days in a range.
    return day.weekday() < 5


def previous_trading_day(day: dt.date) -> dt.date:
    day -= dt.timedelta(days=1)
    while not is_trading_day(day):
        day -= dt.timedelta(days=1)
    return day


def bar(seed: int, code: str, day: dt.date, noise: Callable[[str], float]) -> dict[str, float]:
    close = _close(seed, code, day)
    pre_close = _close(seed, code, previous_trading_day(day))
    open_ = round(pre_close * (1 + 0.03 * (noise("open") - 0.5)), 2)
    high = round(max(open_, close) * (1 + 0.02 * noise("high")), 2)
    low = round(min(open_, close) * (1 - 0.02 * noise("low")), 2)
    vol = round(20_000 + 1_500_000 * noise("vol") ** 2, 2)  # hands (100 shares)
    change = round(close - pre_close, 2)
    return {
        "open": open_,
        "high": max(high, open_, close),
        "low": min(low, open_, close),
        "close": close,
        "pre_close": pre_close,
        "change": change,
        "pct_chg": round(change / pre_close * 100, 4),
        "vol": vol,
        "amount": round(vol * 100 * (open_ + close + high + low) / 4 / 1000, 3),  # thousands of yuan
        "adj_factor": adj_factor(seed, code, day),
    }


def minute_bar(day: dict[str, float], noise: Callable[[str], float]) -> dict[str, float]:
    """A one-minute bar inside the day's range: prices between the day's low and high, a sliver of its volume."""
    low, high = day["low"], day["high"]
    open_ = round(low + (high - low) * noise("m_open"), 2)
    close = round(low + (high - low) * noise("m_close"), 2)
    vol = round(day["vol"] * 100 / 240 * (0.2 + 1.6 * noise("m_vol")))  # shares
    return {
        **day,
        "open": open_,
        "close": close,
        "high": max(open_, close, round(max(open_, close) + (high - max(open_, close)) * noise("m_high"), 2)),
        "low": min(open_, close, round(min(open_, close) - (min(open_, close) - low) * noise("m_low"), 2)),
        "vol": vol,
        "amount": round(vol * (open_ + close) / 2, 2),
    }


def _close(seed: int, code: str, day: dt.date) -> float:
    """A smooth, security-specific price path (two slow waves around a base price) with a small daily jitter."""
    base = stable_hash(f"{seed}|{code}|base")
    level = 5 + (base % 9500) / 100
    phase1, phase2 = (base >> 20) % 628 / 100, (base >> 30) % 628 / 100
    t = day.toordinal()
    jitter = unit_float(mix(base ^ (t * GOLDEN & MASK64))) - 0.5
    return round(level * math.exp(0.3 * math.sin(t / 97 + phase1) + 0.1 * math.sin(t / 23 + phase2)) + 0.1 * jitter, 2)


def adj_factor(seed: int, code: str, day: dt.date) -> float:
    """Steps up by 2-8 % about every 180 days (a dividend or a bonus issue), from 1.0 in 1990."""
    base = stable_hash(f"{seed}|{code}|adj")
    steps = max(0, (day.toordinal() - 726_468 + base % 180) // 180)  # 726_468: 1990-01-01
    return round((1 + 0.02 + (base >> 12) % 7 / 100) ** steps, 4)


def statement(noise: Callable[[str], float]) -> dict[str, float]:
    revenue = round(1e8 * (1 + 999 * noise("revenue") ** 3), 2)
    income = round(revenue * (0.02 + 0.18 * noise("margin")), 2)
    assets = round(revenue * (1.5 + 4 * noise("assets")), 2)
    liabilities = round(assets * (0.3 + 0.5 * noise("leverage")), 2)
    shares = round(1e8 * (1 + 99 * noise("shares")), 0)
    return {
        "total_revenue": revenue,
        "revenue": round(revenue * 0.98, 2),
        "total_cogs": round(revenue - income * 1.3, 2),
        "operate_profit": round(income * 1.25, 2),
        "total_profit": round(income * 1.2, 2),
        "income_tax": round(income * 0.2, 2),
        "n_income": income,
        "n_income_attr_p": round(income * 0.95, 2),
        "total_assets": assets,
        "total_liab": liabilities,
        "total_hldr_eqy_inc_min_int": round(assets - liabilities, 2),
        "total_hldr_eqy_exc_min_int": round((assets - liabilities) * 0.97, 2),
        "total_share": shares,
        "basic_eps": round(income * 0.95 / shares, 4),
        "diluted_eps": round(income * 0.95 / shares, 4),
    }


def _period_start(day: dt.date, kind: str) -> dt.date:
    return day - dt.timedelta(days=day.weekday()) if kind == "week" else day.replace(day=1)


def is_period_end(day: dt.date, kind: str) -> bool:
    """Whether ``day`` is the last trading day of its week or month."""
    if not is_trading_day(day):
        return False
    following = day + dt.timedelta(days=1)
    while not is_trading_day(following):
        following += dt.timedelta(days=1)
    return _period_start(following, kind) != _period_start(day, kind)


def period_days(day: dt.date, kind: str) -> list[dt.date]:
    """The trading days of ``day``'s week or month up to ``day``, oldest first."""
    first = _period_start(day, kind)
    return [d for d in (first + dt.timedelta(days=n) for n in range((day - first).days + 1)) if is_trading_day(d)]


def period_bar(days: Sequence[dict[str, float]]) -> dict[str, float]:
    """A week's or month's bar from its daily bars (oldest first): the first open and pre_close, the last close,
    the highest high, the lowest low, the summed volume and amount."""
    first, last = days[0], days[-1]
    change = round(last["close"] - first["pre_close"], 2)
    return {
        **last,
        "open": first["open"],
        "high": max(day["high"] for day in days),
        "low": min(day["low"] for day in days),
        "pre_close": first["pre_close"],
        "change": change,
        "pct_chg": round(change / first["pre_close"] * 100, 4),
        "vol": round(math.fsum(day["vol"] for day in days), 2),
        "amount": round(math.fsum(day["amount"] for day in days), 3),
    }
