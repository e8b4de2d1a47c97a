"""Typed errors of ``tushare_typed``: one base class, five categories, stable codes.

Every error raised by the client is a :class:`TushareError`. Catch a category class
(``AuthError``, ``ParameterError``, ``RateLimitError``, ``ServiceError``, ``UnknownError``) or
match on ``err.code``, which never changes meaning between releases.

Every error carries ``code``, ``category``, ``message``, ``remediation`` (what to do about it),
``api_name``, ``request_id`` (the server's when it sent one, else the local one) and
``tushare_code`` (the reply's ``code`` field, when the error came from a reply). It never carries
the token: messages are built without it, and every attribute is masked on the way in: any 56-hex-digit
run (the shape of a tushare token) and the exact string of every token this process handled.

This module is a leaf: it imports nothing of the package but :mod:`._internal.redact`, so every layer can import
it. Reading a reply into one of these errors (:func:`error_from_reply`, :func:`parse_rate_limit`) lives with the
reply decoding in ``_internal/reply_errors.py``; both names are still importable from here, loaded on first use.

The paginator fills ``partial`` (the rows fetched so far) and ``next_offset`` (pass it as ``offset``
to resume) when paging fails midway.

=================  ==========  =================================================================
code               category    meaning (class)
=================  ==========  =================================================================
AUTH-001           AUTH        the server rejected the token, tushare 40101 (``AuthError``)
AUTH-002           AUTH        no token found locally (``MissingTokenError``)
AUTH-003           AUTH        no permission for the interface, tushare 2002 / -2002 / 40203
                               "没有接口访问权限" (``PermissionDeniedError``)
AUTH-010           AUTH        the token store failed to read or write (``TokenStoreError``)
AUTH-011           AUTH        the token store holds no token (``TokenNotStoredError``)
AUTH-012           AUTH        no key to open the token store (``TokenKeyMissingError``)
AUTH-013           AUTH        wrong key or passphrase for the token store
                               (``TokenKeyMismatchError``)
AUTH-014           AUTH        the token store is corrupt or was tampered with
                               (``TokenStoreCorruptError``)
AUTH-015           AUTH        a store key is not a valid Fernet key (``TokenKeyInvalidError``)
AUTH-016           AUTH        the OS keyring is missing or failed (``TokenKeyringError``)
PARAM-101          PARAMETER   an argument failed local validation (``ParameterError``)
PARAM-102          PARAMETER   the server rejected the arguments, tushare -2001
                               (``ServerParameterError``)
RATE-201           RATE_LIMIT  a per-minute / hour / day cap was hit: tushare 40203
                               "每分钟最多访问该接口N次", "频率超限", or HTTP 429
                               (``RateLimitError``)
SERVICE-301        SERVICE     the server answered HTTP >= 500 (``ServiceError``)
SERVICE-302        SERVICE     the request timed out (``ServiceTimeoutError``)
SERVICE-303        SERVICE     the connection failed (``ServiceConnectionError``)
SERVICE-304        SERVICE     the reply could not be decoded (``MalformedReplyError``)
SERVICE-305        SERVICE     the circuit breaker is open: calls fail fast (``CircuitOpenError``)
SERVICE-306        SERVICE     an unexpected HTTP status such as 404 (``UnexpectedStatusError``)
SERVICE-307        SERVICE     the reply exceeds ``max_body_bytes`` decompressed (``ReplyTooLargeError``)
UNK-999            UNKNOWN     a reply code the client does not know (``UnknownError``)
=================  ==========  =================================================================
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any, ClassVar

from ._internal.redact import MASK, redact_text

if TYPE_CHECKING:
    from ._internal.reply_errors import error_from_reply, parse_rate_limit

__all__ = [
    "MASK",
    "AuthError",
    "CircuitOpenError",
    "ErrorCategory",
    "MalformedReplyError",
    "MissingTokenError",
    "ParameterError",
    "PermissionDenied",
    "PermissionDeniedError",
    "RateLimitError",
    "ReplyTooLargeError",
    "ServerParameterError",
    "ServiceConnectionError",
    "ServiceError",
    "ServiceTimeoutError",
    "TokenKeyInvalidError",
    "TokenKeyMismatchError",
    "TokenKeyMissingError",
    "TokenKeyringError",
    "TokenNotStoredError",
    "TokenStoreCorruptError",
    "TokenStoreError",
    "TushareError",
    "UnexpectedStatusError",
    "UnknownError",
    "error_from_reply",
    "parse_rate_limit",
    "redact_text",
]


def _redacted(value: Any) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, bytes | bytearray):
        return redact_text(bytes(value).decode("utf-8", errors="replace"))
    return value


class ErrorCategory(enum.StrEnum):
    AUTH = "AUTH"
    PARAMETER = "PARAMETER"
    RATE_LIMIT = "RATE_LIMIT"
    SERVICE = "SERVICE"
    UNKNOWN = "UNKNOWN"


def _rebuild_error(cls: type[TushareError], state: dict[str, Any]) -> TushareError:
    """Unpickle an error without calling ``__init__`` (its arguments are keyword-only)."""
    error = cls.__new__(cls)
    Exception.__init__(error, state.get("message", ""))
    error.__dict__.update(state)
    return error


class TushareError(Exception):
    """Base class of every error raised by ``tushare_typed``."""

    default_code: ClassVar[str] = "UNK-999"
    category: ClassVar[ErrorCategory] = ErrorCategory.UNKNOWN
    default_remediation: ClassVar[str] = "See the message; report it if it is unclear."
    #: Whether the transport retries this error by itself.
    retryable: ClassVar[bool] = False

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        remediation: str | None = None,
        api_name: str | None = None,
        request_id: str | None = None,
        tushare_code: int | None = None,
    ) -> None:
        self.message = redact_text(message)
        Exception.__init__(self, self.message)
        self.code = code or self.default_code
        self.remediation = redact_text(remediation or self.default_remediation)
        self.api_name = api_name
        self.request_id = request_id
        self.tushare_code = tushare_code
        self.partial: object | None = None
        self.next_offset: int | None = None

    def __setattr__(self, name: str, value: Any) -> None:
        # Every attribute is redacted on the way in (a server may echo the token as request_id), so str, repr,
        # vars() and pickles of an error can never carry it.
        super().__setattr__(name, _redacted(value))

    def __str__(self) -> str:
        context = ", ".join(
            f"{name}={value}"
            for name, value in (
                ("api_name", self.api_name),
                ("request_id", self.request_id),
                ("tushare_code", self.tushare_code),
            )
            if value is not None
        )
        where = f" ({context})" if context else ""
        return f"[{self.code}] {self.message}{where}. Remediation: {self.remediation}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, message={self.message!r}, "
            f"api_name={self.api_name!r}, request_id={self.request_id!r}, "
            f"tushare_code={self.tushare_code!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        state = {name: _redacted(value) for name, value in self.__dict__.items()}
        return (_rebuild_error, (type(self), state))


# --- AUTH -------------------------------------------------------------------------------------


class AuthError(TushareError):
    """The token is missing, wrong, or lacks permission (tushare 40101 → AUTH-001)."""

    default_code = "AUTH-001"
    category = ErrorCategory.AUTH
    default_remediation = (
        "Check the token: it is read from the token= argument, then the TUSHARE_TOKEN environment "
        "variable, then the encrypted token store; your token is at https://tushare.pro/user/token."
    )


class MissingTokenError(AuthError):
    default_code = "AUTH-002"
    default_remediation = (
        "Pass token=... to the client, or set the TUSHARE_TOKEN environment variable, or save the "
        "token in the encrypted store (TokenStore().save(token) or `tushare-typed token set`)."
    )


class PermissionDeniedError(AuthError):
    default_code = "AUTH-003"
    default_remediation = (
        "Your account's points tier does not include this interface; see the points it needs "
        "(client catalog or https://tushare.pro/document/1?doc_id=108) and upgrade or use another."
    )


#: Short alias: ``except PermissionDenied``.
PermissionDenied = PermissionDeniedError


class TokenStoreError(AuthError):
    default_code = "AUTH-010"
    default_remediation = "Check that the token store path is readable and writable by you."


class TokenNotStoredError(TokenStoreError):
    default_code = "AUTH-011"
    default_remediation = "Save a token first: TokenStore().save(token) or `tushare-typed token set`."


class TokenKeyMissingError(TokenStoreError):
    default_code = "AUTH-012"
    default_remediation = (
        "Provide the store key: set TUSHARE_TYPED_KEY to the key the store was saved with, or "
        "TUSHARE_TYPED_PASSPHRASE for a passphrase-sealed store; `tushare-typed token set` saves a new "
        "store and says where its key lives (OS keyring, a passphrase, or a generated key)."
    )


class TokenKeyringError(TokenStoreError):
    default_code = "AUTH-016"
    default_remediation = (
        "This machine has no usable OS keyring (common on headless Linux). Seal the store without it: "
        "`tushare-typed token set --generate-key` (then keep the printed key in TUSHARE_TYPED_KEY) or "
        "`tushare-typed token set --passphrase` (then set TUSHARE_TYPED_PASSPHRASE)."
    )


class TokenKeyMismatchError(TokenStoreError):
    default_code = "AUTH-013"
    default_remediation = (
        "Use the key or passphrase the store was saved with, or save the token again "
        "(TokenStore().save(token)) to replace the store."
    )


class TokenStoreCorruptError(TokenStoreError):
    default_code = "AUTH-014"
    default_remediation = (
        "The store file was altered or damaged; delete it (TokenStore().delete()) and save the "
        "token again. Check who else can write to the file."
    )


class TokenKeyInvalidError(TokenStoreError):
    default_code = "AUTH-015"
    default_remediation = (
        "A store key is 44 url-safe base64 characters; generate one with "
        "TokenStore.generate_key() and put it in TUSHARE_TYPED_KEY."
    )


# --- PARAMETER --------------------------------------------------------------------------------


class ParameterError(TushareError):
    """An argument is invalid: caught locally (PARAM-101) or by the server (PARAM-102)."""

    default_code = "PARAM-101"
    category = ErrorCategory.PARAMETER
    default_remediation = "Fix the argument named in the message; see the interface's parameters."


class ServerParameterError(ParameterError):
    default_code = "PARAM-102"
    default_remediation = (
        "tushare rejected the arguments: check names, formats (dates are YYYYMMDD) and required "
        "parameters against the interface's documentation."
    )


# --- RATE_LIMIT -------------------------------------------------------------------------------


class RateLimitError(TushareError):
    """A call cap was hit. ``limit_calls`` per ``limit_period`` seconds is the cap the server named.

    ``limit_calls`` is None when the message names no number; ``limit_period`` is then the window
    the server most often counts, a minute.
    """

    default_code = "RATE-201"
    category = ErrorCategory.RATE_LIMIT
    default_remediation = (
        "Wait for the server's window to pass, lower the call rate "
        "(rate_limit=RateLimit(calls=..., period=...)), or raise max_rate_limit_wait so the "
        "client waits for you."
    )

    def __init__(
        self,
        message: str,
        *,
        limit_calls: int | None = None,
        limit_period: float = 60.0,
        code: str | None = None,
        remediation: str | None = None,
        api_name: str | None = None,
        request_id: str | None = None,
        tushare_code: int | None = None,
    ) -> None:
        super().__init__(
            message,
            code=code,
            remediation=remediation,
            api_name=api_name,
            request_id=request_id,
            tushare_code=tushare_code,
        )
        self.limit_calls = limit_calls
        self.limit_period = limit_period
        #: Seconds until a call may succeed, when known (hourly and daily caps fail at once with it set).
        self.retry_after: float | None = None


# --- SERVICE ----------------------------------------------------------------------------------


class ServiceError(TushareError):
    """The service failed: HTTP >= 500 (SERVICE-301), or a subclass for the other ways."""

    default_code = "SERVICE-301"
    category = ErrorCategory.SERVICE
    default_remediation = (
        "tushare's server failed; the client already retried. Try again later; if it persists, check tushare's status."
    )
    retryable = True


class ServiceTimeoutError(ServiceError):
    default_code = "SERVICE-302"
    default_remediation = "Raise timeout=... (per client or per call), or try again later."


class ServiceConnectionError(ServiceError):
    default_code = "SERVICE-303"
    default_remediation = (
        "Check the network and the base URL (base_url=... or TUSHARE_API_URL); the default is http://api.tushare.pro."
    )


class MalformedReplyError(ServiceError):
    default_code = "SERVICE-304"
    default_remediation = (
        "The reply was not a valid tushare envelope; the client already retried. If it persists "
        "the API may have changed: report it with the request_id."
    )


class ReplyTooLargeError(MalformedReplyError):
    """The reply is bigger than ``max_body_bytes`` once decompressed; retrying would fetch it again."""

    default_code = "SERVICE-307"
    default_remediation = (
        "Ask for fewer rows per call (narrower dates, fewer fields), or raise max_body_bytes on the client."
    )
    retryable = False


class CircuitOpenError(ServiceError):
    """Calls fail fast after repeated service failures; ``retry_after`` says for how long."""

    default_code = "SERVICE-305"
    default_remediation = "The service failed repeatedly, so calls fail fast for a while; wait retry_after seconds."
    retryable = False

    def __init__(
        self,
        message: str,
        *,
        retry_after: float,
        api_name: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, api_name=api_name, request_id=request_id)
        self.retry_after = retry_after


class UnexpectedStatusError(ServiceError):
    default_code = "SERVICE-306"
    default_remediation = (
        "The server answered with an unexpected HTTP status; check that base_url (or "
        "TUSHARE_API_URL) points at the tushare API."
    )
    retryable = False


# --- UNKNOWN ----------------------------------------------------------------------------------


class UnknownError(TushareError):
    """A reply code this client does not know; ``tushare_code`` and ``message`` keep it raw."""

    default_code = "UNK-999"
    category = ErrorCategory.UNKNOWN
    default_remediation = (
        "The reply used a code this client does not map; read the tushare message, and report "
        "the tushare_code so it can be mapped."
    )


# Public names whose code lives with the reply decoding; loaded on first use so that this module stays a leaf.
_MOVED = frozenset({"error_from_reply", "parse_rate_limit"})


def __getattr__(name: str) -> Any:
    if name in _MOVED:
        from ._internal import reply_errors

        return getattr(reply_errors, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
