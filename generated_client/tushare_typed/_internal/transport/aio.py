"""The asyncio transport: performs the steps of :func:`.core.run_call` over a pooled ``httpx.AsyncClient``.

The whole attempt (connect, headers, every body chunk) runs inside one ``asyncio.timeout``, so a dripping body
cannot outlive it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, overload

from ...errors import TushareError
from ..body import BodyTooLarge, DeadlinePassed, Inflater, UnsupportedEncoding, aread_body
from ..secret import Secret
from .base import TransportBase
from .core import (
    Acquire,
    Call,
    Sleep,
    Step,
    body_error,
    decode_generic_page,
    in_memory_body,
    mark_sent,
    network_error,
    run_call,
    scrubbed,
)
from .options import RequestOptions

if TYPE_CHECKING:
    import httpx

    from ..envelope import Decoder, Page

__all__ = ["AsyncTransport"]

T = TypeVar("T")


class AsyncTransport(TransportBase["httpx.AsyncClient", Callable[[float], Awaitable[None]]]):
    """Non-blocking transport over a pooled ``httpx.AsyncClient``."""

    def _default_sleep(self) -> Callable[[float], Awaitable[None]]:
        import asyncio  # here, not at the top: only an async transport in use needs it

        return asyncio.sleep

    def _new_pool(self, **settings: Any) -> httpx.AsyncClient:
        import httpx

        return httpx.AsyncClient(**settings)

    @overload
    async def request(
        self,
        api_name: str,
        params: Mapping[str, object],
        fields: Sequence[str] | str | None = None,
        *,
        token: str | Secret,
        options: RequestOptions | None = None,
    ) -> Page: ...

    @overload
    async def request(
        self,
        api_name: str,
        params: Mapping[str, object],
        fields: Sequence[str] | str | None = None,
        *,
        token: str | Secret,
        decode: Decoder[T],
        options: RequestOptions | None = None,
    ) -> T: ...

    async def request(
        self,
        api_name: str,
        params: Mapping[str, object],
        fields: Sequence[str] | str | None = None,
        *,
        token: str | Secret,
        decode: Decoder[Any] = decode_generic_page,
        options: RequestOptions | None = None,
    ) -> Any:
        """One call (one page): POST, retry as configured, decode with ``decode``."""
        try:
            call = self._new_call(api_name, params, fields, token, options)
        except TushareError as error:
            raise scrubbed(error) from None
        # The pool (and httpx) is built before the limiter's turn is taken: building it after would put a delay
        # between the turn and the send, and the server could then see more calls in one window than allowed.
        pool = self.http
        steps = run_call(call, self.breaker, decode, limiter=self.limiter)
        outcome: object = None
        failure: BaseException | None = None
        while True:
            try:
                step = steps.send(outcome) if failure is None else steps.throw(failure)
            except StopIteration as done:
                return done.value
            except BaseException:
                # The last reply (which may echo the token) must not stay in this frame's locals: a traceback
                # printed with locals would show it.
                outcome = failure = None
                raise
            outcome, failure = None, None
            try:
                outcome = await self._perform(step, call, pool)
            except BaseException as error:  # handed to the steps, which decide (and log)
                failure = error

    async def _perform(self, step: Step, call: Call, pool: httpx.AsyncClient) -> object:
        if isinstance(step, Sleep):
            await self._sleep(step.seconds)
            return None
        if isinstance(step, Acquire):
            return await step.acall(call.api_name)
        with call.observer.active():  # the HTTP instrumentation's span, if any, is the call span's child
            return await self._post(call, pool, step.budget)

    async def _post(self, call: Call, pool: httpx.AsyncClient, budget: float) -> tuple[httpx.Response, bytes]:
        import asyncio
        import time

        import httpx

        deadline = time.monotonic() + budget
        try:
            # Waiting for a free slot (max_concurrency) is part of the attempt's budget.
            async with asyncio.timeout(budget), self.slots.for_tasks():
                request = pool.build_request("POST", self.base_url, **self._post_arguments(call, budget))
                response = await pool.send(request, stream=True)
                mark_sent(self.limiter, call)
                try:
                    body = b""
                    if response.status_code == 200 and response.is_stream_consumed:
                        body = in_memory_body(response, call)
                    elif response.status_code == 200:
                        inflater = Inflater(response.headers.get("Content-Encoding", ""), call.max_body_bytes)
                        body = await aread_body(response.aiter_raw(), inflater, deadline, time.monotonic)
                finally:
                    await response.aclose()
            return response, body
        except httpx.RequestError as exc:
            error = network_error(exc, call)
        except TimeoutError:
            error = body_error(DeadlinePassed(), call, budget)
        except (DeadlinePassed, BodyTooLarge, UnsupportedEncoding) as exc:
            error = body_error(exc, call, budget)
        # Raised outside the handler so the httpx exception (whose request holds the token in
        # its body) is not chained to the error as __context__.
        raise error

    async def aclose(self) -> None:
        """Close the connection pool if this transport created it."""
        if self._owns_http and self._http is not None:
            await self._http.aclose()
