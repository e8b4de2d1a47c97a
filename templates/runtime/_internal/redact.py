"""Redaction of secrets from every text the package produces.

Two nets: anything shaped like a tushare token (56+ hex digits), and the exact strings of every token this process
has handled (registered by :class:`~.token.Secret`), whatever their alphabet. A server or proxy echoing the token back
(as ``request_id``, in ``msg``) is then masked wherever the text goes: error attributes, logs, CLI and MCP output.
"""

from __future__ import annotations

import re
import threading
from typing import Final

__all__ = ["MASK", "redact_text", "remember_secret"]

MASK: Final = "***"
# A tushare token is 56 hex digits. Longer hex runs (hashes) are masked too: losing a hash from a
# message costs little, leaking a token costs a lot.
_TOKEN_LIKE: Final = re.compile(r"[0-9a-fA-F]{56,}")
# Shorter strings would mask ordinary words; no real token is this short.
_MIN_SECRET_LENGTH: Final = 8

_lock = threading.Lock()
_secrets: tuple[str, ...] = ()


def remember_secret(secret: str) -> None:
    """Mask ``secret`` verbatim from now on (longest first, so one secret inside another is masked whole)."""
    global _secrets
    if not isinstance(secret, str) or len(secret) < _MIN_SECRET_LENGTH or secret in _secrets:
        return
    with _lock:
        _secrets = tuple(sorted({*_secrets, secret}, key=len, reverse=True))


def redact_text(text: str) -> str:
    """``text`` with every remembered secret and anything shaped like a tushare token masked."""
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return _TOKEN_LIKE.sub(MASK, text)
