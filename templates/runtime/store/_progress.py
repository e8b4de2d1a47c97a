"""Sync progress on a terminal: slices, rows, calls per minute and an ETA, redrawn in place on a TTY and written
as a line every few seconds elsewhere (logs, CI, notebooks' captured stderr)."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Final, TextIO

if TYPE_CHECKING:
    from ._report import InterfaceReport

__all__ = ["SyncProgress"]

#: Seconds between lines when stderr is not a terminal.
LINE_EVERY: Final = 5.0


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"


class SyncProgress:
    """The ``on_slice`` callback of a sync: call it after each committed slice; :meth:`close` ends the line."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty()
        self.started = time.monotonic()
        self.last_line = 0.0
        self.drawn = False

    def text(self, report: InterfaceReport, now: float) -> str:
        elapsed = max(now - self.started, 1e-9)
        todo = report.slices_planned - report.slices_skipped
        per_minute = report.calls / elapsed * 60
        eta = (todo - report.slices_done) * elapsed / report.slices_done if report.slices_done else 0.0
        return (
            f"{report.api_name}: {report.slices_done}/{todo} slices, {report.rows_added + report.rows_updated} rows, "
            f"{per_minute:.0f} calls/min, ETA {_duration(eta)}"
        )

    def __call__(self, report: InterfaceReport) -> None:
        now = time.monotonic()
        if self.tty:
            self.stream.write("\r\x1b[K" + self.text(report, now))
            self.stream.flush()
            self.drawn = True
        elif now - self.last_line >= LINE_EVERY or report.slices_done == report.slices_planned - report.slices_skipped:
            self.stream.write(self.text(report, now) + "\n")
            self.last_line = now

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.drawn = False
