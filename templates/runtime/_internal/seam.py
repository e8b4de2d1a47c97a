"""Which rows of a page repeat the page before it, decided only by the interface's key columns.

Paging by ``offset`` over data that moves (rows inserted while a caller pages) shifts the next page: its first rows
are the last rows of the page before. Such a row is dropped only when that is provable: the interface has key
columns (``InterfaceSpec.keys``, the columns identifying one record), the page carries them, and the row's key
appears in the previous page. Only a leading run of such rows is dropped (a shift repeats a prefix of the page).
"Previous page" means the last ``limit`` rows fetched, so pages shortened by a server cap or ``max_rows`` still
cover a whole seam. Rows that are equal in whatever columns the caller asked for are data; an interface without
keys never drops a row.

:class:`SeamGuard` also recognises a server that ignores ``offset`` and sends the previous page again: the same row
identities in the same order (or, with keys, a page whose every row repeats the previous page), which the caller
turns into an error rather than paging for ever.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from .collector import collector_paused

__all__ = ["SeamGuard", "freeze_row"]


def freeze_row(row: Sequence[Any]) -> Hashable:
    """A hashable identity of a whole row (JSON values: lists and dicts become tuples)."""
    return tuple(_freeze(value) for value in row)


def _freeze(value: Any) -> Hashable:
    if isinstance(value, list | tuple):
        return tuple(_freeze(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), _freeze(v)) for k, v in value.items()))
    return value  # type: ignore[no-any-return]


def _key_getter(positions: tuple[int, ...]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """The key tuple of a row, built in C (itemgetter of one position returns the bare value, hence the wrap)."""
    if len(positions) == 1:
        (position,) = positions
        return lambda row: (row[position],)
    return operator.itemgetter(*positions)


def _identities(
    rows: Sequence[Sequence[Any]],
    plain: Callable[[Sequence[Any]], tuple[Any, ...]],
    frozen: Callable[[Sequence[Any]], Hashable],
) -> list[Hashable]:
    """Each row's identity: ``plain`` when every value is a JSON scalar (the usual page, identical to the frozen
    form then, and several times cheaper), else ``frozen`` for every row of the page."""
    with collector_paused():
        identities: list[Hashable] = list(map(plain, rows))
    try:
        set(identities)  # hashes each identity: a list or dict value anywhere raises
    except TypeError:
        return [frozen(row) for row in rows]
    return identities


class SeamGuard:
    """Remembers the identities of the last ``memory`` rows fetched (one page's worth: the seam's reach) and of
    the previous page."""

    def __init__(self, keys: Sequence[str], tail: Sequence[Hashable] = (), memory: int = 1) -> None:
        self.keys = tuple(keys)
        self.memory = max(1, memory)
        self.previous: list[Hashable] = list(tail)[-self.memory :]
        self._previous_set = set(self.previous)
        self._last_page: list[Hashable] = list(self.previous)
        #: Whether ``previous`` holds key tuples (True) or whole rows (False).
        self.keyed = bool(self.keys)

    def positions(self, fields: Sequence[str], layout: Sequence[str]) -> tuple[int, ...] | None:
        """Where the key columns sit in an item laid out as ``layout``; None when keys are unknown or the page
        (whose columns are ``fields``) does not carry them all."""
        if not self.keys or any(key not in fields or key not in layout for key in self.keys):
            return None
        return tuple(list(layout).index(key) for key in self.keys)

    def identities(
        self, fields: Sequence[str], rows: Sequence[Sequence[Any]], layout: Sequence[str] | None = None
    ) -> tuple[list[Hashable], bool]:
        """Each row's identity (its key tuple when the page carries the keys, else the whole row) and whether
        they are keys. ``layout`` names the column at each item position when it differs from ``fields``."""
        positions = self.positions(fields, layout or fields)
        if positions is None:
            return _identities(rows, tuple, freeze_row), False
        return _identities(rows, _key_getter(positions), lambda row: tuple(_freeze(row[p]) for p in positions)), True

    def repeated_page(self, identities: Sequence[Hashable], keyed: bool) -> bool:
        """The page is the previous page again: the server ignored ``offset``."""
        if not identities or not self.previous or keyed != self.keyed:
            return False
        if list(identities) == self._last_page:
            return True
        return keyed and all(identity in self._previous_set for identity in identities)

    def seam_repeats(self, identities: Sequence[Hashable], keyed: bool) -> int:
        """How many leading rows repeat a record of the previous page (0 without keys)."""
        if not keyed or not self.keyed or not self._previous_set:
            return 0
        count = 0
        for identity in identities:
            if identity not in self._previous_set:
                break
            count += 1
        return count

    def remember(self, identities: Sequence[Hashable], keyed: bool) -> None:
        carried = self.previous if keyed == self.keyed else []
        self.previous = (carried + list(identities))[-self.memory :]
        self._previous_set = set(self.previous)
        self._last_page = list(identities)
        self.keyed = keyed
