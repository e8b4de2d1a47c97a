"""Catalogs with chosen key columns, for tests: the package's own catalog.json with ``keys`` replaced where a test
needs a known record identity (or none, to show that an interface without keys never drops a row)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from importlib import resources

from tushare_typed.catalog import Catalog

#: The record identity of the interfaces the tests page through.
TEST_KEYS: Mapping[str, Sequence[str]] = {"daily": ("ts_code", "trade_date"), "stock_basic": ("ts_code",)}


def keyed_catalog(keys: Mapping[str, Sequence[str]] = TEST_KEYS) -> Catalog:
    """The packaged catalog with ``keys`` replacing the named interfaces' key columns."""
    data = json.loads(resources.files("tushare_typed").joinpath("catalog.json").read_text(encoding="utf-8"))
    for api_name, columns in keys.items():
        data["interfaces"][api_name]["keys"] = list(columns)
    return Catalog.from_dict(data)
