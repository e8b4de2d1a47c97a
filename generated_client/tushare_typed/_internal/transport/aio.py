"""The asyncio transport: performs the steps of :func:`.core.run_call` over a pooled ``httpx.AsyncClient``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, overload

from ..secret import Secret
from .base import TransportBase
from .core import Acquire, Call, Sleep, Step, decode_generic_page, network_error, run_call
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
        call = self._new_call(api_name, params, fields, token, options)
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
            return await step.limiter.aacquire(call.api_name)
        return await self._post(call, pool)

    async def _post(self, call: Call, pool: httpx.AsyncClient) -> httpx.Response:
        import httpx

        try:
            return await pool.post(self.base_url, **self._post_arguments(call))
        except httpx.RequestError as exc:
            error = network_error(exc, call)
        # Raised outside the handler so the httpx exception (whose request holds the token in
        # its body) is not chained to the error as __context__.
        raise error

    async def aclose(self) -> None:
        """Close the connection pool if this transport created it."""
        if self._owns_http and self._http is not None:
            await self._http.aclose()
