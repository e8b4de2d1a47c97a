"""Secrecy by construction: a server that echoes the token (hex or not) into request_id, msg or a broken body, and
arguments that cannot be encoded, never put the token into any text the package produces."""

from __future__ import annotations

import asyncio
import io
import logging
import pickle
import traceback
from typing import Any

import pytest
import structlog
from click.testing import CliRunner

from tushare_typed import TushareClient
from tushare_typed.cli import cli
from tushare_typed.errors import ParameterError, TushareError
from tushare_typed.logs import configure_logging
from tushare_typed.mcp.service import ToolService

from .server import HostileServer

HEX_TOKEN = "0123456789abcdef" * 3 + "01234567"  # 56 hex digits, a real token's shape
PLAIN_TOKEN = "Not-Hex_token~with.Other;alphabet"
ECHOES = ("echo_request_id", "echo_msg", "echo_malformed")


def every_text_of(error: TushareError) -> str:
    """str, repr, every attribute, the pickle, and the locals of every package frame in its traceback (what a
    traceback printed with locals shows; the test's own frames hold the token as a parameter, of course)."""
    texts = [str(error), repr(error), repr(vars(error)), repr(error.args)]
    texts.append(pickle.dumps(error).decode("latin-1"))
    texts.extend(traceback.format_exception(error))
    for frame, _ in traceback.walk_tb(error.__traceback__):
        if "tushare_typed" in frame.f_code.co_filename:
            texts.append(repr(frame.f_locals))
    return "\n".join(texts)


def logged(error: TushareError) -> str:
    """What logging.exception and structlog (with exc_info) print for the error."""
    stdlib = io.StringIO()
    handler = logging.StreamHandler(stdlib)
    logger = logging.getLogger("secrecy-test")
    logger.addHandler(handler)
    try:
        try:
            raise error
        except TushareError:
            logger.exception("call failed")
    finally:
        logger.removeHandler(handler)
    events = io.StringIO()
    configure_logging(json=True, stream=events)
    try:
        try:
            raise error
        except TushareError:
            structlog.get_logger("tushare_typed").error("call failed", exc_info=True)
    finally:
        structlog.reset_defaults()
    return stdlib.getvalue() + events.getvalue()


@pytest.mark.timeout(20)
@pytest.mark.parametrize("token", [HEX_TOKEN, PLAIN_TOKEN], ids=["hex", "non-hex"])
@pytest.mark.parametrize("behaviour", ECHOES)
def test_an_echoed_token_reaches_no_error_text_or_log(hostile: HostileServer, token: str, behaviour: str) -> None:
    with TushareClient(token, base_url=hostile.url(behaviour), max_retries=0) as client:
        with pytest.raises(TushareError) as caught:
            client.daily()
        with pytest.raises(TushareError) as queried:
            client.query("daily", fields="close")
    for error in (caught.value, queried.value):
        assert token not in every_text_of(error)
        assert token not in logged(error)


@pytest.mark.timeout(20)
@pytest.mark.parametrize("token", [HEX_TOKEN, PLAIN_TOKEN], ids=["hex", "non-hex"])
def test_an_echoed_token_reaches_no_cli_or_mcp_output(
    hostile: HostileServer, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TUSHARE_TOKEN", token)
    for behaviour in ECHOES:
        monkeypatch.setenv("TUSHARE_API_URL", hostile.url(behaviour))
        result = CliRunner().invoke(cli, ["exec", "daily", "--format", "json"])
        assert result.exit_code == 1
        assert token not in result.output + (result.stderr or "")

        async def call() -> Any:
            async with ToolService(mode="full") as service:
                return await service.call("daily", {"ts_code": "000001.SZ"})

        tool = asyncio.run(call())
        assert tool.is_error
        assert token not in repr(tool.structured) + tool.text


@pytest.mark.timeout(10)
def test_an_unencodable_argument_or_token_is_a_parameter_error_without_the_payload(hostile: HostileServer) -> None:
    with TushareClient(PLAIN_TOKEN, base_url=hostile.url("ok")) as client, pytest.raises(ParameterError) as caught:
        client.query("daily", ts_code="\ud800bad")
    assert "ts_code" in caught.value.message
    assert PLAIN_TOKEN not in every_text_of(caught.value)
    bad = TushareClient(PLAIN_TOKEN + "\udfff", base_url=hostile.url("ok"))
    with bad as client, pytest.raises(ParameterError, match="token") as bad_token:
        client.query("daily")
    assert PLAIN_TOKEN not in every_text_of(bad_token.value)
