"""``client.stream(topic, codes)``: tushare's push feed as typed records, mixed into the generated ``TushareClient``
(an iterator) and ``AsyncTushareClient`` (an async iterator). Both check their arguments at the call and build the
same async core (``_stream.py``); importing this module imports no WebSocket library and no store."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING

from .._internal.client_base import AsyncBaseClient, BaseClient

if TYPE_CHECKING:
    from .._internal.secret import Secret
    from ..store._store import Store
    from ._options import OnSlow
    from ._protocol import StreamStats
    from ._records import Topic
    from ._stream import AsyncRecordStream, Sink
    from ._sync import RecordStream

__all__ = ["AsyncStreamMixin", "StreamMixin"]


def _factory(
    token: Secret,
    topic: str,
    codes: str | Iterable[str],
    to_store: Store | str | os.PathLike[str] | bool | None,
    **options: object,
) -> Callable[[], AsyncRecordStream]:
    """Check everything now (bad input raises here, in the caller); the stream itself is built by the shell."""
    from ._options import stream_options
    from ._protocol import subscription
    from ._stream import AsyncRecordStream

    checked = subscription(topic, codes)
    settings = stream_options(**options)  # type: ignore[arg-type]
    sink: Callable[[StreamStats], Sink] | None = None
    if to_store is not None and to_store is not False:
        from ._store import PushStore, StoreSink

        store = PushStore(None if to_store is True else to_store)
        sink = partial(StoreSink, store, checked.topic.name)
    return partial(AsyncRecordStream, checked, token, settings, sink)


class StreamMixin(BaseClient):
    """``TushareClient.stream``."""

    def stream(
        self,
        topic: Topic,
        codes: str | Iterable[str],
        *,
        url: str | None = None,
        on_slow: OnSlow = "wait",
        queue_size: int = 10_000,
        heartbeat: float = 15.0,
        dead_after: float = 45.0,
        max_retries: int | None = 6,
        to_store: Store | str | os.PathLike[str] | bool | None = None,
    ) -> RecordStream:
        """Records of tushare's push feed for ``topic`` (``HQ_STK_TICK``, ``HQ_STK_MIN``, ...) and ``codes``
        (``000001.SZ``; wildcards ``*.SH``; minute topics ``1MIN:000001.SZ``), typed (``TsTick``, ``TsMin``, ...).

        ``url``: the endpoint (else ``TUSHARE_TYPED_WS_URL``, else tushare's). A keep-alive goes every ``heartbeat``
        seconds; ``dead_after`` seconds without a frame or pong replace the connection; a dropped connection is
        re-made with backoff and resubscribed, ``max_retries`` failures in a row end the stream with
        ServiceConnectionError. A refused token or subscription raises AuthError at once. Garbage frames are
        skipped and counted (``stats``). At most ``queue_size`` records wait for a slow consumer: then the reader
        waits (``on_slow="wait"``) or drops the oldest (``"drop_oldest"``, counted). ``to_store`` (a Store, a path,
        or True for the default store) also writes the records to the local store, each (code, time) once.
        Needs the ``realtime`` extra (``store`` too for ``to_store``)."""
        from ._sync import RecordStream

        return RecordStream(
            _factory(
                self._resolve_token(),
                topic,
                codes,
                to_store,
                url=url,
                on_slow=on_slow,
                queue_size=queue_size,
                heartbeat=heartbeat,
                dead_after=dead_after,
                max_retries=max_retries,
            )
        )


class AsyncStreamMixin(AsyncBaseClient):
    """``AsyncTushareClient.stream``."""

    def stream(
        self,
        topic: Topic,
        codes: str | Iterable[str],
        *,
        url: str | None = None,
        on_slow: OnSlow = "wait",
        queue_size: int = 10_000,
        heartbeat: float = 15.0,
        dead_after: float = 45.0,
        max_retries: int | None = 6,
        to_store: Store | str | os.PathLike[str] | bool | None = None,
    ) -> AsyncRecordStream:
        """``async for record in client.stream(topic, codes)``: :meth:`StreamMixin.stream`, asynchronously."""
        return _factory(
            self._resolve_token(),
            topic,
            codes,
            to_store,
            url=url,
            on_slow=on_slow,
            queue_size=queue_size,
            heartbeat=heartbeat,
            dead_after=dead_after,
            max_retries=max_retries,
        )()
