"""`import tushare_typed` and building a client load no heavy library: those wait for the first call."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = (
    "httpx",
    "httpcore",
    "anyio",
    "pydantic",
    "pydantic_core",
    "structlog",
    "rich",
    "tenacity",
    "cryptography",
    "asyncio",
)

PROBE = """
import json, sys
import tushare_typed
sync = tushare_typed.TushareClient(token="x")
asynchronous = tushare_typed.AsyncTushareClient(token="x")
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in {heavy!r})))
"""


@pytest.mark.timeout(60)
def test_building_clients_imports_no_heavy_library() -> None:
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", PROBE.format(heavy=set(HEAVY))], capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout) == []


@pytest.mark.timeout(60)
def test_the_probe_sees_a_heavy_import() -> None:
    # The same probe after a call's machinery is loaded must report it, or the test above proves nothing.
    probe = PROBE.replace("print(", "import tushare_typed._internal.envelope\nprint(")
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", probe.format(heavy=set(HEAVY))], capture_output=True, text=True
    )
    assert "pydantic" in json.loads(done.stdout)
