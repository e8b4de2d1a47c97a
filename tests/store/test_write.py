"""Committing one slice: a plain insert when its keys are new, an upsert otherwise, always with its sync-state row."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tushare_typed.store import StoreKeyConflictError, StoreSchemaError
from tushare_typed.store._database import Database, SliceWrite
from tushare_typed.store._schema import Column, TableSchema
from tushare_typed.store._sync import to_batch

SCHEMA = TableSchema(
    "quotes",
    (Column("code", "VARCHAR", "str"), Column("day", "DATE", "str"), Column("close", "DOUBLE", "float")),
    keys=("code", "day"),
    date_column="day",
    append_only=False,
)
FIELDS = SCHEMA.names
Row = tuple[str | None, str, float]


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path / "store.duckdb")
    database.ensure_table(SCHEMA)
    yield database
    database.close()


def write(db: Database, slice_id: str, rows: Sequence[Row]) -> SliceWrite:
    return db.write_slice(SCHEMA, slice_id, to_batch(SCHEMA, FIELDS, rows))


def stored(db: Database) -> dict[tuple[str, str], float]:
    table = db.arrow("SELECT code, strftime(day, '%Y%m%d') AS day, close FROM quotes").to_pylist()
    return {(r["code"], r["day"]): r["close"] for r in table}


@pytest.mark.timeout(30)
def test_a_new_slice_is_inserted_and_recorded(db: Database) -> None:
    assert write(db, "20240102", [("A", "20240102", 1.0), ("B", "20240102", 2.0)]) == SliceWrite(2, 2, 0)
    assert stored(db) == {("A", "20240102"): 1.0, ("B", "20240102"): 2.0}
    assert db.covered("quotes") == {"20240102": None}


@pytest.mark.timeout(30)
def test_a_refetched_slice_replaces_its_rows_and_adds_the_new_ones(db: Database) -> None:
    write(db, "20240102", [("A", "20240102", 1.0), ("B", "20240102", 2.0)])
    again = write(db, "20240102", [("A", "20240102", 1.5), ("C", "20240102", 3.0)])
    assert again == SliceWrite(2, 1, 1)
    assert stored(db) == {("A", "20240102"): 1.5, ("B", "20240102"): 2.0, ("C", "20240102"): 3.0}
    (slice_rows,) = db.one("SELECT rows FROM _tushare_sync WHERE api = 'quotes' AND slice = '20240102'")
    assert slice_rows == 2


@pytest.mark.timeout(30)
def test_one_record_sent_twice_in_a_slice_is_stored_once(db: Database) -> None:
    rows: list[Row] = [("A", "20240102", 1.0), ("B", "20240102", 2.0), ("A", "20240102", 1.0)]
    assert write(db, "20240102", rows) == SliceWrite(2, 2, 0)
    assert stored(db) == {("A", "20240102"): 1.0, ("B", "20240102"): 2.0}


@pytest.mark.timeout(30)
def test_two_different_rows_under_one_key_in_a_slice_are_a_conflict_naming_them(db: Database) -> None:
    write(db, "20240102", [("A", "20240102", 1.0)])
    rows: list[Row] = [("A", "20240103", 1.0), ("B", "20240103", 2.0), ("A", "20240103", 9.0)]
    with pytest.raises(StoreKeyConflictError, match=r"quotes: .*same key \(code, day\).*code='A', day='20240103'"):
        write(db, "20240103", rows)
    assert stored(db) == {("A", "20240102"): 1.0}  # nothing of the slice committed, nothing overwritten
    assert db.covered("quotes") == {"20240102": None}


@pytest.mark.timeout(30)
def test_a_row_without_its_key_commits_nothing_and_names_the_fix(db: Database) -> None:
    write(db, "20240102", [("A", "20240102", 1.0)])
    with pytest.raises(StoreSchemaError, match="1 fetched rows have no value in key column code"):
        write(db, "20240103", [("B", "20240103", 2.0), (None, "20240103", 3.0)])
    assert stored(db) == {("A", "20240102"): 1.0}
    assert db.covered("quotes") == {"20240102": None}


codes = st.sampled_from(["A", "B", "C", "D"])
days = st.sampled_from(["20240102", "20240103", "20240104"])
# One slice holds each key once (two different rows under one key are a conflict, tested above).
slice_rows = st.dictionaries(st.tuples(codes, days), st.floats(-1e6, 1e6, allow_nan=False), max_size=8).map(
    lambda rows: [(code, day, close) for (code, day), close in rows.items()]
)


@pytest.mark.timeout(120)
@settings(max_examples=30, deadline=None)
@given(st.lists(slice_rows, min_size=1, max_size=5))
def test_any_sequence_of_slices_keeps_the_last_value_of_every_key(slices: list[list[Row]]) -> None:
    model: dict[tuple[str, str], float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        database = Database(Path(tmp) / "store.duckdb")
        try:
            database.ensure_table(SCHEMA)
            for number, batch in enumerate(slices):
                latest = {(code, day): close for code, day, close in batch if code is not None}
                added = len(latest.keys() - model.keys())
                assert write(database, f"s{number}", batch) == SliceWrite(len(latest), added, len(latest) - added)
                model.update(latest)
            assert stored(database) == model
            assert set(database.covered("quotes")) == {f"s{n}" for n in range(len(slices))}
        finally:
            database.close()


@pytest.mark.timeout(30)
def test_slices_are_written_on_one_thread_and_reads_get_every_thread_back(db: Database) -> None:
    def threads() -> int:
        (count,) = db.one("SELECT current_setting('threads')")
        return int(count)

    db.one("SET threads = 3")
    with db.one_thread():
        assert threads() == 1
        write(db, "20240102", [("A", "20240102", 1.0)])
    assert threads() == 3
    with pytest.raises(RuntimeError), db.one_thread():
        raise RuntimeError
    assert threads() == 3
