"""Paging properties through the public client (an in-process httpx transport, so hypothesis runs fast): random
rows with genuine repeats in the caller's projection, random server caps below the page size, random seam shifts,
and has_more/count that lie. Every real row comes back exactly once, in order, or a typed error says why; the
number of requests stays within rows / page + a small constant."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tushare_typed import TushareClient
from tushare_typed.errors import TushareError

from .catalogs import keyed_catalog
from .server import DAILY_FIELDS

CATALOG = keyed_catalog()


def rows_with_repeats(closes: list[float]) -> list[list[Any]]:
    """Distinct records (ts_code + trade_date) whose closes come from a tiny alphabet."""
    return [[f"{i % 3:06d}.SZ", str(20240101 + i), c, c, c, c, c, 0.0, 0.0, 1.0, 1.0] for i, c in enumerate(closes)]


class LyingServer:
    def __init__(self, rows: list[list[Any]], cap: int, shift: int, flags: str) -> None:
        self.rows, self.cap, self.shift, self.flags = rows, cap, shift, flags
        self.requests = 0
        self.rows_sent = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        body = json.loads(request.content)
        params, fields = body["params"], [f for f in body["fields"].split(",") if f]
        offset, limit = int(params["offset"]), int(params["limit"])
        start = max(0, offset - self.shift) if offset else 0
        chunk = self.rows[start : start + min(limit, self.cap)]
        self.rows_sent += len(chunk)
        names = fields or list(DAILY_FIELDS)
        items = [[row[DAILY_FIELDS.index(n)] for n in names] for row in chunk]
        data: dict[str, Any] = {"fields": names, "items": items}
        more = start + len(chunk) < len(self.rows)
        if self.flags == "honest":
            data["has_more"] = more
        elif self.flags == "false_with_count":
            # has_more lies; count is true: the listing grew by `shift` rows once paging began (that is the shift).
            data["has_more"], data["count"] = False, len(self.rows) + (self.shift if offset else 0)
        elif self.flags == "true_with_small_count":
            data["has_more"], data["count"] = more, min(len(self.rows), 1)
        return httpx.Response(200, json={"code": 0, "msg": "", "request_id": "r", "data": data})


@pytest.mark.timeout(60)
@settings(max_examples=300, deadline=None)
@given(
    closes=st.lists(st.sampled_from([1.0, 2.0, 3.0]), max_size=120),
    cap=st.integers(1, 40),
    shift_fraction=st.floats(0, 0.99),
    flags=st.sampled_from(["honest", "absent", "false_with_count", "true_with_small_count"]),
    projection=st.sampled_from([None, ["close"], ["ts_code", "close"]]),
)
def test_every_real_row_exactly_once_or_a_typed_error(
    closes: list[float], cap: int, shift_fraction: float, flags: str, projection: list[str] | None
) -> None:
    rows = rows_with_repeats(closes)
    shift = int(cap * shift_fraction)
    server = LyingServer(rows, cap, shift, flags)
    with TushareClient(
        "property-token-123",
        http_client=httpx.Client(transport=httpx.MockTransport(server)),
        catalog=CATALOG,
        max_retries=0,
    ) as client:
        outcome: Any
        try:
            outcome = client.daily(fields=projection)  # type: ignore[arg-type]
        except TushareError as error:
            outcome = error
    if isinstance(outcome, TushareError):
        # Only a lie the client cannot see through may end in an error, and it still says where to resume.
        assert outcome.next_offset is not None or server.requests == 1
        return
    response = outcome
    names = projection or list(DAILY_FIELDS)
    expected = [[row[DAILY_FIELDS.index(n)] for n in names] for row in rows]
    assert response.completed
    assert [[getattr(row, n) for n in names] for row in response.rows] == expected
    # Each seam repeats at most `shift` rows, and only rows the server really sent twice are dropped.
    assert response.duplicates_dropped <= shift * response.pages
    assert len(response) + response.duplicates_dropped == server.rows_sent
    assert server.requests <= (len(rows) + shift * (len(rows) // cap + 1)) // cap + 3
