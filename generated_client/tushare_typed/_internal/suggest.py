""" "Did you mean" suggestions: the known names closest to a misspelt one (standard library only, a leaf)."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["closest"]


def closest(name: str, names: Iterable[str], n: int = 3) -> list[str]:
    """The names most like ``name``, best first (none when nothing is close)."""
    import difflib  # here: only a misspelt name needs it

    return difflib.get_close_matches(name, list(names), n=n, cutoff=0.6)
