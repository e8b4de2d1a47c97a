"""Which slices a sync fetches: the interface's history cut by its sync shape, minus what is already stored.

A slice is one unit of fetching and committing (one trade day, one report period, one month window, one code, one
calendar day, week or month, one listed value, or the whole snapshot). A *final* slice covers a closed range: once
stored, only the look-back fetches it again. The others (today's trade day, a period whose reports may still come,
a snapshot) are fetched on every run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from ..errors import ParameterError

if TYPE_CHECKING:
    from ..catalog import InterfaceSpec, SyncSpec

__all__ = ["Slice", "format_date", "parse_date", "pending", "plan_slices", "quarter_ends"]

#: Listed companies have four months to publish a period's report; until then a period is not closed.
REPORT_DELAY: Final = dt.timedelta(days=120)
SNAPSHOT_ID: Final = "all"


@dataclass(frozen=True, slots=True)
class Slice:
    """One fetch: its id in the sync-state table, the request parameters, and whether its range is closed."""

    id: str
    params: dict[str, str] = field(default_factory=dict)
    final: bool = False
    #: The last day this slice covers (shape ``code``: a later run fetches from there on).
    through: str | None = None
    #: The first day fetched (shape ``code`` with a date range): a table without keys replaces its rows from there.
    since: str | None = None


def parse_date(value: object, name: str) -> dt.date:
    """``YYYYMMDD``, ``YYYY-MM-DD`` or a date → a date; anything else is a ParameterError naming the argument."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace("-", "")
    try:
        if len(text) != 8 or not (text.isascii() and text.isdigit()):
            raise ValueError(text)
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise ParameterError(
            f"{name}={value!r} is not a date", remediation=f"pass {name} as YYYYMMDD (e.g. 20240131) or a date"
        ) from None


def format_date(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def check_range(start: dt.date, end: dt.date) -> None:
    if start > end:
        raise ParameterError(
            f"start {format_date(start)} is after end {format_date(end)}",
            remediation="swap them: start is the first day wanted, end the last",
        )


def quarter_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """Report periods (quarter ends) from start to end, oldest first."""
    out = []
    for year in range(start.year, end.year + 1):
        for month, day in ((3, 31), (6, 30), (9, 30), (12, 31)):
            period = dt.date(year, month, day)
            if start <= period <= end:
                out.append(period)
    return out


def _month_windows(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    out = []
    first = start
    while first <= end:
        next_month = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        out.append((first, min(end, next_month - dt.timedelta(days=1))))
        first = next_month
    return out


def _required(sync: SyncSpec, name: str, api_name: str) -> str:
    value: str | None = getattr(sync, name)
    if not value:
        raise ParameterError(
            f"{api_name}'s sync plan (shape {sync.shape}) names no {name}",
            remediation="fix the interface's sync plan in the metadata",
            api_name=api_name,
        )
    return value


def _range_params(sync: SyncSpec, first: dt.date, last: dt.date) -> dict[str, str]:
    params = {}
    if sync.start_param:
        params[sync.start_param] = format_date(first)
    if sync.end_param:
        params[sync.end_param] = format_date(last)
    return params


def plan_slices(
    spec: InterfaceSpec,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    *,
    trade_days: Sequence[dt.date] = (),
    codes: Sequence[str] = (),
    covered: Mapping[str, str | None] | None = None,
) -> list[Slice]:
    """Every slice of ``spec`` between start and end, oldest first.

    ``trade_days`` (shape trade_day) comes from the calendar; ``codes`` (shape code) from the interface its plan
    names; ``covered`` maps a stored code slice to the last day it holds, so a later run fetches only from there.
    """
    sync = spec.sync
    if sync is None:
        raise ParameterError(
            f"{spec.api_name} has no sync plan in the metadata: the store does not know how to slice its history",
            remediation="fetch it with the client (client." + spec.api_name + "(...)), or add its sync plan to "
            "metadata/overrides.toml",
            api_name=spec.api_name,
        )
    if sync.shape == "snapshot":
        return [Slice(SNAPSHOT_ID)]
    if sync.shape == "trade_day":
        param = _required(sync, "param", spec.api_name)
        return [Slice(format_date(d), {param: format_date(d)}, final=d < today) for d in trade_days]
    if sync.shape == "period":
        param = _required(sync, "param", spec.api_name)
        return [
            Slice(format_date(p), {param: format_date(p)}, final=p + REPORT_DELAY < today)
            for p in quarter_ends(start, end)
        ]
    if sync.shape in _CALENDAR_STEPS:
        return _calendar_slices(sync, spec.api_name, start, end, today)
    if sync.shape == "each":
        param = _required(sync, "param", spec.api_name)
        return [Slice(value, {param: value}) for value in sync.values]
    if sync.shape == "window":
        _required(sync, "start_param", spec.api_name)
        return [
            Slice(format_date(a), _range_params(sync, a, b), final=b < today) for a, b in _month_windows(start, end)
        ]
    return _code_slices(sync, spec.api_name, start, end, codes, covered or {})


#: The calendar shapes: each slice's first day from a day in it, and the day after the slice.
_CALENDAR_STEPS: Final = ("day", "week", "month")


def _step(shape: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The first day of the ``shape`` unit holding ``day`` and the first day of the next one."""
    if shape == "day":
        return day, day + dt.timedelta(days=1)
    if shape == "week":
        monday = day - dt.timedelta(days=day.weekday())
        return monday, monday + dt.timedelta(days=7)
    first = day.replace(day=1)
    return first, dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _calendar_slices(sync: SyncSpec, api_name: str, start: dt.date, end: dt.date, today: dt.date) -> list[Slice]:
    """One slice per calendar day, Monday or first of the month from start to end, the value written with the
    plan's ``value_format``; a unit is final once it has ended before today."""
    param = _required(sync, "param", api_name)
    pattern = sync.value_format or "%Y%m%d"
    out = []
    first, after = _step(sync.shape, start)
    while first <= end:
        out.append(Slice(format_date(first), {param: first.strftime(pattern)}, final=after <= today))
        first, after = after, _step(sync.shape, after)[1]
    return out


def _code_slices(
    sync: SyncSpec, api_name: str, start: dt.date, end: dt.date, codes: Sequence[str], covered: Mapping[str, str | None]
) -> list[Slice]:
    _required(sync, "codes_from", api_name)
    out = []
    for code in codes:
        through = covered.get(code)
        # Fetch again from the last day stored: it may have been incomplete when it was fetched.
        first = max(start, parse_date(through, "through")) if through else start
        params = {"ts_code": code, **_range_params(sync, first, end)}
        since = format_date(first) if sync.start_param else None
        out.append(Slice(code, params, final=False, through=format_date(end), since=since))
    return out


def pending(slices: Sequence[Slice], covered: Mapping[str, str | None], lookback: int) -> tuple[list[Slice], int]:
    """The slices to fetch, and how many stored ones are skipped.

    A stored final slice is skipped, except the ``lookback`` most recent ones, which are fetched again in case
    tushare revised them. A code slice is skipped when it already covers its range.
    """
    stored_final = [i for i, s in enumerate(slices) if s.final and s.id in covered]
    refresh = set(stored_final[len(stored_final) - lookback :]) if lookback > 0 else set()
    out = []
    for i, piece in enumerate(slices):
        done = piece.id in covered
        if done and piece.final and i not in refresh:
            continue
        if done and piece.through is not None and (covered[piece.id] or "") >= piece.through:
            continue
        out.append(piece)
    return out, len(slices) - len(out)
