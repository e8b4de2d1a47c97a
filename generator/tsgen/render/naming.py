"""Python names for metadata things; shared by the templates (as jinja filters) and the JSON writers."""

from __future__ import annotations

from tsgen.model import OutputField

# NamedTuple rows inherit these from tuple; a column with such a name gets a trailing underscore.
_TUPLE_ATTRIBUTES = frozenset(dir(tuple))


def pascal(api_name: str) -> str:
    """`fina_indicator_vip` → `FinaIndicatorVip`."""
    return "".join(part[:1].upper() + part[1:] for part in api_name.split("_") if part)


def tuple_safe(name: str) -> str:
    """A NamedTuple attribute for ``name``: a trailing underscore when tuple already has it (`count` → `count_`)."""
    return f"{name}_" if name in _TUPLE_ATTRIBUTES else name


def row_attr(field: OutputField) -> str:
    return tuple_safe(field.attr)
