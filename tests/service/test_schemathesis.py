"""schemathesis over the served document: every operation, generated requests with a valid API key, against the
emulator; no server error, every status, content type and body as documented.

Bounded: a few examples per operation, no shrinking past a deadline (``settings`` below).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is in the dev extra")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis import checks  # noqa: E402

from tests.service.conftest import SMALL  # noqa: E402
from tests.service.streaming import ticking  # noqa: E402
from tests.service.test_sources_routes import settings_of  # noqa: E402
from tushare_typed.catalog import Catalog  # noqa: E402
from tushare_typed.service._db import Database  # noqa: E402
from tushare_typed.service._fanout import Hub  # noqa: E402
from tushare_typed.service._keys import create_key  # noqa: E402
from tushare_typed.service.app import create_app  # noqa: E402
from tushare_typed.service.config import ServiceConfig  # noqa: E402
from tushare_typed.testing import TushareEmulator  # noqa: E402
from tushare_typed.testing._sources import SourceLookalikes  # noqa: E402
from tushare_typed.token import TokenStore  # noqa: E402

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture(scope="module")
def served(small_catalog: Catalog, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str]]:
    folder: Path = tmp_path_factory.mktemp("schemathesis")
    database = str(folder / "service.sqlite3")
    with (
        TushareEmulator(small_catalog, tokens=None, total_rows=30) as upstream,
        TushareEmulator() as market,
        SourceLookalikes(market) as lookalikes,
    ):
        db = Database.open(database)
        key = create_key(db, "fuzzer", "test").key
        db.close()
        config = ServiceConfig(
            database_url=database,
            data_dir=folder / "data",
            upstream_url=upstream.url,
            catalog=small_catalog,
            token_key=TokenStore.generate_key(),
            sources=settings_of(market, lookalikes),
        )
        hub = Hub({"quotes": ticking(3)})  # a stream that ends: the fuzzer reads each reply whole
        yield schemathesis.openapi.from_asgi("/openapi.json", create_app(config, hub=hub)), key
    from schemathesis.python.asgi import shutdown_lifespans

    shutdown_lifespans()


OPERATIONS = [
    "GET /mcp/commands",
    "GET /mcp/commands/{commandId}",
    "POST /mcp/execute",
    "POST /auth/token",
    "GET /metadata/interfaces/{interfaceName}",
    *(f"POST /v1/{name}" for name in SMALL),
    "GET /v1/sources/bars",
    "GET /v1/sources/compare",
    "GET /v1/stream/{topic}",
]


@pytest.mark.timeout(300)
@pytest.mark.parametrize("label", OPERATIONS)
def test_the_served_document_holds(served: tuple[Any, str], label: str) -> None:
    schema, api_key = served
    operation = schema.find_operation_by_label(label)
    assert operation is not None, f"{label} is not in the served document"

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
    @given(case=operation.as_strategy())
    def holds(case: Any) -> None:
        case.call_and_validate(headers={"X-MCP-Token": api_key}, checks=CHECKS)

    holds()


def test_every_operation_is_fuzzed(served: tuple[Any, str]) -> None:
    schema, _ = served
    labels = {result.ok().label for result in schema.get_all_operations()}
    assert labels == set(OPERATIONS)
