"""Lazy attribute loading for the package and its `models` namespace.

The export maps are generated from the metadata (never hand-written); a name's module is imported the first time
the name is used, so `import tushare_typed` loads no per-interface model and no optional dependency.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(package: str, exports: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """`__getattr__` and `__dir__` for a package whose names live in submodules (`name → relative module`)."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f".{module}", package), name)

    def __dir__() -> list[str]:
        return sorted(exports)

    return __getattr__, __dir__
