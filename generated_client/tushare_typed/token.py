"""Finding the tushare token, and keeping it encrypted on disk.

:func:`resolve_token` looks in order at the ``token=`` argument, the ``TUSHARE_TOKEN`` environment
variable and the encrypted :class:`TokenStore`, and returns a :class:`Secret` whose ``repr`` and
``str`` are masked.

The store is one JSON file (default ``$XDG_CONFIG_HOME/tushare-typed/token.enc``, else
``~/.config/...``), replaced atomically: mode 0600 in a 0700 directory on POSIX; on Windows, guarded by the ACLs
of the user's profile it lies in (:mod:`._internal.token_file` reads and writes it)::

    {"format": "tushare-typed/token-store", "version": 1,
     "kdf": {"kind": "key"} | {"kind": "scrypt", "salt": ..., "n": ..., "r": 8, "p": 1}
            | {"kind": "keyring", "entry": ...},
     "key_check": "<hmac of a constant under the key>", "token": "<Fernet token>"}

The Fernet key comes from ``key=`` or ``TUSHARE_TYPED_KEY`` (kind ``key``), from a passphrase
through scrypt with the random salt stored in the header (kind ``scrypt``), or from the OS keyring
when the optional ``keyring`` package is installed (kind ``keyring``). ``key_check`` tells a wrong
key (AUTH-013) from a damaged or tampered file (AUTH-014). Every operation appends one JSON line
(time, operation, outcome, never the token) to the audit log next to the store.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import hmac
import os
import secrets
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn, TypeVar, cast

from ._internal.secret import ENV_TOKEN, Secret, default_store_path, environ_or_default, resolve_token, reveal
from ._internal.token_file import append_audit, corrupt, read_document, write_document
from ._internal.token_sealing import (
    SCRYPT_P,
    SCRYPT_R,
    Keyring,
    Sealing,
    fernet_key,
    import_keyring,
    key_check,
    scrypt_key,
)
from .errors import (
    ParameterError,
    TokenKeyMismatchError,
    TokenKeyMissingError,
    TokenKeyringError,
    TokenStoreError,
    TushareError,
)

__all__ = [
    "DEFAULT_SCRYPT_N",
    "ENV_KEY",
    "ENV_PASSPHRASE",
    "ENV_TOKEN",
    "KEYRING_SERVICE",
    "Secret",
    "TokenStore",
    "default_store_path",
    "resolve_token",
]

ENV_KEY = "TUSHARE_TYPED_KEY"
#: The passphrase of a passphrase-sealed store, for programs that cannot prompt.
ENV_PASSPHRASE = "TUSHARE_TYPED_PASSPHRASE"  # noqa: S105 - the variable's name, not a passphrase
KEYRING_SERVICE = "tushare-typed"

_R = TypeVar("_R")
# A tampered header must not make load() burn gigabytes of memory in scrypt.
_SCRYPT_MAX_N = 2**20
DEFAULT_SCRYPT_N = 2**15


# --- the store --------------------------------------------------------------------------------


class TokenStore:
    """The Fernet-encrypted token file. Operations are audited; errors are ``TokenStoreError``s.

    ``key`` (a Fernet key) or ``passphrase`` choose how a new store is sealed; without them the
    ``TUSHARE_TYPED_KEY`` environment variable is used, then the OS keyring (``use_keyring=None``
    means "if the keyring package is installed", ``True`` prefers it, ``False`` never uses it).
    Opening an existing store uses whatever its header names.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        key: str | bytes | Secret | None = None,
        passphrase: str | Secret | None = None,
        use_keyring: bool | None = None,
        environ: Mapping[str, str] | None = None,
        scrypt_n: int = DEFAULT_SCRYPT_N,
    ) -> None:
        self._environ = environ
        self._path = Path(path) if path is not None else default_store_path(environ)
        self._key = Secret(key.decode() if isinstance(key, bytes) else key) if key else None
        self._passphrase = Secret(passphrase) if passphrase else None
        self._use_keyring = use_keyring
        if not 2 <= scrypt_n <= _SCRYPT_MAX_N or scrypt_n & (scrypt_n - 1):
            raise ParameterError(f"scrypt_n must be a power of two up to {_SCRYPT_MAX_N}")
        self._scrypt_n = scrypt_n

    @property
    def path(self) -> Path:
        return self._path

    @property
    def audit_path(self) -> Path:
        """The append-only JSON-lines audit log next to the store."""
        return self._path.with_name(self._path.stem + ".audit.jsonl")

    def __repr__(self) -> str:
        return f"TokenStore(path={str(self._path)!r})"

    @staticmethod
    def generate_key() -> str:
        """A fresh Fernet key, e.g. for ``TUSHARE_TYPED_KEY``."""
        return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()

    def exists(self) -> bool:
        return self._path.is_file()

    # public operations

    def save(self, token: str | Secret) -> None:
        """Encrypt ``token`` and replace the store with it."""
        with self._audited("save") as audit:
            value = reveal(token).strip()
            if not value:
                raise ParameterError("refusing to save an empty token")
            previous_entry = self._keyring_entry_if_any()
            sealing = self._seal_and_write(value)
            audit["key_source"] = sealing.kdf["kind"]
            self._forget_keyring_entry(previous_entry, keep=sealing)

    def load(self) -> str:
        """Decrypt and return the stored token."""
        with self._audited("load") as audit:
            document = self._read()
            audit["key_source"] = document["kdf"]["kind"]
            return self._open(document)

    def rotate(
        self,
        *,
        new_key: str | bytes | Secret | None = None,
        new_passphrase: str | Secret | None = None,
        use_keyring: bool | None = None,
    ) -> None:
        """Re-encrypt the stored token under a new key, passphrase or keyring entry.

        Without arguments a keyring-sealed store gets a fresh keyring key. After rotating to a new
        key, update ``TUSHARE_TYPED_KEY`` wherever it is set: this instance already uses the new key.
        Nothing changes (file or instance) when any step fails.
        """
        with self._audited("rotate") as audit:
            document = self._read()
            token = self._open(document)
            successor = self._successor(new_key, new_passphrase, use_keyring, document)
            sealing = successor._seal_and_write(token)
            audit["key_source"] = sealing.kdf["kind"]
            self._key, self._passphrase = successor._key, successor._passphrase
            self._use_keyring = successor._use_keyring
            self._forget_keyring_entry(self._keyring_entry_of(document), keep=sealing)

    def delete(self) -> bool:
        """Remove the store (and its keyring entry); True when there was one. The audit log stays."""
        with self._audited("delete"):
            entry = self._keyring_entry_if_any()
            try:
                self._path.unlink()
            except FileNotFoundError:
                return False
            except OSError as exc:
                raise TokenStoreError(f"cannot delete {self._path}: {exc.strerror}") from None
            self._forget_keyring_entry(entry, keep=None)
            return True

    # auditing

    @contextmanager
    def _audited(self, operation: str) -> Iterator[dict[str, Any]]:
        record: dict[str, Any] = {"operation": operation, "store": str(self._path)}
        try:
            yield record
        except TushareError as exc:
            append_audit(self.audit_path, {**record, "outcome": "error", "code": exc.code})
            raise
        except BaseException:
            append_audit(self.audit_path, {**record, "outcome": "error", "code": None})
            raise
        append_audit(self.audit_path, {**record, "outcome": "ok", "code": None})

    # sealing

    def _new_sealing(self) -> Sealing:
        if self._key is not None:
            return Sealing(fernet_key(self._key, "key="), {"kind": "key"})
        if self._passphrase is not None:
            salt = secrets.token_bytes(16)
            key = scrypt_key(self._passphrase.reveal(), salt, self._scrypt_n)
            kdf = {
                "kind": "scrypt",
                "salt": base64.b64encode(salt).decode(),
                "n": self._scrypt_n,
                "r": SCRYPT_R,
                "p": SCRYPT_P,
            }
            return Sealing(key, kdf)
        env_key = environ_or_default(self._environ).get(ENV_KEY, "")
        if self._use_keyring is not True and env_key:
            return Sealing(fernet_key(env_key, ENV_KEY), {"kind": "key"})
        if self._use_keyring is not False:
            keyring = import_keyring()
            if keyring is not None:
                return self._new_keyring_sealing(keyring)
        raise TokenKeyMissingError(
            "no key to encrypt the token store: pass key= or passphrase=, set "
            f"{ENV_KEY}, or install the optional keyring package",
            remediation="Run `tushare-typed token set`: it offers a passphrase or generates a key when there is "
            f"no OS keyring; or set {ENV_KEY} to a key from TokenStore.generate_key().",
        )

    def _new_keyring_sealing(self, keyring: Keyring) -> Sealing:
        key = self.generate_key()
        entry = f"store-key-{secrets.token_hex(8)}"
        self._keyring_call(lambda: keyring.set_password(KEYRING_SERVICE, entry, key))
        return Sealing(key.encode(), {"kind": "keyring", "entry": entry})

    def _successor(
        self,
        new_key: str | bytes | Secret | None,
        new_passphrase: str | Secret | None,
        use_keyring: bool | None,
        document: dict[str, Any],
    ) -> TokenStore:
        """A copy of this store configured with the new key source (this one stays untouched)."""
        chosen = [new_key is not None, new_passphrase is not None, bool(use_keyring)]
        if sum(chosen) > 1:
            raise ParameterError("rotate() takes one of new_key, new_passphrase, use_keyring")
        successor = copy.copy(self)
        successor._key = None
        successor._passphrase = None
        if new_key is not None:
            successor._key = Secret(new_key.decode() if isinstance(new_key, bytes) else new_key)
            fernet_key(successor._key, "new_key=")
        elif new_passphrase is not None:
            successor._passphrase = Secret(new_passphrase)
            if not successor._passphrase:
                raise ParameterError("the new passphrase is empty")
        elif use_keyring or document["kdf"]["kind"] == "keyring":
            successor._use_keyring = True
        else:
            raise ParameterError(
                "rotate() needs new_key=, new_passphrase= or use_keyring=True for a store that "
                "is not sealed by the OS keyring"
            )
        return successor

    def _seal_and_write(self, token: str) -> Sealing:
        sealing = self._new_sealing()
        try:
            self._write(token, sealing)
        except BaseException:
            # The file was not replaced: a keyring entry made for it would be an orphan.
            self._forget_keyring_entry(sealing.kdf.get("entry"), keep=None)
            raise
        return sealing

    # reading and opening

    def _write(self, token: str, sealing: Sealing) -> None:
        write_document(self._path, token, sealing)

    def _read(self) -> dict[str, Any]:
        return read_document(self._path)

    def _corrupt(self, reason: str) -> NoReturn:
        corrupt(self._path, reason)

    def _open(self, document: dict[str, Any]) -> str:
        from cryptography.fernet import Fernet, InvalidToken

        key = self._key_for(document["kdf"])
        if not hmac.compare_digest(key_check(key), document["key_check"]):
            raise TokenKeyMismatchError(
                f"the key or passphrase does not open {self._path} (it was sealed with another "
                "one, or its header was altered)"
            )
        # Errors are raised outside the handlers so no cryptography exception rides along.
        try:
            token: str | None = Fernet(key).decrypt(document["token"].encode()).decode()
        except (InvalidToken, UnicodeDecodeError):
            token = None
        if token is None:
            self._corrupt("the key is right but the encrypted token fails its integrity check")
        return token

    def _key_for(self, kdf: dict[str, Any]) -> bytes:
        kind = kdf["kind"]
        if kind == "key":
            return self._stored_key_source()
        if kind == "scrypt":
            return self._passphrase_key(kdf)
        return self._keyring_key(kdf)

    def _stored_key_source(self) -> bytes:
        if self._key is not None:
            return fernet_key(self._key, "key=")
        env_key = environ_or_default(self._environ).get(ENV_KEY, "")
        if env_key:
            return fernet_key(env_key, ENV_KEY)
        raise TokenKeyMissingError(
            f"{self._path} is sealed with a Fernet key: set {ENV_KEY} or pass key=...",
            remediation=f"Set {ENV_KEY} to the key printed when the store was saved; if it is lost, save the "
            "token again with `tushare-typed token set`.",
        )

    def _passphrase_key(self, kdf: dict[str, Any]) -> bytes:
        env_passphrase = environ_or_default(self._environ).get(ENV_PASSPHRASE, "")
        if self._passphrase is None and env_passphrase:
            self._passphrase = Secret(env_passphrase)
        if self._passphrase is None:
            raise TokenKeyMissingError(
                f"{self._path} is sealed with a passphrase: set {ENV_PASSPHRASE} or pass passphrase=...",
                remediation=f"Set {ENV_PASSPHRASE} to the passphrase the store was saved with, or pass "
                "TokenStore(passphrase=...).",
            )
        salt_text, n = kdf.get("salt"), kdf.get("n")
        parameters_ok = (
            isinstance(salt_text, str)
            and isinstance(n, int)
            and 2 <= n <= _SCRYPT_MAX_N
            and kdf.get("r") == SCRYPT_R
            and kdf.get("p") == SCRYPT_P
        )
        if not parameters_ok:
            self._corrupt("the scrypt parameters are invalid")
        try:
            salt = base64.b64decode(cast(str, salt_text), validate=True)
            key: bytes | None = scrypt_key(self._passphrase.reveal(), salt, cast(int, n))
        except ValueError:  # binascii.Error is a ValueError
            key = None
        if key is None:
            self._corrupt("the scrypt salt or parameters are invalid")
        return key

    def _keyring_key(self, kdf: dict[str, Any]) -> bytes:
        entry = kdf.get("entry")
        if not isinstance(entry, str):
            self._corrupt("the keyring entry name is missing")
        keyring = import_keyring()
        if keyring is None or self._use_keyring is False:
            raise TokenKeyMissingError(
                f"{self._path} is sealed with a key in the OS keyring, but the keyring package "
                "is not available (install tushare-typed[keyring])"
            )
        stored = self._keyring_call(lambda: keyring.get_password(KEYRING_SERVICE, entry))
        if not stored:
            raise TokenKeyMissingError(
                f"the OS keyring has no entry {entry!r} for {self._path}; it was removed or this "
                "is another user or machine"
            )
        return fernet_key(stored, "the OS keyring")

    # keyring entries

    def _keyring_call(self, action: Callable[[], _R]) -> _R:
        try:
            return action()
        except Exception as exc:
            # Keyring backends raise their own types (locked keychain, no backend, D-Bus errors).
            raise TokenKeyringError(f"the OS keyring failed: {type(exc).__name__}") from None

    @staticmethod
    def _keyring_entry_of(document: dict[str, Any]) -> str | None:
        kdf = document["kdf"]
        entry = kdf.get("entry") if kdf["kind"] == "keyring" else None
        return entry if isinstance(entry, str) else None

    def _keyring_entry_if_any(self) -> str | None:
        if not self.exists():
            return None
        try:
            return self._keyring_entry_of(self._read())
        except TokenStoreError:
            return None

    def _forget_keyring_entry(self, entry: str | None, *, keep: Sealing | None) -> None:
        if entry is None or (keep is not None and keep.kdf.get("entry") == entry):
            return
        keyring = import_keyring()
        if keyring is None:
            return
        # A stale entry is harmless (the store no longer names it), so a failure is ignored.
        with contextlib.suppress(Exception):
            keyring.delete_password(KEYRING_SERVICE, entry)
