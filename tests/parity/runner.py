"""The parity run: every HTTP interface's example call and the `pro_bar` cases, SDK and ours on one emulator."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .parity import Difference, Outcome, example_calls, load_table, run_side_by_side

if TYPE_CHECKING:
    import pandas

    from tushare_typed.testing import TushareEmulator

WINDOW = {"start_date": "20240101", "end_date": "20240331"}
MINUTES = {"start_date": "2024-01-02 09:00:00", "end_date": "2024-01-02 15:00:00"}
#: name → pro_bar arguments; every case runs through the SDK and ours with the same arguments.
PRO_BAR_CASES: dict[str, dict[str, Any]] = {
    "daily": {"ts_code": "000001.SZ", **WINDOW},
    "daily lower-case code": {"ts_code": "000001.sz", **WINDOW, "adj": "qfq"},
    "qfq ma": {"ts_code": "000001.SZ", **WINDOW, "adj": "qfq", "ma": [5, 10, 20]},
    "hfq adjfactor factors": {
        "ts_code": "600000.SH",
        **WINDOW,
        "adj": "hfq",
        "adjfactor": True,
        "factors": ["tor", "vr"],
    },
    "factors vr": {"ts_code": "000001.SZ", **WINDOW, "factors": ["vr"], "adj": "qfq"},
    "weekly": {"ts_code": "000001.SZ", **WINDOW, "freq": "W", "adj": "qfq"},
    "monthly hfq": {
        "ts_code": "000001.SZ",
        "start_date": "20230101",
        "end_date": "20240331",
        "freq": "M",
        "adj": "hfq",
    },
    "empty window": {"ts_code": "000001.SZ", "start_date": "20240106", "end_date": "20240107"},
    "empty window qfq": {"ts_code": "000001.SZ", "start_date": "20240106", "end_date": "20240107", "adj": "qfq"},
    "minutes": {"ts_code": "000001.SZ", **MINUTES, "freq": "5min"},
    "minutes qfq": {"ts_code": "000001.SZ", **MINUTES, "freq": "5min", "adj": "qfq", "adjfactor": True},
    "index ma": {"ts_code": "000300.SH", **WINDOW, "asset": "I", "ma": [3]},
    "index weekly": {"ts_code": "000300.SH", **WINDOW, "asset": "I", "freq": "W"},
    "fund": {"ts_code": "510300.SH", **WINDOW, "asset": "FD", "ma": [5]},
    "futures": {"ts_code": "CU2403.SHF", **WINDOW, "asset": "FT"},
}
#: Several codes: ours in one call against the SDK's one call per code (its own several-code result mixes codes).
SEVERAL_CODES: dict[str, dict[str, Any]] = {
    "two codes qfq ma factors": {
        "ts_code": "000001.SZ,600000.SH",
        **WINDOW,
        "adj": "qfq",
        "ma": [5],
        "factors": ["tor"],
    },
    "two codes hfq weekly": {"ts_code": "000001.SZ,600000.SH", **WINDOW, "adj": "hfq", "freq": "W"},
}


def sdk_api(emulator: TushareEmulator) -> Any:
    from tushare.pro import client  # type: ignore[import-untyped]

    api = client.DataApi(token=emulator.token, timeout=30)
    api._DataApi__http_url = f"{emulator.url}/dataapi"  # the SDK's server address (a name-mangled attribute)
    return api


def run_all(emulator: TushareEmulator, table: list[Difference] | None = None) -> list[Outcome]:
    return [*interface_outcomes(emulator, table), *pro_bar_outcomes(emulator, table)]


def interface_outcomes(emulator: TushareEmulator, table: list[Difference] | None = None) -> Iterator[Outcome]:
    import tushare_typed as ts

    table = load_table() if table is None else table
    sdk = sdk_api(emulator)
    pro = ts.pro_api(emulator.token, base_url=emulator.url, max_retries=0)
    for api_name, params in example_calls():
        yield run_side_by_side(
            api_name,
            api_name,
            lambda api_name=api_name, params=params: sdk.query(api_name, **params),  # type: ignore[misc]
            lambda api_name=api_name, params=params: pro.query(api_name, **params),  # type: ignore[misc]
            table,
        )


def pro_bar_outcomes(emulator: TushareEmulator, table: list[Difference] | None = None) -> Iterator[Outcome]:
    import tushare as sdk_module  # type: ignore[import-untyped]

    import tushare_typed as ts

    table = load_table() if table is None else table
    sdk = sdk_api(emulator)
    pro = ts.pro_api(emulator.token, base_url=emulator.url, max_retries=0)

    def quiet_sdk(**arguments: Any) -> pandas.DataFrame | None:
        with contextlib.redirect_stdout(io.StringIO()):  # the SDK prints its errors, then retries
            return sdk_module.pro_bar(api=sdk, retry_count=1, **arguments)

    for name, arguments in PRO_BAR_CASES.items():
        yield run_side_by_side(
            f"pro_bar {name}",
            "pro_bar",
            lambda arguments=arguments: quiet_sdk(**arguments),  # type: ignore[misc]
            lambda arguments=arguments: ts.pro_bar(api=pro, **arguments),  # type: ignore[misc]
            table,
        )
    for name, arguments in SEVERAL_CODES.items():
        yield run_side_by_side(
            f"pro_bar {name}",
            "pro_bar",
            lambda arguments=arguments: _code_by_code(quiet_sdk, arguments),  # type: ignore[misc]
            lambda arguments=arguments: _in_sdk_order(ts.pro_bar(api=pro, **arguments)),  # type: ignore[misc]
            table,
        )


def _code_by_code(call: Any, arguments: dict[str, Any]) -> pandas.DataFrame:
    import pandas as pd

    frames = [call(**{**arguments, "ts_code": code}) for code in arguments["ts_code"].split(",")]
    return _in_sdk_order(pd.concat(frames, ignore_index=True))


def _in_sdk_order(frame: pandas.DataFrame) -> pandas.DataFrame:
    return frame.sort_values(["trade_date", "ts_code"], ascending=[False, True], kind="stable").reset_index(drop=True)
