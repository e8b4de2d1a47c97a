"""``tushare``: the typed client itself. A-shares through ``pro_bar`` (``daily`` + ``adj_factor``, qfq anchored at the
latest factor), Hong Kong through ``hk_daily``, US through ``us_daily``; paging, rate limits and retries are the
client's own.

Units: A-share ``vol`` is in lots of 100 shares and ``amount`` in thousands of CNY; ``hk_daily`` gives shares and
HKD, ``us_daily`` shares and USD. tushare adjusts A-shares only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final

from ..errors import MissingTokenError
from ._base import Window, check_adjust, require_bars
from ._errors import AdjustmentNotSupportedError
from ._fetch import loop_bound
from ._model import Adjust, Bar
from ._symbols import Market, SourceName, market_of

if TYPE_CHECKING:
    from .._client import AsyncTushareClient, TushareClient
    from .._internal.secret import Secret

__all__ = ["TushareSource"]

SHARES_PER_LOT: Final = 100
CNY_PER_AMOUNT_UNIT: Final = 1000
# (volume scale, amount scale) of each market's interface.
_SCALES: Final[dict[Market, tuple[float, float]]] = {
    "cn": (SHARES_PER_LOT, CNY_PER_AMOUNT_UNIT),
    "hk": (1, 1),
    "us": (1, 1),
}


class TushareSource:
    name: SourceName = "tushare"
    markets: frozenset[Market] = frozenset({"cn", "hk", "us"})
    adjusts: frozenset[Adjust] = frozenset({"none", "qfq", "hfq"})

    def __init__(self, url: str, token: Secret | None, timeout: float, retries: int) -> None:
        self.url = url
        self._token = token
        self._timeout = timeout
        self._retries = retries
        self._client: TushareClient | None = None
        self._aclients: dict[int, Any] = {}
        self._calls = 0

    def configured(self) -> str | None:
        from .._internal.secret import resolve_token

        try:
            resolve_token(self._token)
        except MissingTokenError:
            return "no tushare token (TUSHARE_TOKEN or `tushare-typed token set`)"
        except Exception as error:  # a token store that cannot be opened: not usable either
            return f"the token store cannot be read ({type(error).__name__})"
        return None

    def calls(self) -> int:
        return self._calls

    @property
    def client(self) -> TushareClient:
        if self._client is None:
            from .._client import TushareClient

            self._client = TushareClient(self._token, **self._settings())
        return self._client

    @property
    def aclient(self) -> AsyncTushareClient:
        """The async client of the running event loop."""
        from .._client import AsyncTushareClient

        return loop_bound(self._aclients, lambda: AsyncTushareClient(self._token, **self._settings()))  # type: ignore[no-any-return]

    def _settings(self) -> dict[str, Any]:
        return {"base_url": self.url, "timeout": self._timeout, "max_retries": self._retries}

    def daily(self, symbol: str, window: Window, adjust: Adjust) -> list[Bar]:
        method, arguments = self._call(symbol, window, adjust)
        return self._bars(symbol, window, adjust, getattr(self.client, method)(**arguments).rows)

    async def adaily(self, symbol: str, window: Window, adjust: Adjust) -> list[Bar]:
        method, arguments = self._call(symbol, window, adjust)
        return self._bars(symbol, window, adjust, (await getattr(self.aclient, method)(**arguments)).rows)

    def _call(self, symbol: str, window: Window, adjust: Adjust) -> tuple[str, dict[str, Any]]:
        """The client method and its arguments for ``symbol``'s market (counted as the requests it sends)."""
        check_adjust(self, adjust)
        market = market_of(symbol)
        dates = {"ts_code": symbol, "start_date": f"{window.start:%Y%m%d}", "end_date": f"{window.end:%Y%m%d}"}
        if market == "cn":
            adj = None if adjust == "none" else adjust
            self._calls += 1 if adj is None else 2  # daily, and adj_factor when adjusting
            return "pro_bar", {**dates, "adj": adj, "qfq_anchor": "latest"}
        if adjust != "none":
            raise AdjustmentNotSupportedError(
                f"tushare adjusts A-shares only, not {symbol} (market {market})", api_name=self.name
            )
        self._calls += 1
        return ("hk_daily" if market == "hk" else "us_daily"), dates

    def _bars(self, symbol: str, window: Window, adjust: Adjust, rows: Iterable[Any]) -> list[Bar]:
        volume_scale, amount_scale = _SCALES[market_of(symbol)]
        bars = [_bar(symbol, row, adjust, volume_scale, amount_scale) for row in rows if row.close is not None]
        return require_bars(self.name, symbol, window, bars)

    async def aclose(self) -> None:
        """Close the running loop's async client."""
        import asyncio

        held = self._aclients.pop(id(asyncio.get_running_loop()), None)
        if held is not None:
            await held[1].aclose()


def _bar(symbol: str, row: Any, adjust: Adjust, volume_scale: float, amount_scale: float) -> Bar:
    return Bar(
        symbol=symbol,
        date=str(row.trade_date),
        open=float(row.open),
        high=float(row.high),
        low=float(row.low),
        close=float(row.close),
        pre_close=None if row.pre_close is None else float(row.pre_close),
        volume=float(row.vol or 0.0) * volume_scale,
        amount=None if row.amount is None else round(float(row.amount) * amount_scale, 3),
        adjust=adjust,
        source="tushare",
    )
