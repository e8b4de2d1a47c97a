"""tushare tokens per owner (``POST /auth/token``), sealed by the Fernet :class:`~tushare_typed.token.TokenStore`.

The database holds the store's sealed document (Fernet ciphertext and its key check), never the token: the
``encrypted_token`` column. The key is the service's ``TUSHARE_TYPED_KEY``; without it no token can be stored
(AUTH-012). Opened tokens are cached in memory as :class:`~tushare_typed.token.Secret` per credential and rotation
time, so a request costs one indexed read, not a decryption; and each owner's (credential, token) is remembered for
``ttl`` seconds, so most requests cost no read at all. A token stored through this object takes effect at once, one
stored through another worker within ``ttl``.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import tempfile
import threading
from pathlib import Path

from ..errors import TokenKeyMissingError
from ..token import ENV_KEY, Secret, TokenStore
from ._db import Database
from ._ttl import TTLCache

__all__ = ["Credentials"]

_STORE_FILE = "token.enc"


def _scratch_store(folder: str, key: Secret) -> TokenStore:
    # The store works on files: a private temporary folder (mode 0700) holds one for the length of one operation.
    return TokenStore(Path(folder) / _STORE_FILE, key=key, use_keyring=False)


def _salt(sealed: bytes) -> bytes:
    """The KDF salt in the sealed document's header (empty for a Fernet key, which needs none)."""
    salt = json.loads(sealed).get("kdf", {}).get("salt")
    return base64.b64decode(salt) if isinstance(salt, str) else b""


class Credentials:
    """Seal, store and open each owner's token."""

    def __init__(self, db: Database, key: str | Secret | None = None, *, ttl: float = 0.0) -> None:
        self._db = db
        self._owners: TTLCache[str, tuple[str, Secret] | None] = TTLCache(ttl)
        raw = key if key is not None else os.environ.get(ENV_KEY, "").strip() or None
        self._key = Secret(raw) if raw else None
        self._cache: dict[tuple[str, str], Secret] = {}
        self._lock = threading.Lock()

    def _require_key(self) -> Secret:
        if self._key is None:
            raise TokenKeyMissingError(
                f"the service has no key to encrypt tushare tokens with: {ENV_KEY} is not set",
                remediation=f"set {ENV_KEY} for the service (generate one with `tushare-typed token rotate` or "
                "TokenStore.generate_key()) and restart it",
            )
        return self._key

    def store(self, owner: str, token: str, actor: str) -> tuple[str, bool]:
        """Seal ``token`` for ``owner``; returns (credential_id, created). Audited as token.set / token.rotate."""
        key = self._require_key()
        with tempfile.TemporaryDirectory(prefix="tushare-typed-") as folder:
            store = _scratch_store(folder, key)
            store.save(token)
            sealed = store.path.read_bytes()
        self._owners.discard(owner)
        try:
            return self._db.put_credential(owner, sealed, _salt(sealed), actor)
        finally:
            # Again once stored: a read that raced the write may have remembered the previous token.
            self._owners.discard(owner)

    async def token_for_async(self, owner: str) -> tuple[str, Secret] | None:
        """:meth:`token_for` for the event loop: remembered, or read in a worker thread."""
        hit, stored = self._owners.get(owner)
        return stored if hit else await asyncio.to_thread(self.token_for, owner)

    def token_for(self, owner: str) -> tuple[str, Secret] | None:
        """(credential_id, token) of ``owner``, or None when they stored none."""
        stored = self._read(owner)
        self._owners.put(owner, stored)
        return stored

    def _read(self, owner: str) -> tuple[str, Secret] | None:
        row = self._db.credential(owner)
        if row is None:
            return None
        cache_key = (row.credential_id, row.last_rotated_at.isoformat())
        with self._lock:
            cached = self._cache.get(cache_key)
        if cached is None:
            cached = Secret(self._open(row.encrypted_token))
            with self._lock:
                # A rotation makes the previous entry of this credential unreachable: drop it.
                for stale in [k for k in self._cache if k[0] == row.credential_id]:
                    del self._cache[stale]
                self._cache[cache_key] = cached
        return row.credential_id, cached

    def _open(self, sealed: bytes) -> str:
        key = self._require_key()
        with tempfile.TemporaryDirectory(prefix="tushare-typed-") as folder:
            path = Path(folder) / _STORE_FILE
            path.write_bytes(sealed)
            path.chmod(0o600)
            return _scratch_store(folder, key).load()
