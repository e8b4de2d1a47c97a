"""openapi-python-client on our documents: the running gateway's (then a call to `daily` through the generated
client) and the published ``openapi.json`` (a typed response model for every operation, ASCII module names).

openapi-python-client pins its own ruff and typer, so it lives in a venv of its own, cached under ``.cache/``
(created on first use; about a minute).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import venv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = "openapi-python-client==0.29.1"
VENV = ROOT / ".cache" / "openapi-python-client-0.29.1"
CONFIG = {"post_hooks": [], "project_name_override": "gateway_client", "package_name_override": "gateway_client"}


@pytest.fixture(scope="module")
def generator_bin() -> Path:
    command = VENV / "bin" / "openapi-python-client"
    if not command.exists():
        venv.create(VENV, with_pip=True, clear=True)
        subprocess.run(  # noqa: S603 - our cached venv's pip, a pinned package
            [str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", GENERATOR],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return command


def _generate(command: Path, document: Path, out: Path) -> subprocess.CompletedProcess[str]:
    config = out.parent / "opc-config.json"
    config.write_text(json.dumps(CONFIG))
    done = subprocess.run(  # noqa: S603 - the generator from our cached venv
        [
            *(str(command), "generate", "--path", str(document), "--meta", "none"),
            *("--output-path", str(out), "--config", str(config)),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr
    return done


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def running_gateway(make_client: Any, tmp_path: Path, small_catalog: Any, emulator: Any) -> Iterator[tuple[str, str]]:
    """The service under uvicorn on 127.0.0.1 (a real socket, as a generated client needs); (url, api key)."""
    import uvicorn

    from tushare_typed.service._db import Database
    from tushare_typed.service._keys import create_key
    from tushare_typed.service.app import create_app
    from tushare_typed.service.config import ServiceConfig

    url = str(tmp_path / "gateway.sqlite3")
    db = Database.open(url)
    key = create_key(db, "alice", "test").key
    db.close()
    app = create_app(
        ServiceConfig(database_url=url, data_dir=tmp_path, upstream_url=emulator.url, catalog=small_catalog)
    )
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the gateway did not start within 30 s"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", key
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.mark.timeout(400)
def test_client_generated_from_the_running_gateway_calls_daily(
    generator_bin: Path, running_gateway: tuple[str, str], tmp_path: Path
) -> None:
    import httpx

    base, key = running_gateway
    document = tmp_path / "served.json"
    document.write_bytes(httpx.get(f"{base}/openapi.json").content)
    _generate(generator_bin, document, tmp_path / "gateway_client")
    script = f"""
import json
from gateway_client import AuthenticatedClient
from gateway_client.api.gateway import daily
from gateway_client.models import DailyRequest, DailyResult
client = AuthenticatedClient(base_url={base!r}, token={key!r}, prefix="", auth_header_name="X-MCP-Token")
result = daily.sync(client=client, body=DailyRequest(ts_code="000001.SZ", max_rows=4))
assert isinstance(result, DailyResult), result
row = result.rows[0]
print(json.dumps({{"n": len(result.rows), "code": row.ts_code, "close": row.close, "done": result.completed}}))
"""
    done = subprocess.run(  # noqa: S603 - this interpreter running the script above
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    reply = json.loads(done.stdout)
    assert reply["n"] == 4 and reply["code"] == "000001.SZ" and isinstance(reply["close"], float)
    assert reply["done"] is False


@pytest.mark.timeout(400)
def test_published_document_types_every_response(generator_bin: Path, tmp_path: Path) -> None:
    published = ROOT / "generated_client" / "openapi.json"
    operations = len(json.loads(published.read_text("utf-8"))["paths"])
    out = tmp_path / "published_client"
    _generate(generator_bin, published, out)
    responses = sorted(p.name for p in (out / "models").glob("*_response.py"))
    assert len(responses) == operations
    names = [p.relative_to(out).as_posix() for p in out.rglob("*.py")]
    assert all(name.isascii() for name in names), [name for name in names if not name.isascii()]
    daily = (out / "api" / "stock" / "daily.py").read_text("utf-8")
    assert "DailyResponse.from_dict" in daily
