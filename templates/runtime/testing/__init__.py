"""``tushare_typed.testing``: a local tushare server for tests, and its pytest plugin.

:class:`TushareEmulator` is a real HTTP server on 127.0.0.1 (a random port by default) that speaks the tushare
envelope: ``POST /`` or ``POST /dataapi/<api_name>`` with ``{"api_name", "token", "params", "fields"}``, answered
with ``{"request_id", "code", "msg", "data": {"fields", "items", "has_more", "count"}}``. For every interface in a
catalog it serves deterministic synthetic rows from :mod:`._data` (a weekday trading calendar, consistent daily
bars, adjustment factors and financial statements, selected by codes, dates and ranges as the real server does). It
enforces what the real server enforces and tests need to provoke: the token (40101), per-token per-interface call
quotas over a sliding window (40203 with the real message, naming the window), row caps with
``limit``/``offset``/``has_more`` (optionally with overlapping pages), permission denial (40203), and injected
faults (HTTP 500, dropped connections, slow replies, truncated JSON). It counts every call by interface, token
and outcome.

The package is also a pytest plugin (entry point ``pytest11``, :mod:`._plugin`): the ``tushare_emulator`` fixture
yields a running emulator and points ``TUSHARE_API_URL`` / ``TUSHARE_TOKEN`` at it. pytest imports every plugin at
start-up, so the package imports only the standard library's lightest modules; the HTTP server is imported on
``start()``.

``python -m tushare_typed.testing --help`` runs an emulator until stopped, e.g. in the background of a shell session
(options: port, quota and window, denied interfaces, accepted tokens; see :mod:`._cli`).
"""

from __future__ import annotations

import sys

from ._emulator import (
    DEFAULT_TOKEN,
    Faults,
    RequestRecord,
    TushareEmulator,
    permission_message,
    rate_limit_message,
)

__all__ = [
    "DEFAULT_TOKEN",
    "Faults",
    "RequestRecord",
    "TushareEmulator",
    "permission_message",
    "rate_limit_message",
]

# pytest imports this package through the pytest11 entry point, so pytest is loaded by then; a plain
# `import tushare_typed.testing` outside pytest must not pay for importing it.
if "pytest" in sys.modules:
    from ._plugin import pytest_configure, tushare_emulator, tushare_emulator_catalog  # noqa: F401
