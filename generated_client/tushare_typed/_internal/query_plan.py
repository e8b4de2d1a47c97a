"""How ``client.query()`` builds its request: its own ``offset`` / ``limit`` checked, the typed methods' checks of
fields and dates (for interfaces the metadata knows), the interface's key columns added to named ``fields`` (so that
rows repeated at a page seam are provable) and hidden again, and the rows as a ``QueryResponse``."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import ParameterError
from .paginator import DEFAULT_PAGE_SIZE, PageResult

if TYPE_CHECKING:
    from ..response import QueryResponse

__all__ = ["QueryPlan"]


@dataclass(frozen=True)
class QueryPlan:
    """One ``query()`` call: what each page request sends, and how the rows come back."""

    api_name: str
    params: dict[str, object]
    wire_fields: Sequence[str] | None
    offset: int | None
    limit: int | None
    keys: tuple[str, ...]
    hidden: tuple[str, ...]

    @property
    def page_size(self) -> int:
        return self.limit or DEFAULT_PAGE_SIZE

    @classmethod
    def make(
        cls,
        api_name: object,
        fields: Sequence[str] | str | None,
        params: Mapping[str, object],
        *,
        record_keys: Callable[[str], tuple[str, ...]],
    ) -> QueryPlan:
        """The plan of ``query(api_name, fields, **params)``; ``record_keys`` names an interface's key columns."""
        name = _check_api_name(api_name)
        offset, limit, rest = _paging_arguments(params)
        from .arguments import prepare_query  # here: it loads the catalog, which building a client must not

        names, checked = prepare_query(name, fields, rest)
        keys = record_keys(name)
        if names is None or not keys:
            return cls(name, checked, names, offset, limit, keys, ())
        hidden = tuple(key for key in keys if key not in names)
        return cls(name, checked, (*names, *hidden), offset, limit, keys, hidden)

    def page_params(self, offset: int, limit: int) -> dict[str, object]:
        """The parameters of the page starting at ``offset``."""
        return {**self.params, "offset": offset, "limit": limit}

    def response(self, result: PageResult) -> QueryResponse:
        """The caller's rows (hidden key columns removed) as a ``QueryResponse``; also a failure's ``.partial``."""
        from ..response import QueryResponse  # here: pydantic waits for the first call

        if self.hidden and result.fields:
            keep = [i for i, name in enumerate(result.fields) if name not in self.hidden]
            result = dataclasses.replace(
                result,
                fields=tuple(result.fields[i] for i in keep),
                items=[[row[i] for i in keep] for row in result.items],
            )
        return QueryResponse.from_result(self.api_name, result)


def _paging_arguments(params: Mapping[str, object]) -> tuple[int | None, int | None, dict[str, object]]:
    """`query`'s own offset/limit, checked, and the interface parameters without them."""
    rest = {name: value for name, value in params.items() if name not in ("offset", "limit")}
    paging = [params.get("offset"), params.get("limit")]
    for name, value in zip(("offset", "limit"), paging, strict=True):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise ParameterError(
                f"{name} must be a non-negative integer, got {value!r}",
                remediation=f"pass {name} as a whole number such as {name}=100, or leave it out",
            )
    offset, limit = (value if isinstance(value, int) else None for value in paging)
    return offset, limit or None, rest


def _check_api_name(api_name: object) -> str:
    if not isinstance(api_name, str) or not api_name.strip():
        raise ParameterError(
            f"api_name must be an interface name such as 'daily', got {api_name!r}",
            remediation="pass the interface's name as the first argument: client.query('daily', ts_code=...)",
        )
    return api_name
