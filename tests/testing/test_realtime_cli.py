"""``python -m tushare_typed.testing --realtime``: the realtime look-alikes on a further line of stdout, after the
emulator's and the push feed's URLs, answering the realtime calls; the option documented in ``--help``."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tushare_typed.realtime import Realtime, RealtimeSettings
from tushare_typed.testing._cli import parse_arguments

pytestmark = pytest.mark.timeout(60)


def test_realtime_lookalikes_url_is_printed_after_the_others_and_serves_quotes() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tushare_typed.testing", "--push", "--realtime"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        http, ws, realtime = (process.stdout.readline().strip() for _ in range(3))
        assert http.startswith("http://127.0.0.1:") and ws.startswith("ws://127.0.0.1:")
        assert realtime.startswith("http://127.0.0.1:") and realtime != http
        urls = dict.fromkeys(("sina", "sina_vip", "dc", "tx"), realtime)
        with Realtime(RealtimeSettings.resolve(urls=urls, timeout=5.0, retries=0, environ={})) as core:
            quotes = core.quote("000001.SZ,600000.SH", failover=False)
            ticks = core.tick("000001.SZ", failover=False)
        assert quotes.source == "sina" and [q.ts_code for q in quotes.rows] == ["000001.SZ", "600000.SH"]
        assert ticks.source == "tx" and ticks.rows
    finally:
        process.terminate()
        process.wait(10)


def test_help_documents_realtime(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_arguments(["--help"])
    shown = capsys.readouterr().out
    assert "--realtime" in shown and "TUSHARE_TYPED_SINA_URL" in shown
    assert parse_arguments(["--realtime"])["realtime"] is True and parse_arguments([])["realtime"] is False
