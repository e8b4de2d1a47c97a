"""Fan-out: one upstream per topic and code set, many subscribers, none able to hold the others back.

A :class:`Hub` maps a topic to a *source*: a function of the (sorted, de-duplicated) codes that returns an async
iterator of records — ``stream_quotes`` today, the push feed's ``client.stream`` when it lands. The first subscriber
to a (topic, codes) pair opens it; each record is offered to every subscriber's bounded buffer without waiting; a
subscriber whose buffer is full is dropped: its buffer is replaced by one :class:`Lagged` notice (what it missed is
not kept) and it leaves the channel. The last subscriber leaving closes the upstream. An upstream that ends or fails
ends every subscriber with :class:`Ended`. Memory is bounded by ``buffer`` records per subscriber.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from ..errors import ParameterError, ServiceError, TushareError

__all__ = ["DEFAULT_BUFFER", "Ended", "Hub", "Lagged", "SourceFactory", "Subscription"]

_log = logging.getLogger("tushare_typed.service.fanout")
SourceFactory = Callable[[tuple[str, ...]], AsyncIterator[Any]]
DEFAULT_BUFFER: Final = 1024
DEFAULT_MAX_SUBSCRIBERS: Final = 1000


@dataclass(frozen=True, slots=True)
class Lagged:
    """This subscriber read too slowly: its buffer of ``buffer`` records filled and it was dropped."""

    buffer: int


@dataclass(frozen=True, slots=True)
class Ended:
    """The upstream ended (``error`` None) or failed."""

    error: TushareError | None


class Subscription:
    """One subscriber's bounded buffer. ``async for`` yields records, then at most one :class:`Lagged` or
    :class:`Ended`, then stops. :meth:`wait` then :meth:`drain` take what is buffered (so a writer sends batches).

    A plain deque and one future to wake the reader: offering a record to a hundred subscribers is on the upstream's
    hot path, and :class:`asyncio.Queue` costs several times more per item."""

    def __init__(self, channel: _Channel, buffer: int) -> None:
        self.channel = channel
        self.buffer = buffer
        self.items: deque[Any] = deque()  # at most ``buffer`` records, then at most one notice
        self.done = False
        self._waiter: asyncio.Future[None] | None = None

    def offer(self, record: Any) -> bool:
        """Buffer ``record`` without waiting; False (and the subscriber lagged) when the buffer is full."""
        if len(self.items) >= self.buffer:
            self.finish(Lagged(self.buffer))
            return False
        self.items.append(record)
        if self._waiter is not None:
            self._wake()
        return True

    def finish(self, notice: Lagged | Ended) -> None:
        if self.done:
            return
        self.done = True
        if isinstance(notice, Lagged):
            self.items.clear()  # what it missed is not kept: memory stays bounded
        self.items.append(notice)
        self._wake()

    def _wake(self) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def wait(self) -> None:
        """Until something is buffered."""
        while not self.items:
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._records()

    async def _records(self) -> AsyncIterator[Any]:
        while True:
            await self.wait()
            item = self.items.popleft()
            yield item
            if isinstance(item, Lagged | Ended):
                return

    def drain(self, limit: int) -> list[Any]:
        """At most ``limit`` buffered items, oldest first, ending at a notice."""
        items: list[Any] = []
        buffered = self.items
        while buffered and len(items) < limit:
            items.append(buffered.popleft())
            if isinstance(items[-1], Lagged | Ended):
                break
        return items


class _Channel:
    def __init__(self, hub: Hub, key: tuple[str, tuple[str, ...]], source: AsyncIterator[Any]) -> None:
        self.hub = hub
        self.key = key
        self.subscribers: set[Subscription] = set()
        self.records = 0
        self.task = asyncio.create_task(self._pump(source), name=f"fanout {key[0]}")

    async def _pump(self, source: AsyncIterator[Any]) -> None:
        ending = Ended(None)
        try:
            encode = self.hub.encode
            async for raw in source:
                record = encode(raw) if encode is not None else raw
                self.records += 1
                for subscriber in list(self.subscribers):
                    if not subscriber.offer(record):
                        self.hub.lagged += 1
                        self.subscribers.discard(subscriber)
                        _log.warning(
                            "a %s subscriber lagged %d records behind and was dropped", self.key[0], subscriber.buffer
                        )
        except TushareError as error:
            ending = Ended(error)
        except Exception as error:  # an upstream bug must not stay silent nor kill the service
            _log.exception("the %s upstream failed", self.key[0])
            ending = Ended(ServiceError(f"the {self.key[0]} upstream failed ({type(error).__name__})"))
        finally:
            for subscriber in self.subscribers:
                subscriber.finish(ending)
            self.subscribers.clear()
            self.hub._forget(self)
            close = getattr(source, "aclose", None)
            if close is not None:
                with contextlib.suppress(Exception):
                    await close()


class Hub:
    """Topics (name → :data:`SourceFactory`) shared by every subscriber; ``buffer`` records per subscriber.
    ``encode`` turns each record into what subscribers get, once for all of them (not once per subscriber)."""

    def __init__(
        self,
        sources: Mapping[str, SourceFactory],
        *,
        buffer: int = DEFAULT_BUFFER,
        max_subscribers: int = DEFAULT_MAX_SUBSCRIBERS,
        encode: Callable[[Any], Any] | None = None,
    ) -> None:
        if buffer < 1 or max_subscribers < 1:
            raise ParameterError("buffer and max_subscribers must be at least 1", remediation="Pass positive sizes.")
        self.sources = dict(sources)
        self.buffer = buffer
        self.max_subscribers = max_subscribers
        self.encode = encode
        self.channels: dict[tuple[str, tuple[str, ...]], _Channel] = {}
        self.lagged = 0

    def subscribers(self) -> int:
        return sum(len(channel.subscribers) for channel in self.channels.values())

    def subscribe(self, topic: str, codes: Sequence[str]) -> Subscription:
        """A new subscriber of ``topic`` for ``codes``; opens the upstream if this pair has none yet."""
        factory = self.sources.get(topic)
        if factory is None:
            raise ParameterError(f"unknown topic {topic!r}", remediation=f"Use one of {', '.join(self.sources)}.")
        if self.subscribers() >= self.max_subscribers:
            raise ServiceError(f"the service serves {self.max_subscribers} streams at most; try again later")
        key = (topic, tuple(sorted(set(codes))))
        channel = self.channels.get(key)
        if channel is None:
            channel = self.channels[key] = _Channel(self, key, factory(key[1]))
        subscription = Subscription(channel, self.buffer)
        channel.subscribers.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        channel = subscription.channel
        channel.subscribers.discard(subscription)
        subscription.done = True
        if not channel.subscribers and self.channels.get(channel.key) is channel:
            del self.channels[channel.key]
            channel.task.cancel()

    def _forget(self, channel: _Channel) -> None:
        if self.channels.get(channel.key) is channel:
            del self.channels[channel.key]

    async def close(self) -> None:
        tasks = [channel.task for channel in self.channels.values()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self.channels.clear()
