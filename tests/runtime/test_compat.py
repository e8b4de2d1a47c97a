"""SDK habits (`pro_api`, `pro.<api>`, `pro.query`, `ts.pro_bar`, `ts.set_token`) against the emulator: DataFrames
with the interface's columns, every page fetched, arguments checked, the token kept encrypted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import tushare_typed as ts
from tushare_typed.errors import ParameterError
from tushare_typed.testing import TushareEmulator
from tushare_typed.token import TokenStore

CODE = "000001.SZ"


@pytest.fixture
def emulator() -> Iterator[TushareEmulator]:
    with TushareEmulator(total_rows={"daily": 13_000}) as server:
        yield server


@pytest.fixture
def pro(emulator: TushareEmulator) -> ts.ProApi:
    return ts.pro_api(emulator.token, base_url=emulator.url)


def test_pro_daily_returns_every_row_as_a_dataframe(pro: ts.ProApi, emulator: TushareEmulator) -> None:
    frame = pro.daily(ts_code=CODE, end_date="20241231")
    fields, expected = emulator.rows("daily", {"ts_code": CODE, "end_date": "20241231"})
    assert isinstance(frame, pd.DataFrame)
    assert len(frame) == 13_000  # past the 6,000-row cap: the SDK would stop at the first page
    assert list(frame.columns) == fields
    assert frame.to_numpy().tolist() == expected
    assert frame["close"].dtype == "float64"


def test_fields_as_the_sdk_writes_them(pro: ts.ProApi) -> None:
    frame = pro.daily(ts_code=CODE, end_date="20241231", fields="ts_code,trade_date,close")
    assert list(frame.columns) == ["ts_code", "trade_date", "close"]


def test_blank_arguments_mean_not_given_as_in_the_sdk(pro: ts.ProApi, emulator: TushareEmulator) -> None:
    frame = pro.daily(ts_code=CODE, start_date="", end_date="20241231", limit=100)
    assert len(frame) == 100
    assert "start_date" not in emulator.records[-1].params


def test_query_by_name_equals_the_method(pro: ts.ProApi) -> None:
    by_method = pro.daily(ts_code=CODE, end_date="20241231", limit=50)
    by_query = pro.query("daily", ts_code=CODE, end_date="20241231", limit=50)
    pd.testing.assert_frame_equal(by_method, by_query)


def test_misspelled_parameter_is_named_with_the_closest(pro: ts.ProApi, emulator: TushareEmulator) -> None:
    with pytest.raises(ParameterError, match=r"'ts_cod' \(did you mean 'ts_code'\?\)"):
        pro.daily(ts_cod=CODE)
    assert emulator.calls() == 0  # refused before anything was sent


def test_a_bad_value_is_a_parameter_error(pro: ts.ProApi) -> None:
    with pytest.raises(ParameterError, match="start_date"):
        pro.daily(ts_code=CODE, start_date="yesterday")


def test_empty_api_name_is_refused(pro: ts.ProApi) -> None:
    with pytest.raises(ParameterError, match="api_name"):
        pro.query("")


def test_the_typed_client_is_underneath(pro: ts.ProApi) -> None:
    response = pro.client.daily(ts_code=CODE, end_date="20241231", max_rows=3)
    assert len(response.rows) == 3
    assert "ProApi(" in repr(pro)


def test_pro_bar_as_a_dataframe(pro: ts.ProApi) -> None:
    frame = ts.pro_bar(ts_code=CODE, api=pro, end_date="20241231", adj="qfq", ma=[5], limit=20, retry_count=3)
    assert len(frame) == 20
    assert {"ts_code", "trade_date", "close", "ma5"} <= set(frame.columns)


def test_pro_bar_refuses_what_it_does_not_know(pro: ts.ProApi) -> None:
    with pytest.raises(ParameterError, match="'adjj'"):
        ts.pro_bar(ts_code=CODE, api=pro, adjj="qfq")


def test_set_token_writes_the_encrypted_store_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUSHARE_TYPED_KEY", TokenStore.generate_key())
    token = "f" * 56
    store = TokenStore(tmp_path / "token.json")
    ts.set_token(token, store=store)
    assert store.load() == token
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert token not in path.read_text(encoding="utf-8", errors="replace")
