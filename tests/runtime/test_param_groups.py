"""Issue 11 in the generated client: parameter groups, multi-date params, permission facts, pro_bar's SDK types."""

from __future__ import annotations

import datetime

import pytest

from tushare_typed import TushareClient
from tushare_typed.catalog import load_catalog
from tushare_typed.cli.browse import describe_text
from tushare_typed.cli.exec import parse_params
from tushare_typed.errors import ParameterError
from tushare_typed.testing import TushareEmulator


@pytest.mark.timeout(60)
def test_daily_basic_for_one_date_works_against_the_emulator() -> None:
    with TushareEmulator() as emulator, TushareClient(token=emulator.token, base_url=emulator.url) as client:
        response = client.daily_basic(trade_date="20240726", fields=["ts_code", "trade_date", "pe"])
        calls = emulator.calls("daily_basic")
    assert response.completed and calls == response.pages >= 1
    assert response.rows
    assert response.fields == ["ts_code", "trade_date", "pe"]


def test_a_call_without_any_group_member_names_the_group() -> None:
    client = TushareClient(token="x" * 40, base_url="http://127.0.0.1:9")
    with pytest.raises(ParameterError, match=r"give at least one of ts_code, trade_date") as caught:
        client.daily_basic(start_date="20240101")
    assert caught.value.api_name == "daily_basic"


def test_an_empty_code_does_not_count_as_given() -> None:
    client = TushareClient(token="x" * 40, base_url="http://127.0.0.1:9")
    with pytest.raises(ParameterError, match="daily_basic"):
        client.daily_basic(ts_code="")


def test_several_dates_for_a_multi_date_param() -> None:
    from tushare_typed.models.ggt_daily import GgtDailyRequest

    request = GgtDailyRequest(trade_date=["20190925", datetime.date(2018, 9, 24)])
    assert request.trade_date == "20190925,20180924"
    with pytest.raises(ValueError, match="not a date"):
        GgtDailyRequest(trade_date="20190925,2018")


def test_catalog_carries_groups_and_permissions() -> None:
    catalog = load_catalog()
    (group,) = catalog.get("daily_basic").param_groups
    assert group.params == ("ts_code", "trade_date") and group.kind == "any"
    permission = catalog.get("ft_mins").permission
    assert permission is not None and permission.separate and permission.trial_points == 120
    assert catalog.get("ft_mins").points is None


def test_describe_states_the_group_and_the_permission() -> None:
    catalog = load_catalog()
    assert "Parameter group: give at least one of ts_code, trade_date" in describe_text(catalog.get("daily_basic"))
    text = describe_text(catalog.get("us_daily"))
    assert "Permission: a separate permission" in text and "120 points allow a trial look only" in text


def test_cli_accepts_one_group_member_and_rejects_none() -> None:
    from tushare_typed.cli import CliUsageError

    spec = load_catalog().get("daily_basic")
    assert parse_params(spec, ["trade_date=20240726"]) == {"trade_date": "20240726"}
    with pytest.raises(CliUsageError, match="give at least one of ts_code, trade_date"):
        parse_params(spec, ["start_date=20240101"])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"ma": ["ma5"]}, "ma takes integer window sizes"),
        ({"ma": [True]}, "ma takes integer window sizes"),
        ({"ma": "5"}, "is one string"),
        ({"factors": ["pe"]}, "unknown factors"),
        ({"adj": "none"}, "is not an adjustment"),
    ],
)
def test_pro_bar_rejects_what_the_sdk_would_silently_ignore(arguments: dict[str, object], message: str) -> None:
    client = TushareClient(token="x" * 40, base_url="http://127.0.0.1:9")
    with pytest.raises(ParameterError, match=message):
        client.pro_bar(ts_code="000001.SZ", **arguments)  # type: ignore[arg-type]
