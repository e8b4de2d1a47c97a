"""Progress of multi-page calls and rate-limit waits: on standard error only, when someone can see it, off by
`TUSHARE_TYPED_PROGRESS=0` or `set_progress(False)`, and off in the MCP server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tushare_typed import progress
from tushare_typed._internal.paginator import SimplePage, paginate
from tushare_typed.ratelimit import RateLimit, RateLimiter


@pytest.fixture(autouse=True)
def detected() -> Iterator[None]:
    progress.set_progress(None)
    yield
    progress.set_progress(None)


def pages(total: int, size: int):  # type: ignore[no-untyped-def]
    def fetch(offset: int, limit: int) -> SimplePage:
        items = [[n] for n in range(offset, min(total, offset + limit))]
        return SimplePage(["n"], items, offset + limit < total)

    return fetch


def test_the_switch_beats_the_environment_which_beats_detection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(progress.ENVIRONMENT_VARIABLE, raising=False)
    assert not progress.progress_enabled()  # pytest captures stderr: no terminal, no notebook
    monkeypatch.setenv(progress.ENVIRONMENT_VARIABLE, "1")
    assert progress.progress_enabled()
    monkeypatch.setenv(progress.ENVIRONMENT_VARIABLE, "0")
    assert not progress.progress_enabled()
    progress.set_progress(True)
    assert progress.progress_enabled()


@pytest.mark.parametrize("with_tqdm", [True, False])
def test_multi_page_calls_show_rows_and_pages_on_stderr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], with_tqdm: bool
) -> None:
    monkeypatch.setenv(progress.ENVIRONMENT_VARIABLE, "1")
    if not with_tqdm:
        monkeypatch.setattr(progress, "_tqdm", lambda: None)
    result = paginate(pages(25, 10), 10, api_name="daily")
    assert len(result) == 25
    out, err = capsys.readouterr()
    assert out == ""
    assert "tushare daily" in err
    assert ("25 rows, 3 pages" in err) if not with_tqdm else ("3 pages" in err)


def test_one_page_and_switched_off_calls_are_quiet(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(progress.ENVIRONMENT_VARIABLE, "1")
    paginate(pages(5, 10), 10, api_name="daily")
    monkeypatch.setenv(progress.ENVIRONMENT_VARIABLE, "0")
    paginate(pages(25, 10), 10, api_name="daily")
    assert capsys.readouterr() == ("", "")


def test_rate_limit_waits_are_announced(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(progress.ENVIRONMENT_VARIABLE, "1")
    now = [0.0]
    limiter = RateLimiter(
        RateLimit(1, 30.0), clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s), min_margin=0
    )
    limiter.acquire("daily")
    limiter.acquire("daily")
    err = capsys.readouterr().err
    assert "tushare daily: waiting" in err and "client-side rate limit" in err


def test_the_mcp_server_turns_progress_off(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("mcp")
    from tushare_typed.mcp import server

    monkeypatch.setenv(progress.ENVIRONMENT_VARIABLE, "1")
    monkeypatch.setattr("anyio.run", lambda *args: None)
    server.serve(server.parser().parse_args([], namespace=server.ServerOptions()))
    assert not progress.progress_enabled()
