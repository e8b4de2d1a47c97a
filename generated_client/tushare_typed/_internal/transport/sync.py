"""The blocking transport: performs the steps of :func:`.core.run_call` over a pooled ``httpx.Client``.

httpx bounds each read, not a whole request, so the body is read here chunk by chunk against the attempt's
deadline, and a read blocked past it (in the headers or the body) is ended by shutting the socket down from a timer
armed before the request is sent (:mod:`.watchdog`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, overload

from ...errors import TushareError
from ..body import BodyTooLarge, DeadlinePassed, Inflater, UnsupportedEncoding, read_body
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
from .watchdog import Watchdog, socket_watchdog

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
                outcome = self._perform(step, call, pool)
            except BaseException as error:  # handed to the steps, which decide (and log)
                failure = error

    def _perform(self, step: Step, call: Call, pool: httpx.Client) -> object:
        if isinstance(step, Sleep):
            self._sleep(step.seconds)
            return None
        if isinstance(step, Acquire):
            return step(call.api_name)
        with call.observer.active():  # the HTTP instrumentation's span, if any, is the call span's child
            return self._post(call, pool, step.budget)

    def _post(self, call: Call, pool: httpx.Client, budget: float) -> tuple[httpx.Response, bytes]:
        import httpx

        deadline = time.monotonic() + budget
        try:
            # Waiting for a free slot (max_concurrency) is part of the attempt's budget; from before the send,
            # connect, headers and body all end when the rest of it is up.
            with self.slots.held(budget) as left, socket_watchdog(left) as watchdog:
                try:
                    response, body = self._exchange(call, pool, left, deadline, watchdog)
                except httpx.RequestError:
                    if watchdog.fired.is_set():
                        raise DeadlinePassed from None
                    raise
                if watchdog.fired.is_set():
                    raise DeadlinePassed  # the shut-down socket read as the end of a close-delimited body
            return response, body
        except httpx.RequestError as exc:
            error = network_error(exc, call)
        except (DeadlinePassed, BodyTooLarge, UnsupportedEncoding) as exc:
            error = body_error(exc, call, budget)
        # Raised outside the handler so the httpx exception (whose request holds the token in
        # its body) is not chained to the error as __context__.
        raise error

    def _exchange(
        self, call: Call, pool: httpx.Client, budget: float, deadline: float, watchdog: Watchdog
    ) -> tuple[httpx.Response, bytes]:
        arguments = self._post_arguments(call, budget)
        request = pool.build_request("POST", self.base_url, **arguments, extensions={"trace": watchdog.trace})
        response = pool.send(request, stream=True)
        mark_sent(self.limiter, call)
        try:
            if response.status_code != 200:
                return response, b""
            inflater = Inflater(response.headers.get("Content-Encoding", ""), call.max_body_bytes)
            if response.is_stream_consumed:
                # A transport that built the reply in memory (httpx.MockTransport) has already decoded it.
                return response, in_memory_body(response, call)
            # A reused connection is only learnt here.
            watchdog.watch_stream(response.extensions.get("network_stream"))
            return response, read_body(response.iter_raw(), inflater, deadline, time.monotonic)
        finally:
            response.close()

    def close(self) -> None:
        """Close the connection pool if this transport created it."""
        if self._owns_http and self._http is not None:
            self._http.close()
