"""The official libraries (akshare, yfinance) pointed at the look-alikes: shared by the tests and the benchmark."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

os.environ.setdefault("YF_DISABLE_CURL_CFFI", "1")


def _local(url: str, base: str) -> str:
    parts = urlsplit(url)
    return base + parts.path + (f"?{parts.query}" if parts.query else "")


@contextmanager
def akshare_at(base: str) -> Iterator[Any]:
    """akshare's module, its ``requests.get`` sending every URL to ``base`` (the endpoint is a literal in the
    function, so the request itself is redirected)."""
    import akshare
    import requests

    real = requests.get

    def get(url: str, *args: Any, **kwargs: Any) -> Any:
        return real(_local(url, base), *args, **kwargs)

    with mock.patch("akshare.stock_feature.stock_hist_em.requests.get", get):
        yield akshare


def yfinance_ticker(symbol: str, base: str) -> Any:
    """A ``yfinance.Ticker`` whose requests session sends every URL (chart, crumb, cookie) to ``base``."""
    import requests
    import yfinance

    class LocalSession(requests.Session):
        def request(self, method: Any, url: Any, *args: Any, **kwargs: Any) -> Any:
            return super().request(method, _local(str(url), base), *args, **kwargs)

    return yfinance.Ticker(symbol, session=LocalSession())
