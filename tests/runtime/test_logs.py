"""Call events and token redaction."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import structlog
from structlog.testing import capture_logs

from tushare_typed._internal.log_events import (
    CALL_EVENT,
    LOGGER_NAME,
    configure_logging,
    get_logger,
    log_call,
    redact,
    redact_processor,
)
from tushare_typed.token import Secret

from .fakes import synthetic_token


@pytest.fixture(autouse=True)
def _fresh_structlog() -> Iterator[None]:
    structlog.reset_defaults()
    yield
    structlog.reset_defaults()


def _call_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "request_id": "abc",
        "api_name": "daily",
        "duration_ms": 12.34567,
        "attempts": 2,
        "rate_limit_wait_ms": 1500.0,
        "rows": 10,
        "pages": 1,
        "outcome": "ok",
    }
    fields.update(overrides)
    return fields


# --- redaction --------------------------------------------------------------------------------


def test_token_shaped_strings_are_masked_anywhere() -> None:
    token = synthetic_token()
    event = {
        "event": f"calling with {token}",
        "nested": {"list": [token, ("x", token)], "bytes": token.encode()},
        "count": 3,
    }
    redacted = redact(event)
    assert token not in repr(redacted)
    assert redacted["count"] == 3
    assert redacted["nested"]["list"][1][0] == "x"
    assert isinstance(redacted["nested"]["list"][1], tuple)


@pytest.mark.parametrize("key", ["token", "TOKEN", "api_token", "passphrase", "Authorization", "secret_key"])
def test_secret_named_keys_are_blanked_whatever_their_value(key: str) -> None:
    redacted = redact({key: "short-opaque-value", "other": "short-opaque-value"})
    assert redacted[key] == "***"
    assert redacted["other"] == "short-opaque-value"


def test_none_under_a_secret_key_stays_none() -> None:
    assert redact({"token": None}) == {"token": None}


def test_deep_structures_are_flattened_and_still_scanned() -> None:
    token = synthetic_token()
    deep: Any = token
    for _ in range(20):
        deep = [deep]
    assert token not in repr(redact({"deep": deep}))


def test_redact_processor_is_a_structlog_processor() -> None:
    token = synthetic_token()
    out = redact_processor(None, "info", {"event": "x", "token": token, "msg": token})
    assert out == {"event": "x", "token": "***", "msg": "***"}


# --- the call event ---------------------------------------------------------------------------


def test_log_call_is_silent_until_structlog_is_configured(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert not structlog.is_configured()
    log_call(**_call_fields())
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ""


def test_log_call_emits_one_event_with_every_field() -> None:
    with capture_logs() as events:
        log_call(**_call_fields(server_request_id="srv"))
    assert len(events) == 1
    event = events[0]
    assert event["event"] == CALL_EVENT
    assert event["log_level"] == "info"
    assert event["logger"] == LOGGER_NAME
    assert event["duration_ms"] == 12.346
    for name in ("request_id", "api_name", "attempts", "rate_limit_wait_ms", "rows", "pages"):
        assert name in event
    assert event["outcome"] == "ok"
    assert event["server_request_id"] == "srv"


def test_a_failed_call_is_a_warning() -> None:
    with capture_logs() as events:
        log_call(**_call_fields(outcome="error", error_code="AUTH-001"))
    assert events[0]["log_level"] == "warning"
    assert events[0]["error_code"] == "AUTH-001"


def test_log_call_redacts_before_emitting_even_without_the_processor() -> None:
    token = synthetic_token()
    with capture_logs() as events:
        log_call(**_call_fields(note=f"leak {token}", token=token))
    assert token not in repr(events)


def test_configure_logging_json_writes_redacted_json_lines() -> None:
    token = synthetic_token()
    stream = io.StringIO()
    configure_logging(json=True, stream=stream)
    log_call(**_call_fields(api_name="日线"))
    get_logger().info("user event", token=token, text=f"x{token}x", secret=Secret(token))
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["event"] for line in lines] == [CALL_EVENT, "user event"]
    assert lines[0]["api_name"] == "日线"
    assert lines[0]["level"] == "info"
    assert "timestamp" in lines[0]
    assert token not in stream.getvalue()


def test_configure_logging_console_and_level_filtering() -> None:
    stream = io.StringIO()
    configure_logging(level="WARNING", stream=stream)
    log_call(**_call_fields())
    assert stream.getvalue() == ""
    log_call(**_call_fields(outcome="error"))
    assert CALL_EVENT in stream.getvalue()
    assert not stream.getvalue().lstrip().startswith("{")


def test_configure_logging_accepts_numeric_levels_and_rejects_unknown_names() -> None:
    configure_logging(level=logging.DEBUG, stream=io.StringIO())
    with pytest.raises(ValueError, match="unknown log level"):
        configure_logging(level="CHATTY")
