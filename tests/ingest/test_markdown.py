from hypothesis import given
from hypothesis import strategies as st

from tsgen.ingest.markdown import Code, Heading, Table, Text, parse_blocks, split_cells

PAGE = """## 标题

接口：demo

| 名称 | 类型 | 必选 | 描述 |
| --- | --- | --- | --- |
| ts_code | str | Y | 代码 \\| 说明 |
| short | str |

```python
pro.demo()
```
"""


def test_blocks_keep_kind_and_line() -> None:
    blocks = parse_blocks(PAGE)
    assert [type(b) for b in blocks] == [Heading, Text, Table, Code]
    assert [b.line for b in blocks] == [1, 3, 5, 10]


def test_escaped_bar_stays_in_its_cell_and_short_rows_are_padded() -> None:
    table = parse_blocks(PAGE)[2]
    assert isinstance(table, Table)
    assert table.rows[0] == ["ts_code", "str", "Y", "代码 | 说明"]
    assert table.rows[1] == ["short", "str", "", ""]
    assert table.problems == ["line 8: row has 2 cells, header has 4"]


def test_surplus_cells_fold_into_the_last_column() -> None:
    table = parse_blocks("| a | b |\n| --- | --- |\n| 1 | 2 | 3 |\n")[0]
    assert isinstance(table, Table)
    assert table.rows == [["1", "2 | 3"]]


def test_table_without_header_is_reported() -> None:
    table = parse_blocks("| --- | --- |\n| 1MIN | 1分钟 |\n")[0]
    assert isinstance(table, Table)
    assert table.rows == [["1MIN", "1分钟"]]
    assert table.problems == ["table has no header row, only a `| --- |` separator"]


def test_unclosed_code_block_runs_to_the_end() -> None:
    blocks = parse_blocks("```python\nprint(1)\n")
    assert blocks == [Code(line=1, text="print(1)")]


def test_split_cells_trims() -> None:
    assert split_cells("|  a |b|  ") == ["a", "b"]


@given(st.text())
def test_any_text_splits_without_error(text: str) -> None:
    for block in parse_blocks(text):
        assert block.line >= 1
