"""Fetched rows into Arrow: every value converted exactly, or refused with the column named."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tushare_typed.store import StoreSchemaError
from tushare_typed.store._schema import Column, TableSchema
from tushare_typed.store._sync import to_batch

SCHEMA = TableSchema(
    "quotes",
    (
        Column("code", "VARCHAR", "str"),
        Column("day", "DATE", "str"),
        Column("close", "DOUBLE", "float"),
        Column("suspended", "BOOLEAN", "bool"),
    ),
    keys=("code", "day"),
    date_column="day",
    append_only=False,
)
COUNTED = TableSchema(
    "trades",
    (Column("code", "VARCHAR", "str"), Column("day", "DATE", "str"), Column("count", "BIGINT", "int")),
    keys=("code", "day"),
    date_column="day",
    append_only=False,
)

rows = st.lists(
    st.tuples(
        st.text(max_size=8) | st.none(),
        st.sampled_from(["20240102", "20240103"]),
        st.floats(allow_nan=False) | st.integers(-(2**50), 2**50) | st.none(),
        st.booleans() | st.none(),
    ),
    max_size=30,
)


@pytest.mark.timeout(60)
@settings(max_examples=60, deadline=None)
@given(rows)
def test_tuples_and_lists_give_the_same_table_as_the_values(items: list[tuple[Any, ...]]) -> None:
    # Tuples take the one-struct-array path; lists (which Arrow reads as key/value pairs there) the column path.
    from_tuples = to_batch(SCHEMA, SCHEMA.names, items)
    from_lists = to_batch(SCHEMA, SCHEMA.names, [list(row) for row in items])
    assert from_tuples.equals(from_lists)
    values = [(r[0], r[1], None if r[2] is None else float(r[2]), r[3]) for r in items]
    expected = [dict(zip(SCHEMA.names, row, strict=True)) for row in values]
    assert from_tuples.to_pylist() == expected


@pytest.mark.timeout(30)
def test_a_column_newer_than_the_metadata_is_left_out() -> None:
    batch = to_batch(SCHEMA, ("code", "day", "close", "suspended", "new"), [("A", "20240102", 1.0, False, "x")])
    assert batch.column_names == ["code", "day", "close", "suspended"]


@pytest.mark.timeout(30)
def test_text_in_a_number_column_is_refused_naming_the_column() -> None:
    with pytest.raises(StoreSchemaError, match="column close of quotes holds a value that is not float") as caught:
        to_batch(SCHEMA, SCHEMA.names, [("A", "20240102", "n/a", False)])
    assert "metadata's type" in (caught.value.remediation or "")


@pytest.mark.timeout(30)
def test_whole_numbers_keep_every_digit_and_whole_doubles_are_accepted() -> None:
    big = to_batch(COUNTED, COUNTED.names, [("A", "20240102", 2**62 + 1), ("C", "20240102", None)])
    assert big.column("count").to_pylist() == [2**62 + 1, None]
    mixed = to_batch(COUNTED, COUNTED.names, [("A", "20240102", 3), ("B", "20240102", 7.0)])
    assert mixed.column("count").to_pylist() == [3, 7]


@pytest.mark.timeout(30)
@pytest.mark.parametrize("value", [2.5, 2**64, "many", 2**62 + 1.0])
def test_a_fraction_an_overflow_or_text_in_a_whole_number_column_is_refused_not_altered(value: object) -> None:
    with pytest.raises(StoreSchemaError, match="column count of trades holds a value that is not int"):
        # 2**62 + 1 next to a double cannot be both exact: refused too, never rounded.
        to_batch(COUNTED, COUNTED.names, [("A", "20240102", 2**62 + 1), ("B", "20240102", value)])
