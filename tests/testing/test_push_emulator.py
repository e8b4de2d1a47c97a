"""The push emulator: the SDK's protocol, deterministic records for the codes asked, refusals, and `--push`."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import pytest
from websockets.asyncio.client import connect

from tushare_typed.testing import DEFAULT_TOKEN
from tushare_typed.testing._push import PushEmulator
from tushare_typed.testing._push_ticks import UNIVERSE, expand_codes

pytestmark = pytest.mark.timeout(60)


async def _frames(url: str, message: dict[str, object], count: int) -> list[dict[str, object]]:
    async with connect(url) as connection:
        await connection.send(json.dumps(message))
        return [json.loads(await connection.recv()) for _ in range(count)]


def _subscribe(topic: str, codes: list[str], token: str = DEFAULT_TOKEN) -> dict[str, object]:
    return {"action": "listening", "token": token, "data": {topic: codes}}


def test_the_same_seed_streams_the_same_records() -> None:
    runs = []
    for _ in range(2):
        with PushEmulator(seed=5, rate=5000) as push:
            runs.append(asyncio.run(_frames(push.url, _subscribe("HQ_STK_TICK", ["*.SH"]), 30)))
    assert runs[0] == runs[1]
    ack, first = runs[0][0], runs[0][1]
    assert ack["status"] is True and ack["data"] == {}
    assert first["data"]["topic"] == "HQ_STK_TICK" and first["data"]["code"].endswith(".SH")  # type: ignore[index]
    with PushEmulator(seed=6, rate=5000) as push:
        other = asyncio.run(_frames(push.url, _subscribe("HQ_STK_TICK", ["*.SH"]), 30))
    assert other[1] != first


def test_a_bad_token_is_refused_with_status_false() -> None:
    with PushEmulator() as push:
        (reply,) = asyncio.run(_frames(push.url, _subscribe("HQ_STK_TICK", ["000001.SZ"], "nope"), 1))
    assert reply["status"] is False and "token" in str(reply["message"])


def test_wildcards_expand_over_the_universe() -> None:
    assert expand_codes(["*.SH"]) == [code for code in UNIVERSE if code.endswith(".SH")]
    assert expand_codes(["1MIN:60000?.SH", "1MIN:600001.SH"])[:2] == ["1MIN:600000.SH", "1MIN:600001.SH"]


def test_python_m_testing_push_prints_both_urls() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tushare_typed.testing", "--push"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        http, ws = process.stdout.readline().strip(), process.stdout.readline().strip()
        assert http.startswith("http://127.0.0.1:") and ws.startswith("ws://127.0.0.1:") and ws.endswith("/listening")
        frames = asyncio.run(_frames(ws, _subscribe("HQ_STK_MIN", ["1MIN:000001.SZ"]), 2))
        assert frames[1]["data"]["record"]["freq"] == "1MIN"  # type: ignore[index]
    finally:
        process.terminate()
        process.wait(10)
