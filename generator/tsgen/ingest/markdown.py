"""Split a doc page into the few block kinds the tushare pages use: headings, text lines, tables, code blocks.

Every block keeps its 1-based line number so problems can be reported as file:line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_SEPARATOR_CELL = re.compile(r"^:?-{2,}:?$")


@dataclass(frozen=True)
class Heading:
    line: int
    level: int
    text: str


@dataclass(frozen=True)
class Text:
    line: int
    text: str


@dataclass(frozen=True)
class Code:
    line: int
    text: str


@dataclass(frozen=True)
class Table:
    line: int
    header: list[str]
    rows: list[list[str]]
    row_lines: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


Block = Heading | Text | Code | Table


def split_cells(line: str) -> list[str]:
    """Cells of one `| a | b |` row; `\\|` inside a cell is a literal bar."""
    body = line.strip()
    body = body.removeprefix("|")
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    cells = re.split(r"(?<!\\)\|", body)
    return [cell.replace("\\|", "|").strip() for cell in cells]


def _is_separator(cells: list[str]) -> bool:
    return bool(cells) and all(_SEPARATOR_CELL.match(cell) for cell in cells)


def _fit_row(cells: list[str], width: int) -> list[str]:
    """Pad short rows; fold surplus cells into the last column so no text is lost."""
    if len(cells) < width:
        return cells + [""] * (width - len(cells))
    if len(cells) > width:
        return [*cells[: width - 1], " | ".join(cells[width - 1 :])]
    return cells


def _parse_table(start: int, lines: list[str]) -> Table:
    header = split_cells(lines[0])
    problems: list[str] = []
    first_row = 1
    if _is_separator(header):
        problems.append("table has no header row, only a `| --- |` separator")
        header = [""] * len(header)
    elif len(lines) > 1 and _is_separator(split_cells(lines[1])):
        first_row = 2
    else:
        problems.append("table has no `| --- |` separator row under its header")
    rows: list[list[str]] = []
    row_lines: list[int] = []
    for position in range(first_row, len(lines)):
        cells = split_cells(lines[position])
        if _is_separator(cells):
            continue
        if len(cells) != len(header):
            problems.append(f"line {start + position}: row has {len(cells)} cells, header has {len(header)}")
        rows.append(_fit_row(cells, len(header)))
        row_lines.append(start + position)
    return Table(line=start, header=header, rows=rows, row_lines=row_lines, problems=problems)


def parse_blocks(text: str) -> list[Block]:
    lines = text.splitlines()
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        raw = lines[index]
        stripped = raw.strip()
        number = index + 1
        if stripped.startswith("```"):
            end = index + 1
            while end < len(lines) and not lines[end].strip().startswith("```"):
                end += 1
            blocks.append(Code(line=number, text="\n".join(lines[index + 1 : end]).strip("\n")))
            index = end + 1
        elif stripped.startswith("|"):
            end = index
            while end < len(lines) and lines[end].strip().startswith("|"):
                end += 1
            blocks.append(_parse_table(number, [line.strip() for line in lines[index:end]]))
            index = end
        else:
            heading = re.match(r"^(#{1,6})\s+(.*)$", stripped)
            if heading:
                blocks.append(Heading(number, len(heading.group(1)), heading.group(2).strip()))
            elif stripped:
                blocks.append(Text(number, stripped))
            index += 1
    return blocks


def column_index(header: list[str], *names: str) -> int | None:
    """The first column whose header contains one of ``names``."""
    for position, text in enumerate(header):
        if any(name in text for name in names):
            return position
    return None


def cell(row: list[str], position: int | None) -> str:
    """The row's cell at ``position``, or "" when the column is absent or the row short."""
    return row[position] if position is not None and position < len(row) else ""
