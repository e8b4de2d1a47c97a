"""The sync engine: plan each interface's slices, fetch the missing ones concurrently, commit each in one go.

Requests go through an async client, so they run concurrently but always through its rate limiter: never past
the quota. Each slice is fetched whole (every page) and then committed with its sync-state row in one
transaction, by one writer while the fetchers go on, so an interruption at any point (Ctrl-C, a crash, a fault)
loses at most the slices in flight, and the next run skips every committed one. The first failure stops new slices
from starting; slices already fetched are committed (unless a commit was what failed); then :class:`SyncError`
reports what is stored and how to resume.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Protocol, TypeAlias

from ..catalog import UnknownInterfaceError
from ..errors import ParameterError
from ._errors import StoreSchemaError, SyncError
from ._plan import Slice, check_range, parse_date, pending, plan_slices
from ._report import InterfaceReport, SyncReport
from ._schema import TableSchema

if TYPE_CHECKING:
    import pyarrow

    from ..catalog import Catalog, InterfaceSpec
    from ..response import QueryResponse
    from ._database import Database, SliceWrite

__all__ = ["AsyncQuery", "SyncRequest", "run_sync", "run_sync_blocking"]

CALENDAR_API: Final = "trade_cal"
EXCHANGE: Final = "SSE"
DEFAULT_LOOKBACK: Final = 1
DEFAULT_CONCURRENCY: Final = 4


class AsyncQuery(Protocol):
    """What the engine needs from a client: the async untyped ``query`` (``AsyncBaseClient.query``)."""

    async def query(
        self, api_name: str, fields: Sequence[str] | str | None = None, **params: object
    ) -> QueryResponse: ...


#: Called after each committed slice with the interface's report so far (progress display, tests).
SliceCallback = Callable[[InterfaceReport], None]


@dataclass(frozen=True, slots=True)
class SyncRequest:
    """The arguments of one sync, checked: see :func:`run_sync`."""

    apis: tuple[str, ...]
    start: dt.date | None
    end: dt.date
    lookback: int
    concurrency: int
    append_only: bool
    today: dt.date

    @classmethod
    def of(
        cls,
        apis: Sequence[str] | str,
        *,
        start: object = None,
        end: object = None,
        lookback: int = DEFAULT_LOOKBACK,
        concurrency: int = DEFAULT_CONCURRENCY,
        append_only: bool = False,
        today: dt.date | None = None,
    ) -> SyncRequest:
        names = (apis,) if isinstance(apis, str) else tuple(apis)
        if not names:
            raise ParameterError("no interface to sync", remediation="name at least one, e.g. sync('daily', ...)")
        for name, value in (("lookback", lookback), ("concurrency", concurrency)):
            if isinstance(value, bool) or not isinstance(value, int) or value < (0 if name == "lookback" else 1):
                raise ParameterError(
                    f"{name}={value!r} is not valid",
                    remediation="lookback is a number of slices >= 0; concurrency a number of requests >= 1",
                )
        today = today or dt.date.today()
        first = parse_date(start, "start") if start is not None else None
        last = parse_date(end, "end") if end is not None else today
        if first is not None:
            check_range(first, last)
        return cls(tuple(dict.fromkeys(names)), first, last, lookback, concurrency, append_only, today)


def _spec(catalog: Catalog, api_name: str) -> InterfaceSpec:
    try:
        return catalog.get(api_name)
    except UnknownInterfaceError as error:
        raise ParameterError(
            str(error), remediation="find interfaces with `tushare-typed list --search TEXT`", api_name=api_name
        ) from None


@dataclass(slots=True)
class _Job:
    spec: InterfaceSpec
    schema: TableSchema
    slices: list[Slice]


_Fetched: TypeAlias = asyncio.Queue[tuple[_Job, Slice, "QueryResponse"] | None]


class _Engine:
    def __init__(
        self, client: AsyncQuery, db: Database, catalog: Catalog, request: SyncRequest, on_slice: SliceCallback | None
    ) -> None:
        self.client = client
        self.db = db
        self.catalog = catalog
        self.request = request
        self.on_slice = on_slice
        self.report = SyncReport()
        self.failure: tuple[str, BaseException] | None = None

    def schemas(self) -> list[tuple[InterfaceSpec, TableSchema]]:
        """Every interface checked before any call: unknown names, missing keys or plans fail here."""
        out = []
        for name in self.request.apis:
            spec = _spec(self.catalog, name)
            schema = TableSchema.of(spec, append_only=self.request.append_only)
            if spec.sync is None:
                plan_slices(spec, dt.date.min, dt.date.min, self.request.today)  # raises, naming the fix
            elif spec.sync.shape != "snapshot" and self.request.start is None:
                raise ParameterError(
                    f"{name} is synced by {spec.sync.shape}: it needs a start date",
                    remediation="pass start, e.g. start='20200101' (--start 20200101)",
                    api_name=name,
                )
            out.append((spec, schema))
        return out

    async def run(self) -> SyncReport:
        began = time.perf_counter()
        jobs = []
        for spec, schema in self.schemas():
            self.db.ensure_table(schema)
            jobs.append(await self.plan(spec, schema))
        work = iter([(job, piece) for job in jobs for piece in job.slices])
        # Fetched slices wait here for their commit: at most one per fetcher, which bounds the memory held.
        fetched: _Fetched = asyncio.Queue(maxsize=self.request.concurrency)
        writer = asyncio.create_task(self.writer(fetched))
        try:
            with self.db.one_thread():
                await asyncio.gather(*(self.fetcher(work, fetched) for _ in range(self.request.concurrency)))
                await fetched.put(None)
                await writer
        finally:
            writer.cancel()  # only when cancelled itself (Ctrl-C): the commit under way still ends in its thread
        self.report.seconds = time.perf_counter() - began
        if self.failure is not None:
            api_name, cause = self.failure
            raise SyncError(
                f"sync of {api_name} stopped: {cause}; {self.committed_text()}",
                report=self.report,
                cause=cause,
                api_name=api_name,
            ) from cause
        return self.report

    def committed_text(self) -> str:
        done = sum(r.slices_done for r in self.report.interfaces.values())
        left = sum(r.slices_left for r in self.report.interfaces.values())
        return f"{done} slices were committed this run and are kept, {left} are left"

    async def plan(self, spec: InterfaceSpec, schema: TableSchema) -> _Job:
        request = self.request
        start = request.start or request.end
        covered = self.db.covered(spec.api_name)
        kind = spec.sync.shape if spec.sync is not None else ""
        days = await self.trade_days(start, request.end) if kind == "trade_day" else ()
        codes = await self.codes(spec) if kind == "code" else ()
        slices = plan_slices(spec, start, request.end, request.today, trade_days=days, codes=codes, covered=covered)
        if kind not in ("snapshot", "code", "each"):
            self.db.record_plan(spec.api_name, start, request.end)  # before fetching: check sees what never came
        todo, skipped = pending(slices, covered, request.lookback)
        report = self.report.of(spec.api_name)
        report.slices_planned, report.slices_skipped = len(slices), skipped
        return _Job(spec, schema, todo)

    async def trade_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """Open days from the stored calendar, fetching the years it lacks (one call per year)."""
        done = self.db.covered(f"{CALENDAR_API}:{EXCHANGE}")
        for year in range(start.year, end.year + 1):
            if str(year) in done:
                continue
            result = await self.client.query(
                CALENDAR_API,
                ["cal_date", "is_open"],
                exchange=EXCHANGE,
                start_date=f"{year}0101",
                end_date=f"{year}1231",
            )
            self.report.support_calls += result.pages
            position = {name: i for i, name in enumerate(result.fields)}
            days = [
                (parse_date(row[position["cal_date"]], "cal_date"), str(row[position["is_open"]]) == "1")
                for row in result.rows
            ]
            self.db.write_calendar(EXCHANGE, year, days)
        return self.db.open_days(EXCHANGE, start, end)

    async def codes(self, spec: InterfaceSpec) -> list[str]:
        source = spec.sync.codes_from if spec.sync is not None else None
        if not source:
            return []
        result = await self.client.query(source, ["ts_code"])
        self.report.support_calls += result.pages
        if "ts_code" not in result.fields:
            raise ParameterError(
                f"{source} (the code list of {spec.api_name}) returned no ts_code column",
                remediation="fix codes_from in the interface's sync plan",
                api_name=spec.api_name,
            )
        column = result.fields.index("ts_code")
        return sorted({str(row[column]) for row in result.rows if row[column]})

    async def fetcher(self, work: Iterator[tuple[_Job, Slice]], fetched: _Fetched) -> None:
        """Fetch slices until the work or the run ends, handing each to the writer: fetching never waits for a
        commit, only for room in the writer's queue."""
        for job, piece in work:
            if self.failure is not None:
                return
            report = self.report.of(job.spec.api_name)
            began = time.perf_counter()
            try:
                result = await self.client.query(job.spec.api_name, list(job.schema.names), **piece.params)
            except Exception as error:  # every failure is reported with what was committed
                if self.failure is None:
                    self.failure = (job.spec.api_name, error)
                return
            report.fetch_seconds += time.perf_counter() - began
            report.calls += result.pages
            await fetched.put((job, piece, result))

    async def writer(self, fetched: _Fetched) -> None:
        """Commit the fetched slices one by one until ``None``; after a failed commit, take the rest without
        writing, so that no fetcher waits for room for ever."""
        write_failed = False
        while (item := await fetched.get()) is not None:
            job, piece, result = item
            if write_failed:
                continue
            report = self.report.of(job.spec.api_name)
            try:
                # In a worker thread (DuckDB releases the GIL), so the slices keep fetching meanwhile. If this task
                # is cancelled (Ctrl-C), the thread still finishes its one transaction: committed, or not at all.
                write, seconds = await asyncio.to_thread(self.write, job, piece, result)
            except Exception as error:
                write_failed = True
                if self.failure is None:
                    self.failure = (job.spec.api_name, error)
                continue
            report.write_seconds += seconds
            report.slices_done += 1
            report.rows_added += write.added
            report.rows_updated += write.updated
            if self.on_slice is not None:
                self.on_slice(report)

    def write(self, job: _Job, piece: Slice, result: QueryResponse) -> tuple[SliceWrite, float]:
        """Commit one slice; returns what it did and the seconds it took."""
        began = time.perf_counter()
        batch = to_batch(job.schema, result.fields, result.rows)
        done = self.db.write_slice(job.schema, piece.id, batch, through=piece.through, since=piece.since)
        return done, time.perf_counter() - began


#: Arrow types that take the wire values as they are; any other column but a whole-number one (dates, datetimes)
#: stays wire text, which the insert converts.
_EXACT_TYPES: Final = {"VARCHAR": "string", "DOUBLE": "float64", "BOOLEAN": "bool_"}
_WHOLE: Final = "BIGINT"


def to_batch(schema: TableSchema, fields: Sequence[str], items: Sequence[Sequence[Any]]) -> pyarrow.Table:
    """The fetched rows as an Arrow table of the table's known columns, each value converted exactly or refused."""
    import pyarrow as pa

    sql_types = {column.name: column.sql_type for column in schema.columns}
    exact = {name: getattr(pa, _EXACT_TYPES.get(t, "string"))() for name, t in sql_types.items() if t != _WHOLE}
    if all(name in exact for name in fields):
        # Row tuples straight into one struct array: half the time of transposing them into columns first.
        layout = pa.struct([pa.field(name, exact[name]) for name in fields])
        try:
            return pa.Table.from_struct_array(pa.array(items, type=layout))
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            pass  # the column by column conversion below names the column at fault
    columns = list(zip(*items, strict=True)) if items else [() for _ in fields]
    arrays: dict[str, Any] = {}
    for name, values in zip(fields, columns, strict=True):
        if name not in sql_types:
            continue  # a column newer than the metadata has no place in the table yet
        try:
            if name in exact:
                arrays[name] = pa.array(values, type=exact[name])
            else:
                # Declared int64, pyarrow would truncate 2.5 to 2; inferred (ints, or doubles when any value is
                # one) and then cast, a fraction or an overflow is refused and a whole double such as 2.0 kept.
                arrays[name] = pa.array(values).cast(pa.int64())
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError) as error:
            raise StoreSchemaError(
                f"column {name} of {schema.api_name} holds a value that is not {schema.column(name).python_type}: "
                f"{error}",
                remediation="report it: the metadata's type for this column is wrong",
                api_name=schema.api_name,
            ) from None
    return pa.table(arrays)


async def run_sync(
    client: AsyncQuery,
    db: Database,
    catalog: Catalog,
    request: SyncRequest,
    *,
    on_slice: SliceCallback | None = None,
) -> SyncReport:
    """Sync ``request.apis`` into ``db`` through ``client``; see the module docstring."""
    return await _Engine(client, db, catalog, request, on_slice).run()


def run_sync_blocking(run: Callable[[], Any]) -> Any:
    """Run the coroutine factory ``run`` to completion from blocking code, also inside a running event loop
    (a notebook): then in a worker thread with its own loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(run())
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(run())
        except BaseException as error:  # handed to the calling thread
            outcome["error"] = error

    thread = threading.Thread(target=target, name="tushare-typed-sync")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
