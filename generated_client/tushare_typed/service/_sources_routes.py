"""``GET /v1/sources/bars`` and ``GET /v1/sources/compare``: :mod:`tushare_typed.sources` over REST, through its async
twin (``aget_bars``, ``acompare``) on the service's event loop.

Inputs are bounded before any source is called: at most :data:`MAX_BAR_SYMBOLS` symbols and :data:`MAX_BAR_DAYS`
days for bars, :data:`MAX_COMPARE_SYMBOLS` and :data:`MAX_COMPARE_DAYS` for compare, dates as ``YYYYMMDD`` or
``YYYY-MM-DD``. A compare report lists at most ``maxFindings`` findings and says how many there were in all. The
sources come from :attr:`ServiceConfig.sources` (default: the environment, tushare at the service's upstream, with
the service's ``TUSHARE_TOKEN``); nothing is kept in the local store. Errors are ``ErrorPayload`` bodies; "no source
could serve" is 400 when every source refused the request itself, 503 when one was down.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal

from fastapi import FastAPI, Query
from pydantic import BaseModel, Field

from ..errors import ErrorCategory, ParameterError, ServiceError, TushareError
from ._document import responses

if TYPE_CHECKING:
    from ..sources import Sources, SourceSettings

__all__ = ["MAX_BAR_DAYS", "MAX_BAR_SYMBOLS", "MAX_COMPARE_DAYS", "MAX_COMPARE_SYMBOLS", "SourcesHub", "add_routes"]

MAX_BAR_SYMBOLS: Final = 10
MAX_BAR_DAYS: Final = 366 * 5
MAX_COMPARE_SYMBOLS: Final = 20
MAX_COMPARE_DAYS: Final = 366
MAX_FINDINGS: Final = 5000
_DATE: Final = r"^(\d{8}|\d{4}-\d{2}-\d{2})$"
_SYMBOL: Final = r"[0-9A-Za-z]{1,10}(\.[A-Za-z]{1,4})?"
_STATUSES: Final = (400, 401, 403, 408, 413, 429, 500, 503)

_DATES: Final = "YYYYMMDD or YYYY-MM-DD"
Start = Annotated[str | None, Query(pattern=_DATE, description=f"first day ({_DATES}); default a year before end")]
End = Annotated[str | None, Query(pattern=_DATE, description=f"last day ({_DATES}); default today")]
BarSymbols = Annotated[
    str,
    Query(
        pattern=rf"^{_SYMBOL}(,{_SYMBOL}){{0,{MAX_BAR_SYMBOLS - 1}}}$",
        max_length=16 * MAX_BAR_SYMBOLS,
        description=f"comma-separated symbols in tushare form (600000.SH, 00700.HK, AAPL), at most {MAX_BAR_SYMBOLS}",
    ),
]
CompareSymbols = Annotated[
    str,
    Query(
        pattern=rf"^{_SYMBOL}(,{_SYMBOL}){{0,{MAX_COMPARE_SYMBOLS - 1}}}$",
        max_length=16 * MAX_COMPARE_SYMBOLS,
        description=f"comma-separated symbols in tushare form, at most {MAX_COMPARE_SYMBOLS}",
    ),
]
_NAMES: Final = "(tushare|akshare|yahoo|alphavantage)"
CompareSources = Annotated[
    str,
    Query(
        pattern=rf"^{_NAMES}(,{_NAMES}){{1,3}}$",
        description="two to four comma-separated sources: tushare, akshare, yahoo, alphavantage",
    ),
]
Source = Literal["auto", "tushare", "akshare", "yahoo", "alphavantage"]
Named = Literal["tushare", "akshare", "yahoo", "alphavantage"]
Adjust = Literal["none", "qfq", "hfq"]


class BarRow(BaseModel):
    symbol: str
    date: str = Field(description="YYYYMMDD")
    open: float
    high: float
    low: float
    close: float
    pre_close: float | None
    volume: float = Field(description="shares")
    amount: float | None = Field(description="in the listing currency")
    adjust: Adjust
    source: Named


class FailoverRow(BaseModel):
    source: str
    reason: str
    code: str
    message: str


class Series(BaseModel):
    symbol: str
    source: Named = Field(description="the source that served these bars")
    adjust: Adjust
    rows: int
    local: bool
    failovers: list[FailoverRow] = Field(description="the sources passed over before it (source=auto)")
    bars: list[BarRow]


class BarsResponse(BaseModel):
    series: list[Series]


class FindingRow(BaseModel):
    symbol: str
    kind: Literal["value", "missing", "basis", "error"]
    left: str
    right: str
    date: str | None = None
    field: str | None = None
    left_value: Any = None
    right_value: Any = None
    detail: str = ""


class CompareResponse(BaseModel):
    agree: bool
    symbols: list[str]
    sources: list[str]
    start: str
    end: str
    rows: dict[str, dict[str, int]] = Field(description="bars per symbol and source")
    calls: dict[str, int] = Field(description="HTTP requests sent so far per source")
    findings: list[FindingRow]
    findings_total: int
    truncated: bool = Field(description="true when findings lists only the first maxFindings of findings_total")


class SourcesHub:
    """The service's one :class:`Sources` (quotas and breakers shared by every request), built on first use."""

    def __init__(self, settings: SourceSettings | None, upstream_url: str | None) -> None:
        self._settings = settings
        self._upstream = upstream_url
        self._hub: Sources | None = None

    def get(self) -> Sources:
        if self._hub is None:
            from ..sources import Sources, SourceSettings

            settings = self._settings
            if settings is None:
                settings = SourceSettings.resolve(urls={"tushare": self._upstream} if self._upstream else None)
            self._hub = Sources(settings, store=False)
        return self._hub

    async def aclose(self) -> None:
        if self._hub is not None:
            await self._hub.aclose()
            self._hub = None


def add_routes(app: FastAPI, caller: Any, hub: SourcesHub) -> None:
    """The two routes, each needing the API key (``caller``: the app's ``Depends`` that checks it)."""

    @app.get(
        "/v1/sources/bars",
        operation_id="getSourceBars",
        summary="多数据源日线 (tushare / Eastmoney / Yahoo / Alpha Vantage, standard units)",
        responses=responses(*_STATUSES),
        dependencies=[caller],
    )
    async def bars(
        symbols: BarSymbols,
        start: Start = None,
        end: End = None,
        source: Annotated[Source, Query(description="a source, or auto (the first that can serve)")] = "auto",
        adjust: Annotated[Adjust, Query(description="none, qfq (forward, latest factor) or hfq")] = "none",
    ) -> BarsResponse:
        from ..sources import abars_payload

        codes = _symbols(symbols)
        _window(start, end, MAX_BAR_DAYS)
        try:
            payload = await abars_payload(codes, source, start, end, adjust, hub=hub.get())
        except TushareError as error:
            raise _for_http(error) from None
        return BarsResponse.model_validate(payload)

    @app.get(
        "/v1/sources/compare",
        operation_id="compareSources",
        summary="多数据源一致性校验 (bars aligned by date, differences beyond tolerance)",
        responses=responses(*_STATUSES),
        dependencies=[caller],
    )
    async def compare(
        symbols: CompareSymbols,
        sources: CompareSources,
        start: Start = None,
        end: End = None,
        adjust: Annotated[Adjust, Query(description="none, qfq or hfq")] = "none",
        max_findings: Annotated[int, Query(alias="maxFindings", ge=0, le=MAX_FINDINGS)] = 500,
    ) -> CompareResponse:
        codes = _symbols(symbols)
        names = sources.split(",")
        if len(set(names)) != len(names):
            raise ParameterError(f"sources={sources!r} names a source twice", remediation="Name each source once.")
        first, last = _window(start, end, MAX_COMPARE_DAYS)
        report = await hub.get().acompare(codes, names, f"{first:%Y%m%d}", f"{last:%Y%m%d}", adjust=adjust)
        payload = report.to_dict()
        findings = payload["findings"]
        payload.update(
            findings=findings[:max_findings], findings_total=len(findings), truncated=len(findings) > max_findings
        )
        return CompareResponse.model_validate(payload)


def _symbols(text: str) -> list[str]:
    codes = text.split(",")
    if len(set(codes)) != len(codes):
        raise ParameterError(f"symbols={text!r} names a symbol twice", remediation="Name each symbol once.")
    return codes


def _window(start: str | None, end: str | None, max_days: int) -> tuple[dt.date, dt.date]:
    from ..sources._hub import window_of

    window = window_of(start, end, max_days=max_days)
    return window.start, window.end


def _for_http(error: TushareError) -> TushareError:
    """ "No source could serve": a 400 when every source refused the request itself, else a 503."""
    from ..sources import AllSourcesFailedError

    if not isinstance(error, AllSourcesFailedError):
        return error
    if error.attempts and all(e.category is ErrorCategory.PARAMETER for _, e in error.attempts):
        return ParameterError(error.message, remediation=error.remediation)
    return ServiceError(error.message, api_name="sources", remediation=error.remediation)
