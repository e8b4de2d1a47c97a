"""Every bad argument to a constructor, a method, query() or a paging option is a ParameterError naming the
argument and the fix, raised before any request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tushare_typed import TushareClient
from tushare_typed.errors import ParameterError

from .server import HostileServer

CASES: dict[str, tuple[str, Callable[[TushareClient], Any]]] = {
    "max_pages=0": ("max_pages", lambda c: c.daily(max_pages=0)),
    "max_rows=-1": ("max_rows", lambda c: c.daily(max_rows=-1)),
    "offset='5'": ("offset", lambda c: c.daily(offset="5")),  # type: ignore[arg-type]
    "offset=-1": ("offset", lambda c: c.daily(offset=-1)),
    "timeout='x'": ("timeout", lambda c: c.daily(timeout="x")),  # type: ignore[arg-type]
    "timeout=0": ("timeout", lambda c: c.daily(timeout=0)),
    "deadline=-1": ("deadline", lambda c: c.daily(deadline=-1)),
    "query(None)": ("api_name", lambda c: c.query(None)),  # type: ignore[arg-type]
    "query limit='x'": ("limit", lambda c: c.query("daily", limit="x")),
    "fields=[1]": ("field", lambda c: c.query("daily", fields=[1])),  # type: ignore[list-item]
}


@pytest.mark.timeout(10)
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_bad_call_argument_is_a_parameter_error_naming_it(hostile: HostileServer, case: str) -> None:
    name, call = CASES[case]
    client = TushareClient("argument-test-token", base_url=hostile.url("ok"))
    with client, pytest.raises(ParameterError) as caught:
        call(client)
    assert name in caught.value.message
    assert caught.value.remediation
    assert hostile.count("ok") == 0 or case.startswith("query")


CONSTRUCTOR: dict[str, tuple[str, dict[str, Any]]] = {
    "rate_limit=(0, 10)": ("rate_limit", {"rate_limit": (0, 10)}),
    "rate_limit=(5, -1)": ("rate_limit", {"rate_limit": (5, -1)}),
    "rate_limit='fast'": ("rate_limit", {"rate_limit": "fast"}),
    "timeout=-1": ("timeout", {"timeout": -1}),
    "timeout='x'": ("timeout", {"timeout": "x"}),
    "max_retries=-1": ("max_retries", {"max_retries": -1}),
    "max_retries=1.5": ("max_retries", {"max_retries": 1.5}),
    "max_rate_limit_wait=nan": ("max_rate_limit_wait", {"max_rate_limit_wait": float("nan")}),
    "max_body_bytes=0": ("max_body_bytes", {"max_body_bytes": 0}),
    "catalog='x'": ("catalog", {"catalog": "x"}),
}


@pytest.mark.timeout(10)
@pytest.mark.parametrize("case", sorted(CONSTRUCTOR))
def test_a_bad_constructor_argument_is_a_parameter_error_naming_it(case: str) -> None:
    name, options = CONSTRUCTOR[case]
    with pytest.raises(ParameterError) as caught:
        TushareClient("argument-test-token", **options)
    assert name in caught.value.message
    assert caught.value.remediation
