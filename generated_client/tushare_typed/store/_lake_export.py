"""Exporting one stored interface to a lake, incrementally and atomically (the layout is in ``_manifest.py``).

1. Read the current manifest (through the pointer), fingerprint the stored table's units (one query).
2. Write a new file for each unit that is new or changed since that manifest (each under a name of its own: no
   file a manifest names is ever overwritten), in parallel.
3. Write the next manifest, then replace the pointer: the one step that makes the export visible.
4. Delete what no manifest points to any more: superseded files, files of an earlier export that failed midway,
   older manifests. A failure here leaves garbage, never a wrong lake; the next export deletes it.

A failure before step 3 changes nothing a reader following the pointer sees; running the export again writes the
units still missing. One export per interface and lake at a time (the lake has no lock of its own).
"""

# SQL here is built from identifiers passed through quote(); values are bound as parameters.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import logging
import queue
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from ._errors import LakeError, LakeManifestError
from ._lake_fs import lake_error
from ._manifest import (
    ALL_UNIT,
    MANIFEST_DIR,
    NULL_UNIT,
    POINTER,
    Manifest,
    Unit,
    manifest_name,
    pointer_json,
    read_pointer,
    unit_file,
)
from ._schema import literal, quote

if TYPE_CHECKING:
    import duckdb
    import pyarrow.fs

    from ._database import Database
    from ._schema import TableSchema

__all__ = ["LakeExport", "export_to_lake", "read_manifest", "s3_errors"]

_log = logging.getLogger("tushare_typed.store")
#: Units written and uploaded at once.
_WORKERS: Final = 3


@dataclass(frozen=True, slots=True)
class LakeExport:
    """What one export to a lake did: the manifest now current, its rows, and the units written or kept as they
    were (``units_dropped``: units no longer in the store)."""

    api_name: str
    url: str
    sequence: int
    rows: int
    units_written: int
    units_kept: int
    units_dropped: int
    bytes_written: int
    seconds: float

    def summary(self) -> str:
        return (
            f"{self.api_name}: exported to {self.url} (manifest {self.sequence}): {self.rows} rows; "
            f"{self.units_written} units written, {self.units_kept} unchanged"
            + (f", {self.units_dropped} dropped" if self.units_dropped else "")
            + f"; {self.bytes_written / 1e6:.1f} MB in {self.seconds:.1f} s"
        )


@contextmanager
def s3_errors(action: str) -> Iterator[None]:
    """Turn a failed object-storage call inside the block into the typed error for it."""
    import pyarrow as pa

    try:
        yield
    except (OSError, pa.ArrowException) as error:
        raise lake_error(error, action) from None


def _read_bytes(fs: pyarrow.fs.FileSystem, path: str) -> bytes | None:
    """The object's bytes, or None when there is none."""
    from pyarrow.fs import FileType

    if fs.get_file_info(path).type == FileType.NotFound:
        return None
    with fs.open_input_stream(path) as stream:
        data: bytes = stream.readall()
        return data


def _write_bytes(fs: pyarrow.fs.FileSystem, path: str, data: bytes) -> None:
    with fs.open_output_stream(path) as stream:
        stream.write(data)


def read_manifest(fs: pyarrow.fs.FileSystem, base: str, url: str) -> Manifest | None:
    """The current manifest of the interface folder ``base`` (None before the first export)."""
    with s3_errors(f"read the manifest of {url}"):
        pointer = _read_bytes(fs, f"{base}/{POINTER}")
        if pointer is None:
            return None
        name = read_pointer(pointer, f"{url}/{POINTER}")
        data = _read_bytes(fs, f"{base}/{name}")
    if data is None:
        raise LakeManifestError(f"the lake's pointer {url}/{POINTER} names {name}, which is missing")
    return Manifest.from_json(data, f"{url}/{name}")


def _units(db: Database, schema: TableSchema) -> dict[str, tuple[int, str]]:
    """Each unit of the stored table → (rows, fingerprint)."""
    hashed = ", ".join(quote(name) for name in schema.names)
    unit = f"'{ALL_UNIT}'"
    if schema.date_column:
        unit = f"coalesce(strftime({quote(schema.date_column)}, '%Y%m'), '{NULL_UNIT}')"
    rows = db.arrow(
        f"SELECT {unit} AS unit, count(*) AS n, CAST(sum(hash({hashed})) AS VARCHAR) AS fp FROM {schema.table} "
        "GROUP BY 1"
    ).to_pylist()
    return {row["unit"]: (row["n"], row["fp"]) for row in rows}


def _state(unit: Unit) -> tuple[int, str]:
    return unit.rows, unit.fingerprint


def _unit_select(schema: TableSchema, unit: str) -> str:
    """The query of one unit's stored rows, in the table's column types (dates stay dates)."""
    select = f"SELECT {', '.join(quote(name) for name in schema.names)} FROM {schema.table}"
    if unit == ALL_UNIT or schema.date_column is None:
        return select
    column = quote(schema.date_column)
    if unit == NULL_UNIT:
        return f"{select} WHERE {column} IS NULL"
    first = dt.date(int(unit[:4]), int(unit[4:]), 1)
    after = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return f"{select} WHERE {column} >= DATE '{first.isoformat()}' AND {column} < DATE '{after.isoformat()}'"


class _Writer:
    """Writes units as Parquet (DuckDB's writer: the local export's encoding) and uploads them, ``_WORKERS`` at a
    time, each on a DuckDB cursor of its own: a unit is one row group, which DuckDB encodes on one thread, so units
    in parallel keep the cores busy, and one unit's upload overlaps another's encoding. At most ``_WORKERS`` files
    wait on local disk."""

    def __init__(self, db: Database, fs: pyarrow.fs.FileSystem, scratch: Path) -> None:
        with db.cursor() as conn:
            self._idle: queue.SimpleQueue[duckdb.DuckDBPyConnection] = queue.SimpleQueue()
            for _ in range(_WORKERS):
                self._idle.put(conn.cursor())
        self._fs = fs
        self._scratch = scratch
        self._path = db.path

    def close(self) -> None:
        for _ in range(_WORKERS):
            self._idle.get().close()

    def __call__(self, select: str, unit: str, remote: str) -> int:
        """Write one unit and upload it; returns its bytes."""
        import duckdb

        local = self._scratch / f"{unit}.parquet"
        conn = self._idle.get()
        try:
            conn.execute(f"COPY ({select}) TO {literal(str(local))} (FORMAT PARQUET)")
        except duckdb.Error as error:
            raise LakeError(
                f"cannot write a Parquet file to {self._scratch} from the store {self._path}: {error}",
                remediation="free space in the temporary directory (or point TMPDIR elsewhere), then export again",
            ) from None
        finally:
            self._idle.put(conn)
        try:
            with local.open("rb") as source, self._fs.open_output_stream(remote) as sink:
                while chunk := source.read(1 << 22):
                    sink.write(chunk)
            return local.stat().st_size
        finally:
            local.unlink()


def export_to_lake(db: Database, schema: TableSchema, fs: pyarrow.fs.FileSystem, root: str, url: str) -> LakeExport:
    """Export ``schema``'s table under ``root/<api>`` (``url`` names it in messages); see the module docstring."""
    began = time.perf_counter()
    base, where = f"{root}/{schema.api_name}", f"{url}/{schema.api_name}"
    previous = read_manifest(fs, base, where)
    columns = tuple((c.name, c.sql_type) for c in schema.columns)
    same_shape = previous is not None and (previous.columns, previous.date_column) == (columns, schema.date_column)
    kept: dict[str, Unit] = dict(previous.units) if previous is not None and same_shape else {}
    current = _units(db, schema)
    stale = sorted(unit for unit, state in current.items() if unit not in kept or _state(kept[unit]) != state)
    dropped = [u for u in kept if u not in current]
    for unit in (*stale, *dropped):
        kept.pop(unit, None)
    if previous is not None and same_shape and not stale and not dropped:  # nothing new: no new manifest either
        _sweep(fs, base, previous)
        return LakeExport(
            schema.api_name, where, previous.sequence, previous.rows, 0, len(kept), 0, 0, time.perf_counter() - began
        )
    run = uuid.uuid4().hex[:12]
    written: dict[str, Unit] = {}
    with tempfile.TemporaryDirectory(prefix="tushare-lake-") as scratch, s3_errors(f"write {where}"):
        writer = _Writer(db, fs, Path(scratch))
        try:
            with ThreadPoolExecutor(_WORKERS, thread_name_prefix="tushare-lake") as pool:
                jobs = []
                for unit in stale:
                    rows, fingerprint = current[unit]
                    name = unit_file(unit, run, partitioned=schema.date_column is not None)
                    jobs.append(pool.submit(writer, _unit_select(schema, unit), unit, f"{base}/{name}"))
                    written[unit] = Unit(name, rows, fingerprint)
                try:
                    total_bytes = sum(job.result() for job in jobs)
                except BaseException:
                    pool.shutdown(cancel_futures=True)  # the first failure ends the export: start no more units
                    raise
        finally:
            writer.close()
    manifest = Manifest(
        schema.api_name,
        (previous.sequence if previous is not None else 0) + 1,
        dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        columns,
        schema.date_column,
        {**kept, **written},
    )
    with s3_errors(f"publish the export of {where}"):
        _write_bytes(fs, f"{base}/{manifest_name(manifest.sequence)}", manifest.to_json())
        _write_bytes(fs, f"{base}/{POINTER}", pointer_json(manifest))  # the export becomes visible here
    _sweep(fs, base, manifest)
    return LakeExport(
        schema.api_name,
        where,
        manifest.sequence,
        manifest.rows,
        len(written),
        len(kept),
        len(dropped),
        total_bytes,
        time.perf_counter() - began,
    )


def _sweep(fs: pyarrow.fs.FileSystem, base: str, manifest: Manifest) -> None:
    """Delete every object under ``base`` that the current manifest does not need: superseded data, files of failed
    exports, older manifests. Failures are logged, never raised: the export is complete already."""
    from pyarrow.fs import FileSelector, FileType

    keep = {f"{base}/{name}" for name in (*manifest.files, manifest_name(manifest.sequence), POINTER)}
    try:
        found = fs.get_file_info(FileSelector(base, recursive=True))
        garbage = [
            info.path
            for info in found
            if info.type == FileType.File
            and info.path not in keep
            and (info.path.endswith(".parquet") or info.path.startswith(f"{base}/{MANIFEST_DIR}/"))
        ]
        for path in garbage:
            fs.delete_file(path)
    except Exception as error:  # the export is complete; garbage waits for the next one
        _log.warning("lake: could not delete superseded objects under %s: %s", base, lake_error(error, "clean up"))
