"""endpoint.with_key_columns: which key columns are added to the wire ``fields`` (and hidden again)."""

from __future__ import annotations

from tushare_typed._internal.endpoint import with_key_columns


def test_keys_missing_from_named_fields_are_added_and_hidden() -> None:
    assert with_key_columns(("close",), ("ts_code", "close"), ("ts_code", "trade_date")) == (
        ("ts_code", "trade_date"),
        ("close", "ts_code", "trade_date"),
    )


def test_keys_already_asked_for_are_not_hidden() -> None:
    assert with_key_columns(("ts_code", "trade_date"), (), ("ts_code", "trade_date")) == (
        (),
        ("ts_code", "trade_date"),
    )


def test_default_columns_get_the_keys_they_lack() -> None:
    assert with_key_columns(None, ("ts_code", "close"), ("ts_code", "trade_date")) == (
        ("trade_date",),
        ("ts_code", "close", "trade_date"),
    )


def test_without_known_default_columns_the_servers_default_answer_is_left_alone() -> None:
    # Asking for just the keys would replace every column the server sends by default with the keys alone.
    assert with_key_columns(None, (), ("month",)) == ((), None)


def test_without_keys_nothing_changes() -> None:
    assert with_key_columns(("close",), ("close",), ()) == ((), ("close",))
    assert with_key_columns(None, ("close",), ()) == ((), None)
