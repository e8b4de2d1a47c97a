"""Per-client and per-call transport options, their defaults, and where calls go (the base URL)."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from dataclasses import fields as dataclass_fields
from typing import Any

from ...errors import ParameterError

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RATE_LIMIT_WAIT",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "ENV_BASE_URL",
    "REQUEST_ID_HEADER",
    "USER_AGENT",
    "RequestOptions",
    "check_option",
    "new_request_id",
    "resolve_base_url",
]

DEFAULT_BASE_URL = "http://api.tushare.pro"
ENV_BASE_URL = "TUSHARE_API_URL"
REQUEST_ID_HEADER = "X-Request-Id"
USER_AGENT = "tushare-typed"

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 2  # three attempts in all
# A per-minute window plus slack: one 40203 is waited out, a second one in a row is raised.
DEFAULT_MAX_RATE_LIMIT_WAIT = 65.0


@dataclass(frozen=True, slots=True)
class RequestOptions:
    """Per-client or per-call overrides; ``None`` means "inherit"."""

    timeout: float | None = None
    max_retries: int | None = None
    max_rate_limit_wait: float | None = None
    #: ``time.monotonic()`` reading by which the whole call (every attempt and wait) must be over.
    deadline_at: float | None = None
    max_body_bytes: int | None = None

    def __post_init__(self) -> None:
        for name, minimum, integer in (
            ("timeout", 0.0, False),
            ("max_retries", 0, True),
            ("max_rate_limit_wait", 0.0, False),
            ("max_body_bytes", 1, True),
            ("deadline_at", -math.inf, False),
        ):
            check_option(name, getattr(self, name), minimum, integer)

    def merged(self, overrides: RequestOptions | None) -> RequestOptions:
        """These options with every non-None field of ``overrides`` taking precedence."""
        if overrides is None:
            return self
        changes = {
            field.name: getattr(overrides, field.name)
            for field in dataclass_fields(overrides)
            if getattr(overrides, field.name) is not None
        }
        return replace(self, **changes)


def check_option(name: str, value: Any, minimum: float, integer: bool) -> None:
    """A ParameterError naming the option unless ``value`` is None or a finite number (an int when ``integer``)
    of at least ``minimum`` (above 0 for ``timeout``)."""
    if value is None:
        return
    number = isinstance(value, int) if integer else isinstance(value, int | float)
    bad = isinstance(value, bool) or not number or math.isnan(value)
    if bad or value < minimum or (name == "timeout" and value == 0) or value == math.inf:
        kind = "an integer" if integer else "a number of seconds"
        raise ParameterError(
            f"{name} must be {kind} {'> 0' if name == 'timeout' else f'>= {minimum}'}, got {value!r}",
            remediation=f"pass {name} as {kind}, e.g. {name}={30 if not integer else 2}, or leave it out",
        )


def new_request_id() -> str:
    import uuid  # here: uuid imports platform, which building a client does not need

    return uuid.uuid4().hex


def resolve_base_url(base_url: object = None, environ: Mapping[str, str] | None = None) -> str:
    """``base_url``, else ``TUSHARE_API_URL``, else ``http://api.tushare.pro``: checked now, so that a URL no request
    could use is a ParameterError naming where it came from, not an ``httpx.InvalidURL`` at the first call."""
    if base_url is not None and not isinstance(base_url, str):
        raise ParameterError(
            f"base_url must be a URL string, got {type(base_url).__name__}",
            remediation=f"pass base_url as a string such as {DEFAULT_BASE_URL!r}, or leave it out",
        )
    env = os.environ if environ is None else environ
    from_env = env.get(ENV_BASE_URL, "").strip()
    source = "base_url" if base_url and base_url.strip() else ENV_BASE_URL if from_env else "the default base URL"
    url = ((base_url or "").strip() or from_env or DEFAULT_BASE_URL).strip()
    problem = _url_problem(url)
    if problem is not None:
        raise ParameterError(
            f"{source} {url!r} is not a usable URL: {problem}",
            remediation=f"pass base_url as http(s)://host[:port][/path], such as {DEFAULT_BASE_URL}, or fix "
            f"{ENV_BASE_URL}",
        )
    return url


# Characters of an ASCII host name (IPv4 addresses included); IPv6 literals and non-ASCII names are checked apart.
_HOST_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_")


def _url_problem(url: str) -> str | None:
    """What makes ``url`` unusable as the API's address, or None."""
    from urllib.parse import urlsplit

    if any(character.isspace() or not character.isprintable() for character in url):
        return "it contains whitespace or control characters"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:  # a port that is no number or out of range, a broken IPv6 literal
        return str(error)
    if parts.scheme not in ("http", "https"):
        return f"the scheme must be http or https, not {parts.scheme or 'missing'!r}"
    host = parts.hostname
    if not host:
        return "it names no host"
    if port == 0:
        return "port 0 is not a destination"
    return _host_problem(host, bracketed="[" in parts.netloc)


def _host_problem(host: str, *, bracketed: bool) -> str | None:
    if bracketed:
        import ipaddress

        try:
            ipaddress.IPv6Address(host.split("%", 1)[0])
        except ValueError:
            return f"{host!r} is not an IPv6 address"
        return None
    if host.isascii():
        bad = sorted(set(host) - _HOST_CHARACTERS)
        return f"the host {host!r} contains {''.join(bad)!r}" if bad else None
    try:
        host.encode("idna")
    except UnicodeError:
        return f"the host {host!r} is not a valid international domain name"
    return None
