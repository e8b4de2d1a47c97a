from pathlib import Path

import pytest

from tsgen.ingest.run import IngestResult
from tsgen.ingest.sdk import SdkSourceError, read_sdk


def test_http_endpoint_and_envelope(corpus: IngestResult) -> None:
    sdk = corpus.sdk
    assert sdk.distribution == "tushare 1.4.29"
    assert sdk.http_url == "http://api.waditu.com/dataapi"
    assert sdk.url_template == 'f"{self.__http_url}/{api_name}"'
    assert sdk.request_keys == ["api_name", "token", "params", "fields"]
    assert {"code", "msg", "data", "fields", "items"} <= set(sdk.response_keys)
    assert sdk.default_timeout == 30.0


def test_pro_bar_parameters_and_dispatch(corpus: IngestResult) -> None:
    sdk = corpus.sdk
    params = {p.name: p.default for p in sdk.pro_bar.params}
    assert params["freq"] == "'D'"
    assert params["asset"] == "'E'"
    assert params["adj"] == "None"
    assert "复权类型" in sdk.pro_bar.docstring
    dispatched = {d.api_name: d.when for d in sdk.pro_bar_dispatches}
    assert dispatched["daily"] == ["asset == 'E'", "freq == 'D'"]
    assert {"weekly", "monthly", "stk_mins", "adj_factor", "index_daily", "fut_daily", "opt_daily"} <= set(dispatched)


def test_scrapers_are_listed(corpus: IngestResult) -> None:
    assert [s.name for s in corpus.sdk.scrapers] == ["realtime_list", "realtime_quote", "realtime_tick"]


def test_unexpected_sdk_shape_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "pro").mkdir()
    (tmp_path / "pro" / "client.py").write_text("class DataApi:\n    pass\n")
    with pytest.raises(SdkSourceError, match="__http_url"):
        read_sdk(tmp_path, "tushare test")


def test_unparsable_sdk_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "pro").mkdir()
    (tmp_path / "pro" / "client.py").write_text("def (:\n")
    with pytest.raises(SdkSourceError, match="cannot parse"):
        read_sdk(tmp_path, "tushare test")
