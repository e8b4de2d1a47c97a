"""API keys (the ``X-MCP-Token`` header): created and revoked with the CLI, stored hashed, one owner each.

A key reads ``ttk_<key id>_<secret>``. Only the SHA-256 of the secret is stored: the secret is 256 random bits, so
a slow password hash would add nothing but latency to every request. The key id finds the row; the hash is compared
in constant time.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Final

from ..errors import ParameterError
from ._db import ApiKeyRow, Database, new_id
from ._errors import ApiKeyError

__all__ = ["HEADER", "IssuedKey", "authenticate", "authenticate_async", "create_key", "revoke_key"]

HEADER: Final = "X-MCP-Token"
_PREFIX: Final = "ttk"
_KEY: Final = re.compile(r"^ttk_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$")
_OWNER: Final = re.compile(r"^[\w.@-]{1,200}$")
_REMEDIATION: Final = (
    f"send a live API key in the {HEADER} header; create one with `tushare-typed api-key create --owner NAME`"
)


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A new key: ``key`` is shown once and never stored."""

    key_id: str
    owner: str
    key: str


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def check_owner(owner: str) -> str:
    owner = owner.strip()
    if not _OWNER.match(owner):
        raise ParameterError(
            f"owner {owner!r} is not a valid owner name",
            remediation="use 1 to 200 letters, digits, '_', '.', '@' or '-'",
        )
    return owner


def create_key(db: Database, owner: str, actor: str) -> IssuedKey:
    owner = check_owner(owner)
    key_id, secret = new_id(), secrets.token_urlsafe(32)
    db.add_api_key(key_id, owner, _hash(secret), actor)
    return IssuedKey(key_id, owner, f"{_PREFIX}_{key_id}_{secret}")


def revoke_key(db: Database, key_id: str, actor: str) -> bool:
    return db.revoke_api_key(key_id.strip(), actor)


def _parse(presented: str | None) -> tuple[str, str]:
    """(key id, secret) of the header's value; ``AuthError`` (AUTH-001) otherwise, never echoing the value."""
    if not presented:
        raise ApiKeyError(f"missing {HEADER} header", remediation=_REMEDIATION)
    match = _KEY.match(presented.strip())
    if match is None:
        raise ApiKeyError(f"the {HEADER} API key is not valid", remediation=_REMEDIATION)
    return match.group(1), match.group(2)


def _check(row: ApiKeyRow | None, secret: str) -> ApiKeyRow:
    if row is None or not hmac.compare_digest(row.key_hash, _hash(secret)):
        raise ApiKeyError(f"the {HEADER} API key is not valid", remediation=_REMEDIATION)
    if row.revoked_at is not None:
        raise ApiKeyError(f"the {HEADER} API key was revoked", remediation=_REMEDIATION)
    return row


def authenticate(db: Database, presented: str | None) -> ApiKeyRow:
    """The live key row for the header's value; ``AuthError`` (AUTH-001) otherwise, never echoing the value."""
    key_id, secret = _parse(presented)
    return _check(db.api_key(key_id), secret)


async def authenticate_async(db: Database, presented: str | None) -> ApiKeyRow:
    """:func:`authenticate` for the event loop: a recently read live key is checked without a query or a thread;
    otherwise the query runs in a worker thread."""
    key_id, secret = _parse(presented)
    row = db.cached_api_key(key_id)
    if row is None:
        row = await asyncio.to_thread(db.api_key, key_id)
    return _check(row, secret)
