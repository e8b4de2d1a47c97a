"""Idempotency of ``POST /mcp/execute``: a ``requestId`` or an ``Idempotency-Key`` runs once per owner.

Only final outcomes are kept: a success, a reply cut short by the caller's own bounds, and the caller's own mistakes
(400, 404). A failure a retry could cure (a quota, an unavailable upstream, a timeout, a token to fix) is released,
so the same key runs again. Records are replayed for ``idempotency_ttl`` seconds; the service purges older ones.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from ..errors import ParameterError, ServiceTimeoutError
from ._db import Database
from ._observability import current_context

__all__ = ["Outcome", "fingerprint", "is_final", "once", "scope_key"]

#: (status, body, headers) of a reply.
Outcome = tuple[int, dict[str, Any], dict[str, str] | None]
_FINAL_FAILURES: Final = frozenset({400, 404})
_POLL_SECONDS: Final = 0.05


def scope_key(kind: str, owner: str, key: str) -> str:
    """The record's key: ``kind`` ("request" or "key") and a digest of the owner and their key (fixed length)."""
    digest = hashlib.sha256(f"{owner}\0{key}".encode()).hexdigest()
    return f"{kind}:{digest}"


def fingerprint(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def is_final(status: int, body: dict[str, Any]) -> bool:
    """Whether a reply is the request's final outcome (replayed), not a failure a retry could cure (released)."""
    if status == 200:
        return body.get("error") is None
    return status in _FINAL_FAILURES


def _expired(ttl: float) -> datetime:
    return datetime.now(UTC) - timedelta(seconds=ttl)


async def once(
    db: Database,
    scope: str,
    owner: str,
    content_fingerprint: str,
    request_id: str,
    *,
    ttl: float,
    wait: float,
    run: Callable[[], Awaitable[Outcome]],
) -> tuple[Outcome, bool]:
    """``run()`` once for ``scope``, or the stored reply of the run that claimed it first; (outcome, replayed)."""
    claim = await asyncio.to_thread(db.claim, scope, owner, content_fingerprint, request_id, expired=_expired(ttl))
    if not claim.fresh:
        return await _replay(db, scope, owner, content_fingerprint, wait), True
    try:
        outcome = await run()
    except BaseException:
        await asyncio.shield(asyncio.to_thread(db.release, scope))
        raise
    status, body, _ = outcome
    if is_final(status, body):
        await asyncio.to_thread(db.complete, scope, status, body)
    else:
        await asyncio.to_thread(db.release, scope)
    return outcome, False


async def _replay(db: Database, scope: str, owner: str, content_fingerprint: str, wait: float) -> Outcome:
    deadline = time.monotonic() + wait
    while True:
        claim = await asyncio.to_thread(db.claimed, scope)
        if claim is None:
            raise ServiceTimeoutError(
                "the first request with this idempotency key ended without a final reply",
                remediation="send the request again",
            )
        if claim.owner != owner or claim.fingerprint != content_fingerprint:
            raise ParameterError(
                "this requestId / Idempotency-Key was already used for a different request",
                remediation="use a new key for a new request; repeat a request only with identical content",
            )
        if claim.body is not None and claim.status_code is not None:
            current_context().request_id = claim.request_id
            current_context().status = "REPLAYED"
            return claim.status_code, json.loads(claim.body), None
        if time.monotonic() > deadline:
            raise ServiceTimeoutError(
                f"the first request with this key is still running after {wait:g} s",
                remediation="retry later with the same key to get its reply",
            )
        await asyncio.sleep(_POLL_SECONDS)
