"""Every error code names one error: the client's, the store's, the sources', the service's and the MCP server's
classes never share a ``default_code`` (codes are what users search for and match on)."""

from __future__ import annotations

import importlib
from collections import defaultdict

import pytest

from tushare_typed.errors import TushareError

# The modules that define error classes of their own (imported so that their subclasses exist).
_MODULES = (
    "tushare_typed.errors",
    "tushare_typed.store._errors",
    "tushare_typed.sources._errors",
    "tushare_typed.service._errors",
    "tushare_typed.service._admission",
)


def _subclasses(cls: type[TushareError]) -> list[type[TushareError]]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


@pytest.mark.timeout(60)
def test_no_two_error_classes_share_a_code() -> None:
    for module in _MODULES:
        importlib.import_module(module)
    owners: dict[str, list[str]] = defaultdict(list)
    for cls in _subclasses(TushareError):
        code = cls.__dict__.get("default_code")  # set by the class itself, not inherited
        if code is not None:
            owners[code].append(f"{cls.__module__}.{cls.__qualname__}")
    shared = {code: names for code, names in owners.items() if len(set(names)) > 1}
    assert len(owners) > 30, "the error classes were found"
    assert not shared, f"codes used by more than one error: {shared}"
