"""The store tests' catalog and emulator as fixtures, shared with the tests of the response cache and the Redis
limiter (tests/runtime), which sync or call through the same small per-day data: import both names."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tushare_typed.catalog import Catalog
from tushare_typed.testing import TushareEmulator

from .helpers import rows_per_query, store_catalog


@pytest.fixture
def catalog() -> Catalog:
    """The package's real interfaces, with the keys and sync plans the store needs."""
    return store_catalog()


@pytest.fixture
def emulator(catalog: Catalog) -> Iterator[TushareEmulator]:
    with TushareEmulator(catalog, total_rows=rows_per_query) as running:
        yield running
