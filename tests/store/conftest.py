from __future__ import annotations

from pathlib import Path

import pytest

from .fixtures import catalog, emulator  # noqa: F401 (fixtures)


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store.duckdb"
