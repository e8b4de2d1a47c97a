# The emulator's tests use the runtime tests' small catalog (daily, stk_mins, shibor, stock_basic), also served by
# the plugin's ``tushare_emulator`` fixture.
from ..runtime.conftest import catalog, tushare_emulator_catalog  # noqa: F401 (fixtures)
