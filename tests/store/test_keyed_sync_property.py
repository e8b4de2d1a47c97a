"""Interfaces keyed by issue 22, synced through the emulator with pages that repeat rows at their seams (any shift),
small row caps and any look-back, in one run or two: every row is stored exactly once."""

# SQL here is built from interface and key names of the catalog, never from input.
# ruff: noqa: S608

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tushare_typed import TushareClient
from tushare_typed.catalog import load_catalog
from tushare_typed.store import Store
from tushare_typed.testing import TushareEmulator

#: Newly keyed interfaces of several shapes: per day with a price level, per listing reason, per market, a window.
SAMPLE = ("margin_detail", "cyq_chips", "top_list", "ggt_top10", "stk_holdernumber")
START, END = "20240101", "20240112"  # ten weekdays
ROWS = 9  # rows of one query: several pages with the small caps drawn below


def _rows(api_name: str, params: Mapping[str, Any]) -> int:
    return ROWS


def _stored(path: Path, api: str) -> tuple[int, int, list[Any]]:
    """Rows, distinct keys and the sorted rows of ``api`` in the store at ``path``."""
    catalog = load_catalog()
    keys = ", ".join(f'"{k}"' for k in catalog.get(api).keys)
    with Store(path, catalog=catalog, read_only=True) as store:
        total, distinct = store.db.one(f'SELECT count(*), count(DISTINCT ({keys})) FROM "{api}"')
        rows = sorted(map(str, store.sql(f'SELECT * FROM "{api}"').to_pylist()))
    return total, distinct, rows


def _sync(path: Path, api: str, *, cap: int, shift: int, lookback: int, split: str | None) -> None:
    with (
        TushareEmulator(load_catalog(), total_rows=_rows, row_caps={api: cap}, overlap={api: shift}) as emulator,
        TushareClient(emulator.token, base_url=emulator.url) as client,
        Store(path) as store,
    ):
        if split is not None:  # a first run over part of the range, then the whole range
            client.sync(api, store=store, start=START, end=split, lookback=lookback)
        client.sync(api, store=store, start=START, end=END, lookback=lookback)


@pytest.mark.timeout(300)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    api=st.sampled_from(SAMPLE),
    cap=st.integers(2, 5),
    data=st.data(),
    lookback=st.integers(0, 3),
    split=st.sampled_from([None, "20240103", "20240108"]),
)
def test_any_seam_shift_and_lookback_stores_every_row_once(
    api: str, cap: int, data: st.DataObject, lookback: int, split: str | None
) -> None:
    shift = data.draw(st.integers(0, cap - 1), label="shift")
    if load_catalog().get(api).sync.shape == "window":  # type: ignore[union-attr]
        # The emulator makes a fixed number of rows per query, spread over the window asked: a run split at another
        # date asks other windows and so gets other rows, which says nothing about the store. Seams and look-back
        # still vary.
        split = None
    with tempfile.TemporaryDirectory() as tmp:
        plain, shifted = Path(tmp) / "plain.duckdb", Path(tmp) / "shifted.duckdb"
        _sync(plain, api, cap=100, shift=0, lookback=0, split=None)  # one page a slice: the rows as they are
        _sync(shifted, api, cap=cap, shift=shift, lookback=lookback, split=split)
        total, distinct, rows = _stored(shifted, api)
        expected_total, _, expected_rows = _stored(plain, api)
    assert expected_total > 0
    assert total == distinct == expected_total
    assert rows == expected_rows
