"""Enumeration tables of a doc page (the values a parameter takes, e.g. `freq` or `src`): which parameter each lists
values for, and the values."""

from __future__ import annotations

import re

from tsgen.ingest.markdown import Table, cell, column_index
from tsgen.model import EnumValue, Param

_REFERS_BELOW = re.compile(r"(?:参考|见|参阅).{0,6}(?:下方|底部|下表|附表|最下方|说明)")
_LEADING_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*")
_ENUM_VALUE_HEADER = re.compile(r"代码|标识|取值|code|freq", re.IGNORECASE)


def attach_enums(params: list[Param], tables: list[tuple[Table, str]]) -> tuple[list[Table], int]:
    """Give each enumeration table (with its caption) to the parameter it lists values for, replacing that entry of
    ``params``; return the tables left over and how many were attached."""
    left: list[Table] = []
    attached = 0
    for table, caption in tables:
        position = _enum_target(params, table, caption)
        if position is None:
            left.append(table)
            continue
        values = _enum_values(table)
        if values:
            params[position] = params[position].model_copy(update={"enum": values})
            attached += 1
    return left, attached


def _enum_target(params: list[Param], table: Table, caption: str) -> int | None:
    names = {param.name.lower(): position for position, param in enumerate(params)}
    first_header = table.header[0].strip().lower() if table.header else ""
    leading = _LEADING_NAME.match(first_header)  # realtime_quote's "src源"
    for candidate in (first_header, leading.group(0) if leading else ""):
        if candidate in names:
            return names[candidate]
    for token in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", caption):
        if token.lower() in names:
            return names[token.lower()]
    # tmt_twincome's 产品代码列表 lists the values of the param described as 产品代码
    described = [p for p, param in enumerate(params) if len(param.description) >= 2 and param.description in caption]
    if len(described) == 1:
        return described[0]
    referring = [position for position, param in enumerate(params) if _REFERS_BELOW.search(param.description)]
    return referring[0] if len(referring) == 1 else None


def _enum_values(table: Table) -> list[EnumValue]:
    value_col = column_index(table.header, "参数标识", "src标识") or next(
        (pos for pos, cell in enumerate(table.header) if _ENUM_VALUE_HEADER.search(cell)), 0
    )
    values: list[EnumValue] = []
    for row in table.rows:
        value = cell(row, value_col)
        if not value or any(existing.value == value for existing in values):
            continue
        others = [cell for pos, cell in enumerate(row) if pos != value_col and cell]
        values.append(EnumValue(value=value, description=" — ".join(others)))
    return values
