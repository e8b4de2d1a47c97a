"""What every source adapter is (:class:`Source`) and the small pieces they share: the date window, strict numbers,
the empty-series rule, ``pre_close`` from the previous bar, and :class:`HttpSource` (one GET, decoded: the sync and
async halves differ only in how the GET is sent)."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import MalformedReplyError, ParameterError
from ._errors import AdjustmentNotSupportedError, EmptySeriesError
from ._model import Adjust, Bar
from ._symbols import Market, SourceName

if TYPE_CHECKING:
    from ._fetch import Fetcher, Reply

__all__ = ["HttpSource", "Source", "Window", "chain_pre_close", "check_adjust", "number", "parse_day", "require_bars"]


class Window:
    """The requested dates, inclusive, as ``datetime.date``; ``text(fmt)`` renders one end for a URL."""

    def __init__(self, start: dt.date, end: dt.date) -> None:
        if start > end:
            raise ParameterError(f"start {start:%Y%m%d} is after end {end:%Y%m%d}", remediation="Swap the dates.")
        self.start = start
        self.end = end
        self._first, self._last = f"{start:%Y%m%d}", f"{end:%Y%m%d}"

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def holds(self, date: str) -> bool:
        """Whether a bar's ``YYYYMMDD`` date is in the window."""
        return self._first <= date <= self._last

    def has_weekday(self) -> bool:
        return any((self.start + dt.timedelta(days=k)).weekday() < 5 for k in range(min(7, self.days())))

    def days(self) -> int:
        return (self.end - self.start).days + 1


class Source(Protocol):
    """One provider projected onto :class:`Bar`: which markets and adjustments it serves, and its daily bars."""

    name: SourceName
    markets: frozenset[Market]
    adjusts: frozenset[Adjust]

    def configured(self) -> str | None:
        """None when it can be called; else what is missing (a key, a token)."""
        ...

    def calls(self) -> int:
        """HTTP requests sent so far."""
        ...

    def daily(self, symbol: str, window: Window, adjust: Adjust) -> list[Bar]:
        """The bars of ``symbol`` (tushare form) in ``window``, oldest first, in standard units."""
        ...

    async def adaily(self, symbol: str, window: Window, adjust: Adjust) -> list[Bar]:
        """Async :meth:`daily`."""
        ...


class HttpSource:
    """A source read with one GET: :meth:`request` says what to ask (and refuses what cannot be asked),
    :meth:`decode` turns the reply into bars; :meth:`daily` and :meth:`adaily` only send it."""

    name: SourceName
    adjusts: frozenset[Adjust]

    def __init__(self, url: str, fetcher: Fetcher) -> None:
        self.url = url
        self.fetcher = fetcher

    def configured(self) -> str | None:
        return None

    def calls(self) -> int:
        return self.fetcher.calls

    def request(self, symbol: str, window: Window, adjust: Adjust) -> tuple[str, dict[str, str]]:
        """The URL and query parameters of the GET."""
        raise NotImplementedError

    def decode(self, symbol: str, window: Window, adjust: Adjust, reply: Reply) -> list[Bar]:
        """The bars in ``reply``, or the typed error it stands for."""
        raise NotImplementedError

    def daily(self, symbol: str, window: Window, adjust: Adjust) -> list[Bar]:
        url, params = self.request(symbol, window, adjust)
        return self.decode(symbol, window, adjust, self.fetcher.get(url, params))

    async def adaily(self, symbol: str, window: Window, adjust: Adjust) -> list[Bar]:
        url, params = self.request(symbol, window, adjust)
        return self.decode(symbol, window, adjust, await self.fetcher.aget(url, params))


def parse_day(text: str, fmt: str = "%Y-%m-%d", *, source: str = "sources") -> dt.date:
    try:
        if fmt == "%Y-%m-%d" and isinstance(text, str) and len(text) == 10 and text[4] == text[7] == "-":
            return dt.date.fromisoformat(text)  # the same dates as strptime, at a tenth of the cost
        return dt.datetime.strptime(text, fmt).date()
    except (TypeError, ValueError):
        raise MalformedReplyError(f"{source} sent a date {text!r} that is not {fmt}", api_name=source) from None


def number(value: Any, what: str, source: str, *, scale: float = 1.0) -> float:
    """A finite number (a JSON number or a numeric string) times ``scale``, or :class:`MalformedReplyError`."""
    kind = type(value)
    try:
        result = float(value) if kind is float or kind is str or kind is int else math.nan
    except ValueError:
        result = math.nan
    if not math.isfinite(result):
        raise MalformedReplyError(f"{source} sent {what}={value!r}, not a number", api_name=source)
    return result * scale


def check_adjust(source: Source, adjust: Adjust) -> None:
    if adjust not in source.adjusts:
        raise AdjustmentNotSupportedError(
            f"{source.name} cannot give adjust={adjust!r} bars (it gives {', '.join(sorted(source.adjusts))})",
            api_name=source.name,
        )


def require_bars(source: str, symbol: str, window: Window, bars: list[Bar]) -> list[Bar]:
    """``bars`` sorted by date, checked for repeats; an empty series for a window with weekdays is an error."""
    bars.sort(key=lambda bar: bar.date)
    for earlier, later in itertools.pairwise(bars):
        if earlier.date == later.date:
            raise MalformedReplyError(f"{source} sent {symbol} {later.date} twice", api_name=source)
    if not bars and window.has_weekday():
        raise EmptySeriesError(
            f"{source} has no bars for {symbol} from {window.start:%Y-%m-%d} to {window.end:%Y-%m-%d}",
            api_name=source,
        )
    return bars


def chain_pre_close(rows: list[dict[str, Any]], make: Callable[[dict[str, Any], float | None], Bar]) -> list[Bar]:
    """Bars from rows sorted oldest first, each ``pre_close`` the previous row's close (the first has none)."""
    bars: list[Bar] = []
    previous: float | None = None
    for row in rows:
        bars.append(make(row, previous))
        previous = row["close"]
    return bars
