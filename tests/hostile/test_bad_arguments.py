"""Every bad argument to a constructor, a method, query() or a paging option is a ParameterError naming the
argument and the fix, raised before any request."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

import pytest

from tushare_typed import TushareClient
from tushare_typed.errors import ParameterError, TushareError

from .server import HostileServer
from .test_secrecy import PLAIN_TOKEN as SECRET
from .test_secrecy import every_text_of


def texts_of_the_chain(error: BaseException) -> str:
    """Every text of ``error`` (see ``every_text_of``) and of each error chained to it (``__context__``,
    ``__cause__``), with the locals of each package frame in their tracebacks."""
    texts: list[str] = []
    seen: set[int] = set()
    todo: list[BaseException] = [error]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        texts.append(_frames_of(current))
        if isinstance(current, TushareError):
            texts.append(every_text_of(current))
        todo.extend(chained for chained in (current.__context__, current.__cause__) if chained is not None)
    return "\n".join(texts)


def _frames_of(error: BaseException) -> str:
    """The locals of each package frame, each shown as a traceback printed with locals shows it (a repr that
    fails, as a half-built object's may, shows as such)."""
    texts: list[str] = []
    for frame, _ in traceback.walk_tb(error.__traceback__):
        if "tushare_typed" in frame.f_code.co_filename:
            texts.extend(f"{name}={_safe_repr(value)}" for name, value in frame.f_locals.items())
    return "\n".join(texts)


def _safe_repr(value: object) -> str:
    try:
        return repr(value)
    except Exception as error:
        return f"<repr failed: {type(error).__name__}>"


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
    "daily fields=[1]": ("field", lambda c: c.daily(fields=[1])),  # type: ignore[list-item]
    "daily fields=['close', None]": ("field", lambda c: c.daily(fields=["close", None])),  # type: ignore[list-item]
    "daily fields=5": ("field", lambda c: c.daily(fields=5)),  # type: ignore[arg-type]
    "pages.daily fields=[1]": ("field", lambda c: list(c.pages.daily(fields=[1]))),  # type: ignore[list-item]
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
    "base_url='ftp://x'": ("base_url", {"base_url": "ftp://x"}),
    "base_url port 99999": ("base_url", {"base_url": "http://x:99999"}),
    "base_url port 'abc'": ("base_url", {"base_url": "http://x:abc"}),
    "base_url without host": ("base_url", {"base_url": "http://"}),
    "base_url with a space": ("base_url", {"base_url": "http://exa mple.com"}),
    "base_url broken IPv6": ("base_url", {"base_url": "http://[::1"}),
    "base_url=5": ("base_url", {"base_url": 5}),
    "token=5": ("token", {"token": 5}),
    "cache_ttl=-1": ("cache_ttl", {"cache_ttl": -1}),
    "cache_ttl='x'": ("cache_ttl", {"cache_ttl": "x"}),
    "http_client='x'": ("http_client", {"http_client": "x"}),
    "limiter='x'": ("limiter", {"limiter": "x"}),
    "token_store='x'": ("token_store", {"token_store": "x"}),
    "transport='x'": ("transport", {"transport": "x"}),
    "max_concurrency=0": ("max_concurrency", {"max_concurrency": 0}),
}


@pytest.mark.timeout(10)
@pytest.mark.parametrize("case", sorted(CONSTRUCTOR))
def test_a_bad_constructor_argument_is_a_parameter_error_naming_it(case: str) -> None:
    name, options = CONSTRUCTOR[case]
    arguments = {"token": SECRET, **options}
    with pytest.raises(ParameterError) as caught:
        TushareClient(**arguments)
    assert name in caught.value.message
    assert caught.value.remediation
    assert SECRET not in texts_of_the_chain(caught.value)


@pytest.mark.timeout(10)
def test_a_bad_base_url_in_the_environment_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUSHARE_API_URL", "http://api.tushare.pro:70000")
    with pytest.raises(ParameterError, match="TUSHARE_API_URL") as caught:
        TushareClient(SECRET)
    assert "Port out of range" in caught.value.message
    assert SECRET not in texts_of_the_chain(caught.value)


class _Unstrippable(str):
    """A token whose handling fails inside the package (as a bug would), with the token in the frames' locals."""

    def strip(self, chars: str | None = None) -> str:
        raise RuntimeError("no strip today")


@pytest.mark.timeout(10)
def test_a_failure_while_handling_the_token_leaves_no_frame_holding_it() -> None:
    from tushare_typed._internal.construction import checked_token

    token = _Unstrippable(SECRET)
    # The package frames below the constructor hold the token, and the scan sees it: it can fail.
    with pytest.raises(RuntimeError) as direct:
        checked_token(token)
    assert SECRET in _frames_of(direct.value)
    # The constructor raises the same failure without them, and without its own copy of the token.
    with pytest.raises(RuntimeError, match="no strip today") as built:
        TushareClient(token)
    assert SECRET not in _frames_of(built.value)
    assert built.value.__context__ is None
