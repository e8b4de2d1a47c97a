"""A notebook, executed in a real Jupyter kernel, walks a quant's day: the SDK habits and the typed API against the
emulator. What the cells display is checked as a notebook front end receives it (text/plain and text/html)."""

from __future__ import annotations

from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

CELLS = [
    "from tushare_typed.testing import TushareEmulator\n"
    "emulator = TushareEmulator(total_rows={'daily': 13_000}).start()",
    # The SDK line, unchanged but for the import.
    "import tushare_typed as ts\n"
    "pro = ts.pro_api(emulator.token, base_url=emulator.url)\n"
    "df = pro.daily(ts_code='000001.SZ', end_date='20241231')\n"
    "df.shape",
    "ts.pro_bar(ts_code='000001.SZ', api=pro, end_date='20241231', adj='qfq', ma=[5], limit=10).shape",
    # The typed line.
    "client = ts.TushareClient(emulator.token, base_url=emulator.url)\n"
    "bars = client.daily(ts_code='000001.SZ', end_date='20241231')\n"
    "bars",
    "type(bars.rows[0].close).__name__, len(bars), bars.completed",
    # The untyped escape hatch displays and converts like a typed response.
    "emulator.total_rows = None  # from here on, rows are what each query's codes and dates select\n"
    "q = client.query('daily', fields='ts_code,trade_date,close', ts_code='000001.SZ,600000.SH',\n"
    "                 start_date='2024-01-02', end_date='2024-01-05')\n"
    "q",
    "q.to_pandas().shape, pro.query('trade_cal', start_date='20240101', end_date='20240107').is_open.tolist()",
    # qfq anchored at the latest factor does not move with end_date.
    "a = ts.pro_bar('000001.SZ', api=pro, start_date='20240101', end_date='20240329', adj='qfq', qfq_anchor='latest')\n"
    "b = ts.pro_bar('000001.SZ', api=pro, start_date='20240101', end_date='20241231', adj='qfq', qfq_anchor='latest')\n"
    "a.close.tolist() == b[b.trade_date <= '20240329'].close.tolist()",
    "emulator.stop()",
]


def _outputs(cell: Any) -> dict[str, str]:
    data: dict[str, str] = {}
    for output in cell.outputs:
        assert output.output_type != "error", "".join(output.get("traceback", []))
        data.update(output.get("data", {}))
    return data


@pytest.mark.timeout(180)
def test_the_sdk_habits_and_the_typed_api_in_a_notebook() -> None:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in CELLS])
    NotebookClient(notebook, kernel_name="python3", timeout=120).execute()
    cells = notebook.cells
    assert _outputs(cells[1])["text/plain"] == "(13000, 11)"  # every row, past the 6,000-row cap
    assert _outputs(cells[2])["text/plain"].startswith("(10, ")
    shown = _outputs(cells[3])
    assert shown["text/plain"].startswith("<DailyResponse: 13000 rows × 11 columns, completed>")
    assert "<table>" in shown["text/html"]
    assert len(shown["text/html"]) < 20_000  # a view, not 13,000 rows of text
    assert _outputs(cells[4])["text/plain"] == "('float', 13000, True)"
    assert any(  # a multi-page call showed progress (on stderr: a notebook kernel is detected)
        "tushare daily" in output.get("text", "")
        for cell in cells[1:4]
        for output in cell.outputs
        if output.output_type == "stream" and output.name == "stderr"
    )
    query = _outputs(cells[5])
    assert query["text/plain"].startswith("<QueryResponse(daily): 8 rows × 3 columns, completed>")
    assert "<table>" in query["text/html"]
    assert (
        _outputs(cells[6])["text/plain"] == "((8, 3), ['0', '0', '1', '1', '1', '1', '1'])"
    )  # newest first, weekdays open
    assert _outputs(cells[7])["text/plain"] == "True"
