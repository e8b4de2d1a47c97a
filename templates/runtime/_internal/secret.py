"""The token as the client holds it: :class:`Secret` (never shows itself) and :func:`resolve_token`.

Every client imports this module; the encrypted store (:mod:`tushare_typed.token`, which needs ``cryptography`` to
open) is imported only when neither the argument nor ``TUSHARE_TOKEN`` gives a token.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from ..errors import MissingTokenError
from .redact import remember_secret

if TYPE_CHECKING:
    from ..token import TokenStore

__all__ = ["ENV_TOKEN", "Secret", "default_store_path", "environ_or_default", "resolve_token", "reveal"]

ENV_TOKEN = "TUSHARE_TOKEN"  # noqa: S105 - the variable's name, not a token


class Secret:
    """A string that does not show itself: ``repr``/``str``/``format`` are masked, pickling fails."""

    __slots__ = ("_value",)

    def __init__(self, value: str | Secret) -> None:
        self._value = value.reveal() if isinstance(value, Secret) else value
        # From now on every error, log line and output masks this exact string, should a server echo it.
        remember_secret(self._value)

    def reveal(self) -> str:
        """The secret value; call it only where the value is sent or encrypted."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    def __str__(self) -> str:
        return "***"

    def __format__(self, format_spec: str) -> str:
        return "***"

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash((Secret, self._value))

    def __copy__(self) -> Secret:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Secret:
        return self

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        # Pickles end up in files and caches; a token must not ride along unnoticed.
        raise TypeError("Secret values cannot be pickled")


def reveal(value: str | Secret) -> str:
    return value.reveal() if isinstance(value, Secret) else value


def environ_or_default(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if environ is None else environ


def resolve_token(
    token: str | Secret | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    store: TokenStore | None = None,
) -> Secret:
    """The token from ``token``, else ``TUSHARE_TOKEN``, else the encrypted store.

    Blank values count as absent. Raises ``MissingTokenError`` (AUTH-002) when all three are
    empty, and the store's own error when a store exists but cannot be opened.
    """
    if token is not None and reveal(token).strip():
        return Secret(reveal(token).strip())
    env = environ_or_default(environ)
    from_env = env.get(ENV_TOKEN, "").strip()
    if from_env:
        return Secret(from_env)
    if store is None:
        from ..token import TokenStore

        store = TokenStore(environ=env)
    if store.exists():
        return Secret(store.load())
    raise MissingTokenError(
        f"no tushare token: none was passed as token=..., {ENV_TOKEN} is not set, and there is "
        f"no encrypted token store at {store.path}",
        remediation=(
            f"Pass token=... to the client, or set the {ENV_TOKEN} environment variable, or save "
            "the token in the encrypted store with TokenStore().save(token) "
            "(or `tushare-typed token set`)."
        ),
    )


def default_store_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CONFIG_HOME/tushare-typed/token.enc``, else ``~/.config/tushare-typed/token.enc``."""
    env = environ_or_default(environ)
    configured = env.get("XDG_CONFIG_HOME", "")
    # The XDG spec says relative values are invalid and must be ignored.
    base = Path(configured) if os.path.isabs(configured) else Path.home() / ".config"
    return base / "tushare-typed" / "token.enc"
