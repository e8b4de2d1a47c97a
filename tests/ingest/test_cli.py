import json
from pathlib import Path

from click.testing import CliRunner

from tsgen.cli import main

GOOD = """## 演示

接口：demo

限量：单次最大100条

输入参数

| 名称 | 类型 | 必选 | 描述 |
| --- | --- | --- | --- |
| ts_code | str | N | 代码 |

输出参数

| 名称 | 类型 | 默认显示 | 描述 |
| --- | --- | --- | --- |
| ts_code | str | Y | 代码 |
"""


def _corpus(root: Path) -> Path:
    docs = root / "docs"
    (docs / "01_股票").mkdir(parents=True)
    (docs / "01_股票" / "01_good.md").write_text(GOOD, encoding="utf-8")
    (docs / "01_股票" / "02_same.md").write_text(GOOD, encoding="utf-8")
    (docs / "01_股票" / "03_noapi.md").write_text("## 索引\n", encoding="utf-8")
    broken = GOOD.replace("demo", "broken").replace("| --- | --- | --- | --- |\n| ts_code | str | Y", "| ts_code | Y")
    (docs / "01_股票" / "04_broken.md").write_text(broken, encoding="utf-8")
    (docs / "01_股票" / "05_gbk.md").write_bytes(GOOD.replace("demo", "gbk_demo").encode("gb18030"))
    return docs


def test_help_lists_the_commands() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "ingest" in result.output


def test_ingest_reports_bad_pages_and_keeps_going(tmp_path: Path) -> None:
    out = tmp_path / "metadata"
    result = CliRunner().invoke(main, ["ingest", "--docs", str(_corpus(tmp_path)), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "interfaces: 3" in result.output
    assert "demo: merged 01_股票/02_same.md into 01_股票/01_good.md" in result.output
    assert "01_股票/03_noapi.md:1: skipped: no `接口：<api_name>` line" in result.output
    assert "01_股票/04_broken.md:" in result.output
    assert "01_股票/05_gbk.md:1: partial: not UTF-8; read as GB18030" in result.output
    demo = json.loads((out / "interfaces" / "demo.json").read_text(encoding="utf-8"))
    assert demo["category"] == ["股票"]
    assert demo["row_limit"] == 100
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert [entry["api_name"] for entry in index["interfaces"]] == ["broken", "demo", "gbk_demo"]
    assert index["fidelity"]["interfaces"] == 3
    assert index["fidelity"]["merged_pages"] == 1
    assert "fidelity: 3 interfaces" in result.output


def test_second_run_changes_nothing(tmp_path: Path) -> None:
    docs = _corpus(tmp_path)
    out = tmp_path / "metadata"
    CliRunner().invoke(main, ["ingest", "--docs", str(docs), "--out", str(out)])
    before = {p: p.read_bytes() for p in out.rglob("*.json")}
    result = CliRunner().invoke(main, ["ingest", "--docs", str(docs), "--out", str(out)])
    assert "files changed: 0" in result.output
    assert before == {p: p.read_bytes() for p in out.rglob("*.json")}


def test_missing_docs_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["ingest", "--docs", str(tmp_path / "nope"), "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert "is not a folder" in result.output
    assert "Traceback" not in result.output


def test_broken_overrides_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "o.toml"
    bad.write_text("[[override]\n", encoding="utf-8")
    args = ["ingest", "--docs", str(_corpus(tmp_path)), "--out", str(tmp_path / "m"), "--overrides", str(bad)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert "not valid TOML" in result.output
