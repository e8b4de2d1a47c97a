"""The token store's files: the sealed JSON document (read bounded and only from a regular file, checked, written
privately and atomically) and the audit log's lines. Only :mod:`tushare_typed.token` uses it; the safe opening is
:mod:`.safe_files`', the keys :mod:`.token_sealing`'s."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any, NoReturn

from ..errors import TokenNotStoredError, TokenStoreCorruptError, TokenStoreError
from .safe_files import NotRegularFile, open_audit_log, read_regular
from .token_sealing import Sealing, ensure_private_dir, key_check, utc_now, write_private

__all__ = ["STORE_FORMAT", "STORE_VERSION", "append_audit", "corrupt", "read_document", "write_document"]

STORE_FORMAT = "tushare-typed/token-store"
STORE_VERSION = 1
_MAX_STORE_BYTES = 64 * 1024
_log = logging.getLogger("tushare_typed")


def corrupt(path: Path, reason: str) -> NoReturn:
    raise TokenStoreCorruptError(f"the token store {path} is corrupt or was tampered with: {reason}")


def write_document(path: Path, token: str, sealing: Sealing) -> None:
    """Encrypt ``token`` under ``sealing`` and replace the store at ``path`` with it."""
    from cryptography.fernet import Fernet

    document = {
        "format": STORE_FORMAT,
        "version": STORE_VERSION,
        "kdf": sealing.kdf,
        "key_check": key_check(sealing.key),
        "token": Fernet(sealing.key).encrypt(token.encode()).decode(),
    }
    data = json.dumps(document, indent=1, sort_keys=True).encode()
    try:
        write_private(path, data)
    except OSError as exc:
        raise TokenStoreError(f"cannot write {path}: {exc.strerror}") from None


def read_document(path: Path) -> dict[str, Any]:
    """The store's document, its header checked (the token still sealed)."""
    try:
        data = read_regular(path, _MAX_STORE_BYTES)
    except FileNotFoundError:
        raise TokenNotStoredError(f"no token store at {path}") from None
    except NotRegularFile:
        raise TokenStoreError(
            f"{path} is not a regular file (a FIFO, device or directory), so it is not read",
            remediation=f"remove {path} and save the token again, or point the store elsewhere",
        ) from None
    except OSError as exc:
        raise TokenStoreError(f"cannot read {path}: {exc.strerror}") from None
    if len(data) > _MAX_STORE_BYTES:
        corrupt(path, "the file is far larger than a token store")
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        document = None
    if document is None:
        corrupt(path, "the file is not JSON")
    return _checked(path, document)


def _checked(path: Path, document: object) -> dict[str, Any]:
    if not isinstance(document, dict) or document.get("format") != STORE_FORMAT:
        corrupt(path, "it is not a tushare-typed token store")
    if document.get("version") != STORE_VERSION:
        corrupt(path, f"unsupported version {document.get('version')!r}")
    kdf = document.get("kdf")
    if not isinstance(kdf, dict) or kdf.get("kind") not in ("key", "scrypt", "keyring"):
        corrupt(path, "the key description is missing or unknown")
    for name in ("key_check", "token"):
        if not isinstance(document.get(name), str):
            corrupt(path, f"{name!r} is missing")
    return document


def append_audit(path: Path, record: dict[str, Any]) -> None:
    """Append ``record`` (with the time and pid) to the audit log at ``path``; a failure is logged, not raised."""
    line = json.dumps({"time": utc_now(), "pid": os.getpid(), **record}, sort_keys=True)
    try:
        ensure_private_dir(path.parent)
        descriptor = open_audit_log(path)
        with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
    except (OSError, TokenStoreError) as error:
        # The audit log is a record, not a gate: an unwritable log must not lock users out; but say so.
        _log.warning("tushare_typed: not writing the token store audit log %s: %s", path, error)
