from pathlib import Path

import pytest

from tsgen.ingest.overrides import OverridesError, apply_overrides, load_overrides
from tsgen.ingest.page import parse_page

PAGE = """接口：demo

积分：2000积分可调取

输入参数

| 名称 | 类型 | 必选 | 描述 |
| --- | --- | --- | --- |
| ts_code | str | N | 代码 |

输出参数

| 名称 | 类型 | 默认显示 | 描述 |
| --- | --- | --- | --- |
| vol | None | Y | 成交量 |
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "overrides.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_overrides_correct_interfaces_members_and_report_stale_ones(tmp_path: Path) -> None:
    interfaces = {i.api_name: i for i in parse_page(PAGE, "p.md", ["c"]).interfaces}
    overrides = load_overrides(
        _write(
            tmp_path,
            """
[[override]]
api = "demo"
field = "vol"
set = { type = "float", python_type = "float" }
reason = "numeric"

[[override]]
api = "demo"
set = { points = 2000 }
reason = "already said"

[[override]]
api = "gone"
set = { points = 1 }
reason = "removed interface"

[[override]]
api = "demo"
param = "nope"
set = { required = true }
reason = "no such param"

[[override]]
api = "demo"
set = { points = "many" }
reason = "bad value"
""",
        )
    )
    result, stale = apply_overrides(interfaces, overrides)
    assert result["demo"].fields[0].python_type == "float"
    assert stale == [
        "override #2 (demo): the docs already say this; remove it",
        "override #3 (gone): no interface 'gone'",
        "override #4 (demo param nope): demo has no param 'nope'",
        "override #5 (demo): invalid value: Input should be a valid integer, unable to parse string as an integer",
    ]


def test_missing_file_means_no_overrides(tmp_path: Path) -> None:
    assert load_overrides(tmp_path / "absent.toml") == []


def test_broken_toml_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(OverridesError, match="not valid TOML"):
        load_overrides(_write(tmp_path, "[[override]\n"))


def test_entry_without_reason_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OverridesError, match="lacks reason"):
        load_overrides(_write(tmp_path, '[[override]]\napi = "x"\nset = { points = 1 }\n'))
