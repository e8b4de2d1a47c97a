"""Bars fetched through :mod:`tushare_typed.sources`, kept in the local DuckDB store (``tushare_typed.store``'s file):
one table ``source_bars`` keyed by source, symbol, date and adjust, and ``source_bar_spans`` recording which date
ranges were fetched whole, so a repeated request is answered locally.

A span counts only up to yesterday (today's bar may still change), and a qfq span only for a day (a new dividend
moves every forward-adjusted price).
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Final

from ._base import Window
from ._model import Bar

__all__ = ["BarStore"]

_SETUP: Final = (
    "CREATE TABLE IF NOT EXISTS source_bars (source VARCHAR NOT NULL, symbol VARCHAR NOT NULL, date VARCHAR NOT NULL,"
    " adjust VARCHAR NOT NULL, open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE, pre_close DOUBLE, volume DOUBLE,"
    " amount DOUBLE, PRIMARY KEY (source, symbol, date, adjust))",
    "CREATE TABLE IF NOT EXISTS source_bar_spans (source VARCHAR NOT NULL, symbol VARCHAR NOT NULL,"
    " adjust VARCHAR NOT NULL, start_date VARCHAR NOT NULL, end_date VARCHAR NOT NULL, fetched_at TIMESTAMP NOT NULL)",
)
_QFQ_FRESH: Final = dt.timedelta(days=1)


class BarStore:
    """Reads and writes source bars in the store file at ``path`` (default: the store's own default path)."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        from ..store._database import Database

        self.database = Database(path)
        with self.database.cursor() as conn:
            for statement in _SETUP:
                conn.execute(statement)

    def close(self) -> None:
        self.database.close()

    def load(self, source: str, symbol: str, window: Window, adjust: str) -> list[Bar] | None:
        """The stored bars when a fetched span covers ``window``, else None."""
        start, end = f"{window.start:%Y%m%d}", f"{window.end:%Y%m%d}"
        fresh = dt.datetime.now() - _QFQ_FRESH if adjust == "qfq" else dt.datetime.min
        with self.database.cursor() as conn:
            covered = conn.execute(
                "SELECT count(*) FROM source_bar_spans WHERE source = ? AND symbol = ? AND adjust = ?"
                " AND start_date <= ? AND end_date >= ? AND fetched_at >= ?",
                [source, symbol, adjust, start, end, fresh],
            ).fetchall()[0][0]
            if not covered:
                return None
            rows = conn.execute(
                "SELECT symbol, date, open, high, low, close, pre_close, volume, amount, adjust, source"
                " FROM source_bars WHERE source = ? AND symbol = ? AND adjust = ? AND date BETWEEN ? AND ?"
                " ORDER BY date",
                [source, symbol, adjust, start, end],
            ).fetchall()
        return [Bar(*row) for row in rows]

    def save(self, source: str, symbol: str, window: Window, adjust: str, bars: list[Bar]) -> None:
        """Keep ``bars`` and record ``window`` (up to yesterday) as fetched whole."""
        yesterday = dt.date.today() - dt.timedelta(days=1)
        end = min(window.end, yesterday)
        kept = [bar for bar in bars if bar.date <= f"{end:%Y%m%d}"]
        with self.database.cursor() as conn:
            conn.execute("BEGIN TRANSACTION")
            try:
                if kept:
                    conn.executemany(
                        "INSERT OR REPLACE INTO source_bars (source, symbol, date, adjust, open, high, low, close,"
                        " pre_close, volume, amount) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [
                            [source, bar.symbol, bar.date, adjust, *bar[2:6], bar.pre_close, bar.volume, bar.amount]
                            for bar in kept
                        ],
                    )
                if window.start <= end:
                    conn.execute(
                        "INSERT INTO source_bar_spans VALUES (?, ?, ?, ?, ?, ?)",
                        [source, symbol, adjust, f"{window.start:%Y%m%d}", f"{end:%Y%m%d}", dt.datetime.now()],
                    )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
