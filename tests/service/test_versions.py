"""The REST metadata carries the change log's versions, the last change's date and the Chinese labels."""

import pytest

from tushare_typed.catalog import load_catalog
from tushare_typed.mcp.docs import interface_document
from tushare_typed.service._commands import command_detail, interface_metadata

pytestmark = pytest.mark.timeout(30)


def test_command_detail_fills_last_updated_at_and_the_version() -> None:
    spec = load_catalog().get("daily")
    detail = command_detail(spec).model_dump(by_alias=True)
    assert spec.changed_at is not None
    assert detail["lastUpdatedAt"] == f"{spec.changed_at}T00:00:00Z"
    assert detail["version"] == spec.version >= 1
    assert detail["changedIn"] == spec.changed_in != ""


def test_interface_metadata_and_mcp_describe_carry_labels() -> None:
    spec = load_catalog().get("daily")
    fields = interface_metadata(spec).model_dump(by_alias=True)["responseFields"]
    assert {f["name"]: f["label"] for f in fields}["close"] == "收盘价"
    assert {f["name"]: f["label"] for f in interface_document(spec)["fields"]}["pct_chg"] == "涨跌幅"
