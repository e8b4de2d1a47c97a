"""How the token store seals the token: Fernet keys (given, from scrypt, or from the OS keyring), the key check,
and private files written atomically. Only :mod:`tushare_typed.token` uses it."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import importlib
import os
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, cast

from ..errors import TokenKeyInvalidError, TokenStoreError
from . import safe_files
from .platforms import BINARY
from .secret import Secret

KEY_CHECK_LABEL = b"tushare-typed/token-store/key-check/v1"
SCRYPT_R = 8
SCRYPT_P = 1


class Keyring(Protocol):
    def get_password(self, service_name: str, username: str) -> str | None: ...

    def set_password(self, service_name: str, username: str, password: str) -> None: ...

    def delete_password(self, service_name: str, username: str) -> None: ...


def import_keyring() -> Keyring | None:
    """The optional ``keyring`` module, imported only when a store needs it."""
    try:
        module = importlib.import_module("keyring")
    except ImportError:
        return None
    return cast(Keyring, module)


def fernet_key(value: str | bytes | Secret, origin: str) -> bytes:
    """Validate a Fernet key (32 bytes, url-safe base64) without echoing it in errors."""
    raw = value.reveal().encode() if isinstance(value, Secret) else value
    encoded = raw.encode() if isinstance(raw, str) else raw
    encoded = encoded.strip()
    try:
        decoded = base64.urlsafe_b64decode(encoded)
    except (binascii.Error, ValueError):
        decoded = b""
    if len(decoded) != 32:
        raise TokenKeyInvalidError(f"the key from {origin} is not a valid Fernet key")
    return encoded


def scrypt_key(passphrase: str, salt: bytes, n: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    derived = Scrypt(salt=salt, length=32, n=n, r=SCRYPT_R, p=SCRYPT_P).derive(passphrase.encode())
    return base64.urlsafe_b64encode(derived)


def key_check(key: bytes) -> str:
    return hmac.new(base64.urlsafe_b64decode(key), KEY_CHECK_LABEL, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Sealing:
    """A key and the header that says how to find it again."""

    key: bytes = field(repr=False)
    kdf: dict[str, Any] = field(default_factory=dict)


# --- files ------------------------------------------------------------------------------------


def ensure_private_dir(directory: Path) -> None:
    """Create ``directory`` 0700, or tighten an existing one of ours; refuse one others can write to."""
    try:
        safe_files.ensure_private_dir(directory)
    except safe_files.UnsafeDirectory as error:
        raise TokenStoreError(
            str(error),
            remediation="move the store elsewhere (TokenStore(path=...) or XDG_CONFIG_HOME) or have the owner run "
            f"chmod 700 {directory}",
        ) from None


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, the file being 0600 from its first byte (on POSIX; on Windows the
    directory's ACLs apply)."""
    ensure_private_dir(path.parent)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | BINARY
    descriptor = os.open(temporary, flags, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
