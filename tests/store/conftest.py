from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tushare_typed.catalog import Catalog
from tushare_typed.testing import TushareEmulator

from .helpers import rows_per_query, store_catalog


@pytest.fixture
def catalog() -> Catalog:
    return store_catalog()


@pytest.fixture
def emulator(catalog: Catalog) -> Iterator[TushareEmulator]:
    with TushareEmulator(catalog, total_rows=rows_per_query) as running:
        yield running


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store.duckdb"


URL_VARIABLE = "TSGEN_TEST_REDIS_URL"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = os.environ.get(URL_VARIABLE)
    if url:
        yield url
        return
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip(f"no Redis: set {URL_VARIABLE} (bash scripts/services_redis.sh starts one) or install redis-server")
    port = _free_port()
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(  # noqa: S603 (the installed redis-server, on 127.0.0.1 only)
        [server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
    )
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=port)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        client.close()
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
