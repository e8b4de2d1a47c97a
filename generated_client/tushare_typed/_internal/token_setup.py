"""First run of ``tushare-typed token set``: choose how the token store is sealed, on any machine.

In order: an explicit choice (``--keyring``, ``--passphrase``, ``--generate-key``); ``TUSHARE_TYPED_KEY`` when it
is set; the OS keyring when it works; otherwise — a headless box without a keyring backend — a passphrase (asked
at a terminal, scrypt-derived) or a generated key, each with what to keep and where. Nothing here writes the
token or the key to a plain file; the generated key goes to stdout (to be captured) and every explanation to stderr.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ..errors import TokenKeyMissingError, TokenKeyringError
from ..token import ENV_KEY, ENV_PASSPHRASE, TokenStore

__all__ = ["Sealing", "SealingChoice", "save_token"]

SealingChoice = Literal["auto", "keyring", "passphrase", "generate"]


@dataclass(frozen=True)
class Sealing:
    """What ``save_token`` did: ``key`` is the generated key to show once (None for the other ways)."""

    how: Literal["environment", "keyring", "passphrase", "generate"]
    instructions: str
    key: str | None = None


def save_token(
    token: str,
    choice: SealingChoice,
    *,
    interactive: bool,
    ask_passphrase: Callable[[], str],
    ask_choice: Callable[[], Literal["passphrase", "generate"]],
) -> Sealing:
    """Save ``token`` sealed as ``choice`` says (``auto``: see the module docstring); returns what was done."""
    if choice == "passphrase":
        return _with_passphrase(token, ask_passphrase())
    if choice == "generate":
        return _with_generated_key(token)
    if choice == "keyring":
        TokenStore(use_keyring=True).save(token)
        return Sealing("keyring", "the store key is kept in the OS keyring")
    if os.environ.get(ENV_KEY, "").strip():
        TokenStore(use_keyring=False).save(token)
        return Sealing("environment", f"sealed with the key in {ENV_KEY}; keep it set wherever the token is used")
    try:
        TokenStore(use_keyring=True).save(token)
        return Sealing("keyring", "the store key is kept in the OS keyring")
    except (TokenKeyringError, TokenKeyMissingError):
        # No keyring package, or no usable backend (NoKeyringError on a headless box): the ways below need none.
        fallback = ask_choice() if interactive else "generate"
    if fallback == "passphrase":
        return _with_passphrase(token, ask_passphrase())
    return _with_generated_key(token)


def _with_passphrase(token: str, passphrase: str) -> Sealing:
    TokenStore(passphrase=passphrase, use_keyring=False).save(token)
    return Sealing(
        "passphrase",
        f"sealed with your passphrase (scrypt). Programs using the token need it: set {ENV_PASSPHRASE} in their "
        "environment (e.g. from a secrets manager), or pass TokenStore(passphrase=...).",
    )


def _with_generated_key(token: str) -> Sealing:
    key = TokenStore.generate_key()
    TokenStore(key=key, use_keyring=False).save(token)
    return Sealing(
        "generate",
        "no OS keyring here, so the store was sealed with a generated key, printed on stdout once. Keep it in "
        f"{ENV_KEY} wherever the token is used (a secrets manager, your CI's secret variables, or an "
        f"`export {ENV_KEY}=...` line in a profile only you can read); without it the store cannot be opened.",
        key=key,
    )
