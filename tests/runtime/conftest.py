import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest

from tushare_typed.catalog import Catalog
from tushare_typed.testing import TushareEmulator

from .emulator_helpers import small_catalog


@pytest.fixture
def catalog() -> Catalog:
    """A small in-test catalog (daily, stk_mins, shibor, stock_basic)."""
    return small_catalog()


@pytest.fixture
def tushare_emulator_catalog() -> Catalog:
    """Serve the small test catalog from the plugin's ``tushare_emulator`` fixture."""
    return small_catalog()


@pytest.fixture
def emulator(catalog: Catalog) -> Iterator[TushareEmulator]:
    with TushareEmulator(catalog) as running:
        yield running


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
