"""Which interfaces a server offers: all of them, or those the operator narrowed it to with ``--tools``,
``--categories``, ``--max-points`` (what an account of that tier can call) and ``--callable-only`` (what
``tushare-typed doctor --probe`` found the token may call). The narrowing applies in both modes:
to the tool list in full mode, and to what search, describe, call and the resources reach in discovery mode."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from ..catalog import Catalog, InterfaceSpec

__all__ = ["COMPOSITE_TOOLS", "Selection", "SelectionError", "probed_callable", "split_list"]

#: Tools that are not one interface; ``--tools`` may name them too.
COMPOSITE_TOOLS: Final = ("pro_bar", "bars", "compare_sources", "latest_quote")


class SelectionError(ValueError):
    """The narrowing options name something that does not exist, or leave nothing to serve."""


def split_list(text: str | None) -> tuple[str, ...]:
    """``"a, b,,c"`` → ``("a", "b", "c")``; an empty or missing value means no narrowing."""
    return tuple(part.strip() for part in (text or "").split(",") if part.strip())


@dataclass(frozen=True, slots=True)
class Selection:
    """The narrowing: empty `tools`/`categories`, `max_points` None (or 0) and `callable` None mean no limit of
    that kind; `callable` holds the interfaces the probe found callable."""

    tools: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    max_points: int | None = None
    callable: frozenset[str] | None = None

    def allows(self, spec: InterfaceSpec) -> bool:
        if self.tools and spec.api_name not in self.tools:
            return False
        if self.categories and not any(
            word.casefold() in part.casefold() for word in self.categories for part in spec.category
        ):
            return False
        if self.callable is not None and spec.api_name not in self.callable:
            return False
        # An interface whose points are undocumented stays: nothing says the tier cannot call it.
        return not self.max_points or spec.points is None or spec.points <= self.max_points

    def allows_composite(self, name: str) -> bool:
        return not self.tools or name in self.tools

    def interfaces(self, catalog: Catalog) -> list[InterfaceSpec]:
        """The allowed interfaces, checking first that every named tool and category exists."""
        self._check(catalog)
        chosen = [spec for spec in catalog if self.allows(spec)]
        if not chosen and not any(self.allows_composite(name) for name in COMPOSITE_TOOLS):
            raise SelectionError(f"{self.describe()} leaves no tool to serve; widen or drop an option")
        return chosen

    def _check(self, catalog: Catalog) -> None:
        known = [*catalog.names(), *COMPOSITE_TOOLS]
        unknown = [name for name in self.tools if name not in known]
        if unknown:
            raise SelectionError("--tools: " + "; ".join(_unknown(name, known) for name in unknown))
        parts = {part for spec in catalog for part in spec.category}
        missing = [word for word in self.categories if not any(word.casefold() in p.casefold() for p in parts)]
        if missing:
            listing = ", ".join(sorted({spec.category[0] for spec in catalog if spec.category}))
            raise SelectionError(f"--categories: no category contains {', '.join(missing)}; top categories: {listing}")
        if self.max_points is not None and self.max_points < 0:
            raise SelectionError(f"--max-points must be 0 (no limit) or more, got {self.max_points}")

    def describe(self) -> str:
        parts = [f"--tools {','.join(self.tools)}"] if self.tools else []
        parts += [f"--categories {','.join(self.categories)}"] if self.categories else []
        parts += [f"--max-points {self.max_points}"] if self.max_points else []
        parts += ["--callable-only"] if self.callable is not None else []
        return " ".join(parts) or "no narrowing"


def probed_callable() -> frozenset[str]:
    """The interfaces ``tushare-typed doctor --probe`` found callable (``--callable-only``)."""
    from .._internal.probe import ProbeRecord

    try:
        record = ProbeRecord.load()
    except ValueError as error:
        raise SelectionError(f"--callable-only: {error}") from None
    if not record.entries:
        raise SelectionError(f"--callable-only: no probe record at {record.path}; run `tushare-typed doctor --probe`")
    return frozenset(record.names("callable"))


def _unknown(name: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
    return f"no interface {name!r}" + (f" (did you mean {', '.join(close)}?)" if close else "")
