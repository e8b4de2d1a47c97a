"""Consistency checks between sources (the plan's DataConsistencyValidator): the same symbols and dates fetched from
each source, aligned by date, and every disagreement named.

A finding is one of: ``value`` (a field differs beyond tolerance on a day both have), ``missing`` (a day one source
has and the other lacks), ``basis`` (one series is adjusted and the other is not: their prices are not comparable,
so only volumes and days are), ``error`` (a source could not serve the symbol). Tolerances: prices 0.01 absolute or
1e-4 relative (either suffices), volume one lot (100 shares), amount 1 unit of currency or 1e-4 relative.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from ..errors import TushareError
from ._errors import AdjustmentNotSupportedError
from ._model import Bar, Bars

if TYPE_CHECKING:
    from ._base import Window
    from ._hub import Sources

__all__ = ["DEFAULT_TOLERANCE", "Finding", "Report", "Tolerance", "acompare", "compare", "compare_bars"]

# pre_close is not compared: it is the previous day's close (compared there), and sources differ in whether it is
# taken before or after that day's ex-rights adjustment.
_PRICES: Final = ("open", "high", "low", "close")
_WORKERS: Final = 16


@dataclass(frozen=True, slots=True)
class Tolerance:
    price_abs: float = 0.01
    price_rel: float = 1e-4
    volume_abs: float = 100.0
    amount_abs: float = 1.0
    amount_rel: float = 1e-4

    def differs(self, name: str, left: float, right: float) -> bool:
        gap = abs(left - right)
        scale = max(abs(left), abs(right))
        if name == "volume":
            return gap > self.volume_abs
        if name == "amount":
            return gap > self.amount_abs and gap > self.amount_rel * scale
        return gap > self.price_abs and gap > self.price_rel * scale


DEFAULT_TOLERANCE: Final = Tolerance()


class Finding(NamedTuple):
    symbol: str
    kind: str
    left: str
    right: str
    date: str | None = None
    field: str | None = None
    left_value: Any = None
    right_value: Any = None
    detail: str = ""


@dataclass
class Report:
    """Every finding of one comparison; ``agree`` when there is none. ``calls`` counts HTTP requests per source."""

    symbols: list[str]
    sources: list[str]
    start: str
    end: str
    findings: list[Finding] = field(default_factory=list)
    rows: dict[str, dict[str, int]] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)

    @property
    def agree(self) -> bool:
        return not self.findings

    def to_dict(self) -> dict[str, Any]:
        return {
            "agree": self.agree,
            "symbols": self.symbols,
            "sources": self.sources,
            "start": self.start,
            "end": self.end,
            "rows": self.rows,
            "calls": self.calls,
            "findings": [finding._asdict() for finding in self.findings],
        }

    def summary(self) -> str:
        kinds = sorted({f.kind for f in self.findings})
        counts = ", ".join(f"{sum(f.kind == k for f in self.findings)} {k}" for k in kinds)
        verdict = "agree" if self.agree else f"disagree: {counts}"
        return f"{len(self.symbols)} symbols × {', '.join(self.sources)}, {self.start}..{self.end}: {verdict}"


def compare_bars(left: Bars, right: Bars, tolerance: Tolerance = DEFAULT_TOLERANCE) -> list[Finding]:
    """The findings between two series of one symbol."""
    symbol, a, b = left.symbol, left.source, right.source
    findings: list[Finding] = []
    comparable = left.adjust == right.adjust
    if not comparable:
        findings.append(
            Finding(
                symbol,
                "basis",
                a,
                b,
                detail=f"{a} is adjust={left.adjust}, {b} is adjust={right.adjust}: "
                "prices are on different bases and were not compared",
            )
        )
    by_day = {bar.date: bar for bar in right.rows}
    mine = {bar.date for bar in left.rows}
    for day in sorted(mine.symmetric_difference(by_day)):
        holder = a if day in mine else b
        findings.append(Finding(symbol, "missing", a, b, date=day, detail=f"only {holder} has this day"))
    names = (*(_PRICES if comparable else ()), "volume", "amount")
    for bar in left.rows:
        other = by_day.get(bar.date)
        if other is not None:
            findings.extend(_field_findings(bar, other, a, b, names, tolerance))
    return findings


def _field_findings(bar: Bar, other: Bar, a: str, b: str, names: Sequence[str], tolerance: Tolerance) -> list[Finding]:
    found = []
    for name in names:
        mine, theirs = getattr(bar, name), getattr(other, name)
        if mine is not None and theirs is not None and tolerance.differs(name, mine, theirs):
            found.append(Finding(bar.symbol, "value", a, b, bar.date, name, mine, theirs))
    return found


def compare(
    hub: Sources,
    symbols: Sequence[str],
    sources: Sequence[str],
    start: str | None = None,
    end: str | None = None,
    *,
    adjust: str = "none",
    tolerance: Tolerance = DEFAULT_TOLERANCE,
    workers: int = _WORKERS,
) -> Report:
    """Fetch every symbol from every source concurrently (threads; each source keeps to its quota), then compare
    each pair of sources per symbol. A source that cannot adjust is asked for unadjusted bars, and the basis is a
    finding."""
    window, tasks = _tasks(symbols, sources, start, end)

    def fetch(task: tuple[str, str]) -> Bars | TushareError:
        symbol, source = task
        try:
            try:
                return hub.get_bars(symbol, source=source, start=window.start, end=window.end, adjust=adjust)
            except AdjustmentNotSupportedError:
                return hub.get_bars(symbol, source=source, start=window.start, end=window.end, adjust="none")
        except TushareError as error:
            return error

    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(tasks)))) as pool:
        results = list(pool.map(fetch, tasks))
    return _report(hub, symbols, sources, window, tasks, results, tolerance)


async def acompare(
    hub: Sources,
    symbols: Sequence[str],
    sources: Sequence[str],
    start: str | None = None,
    end: str | None = None,
    *,
    adjust: str = "none",
    tolerance: Tolerance = DEFAULT_TOLERANCE,
    workers: int = _WORKERS,
) -> Report:
    """Async :func:`compare`: one task per symbol and source, at most ``workers`` of them at once per source (each
    source's rate limiter paces them within its quota)."""
    import asyncio

    window, tasks = _tasks(symbols, sources, start, end)
    gates = {source: asyncio.Semaphore(max(1, workers)) for source in sources}

    async def fetch(symbol: str, source: str) -> Bars | TushareError:
        async with gates[source]:
            try:
                try:
                    return await hub.aget_bars(symbol, source=source, start=window.start, end=window.end, adjust=adjust)
                except AdjustmentNotSupportedError:
                    return await hub.aget_bars(symbol, source=source, start=window.start, end=window.end, adjust="none")
            except TushareError as error:
                return error

    results = list(await asyncio.gather(*(fetch(symbol, source) for symbol, source in tasks)))
    return _report(hub, symbols, sources, window, tasks, results, tolerance)


def _tasks(
    symbols: Sequence[str], sources: Sequence[str], start: str | None, end: str | None
) -> tuple[Window, list[tuple[str, str]]]:
    from ._hub import window_of

    return window_of(start, end), list(itertools.product(symbols, sources))


def _report(
    hub: Sources,
    symbols: Sequence[str],
    sources: Sequence[str],
    window: Window,
    tasks: list[tuple[str, str]],
    results: list[Bars | TushareError],
    tolerance: Tolerance,
) -> Report:
    """The findings of every pair of sources per symbol, from the fetched ``results`` (one per task)."""
    report = Report(list(symbols), list(sources), f"{window.start:%Y%m%d}", f"{window.end:%Y%m%d}")
    for symbol in symbols:
        series: list[Bars] = []
        for (task_symbol, source), result in zip(tasks, results, strict=True):
            if task_symbol != symbol:
                continue
            if isinstance(result, TushareError):
                report.findings.append(Finding(symbol, "error", source, "", detail=f"[{result.code}] {result.message}"))
            else:
                series.append(result)
                report.rows.setdefault(symbol, {})[source] = len(result)
        for left, right in itertools.combinations(series, 2):
            report.findings.extend(compare_bars(left, right, tolerance))
    report.calls = hub.calls()
    return report
