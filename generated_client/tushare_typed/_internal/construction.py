"""A client's constructor arguments checked when it is built: a wrong one is a ParameterError naming the argument
and the fix, never an ``AttributeError`` or ``httpx.InvalidURL`` at the first call. (The numbers are checked by
:class:`~.transport.RequestOptions` and :class:`~.transport.slots.RequestSlots`, the URL by
:func:`~.transport.resolve_base_url`, ``rate_limit`` by :func:`~.limiter.choose.limiter_for`.)

Nothing here imports httpx or the token store: the pool, the limiter, the store and the transport are checked by
what they can do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import ParameterError
from .limiter.protocol import Limiter
from .secret import Secret, resolve_token

if TYPE_CHECKING:
    from ..catalog import Catalog

__all__ = ["checked_catalog", "checked_collaborators", "checked_token"]


def checked_token(token: object) -> Secret | None:
    """The token as a :class:`Secret`, or None to resolve it on the first call. The caller must not let this frame
    (which holds the token) reach a traceback: see ``_ClientCommon.__init__``."""
    if token is None:
        return None
    if not isinstance(token, str | Secret):
        raise ParameterError(
            f"token must be a string, got {type(token).__name__}",
            remediation="pass your tushare token as a string (token='...'), or leave it out to read TUSHARE_TOKEN "
            "or the encrypted token store",
        )
    return resolve_token(token)


def checked_catalog(catalog: object) -> Catalog | None:
    if catalog is None:
        return None
    from ..catalog import Catalog

    if not isinstance(catalog, Catalog):
        raise ParameterError(
            f"catalog must be a tushare_typed.catalog.Catalog, got {type(catalog).__name__}",
            remediation="pass Catalog.from_dict(...) or load_catalog(path), or leave it out",
        )
    return catalog


# What each collaborator must be able to do, and what to pass instead.
_ABLE: dict[str, tuple[tuple[str, ...], str]] = {
    "http_client": (("build_request", "send"), "an httpx.Client (httpx.AsyncClient for the async client)"),
    "token_store": (("exists", "load"), "a tushare_typed.TokenStore"),
    "transport": (("request", "with_base_url"), "a transport of tushare_typed's (advanced; normally leave it out)"),
}


def checked_collaborators(*, limiter: object, max_concurrency: object, transport: object, **able: Any) -> None:
    """Refuse a ``limiter``, ``http_client``, ``token_store`` or ``transport`` that cannot do its job, and options
    an injected ``transport`` would silently ignore."""
    if limiter is not None and not isinstance(limiter, Limiter):
        raise ParameterError(
            f"limiter must be a rate limiter (tushare_typed.ratelimit.Limiter), got {type(limiter).__name__}",
            remediation="pass limiter=RateLimiter(...) to share one limiter between clients, or leave it out",
        )
    for name, value in {**able, "transport": transport}.items():
        methods, expected = _ABLE[name]
        if value is not None and not all(callable(getattr(value, method, None)) for method in methods):
            raise ParameterError(
                f"{name} must be {expected}, got {type(value).__name__}",
                remediation=f"pass {name}= {expected}, or leave it out",
            )
    if transport is not None and max_concurrency is not None:
        raise ParameterError(
            "max_concurrency applies to the transport the client builds, not to a transport passed in",
            remediation="pass max_concurrency to the transport itself, or leave transport= out",
        )
