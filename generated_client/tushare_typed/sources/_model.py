"""The standard daily bar every source is projected onto, and the response that carries a series of them.

Units are the same whatever the source: prices in the listing currency, ``volume`` in shares, ``amount`` in the
listing currency (None when the source does not publish it), ``pre_close`` the previous session's close on the same
basis (None when the source gives no way to know it). ``adjust`` is ``none``, ``qfq`` (forward, anchored at the latest
factor: the prices of the newest bars are the traded ones and stay so whatever window is asked for) or ``hfq``
(backward: prices times the cumulative factor since listing).
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal, NamedTuple

from pydantic import Field

from ..response import Response

__all__ = ["ADJUSTS", "Adjust", "Bar", "Bars", "Failover"]

Adjust = Literal["none", "qfq", "hfq"]
ADJUSTS: tuple[Adjust, ...] = ("none", "qfq", "hfq")


class Bar(NamedTuple):
    """One session of one security, in standard units (see the module)."""

    symbol: str
    date: str
    open: float
    high: float
    low: float
    close: float
    pre_close: float | None
    volume: float
    amount: float | None
    adjust: str
    source: str


class Failover(NamedTuple):
    """A source passed over before the one that served: why (outage, quota, not-covered, no-key, no-data, error)."""

    source: str
    reason: str
    code: str
    message: str


class Bars(Response[Bar]):
    """The bars of one symbol from one source, oldest first. ``source`` served every row (a series is never
    mixed); ``failovers`` lists the sources tried before it and why; ``local`` says the rows came from the store."""

    wire_names: ClassVar[tuple[str, ...]] = Bar._fields

    symbol: str = ""
    source: str = ""
    adjust: str = "none"
    failovers: list[Failover] = Field(default_factory=list)
    local: bool = False

    @classmethod
    def of(
        cls, symbol: str, source: str, adjust: str, rows: list[Bar], *, failovers: list[Failover], local: bool
    ) -> Bars:
        return cls.model_construct(
            rows=rows,
            fields=list(Bar._fields),
            completed=True,
            next_offset=None,
            request_id=None,
            pages=1,
            duplicates_dropped=0,
            extra_columns={},
            symbol=symbol,
            source=source,
            adjust=adjust,
            failovers=failovers,
            local=local,
        )

    def _summary(self) -> str:
        via = "".join(f", {f.source} passed over ({f.reason})" for f in self.failovers)
        where = " (from the store)" if self.local else ""
        return f"Bars {self.symbol} from {self.source}{where}, adjust={self.adjust}{via}: {len(self.rows)} rows"

    def describe(self) -> dict[str, Any]:
        """Where the rows came from, as plain data (for JSON output)."""
        return {
            "symbol": self.symbol,
            "source": self.source,
            "adjust": self.adjust,
            "rows": len(self.rows),
            "local": self.local,
            "failovers": [f._asdict() for f in self.failovers],
        }
