"""The sync progress display: redrawn in place on a terminal, a line every few seconds elsewhere."""

from __future__ import annotations

import io

from tushare_typed.store import InterfaceReport
from tushare_typed.store._progress import SyncProgress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def report(done: int) -> InterfaceReport:
    return InterfaceReport(
        "daily", slices_planned=12, slices_skipped=2, slices_done=done, rows_added=done * 5, calls=done
    )


def test_a_terminal_gets_one_redrawn_line() -> None:
    stream = _Terminal()
    progress = SyncProgress(stream)
    progress.started -= 60  # a minute in
    progress(report(5))
    progress.close()
    text = stream.getvalue()
    assert text.startswith("\r\x1b[K") and text.endswith("\n")
    assert "daily: 5/10 slices, 25 rows, 5 calls/min, ETA 1m00s" in text


def test_elsewhere_lines_are_spaced_and_the_last_one_is_written() -> None:
    stream = io.StringIO()
    progress = SyncProgress(stream)
    for done in range(1, 11):
        progress(report(done))
    progress.close()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2  # the first, then (within a few seconds) only the last
    assert lines[-1].startswith("daily: 10/10 slices, 50 rows")
