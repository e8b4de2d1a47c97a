"""How a response shows itself in a REPL and a notebook: a summary and a few rows, never every row."""

from __future__ import annotations

from tushare_typed.models import DailyResponse, DailyRow

_COLUMNS = DailyResponse.wire_names


def _response(count: int, *, completed: bool = True) -> DailyResponse:
    rows = [
        DailyRow("000001.SZ", f"2024{i:04d}", 1.0, 2.0, 0.5, 1.5, 1.0, 0.5, 50.0, 100.0 + i, 1000.0)
        for i in range(count)
    ]
    return DailyResponse.model_construct(
        rows=rows,
        fields=list(_COLUMNS),
        completed=completed,
        next_offset=None if completed else count,
        request_id="r",
        pages=1,
        extra_columns={},
    )


def test_repr_is_a_summary_and_the_first_rows() -> None:
    text = repr(_response(60_000))
    assert text.startswith("<DailyResponse: 60000 rows × 11 columns, completed>")
    assert "ts_code" in text
    assert "… 59995 more rows" in text
    assert len(text) < 2_000


def test_repr_says_when_a_call_stopped_early() -> None:
    assert "not completed, next_offset=3" in repr(_response(3, completed=False))


def test_an_empty_response_shows_its_summary() -> None:
    assert repr(_response(0)) == "<DailyResponse: 0 rows × 11 columns, completed>"


def test_html_view_shows_head_and_tail_escaped() -> None:
    response = _response(1_000)
    page = response._repr_html_()
    assert page.count("<tr>") == 1 + 10 + 1 + 5  # header, head, gap, tail
    assert "… 985 rows …" in page
    assert "20240999" in page  # the last row
    assert len(page) < 20_000


def test_html_escapes_cell_text() -> None:
    response = _response(1)
    hostile = response.model_copy(update={"rows": [response.rows[0]._replace(ts_code="<script>")]})
    assert "<script>" not in hostile._repr_html_()
    assert "&lt;script&gt;" in hostile._repr_html_()


def test_len_and_iteration_give_rows() -> None:
    response = _response(4)
    assert len(response) == 4
    assert [row.trade_date for row in response] == ["20240000", "20240001", "20240002", "20240003"]
