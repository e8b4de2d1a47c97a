"""Symbols in each source's form, to and from the tushare form the rest of the package speaks.

=========  ==========  ===========  ==========  ==============
market     tushare     Eastmoney    Yahoo       Alpha Vantage
=========  ==========  ===========  ==========  ==============
Shanghai   600000.SH   1.600000     600000.SS   600000.SHH
Shenzhen   000001.SZ   0.000001     000001.SZ   000001.SHZ
Beijing    430047.BJ   0.430047     (none)      (none)
Hong Kong  00700.HK    (none)       0700.HK     (none)
US         AAPL        (none)       AAPL        AAPL
=========  ==========  ===========  ==========  ==============

A missing form raises :class:`NotCoveredError`; a symbol that is none of these forms :class:`UnknownSymbolError`.
"""

from __future__ import annotations

import re
from typing import Final, Literal

from ._errors import NotCoveredError, UnknownSymbolError

__all__ = ["SOURCE_NAMES", "Market", "SourceName", "from_source", "market_of", "normalize", "to_source"]

Market = Literal["cn", "hk", "us"]
SourceName = Literal["tushare", "akshare", "yahoo", "alphavantage"]
SOURCE_NAMES: Final[tuple[SourceName, ...]] = ("tushare", "akshare", "yahoo", "alphavantage")

_CN: Final = re.compile(r"(\d{6})\.(SH|SZ|BJ)")
_HK: Final = re.compile(r"(\d{4,5})\.HK")
_US: Final = re.compile(r"[A-Z]{1,5}")
_EASTMONEY: Final = {"SH": "1", "SZ": "0", "BJ": "0"}
_YAHOO_CN: Final = {"SH": "SS", "SZ": "SZ"}
_ALPHAVANTAGE_CN: Final = {"SH": "SHH", "SZ": "SHZ"}


def normalize(symbol: str) -> str:
    """A tushare-form symbol, upper-cased and checked (``000001.sz`` → ``000001.SZ``; ``700.HK`` → ``00700.HK``)."""
    text = symbol.strip().upper() if isinstance(symbol, str) else ""
    hk = re.fullmatch(r"(\d{1,5})\.HK", text)
    if hk:
        return f"{int(hk.group(1)):05d}.HK"
    if _CN.fullmatch(text) or _US.fullmatch(text):
        return text
    raise UnknownSymbolError(f"{symbol!r} is not a symbol in tushare form", api_name="sources")


def market_of(symbol: str) -> Market:
    text = normalize(symbol)
    if text.endswith(".HK"):
        return "hk"
    return "cn" if _CN.fullmatch(text) else "us"


def _uncovered(source: SourceName, symbol: str) -> NotCoveredError:
    return NotCoveredError(f"{source} does not cover {symbol} (market {market_of(symbol)})", api_name=source)


def to_source(source: SourceName, symbol: str) -> str:
    """``symbol`` (tushare form) in ``source``'s form."""
    text = normalize(symbol)
    market = market_of(text)
    if source == "tushare":
        return text
    cn = _CN.fullmatch(text)
    if source == "akshare" and cn:
        return f"{_EASTMONEY[cn.group(2)]}.{cn.group(1)}"
    if source == "yahoo":
        if cn and cn.group(2) in _YAHOO_CN:
            return f"{cn.group(1)}.{_YAHOO_CN[cn.group(2)]}"
        if market == "hk":
            return f"{int(text[:5]):04d}.HK"
        if market == "us":
            return text
    if source == "alphavantage":
        if cn and cn.group(2) in _ALPHAVANTAGE_CN:
            return f"{cn.group(1)}.{_ALPHAVANTAGE_CN[cn.group(2)]}"
        if market == "us":
            return text
    raise _uncovered(source, text)


def from_source(source: SourceName, symbol: str) -> str:
    """``symbol`` in ``source``'s form, in tushare form."""
    text = symbol.strip().upper()
    if source == "tushare":
        return normalize(text)
    if source == "akshare":
        found = re.fullmatch(r"([01])\.(\d{6})", text)
        if found:
            code = found.group(2)
            exchange = "SH" if found.group(1) == "1" else "BJ" if code[0] in "489" else "SZ"
            return f"{code}.{exchange}"
    elif source == "yahoo":
        found = re.fullmatch(r"(\d{6})\.(SS|SZ)", text)
        if found:
            return f"{found.group(1)}.{'SH' if found.group(2) == 'SS' else 'SZ'}"
        if _HK.fullmatch(text) or _US.fullmatch(text):
            return normalize(text)
    elif source == "alphavantage":
        found = re.fullmatch(r"(\d{6})\.(SHH|SHZ)", text)
        if found:
            return f"{found.group(1)}.{'SH' if found.group(2) == 'SHH' else 'SZ'}"
        if _US.fullmatch(text):
            return text
    raise UnknownSymbolError(f"{symbol!r} is not a {source} symbol", api_name=source)
