"""Fixtures of the service tests: a small catalog, the emulator as upstream, an app on SQLite (or PostgreSQL), keys.

PostgreSQL tests use the server whose URL is in ``TSGEN_TEST_POSTGRES_URL`` (``scripts/services.sh`` starts one on
127.0.0.1 and prints it) and skip, saying so, when it is unset.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the service extra is not installed")

from fastapi.testclient import TestClient

from tushare_typed.catalog import Catalog, load_catalog
from tushare_typed.service._db import Database
from tushare_typed.service._keys import create_key
from tushare_typed.service.app import create_app
from tushare_typed.service.config import ServiceConfig
from tushare_typed.testing import TushareEmulator
from tushare_typed.token import TokenStore

POSTGRES_ENV = "TSGEN_TEST_POSTGRES_URL"
#: The interfaces the tests serve: a paged one, one with a non-identifier column, one with required parameters.
SMALL = ("daily", "shibor", "stock_basic", "trade_cal", "daily_basic")


@pytest.fixture(scope="session")
def small_catalog() -> Catalog:
    full = load_catalog()
    return Catalog({name: full.get(name) for name in SMALL})


@pytest.fixture
def emulator(small_catalog: Catalog) -> Iterator[TushareEmulator]:
    with TushareEmulator(small_catalog, tokens=None, total_rows=30) as running:
        yield running


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get(POSTGRES_ENV, "").strip()
    if not url:
        pytest.skip(f"no PostgreSQL server: run `eval $(bash scripts/services.sh)` to start one and set {POSTGRES_ENV}")
    return url


def reset_postgres(url: str) -> None:
    """Drop every table, so each test migrates a fresh database."""
    import sqlalchemy as sa

    from tushare_typed.service._db import create_engine

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each database the service supports: an SQLite file, and the PostgreSQL server when one runs."""
    if request.param == "sqlite":
        return str(tmp_path / "service.sqlite3")
    url: str = request.getfixturevalue("postgres_url")
    reset_postgres(url)
    return url


AppFactory = Callable[..., TestClient]


@pytest.fixture
def make_client(
    tmp_path: Path, small_catalog: Catalog, emulator: TushareEmulator, monkeypatch: pytest.MonkeyPatch
) -> Iterator[AppFactory]:
    """Build a started app (a TestClient) against the emulator; keyword arguments override the config."""
    monkeypatch.setenv("TUSHARE_TOKEN", emulator.token)
    clients: list[TestClient] = []

    def build(**overrides: Any) -> TestClient:
        values: dict[str, Any] = {
            "database_url": str(tmp_path / "service.sqlite3"),
            "data_dir": tmp_path / "data",
            "upstream_url": emulator.url,
            "catalog": small_catalog,
            "token_key": TokenStore.generate_key(),
        }
        values.update(overrides)
        client = TestClient(create_app(ServiceConfig(**values)))
        client.__enter__()
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)


def db_of(client: TestClient) -> Database:
    db: Database | None = client.app.state.service.db  # type: ignore[attr-defined]
    assert db is not None
    return db


def key_headers(client: TestClient, owner: str = "alice") -> dict[str, str]:
    return {"X-MCP-Token": create_key(db_of(client), owner, "test").key}


@pytest.fixture
def client(make_client: AppFactory) -> TestClient:
    return make_client()


@pytest.fixture
def headers(client: TestClient) -> dict[str, str]:
    return key_headers(client)
