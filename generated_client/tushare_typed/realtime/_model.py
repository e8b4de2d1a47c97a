"""The typed rows of the realtime calls and the responses that carry them.

Columns are the SDK's (``ts.realtime_quote``, ``ts.realtime_list``, ``ts.realtime_tick``), lower-cased as row fields
(``5MIN`` is ``min5``); the DataFrames of :mod:`._compat` use the SDK's upper-case names. Units are the same whatever
the source (the SDK's are not): prices in CNY, ``volume`` and the order-book sizes (``b1_v`` ...) in shares, ``amount``
in CNY, dates ``YYYYMMDD`` and times ``HH:MM:SS`` in Beijing time. A value the source does not publish is None.
"""

from __future__ import annotations

from typing import Any, ClassVar, NamedTuple

from pydantic import Field

from ..response import Response
from ..sources._model import Failover

__all__ = ["Failover", "ListRow", "Quote", "QuoteList", "Quotes", "Tick", "Ticks"]


class Quote(NamedTuple):
    """One security's snapshot: last price, the day's range and the five best bids and asks."""

    name: str
    ts_code: str
    date: str
    time: str
    open: float | None
    pre_close: float | None
    price: float | None
    high: float | None
    low: float | None
    bid: float | None
    ask: float | None
    volume: float | None
    amount: float | None
    b1_v: float | None
    b1_p: float | None
    b2_v: float | None
    b2_p: float | None
    b3_v: float | None
    b3_p: float | None
    b4_v: float | None
    b4_p: float | None
    b5_v: float | None
    b5_p: float | None
    a1_v: float | None
    a1_p: float | None
    a2_v: float | None
    a2_p: float | None
    a3_v: float | None
    a3_p: float | None
    a4_v: float | None
    a4_p: float | None
    a5_v: float | None
    a5_p: float | None


class ListRow(NamedTuple):
    """One line of the whole-market board; Eastmoney fills the first 22 columns, Sina the ones its board has."""

    ts_code: str
    name: str
    price: float | None
    pct_change: float | None
    change: float | None
    volume: float | None
    amount: float | None
    swing: float | None
    high: float | None
    low: float | None
    open: float | None
    close: float | None
    vol_ratio: float | None
    turnover_rate: float | None
    pe: float | None
    pb: float | None
    total_mv: float | None
    float_mv: float | None
    rise: float | None
    min5: float | None
    day60: float | None
    year1: float | None
    buy: float | None
    sale: float | None
    time: str | None


class Tick(NamedTuple):
    """One trade: its time, price, the change it made, size, value and side (买盘, 卖盘 or 中性盘)."""

    time: str
    price: float
    pchange: str | None
    change: float | None
    volume: float | None
    amount: float | None
    type: str | None


QUOTE_COLUMNS: tuple[str, ...] = tuple(name.upper() for name in Quote._fields)
LIST_COLUMNS: tuple[str, ...] = tuple(
    {"min5": "5MIN", "day60": "60DAY", "year1": "1YEAR"}.get(name, name.upper()) for name in ListRow._fields
)
TICK_COLUMNS: tuple[str, ...] = tuple(name.upper() for name in Tick._fields)


class _Served:
    """Where a realtime response came from: ``source`` served every row, ``failovers`` the sources tried before it
    and why; ``missing`` the asked codes the source does not know."""

    def _where(self, source: str, failovers: list[Failover]) -> str:
        via = "".join(f", {f.source} passed over ({f.reason})" for f in failovers)
        return f"from {source}{via}"


def _construct(cls: Any, rows: list[Any], fields: list[str], **extra: Any) -> Any:
    return cls.model_construct(
        rows=rows,
        fields=fields,
        completed=extra.pop("completed", True),
        next_offset=None,
        request_id=None,
        pages=extra.pop("pages", 1),
        duplicates_dropped=0,
        extra_columns={},
        **extra,
    )


class Quotes(Response[Quote], _Served):
    wire_names: ClassVar[tuple[str, ...]] = QUOTE_COLUMNS

    source: str = ""
    failovers: list[Failover] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)

    @classmethod
    def of(cls, rows: list[Quote], source: str, failovers: list[Failover], missing: list[str]) -> Quotes:
        fields = list(QUOTE_COLUMNS)
        return _construct(cls, rows, fields, source=source, failovers=failovers, missing=missing)  # type: ignore[no-any-return]

    def _summary(self) -> str:
        gone = f", unknown: {', '.join(self.missing)}" if self.missing else ""
        return f"Quotes {self._where(self.source, self.failovers)}: {len(self.rows)} rows{gone}"


class QuoteList(Response[ListRow], _Served):
    wire_names: ClassVar[tuple[str, ...]] = LIST_COLUMNS

    source: str = ""
    failovers: list[Failover] = Field(default_factory=list)

    @classmethod
    def of(
        cls,
        rows: list[ListRow],
        fields: list[str],
        source: str,
        failovers: list[Failover],
        *,
        pages: int,
        completed: bool,
    ) -> QuoteList:
        return _construct(  # type: ignore[no-any-return]
            cls, rows, fields, source=source, failovers=failovers, pages=pages, completed=completed
        )

    def _summary(self) -> str:
        state = "" if self.completed else " (not completed: the page bound was reached)"
        return f"QuoteList {self._where(self.source, self.failovers)}: {len(self.rows)} rows{state}"


class Ticks(Response[Tick], _Served):
    wire_names: ClassVar[tuple[str, ...]] = TICK_COLUMNS

    ts_code: str = ""
    source: str = ""
    failovers: list[Failover] = Field(default_factory=list)

    @classmethod
    def of(
        cls,
        ts_code: str,
        rows: list[Tick],
        fields: list[str],
        source: str,
        failovers: list[Failover],
        *,
        pages: int,
        completed: bool,
    ) -> Ticks:
        return _construct(  # type: ignore[no-any-return]
            cls, rows, fields, ts_code=ts_code, source=source, failovers=failovers, pages=pages, completed=completed
        )

    def _summary(self) -> str:
        state = "" if self.completed else " (not completed: the page bound was reached)"
        return f"Ticks {self.ts_code} {self._where(self.source, self.failovers)}: {len(self.rows)} rows{state}"
