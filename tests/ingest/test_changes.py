"""Two docs corpora that differ in known ways: ingest records each change, classes it, and versions follow."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tsgen.cli import main

pytestmark = pytest.mark.timeout(120)

PAGE = """## 演示

接口：{api}
描述：演示接口
限量：单次最大{cap}条

输入参数

| 名称 | 类型 | 必选 | 描述 |
| --- | --- | --- | --- |
{params}

输出参数

| 名称 | 类型 | 默认显示 | 描述 |
| --- | --- | --- | --- |
{columns}
"""


def _corpus(root: Path, pages: dict[str, str]) -> Path:
    folder = root / "01_股票"
    folder.mkdir(parents=True)
    for number, (name, text) in enumerate(pages.items(), start=1):
        (folder / f"{number:02d}_{name}.md").write_text(text, encoding="utf-8")
    return root


def _page(api: str, cap: int, params: list[str], columns: list[str]) -> str:
    return PAGE.format(api=api, cap=cap, params="\n".join(params), columns="\n".join(columns))


def _ingest(docs: Path, out: Path) -> str:
    result = CliRunner().invoke(main, ["ingest", "--docs", str(docs), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return result.output


CODE = "| ts_code | str | N | 代码 |"
CLOSE = "| close | float | Y | 收盘价（元） |"


def test_a_changed_corpus_changes_versions_and_the_change_log(tmp_path: Path) -> None:
    out = tmp_path / "metadata"
    first = _corpus(
        tmp_path / "v1",
        {
            "demo": _page("demo", 100, [CODE], [CODE.replace("N", "Y"), CLOSE, "| vol | float | Y | 成交量 |"]),
            "gone": _page("gone", 10, [CODE], [CODE.replace("N", "Y")]),
            "calm": _page("calm", 10, [CODE], [CODE.replace("N", "Y")]),
        },
    )
    _ingest(first, out)
    log = json.loads((out / "changelog.json").read_text(encoding="utf-8"))
    assert log["client_version"] == "0.1.0"
    assert log["interfaces"]["demo"]["version"] == 1
    assert log["releases"] == []

    second = _corpus(
        tmp_path / "v2",
        {
            "demo": _page(
                "demo",
                200,
                [CODE, "| trade_date | str | N | 交易日 |"],
                [CODE.replace("N", "Y"), CLOSE.replace("float", "str"), "| amount | float | Y | 成交额 |"],
            ),
            "calm": _page("calm", 10, [CODE], [CODE.replace("N", "Y")]),
            "fresh": _page("fresh", 10, [CODE], [CODE.replace("N", "Y")]),
        },
    )
    output = _ingest(second, out)
    log = json.loads((out / "changelog.json").read_text(encoding="utf-8"))
    changes = {(c["api"], c["kind"], c["name"]): c["breaking"] for c in log["releases"][0]["changes"]}
    assert changes == {
        ("demo", "param added", "trade_date"): False,
        ("demo", "column added", "amount"): False,
        ("demo", "column removed", "vol"): True,
        ("demo", "column retyped", "close"): True,
        ("demo", "row cap changed", None): False,
        ("fresh", "interface added", None): False,
        ("gone", "interface removed", None): True,
    }
    assert log["client_version"] == "1.0.0"  # breaking: the major part
    assert log["interfaces"]["demo"]["version"] == 2
    assert log["interfaces"]["calm"]["version"] == 1
    assert log["interfaces"]["fresh"]["version"] == 1
    assert "gone" not in log["interfaces"]
    assert "BREAKING: demo: column vol removed" in output

    # The same corpus again: nothing recorded, the change log unchanged.
    before = (out / "changelog.json").read_bytes()
    assert "changes recorded: none" in _ingest(second, out)
    assert (out / "changelog.json").read_bytes() == before


def test_additive_changes_bump_the_minor_part(tmp_path: Path) -> None:
    out = tmp_path / "metadata"
    _ingest(_corpus(tmp_path / "v1", {"demo": _page("demo", 100, [CODE], [CLOSE])}), out)
    _ingest(_corpus(tmp_path / "v2", {"demo": _page("demo", 100, [CODE], [CLOSE, "| vol | float | Y | 量 |"])}), out)
    log = json.loads((out / "changelog.json").read_text(encoding="utf-8"))
    assert log["client_version"] == "0.2.0"
    assert [c["kind"] for c in log["releases"][0]["changes"]] == ["column added"]


def test_a_malformed_page_is_reported_and_the_rest_ingested(tmp_path: Path) -> None:
    broken = _page("broken", 10, [CODE], [CLOSE]).replace("| --- | --- | --- | --- |\n| close", "| close", 1)
    docs = _corpus(tmp_path / "docs", {"demo": _page("demo", 100, [CODE], [CLOSE]), "broken": broken})
    output = _ingest(docs, tmp_path / "metadata")
    assert "01_股票/02_broken.md:" in output
    assert (tmp_path / "metadata" / "interfaces" / "demo.json").exists()


def test_a_label_override_naming_an_unknown_column_is_an_ingest_error(tmp_path: Path) -> None:
    out = tmp_path / "metadata"
    out.mkdir()
    (out / "labels.toml").write_text('[demo]\nno_such_column = "没有"\n', encoding="utf-8")
    docs = _corpus(tmp_path / "docs", {"demo": _page("demo", 100, [CODE], [CLOSE])})
    result = CliRunner().invoke(main, ["ingest", "--docs", str(docs), "--out", str(out)])
    assert result.exit_code == 1
    assert "labels.toml: [demo] no_such_column is not a column of demo" in result.output
    assert not (out / "interfaces").exists()
