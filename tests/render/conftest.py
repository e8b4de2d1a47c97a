"""A tiny metadata fixture (a few real interfaces) rendered once, with the hand-written runtime beside it, into a
temporary package `tt_fixture`.

The rendered package imports itself only relatively, so it is importable under any name; calling it
`tt_fixture` keeps it apart from the installed `tushare_typed`.
"""

from __future__ import annotations

import importlib
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from tests.goldens import write_fixture_metadata
from tsgen.files import write_tree
from tsgen.render.metadata import load_metadata
from tsgen.render.tree import PACKAGE, complete_tree


@pytest.fixture(scope="session")
def fixture_metadata(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_fixture_metadata(tmp_path_factory.mktemp("metadata"))


@pytest.fixture(scope="session")
def fixture_tree(fixture_metadata: Path) -> dict[str, bytes]:
    return complete_tree(load_metadata(fixture_metadata))


@pytest.fixture(scope="session")
def fixture_out(fixture_tree: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    write_tree(fixture_tree, out)
    return out


@pytest.fixture(scope="session")
def tt(fixture_out: Path) -> Iterator[ModuleType]:
    """The rendered fixture package, imported as `tt_fixture`."""
    site = fixture_out.parent / "site"
    shutil.copytree(fixture_out / PACKAGE, site / "tt_fixture")
    sys.path.insert(0, str(site))
    yield importlib.import_module("tt_fixture")
    sys.path.remove(str(site))
