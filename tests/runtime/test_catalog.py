"""catalog.py: loading catalog.json into frozen specs, lookups, errors, caching."""

from __future__ import annotations

import dataclasses
import importlib.resources
import json
from pathlib import Path
from typing import Any

import pytest

from tushare_typed.catalog import (
    Catalog,
    CatalogError,
    FieldSpec,
    RateLimitSpec,
    SyncSpec,
    UnknownInterfaceError,
    clear_catalog_cache,
    load_catalog,
)

from .emulator_helpers import small_catalog_dict


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    clear_catalog_cache()


@pytest.fixture
def catalog_file(tmp_path: Path) -> Path:
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(small_catalog_dict(), ensure_ascii=False, sort_keys=True), encoding="utf-8")
    return path


def test_load_catalog_parses_every_interface_into_frozen_specs(catalog_file: Path) -> None:
    catalog = load_catalog(catalog_file)
    assert catalog.names() == ("daily", "shibor", "stk_mins", "stock_basic")
    daily = catalog.get("daily")
    assert daily.row_limit == 6000
    assert daily.paging is True
    assert daily.category == ("tests",)
    assert daily.rate_limits[0] == RateLimitSpec(calls=500, period=60.0)
    assert daily.field("suspended") == FieldSpec("suspended", "suspended", "bool", "bool", False, "", "suspended")
    assert daily.param("trade_date").python_type == "date"
    with pytest.raises(dataclasses.FrozenInstanceError):
        daily.row_limit = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        catalog.interfaces["x"] = daily  # type: ignore[index]


def test_field_helpers_and_wire_names(catalog_file: Path) -> None:
    catalog = load_catalog(catalog_file)
    daily = catalog.get("daily")
    assert daily.default_fields == ("ts_code", "trade_date", "close", "vol")
    assert daily.field_names[-1] == "suspended"
    assert catalog.get("shibor").field("1w").attr == "w1"
    with pytest.raises(KeyError, match="no output field"):
        daily.field("nope")
    with pytest.raises(KeyError, match="no parameter"):
        daily.param("nope")


def test_catalog_is_a_read_only_collection(catalog_file: Path) -> None:
    catalog = load_catalog(catalog_file)
    assert "daily" in catalog
    assert "weekly" not in catalog
    assert len(catalog) == 4
    assert [spec.api_name for spec in catalog] == list(catalog.names())


def test_load_catalog_is_cached_per_path(catalog_file: Path, tmp_path: Path) -> None:
    first = load_catalog(catalog_file)
    assert load_catalog(str(catalog_file)) is first
    other = tmp_path / "other.json"
    other.write_text(catalog_file.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_catalog(other) is not first
    clear_catalog_cache()
    assert load_catalog(catalog_file) is not first


def test_default_catalog_is_the_package_resource(
    catalog_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def files(package: str) -> Path:
        asked.append(package)
        return tmp_path

    monkeypatch.setattr(importlib.resources, "files", files)
    catalog = load_catalog()
    assert asked == ["tushare_typed"]
    assert catalog.get("daily").row_limit == 6000
    assert load_catalog() is catalog


def test_missing_catalog_says_who_writes_it(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="tsgen build"):
        load_catalog(tmp_path / "absent.json")


def test_unknown_interface_names_close_matches(catalog_file: Path) -> None:
    catalog = load_catalog(catalog_file)
    with pytest.raises(UnknownInterfaceError) as info:
        catalog.get("dialy")
    assert isinstance(info.value, KeyError)
    assert info.value.suggestions == ("daily",)
    assert str(info.value) == "unknown tushare interface 'dialy'; did you mean 'daily'?"
    with pytest.raises(KeyError) as plain:
        catalog.get("zzzzzz")
    assert str(plain.value) == "unknown tushare interface 'zzzzzz'"


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        (None, (500, 30, 100000)),
        (120, (500, 100000)),
        (5000, (500, 30, 100000)),
        (7999, (500, 30, 100000)),
        (8000, (500, 100000)),
    ],
)
def test_rate_limits_for_points(catalog_file: Path, points: int | None, expected: tuple[int, ...]) -> None:
    daily = load_catalog(catalog_file).get("daily")
    assert tuple(limit.calls for limit in daily.rate_limits_for(points)) == expected


def _broken(mutate: Any) -> dict[str, Any]:
    data = small_catalog_dict()
    mutate(data)
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_broken(lambda d: d.update(version=2)), "version 2"),
        (_broken(lambda d: d.pop("interfaces")), "no 'interfaces'"),
        (_broken(lambda d: d["interfaces"]["daily"].update(api_name="weekly")), "differs from its key"),
        (_broken(lambda d: d["interfaces"]["daily"].update(row_limit="6000")), "daily'.row_limit"),
        (_broken(lambda d: d["interfaces"]["daily"].update(paging=1)), "paging: expected bool"),
        (_broken(lambda d: d["interfaces"]["daily"]["fields"][0].update(python_type="decimal")), "python_type"),
        (_broken(lambda d: d["interfaces"]["daily"]["fields"][0].pop("name")), "fields\\[0\\]: missing 'name'"),
        (_broken(lambda d: d["interfaces"]["daily"]["rate_limits"][0].update(period=0)), "period > 0"),
        (_broken(lambda d: d["interfaces"]["daily"].update(params={})), "expected a list"),
        (_broken(lambda d: d["interfaces"]["daily"].update(category=[1])), "list of strings"),
        (_broken(lambda d: d["interfaces"]["daily"].update(keys=["ts_code", "nope"])), "keys \\['nope'\\]"),
        (_broken(lambda d: d["interfaces"]["daily"].update(sync={"shape": "weekly"})), "unknown sync shape"),
    ],
)
def test_malformed_catalog_errors_name_the_culprit(data: dict[str, Any], message: str) -> None:
    with pytest.raises(CatalogError, match=message):
        Catalog.from_dict(data)


def test_invalid_json_is_a_catalog_error() -> None:
    with pytest.raises(CatalogError, match="not valid JSON"):
        Catalog.from_json("{")
    with pytest.raises(CatalogError, match="not an object"):
        Catalog.from_json("[]")


def test_optional_keys_take_defaults() -> None:
    catalog = Catalog.from_dict(
        {"version": 1, "interfaces": {"x": {"api_name": "x", "fields": [{"name": "a"}], "params": [{"name": "p"}]}}}
    )
    spec = catalog.get("x")
    assert spec.fields[0] == FieldSpec(name="a", attr="a", type="str", python_type="str", default=True, label="a")
    assert spec.params[0].required is False
    assert spec.rate_limits == ()
    assert spec.row_limit is None
    assert spec.keys == ()
    assert spec.sync is None


def test_keys_and_sync_plan_are_read() -> None:
    data = small_catalog_dict()
    daily = data["interfaces"]["daily"]
    daily["keys"] = ["ts_code", "trade_date"]
    daily["sync"] = {"shape": "trade_day", "param": "trade_date", "date_column": "trade_date"}
    spec = Catalog.from_dict(data).get("daily")
    assert spec.keys == ("ts_code", "trade_date")
    assert spec.sync == SyncSpec(shape="trade_day", param="trade_date", date_column="trade_date")
