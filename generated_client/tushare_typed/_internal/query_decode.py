"""How ``query()`` decodes a page: as strictly as the typed methods, through the same decoder.

For an interface the package's metadata knows, the page goes through that interface's typed decoder (its
``Endpoint.decoder``): the same cell rules (finite numbers of the column's type, the one whole-float-to-int
conversion), the same errors naming interface, row and column, the same refusal of a reply lacking a requested
column or holding one twice. Only the layout differs: ``query()`` returns the columns in the order the server sent
them. For an interface the metadata does not know, the same decoder runs without a row type: any JSON value but a
non-finite number, and the requested ``fields`` must each come back exactly once.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .decode import RowDecoder, TypedPage

if TYPE_CHECKING:
    from .endpoint import Endpoint

__all__ = ["QueryDecoder"]


class QueryDecoder:
    """The decoder (``decode(body, api_name, request_id)``) of one ``query()`` call's pages; it remembers the last
    page's columns, the first guess for the next page's layout."""

    def __init__(self, api_name: str, wire_fields: Sequence[str] | None) -> None:
        endpoint = _known_endpoint(api_name)
        self._decoder: RowDecoder[Any] = RowDecoder(None) if endpoint is None else endpoint.decoder
        requested = tuple(wire_fields or ())
        # As the typed methods: without named fields, the interface's default columns must come back.
        self._expected = requested or (() if endpoint is None else endpoint.default_fields)
        self._guess: tuple[str, ...] | None = None

    def __call__(self, body: bytes, api_name: str, request_id: str) -> TypedPage[Any]:
        page = self._decoder.decode(body, api_name, request_id, self._expected, self._guess)
        self._guess = page.fields
        if page.item_fields == page.fields:
            return page
        # Typed items hold the row type's columns (None where not returned), then the extra ones: back to the
        # reply's columns, in its order (duplicates were refused, so each column has one position).
        where = {name: position for position, name in enumerate(page.item_fields)}
        picks = [where[name] for name in page.fields]
        items = [tuple(item[p] for p in picks) for item in page.items]
        return TypedPage(
            fields=page.fields,
            items=items,
            has_more=page.has_more,
            count=page.count,
            request_id=page.request_id,
            item_fields=page.fields,
        )


def _known_endpoint(api_name: str) -> Endpoint[Any] | None:
    """The generated ``Endpoint`` of ``api_name`` when the package's metadata knows it, else None."""
    from ..catalog import load_catalog

    if api_name not in load_catalog():
        return None
    endpoint: Endpoint[Any] = importlib.import_module(f"..models.{api_name}", __package__).ENDPOINT
    return endpoint
