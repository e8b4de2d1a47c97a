"""Error messages that say what to do: facts from the catalog added to errors the server's reply alone cannot
explain. A permission denial names the points the interface needs and the account's points when they are known
(``TUSHARE_POINTS``); an unknown interface name gets the closest known names.

Called by :func:`.reply_errors.error_from_reply` for every error reply; a hint never replaces the error it explains.
"""

from __future__ import annotations

import contextlib
import os

from ..catalog import CatalogError
from ..errors import PermissionDeniedError, ServerParameterError, TushareError
from .limiter.choose import POINTS_VARIABLE
from .suggest import closest

__all__ = ["add_hints", "interface_suggestions"]

_UNKNOWN_INTERFACE_MARKS = ("请指定正确的接口名", "接口名")


def add_hints(error: TushareError) -> TushareError:
    """``error`` with a remediation built from what the catalog knows about its interface."""
    # A hint must never replace the error it explains: an unreadable catalog leaves the error as it was.
    with contextlib.suppress(CatalogError, OSError):
        if isinstance(error, PermissionDeniedError) and error.api_name:
            _permission_hint(error, error.api_name)
        elif isinstance(error, ServerParameterError) and error.api_name and _names_interface(error.message):
            _unknown_interface_hint(error, error.api_name)
    return error


def interface_suggestions(api_name: str) -> list[str]:
    """The known interface names closest to ``api_name`` (empty when it is known, or nothing is close)."""
    from ..catalog import load_catalog

    catalog = load_catalog()
    return [] if api_name in catalog else closest(api_name, catalog.names())


def _names_interface(message: str) -> bool:
    return any(mark in message for mark in _UNKNOWN_INTERFACE_MARKS)


def _permission_hint(error: PermissionDeniedError, api_name: str) -> None:
    from ..catalog import load_catalog

    catalog = load_catalog()
    if api_name not in catalog:
        return
    spec = catalog.get(api_name)
    # The points tier when the docs state one, and the access they state apart from points (metadata `permission`).
    needs = [f"{spec.points} points"] if spec.points is not None else []
    if spec.permission is not None and spec.permission.describe():
        needs.append(spec.permission.describe())
    stated = f"{api_name} needs {' or '.join(needs)}" if needs else f"{api_name} needs a tier this account lacks"
    points = os.environ.get(POINTS_VARIABLE, "").strip()
    account = f"; this account has {points} points ({POINTS_VARIABLE})" if points.isdigit() else ""
    error.remediation = (
        f"{stated}{account}. Upgrade at https://tushare.pro/document/1?doc_id=108, or use an interface within "
        "your tier (`tushare-typed list` shows each interface's points)."
    )


def _unknown_interface_hint(error: ServerParameterError, api_name: str) -> None:
    close = interface_suggestions(api_name)
    if close:
        error.remediation = f"{api_name!r} is not a tushare interface; did you mean {', '.join(close)}?"
    else:
        error.remediation = f"{api_name!r} is not a tushare interface; `tushare-typed list` shows them all."
