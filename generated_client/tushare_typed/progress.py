"""Progress of long calls: multi-page calls and rate-limit waits, shown in notebooks and terminals.

Shown when someone can see it: in a Jupyter kernel, or when standard error is a terminal. ``TUSHARE_TYPED_PROGRESS``
(``0``/``1``) or :func:`set_progress` turns it off or on whatever the detection says; the MCP server turns it off
(its stdout is the protocol, and nobody watches its stderr). Output goes to standard error, through tqdm's
notebook-aware bars when the optional ``tqdm`` is installed, else as one updated plain-text line. A one-page call
shows nothing.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any, Final, TextIO

__all__ = ["ENVIRONMENT_VARIABLE", "PageProgress", "announce_wait", "progress_enabled", "set_progress"]

#: ``0`` turns progress off, ``1`` on; unset means "when someone can see it".
ENVIRONMENT_VARIABLE: Final = "TUSHARE_TYPED_PROGRESS"
# Waits shorter than this are not worth a line.
_MIN_ANNOUNCED_WAIT: Final = 1.0

_override: bool | None = None
_pages_shown = True
_lock = threading.Lock()


def set_progress(enabled: bool | None, *, pages: bool = True) -> None:
    """Show progress (True), never (False), or when detected (None, the default). Beats the environment.
    ``pages=False`` keeps the rate-limit waits but not the page bars (for a caller that reports pages itself)."""
    global _override, _pages_shown
    with _lock:
        _override = enabled
        _pages_shown = pages


def progress_enabled() -> bool:
    if _override is not None:
        return _override
    setting = os.environ.get(ENVIRONMENT_VARIABLE, "").strip().lower()
    if setting in ("0", "false", "no", "off"):
        return False
    if setting in ("1", "true", "yes", "on"):
        return True
    return _in_notebook() or _stderr_is_terminal()


def announce_wait(api_name: str | None, seconds: float, reason: str) -> None:
    """Say that a call waits ``seconds`` (for the rate limiter, or after a 40203 reply)."""
    if seconds < _MIN_ANNOUNCED_WAIT or not progress_enabled():
        return
    text = f"tushare {api_name or ''}: waiting {seconds:.1f} s ({reason})"
    bar = _tqdm()
    if bar is not None:
        bar.write(text, file=sys.stderr)
    else:
        _stream().write(text + "\n")


class PageProgress:
    """The progress of one paged call; shown from its second page on (a one-page call stays quiet)."""

    def __init__(self, api_name: str | None) -> None:
        self.api_name = api_name or "query"
        self._bar: Any = None
        self._plain = False
        self._enabled: bool | None = None

    def update(self, rows: int, pages: int, more: bool) -> None:
        if pages < 2 and not more:
            return
        if self._enabled is None:
            self._enabled = _pages_shown and progress_enabled()
        if not self._enabled:
            return
        if self._bar is None and not self._plain:
            self._start()
        if self._bar is not None:
            self._bar.n = rows
            self._bar.set_postfix_str(f"{pages} pages", refresh=False)
            self._bar.refresh()
        else:
            _stream().write(f"\rtushare {self.api_name}: {rows} rows, {pages} pages")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        elif self._plain:
            _stream().write("\n")
        self._bar, self._plain = None, False

    def _start(self) -> None:
        bar = _tqdm()
        if bar is None:
            self._plain = True
            return
        self._bar = bar(desc=f"tushare {self.api_name}", unit=" rows", file=sys.stderr, leave=False)

    def __enter__(self) -> PageProgress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _tqdm() -> Any:
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm


def _in_notebook() -> bool:
    # An IPython kernel is what notebooks run; importing IPython just to ask would be slow, so only look.
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    return type(shell).__name__ == "ZMQInteractiveShell"


def _stderr_is_terminal() -> bool:
    stream = sys.stderr
    return stream is not None and hasattr(stream, "isatty") and stream.isatty()


def _stream() -> TextIO:
    return sys.stderr
