"""A-share codes in tushare form (``600000.SH``) and how each source spells them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from ..errors import ParameterError

__all__ = ["MAX_CODES", "from_sina", "parse_codes", "secid", "sina_symbol", "ts_code_of"]

#: The most codes one call or stream takes (Sina answers up to a few hundred per request; we batch).
MAX_CODES: Final = 1000
_CODE: Final = re.compile(r"^(\d{6})\.(SH|SZ|BJ)$")


def parse_codes(codes: str | Sequence[str]) -> list[str]:
    """``"000001.sz,600000.SH"`` or a list → checked, upper-cased, de-duplicated codes in the order given."""
    items = codes.split(",") if isinstance(codes, str) else list(codes)
    cleaned = [str(item).strip().upper() for item in items if str(item).strip()]
    bad = [code for code in cleaned if not _CODE.match(code)]
    if bad:
        shown = ", ".join(repr(code) for code in bad[:5])
        raise ParameterError(
            f"not an A-share code in tushare form: {shown}",
            remediation="Write codes as 000001.SZ, 600000.SH, 830799.BJ.",
        )
    unique = list(dict.fromkeys(cleaned))
    if not unique:
        raise ParameterError("no code given", remediation="Pass ts_code, e.g. '000001.SZ' or '000001.SZ,600000.SH'.")
    if len(unique) > MAX_CODES:
        raise ParameterError(
            f"{len(unique)} codes; at most {MAX_CODES} per call", remediation="Split the codes over several calls."
        )
    return unique


def sina_symbol(code: str) -> str:
    number, market = code.split(".")
    return market.lower() + number


def from_sina(symbol: str) -> str | None:
    """``sh600000`` → ``600000.SH``; None for what is not an A-share symbol."""
    if len(symbol) != 8 or symbol[:2] not in ("sh", "sz", "bj") or not symbol[2:].isdigit():
        return None
    return f"{symbol[2:]}.{symbol[:2].upper()}"


def secid(code: str) -> str:
    """Eastmoney's ``market.number``: 1 for Shanghai, 0 for Shenzhen and Beijing."""
    number, market = code.split(".")
    return f"{1 if market == 'SH' else 0}.{number}"


def ts_code_of(number: str, market: int) -> str:
    """tushare form of an Eastmoney (number, market) pair."""
    if market == 1:
        return f"{number}.SH"
    return f"{number}.BJ" if number[:1] in ("4", "8") or number.startswith("92") else f"{number}.SZ"
