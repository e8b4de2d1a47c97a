"""Rows as text: an aligned table (the CLI's default output and the MCP server's text content), CSV and JSON.

Standard library only, so the CLI and the MCP server can render results without pandas. Widths are counted in
terminal columns: CJK characters (titles, descriptions and many values are Chinese) take two.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = ["cell_text", "display_width", "to_csv", "to_json", "to_table", "truncate"]

ELLIPSIS = "…"
DEFAULT_MAX_CELL_WIDTH = 40


def cell_text(value: Any) -> str:
    """One value as it appears in a table or CSV cell: None is empty, booleans are lower-case, on one line."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)


def display_width(text: str) -> int:
    """Terminal columns `text` occupies (wide and full-width characters count twice)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def truncate(text: str, width: int) -> str:
    """`text` cut to at most `width` columns, ending in an ellipsis when cut."""
    if display_width(text) <= width:
        return text
    kept: list[str] = []
    used = 0
    for char in text:
        char_width = display_width(char)
        if used + char_width > width - 1:
            break
        kept.append(char)
        used += char_width
    return "".join(kept) + ELLIPSIS


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - display_width(text))
    return gap + text if right else text + gap


def to_table(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], *, max_cell_width: int = DEFAULT_MAX_CELL_WIDTH
) -> str:
    """An aligned plain-text table with a header line; numeric columns are right-aligned.

    Cells longer than `max_cell_width` columns are cut with an ellipsis: the table is for reading, the
    CSV/JSON/structured outputs carry the full values.
    """
    materialized = [list(row) for row in rows]
    numeric = [
        any(row[i] is not None for row in materialized)
        and all(row[i] is None or _is_number(row[i]) for row in materialized)
        for i in range(len(columns))
    ]
    cells = [[truncate(cell_text(value), max_cell_width) for value in row] for row in materialized]
    header = [truncate(name, max_cell_width) for name in columns]
    widths = [max([display_width(h), *(display_width(row[i]) for row in cells)]) for i, h in enumerate(header)]
    lines = [
        "  ".join(_pad(h, w, False) for h, w in zip(header, widths, strict=True)),
        "  ".join("-" * w for w in widths),
        *("  ".join(_pad(c, w, n) for c, w, n in zip(row, widths, numeric, strict=True)) for row in cells),
    ]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def to_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV with a header line; None becomes an empty field."""
    buffer = io.StringIO()
    # RFC 4180 line ends: a lone "\r" or "\n" inside a cell is then quoted, so every cell reads back whole.
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([cell_text(value) if not isinstance(value, str) else value for value in row] for row in rows)
    return buffer.getvalue()


def to_json(records: Iterable[Mapping[str, Any]]) -> str:
    """A JSON array with one object per line: valid JSON that still diffs and greps line by line."""
    # allow_nan=False: NaN/Infinity are not JSON; the typed decoders never produce them, and should one slip
    # through, failing loudly beats writing a file other tools cannot read.
    lines = [json.dumps(record, ensure_ascii=False, allow_nan=False) for record in records]
    if not lines:
        return "[]\n"
    return "[\n" + ",\n".join(lines) + "\n]\n"
