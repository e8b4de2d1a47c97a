"""``Store.check``: what a stored interface lacks or gets wrong.

- gaps: (code, open day) pairs missing between a code's first and last stored day, by the stored trade calendar;
- invariants: rows breaking what prices and volumes must satisfy (low <= high, open and close within them,
  volumes and amounts not negative), for the columns the interface has;
- unsynced: slices of the range the syncs planned that no run has committed (an interrupted sync's remainder).
"""

# SQL here is built from identifiers passed through quote() and never from values, which are bound as parameters.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from ._database import CALENDAR_TABLE
from ._plan import format_date, parse_date, plan_slices
from ._schema import quote
from ._sync import EXCHANGE

if TYPE_CHECKING:
    from ..catalog import InterfaceSpec
    from ._database import Database
    from ._schema import TableSchema

__all__ = ["CheckReport", "check_table"]

#: (description, columns needed, condition of a bad row).
_INVARIANTS: Final = (
    ("low > high", ("low", "high"), '"low" > "high"'),
    ("open outside [low, high]", ("open", "low", "high"), '"open" < "low" OR "open" > "high"'),
    ("close outside [low, high]", ("close", "low", "high"), '"close" < "low" OR "close" > "high"'),
    ("negative vol", ("vol",), '"vol" < 0'),
    ("negative amount", ("amount",), '"amount" < 0'),
)
SAMPLE: Final = 10
#: The sync shapes whose slices follow the calendar, so the planned range says which slices there must be.
_DATED_SHAPES: Final = frozenset({"trade_day", "period", "window", "day", "week", "month"})


@dataclass(slots=True)
class CheckReport:
    """What ``check`` found; ``ok`` when nothing."""

    api_name: str
    rows: int = 0
    gaps: int = 0
    gap_sample: list[tuple[str, str]] = field(default_factory=list)
    violations: dict[str, int] = field(default_factory=dict)
    unsynced: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.gaps or any(self.violations.values()) or self.unsynced)

    def summary(self) -> str:
        lines = [f"{self.api_name}: {self.rows} rows"]
        if self.gaps:
            sample = ", ".join(f"{code} {day}" for code, day in self.gap_sample)
            lines.append(f"gaps: {self.gaps} (code, trade day) pairs missing, e.g. {sample}")
        lines += [f"invariant {rule}: {count} rows" for rule, count in self.violations.items() if count]
        if self.unsynced:
            lines.append(f"never synced: {len(self.unsynced)} slices, e.g. {', '.join(self.unsynced[:SAMPLE])}")
        lines += self.notes
        if self.ok:
            lines.append("ok: no gaps, no invariant violations, no unsynced slices")
        return "\n".join(lines)


def check_table(db: Database, spec: InterfaceSpec, schema: TableSchema) -> CheckReport:
    report = CheckReport(spec.api_name)
    (report.rows,) = db.one(f"SELECT count(*) FROM {schema.table}")
    for rule, needs, condition in _INVARIANTS:
        if all(name in schema.names for name in needs):
            (report.violations[rule],) = db.one(f"SELECT count(*) FROM {schema.table} WHERE {condition}")
    shape = spec.sync.shape if spec.sync is not None else None
    if shape == "trade_day" and schema.date_column and "ts_code" in schema.names:
        _gaps(db, schema, report)
    elif shape == "trade_day":
        report.notes.append("gaps: not checked (no ts_code or date column)")
    _unsynced(db, spec, report)
    return report


def _gaps(db: Database, schema: TableSchema, report: CheckReport) -> None:
    day = quote(schema.date_column or "")
    # Each code is expected on every open day between its first and last stored day.
    expected = (
        f"WITH spans AS (SELECT ts_code, min({day}) AS first, max({day}) AS last FROM {schema.table} GROUP BY 1), "
        f"expected AS (SELECT spans.ts_code, c.cal_date FROM spans JOIN {CALENDAR_TABLE} c "
        f"ON c.exchange = ? AND c.is_open AND c.cal_date BETWEEN spans.first AND spans.last) "
        f"SELECT e.ts_code, e.cal_date FROM expected e ANTI JOIN {schema.table} t "
        f"ON t.ts_code = e.ts_code AND t.{day} = e.cal_date"
    )
    (report.gaps,) = db.one(f"SELECT count(*) FROM ({expected})", [EXCHANGE])
    with db.cursor() as conn:
        sample = conn.execute(f"{expected} ORDER BY 2, 1 LIMIT {SAMPLE}", [EXCHANGE]).fetchall()
    report.gap_sample = [(code, format_date(cal_date)) for code, cal_date in sample]


def _unsynced(db: Database, spec: InterfaceSpec, report: CheckReport) -> None:
    """Slices of the planned range (or, in a store from before plans were recorded, the stored range) that no run
    committed: those an interrupted sync never reached are reported, not only holes inside what is stored."""
    covered = db.covered(spec.api_name)
    shape = spec.sync.shape if spec.sync is not None else None
    if shape not in _DATED_SHAPES:
        return
    planned = db.planned(spec.api_name)
    if planned is None:
        if not covered:
            return
        planned = (parse_date(min(covered), "slice"), parse_date(max(covered), "slice"))
    first, last = planned
    days = db.open_days(EXCHANGE, first, last) if shape == "trade_day" else ()
    expected = plan_slices(spec, first, last, dt.date.today(), trade_days=days)
    report.unsynced = [piece.id for piece in expected if piece.id not in covered]
