"""The hostile server, started once for the folder, and clients pointed at one of its behaviours."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .server import HostileServer


@pytest.fixture(scope="session")
def hostile() -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server
