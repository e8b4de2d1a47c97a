"""tabular.py: the text renderings the CLI prints and the MCP server sends as text content."""

from __future__ import annotations

import csv
import io
import json

from hypothesis import given
from hypothesis import strategies as st

from tushare_typed._internal.tabular import cell_text, display_width, to_csv, to_json, to_table, truncate


def test_cells_are_one_line_with_empty_none_and_lower_case_booleans() -> None:
    assert [cell_text(v) for v in (None, True, False, 1.5, 7, "a\nb  c")] == ["", "true", "false", "1.5", "7", "a b c"]


def test_wide_characters_count_two_columns() -> None:
    assert display_width("平安银行") == 8
    assert display_width("ab") == 2


def test_truncate_cuts_at_a_column_count_with_an_ellipsis() -> None:
    assert truncate("abcdef", 4) == "abc…"
    assert truncate("平安银行股份", 7) == "平安银…"
    assert truncate("short", 10) == "short"


def test_tables_align_cjk_text_and_right_align_numbers() -> None:
    table = to_table(["name", "close"], [["平安银行", 10.5], ["万科A", None], ["x", 1234.25]])
    assert table == ("name      close\n--------  -------\n平安银行     10.5\n万科A\nx         1234.25\n")


def test_an_empty_table_is_its_header() -> None:
    assert to_table(["a", "b"], []) == "a  b\n-  -\n"


@given(st.lists(st.tuples(st.none() | st.text(max_size=5), st.none() | st.integers() | st.floats(allow_nan=False))))
def test_csv_round_trips_text_and_numbers(rows: list[tuple[str | None, float | None]]) -> None:
    parsed = list(csv.reader(io.StringIO(to_csv(["a", "b"], rows), newline="")))
    assert parsed[0] == ["a", "b"]
    assert parsed[1:] == [[a or "", "" if b is None else str(b)] for a, b in rows]


def test_json_is_an_array_with_one_object_per_line() -> None:
    text = to_json([{"name": "平安银行", "close": 1.5}, {"name": None, "close": 2}])
    assert text.splitlines()[1] == '{"name": "平安银行", "close": 1.5},'
    assert json.loads(text) == [{"name": "平安银行", "close": 1.5}, {"name": None, "close": 2}]
    assert to_json([]) == "[]\n"
