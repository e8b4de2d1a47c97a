from __future__ import annotations

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
