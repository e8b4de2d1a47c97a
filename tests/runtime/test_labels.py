"""Chinese column labels: in the catalog, on each conversion of a response, refused when unknown."""

import pytest

from tushare_typed.catalog import load_catalog
from tushare_typed.errors import ParameterError
from tushare_typed.models.daily import DailyResponse
from tushare_typed.response import QueryResponse

pytestmark = pytest.mark.timeout(30)


def _daily() -> DailyResponse:
    row = DailyResponse.row_type()(*([None] * len(DailyResponse.wire_names)))
    return DailyResponse.model_construct(rows=[row], fields=["ts_code", "close", "pct_chg"], extra_columns={"x": [1]})


def test_the_catalog_labels_every_column_uniquely() -> None:
    for spec in load_catalog():
        labels = [f.label for f in spec.fields]
        assert all(labels), spec.api_name
        assert len(set(labels)) == len(labels), spec.api_name
    daily = load_catalog().get("daily")
    assert daily.field("close").label == "收盘价"  # 收盘价 as the docs say, without a unit


def test_to_pandas_with_zh_labels() -> None:
    pytest.importorskip("pandas")
    frame = _daily().to_pandas(labels="zh")
    assert list(frame.columns) == ["股票代码", "收盘价", "涨跌幅", "x"]
    assert list(_daily().to_pandas().columns) == ["ts_code", "close", "pct_chg", "x"]


def test_to_polars_and_arrow_with_zh_labels() -> None:
    pytest.importorskip("polars")
    pytest.importorskip("pyarrow")
    assert _daily().to_polars(labels="zh").columns == ["股票代码", "收盘价", "涨跌幅", "x"]
    assert _daily().to_arrow(labels="zh").column_names == ["股票代码", "收盘价", "涨跌幅", "x"]


def test_query_responses_label_by_their_interface() -> None:
    pytest.importorskip("pandas")
    response = QueryResponse.model_construct(api_name="daily", rows=[("000001.SZ", 1.0)], fields=["ts_code", "new"])
    assert list(response.to_pandas(labels="zh").columns) == ["股票代码", "new"]


def test_unknown_labels_are_a_parameter_error() -> None:
    pytest.importorskip("pandas")
    with pytest.raises(ParameterError, match="labels='en' is not supported"):
        _daily().to_pandas(labels="en")  # type: ignore[arg-type]
