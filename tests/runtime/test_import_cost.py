"""`import tushare_typed` and building a client load no heavy library: those wait for the first call."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

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
    "websockets",
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


STORE_PROBE = """
import json, sys
import tushare_typed
{then}
sync = tushare_typed.TushareClient(token="x")
asynchronous = tushare_typed.AsyncTushareClient(token="x")
assert callable(sync.sync) and callable(asynchronous.sync)
# The package itself and the mixin it gives the clients are light; the engine, DuckDB and pyarrow must not load.
light = ("tushare_typed.store", "tushare_typed.store._mixin")
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[:2] == ["tushare_typed", "store"]
                        and name not in light or name.split(".")[0] in ("duckdb", "pyarrow"))))
"""


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("then", "loaded"), [("", False), ("from tushare_typed.store import Store", True)], ids=["core", "probe"]
)
def test_building_clients_imports_no_store(then: str, loaded: bool) -> None:
    # The "probe" case imports the store first: the same probe must then see it, or the "core" case proves nothing.
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", STORE_PROBE.format(then=then)], capture_output=True, text=True, check=True
    )
    seen = json.loads(done.stdout)
    assert ("tushare_typed.store._store" in seen and "duckdb" in seen) if loaded else seen == []


@pytest.mark.timeout(10)
def test_the_core_client_names_no_store() -> None:
    # client.sync reaches the clients as a mixin (store/_mixin.py): the core client may not even name the
    # store lazily or for the type checker, as it once did.
    from tushare_typed._internal import client_base

    tree = ast.parse(Path(client_base.__file__).read_text(encoding="utf-8"))
    imported = {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not [name for name in imported if name.split(".")[0] == "store"], imported
