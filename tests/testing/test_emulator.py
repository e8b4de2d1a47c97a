"""testing.py: the tushare emulator speaks the envelope, serves deterministic rows, and enforces what tushare does."""

from __future__ import annotations

import importlib.resources
import json
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from tushare_typed.catalog import Catalog, clear_catalog_cache
from tushare_typed.errors import AuthError, PermissionDeniedError, RateLimitError, error_from_reply
from tushare_typed.testing import (
    DEFAULT_TOKEN,
    Faults,
    TushareEmulator,
    permission_message,
    rate_limit_message,
)

from ..runtime.emulator_helpers import post, small_catalog, small_catalog_dict

DATE = re.compile(r"^\d{8}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5) as client:
        yield client


@pytest.fixture
def emulator(catalog: Catalog) -> Iterator[TushareEmulator]:
    with TushareEmulator(catalog, total_rows=30) as running:
        yield running


def call(http: httpx.Client, emulator: TushareEmulator, api_name: str = "daily", **kwargs: Any) -> dict[str, Any]:
    return post(http, emulator.url, api_name, **kwargs)


# --- the plugin --------------------------------------------------------------------------------------------------


def test_plugin_fixture_runs_an_emulator_and_points_the_environment_at_it(
    tushare_emulator: TushareEmulator, http: httpx.Client
) -> None:
    import os

    assert os.environ["TUSHARE_API_URL"] == tushare_emulator.url
    assert os.environ["TUSHARE_TOKEN"] == tushare_emulator.token == DEFAULT_TOKEN
    assert tushare_emulator.catalog.names() == small_catalog().names()
    assert call(http, tushare_emulator)["code"] == 0


@pytest.mark.tushare_emulator(quota=1, window=30.0, tokens=["t-1"])
def test_plugin_fixture_takes_options_from_a_marker(tushare_emulator: TushareEmulator, http: httpx.Client) -> None:
    assert tushare_emulator.token == "t-1"
    assert call(http, tushare_emulator, token="t-1")["code"] == 0
    assert call(http, tushare_emulator, token="t-1")["code"] == 40203


def test_importing_the_plugin_module_is_cheap() -> None:
    code = (
        "import sys, tushare_typed.testing; "
        "print(sorted(m for m in ('pytest', 'http.server', 'httpx', 'json', 'socketserver') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout  # noqa: S603
    assert out.strip() == "[]"


# --- the envelope ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["", "/", "/dataapi", "/dataapi/daily"])
def test_both_routes_answer_with_the_envelope(emulator: TushareEmulator, http: httpx.Client, path: str) -> None:
    body = {"api_name": "daily", "token": DEFAULT_TOKEN, "params": {}, "fields": ""}
    reply = http.post(emulator.url + path, json=body).json()
    assert set(reply) == {"request_id", "code", "msg", "data"}
    assert reply["code"] == 0
    assert len(reply["request_id"]) == 32
    assert set(reply["data"]) == {"fields", "items", "has_more", "count"}
    assert reply["data"]["count"] == len(reply["data"]["items"]) == 30


def test_the_path_names_the_interface_when_the_body_does_not(emulator: TushareEmulator, http: httpx.Client) -> None:
    reply = http.post(emulator.url + "/dataapi/shibor", json={"token": DEFAULT_TOKEN}).json()
    assert reply["data"]["fields"] == ["date", "1w", "on"]


def test_other_paths_are_not_found(emulator: TushareEmulator, http: httpx.Client) -> None:
    assert http.post(emulator.url + "/elsewhere", json={}).status_code == 404
    assert http.get(emulator.url + "/").status_code == 404


# --- the data ----------------------------------------------------------------------------------------------------


def test_fields_default_to_the_default_columns_and_follow_the_request(
    emulator: TushareEmulator, http: httpx.Client
) -> None:
    assert call(http, emulator)["data"]["fields"] == ["ts_code", "trade_date", "close", "vol"]
    asked = call(http, emulator, fields="suspended,close,nope,close")["data"]
    assert asked["fields"] == ["suspended", "close"]
    assert all(isinstance(s, bool) and isinstance(c, float) for s, c in asked["items"])


def test_values_are_shaped_by_python_type(emulator: TushareEmulator, http: httpx.Client) -> None:
    daily = call(http, emulator, fields="ts_code,trade_date,close,vol")["data"]["items"]
    for ts_code, trade_date, close, vol in daily:
        assert re.fullmatch(r"\d{6}\.(SZ|SH)", ts_code)
        assert DATE.match(trade_date)  # documented as str, but a *_date column gets a date
        assert isinstance(close, float)
        assert isinstance(vol, int)
    minutes = call(http, emulator, "stk_mins")["data"]["items"]
    assert all(DATETIME.match(row[1]) for row in minutes)
    shibor = call(http, emulator, "shibor")["data"]["items"]
    assert all(DATE.match(row[0]) and isinstance(row[1], float) for row in shibor)


def test_rows_are_newest_first_and_follow_the_query(emulator: TushareEmulator, http: httpx.Client) -> None:
    params = {"ts_code": "000001.SZ", "end_date": "20240110"}
    items = call(http, emulator, params=params, fields="ts_code,trade_date")["data"]["items"]
    assert {row[0] for row in items} == {"000001.SZ"}
    dates = [row[1] for row in items]
    assert dates[0] == "20240110"
    assert dates == sorted(dates, reverse=True)
    one_day = call(http, emulator, params={"trade_date": "20240105"}, fields="ts_code,trade_date")["data"]["items"]
    assert {row[1] for row in one_day} == {"20240105"}
    assert len({row[0] for row in one_day}) == len(one_day)


def test_rows_are_deterministic_per_query_and_seed(catalog: Catalog, http: httpx.Client) -> None:
    params = {"ts_code": "600000.SH"}
    with TushareEmulator(catalog, seed=1) as first, TushareEmulator(catalog, seed=1) as second:
        a = call(http, first, params=params)["data"]["items"]
        assert call(http, first, params=params)["data"]["items"] == a
        assert call(http, second, params=params)["data"]["items"] == a
        assert call(http, first, params={"ts_code": "000002.SZ"})["data"]["items"] != a
        assert first.rows("daily", params) == (["ts_code", "trade_date", "close", "vol"], a)
    with TushareEmulator(catalog, seed=2) as other:
        assert call(http, other, params=params)["data"]["items"] != a


def test_rows_agree_across_field_subsets(emulator: TushareEmulator, http: httpx.Client) -> None:
    full = call(http, emulator, fields="ts_code,close,vol")["data"]["items"]
    part = call(http, emulator, fields="vol,ts_code")["data"]["items"]
    assert [[row[2], row[0]] for row in full] == part


def test_row_caps_limit_and_offset(catalog: Catalog, http: httpx.Client) -> None:
    with TushareEmulator(catalog, total_rows={"daily": 14000, "shibor": 10}, row_caps={"stk_mins": 7}) as emulator:
        first = call(http, emulator)["data"]
        assert (len(first["items"]), first["has_more"]) == (6000, True)  # the catalog's row_limit
        last = call(http, emulator, params={"offset": 12000, "limit": 9000})["data"]
        assert (len(last["items"]), last["has_more"]) == (2000, False)
        assert call(http, emulator, params={"offset": 20000})["data"]["items"] == []
        small = call(http, emulator, params={"limit": "5", "offset": "3"})["data"]
        assert small["items"] == emulator.rows("daily")[1][3:8]
        assert len(call(http, emulator, "stk_mins")["data"]["items"]) == 7
        assert call(http, emulator, "shibor")["data"]["has_more"] is False
        assert call(http, emulator, params={"limit": "x"})["code"] == -2001


def test_total_rows_may_depend_on_the_query(catalog: Catalog, http: httpx.Client) -> None:
    def total(api_name: str, params: Mapping[str, Any]) -> int:
        return 3 if params.get("ts_code") else 5

    with TushareEmulator(catalog, total_rows=total) as emulator:
        assert len(call(http, emulator)["data"]["items"]) == 5
        assert len(call(http, emulator, params={"ts_code": "000001.SZ", "limit": 2})["data"]["items"]) == 2
        assert len(emulator.rows("daily", {"ts_code": "000001.SZ"})[1]) == 3


def test_overlap_repeats_rows_of_the_previous_page(catalog: Catalog, http: httpx.Client) -> None:
    with TushareEmulator(catalog, total_rows=20, row_caps={"daily": 8}, overlap={"daily": 3}) as emulator:
        rows = emulator.rows("daily")[1]
        pages = [call(http, emulator, params={"offset": o, "limit": 8})["data"]["items"] for o in (0, 8, 16)]
        assert pages == [rows[0:8], rows[5:13], rows[10:18]]
        assert call(http, emulator, params={"offset": 24, "limit": 8})["data"]["items"] == rows[15:20]


# --- what it enforces --------------------------------------------------------------------------------------------


def test_a_wrong_or_missing_token_gets_40101(emulator: TushareEmulator, http: httpx.Client) -> None:
    for token in ("wrong", ""):
        reply = call(http, emulator, token=token)
        assert (reply["code"], reply["msg"], reply["data"]) == (40101, "您的token不对，请确认。", None)
        assert isinstance(error_from_reply(reply["code"], reply["msg"], api_name="daily", request_id=None), AuthError)
    assert emulator.calls(outcome="bad_token") == 2


def test_any_token_is_accepted_when_tokens_is_none(catalog: Catalog, http: httpx.Client) -> None:
    with TushareEmulator(catalog, tokens=None) as emulator:
        assert call(http, emulator, token="anything")["code"] == 0
        assert call(http, emulator, token="")["code"] == 40101


def test_unknown_interfaces_and_bad_bodies_are_argument_errors(emulator: TushareEmulator, http: httpx.Client) -> None:
    assert call(http, emulator, "no_such_api")["code"] == -2001
    assert http.post(emulator.url, content=b"{not json").json()["code"] == -2001
    assert http.post(emulator.url, json=[1]).json()["code"] == -2001
    assert http.post(emulator.url, json={"token": DEFAULT_TOKEN}).json()["code"] == -2001
    bad_params = {"api_name": "daily", "token": DEFAULT_TOKEN, "params": [1]}
    assert http.post(emulator.url, json=bad_params).json()["code"] == -2001
    assert emulator.calls(outcome="bad_request") == 4
    assert emulator.calls(outcome="unknown_api") == 1


def test_denied_interfaces_get_the_permission_40203(catalog: Catalog, http: httpx.Client) -> None:
    with TushareEmulator(catalog, denied=["stk_mins"]) as emulator:
        reply = call(http, emulator, "stk_mins")
        assert (reply["code"], reply["msg"]) == (40203, permission_message())
        assert reply["msg"].startswith("抱歉，您没有接口访问权限")
        error = error_from_reply(reply["code"], reply["msg"], api_name="stk_mins", request_id=None)
        assert isinstance(error, PermissionDeniedError)
        assert call(http, emulator)["code"] == 0


def test_quota_per_token_and_interface_with_the_real_message(catalog: Catalog, http: httpx.Client) -> None:
    with TushareEmulator(catalog, tokens=["a", "b"], quota=3, window=0.4, quotas={"shibor": 1}) as emulator:
        assert [call(http, emulator, token="a")["code"] for _ in range(4)] == [0, 0, 0, 40203]
        rejected = call(http, emulator, token="a")
        assert rejected["msg"] == (
            "抱歉，您每分钟最多访问该接口3次，权限的具体详情访问：https://tushare.pro/document/1?doc_id=108。"
        )
        error = error_from_reply(40203, rejected["msg"], api_name="daily", request_id=None)
        assert isinstance(error, RateLimitError)
        assert (error.limit_calls, error.limit_period) == (3, 60.0)
        assert call(http, emulator, token="b")["code"] == 0  # another account
        assert call(http, emulator, "stk_mins", token="a")["code"] == 0  # another interface
        assert [call(http, emulator, "shibor", token="a")["code"] for _ in range(2)] == [0, 40203]
        time.sleep(0.45)
        assert call(http, emulator, token="a")["code"] == 0  # the window has slid past
        assert emulator.rejections() == 3
        assert emulator.rejections("daily", "a") == 2
        assert emulator.rejections(token="b") == 0


def test_rate_limit_message_names_the_window() -> None:
    assert "每分钟最多访问该接口5次" in rate_limit_message(5, 60)
    assert "每小时最多访问该接口5次" in rate_limit_message(5, 3600)
    assert "每天最多访问该接口5次" in rate_limit_message(5, 86400)


# --- faults ------------------------------------------------------------------------------------------------------


def test_faults_on_chosen_calls(catalog: Catalog, http: httpx.Client) -> None:
    faults = Faults(on_calls={2: "http_500", 3: "drop", 4: "truncate", 5: "slow"}, slow_seconds=0.3)
    with TushareEmulator(catalog, faults=faults) as emulator:
        assert call(http, emulator)["code"] == 0
        response = http.post(emulator.url, json={"api_name": "daily", "token": DEFAULT_TOKEN})
        assert response.status_code == 500
        with pytest.raises(httpx.TransportError):
            http.post(emulator.url, json={"api_name": "daily", "token": DEFAULT_TOKEN})
        truncated = http.post(emulator.url, json={"api_name": "daily", "token": DEFAULT_TOKEN})
        assert truncated.status_code == 200
        with pytest.raises(json.JSONDecodeError):
            truncated.json()
        started = time.monotonic()
        assert call(http, emulator)["code"] == 0
        assert time.monotonic() - started >= 0.3
        assert call(http, emulator)["code"] == 0
        assert emulator.calls(outcome="fault:http_500") == emulator.calls(outcome="fault:drop") == 1
        assert emulator.calls(outcome="ok") == 4  # slow and truncated replies were still answered
        for kind in ("http_500", "drop", "truncate", "slow"):
            assert emulator.faults_injected(kind) == 1
        assert emulator.faults_injected() == 4
        assert [record.fault for record in emulator.records] == [None, "http_500", "drop", "truncate", "slow", None]


def test_faults_only_hit_the_chosen_interfaces(catalog: Catalog, http: httpx.Client) -> None:
    with TushareEmulator(catalog, faults=Faults(on_calls={1: "http_500"}, apis=frozenset({"shibor"}))) as emulator:
        assert call(http, emulator)["code"] == 0
        assert http.post(emulator.url, json={"api_name": "shibor", "token": DEFAULT_TOKEN}).status_code == 500


def test_fault_rates_are_deterministic_per_seed() -> None:
    faults = Faults(http_500=0.2, drop=0.1, seed=7)
    picks = [faults.pick(n) for n in range(1, 2001)]
    assert picks == [Faults(http_500=0.2, drop=0.1, seed=7).pick(n) for n in range(1, 2001)]
    assert picks != [Faults(http_500=0.2, drop=0.1, seed=8).pick(n) for n in range(1, 2001)]
    assert 300 < picks.count("http_500") < 500
    assert 120 < picks.count("drop") < 280
    assert picks.count(None) > 1200
    assert Faults().pick(1) is None


# --- counting ----------------------------------------------------------------------------------------------------


def test_calls_are_counted_by_interface_token_and_outcome(catalog: Catalog, http: httpx.Client) -> None:
    with TushareEmulator(catalog, tokens=["a", "b"]) as emulator:
        call(http, emulator, token="a")
        call(http, emulator, token="b")
        call(http, emulator, "shibor", token="a", params={"start_date": "20240101"})
        call(http, emulator, token="zzz")
        assert emulator.calls() == 4
        assert emulator.calls("daily") == 3
        assert emulator.calls(token="a") == 2
        assert emulator.calls("daily", "a", "ok") == 1
        stats = emulator.stats()
        assert stats == {
            "calls": 4,
            "outcomes": {"bad_token": 1, "ok": 3},
            "by_api": {"daily": {"bad_token": 1, "ok": 2}, "shibor": {"ok": 1}},
            "faults": {},
        }
        assert http.get(emulator.url + "/_emulator/stats").json() == stats
        record = emulator.records[2]
        assert (record.number, record.api_name, record.token, record.outcome) == (3, "shibor", "a", "ok")
        assert record.params == {"start_date": "20240101"}
        emulator.reset_stats()
        assert emulator.calls() == 0
        assert emulator.records == []


# --- life cycle --------------------------------------------------------------------------------------------------


def test_life_cycle(catalog: Catalog, http: httpx.Client) -> None:
    emulator = TushareEmulator(catalog)
    with pytest.raises(RuntimeError, match="not running"):
        _ = emulator.url
    assert emulator.start() is emulator.start()
    assert emulator.url.startswith("http://127.0.0.1:")
    assert call(http, emulator)["code"] == 0  # leaves a keep-alive connection open
    url = emulator.url
    started = time.monotonic()
    emulator.stop()
    emulator.stop()
    assert time.monotonic() - started < 2
    with pytest.raises(httpx.TransportError):
        http.post(url, json={})


def test_default_catalog_is_the_packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "catalog.json").write_text(json.dumps(small_catalog_dict()), encoding="utf-8")
    monkeypatch.setattr(importlib.resources, "files", lambda package: tmp_path)
    clear_catalog_cache()
    try:
        assert TushareEmulator().catalog.names() == small_catalog().names()
    finally:
        clear_catalog_cache()


@pytest.mark.timeout(60)
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_command_line_runs_an_emulator_until_stopped(tmp_path: Path, http: httpx.Client, stop: int) -> None:
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(small_catalog_dict()), encoding="utf-8")
    command = [sys.executable, "-m", "tushare_typed.testing", "--catalog", str(path), "--quota", "1"]
    command += ["--window", "hour", "--deny", "stk_mins", "--token", "mine"]
    with subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True) as process:  # noqa: S603
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        # stdin is closed from the start (as in the background of a shell): the emulator keeps serving.
        ok = http.post(url, json={"api_name": "daily", "token": "mine", "params": {}}).json()
        assert ok["code"] == 0
        limited = http.post(url, json={"api_name": "daily", "token": "mine", "params": {}}).json()
        assert limited["code"] == 40203 and "每小时最多访问该接口1次" in limited["msg"]
        denied = http.post(url, json={"api_name": "stk_mins", "token": "mine", "params": {}}).json()
        assert denied["code"] == 40203 and "没有接口访问权限" in denied["msg"]
        assert post(http, url, "daily")["code"] == 40101  # the default token is not among the accepted ones
        assert process.poll() is None
        process.send_signal(stop)
        assert process.wait(timeout=10) == 0


def test_command_line_accepts_any_token_and_refuses_bad_options(tmp_path: Path) -> None:
    from tushare_typed.testing._cli import parse_arguments

    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(small_catalog_dict()), encoding="utf-8")
    options = parse_arguments(["--catalog", str(path), "--any-token", "--window", "day", "--port", "8123"])
    assert (options["tokens"], options["window"], options["port"]) == (None, 86400.0, 8123)
    with pytest.raises(SystemExit):
        parse_arguments(["--catalog", str(path), "--deny", "dialy"])
    with pytest.raises(SystemExit):
        parse_arguments(["--catalog", str(path), "--window", "fortnight"])
