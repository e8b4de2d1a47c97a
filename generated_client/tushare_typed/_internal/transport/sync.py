"""The blocking transport: performs the steps of :func:`.core.run_call` over a pooled ``httpx.Client``."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, overload

from ..secret import Secret
from .base import TransportBase
from .core import Acquire, Call, Sleep, Step, decode_generic_page, network_error, run_call
from .options import RequestOptions

if TYPE_CHECKING:
    import httpx

    from ..envelope import Decoder, Page

__all__ = ["SyncTransport"]

T = TypeVar("T")


class SyncTransport(TransportBase["httpx.Client", Callable[[float], None]]):
    """Blocking transport over a pooled ``httpx.Client``."""

    def _default_sleep(self) -> Callable[[float], None]:
        return time.sleep

    def _new_pool(self, **settings: Any) -> httpx.Client:
        import httpx

        return httpx.Client(**settings)

    @overload
    def request(
        self,
        api_name: str,
        params: Mapping[str, object],
        fields: Sequence[str] | str | None = None,
        *,
        token: str | Secret,
        options: RequestOptions | None = None,
    ) -> Page: ...

    @overload
    def request(
        self,
        api_name: str,
        params: Mapping[str, object],
        fields: Sequence[str] | str | None = None,
        *,
        token: str | Secret,
        decode: Decoder[T],
        options: RequestOptions | None = None,
    ) -> T: ...

    def request(
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
                outcome = self._perform(step, call, pool)
            except BaseException as error:  # handed to the steps, which decide (and log)
                failure = error

    def _perform(self, step: Step, call: Call, pool: httpx.Client) -> object:
        if isinstance(step, Sleep):
            self._sleep(step.seconds)
            return None
        if isinstance(step, Acquire):
            return step.limiter.acquire(call.api_name)
        return self._post(call, pool)

    def _post(self, call: Call, pool: httpx.Client) -> httpx.Response:
        import httpx

        try:
            return pool.post(self.base_url, **self._post_arguments(call))
        except httpx.RequestError as exc:
            error = network_error(exc, call)
        # Raised outside the handler so the httpx exception (whose request holds the token in
        # its body) is not chained to the error as __context__.
        raise error

    def close(self) -> None:
        """Close the connection pool if this transport created it."""
        if self._owns_http and self._http is not None:
            self._http.close()
