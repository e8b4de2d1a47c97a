import pytest

from tushare_typed.catalog import Catalog

from ..runtime.emulator_helpers import small_catalog


@pytest.fixture
def catalog() -> Catalog:
    """A small in-test catalog (daily, stk_mins, shibor, stock_basic)."""
    return small_catalog()


@pytest.fixture
def tushare_emulator_catalog() -> Catalog:
    """Serve the small test catalog from the plugin's ``tushare_emulator`` fixture."""
    return small_catalog()
