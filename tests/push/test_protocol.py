"""The sans-IO protocol: subscriptions checked, frames read into records, control, garbage or refusals."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tushare_typed.errors import AuthError, ParameterError
from tushare_typed.push import TOPICS, TsMin, TsTick
from tushare_typed.push._decode import MalformedRecord, opt_datetime, opt_float, opt_int
from tushare_typed.push._protocol import MAX_CODES, StreamStats, read_frame, subscription
from tushare_typed.testing._push_ticks import record

pytestmark = pytest.mark.timeout(30)


def frame(topic: str, code: str, payload: object, status: bool = True) -> str:
    return json.dumps({"status": status, "message": "", "data": {"topic": topic, "code": code, "record": payload}})


def test_every_topic_decodes_the_emulators_records_into_its_sdk_model() -> None:
    for name, spec in TOPICS.items():
        code = f"1MIN:{spec.code_example.partition(':')[2]}" if name.endswith("_MIN") else spec.code_example
        decoded = spec.decode(record(0, name, code, 3))
        assert isinstance(decoded, spec.record)
        assert getattr(decoded, "trade_time", None) is not None


def test_a_tick_frame_becomes_a_typed_record() -> None:
    stats = StreamStats()
    sub = subscription("HQ_STK_TICK", ["000001.SZ"])
    got = read_frame(sub, frame("HQ_STK_TICK", "000001.SZ", record(7, "HQ_STK_TICK", "000001.SZ", 2)), stats)
    assert got is not None and isinstance(got.record, TsTick)
    assert got.record.ts_code == "000001.SZ" and got.record.trade_time == dt.datetime(2024, 12, 31, 9, 30, 6)
    assert got.record.ask_price1 is not None and got.record.bid_price1 is not None
    assert got.record.ask_price1 > got.record.bid_price1
    assert stats.records == 1 and stats.malformed == 0


def test_wildcards_match_like_fnmatch_and_other_codes_are_unmatched() -> None:
    stats = StreamStats()
    sub = subscription("HQ_STK_MIN", "1MIN:*.SH, 1MIN:000001.SZ")
    for code, wanted in (("1MIN:600000.SH", True), ("1MIN:000001.SZ", True), ("1MIN:000002.SZ", False)):
        got = read_frame(sub, frame("HQ_STK_MIN", code, record(0, "HQ_STK_MIN", code, 0)), stats)
        assert (got is not None) is wanted
        if got is not None:
            assert isinstance(got.record, TsMin) and got.code == code
    assert stats.unmatched == 1


@pytest.mark.parametrize(
    "text",
    [
        b"\xff\xfe",
        "not json",
        "[1, 2]",
        '{"status": true, "data": "x"}',
        '{"status": true, "data": {"topic": "HQ_STK_TICK", "code": "000001.SZ"}}',
        frame("HQ_STK_TICK", "000001.SZ", {"ts_code": 5}),
        frame("HQ_STK_TICK", "000001.SZ", {"ts_code": "000001.SZ", "volume": 1.5}),
        frame("HQ_STK_TICK", "000001.SZ", {"ts_code": "000001.SZ", "trade_time": "yesterday"}),
    ],
)
def test_garbage_is_counted_never_raised(text: str | bytes) -> None:
    stats = StreamStats()
    assert read_frame(subscription("HQ_STK_TICK", ["000001.SZ"]), text, stats) is None
    assert stats.malformed == 1 and stats.records == 0


def test_an_empty_data_frame_is_control() -> None:
    stats = StreamStats()
    assert (
        read_frame(subscription("HQ_STK_TICK", ["*"]), '{"status": true, "message": "ok", "data": {}}', stats) is None
    )
    assert stats.control == 1 and stats.malformed == 0


def test_a_refusal_is_an_auth_error() -> None:
    with pytest.raises(AuthError, match="refused the subscription: token"):
        read_frame(subscription("HQ_STK_TICK", ["*"]), '{"status": false, "message": "token bad"}', StreamStats())


def test_the_subscription_message_is_the_sdks() -> None:
    sub = subscription("HQ_STK_TICK", ["000001.SZ", "*.SH", "000001.SZ"])
    assert json.loads(sub.subscribe_message("T")) == {
        "action": "listening",
        "token": "T",
        "data": {"HQ_STK_TICK": ["000001.SZ", "*.SH"]},
    }
    assert json.loads(sub.ping_message()) == {"action": "ping"}


@pytest.mark.parametrize(
    ("topic", "codes", "message"),
    [
        ("HQ_STK_TIK", ["000001.SZ"], "did you mean 'HQ_STK_TICK'"),
        ("HQ_STK_TICK", [], "no codes"),
        ("HQ_STK_TICK", ["000001.SZ;DROP"], "is not a HQ_STK_TICK code"),
        ("HQ_STK_MIN", ["000001.SZ"], "is not a HQ_STK_MIN code"),
        ("HQ_STK_TICK", [7], "must be strings"),
        ("HQ_STK_TICK", [f"{i:08d}.SZ" for i in range(MAX_CODES + 1)], "at most"),
    ],
)
def test_bad_subscriptions_are_parameter_errors(topic: str, codes: list[object], message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        subscription(topic, codes)  # type: ignore[arg-type]


def test_converters_follow_pydantics_lax_mode() -> None:
    assert opt_int(3.0) == 3 and opt_float(3) == 3.0
    assert opt_datetime("2024-01-02 09:30:00") == dt.datetime(2024, 1, 2, 9, 30)
    for convert, value in ((opt_int, 1.5), (opt_int, "3"), (opt_float, "1"), (opt_int, True)):
        with pytest.raises(MalformedRecord):
            convert(value)
