"""`client.pages.<interface>(...)`: each interface method of the clients, streamed page by page, typed from the method.

A generated `pages` class spends one line per interface, ``daily = Streamed(StockQuotesMethods.daily)``. A type
checker reads the method's signature through the ParamSpec, so ``client.pages.daily(...)`` accepts exactly what
``client.daily(...)`` accepts (a misspelled option or a wrong type is an error) and returns
``Iterator[DailyResponse]``. At run time a call sorts its keyword arguments as the method does — ``fields``, the
:class:`~.options.CallOptions`, the interface's parameters (checked by its request model, which forbids unknown
names) — and hands them to :func:`.endpoint.iter_pages`. Nothing is imported until a stream is opened.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, Self, TypeVar, cast, overload

from ..options import CallOptions

if TYPE_CHECKING:
    from .endpoint import Endpoint

__all__ = ["AsyncStreamed", "Streamed"]

P = ParamSpec("P")
R = TypeVar("R")

_OPTION_NAMES = tuple(CallOptions.__annotations__)


class _Stream:
    """The interface a descriptor streams, and how a call's keyword arguments split; shared by sync and async."""

    def __init__(self, method: Callable[..., Any]) -> None:
        self.api_name: str = method.__name__
        # The method imports `..models.<api_name>` relative to its own module; resolve it the same way.
        self._package = method.__module__.rpartition(".")[0]
        self.__doc__ = (
            f"The pages of `{self.api_name}` as they arrive, one typed response each; takes the arguments of the "
            f"client's `{self.api_name}` method (see its help)."
        )

    def _split(self, arguments: dict[str, Any]) -> tuple[Endpoint[Any], dict[str, Any], Any, CallOptions]:
        endpoint: Endpoint[Any] = importlib.import_module(f"..models.{self.api_name}", self._package).ENDPOINT
        fields = arguments.pop("fields", None)
        options = cast(CallOptions, {name: arguments.pop(name) for name in _OPTION_NAMES if name in arguments})
        return endpoint, arguments, fields, options

    def _bind(self, pages: Any, open_stream: Callable[[Any, dict[str, Any]], Any]) -> Callable[..., Any]:
        client = pages._client

        def stream(**arguments: Any) -> Any:
            return open_stream(client, arguments)

        stream.__name__ = stream.__qualname__ = self.api_name  # so a wrong call's TypeError names the interface
        stream.__doc__ = self.__doc__
        return stream


class Streamed(_Stream, Generic[P, R]):
    """``pages.<api_name>(...)`` of the sync client: the method's arguments, an iterator of its response type."""

    def __init__(self, method: Callable[Concatenate[Any, P], R]) -> None:
        super().__init__(method)

    @overload
    def __get__(self, pages: None, owner: type[Any]) -> Self: ...

    @overload
    def __get__(self, pages: object, owner: type[Any] | None = None) -> Callable[P, Iterator[R]]: ...

    def __get__(self, pages: object, owner: type[Any] | None = None) -> Self | Callable[P, Iterator[R]]:
        return self if pages is None else self._bind(pages, self._open)

    def _open(self, client: Any, arguments: dict[str, Any]) -> Iterator[Any]:
        from .endpoint import iter_pages

        endpoint, params, fields, options = self._split(arguments)
        return iter_pages(
            client._call, endpoint, params, fields, keys=client._record_keys(endpoint.api_name), **options
        )


class AsyncStreamed(_Stream, Generic[P, R]):
    """``pages.<api_name>(...)`` of the async client: the method's arguments, an async iterator of its result."""

    def __init__(self, method: Callable[Concatenate[Any, P], Awaitable[R]]) -> None:
        super().__init__(method)

    @overload
    def __get__(self, pages: None, owner: type[Any]) -> Self: ...

    @overload
    def __get__(self, pages: object, owner: type[Any] | None = None) -> Callable[P, AsyncIterator[R]]: ...

    def __get__(self, pages: object, owner: type[Any] | None = None) -> Self | Callable[P, AsyncIterator[R]]:
        return self if pages is None else self._bind(pages, self._open)

    def _open(self, client: Any, arguments: dict[str, Any]) -> AsyncIterator[Any]:
        from .endpoint import aiter_pages

        endpoint, params, fields, options = self._split(arguments)
        return aiter_pages(
            client._call, endpoint, params, fields, keys=client._record_keys(endpoint.api_name), **options
        )
