"""`tushare_typed.options`: the per-call options every generated method takes, and their run-time name check."""

from __future__ import annotations

import pytest

from tushare_typed import TushareClient
from tushare_typed.errors import ParameterError
from tushare_typed.options import CallOptions, checked


def test_call_options_are_the_five_documented_keys_all_optional() -> None:
    assert set(CallOptions.__optional_keys__) == {"offset", "max_rows", "max_pages", "timeout", "deadline"}
    assert not CallOptions.__required_keys__
    assert all(f"``{name}``" in (CallOptions.__doc__ or "") for name in CallOptions.__optional_keys__)


def test_known_options_pass_through_unchanged() -> None:
    options: CallOptions = {"offset": 5, "max_rows": None, "timeout": 1.5}
    assert checked("daily", options) is options
    assert checked("daily", {}) == {}


def test_an_unknown_name_is_a_parameter_error_naming_it_and_the_fix() -> None:
    with pytest.raises(ParameterError) as caught:
        checked("daily", {"max_row": 1, "ts_cod": "x", "offset": 0})
    error = caught.value
    assert "daily() got unknown argument(s) 'max_row', 'ts_cod'" in str(error)
    assert error.api_name == "daily"
    assert "max_pages, max_rows, offset, timeout" in (error.remediation or "")


def test_a_misspelled_argument_fails_before_any_request() -> None:
    client = TushareClient(token="t" * 40, base_url="http://127.0.0.1:9", max_retries=0)
    with pytest.raises(ParameterError, match="'max_row'"):
        client.daily(max_row=10)  # type: ignore[call-arg]
    with pytest.raises(ParameterError, match="ts_cod: Extra inputs are not permitted"):
        client.pages.daily(ts_cod="000001.SZ")  # type: ignore[call-arg]
