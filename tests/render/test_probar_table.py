from pathlib import Path

from tests.goldens import ROOT
from tsgen.render.metadata import load_metadata
from tsgen.render.probar import dispatch_table


def test_dispatch_table_comes_from_the_sdk_source() -> None:
    table = dispatch_table(load_metadata(ROOT / "metadata"))
    assert table[("E", "D")] == "daily"
    assert table[("E", "W")] == "weekly"
    assert table[("E", "min")] == "stk_mins"
    assert table[("FT", "min")] == "ft_mins"
    assert table[("I", "D")] == "index_daily"
    assert "daily_basic" not in table.values(), "factor merges are not bar sources"
    assert not any(asset == "C" for asset, _ in table), "coinbar is not an interface we have"


def test_fixture_table_only_names_interfaces_it_has(fixture_metadata: Path) -> None:
    assert dispatch_table(load_metadata(fixture_metadata)) == {("E", "D"): "daily", ("FT", "min"): "ft_mins"}
