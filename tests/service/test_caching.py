"""Per-request work of the service: cached live keys and owners' tokens, execution logs committed together."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tushare_typed.service._db import Database, ExecutionRecord
from tushare_typed.service._keys import revoke_key
from tushare_typed.service._log_writer import ExecutionLogWriter
from tushare_typed.service._ttl import TTLCache

from .conftest import AppFactory, db_of, key_headers

BODY = {"commandId": "daily", "params": {"ts_code": "000001.SZ"}, "pagination": {"limit": 5}}


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_ttl_cache_serves_entries_until_they_expire() -> None:
    clock = _Clock()
    cache: TTLCache[str, int | None] = TTLCache(2.0, clock=clock)
    cache.put("a", 1)
    cache.put("none", None)
    assert cache.get("a") == (True, 1) and cache.get("none") == (True, None)
    clock.now += 1.99
    assert cache.get("a") == (True, 1)
    clock.now += 0.01
    assert cache.get("a") == (False, None) and cache.get("none") == (False, None)
    cache.put("b", 2)
    cache.discard("b")
    assert cache.get("b") == (False, None)


def test_ttl_cache_bounds_and_disabling() -> None:
    off: TTLCache[str, int] = TTLCache(0)
    off.put("a", 1)
    assert off.get("a") == (False, None)
    small: TTLCache[int, int] = TTLCache(60, max_entries=3)
    for n in range(4):
        small.put(n, n)
    assert [small.get(n)[0] for n in range(4)] == [False, False, False, True]
    with pytest.raises(ValueError, match="ttl must be"):
        TTLCache(-1)


def _statements(db: Database) -> list[str]:
    seen: list[str] = []
    sa.event.listen(db.engine, "before_cursor_execute", lambda *args: seen.append(str(args[2]).split()[0]))
    return seen


@pytest.mark.timeout(60)
def test_a_warm_execute_makes_one_query_its_log_row(client: TestClient, headers: dict[str, str]) -> None:
    assert client.post("/mcp/execute", json=BODY, headers=headers).status_code == 200
    seen = _statements(db_of(client))
    for _ in range(3):
        assert client.post("/mcp/execute", json=BODY, headers=headers).json()["status"] in ("SUCCESS", "PARTIAL")
    assert seen == ["INSERT"] * 3
    assert len(db_of(client).executions("daily")) == 4


@pytest.mark.timeout(60)
def test_a_key_revoked_by_another_process_stops_working_within_the_ttl(make_client: AppFactory, tmp_path: Path) -> None:
    client = make_client(key_cache_ttl=0.5)
    headers = key_headers(client, "carol")
    assert client.get("/mcp/commands", headers=headers).status_code == 200
    key_id = headers["X-MCP-Token"].split("_")[1]
    other = Database.open(tmp_path / "service.sqlite3", run_migrations=False)  # the CLI's own connection
    try:
        assert revoke_key(other, key_id, "cli:test")
    finally:
        other.close()
    time.sleep(0.55)
    reply = client.get("/mcp/commands", headers=headers)
    assert reply.status_code == 401 and "revoked" in reply.json()["message"]


@pytest.mark.timeout(60)
def test_a_token_stored_through_the_api_is_used_at_once(client: TestClient, headers: dict[str, str]) -> None:
    credentials = client.app.state.service.credentials  # type: ignore[attr-defined]
    assert client.post("/mcp/execute", json=BODY, headers=headers).status_code == 200
    assert credentials._owners.get("alice") == (True, None)  # remembered: alice stored no token
    assert client.post("/auth/token", json={"token": "a" * 40, "owner": "alice"}, headers=headers).status_code == 204
    stored = credentials._owners.get("alice")
    assert stored == (False, None)  # forgotten on store, so the next request reads the new token


class _CountingDatabase(Database):
    def __init__(self, engine: Any, fail: bool = False) -> None:
        super().__init__(engine)
        self.batches: list[int] = []
        self.fail = fail

    def log_executions(self, records: Sequence[ExecutionRecord]) -> None:
        self.batches.append(len(records))
        if self.fail:
            raise RuntimeError("disk full")
        time.sleep(0.02)  # a slow commit, so that the others queue behind it
        super().log_executions(records)


def _record(n: int) -> ExecutionRecord:
    return ExecutionRecord(f"r{n}", "daily", "alice", None, "SUCCESS", 0, 1, 0, 1, None)


@pytest.mark.timeout(30)
def test_concurrent_log_rows_share_transactions_and_are_all_stored(tmp_path: Path) -> None:
    base = Database.open(tmp_path / "s.sqlite3")
    db = _CountingDatabase(base.engine)

    async def main() -> None:
        writer = ExecutionLogWriter(db)
        await asyncio.gather(*(writer.write(_record(n)) for n in range(30)))
        await writer.aclose()

    try:
        asyncio.run(main())
        assert sum(db.batches) == 30 and len(db.batches) < 30
        assert sorted(row["request_id"] for row in db.executions()) == sorted(f"r{n}" for n in range(30))
    finally:
        base.close()


@pytest.mark.timeout(30)
def test_a_failed_log_write_fails_every_request_of_its_batch(tmp_path: Path) -> None:
    base = Database.open(tmp_path / "s.sqlite3")
    db = _CountingDatabase(base.engine, fail=True)

    async def main() -> list[BaseException | None]:
        writer = ExecutionLogWriter(db)
        return await asyncio.gather(*(writer.write(_record(n)) for n in range(5)), return_exceptions=True)

    try:
        outcomes = asyncio.run(main())
        assert all(isinstance(outcome, RuntimeError) for outcome in outcomes)
        assert db.executions() == []
    finally:
        base.close()
