"""service.py: a tool call checks its arguments, goes through the typed client, and caps its rows with a note
that says how to continue; tushare errors come back as error results with their code and remediation."""

from __future__ import annotations

from typing import Any

import pytest

from tushare_typed import AsyncTushareClient
from tushare_typed.mcp.service import DEFAULT_MAX_ROWS, MAX_ROWS_LIMIT, RowsCall, ToolResult, ToolService
from tushare_typed.testing import TushareEmulator

from .conftest import DENIED

DAILY = {"ts_code": "000001.SZ"}


def ok(result: ToolResult) -> dict[str, Any]:
    assert not result.is_error and result.structured is not None, result.text
    return result.structured


def expected_rows(emulator: TushareEmulator, api: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    fields, items = emulator.rows(api, params)
    return [dict(zip(fields, item, strict=True)) for item in items]


async def test_a_call_returns_the_rows_capped_at_the_default_max_rows(
    service: ToolService, emulator: TushareEmulator
) -> None:
    result = await service.call("daily", DAILY)
    structured = ok(result)
    assert structured["rows"] == expected_rows(emulator, "daily", DAILY)[:20]
    assert structured["row_count"] == 20
    assert structured["fields"] == list(structured["rows"][0])
    assert (structured["completed"], structured["next_offset"]) == (False, 20)
    assert structured["note"] == (
        "230 more rows exist beyond these 20; to continue, call daily again with the same arguments and offset=20."
    )


async def test_a_capped_result_costs_one_call_and_offset_continues_it(
    service: ToolService, emulator: TushareEmulator
) -> None:
    first = await service.call("daily", {**DAILY, "max_rows": 150})
    rest = await service.call("daily", {**DAILY, "offset": ok(first)["next_offset"], "max_rows": 150})
    assert emulator.calls("daily") == 2
    assert ok(first)["rows"] + ok(rest)["rows"] == expected_rows(emulator, "daily", DAILY)
    assert (ok(rest)["completed"], ok(rest)["next_offset"]) == (True, None)
    assert ok(rest)["note"] == "These are the last 100 matching rows; there are no more."


async def test_a_complete_result_says_so(service: ToolService) -> None:
    everything = await service.call("daily", {**DAILY, "max_rows": 300})
    assert (ok(everything)["completed"], ok(everything)["next_offset"]) == (True, None)
    assert ok(everything)["note"] == "All 250 matching rows are here."
    nothing = await service.call("daily", {**DAILY, "offset": 250})
    assert ok(nothing)["rows"] == []
    assert ok(nothing)["note"] == "No rows match these arguments from offset 250 on."


async def test_fields_select_the_columns(service: ToolService) -> None:
    result = await service.call("daily", {**DAILY, "fields": ["trade_date", "close"], "max_rows": 2})
    assert ok(result)["fields"] == ["trade_date", "close"]
    assert [list(row) for row in ok(result)["rows"]] == [["trade_date", "close"]] * 2


async def test_the_text_content_is_a_table_with_the_note(service: ToolService) -> None:
    result = await service.call("daily", {**DAILY, "fields": ["ts_code", "close"], "max_rows": 2})
    lines = result.text.splitlines()
    assert lines[0] == "daily: 2 rows from offset 0, as CSV"
    assert lines[1] == "ts_code,close"
    assert lines[2].startswith("000001.SZ,")
    assert lines[-1] == ok(result)["note"]


async def test_an_enum_parameter_is_passed_through(service: ToolService, emulator: TushareEmulator) -> None:
    arguments = {"ts_code": "CU2310.SHF", "freq": "5min", "max_rows": 3}
    result = await service.call("ft_mins", arguments)
    assert not result.is_error
    assert [row["ts_code"] for row in ok(result)["rows"]] == ["CU2310.SHF"] * 3
    assert emulator.records[-1].params["freq"] == "5min"


@pytest.mark.parametrize(
    ("arguments", "argument"),
    [
        ({"ts_code": 1}, "ts_code"),
        ({"trade_date": "yesterday"}, "trade_date"),
        ({"tscode": "000001.SZ"}, "tscode"),
        ({"max_rows": 0}, "max_rows"),
    ],
)
async def test_bad_arguments_are_an_error_result_and_no_call(
    service: ToolService, emulator: TushareEmulator, arguments: dict[str, Any], argument: str
) -> None:
    result = await service.call("daily", arguments)
    assert result.is_error and result.structured is None
    assert result.text.startswith("Error PARAM-101 (PARAMETER): invalid arguments for daily:")
    assert [line.split(":")[0] for line in result.text.splitlines()[1:]] == [f"- {argument}"]
    assert "Fix: " in result.text
    assert emulator.calls() == 0


async def test_a_value_the_schema_accepts_but_the_client_rejects_is_an_error_result(service: ToolService) -> None:
    result = await service.call("daily", {"trade_date": "20240231"})  # eight digits, but no such day
    assert result.is_error
    assert result.text.startswith("Error PARAM-101 (PARAMETER): ")
    assert "20240231" in result.text


async def test_a_denied_interface_is_an_error_result_with_the_remediation(service: ToolService) -> None:
    result = await service.call(DENIED, {"ts_code": "000001.SZ", "freq": "1min"})
    assert result.is_error and result.structured is None
    lines = result.text.splitlines()
    assert lines[0].startswith("Error AUTH-003 (AUTH): ")
    assert lines[1].startswith("Remediation: ") and len(lines[1]) > len("Remediation: ")
    assert "tushare code: 40203" in lines and any(line.startswith("request_id: ") for line in lines)


async def test_a_wrong_token_is_an_auth_error_result(emulator: TushareEmulator) -> None:
    def client() -> AsyncTushareClient:
        return AsyncTushareClient("not-the-token", base_url=emulator.url, max_retries=0)

    async with ToolService(mode="full", client_factory=client) as service:
        result = await service.call("daily", DAILY)
    assert result.text.startswith("Error AUTH-001 (AUTH): ")


async def test_a_missing_token_is_an_auth_error_result(
    emulator: TushareEmulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.delenv("TUSHARE_TOKEN", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("TUSHARE_API_URL", emulator.url)
    async with ToolService(mode="full") as service:
        result = await service.call("daily", DAILY)
    assert result.text.startswith("Error AUTH-002 (AUTH): ")
    assert "tushare-typed token set" in result.text


async def test_more_rows_than_a_page_are_paged_by_the_client() -> None:
    with TushareEmulator(total_rows=250, row_caps={"daily": 100}) as emulator:

        def client() -> AsyncTushareClient:
            return AsyncTushareClient(emulator.token, base_url=emulator.url)

        async with ToolService(mode="full", client_factory=client) as service:
            result = await service.call("daily", {**DAILY, "max_rows": 220})
        assert ok(result)["rows"] == expected_rows(emulator, "daily", DAILY)[:220]
    assert (ok(result)["completed"], ok(result)["next_offset"]) == (False, 220)
    assert emulator.calls("daily") == 3


def test_call_arguments_split_into_params_and_paging() -> None:
    call = RowsCall.from_arguments("daily", {"ts_code": "A", "offset": 5.0, "fields": ["close"]}, 7)
    assert call == RowsCall("daily", {"ts_code": "A"}, ["close"], 5, 7)
    assert type(call.offset) is int


def test_the_default_max_rows_is_the_manifests(tools: list[dict[str, Any]]) -> None:
    max_rows = tools[0]["inputSchema"]["properties"]["max_rows"]
    assert (max_rows["default"], max_rows["maximum"]) == (DEFAULT_MAX_ROWS, MAX_ROWS_LIMIT)
    with pytest.raises(ValueError, match="max_rows"):
        ToolService(max_rows=0)
    with pytest.raises(ValueError, match="max_rows"):
        ToolService(max_rows=MAX_ROWS_LIMIT + 1)


async def test_dates_follow_the_client_rule(service: ToolService, emulator: TushareEmulator) -> None:
    result = await service.call("daily", {"ts_code": "000001.SZ", "start_date": "2024-01-02", "end_date": "20240105"})
    assert not result.is_error, result.text
    assert emulator.records[-1].params["start_date"] == "20240102"
    reversed_range = await service.call("daily", {"start_date": "2024-03-01", "end_date": "2024-02-01"})
    assert reversed_range.is_error and "start_date=20240301 is after end_date=20240201" in reversed_range.text
    not_a_date = await service.call("daily", {"start_date": "March"})
    assert not_a_date.is_error and "start_date" in not_a_date.text
