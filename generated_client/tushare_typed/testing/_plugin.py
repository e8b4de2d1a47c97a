"""The pytest plugin (entry point ``pytest11`` → ``tushare_typed.testing``): the ``tushare_emulator`` fixture."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from ._emulator import TushareEmulator

if TYPE_CHECKING:
    from ..catalog import Catalog


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "tushare_emulator(**options): TushareEmulator options for the tushare_emulator fixture"
    )


@pytest.fixture
def tushare_emulator_catalog() -> Catalog | None:
    """The catalog the ``tushare_emulator`` fixture serves; override it in a conftest (None: the package's)."""
    return None


@pytest.fixture
def tushare_emulator(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tushare_emulator_catalog: Catalog | None
) -> Iterator[TushareEmulator]:
    """A running emulator; ``TUSHARE_API_URL`` and ``TUSHARE_TOKEN`` point at it for the test's duration.

    Options: ``@pytest.mark.tushare_emulator(quota=5, window=2.0, ...)`` (any :class:`TushareEmulator` argument).
    """
    marker = request.node.get_closest_marker("tushare_emulator")
    options: dict[str, Any] = dict(marker.kwargs) if marker is not None else {}
    options.setdefault("catalog", tushare_emulator_catalog)
    with TushareEmulator(**options) as emulator:
        monkeypatch.setenv("TUSHARE_API_URL", emulator.url)
        monkeypatch.setenv("TUSHARE_TOKEN", emulator.token)
        yield emulator
